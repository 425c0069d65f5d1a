// Attribution's rows: the conversions of a period (every purchase, or each person's first goal
// event) and the converters' visits in the look-back window (collector/report/attribution.ts).
import type { ConversionQuery, ConversionRow, VisitRow } from '../../reads';
import { inList, Sql, type Run } from './query';

export async function conversions(q: Sql, run: Run, site: string, query: ConversionQuery): Promise<ConversionRow[]> {
  const filters: string[] = [];
  if (query.device !== undefined) filters.push(`e.device = ${q.p(query.device)}`);
  if (query.country !== undefined) filters.push(`e.country = ${q.p(query.country)}`);
  if (query.persona !== undefined)
    filters.push(`e.visitor IN (SELECT visitor FROM visitors WHERE site = ${q.p(site)} AND persona = ${q.p(query.persona)})`);
  const and = filters.map((f) => ` AND ${f}`).join('');
  const cols = `e.id, e.visitor, e.session, e.time, e.channel, e.source, e.medium, e.campaign, e.content, e.landing,
    ${q.d.jsonNumberAt('e.props', "'value'")} AS value, ${q.d.jsonText('e.props', "'currency'")} AS currency`;
  const range = `e.site = ${q.p(site)} AND e.time >= ${q.p(query.from)} AND e.time < ${q.p(query.to)}`;
  let sql: string;
  if (query.goal === 'purchase')
    sql = `SELECT ${cols} FROM events e${q.d.indexedBy('events_site_checkout')} WHERE ${range} AND e.type = 'checkout' AND e.bot = 0
      AND e.name = 'purchase' AND e.visitor IS NOT NULL${and} ORDER BY e.time, e.id`;
  else {
    // A goal counts once per person: their first such event in the period (MIN picks the row).
    const [type, name] = query.goal.startsWith('/') ? ['pageview', query.goal] : ['event', query.goal];
    sql = `SELECT id, visitor, session, time, channel, source, medium, campaign, content, landing, value, currency FROM (
      SELECT ${cols}, ROW_NUMBER() OVER (PARTITION BY e.visitor ORDER BY e.time, e.id) AS rn FROM events e${q.d.indexedBy('events_site_time')} WHERE ${range}
        AND e.type = ${q.p(type)} AND e.name = ${q.p(name)} AND e.bot = 0 AND e.visitor IS NOT NULL${and}) AS g WHERE rn = 1 ORDER BY visitor`;
  }
  // In one order on every engine (purchases by time, goals by visitor): the credit sums add up in it.
  const rows = await q.run(run, sql);
  return rows.map(
    (r) =>
      ({
        ...r,
        id: String(r.id),
        visitor: String(r.visitor),
        session: r.session == null ? null : String(r.session),
        time: Number(r.time),
      }) as ConversionRow,
  );
}

/** The visits of `visitors` that started in [from, to). */
export async function visits(q: Sql, run: Run, site: string, visitors: readonly string[], from: number, to: number): Promise<VisitRow[]> {
  const rows = await q.run(
    run,
    `SELECT visitor, session, started, channel, source, medium, campaign, content, landing FROM sessions${q.d.indexedBy('sessions_site_visitor')}
       WHERE site = ${q.p(site)} AND ${inList(q, 'visitor', visitors)}
         AND started >= ${q.p(from)} AND started < ${q.p(to)} AND bot = 0
       ORDER BY visitor, started, session`,
  );
  return rows as unknown as VisitRow[];
}
