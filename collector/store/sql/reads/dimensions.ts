// Values present in a period, whatever the filters, for the filter menus.
import type { DimensionValues } from '../../reads';
import { sessionSplit, Sql, type Run } from './query';

export async function dimensions(q: Sql, run: Run, site: string, from: number, to: number): Promise<DimensionValues> {
  // The sessions taken whole from report_sessions have one channel, device and country each.
  const { whole, rest } = sessionSplit(q, { site, from, to });
  const src = [...(whole ? [`SELECT channel, device, country ${whole}`] : []), rest('channel, device, country')].join(' UNION ALL ');
  // DISTINCT aggregates keep only the few values seen, where GROUP BY would sort every row.
  const [r] = await q.run(
    run,
    `SELECT ${q.d.jsonArrayAgg('DISTINCT channel')} AS channels, ${q.d.jsonArrayAgg('DISTINCT device')} AS devices, ${q.d.jsonArrayAgg('DISTINCT country')} AS countries,
      (SELECT ${q.d.jsonArrayAgg('persona')} FROM (SELECT persona FROM visitors WHERE site = ${q.p(site)} AND persona IS NOT NULL
        AND first_seen < ${q.p(to)} AND last_seen >= ${q.p(from)} GROUP BY persona)) AS personas,
      (SELECT ${q.d.jsonArrayOf(['source', 'medium', 'campaign', 'content', 'term'].map((c) => q.d.jsonArrayAgg(`DISTINCT ${c}`)))}
        FROM sessions WHERE site = ${q.p(site)} AND started >= ${q.p(from)} AND started < ${q.p(to)} AND bot = 0) AS utm
    FROM (${src})`,
  );
  const list = (v: unknown) => JSON.parse(String(v ?? '[]')) as unknown[];
  // Campaign values: of the visits started in the period (sessions, by its started index).
  // (An engine may give the inner arrays as JSON text: json_build_array of text values.)
  const utm = (JSON.parse(String(r?.utm ?? '[[],[],[],[],[]]')) as unknown[]).map(
    (v) => (typeof v === 'string' ? JSON.parse(v) : v) as unknown[],
  );
  return {
    personas: list(r?.personas),
    channels: list(r?.channels),
    devices: list(r?.devices),
    countries: list(r?.countries),
    sources: utm[0] ?? [],
    mediums: utm[1] ?? [],
    campaigns: utm[2] ?? [],
    contents: utm[3] ?? [],
    terms: utm[4] ?? [],
  };
}
