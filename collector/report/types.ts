// The journey report: the JSON that GET /api/sites/:site/journey answers and the dashboard
// draws. Every figure has one definition, written beside it here and in docs/report.md.
// Rates are fractions (0.25 = 25 %), times are milliseconds, money is the sum of `value`.

import type { PAIN_KINDS } from '../metrics';
import type { Count } from './counts';
import type { BucketUnit } from '../store/reads';
import type { VoiceReport } from './voice';
import type { ScopeFilters } from '../filters';

/** Query of a report. `from` inclusive, `to` exclusive (epoch ms, on event `time`). */
export interface ReportQuery extends ScopeFilters {
  from: number;
  to: number;
  /** Paths: sequences starting at this touchpoint (page path or element label)… */
  pathFrom?: string;
  /** …or ending at it. Neither: sequences from the landing page. */
  pathTo?: string;
  /** Steps per path (1–10, default 5). */
  pathSteps?: number;
  /** Landing pages with fewer sessions are left out of the bounce ranking (default 1). */
  minSessions?: number;
  /** The checkout funnel counts visits (default) or people. */
  funnelBy?: FunnelUnit;
}

/** What the checkout funnel counts: sessions, or distinct visitors. */
export type FunnelUnit = 'visits' | 'people';

/** A target of the future-state map: a stage's figure should be at least `min` / at most `max`. */
export interface Target {
  stage: string;
  metric: TargetMetric;
  min?: number;
  max?: number;
}
/** Stage figures a target can name (see {@link StageReport}); `conversion` is `completion` under its old name. */
export type TargetMetric = 'visitors' | 'sessions' | 'reach' | 'completion' | 'conversion' | 'bounceRate' | 'feedbackMean' | 'frustration';

/**
 * What completing a stage means (docs/report.md, completion): `next-stage` — reached a later
 * stage; `purchase` — bought (decision); `repeat-or-return` — bought in retention or came back
 * in a later session (retention); `referral` — shared, referred, invited or recommended (advocacy).
 */
export type CompletionMeans = 'next-stage' | 'purchase' | 'repeat-or-return' | 'referral';

export type { Count } from './counts';

export interface TouchpointCount {
  touchpoint: string;
  /** Events at this touchpoint in the stage. */
  events: number;
  /** Sessions with such an event. */
  sessions: number;
  /** Channels of those sessions, most frequent first. */
  channels: Count[];
  /**
   * The campaign (utm_campaign of the visit) that brought the most people to this touchpoint in
   * the stage: its people, its visits, and share = its visits ÷ the touchpoint's `sessions`
   * (touchpoint-campaigns.ts); null when none of those visits had a campaign.
   */
  topCampaign: { name: string; visitors: number; visits: number; share: number } | null;
}

/** A pain point kind the report counts (collector/metrics.ts PAIN_KINDS). */
export type PainKind = (typeof PAIN_KINDS)[number];

