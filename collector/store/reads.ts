// The read side of the storage port (types only): one method per report section's rows, so no
// SQL crosses the port. Every engine answers them: the SQL engines through sqlReads(dialect, run)
// (collector/store/sql/reads/, written once against the Dialect); collector/report/ shapes the
// rows into the report and never sees a table.
//
// Adding a section: (1) declare its row type and a method on `Reads` here; (2) write its SQL in a
// new module collector/store/sql/reads/<section>.ts, a function (q: Sql, run: Run, …args) →
// typed rows, using the dialect (q.d) for anything engine-specific; (3) add it to sqlReads() in
// collector/store/sql/reads/index.ts; (4) shape the rows in collector/report/<section>.ts, which
// calls `store.reads.<method>(…)` and imports only types from the store.
import type { ScopeFilters } from '../filters';

/** What a campaigns row is (besides `campaign` = source / medium / campaign): a sessions column. */
export type CampaignKey =
  'campaign' | 'source' | 'medium' | 'content' | 'term' | 'channel' | 'landing' | 'device' | 'browser' | 'os' | 'country';

/** What one set of figures is computed over: a site, a period and the filters. */
export interface Scope extends ScopeFilters {
  site: string;
  /** Inclusive, epoch ms (event `time`). */
  from: number;
  /** Exclusive. */
  to: number;
}

/** What a funnel counts: visits (sessions) or people (visitors). */
export type FunnelUnit = 'visits' | 'people';

// ---- the journey report (collector/report/index.ts) ----

/** One session of the core figures: visitor (its least), one visitor and channel (1/0), channel (its least), bounced (1/0), landing path, landing stage, first time per stage. */
export type SessionLine = [string, 0 | 1, string, 0 | 1, string | null, string | null, Record<string, number | null>];
/** Events without a session, or a session with several visitors or channels, per session, visitor and channel: session, visitor, channel, then the first time in each stage (null: not reached). */
export type PartLine = [string, string, string, ...(number | null)[]];

/** The rows of a period's core figures (collector/report/core.ts). */
export interface CoreRows {
  sessions: SessionLine[];
  parts: PartLine[];
  /** Per person with a purchase in the period, each stage their purchases were in. */
  buyers: [visitor: string, stage: string][];
  /** Advocates with a referral event (metrics.ts REFERRAL_PREFIXES) in the period. */
  referrers: string[];
  /** Per stage (index in the site's stages) with feedback or pain: feedbacks, sum of scores, sessions with a pain point. */
  rare: { stage: number; feedbacks: number; feedbackSum: number; painedSessions: number }[];
  totals: {
    medianVisitsToPurchase: number | null;
    buying: number;
    pageviews: number;
    touches: number;
    purchases: number;
    revenue: number;
  } | null;
  /** detail only: every visitor seen in the period and their first event ever. */
  firstSeen: [visitor: string, time: number][];
  /** detail only: visitors (those with events outside the period, or all when filtered) and the index of the furthest stage they ever reached (-1: none). */
  furthest: [visitor: string, stage: number][];
}

/** One top touchpoint of a stage with one of its channels (channel null: none). In stage, rank, sessions (desc), channel order. */
export interface TouchpointRow {
  stage: string;
  touchpoint: string;
  events: number;
  sessions: number;
  channel: string | null;
  channelSessions: number;
}

/** Pain events per stage, kind and page ('' when missing). */
export interface PainRow {
  stage: string;
  kind: string;
  page: string;
  events: number;
}

/** The funnel's figures per step index (CHECKOUT_STEPS), per named event and per abandoner's destination. */
export interface FunnelRows {
  /** Per step: units with it, units with it or a later one, and the ms from the previous step in use (null when none). */
  steps: { step: number; withStep: number; reached: number; gaps: number[] | null }[];
  /** Per name index (CHECKOUT_STEPS, then refund): events counted (purchase, refund), summed value; `currency` for the purchases: 'one:XYZ', 'several' or null. */
  names: { name: number; events: number; value: number; currency: string | null }[];
  /** Abandoners by the touchpoint they went to next (the `left` label when none). */
  next: { name: string; count: number }[];
}

export interface CurrencyRow {
  currency: string;
  purchases: number;
  revenue: number;
}

/** The period's sessions' touchpoint sequences: per session its rollup rows' steps in time order, or already joined. */
export interface PathRows {
  /** Sessions whose steps come per rollup row (to be joined in order): rows sorted by session then time. */
  parts: { session: string; steps: string[] }[];
  /** Sessions taken whole: their steps joined already. */
  whole: string[][];
}

/** Values present in a period, for the filter menus (raw: '' for a missing channel, device or country). */
export interface DimensionValues {
  personas: unknown[];
  channels: unknown[];
  devices: unknown[];
  countries: unknown[];
  /** Campaign values of the visits started in the period (sessions), raw. */
  sources: unknown[];
  mediums: unknown[];
  campaigns: unknown[];
  contents: unknown[];
  terms: unknown[];
}

export interface DayRow {
  /** UTC day number (epoch ms / 86 400 000). */
  day: number;
  visitors: number;
  visits: number;
}

