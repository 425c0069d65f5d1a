// Engaged time and scroll depth's reads (issue 14, collector/report/engagement.ts): per stage
// through the partial index of the period's `engagement` events (migration 0015), per landing
// page from `sessions` (visits that started in the period: their engaged time) and the
// engagement events of the landing page itself (its scroll).
import { LIMITS } from '../../../../sdk/schema';
import { CAMPAIGN_FILTERS } from '../../../filters';
import type { EngagementRows, Scope } from '../../reads';
import { filterSql, num, numOrNull, Sql, type Run } from './query';

/** The filters of a Scope on `sessions` (alias x): its own columns, persona through visitors. */
function sessionFilters(q: Sql, s: Scope): string {
  let sql = '';
  for (const k of ['channel', 'device', 'country', ...CAMPAIGN_FILTERS] as const)
    if (s[k] !== undefined) sql += ` AND COALESCE(x.${k}, '') = ${q.p(s[k])}`;
  if (s.persona !== undefined)
    sql += ` AND x.visitor IN (SELECT visitor FROM visitors WHERE site = ${q.p(s.site)} AND persona = ${q.p(s.persona)})`;
  return sql;
}

export async function engagement(sql: () => Sql, run: Run, scope: Scope, deep: number, top: number): Promise<EngagementRows> {
  const q1 = sql();
  const d = q1.d;
  const engaged = d.clamp(0, LIMITS.engagedMs, d.jsonNumber('props', 'engaged_ms', 'INTEGER'));
  const scroll = d.clamp(0, 100, d.jsonNumber('props', 'scroll', 'REAL'));
  const inPeriod = (q: Sql) =>
    `site = ${q.p(scope.site)} AND type = 'engagement' AND bot = 0 AND time >= ${q.p(scope.from)} AND time < ${q.p(scope.to)}`;
  const byStage = q1.run(
    run,
    `SELECT stage, COUNT(*) AS views, SUM(ms) AS engaged, AVG(sc) AS scroll, ${d.sumIf(`sc >= ${deep}`)} AS deep, COUNT(sc) AS scrolled
     FROM (SELECT COALESCE(stage, '') AS stage, ${engaged} AS ms, ${scroll} AS sc FROM events WHERE ${inPeriod(q1)}${filterSql(q1, scope, 'events')})
     GROUP BY stage`,
  );
  const q2 = sql();
  const site = q2.p(scope.site);
  const visits = `sessions x WHERE x.site = ${site} AND x.started >= ${q2.p(scope.from)} AND x.started < ${q2.p(scope.to)} AND x.bot = 0 AND x.landing IS NOT NULL${sessionFilters(q2, scope)}`;
  // The landing page's own scroll: engagement events of the period on the visit's landing path.
  const byLanding = q2.run(
    run,
    `WITH v AS MATERIALIZED (SELECT x.landing, COUNT(*) AS visits, SUM(x.engaged_ms) AS engaged FROM ${visits} GROUP BY x.landing ORDER BY visits DESC, x.landing LIMIT ${top}),
     s AS (SELECT x.landing, AVG(e.sc) AS scroll, ${d.sumIf(`e.sc >= ${deep}`)} AS deep, COUNT(e.sc) AS scrolled
       FROM (SELECT session, path, ${scroll} AS sc FROM events WHERE ${inPeriod(q2)}) e
       JOIN sessions x ON x.site = ${site} AND x.session = e.session AND x.landing = e.path
       WHERE x.started >= ${q2.p(scope.from)} AND x.started < ${q2.p(scope.to)} AND x.bot = 0${sessionFilters(q2, scope)} GROUP BY x.landing)
     SELECT v.landing, v.visits, v.engaged, s.scroll, s.deep, s.scrolled FROM v LEFT JOIN s ON s.landing = v.landing ORDER BY v.visits DESC, v.landing`,
  );
  const [stageRows, landingRows] = await Promise.all([byStage, byLanding]);
  return {
    stages: stageRows.map((r) => ({
      stage: String(r.stage),
      views: num(r.views),
      engaged: num(r.engaged),
      scroll: numOrNull(r.scroll),
      deep: num(r.deep),
      scrolled: num(r.scrolled),
    })),
    landing: landingRows.map((r) => ({
      landing: String(r.landing),
      visits: num(r.visits),
      engaged: num(r.engaged),
      scroll: numOrNull(r.scroll),
      deep: num(r.deep),
      scrolled: num(r.scrolled),
    })),
  };
}