export interface StageReport {
  stage: string;
  /** Distinct visitors with at least one (non-bot) event in this stage in the period. */
  visitors: number;
  /** Distinct sessions with at least one event in this stage. */
  sessions: number;
  /** People who reached this stage or a later one (in the site's order) in the period. */
  reachedOrLater: number;
  /** reachedOrLater ÷ all people in the journey (totals.visitors): never above 1. */
  reach: number | null;
  /** People whose first event in the period is in this stage (they entered the journey here). */
  entered: number;
  /** entered ÷ all people in the journey. */
  enteredShare: number | null;
  /** What completing this stage means; null for the last stage when it is `next-stage`. */
  completionMeans: CompletionMeans | null;
  /** Of this stage's visitors, those who completed it (see completionMeans). */
  completed: number;
  /** completed ÷ visitors; null for a last stage without its own definition, or without visitors. */
  completion: number | null;
  /** The same figure as completion, under its old name (targets and older readers use it). */
  conversion: number | null;
  /** 1 − completion. */
  dropOff: number | null;
  /** Median, over this stage's visitors, of (first event in this stage in the period − the visitor's first touch ever). */
  medianTimeToReachMs: number | null;
  /** Most frequent touchpoints of the stage (top 8), with the channels of their sessions. */
  touchpoints: TouchpointCount[];
  /** Channel mix: sessions of this stage by their channel, with shares. */
  channels: (Count & { share: number })[];
  /** Sessions that landed in this stage (their first page view has it)… */
  landingSessions: number;
  /** …of which were bounces (docs/journey.md)… */
  bounces: number;
  /** …bounces ÷ landingSessions; null when none landed here. */
  bounceRate: number | null;
  /** Pain points of the stage by kind, each with its worst pages (top 3). */
  painPoints: { total: number; byKind: { kind: PainKind; count: number; worstPages: Count[] }[] };
  emotion: {
    /** Mean feedback score (1–5) given in this stage; null without feedback. */
    feedbackMean: number | null;
    feedbackCount: number;
    /** Frustration index: share of this stage's sessions with at least one pain point (0–1). */
    frustration: number;
  };
}

export interface LandingBounce {
  path: string;
  sessions: number;
  bounces: number;
  bounceRate: number;
  /**
   * Lower bound of the 95 % Wilson interval of the bounce rate: the ranking key, so a page
   * with 2 bounces out of 2 sessions does not outrank one with 300 out of 400.
   */
  confidentRate: number;
}

export interface FunnelStep {
  step: string;
  /** Visits (or people, Funnel.by) that reached this step or a later one in the period: never more than the step before. */
  reached: number;
  /** Of those, the ones with this very step (the rest skipped it). */
  withStep: number;
  /** reached ÷ the first step's reached. */
  fromStart: number | null;
  /** The previous step's reached − this one's (never negative); null for the first step. */
  lost: number | null;
  /** lost ÷ the previous step's reached; null for the first step. */
  dropOff: number | null;
  /** Median time from the previous step to this one, in visits (people) that have both (this after that). */
  medianMsFromPrevious: number | null;
  /** Sum of `value` of this step's events (purchase: revenue; refunds are reported apart). */
  value: number;
}

export interface Funnel {
  /** What the steps count: visits (sessions) or people (visitors). */
  by: FunnelUnit;
  steps: FunnelStep[];
  /** Purchases and their revenue (sum of purchase `value`), refunds and their value. */
  purchases: number;
  revenue: number;
  refunds: number;
  refunded: number;
  /**
   * Sessions that added to cart or began checkout but did not purchase, and where they went
   * after their last checkout step: the touchpoint of their next event ("(left)" when none).
   */
  abandoned: number;
  abandonedNext: Count[];
  /** Purchases and their value per currency (props.currency, upper-cased; '' when not given), most revenue first. */
  revenueByCurrency: CurrencyRevenue[];
}

export interface CurrencyRevenue {
  currency: string;
  purchases: number;
  revenue: number;
}

/** People active in the period by their current stage: the furthest stage they ever reached. */
export interface CurrentStage {
  stage: string;
  visitors: number;
  /** visitors ÷ all people in the journey in the period. */
  share: number | null;
}

/** Touchpoint sequences for a Sankey: nodes are "step. touchpoint", links count sessions. */
export interface Paths {
  from?: string;
  to?: string;
  steps: number;
  /** The most common sequences (top 20) of page views and actions, consecutive repeats merged. */
  sequences: { steps: string[]; sessions: number }[];
  nodes: { name: string; step: number; touchpoint: string }[];
  links: { source: string; target: string; value: number }[];
}

export interface Totals {
  visitors: number;
  sessions: number;
  pageviews: number;
  bounceRate: number | null;
  purchases: number;
  revenue: number;
  /** Sessions with a purchase ÷ sessions. */
  conversionRate: number | null;
  /** Events with a touchpoint (page views and actions) ÷ purchases: how complicated the path is. */
  touchpointsPerPurchase: number | null;
  /** Median number of sessions a buyer had up to and including their first purchase. */
  medianVisitsToPurchase: number | null;
}

