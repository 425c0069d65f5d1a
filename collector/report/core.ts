// The core figures of one period (stages, totals, landing pages, channel mix, time to reach),
// shaped from store.reads.core() (its SQL: collector/store/sql/reads/core.ts). That one statement reads the period's sessions, each with its first time in every stage (NULL:
// not reached), landing view and bounce inputs: those lying wholly within the period's whole
// hours as report_sessions keeps them (migration 0007), the others grouped from their
// report_stages rows (store/sql/reads/query.ts sessionSplit). They come back as one JSON text, and the per-session
// and per-visitor figures are counted here: SQLite's row-at-a-time GROUP BY and materialized
// tables cost several times more than building and parsing that text (docs/report.md). The
// rows with a pain point, feedback or purchase (few), the totals and the visits before a first
// purchase are aggregated in SQL. Rows are tagged with their `kind`, in one shape: kind, a
// (text; the sessions and parts rows carry the referrers' and buyers' JSON text there), n1…n7
// (numbers) and j (JSON text).
//
// Per person (docs/report.md, stages): "reached stage X in the period" is "has an event of
// stage X in the period"; reach counts those who reached X or a later stage, entry the stage of
// a person's first event in the period, and completion what finishing X means (completionMeans).
import type { Scope } from '../store/reads';
import type { Store } from '../store/types';
import { byCount, NO_CHANNEL } from './counts';
import { median } from './math';
import type { LandingFacts } from './sessions';
import type { CompletionMeans, Count } from './types';

export interface StageSums {
  visitors: number;
  sessions: number;
  fbN: number;
  fbSum: number;
  /** Sessions with a pain point in the stage. */
  pained: number;
  /** People who reached this stage or a later one. */
  reachedOrLater: number;
  /** People whose first event in the period is in this stage. */
  entered: number;
  /** Of this stage's visitors, those who completed it (completionMeans). */
  completed: number;
}

/**
 * What completing stage i of `stages` means: the default journey's decision, retention and
 * advocacy (by name, in any list) have their own definition; any other stage is completed by
 * reaching a later one, and the last such stage has none.
 */
export function completionMeans(stages: readonly string[], i: number): CompletionMeans | null {
  switch (stages[i]) {
    case 'decision':
      return 'purchase';
    case 'retention':
      return 'repeat-or-return';
    case 'advocacy':
      return 'referral';
  }
  return i + 1 < stages.length ? 'next-stage' : null;
}

/** Event names that make an advocate a referrer: collector/metrics.ts. */
export { REFERRAL_PREFIXES } from '../metrics';

export interface CoreFacts {
  perStage: Map<string, StageSums>;
  landing: LandingFacts[];
  sums: { visitors: number; sessions: number; pageviews: number; touches: number; purchases: number; revenue: number; buying: number };
  medianVisitsToPurchase: number | null;
  /** detail only: sessions per stage and channel, most first. */
  channels: Map<string, Count[]>;
  /** detail only: median ms from first touch to each stage. */
  timeToReach: Map<string, number>;
  /** detail only: the period's people by the furthest stage they ever reached (visitor_stages), by stage. */
  current: Map<string, number>;
}

/** First time in each stage, in the site's order (null: not reached). */
type Times = (number | null)[];

/** Each time of `into` lowered to the one of `t` where that is earlier. */
function lower(into: Times, t: Times): void {
  for (let i = 0; i < t.length; i++) if (t[i] != null && (into[i] == null || t[i]! < into[i]!)) into[i] = t[i]!;
}

/**
 * Called with every visit's first time in each stage (index in the site's order) as the session
 * lines are read: what the over-time figures (over-time.ts) bucket, at no extra query.
 */
export type StageTimeSink = (visitor: string, stage: number, time: number) => void;

