// Engaged time and scroll depth (issue 14) per stage and per landing page. The SDK sends one
// `engagement` event per page view left (sdk/capture/engagement.ts: engaged_ms — visible and
// focused — and scroll, the deepest % reached); per stage they are read through the partial
// index of just those events (migration 0015), per landing page from `sessions` (visits that
// started in the period: their engaged time) and the engagement events of the landing page
// itself (its scroll). Its own endpoint, so the journey report costs no more.
// docs/report.md "Engagement" defines every figure.
import { LIMITS } from '../../sdk/schema';
import type { Store } from '../store/types';
import { CAMPAIGN_FILTERS, filterSql, num, numOrNull, ratio, Sql, type Scope } from './sql';

/** Landing pages listed (most visits first). */
const TOP_LANDING = 50;
/** A page view counts as read deeply from this scroll depth (%). */
export const DEEP_SCROLL = 75;

export interface EngagementStage {
  stage: string;
  /** Page views with engaged time in the stage (their engagement events). */
  views: number;
  /** Sum of their engaged time, and that ÷ views. */
  engagedMs: number;
  meanEngagedMs: number | null;
  /** Mean deepest scroll of those page views (0–100 %), and the share that reached DEEP_SCROLL %. */
  meanScroll: number | null;
  deepScrollShare: number | null;
}

export interface EngagementLanding {
  landing: string;
  /** Visits that started on this page in the period. */
  visits: number;
  /** Their engaged time (sessions.engaged_ms), summed and ÷ visits. */
  engagedMs: number;
  meanEngagedMs: number | null;
  /** The landing page's own views in those visits with an engagement event: their mean deepest scroll, and the share ≥ DEEP_SCROLL %. */
  scrollViews: number;
  meanScroll: number | null;
  deepScrollShare: number | null;
}

export interface EngagementReport {
  stages: EngagementStage[];
  landing: EngagementLanding[];
}

const ENGAGED = `max(0, min(${LIMITS.engagedMs}, CAST(json_extract(props, '$.engaged_ms') AS INTEGER)))`;
const SCROLL = `max(0, min(100, CAST(json_extract(props, '$.scroll') AS REAL)))`;

/** The filters of a Scope on `sessions` (alias x): its own columns, persona through visitors. */
function sessionFilters(q: Sql, s: Scope): string {
  let sql = '';
  for (const k of ['channel', 'device', 'country', ...CAMPAIGN_FILTERS] as const) if (s[k] !== undefined) sql += ` AND COALESCE(x.${k}, '') = ${q.p(s[k])}`;
  if (s.persona !== undefined) sql += ` AND x.visitor IN (SELECT visitor FROM visitors WHERE site = ${q.p(s.site)} AND persona = ${q.p(s.persona)})`;
  return sql;
}

/** Engagement per stage (in the site's order, then any other) and per landing page of `scope`. */
export async function engagementReport(store: Store, scope: Scope, stages: readonly string[]): Promise<EngagementReport> {
  const q1 = new Sql();
  const inPeriod = (q: Sql) => `site = ${q.p(scope.site)} AND type = 'engagement' AND bot = 0 AND time >= ${q.p(scope.from)} AND time < ${q.p(scope.to)}`;
  const byStage = q1.run(
    store,
    `SELECT stage, COUNT(*) AS views, SUM(ms) AS engaged, AVG(sc) AS scroll, SUM(sc >= ${DEEP_SCROLL}) AS deep, COUNT(sc) AS scrolled
     FROM (SELECT COALESCE(stage, '') AS stage, ${ENGAGED} AS ms, ${SCROLL} AS sc FROM events WHERE ${inPeriod(q1)}${filterSql(q1, scope, 'events')})
     GROUP BY stage`,
  );
  const q2 = new Sql();
  const site = q2.p(scope.site);
  const visits = `sessions x WHERE x.site = ${site} AND x.started >= ${q2.p(scope.from)} AND x.started < ${q2.p(scope.to)} AND x.bot = 0 AND x.landing IS NOT NULL${sessionFilters(q2, scope)}`;
  // The landing page's own scroll: engagement events of the period on the visit's landing path.
  const byLanding = q2.run(
    store,
    `WITH v AS MATERIALIZED (SELECT x.landing, COUNT(*) AS visits, SUM(x.engaged_ms) AS engaged FROM ${visits} GROUP BY x.landing ORDER BY visits DESC, x.landing LIMIT ${TOP_LANDING}),
     s AS (SELECT x.landing, AVG(e.sc) AS scroll, SUM(e.sc >= ${DEEP_SCROLL}) AS deep, COUNT(e.sc) AS scrolled
       FROM (SELECT session, path, ${SCROLL} AS sc FROM events WHERE ${inPeriod(q2)}) e
       JOIN sessions x ON x.site = ${site} AND x.session = e.session AND x.landing = e.path
       WHERE x.started >= ${q2.p(scope.from)} AND x.started < ${q2.p(scope.to)} AND x.bot = 0${sessionFilters(q2, scope)} GROUP BY x.landing)
     SELECT v.landing, v.visits, v.engaged, s.scroll, s.deep, s.scrolled FROM v LEFT JOIN s ON s.landing = v.landing ORDER BY v.visits DESC, v.landing`,
  );
  const [stageRows, landingRows] = await Promise.all([byStage, byLanding]);
  const order = (s: string) => (stages.includes(s) ? stages.indexOf(s) : stages.length);
  return {
    stages: stageRows
      .map((r): EngagementStage => {
        const views = num(r.views);
        const engagedMs = num(r.engaged);
        return { stage: String(r.stage), views, engagedMs, meanEngagedMs: ratio(engagedMs, views), meanScroll: numOrNull(r.scroll), deepScrollShare: ratio(num(r.deep), num(r.scrolled)) };
      })
      .sort((a, b) => order(a.stage) - order(b.stage) || (a.stage < b.stage ? -1 : 1)),
    landing: landingRows.map((r): EngagementLanding => {
      const n = num(r.visits);
      const engagedMs = num(r.engaged);
      return {
        landing: String(r.landing),
        visits: n,
        engagedMs,
        meanEngagedMs: ratio(engagedMs, n),
        scrollViews: num(r.scrolled),
        meanScroll: numOrNull(r.scroll),
        deepScrollShare: ratio(num(r.deep), num(r.scrolled)),
      };
    }),
  };
}
