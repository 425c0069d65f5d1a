// Visitors and visits per UTC day, for the dashboard's first chart. A visit counts on the day of
// its first event in the period, so the days add up to totals.sessions; read like the core
// figures (sql.ts sessionSplit): whole sessions from report_sessions by their first hour, the
// others grouped from their rollup rows and the period's partial hours.
import type { Store } from '../store/types';
import { num, sessionSplit, Sql, type Scope } from './sql';
import type { TimelineDay } from './types';

const DAY_MS = 86_400_000;

/** Every UTC day the period touches, with its visitors and visits (0 when none). */
export async function timeline(store: Store, scope: Scope): Promise<TimelineDay[]> {
  const q = new Sql();
  const { whole, rest } = sessionSplit(q, scope);
  // Sessions of several visitors count for their least, as in the core figures.
  const parts = [
    ...(whole ? [`SELECT first_hour / 24 AS day, visitor, session ${whole}`] : []),
    `SELECT MIN(first_time) / ${DAY_MS} AS day, MIN(visitor) AS visitor, session FROM (${rest('session, visitor, first_time')}) WHERE session <> '' GROUP BY session`,
  ];
  const rows = await q.run(
    store,
    `SELECT day, COUNT(DISTINCT NULLIF(visitor, '')) AS visitors, COUNT(*) AS visits FROM (${parts.join(' UNION ALL ')}) GROUP BY day`,
  );
  const byDay = new Map(rows.map((r) => [num(r.day), r]));
  const days: TimelineDay[] = [];
  if (scope.to <= scope.from) return days;
  for (let d = Math.floor(scope.from / DAY_MS); d <= Math.floor((scope.to - 1) / DAY_MS); d++) {
    const r = byDay.get(d);
    days.push({ day: new Date(d * DAY_MS).toISOString().slice(0, 10), visitors: r ? num(r.visitors) : 0, visits: r ? num(r.visits) : 0 });
  }
  return days;
}