export async function coreFacts(
  store: Store,
  scope: Scope,
  stages: readonly string[],
  detail: boolean,
  onStageTime?: StageTimeSink,
): Promise<CoreFacts> {
  const rows = await store.reads.core(scope, stages, detail);
  const n = stages.length;

  // Per session: sessions per stage, landing pages, channel mix; per visitor: first times and
  // the start of their latest session (its first event in a stage: retention's "came back").
  const sessionsIn = new Array<number>(n).fill(0);
  const landing = new Map<string, LandingFacts>();
  const mix = new Map<string, number[]>();
  const mixOf = (channel: string) => {
    let m = mix.get(channel);
    if (!m) mix.set(channel, (m = new Array<number>(n).fill(0)));
    return m;
  };
  const addMix = (channel: string, t: Times) => {
    const m = mixOf(channel);
    for (let i = 0; i < n; i++) if (t[i] != null) m[i]!++;
  };
  const visitors = new Map<string, Times>();
  const addVisitor = (visitor: string, t: Times) => {
    if (visitor === '') return;
    const v = visitors.get(visitor);
    if (v) lower(v, t);
    else visitors.set(visitor, t);
  };
  // A visitor's times hold, after the n stages, the start of their latest session (its first
  // event in a stage): one slot more, no map of its own.
  const stageIndex = new Map(stages.map((s, i) => [s, i]));
  const sessionRows = rows.sessions;
  for (const [visitor, single, channel, bounce, path, landingStage, firstTimes] of sessionRows) {
    // A session with one visitor and channel folds its times straight into its visitor's (no
    // array per session: 33,000 a period over 1M events) and its channel's counts.
    let v: Times | undefined;
    if (single && visitor !== '') {
      v = visitors.get(visitor);
      if (!v) visitors.set(visitor, (v = new Array<number | null>(n + 1).fill(null)));
    }
    const m = single && detail ? mixOf(channel) : undefined;
    let start = Infinity;
    // Its own keys (a for-in over parsed JSON sees no Object.prototype member), few per session.
    for (const stage in firstTimes) {
      const i = stageIndex.get(stage);
      const time = firstTimes[stage];
      if (i === undefined || time == null) continue;
      sessionsIn[i]!++;
      if (onStageTime && single && visitor !== '') onStageTime(visitor, i, time);
      if (time < start) start = time;
      if (v && (v[i] == null || time < v[i]!)) v[i] = time;
      if (m) m[i]!++;
    }
    if (v && start < Infinity && !(start <= v[n]!)) v[n] = start;
    if (path !== null) {
      const stage = landingStage ?? '';
      const key = `${stage}\0${path}`;
      let f = landing.get(key);
      if (!f) landing.set(key, (f = { stage, landing: path, sessions: 0, bounces: 0 }));
      f.sessions++;
      if (bounce) f.bounces++;
    }
  }
  // Events without a session count for their visitor; a mixed session once per channel, and
  // for each of its visitors from their first event in it.
  const perChannel = new Map<string, { channel: string; t: Times }>();
  const mixedStarts = new Map<string, { visitor: string; start: number }>();
  for (const [session, visitor, channel, ...rest] of rows.parts) {
    const t = rest as Times;
    addVisitor(visitor, t);
    if (onStageTime && visitor !== '') for (let i = 0; i < n; i++) if (t[i] != null) onStageTime(visitor, i, t[i]!);
    if (session === '') continue;
    const key = JSON.stringify([session, channel]);
    const c = perChannel.get(key);
    if (c) lower(c.t, t);
    else perChannel.set(key, { channel, t: [...t] });
    const who = JSON.stringify([session, visitor]);
    const start = Math.min(...t.map((x) => x ?? Infinity));
    const s = mixedStarts.get(who);
    if (!s) mixedStarts.set(who, { visitor, start });
    else if (start < s.start) s.start = start;
  }
  for (const { visitor, start } of mixedStarts.values()) {
    const v = visitors.get(visitor);
    if (v && start < Infinity && !(start <= v[n]!)) v[n] = start;
  }
  if (detail) for (const { channel, t } of perChannel.values()) addMix(channel, t);

  const out: CoreFacts = {
    perStage: new Map(),
    landing: [...landing.values()],
    sums: { visitors: visitors.size, sessions: sessionRows.length, pageviews: 0, touches: 0, purchases: 0, revenue: 0, buying: 0 },
    medianVisitsToPurchase: null,
    channels: new Map(),
    timeToReach: new Map(),
    current: new Map(),
  };
  // Purchases per person and the stages they were in; referrers.
  const bought = new Map<string, Set<number>>();
  for (const [visitor, stage] of rows.buyers) {
    const set = bought.get(visitor) ?? new Set<number>();
    set.add(stageIndex.get(stage) ?? -1);
    bought.set(visitor, set);
  }
  const referrers = new Set(rows.referrers);
  const means = stages.map((_, i) => completionMeans(stages, i));
  const reachedBy = new Array<number>(n).fill(0);
  const orLaterBy = new Array<number>(n).fill(0);
  const enteredBy = new Array<number>(n).fill(0);
  const completedCount = new Array<number>(n).fill(0);
  for (const [visitor, t] of visitors) {
    // The furthest stage reached and the first one by time (ties: the earlier stage).
    let furthest = -1;
    let first = -1;
    for (let i = 0; i < n; i++) {
      if (t[i] == null) continue;
      reachedBy[i]!++;
      furthest = i;
      if (first < 0 || t[i]! < t[first]!) first = i;
    }
    if (first < 0) continue;
    for (let i = 0; i <= furthest; i++) {
      orLaterBy[i]!++;
      if (t[i] == null) continue;
      let done: boolean;
      switch (means[i]) {
        case 'next-stage':
          done = i < furthest; // a later stage was reached
          break;
        case 'purchase':
          done = bought.has(visitor);
          break;
        case 'repeat-or-return':
          // a purchase in this stage, or a session that started after their first event in it
          done = bought.get(visitor)?.has(i) === true || (t[n] ?? -Infinity) > t[i]!;
          break;
        case 'referral':
          done = referrers.has(visitor);
          break;
        default:
          done = false;
      }
      if (done) completedCount[i]!++;
    }
    enteredBy[first]!++;
  }
  const rareBy = new Map(rows.rare.map((r) => [r.stage, r]));
  stages.forEach((stage, i) => {
    const r = rareBy.get(i);
    out.perStage.set(stage, {
      visitors: reachedBy[i]!,
      sessions: sessionsIn[i]!,
      fbN: r?.feedbacks ?? 0,
      fbSum: r?.feedbackSum ?? 0,
      pained: r?.painedSessions ?? 0,
      reachedOrLater: orLaterBy[i]!,
      entered: enteredBy[i]!,
      completed: completedCount[i]!,
    });
  });
  const tot = rows.totals;
  if (tot) {
    out.medianVisitsToPurchase = tot.medianVisitsToPurchase;
    Object.assign(out.sums, {
      buying: tot.buying,
      pageviews: tot.pageviews,
      touches: tot.touches,
      purchases: tot.purchases,
      revenue: tot.revenue,
    });
  }
  if (detail) {
    for (const [channel, m] of mix)
      m.forEach((count, i) => {
        if (!count) return;
        const list = out.channels.get(stages[i]!) ?? [];
        list.push({ name: channel || NO_CHANNEL, count });
        out.channels.set(stages[i]!, list);
      });
    for (const list of out.channels.values()) list.sort(byCount);
    const seen = new Map(rows.firstSeen);
    const ever = new Map(rows.furthest);
    const since: number[][] = stages.map(() => []);
    const current = new Array<number>(n).fill(0);
    for (const [visitor, t] of visitors) {
      const first = seen.get(visitor);
      if (first === undefined) continue;
      let furthest = -1;
      for (let i = 0; i < n; i++)
        if (t[i] != null) {
          since[i]!.push(t[i]! - first);
          furthest = i;
        }
      furthest = ever.get(visitor) ?? furthest;
      if (furthest >= 0) current[furthest]!++;
    }
    stages.forEach((stage, i) => {
      const m = median(since[i]!);
      if (m !== null) out.timeToReach.set(stage, m);
      out.current.set(stage, current[i]!);
    });
  }
  return out;
}
