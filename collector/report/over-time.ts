// Over time (issue 14): per UTC day — per ISO week (Monday to Sunday, UTC) when the period is
// longer than 90 days — the visitors, visits, purchases and revenue, and each stage's people and
// reach. Visits and visitors are counted like the timeline (a visit on the bucket of its first
// event in the period), read the same way (store.reads.bucketVisits); purchases by their own time
// from the few checkout events; the stages from the visits' first time in each stage, which the
// core figures already read (core.ts StageTimeSink), so they cost no query of their own.
// docs/report.md "overTime" defines every figure.
import type { Scope } from '../store/reads';
import type { Store } from '../store/types';
import type { StageTimeSink } from './core';
import { ratio } from './math';
import type { OverTime, OverTimeBucket, OverTimeUnit, TimelineDay } from './types';

export type { OverTime, OverTimeBucket, OverTimeStage, OverTimeUnit } from './types';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Epoch day 0 (1970-01-01) was a Thursday: 3 days more start weeks on Monday. */
const MONDAY = 3 * DAY;
/** Periods longer than this are bucketed by week. */
export const DAILY_MAX_DAYS = 90;

/** The unit of a period: days up to 90 days, else weeks. */
export const unitOf = (from: number, to: number): OverTimeUnit => (to - from > DAILY_MAX_DAYS * DAY ? 'week' : 'day');

/** The bucket number of an epoch ms time (days since 1970-01-01, or weeks since the Monday before). */
const bucketOf = (unit: OverTimeUnit) =>
  unit === 'day' ? (t: number) => Math.floor(t / DAY) : (t: number) => Math.floor((t + MONDAY) / WEEK);
const startOf = (unit: OverTimeUnit, b: number) => new Date(unit === 'day' ? b * DAY : b * WEEK - MONDAY).toISOString().slice(0, 10);

/**
 * Collects the stage times of the core figures into buckets; `figures()` reads the visits and
 * purchases and puts the buckets together once the core figures are done.
 * @example const ot = overTime(scope, stages); const c = coreFacts(store, scope, stages, true, ot.sink); const r = await ot.figures(store, c);
 */
export function overTime(
  scope: Scope,
  stages: readonly string[],
): { sink: StageTimeSink; figures: (store: Store, core: Promise<unknown>, days?: Promise<TimelineDay[]>) => Promise<OverTime> } {
  const unit = unitOf(scope.from, scope.to);
  const bucket = bucketOf(unit);
  // Per bucket, per person: the stages they reached there, as bits (stage i → bit i).
  const reached = new Map<number, Map<string, number>>();
  const sink: StageTimeSink = (visitor, stage, time) => {
    if (stage > 30) return; // bits of a 32-bit number; no journey has that many stages
    const b = bucket(time);
    let people = reached.get(b);
    if (!people) reached.set(b, (people = new Map()));
    people.set(visitor, (people.get(visitor) ?? 0) | (1 << stage));
  };

  /**
   * Reads the visits and purchases while `core` (the core figures, fed by `sink`) runs, and
   * assembles after it. `days`: the report's timeline, whose days are the daily buckets' visits
   * and visitors (the same query), so a daily period reads only its purchases.
   */
  async function figures(store: Store, core: Promise<unknown>, days?: Promise<TimelineDay[]>): Promise<OverTime> {
    const [visits, buys] = await Promise.all([
      unit === 'day' && days
        ? days.then((list) =>
            list.map((d) => ({ bucket: Math.floor(Date.parse(`${d.day}T00:00:00Z`) / DAY), visitors: d.visitors, visits: d.visits })),
          )
        : store.reads.bucketVisits(scope, unit),
      store.reads.bucketPurchases(scope, unit),
    ]);
    await core;
    const v = new Map(visits.map((r) => [r.bucket, r]));
    const p = new Map(buys.map((r) => [r.bucket, r]));
    const buckets: OverTimeBucket[] = [];
    if (scope.to <= scope.from) return { unit, buckets };
    for (let b = bucket(scope.from); b <= bucket(scope.to - 1); b++) {
      const people = reached.get(b) ?? new Map<string, number>();
      const reachedBy = new Array<number>(stages.length).fill(0);
      const orLaterBy = new Array<number>(stages.length).fill(0);
      for (const bits of people.values()) {
        const furthest = 31 - Math.clz32(bits);
        for (let i = 0; i < stages.length; i++) {
          if (bits & (1 << i)) reachedBy[i]!++;
          if (i <= furthest) orLaterBy[i]!++;
        }
      }
      buckets.push({
        start: startOf(unit, b),
        visitors: v.get(b)?.visitors ?? 0,
        visits: v.get(b)?.visits ?? 0,
        purchases: p.get(b)?.purchases ?? 0,
        revenue: p.get(b)?.revenue ?? 0,
        people: people.size,
        stages: stages.map((stage, i) => ({
          stage,
          reached: reachedBy[i]!,
          reachedOrLater: orLaterBy[i]!,
          reach: ratio(orLaterBy[i]!, people.size),
        })),
      });
    }
    return { unit, buckets };
  }
  return { sink, figures };
}
