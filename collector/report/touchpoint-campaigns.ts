// The top campaign of each listed touchpoint (issue 14, campaign context on the map): among the
// visits with an event at a touchpoint in a stage, the campaign (utm_campaign of the visit,
// sessions.campaign) with the most people, with its visits' share of the touchpoint's visits.
// Only the visits that have a campaign are read — the period's sessions with one, and through
// report_touchpoints_session their touchpoint rows of the whole hours, plus the partial hours'
// rows built from events (sql.ts touchpointEnds) — so it costs a lookup per campaign visit, not a
// scan of the touchpoint rollup; the denominator is the ranking's own exact `sessions`.
// docs/report.md "Journey map" defines it.
import { HOUR_MS } from '../store/report-sql';
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
  const sessionsAt = new Map<string, number>();
  for (const [stage, tps] of listed) for (const t of tps) sessionsAt.set(key(stage, t.touchpoint), t.sessions);
  const out = new Map<string, TopCampaign>();
  if (!sessionsAt.size) return out;
  const q = new Sql();
  const site = q.p(scope.site);
  const pairs = [...sessionsAt.keys()].map((p) => q.p(p)).join(', ');
  const wanted = (t: string) => `${t}stage || char(31) || ${t}touchpoint IN (${pairs})`;
  const { hours, raw } = split(scope.from, scope.to);
  const parts: string[] = [];
  if (hours) {
    const [a, b] = [hours[0] * HOUR_MS, hours[1] * HOUR_MS];
    // Visits with rows in the whole hours: those started in them (a range of sessions_site_started)
    // and those started before and going on at their start (report_sessions_last, as sql.ts's
    // sessionSplit finds the sessions crossing an hour).
    const started = `SELECT session AS sid, campaign FROM sessions WHERE site = ${site} AND started >= ${q.p(a)} AND started < ${q.p(b)} AND campaign <> '' AND bot = 0`;
    const crossing = `SELECT x.session AS sid, x.campaign FROM report_sessions r INDEXED BY report_sessions_last JOIN sessions x ON x.site = r.site AND x.session = r.session
      WHERE r.site = ${site} AND r.last_hour >= ${q.p(hours[0])} AND r.first_hour < ${q.p(hours[0])} AND x.campaign <> ''`;
    // CROSS JOIN keeps the campaign visits outside (SQLite never reorders it) and +p.hour keeps
    // the hours off the primary key: the rows are found by session (report_touchpoints_session).
    // The filters' bare column names are p's (cs has only sid and campaign).
    parts.push(`SELECT p.stage, p.touchpoint, p.session, p.visitor, cs.campaign FROM (${started} UNION ${crossing}) cs
      CROSS JOIN report_touchpoints p WHERE p.site = ${site} AND p.session = cs.sid AND +p.hour >= ${q.p(hours[0])} AND +p.hour < ${q.p(hours[1])}
      AND ${wanted('p.')}${filterSql(q, scope, 'rollup')}`);
  }
  if (raw.length || !hours)
    parts.push(`SELECT e.stage, e.touchpoint, e.session, e.visitor, x.campaign FROM (${touchpointEnds(q, scope)}) e
      JOIN sessions x ON x.site = ${site} AND x.session = e.session WHERE x.campaign <> '' AND ${wanted('e.')}`);
  const rows = await q.run(
    store,
    `SELECT stage, touchpoint, campaign, COUNT(DISTINCT NULLIF(visitor, '')) AS people, COUNT(DISTINCT session) AS visits
     FROM (${parts.join(' UNION ALL ')}) GROUP BY stage, touchpoint, campaign`,
  );
  for (const r of rows) {
    const k = key(String(r.stage), String(r.touchpoint));
    const name = String(r.campaign);
    const [visitors, visits] = [num(r.people), num(r.visits)];
    const best = out.get(k);
    // Most people first, then most visits, then the name, so ties always give the same answer.
    if (!best || visitors > best.visitors || (visitors === best.visitors && (visits > best.visits || (visits === best.visits && name < best.name))))
      out.set(k, { name, visitors, visits, share: Math.min(1, visits / Math.max(1, sessionsAt.get(k) ?? visits)) });
  }
  return out;
}

/** The listed touchpoints with their top campaign set (null where none). */
export function withTopCampaigns(listed: Map<string, TouchpointCount[]>, top: Map<string, TopCampaign>): Map<string, TouchpointCount[]> {
  for (const [stage, tps] of listed) for (const t of tps) t.topCampaign = top.get(key(stage, t.touchpoint)) ?? null;
  return listed;
}
