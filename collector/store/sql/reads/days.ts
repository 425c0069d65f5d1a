// Visitors and visits per UTC day (the report's timeline): read like the core figures
// (query.ts sessionSplit): whole sessions from report_sessions by their first hour, the others
// grouped from their rollup rows and the period's partial hours. Sessions of several visitors
// count for their least, as in the core figures.
import type { DayRow, Scope } from '../../reads';
import { num, sessionSplit, Sql, type Run } from './query';

const DAY_MS = 86_400_000;

export async function days(q: Sql, run: Run, scope: Scope): Promise<DayRow[]> {
  const { whole, rest } = sessionSplit(q, scope);
  const parts = [
    ...(whole ? [`SELECT first_hour / 24 AS day, visitor, session ${whole}`] : []),
    `SELECT MIN(first_time) / ${DAY_MS} AS day, MIN(visitor) AS visitor, session FROM (${rest('session, visitor, first_time')}) WHERE session <> '' GROUP BY session`,
  ];
  const rows = await q.run(
    run,
    `SELECT day, COUNT(DISTINCT NULLIF(visitor, '')) AS visitors, COUNT(*) AS visits FROM (${parts.join(' UNION ALL ')}) GROUP BY day`,
  );
  return rows.map((r) => ({ day: num(r.day), visitors: num(r.visitors), visits: num(r.visits) }));
}