export interface CustomEventRow {
  name: string;
  events: number;
  visitors: number;
  bought: number;
}

/** One custom event's property values (key '' is the event count row). */
export interface EventPropertyRow {
  key: string;
  value: string | null;
  events: number;
  visitors: number;
}

/** A `survey` answer or a feedback with a comment, newest first; the props values as stored. */
export interface FeedbackRow {
  name: string;
  time: number;
  stage: string | null;
  touchpoint: string | null;
  survey: unknown;
  question: unknown;
  kind: unknown;
  answer: unknown;
  value: unknown;
  scale: unknown;
  other: unknown;
  score: unknown;
  comment: unknown;
  /** The channel of the visitor's first visit. */
  first_channel: string | null;
}

// ---- attribution, campaigns, people (issue 14) ----

/** Which conversions: every purchase, or each person's first goal event (custom event name or `/path`). */
export interface ConversionQuery {
  from: number;
  to: number;
  goal: string;
  persona?: string;
  device?: string;
  country?: string;
}

/** A conversion event and how it arrived. */
export interface ConversionRow {
  id: string;
  visitor: string;
  session: string | null;
  time: number;
  channel: unknown;
  source: unknown;
  medium: unknown;
  campaign: unknown;
  content: unknown;
  landing: unknown;
  value: unknown;
  currency: unknown;
}

/** A visit (sessions row) and how it arrived. */
export interface VisitRow {
  visitor: string;
  session: string;
  started: number;
  channel: unknown;
  source: unknown;
  medium: unknown;
  campaign: unknown;
  content: unknown;
  landing: unknown;
  device?: unknown;
}

export interface CampaignFilter extends ScopeFilters {
  from: number;
  to: number;
  by: CampaignKey;
}

export interface CampaignDataRow {
  name: string;
  visitors: number;
  visits: number;
  bounces: number;
  decided: number;
  purchases: number;
  revenue: number;
  errors: number;
}

export interface PeopleFilter {
  from: number;
  to: number;
  /** Index of the current stage asked for in `stages` (-1: not one of them). */
  stage?: number;
  persona?: string;
  /** Only people whose last checkout step in the period is one of these. */
  abandonedAfter?: readonly string[];
  limit: number;
  offset: number;
}

export interface PersonRow {
  visitor: string;
  /** Index of the furthest stage in the site's stages (-1: none). */
  rank: number;
  persona: unknown;
  identified: number;
  first_seen: number;
  last_seen: number;
  sessions: number;
  purchases: number;
  step: unknown;
  at: number;
  value: unknown;
}

export interface PeopleRows {
  /** People per current stage index. */
  counts: { rank: number; people: number }[];
  total: number;
  page: PersonRow[];
}

/** An event of a person's timeline, as stored. */
export interface PersonEventRow {
  visitor: string;
  session: string | null;
  time: number;
  id: string;
  type: string;
  name: string;
  path: string | null;
  stage: string | null;
  touchpoint: string | null;
  channel: string | null;
  props: string | null;
  bot: number;
}

export interface PersonRows {
  /** The latest `limit` events of the visitors, oldest first. */
  events: PersonEventRow[];
  sessions: VisitRow[];
  /** Every stage any of them reached. */
  stages: string[];
}

// ---- issue 14's further sections: campaign on the map, goals, over time, engagement, person paths ----

/** Per (stage, touchpoint) pair asked and campaign: the people and visits with a campaign visit at it. */
export interface TouchpointCampaignRow {
  stage: string;
  touchpoint: string;
  campaign: string;
  people: number;
  visits: number;
}

/** The events a goal counts: page views of a path, or custom events of a name. */
export interface GoalEvent {
  type: 'pageview' | 'event';
  name: string;
}

/** Per goal event (type and name) and person: their first goal event in the period and how many. */
export interface GoalEventRow {
  type: 'pageview' | 'event';
  name: string;
  visitor: string;
  first: number;
  events: number;
}

/** A goal stored through the admin API (migration 0015). */
export interface StoredGoal {
  goal: string;
  label: string | null;
  created: number;
}

/** Buckets of the over-time figures: UTC days, or ISO weeks (number of weeks since the Monday before 1970-01-01). */
export type BucketUnit = 'day' | 'week';

/** Per bucket: visitors and visits (a visit on the bucket of its first event in the period). */
export interface BucketVisitsRow {
  bucket: number;
  visitors: number;
  visits: number;
}

/** Per bucket: purchase events and their summed value. */
export interface BucketPurchasesRow {
  bucket: number;
  purchases: number;
  revenue: number;
}

/** Engagement events of a stage ('' for none): views, summed engaged ms, mean scroll, views scrolled ≥ `deep` %, views with a scroll. */
export interface EngagementStageRow {
  stage: string;
  views: number;
  engaged: number;
  scroll: number | null;
  deep: number;
  scrolled: number;
}

/** A landing page's visits started in the period, their engaged ms, and the landing page's own scroll. */
export interface EngagementLandingRow {
  landing: string;
  visits: number;
  engaged: number;
  scroll: number | null;
  deep: number;
  scrolled: number;
}

