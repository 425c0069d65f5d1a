// The over-time figures' reads (issue 14, collector/report/over-time.ts): visits and visitors
// per day or week, counted like the timeline (a visit on the bucket of its first event in the
// period, read through sessionSplit), and purchases by their own time from the few checkout events.
import { LIMITS } from '../../../../sdk/schema';
import type { BucketPurchasesRow, BucketUnit, BucketVisitsRow, Scope } from '../../reads';
import { eventsOfType, money, num, sessionSplit, Sql, type Run } from './query';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Epoch day 0 (1970-01-01) was a Thursday: 3 days more start weeks on Monday. */
const MONDAY = 3 * DAY;

export async function bucketVisits(q: Sql, run: Run, scope: Scope, unit: BucketUnit): Promise<BucketVisitsRow[]> {
  const { whole, rest } = sessionSplit(q, scope);
  // Hours for whole sessions (first_hour), ms for the rest: the same bucket either way.
  const hourBucket = unit === 'day' ? 'first_hour / 24' : `(first_hour + ${MONDAY / 3_600_000}) / ${WEEK / 3_600_000}`;
  const msBucket = unit === 'day' ? `MIN(first_time) / ${DAY}` : `(MIN(first_time) + ${MONDAY}) / ${WEEK}`;
  const parts = [
    ...(whole ? [`SELECT ${hourBucket} AS b, visitor, session ${whole}`] : []),
    `SELECT ${msBucket} AS b, MIN(visitor) AS visitor, session FROM (${rest('session, visitor, first_time')}) WHERE session <> '' GROUP BY session`,
  ];
  const rows = await q.run(
    run,
    `SELECT b, COUNT(DISTINCT NULLIF(visitor, '')) AS visitors, COUNT(*) AS visits FROM (${parts.join(' UNION ALL ')}) GROUP BY b`,
  );
  return rows.map((r) => ({ bucket: num(r.b), visitors: num(r.visitors), visits: num(r.visits) }));
}

export async function bucketPurchases(q: Sql, run: Run, scope: Scope, unit: BucketUnit): Promise<BucketPurchasesRow[]> {
  const ptime = unit === 'day' ? `time / ${DAY}` : `(time + ${MONDAY}) / ${WEEK}`;
  // An event's value bounded as on insert (rollups.ts amount), so no sum overflows.
  const value = q.d.clamp(`-${LIMITS.amount}`, LIMITS.amount, q.d.jsonNumber('props', 'value', 'REAL'));
  const rows = await q.run(
    run,
    `SELECT ${ptime} AS b, COUNT(*) AS n, COALESCE(SUM(${value}), 0) AS revenue FROM (${eventsOfType(q, scope, 'checkout', 'time, name, props')}) WHERE name = 'purchase' GROUP BY 1`,
  );
  return rows.map((r) => ({ bucket: num(r.b), purchases: num(r.n), revenue: money(r.revenue) }));
}
