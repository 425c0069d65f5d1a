// Engaged time and scroll depth (issue 14) per stage and per landing page. The SDK sends one
// `engagement` event per page view left (sdk/capture/engagement.ts: engaged_ms — visible and
// focused — and scroll, the deepest % reached); per stage they are read through the partial
// index of just those events (migration 0015), per landing page from `sessions` (visits that
// started in the period: their engaged time) and the engagement events of the landing page
// itself (its scroll). Its own endpoint, so the journey report costs no more.
// docs/report.md "Engagement" defines every figure.
import type { Scope } from '../store/reads';
import type { Store } from '../store/types';
import { ratio } from './math';

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

/** Engagement per stage (in the site's order, then any other) and per landing page of `scope`. */
export async function engagementReport(store: Store, scope: Scope, stages: readonly string[]): Promise<EngagementReport> {
  const { stages: stageRows, landing: landingRows } = await store.reads.engagement(scope, DEEP_SCROLL, TOP_LANDING);
  const order = (s: string) => (stages.includes(s) ? stages.indexOf(s) : stages.length);
  return {
    stages: stageRows
      .map((r): EngagementStage => {
        const { views, engaged: engagedMs } = r;
        return {
          stage: r.stage,
          views,
          engagedMs,
          meanEngagedMs: ratio(engagedMs, views),
          meanScroll: r.scroll,
          deepScrollShare: ratio(r.deep, r.scrolled),
        };
      })
      .sort((a, b) => order(a.stage) - order(b.stage) || (a.stage < b.stage ? -1 : 1)),
    landing: landingRows.map((r): EngagementLanding => {
      const { visits: n, engaged: engagedMs } = r;
      return {
        landing: r.landing,
        visits: n,
        engagedMs,
        meanEngagedMs: ratio(engagedMs, n),
        scrollViews: r.scrolled,
        meanScroll: r.scroll,
        deepScrollShare: ratio(r.deep, r.scrolled),
      };
    }),
  };
}