export interface EngagementRows {
  stages: EngagementStageRow[];
  /** Most visits first, at most `top`. */
  landing: EngagementLandingRow[];
}

/** A visit's touchpoints, whole (part 0) or one rollup row of it (part 1), with the visit's start; in part, session, time order. */
export interface PersonPathRow {
  part: 0 | 1;
  visitor: string;
  session: string;
  time: number;
  steps: string[];
}

/**
 * The read side of the storage port. Each method answers the rows of one report section (or one
 * lookup the collector needs), typed; bots are left out wherever a figure counts people.
 */
export interface Reads {
  /** The core figures' rows of a period: sessions, people's first times per stage, rare rows and totals. */
  core(scope: Scope, stages: readonly string[], detail: boolean): Promise<CoreRows>;
  /** The `top` touchpoints of each stage by events, with their sessions' channels. */
  touchpoints(scope: Scope, top: number): Promise<TouchpointRow[]>;
  /** Pain events (metrics.ts PAIN_KINDS) per stage, kind and page. */
  pains(scope: Scope): Promise<PainRow[]>;
  /** The checkout funnel's rows by visits or people; `left` names the destination of abandoners who went nowhere. */
  funnel(scope: Scope, by: FunnelUnit, left: string): Promise<FunnelRows>;
  /** Purchases and their value per currency (upper-cased, '' when none). */
  revenueByCurrency(scope: Scope): Promise<CurrencyRow[]>;
  /** Touchpoint sequences of the period's sessions. */
  paths(scope: Scope): Promise<PathRows>;
  /** Values present in the period, whatever the filters. */
  dimensions(site: string, from: number, to: number): Promise<DimensionValues>;
  /** Visitors and visits per UTC day with any (a visit counts on the day of its first event in the period). */
  days(scope: Scope): Promise<DayRow[]>;
  /** Custom events by name, most events first, at most `limit`. */
  customEvents(scope: Scope, limit: number): Promise<CustomEventRow[]>;
  /** One custom event's scalar property values. */
  eventProperties(scope: Scope, name: string): Promise<EventPropertyRow[]>;
  /** Bot events of a site in [from, to). */
  botEvents(site: string, from: number, to: number): Promise<number>;
  /** Survey answers and feedback with a comment, newest first. */
  feedback(scope: Scope): Promise<FeedbackRow[]>;
  /** The conversions of a period. */
  conversions(site: string, query: ConversionQuery): Promise<ConversionRow[]>;
  /** The visits of these visitors that started in [from, to), by visitor, start, session. */
  visits(site: string, visitors: readonly string[], from: number, to: number): Promise<VisitRow[]>;
  /** Visits that started in the period per campaign (or `by` value), most visits first; `decisionStage` is what "decided" counts. */
  campaigns(site: string, filter: CampaignFilter, decisionStage: string): Promise<CampaignDataRow[]>;
  /** The people active in the period: counts per current stage, the total matching, and one page. */
  people(site: string, stages: readonly string[], filter: PeopleFilter): Promise<PeopleRows>;
  /** Each visitor's first visit ever. */
  firstVisits(site: string, visitors: readonly string[]): Promise<VisitRow[]>;
  /** The visitors linked to `visitor` by its user id (itself included when known). */
  linkedVisitors(site: string, visitor: string): Promise<string[]>;
  /** A person's (visitors') latest `limit` events, visits and stages reached. */
  person(site: string, visitors: readonly string[], limit: number): Promise<PersonRows>;
  /** The campaigns of the visits at each (stage, touchpoint) pair (keyed `stage` U+001F `touchpoint`). */
  touchpointCampaigns(scope: Scope, pairs: readonly string[]): Promise<TouchpointCampaignRow[]>;
  /** Per goal event and person: first time and events in the period. */
  goalEvents(scope: Scope, goals: readonly GoalEvent[]): Promise<GoalEventRow[]>;
  /** The goals of a site stored through the admin API, by name. */
  goals(site: string): Promise<StoredGoal[]>;
  /** Visitors and visits per bucket. */
  bucketVisits(scope: Scope, unit: BucketUnit): Promise<BucketVisitsRow[]>;
  /** Purchases and revenue per bucket (by the purchase's own time). */
  bucketPurchases(scope: Scope, unit: BucketUnit): Promise<BucketPurchasesRow[]>;
  /** Engaged time and scroll per stage and per landing page (the `top` with most visits). */
  engagement(scope: Scope, deep: number, top: number): Promise<EngagementRows>;
  /** The period's visits' touchpoints per person, with each visit's start. */
  personPaths(scope: Scope): Promise<PersonPathRow[]>;

  // ---- lookups of the collector (not report sections) ----
  /** Every site with stored events. */
  sites(): Promise<string[]>;
  /** Events of a site stored with `time` at or after `since` (the daily quota). */
  eventsSince(site: string, since: number): Promise<number>;
  /** The site and role of the API token with this hash, or null. */
  token(hash: string): Promise<{ site: string; role: string } | null>;
  /** A visitor's latest session and when it ended, or null. */
  latestSession(site: string, visitor: string): Promise<{ session: string; ended: number } | null>;
}
