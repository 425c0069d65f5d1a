// The campaigns of the visits at given touchpoints (issue 14, campaign context on the map;
// collector/report/touchpoint-campaigns.ts picks each one's top). Only the visits that have a
// campaign are read — the period's sessions with one, and through report_touchpoints_session
// their touchpoint rows of the whole hours, plus the partial hours' rows built from events
// (touchpointEnds) — so it costs a lookup per campaign visit, not a scan of the touchpoint rollup.
import { HOUR_MS } from '../../../metrics';
import type { Scope, TouchpointCampaignRow } from '../../reads';
import { filterSql, num, split, Sql, touchpointEnds, type Run } from './query';

export async function touchpointCampaigns(q: Sql, run: Run, scope: Scope, pairs: readonly string[]): Promise<TouchpointCampaignRow[]> {
  if (!pairs.length) return [];
  const site = q.p(scope.site);
  const wanted = (t: string) => `${t}stage || ${q.d.unitSeparator} || ${t}touchpoint IN (${pairs.map((p) => q.p(p)).join(', ')})`;
  const { hours, raw } = split(scope.from, scope.to);
  const parts: string[] = [];
  if (hours) {
    // Visits with rows in the whole hours: those started in them (a range of sessions_site_started)
    // and those started before and going on at their start (report_sessions_last, as sessionSplit
    // finds the sessions crossing an hour).
    const [a, b] = [hours[0] * HOUR_MS, hours[1] * HOUR_MS];
    const started = `SELECT session AS sid, campaign FROM sessions WHERE site = ${site} AND started >= ${q.p(a)} AND started < ${q.p(b)} AND campaign <> '' AND bot = 0`;
    const crossing = `SELECT x.session AS sid, x.campaign FROM report_sessions r${q.d.indexedBy('report_sessions_last')} JOIN sessions x ON x.site = r.site AND x.session = r.session
      WHERE r.site = ${site} AND r.last_hour >= ${q.p(hours[0])} AND r.first_hour < ${q.p(hours[0])} AND x.campaign <> ''`;
    // The filters' bare column names are p's (cs has only sid and campaign).
    // The cross join keeps the campaign visits outside (SQLite never reorders it) and +p.hour
    // keeps the hours off the primary key: the rows are found by session (report_touchpoints_session).
    parts.push(`SELECT p.stage, p.touchpoint, p.session, p.visitor, cs.campaign FROM (${started} UNION ${crossing}) cs
      ${q.d.crossJoin} report_touchpoints p ON p.site = ${site} AND p.session = cs.sid WHERE +p.hour >= ${q.p(hours[0])} AND +p.hour < ${q.p(hours[1])}
      AND ${wanted('p.')}${filterSql(q, scope, 'rollup')}`);
  }
  if (raw.length || !hours)
    parts.push(`SELECT e.stage, e.touchpoint, e.session, e.visitor, x.campaign FROM (${touchpointEnds(q, scope)}) e
      JOIN sessions x ON x.site = ${site} AND x.session = e.session WHERE x.campaign <> '' AND ${wanted('e.')}`);
  const rows = await q.run(
    run,
    `SELECT stage, touchpoint, campaign, COUNT(DISTINCT NULLIF(visitor, '')) AS people, COUNT(DISTINCT session) AS visits
     FROM (${parts.join(' UNION ALL ')}) GROUP BY stage, touchpoint, campaign`,
  );
  return rows.map((r) => ({
    stage: String(r.stage),
    touchpoint: String(r.touchpoint),
    campaign: String(r.campaign),
    people: num(r.people),
    visits: num(r.visits),
  }));
}
