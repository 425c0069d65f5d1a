// The journey report: the JSON that GET /api/sites/:site/journey answers and the dashboard
// draws. Every figure has one definition, written beside it here and in docs/report.md.
// Rates are fractions (0.25 = 25 %), times are milliseconds, money is the sum of `value`.

import type { VoiceReport } from './voice';

/** Query of a report. `from` inclusive, `to` exclusive (epoch ms, on event `time`). */
export interface ReportQuery {
  from: number;
  to: number;
  /** Filters: the visitor's persona; the session's channel, device, country. */
  persona?: string;
  channel?: string;
  device?: string;
  country?: string;
  /** Paths: sequences starting at this touchpoint (page path or element label)… */
  pathFrom?: string;
  /** …or ending at it. Neither: sequences from the landing page. */
  pathTo?: string;
  /** Steps per path (1–10, default 5). */
  pathSteps?: number;
  /** Landing pages with fewer sessions are left out of the bounce ranking (default 5). */
  minSessions?: number;
}

/** A target of the future-state map: a stage's figure should be at least `min` / at most `max`. */
export interface Target {
  stage: string;
  metric: TargetMetric;
  min?: number;
  max?: number;
}
/** Stage figures a target can name (see {@link StageReport}). */
export type TargetMetric = 'visitors' | 'sessions' | 'reach' | 'conversion' | 'bounceRate' | 'feedbackMean' | 'frustration';

export interface Count {
  name: string;
  count: number;
}

export interface TouchpointCount {
  touchpoint: string;
  /** Events at this touchpoint in the stage. */
  events: number;
  /** Sessions with such an event. */
  sessions: number;
  /** Channels of those sessions, most frequent first. */
  channels: Count[];
}

export type PainKind = 'rage_click' | 'js_error' | 'form_error' | 'poor_vital' | 'dead_click';

export interface StageReport {
  stage: string;
  /** Distinct visitors with at least one (non-bot) event in this stage in the period. */
  visitors: number;
  /** Distinct sessions with at least one event in this stage. */
  sessions: number;
  /** visitors ÷ visitors of the first stage that has any (how far the journey gets). */
  reach: number | null;
  /** Of this stage's visitors, the share that also reached the next stage in the period; null for the last stage. */
  conversion: number | null;
  /** 1 − conversion. */
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
  /** Sessions with this checkout step in the period. */
  sessions: number;
  /** Sessions of the first step ÷ … : this step's sessions ÷ the first step's. */
  fromStart: number | null;
  /** 1 − this step's sessions ÷ the previous step's; null for the first step. */
  dropOff: number | null;
  /** Median time from the previous step to this one, in sessions that have both (this after that). */
  medianMsFromPrevious: number | null;
  /** Sum of `value` of this step's events (purchase: revenue; refunds are reported apart). */
  value: number;
}

export interface Funnel {
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
  bounceByLanding: LandingBounce[];
  funnel: Funnel;
  paths: Paths;
  /** The previous period [from − (to − from), from) with the same filters. */
  comparison: {
    from: number;
    to: number;
    totals: Record<keyof Totals, Delta>;
    stages: { stage: string; visitors: Delta; conversion: Delta; bounceRate: Delta; feedbackMean: Delta; frustration: Delta }[];
  };
  targets: TargetCheck[];
  /** Survey answers per survey and stage, and the latest comments (voice.ts). */
  voice: VoiceReport;
  /** Values present in the period, for filter menus. */
  dimensions: { personas: string[]; channels: string[]; devices: string[]; countries: string[] };
}
