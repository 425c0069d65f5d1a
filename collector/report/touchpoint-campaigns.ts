// The top campaign of each listed touchpoint (issue 14, campaign context on the map): among the
// people who used a touchpoint in a stage, the campaign (utm_campaign of the visit they used it
// in, sessions.campaign) that brought the most of them, with its share of them. Read from the
// touchpoint rollup (report_touchpoints) of the period's whole hours and the same rows built from
// events for its partial hours (sql.ts touchpointEnds), so it is exact like the ranking itself;
// only the touchpoints already ranked are looked at. docs/report.md "Journey map" defines it.
import type { Store } from '../store/types';
import { filterSql, num, split, Sql, touchpointEnds, type Scope } from './sql';
import type { TouchpointCount } from './types';

/** One touchpoint's top campaign (TouchpointCount.topCampaign). */
export type TopCampaign = NonNullable<TouchpointCount['topCampaign']>;

/** Key of a (stage, touchpoint) pair; char(31) cannot occur in a stored stage name. */
const key = (stage: string, touchpoint: string) => `${stage}\u001f${touchpoint}`;

/**
 * The top campaign of each given (stage → touchpoints) pair, keyed `stage\u001ftouchpoint`;
 * pairs none of whose visits had a campaign are absent.
 */
export async function topCampaigns(store: Store, scope: Scope, listed: Map<string, TouchpointCount[]>): Promise<Map<string, TopCampaign>> {
  const pairs = [...listed].flatMap(([stage, tps]) => tps.map((t) => key(stage, t.touchpoint)));
  const out = new Map<string, TopCampaign>();
  if (!pairs.length) return out;
  const q = new Sql();
  const site = q.p(scope.site);
  const wanted = `stage || char(31) || touchpoint IN (${pairs.map((p) => q.p(p)).join(', ')})`;
  const { hours, raw } = split(scope.from, scope.to);
  const parts: string[] = [];
  if (hours)
    parts.push(`SELECT stage, touchpoint, session, visitor FROM report_touchpoints WHERE site = ${site} AND hour >= ${q.p(hours[0])} AND hour < ${q.p(hours[1])}${filterSql(q, scope, 'rollup')} AND ${wanted}`);
  if (raw.length || !hours) parts.push(`SELECT stage, touchpoint, session, visitor FROM (${touchpointEnds(q, scope)}) WHERE ${wanted}`);
  // kind 0: people per campaign; kind 1: people at the touchpoint (once each, whatever their campaigns).
  const rows = await q.run(
    store,
    `WITH t AS MATERIALIZED (SELECT DISTINCT stage, touchpoint, session, visitor FROM (${parts.join(' UNION ALL ')}) WHERE visitor <> ''),
     c AS (SELECT DISTINCT t.stage, t.touchpoint, t.visitor, x.campaign FROM t JOIN sessions x ON x.site = ${site} AND x.session = t.session
       WHERE x.campaign IS NOT NULL AND x.campaign <> '')
     SELECT 0 AS kind, stage, touchpoint, campaign, COUNT(*) AS n FROM c GROUP BY stage, touchpoint, campaign
     UNION ALL SELECT 1, stage, touchpoint, NULL, COUNT(DISTINCT visitor) FROM t GROUP BY stage, touchpoint`,
  );
  const people = new Map<string, number>();
  for (const r of rows) if (num(r.kind) === 1) people.set(key(String(r.stage), String(r.touchpoint)), num(r.n));
  for (const r of rows) {
    if (num(r.kind) !== 0) continue;
    const k = key(String(r.stage), String(r.touchpoint));
    const name = String(r.campaign);
    const visitors = num(r.n);
    const best = out.get(k);
    // Most people first, then the name, so ties always give the same answer.
    if (!best || visitors > best.visitors || (visitors === best.visitors && name < best.name))
      out.set(k, { name, visitors, share: visitors / Math.max(1, people.get(k) ?? visitors) });
  }
  return out;
}

/** The listed touchpoints with their top campaign set (null where none). */
export function withTopCampaigns(listed: Map<string, TouchpointCount[]>, top: Map<string, TopCampaign>): Map<string, TouchpointCount[]> {
  for (const [stage, tps] of listed) for (const t of tps) t.topCampaign = top.get(key(stage, t.touchpoint)) ?? null;
  return listed;
}
