// Over time (issue 14): per UTC day — per ISO week (Monday to Sunday, UTC) when the period is
// longer than 90 days — the visitors, visits, purchases and revenue, and each stage's people and
// reach. Visits and visitors are counted like the timeline (a visit on the bucket of its first
// event in the period), read the same way (sql.ts sessionSplit); purchases by their own time
// from the few checkout events; the stages from the visits' first time in each stage, which the
// core figures already read (core.ts StageTimeSink), so they cost no query of their own.
// docs/report.md "overTime" defines every figure.
import type { Store } from '../store/types';
import { amount } from '../store/report-sql';
import type { StageTimeSink } from './core';
import type { TimelineDay } from './types';
import { eventsOfType, num, ratio, sessionSplit, Sql, type Scope } from './sql';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Epoch day 0 (1970-01-01) was a Thursday: 3 days more start weeks on Monday. */
const MONDAY = 3 * DAY;
/** Periods longer than this are bucketed by week. */
export const DAILY_MAX_DAYS = 90;

export type OverTimeUnit = 'day' | 'week';

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

/** The unit of a period: days up to 90 days, else weeks. */
export const unitOf = (from: number, to: number): OverTimeUnit => (to - from > DAILY_MAX_DAYS * DAY ? 'week' : 'day');

/** The bucket number of an epoch ms time (days since 1970-01-01, or weeks since the Monday before). */
const bucketOf = (unit: OverTimeUnit) => (unit === 'day' ? (t: number) => Math.floor(t / DAY) : (t: number) => Math.floor((t + MONDAY) / WEEK));
const startOf = (unit: OverTimeUnit, b: number) => new Date(unit === 'day' ? b * DAY : b * WEEK - MONDAY).toISOString().slice(0, 10);

/**
 * Collects the stage times of the core figures into buckets; `figures()` reads the visits and
 * purchases and puts the buckets together once the core figures are done.
 * @example const ot = overTime(scope, stages); const c = coreFacts(store, scope, stages, true, ot.sink); const r = await ot.figures(store, c);
 */
export function overTime(scope: Scope, stages: readonly string[]): { sink: StageTimeSink; figures: (store: Store, core: Promise<unknown>, days?: Promise<TimelineDay[]>) => Promise<OverTime> } {
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
    const q = new Sql();
    const { whole, rest } = sessionSplit(q, scope);
    // Hours for whole sessions (first_hour), ms for the rest: the same bucket either way.
    const hourBucket = unit === 'day' ? 'first_hour / 24' : `(first_hour + ${MONDAY / 3_600_000}) / ${WEEK / 3_600_000}`;
    const msBucket = unit === 'day' ? `MIN(first_time) / ${DAY}` : `(MIN(first_time) + ${MONDAY}) / ${WEEK}`;
    const parts = [
      ...(whole ? [`SELECT ${hourBucket} AS b, visitor, session ${whole}`] : []),
      `SELECT ${msBucket} AS b, MIN(visitor) AS visitor, session FROM (${rest('session, visitor, first_time')}) WHERE session <> '' GROUP BY session`,
    ];
    const pq = new Sql();
    const ptime = unit === 'day' ? `time / ${DAY}` : `(time + ${MONDAY}) / ${WEEK}`;
    const [visits, buys] = await Promise.all([
      unit === 'day' && days
        ? days.then((list) => list.map((d) => ({ b: Math.floor(Date.parse(`${d.day}T00:00:00Z`) / DAY), visitors: d.visitors, visits: d.visits })))
        : q.run(store, `SELECT b, COUNT(DISTINCT NULLIF(visitor, '')) AS visitors, COUNT(*) AS visits FROM (${parts.join(' UNION ALL ')}) GROUP BY b`),
      pq.run(store, `SELECT ${ptime} AS b, COUNT(*) AS n, COALESCE(SUM(${amount('value')}), 0) AS revenue FROM (${eventsOfType(pq, scope, 'checkout', 'time, name, props')}) WHERE name = 'purchase' GROUP BY 1`),
    ]);
    await core;
    const v = new Map<number, Record<string, unknown>>(visits.map((r) => [num(r.b), r]));
    const p = new Map(buys.map((r) => [num(r.b), r]));
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
        visitors: num(v.get(b)?.visitors),
        visits: num(v.get(b)?.visits),
        purchases: num(p.get(b)?.n),
        revenue: num(p.get(b)?.revenue),
        people: people.size,
        stages: stages.map((stage, i) => ({ stage, reached: reachedBy[i]!, reachedOrLater: orLaterBy[i]!, reach: ratio(orLaterBy[i]!, people.size) })),
      });
    }
    return { unit, buckets };
  }
  return { sink, figures };
}