export interface TargetCheck extends Target {
  measured: number | null;
  met: boolean;
  /** measured − bound (negative: short of a min; positive: over a max); null when unmeasured. */
  gap: number | null;
}

/** One figure now, in the previous period of equal length, and the change. */
export interface Delta {
  current: number | null;
  previous: number | null;
  /** current − previous. */
  change: number | null;
}

export interface JourneyReport {
  site: string;
  query: ReportQuery;
  /** The site's stages in order. */
  stageNames: string[];
  totals: Totals;
  stages: StageReport[];
  /** Where people are now: the period's people by the furthest stage they ever reached, in the site's order. */
  currentStages: CurrentStage[];
  /** The currency of revenue when every purchase of the period names the same one (null: none named, or several: see funnel.revenueByCurrency). */
  currency: string | null;
  bounceByLanding: LandingBounce[];
  funnel: Funnel;
  paths: Paths;
  /** The previous period [from − (to − from), from) with the same filters. */
  comparison: {
    from: number;
    to: number;
    totals: Record<keyof Totals, Delta>;
    stages: {
      stage: string;
      visitors: Delta;
      reach: Delta;
      completion: Delta;
      bounceRate: Delta;
      feedbackMean: Delta;
      frustration: Delta;
    }[];
  };
  targets: TargetCheck[];
  /** Survey answers per survey and stage, and the latest comments (voice.ts). */
  voice: VoiceReport;
  /** Values present in the period, for filter menus. */
  dimensions: {
    personas: string[];
    channels: string[];
    devices: string[];
    countries: string[];
    /** Campaign values of the visits started in the period (filter menus). */
    sources: string[];
    mediums: string[];
    campaigns: string[];
    contents: string[];
    terms: string[];
  };
  /** Visitors and visits per UTC day of the period (timeline.ts), every day listed. */
  timeline: TimelineDay[];
  /** Visitors, visits, purchases and each stage's people and reach per day (per week over 90 days): over-time.ts. */
  overTime: OverTime;
  /** Custom events (type `event`) of the period by name, most first (custom-events.ts). */
  customEvents: CustomEvent[];
  /** What the figures leave out in the period, whatever the filters (bots.ts). */
  excluded: { botEvents: number };
}

/** One UTC day of the timeline. */
export interface TimelineDay {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** Distinct visitors of the visits that start this day. */
  visitors: number;
  /** Visits (sessions) whose first event in the period is this day: the days add up to totals.sessions. */
  visits: number;
}

/** One custom event name. */
export interface CustomEvent {
  name: string;
  /** Events of that name in the period. */
  events: number;
  /** Distinct visitors who sent it. */
  visitors: number;
  /** Of those, the ones with a purchase after their first such event (in the period). */
  boughtAfter: number;
}

/** Over-time buckets (over-time.ts): UTC days, or ISO weeks over 90 days. */
export type OverTimeUnit = BucketUnit;

export interface OverTimeStage {
  stage: string;
  /** People with a visit whose first event in this stage (in the period) falls in the bucket. */
  reached: number;
  /** People who reached this stage or a later one in the bucket. */
  reachedOrLater: number;
  /** reachedOrLater ÷ the bucket's `people`; null when it has none. */
  reach: number | null;
}

export interface OverTimeBucket {
  /** First day of the bucket, `YYYY-MM-DD` (UTC; a Monday for weeks). */
  start: string;
  /** Distinct visitors of the visits counted in the bucket. */
  visitors: number;
  /** Visits whose first event in the period falls in the bucket. */
  visits: number;
  /** Purchase events in the bucket, and the sum of their value. */
  purchases: number;
  revenue: number;
  /** People who reached any stage in the bucket: the reach's denominator. */
  people: number;
  stages: OverTimeStage[];
}

export interface OverTime {
  unit: OverTimeUnit;
  buckets: OverTimeBucket[];
}
