// Paths per person's read (issue 14, collector/report/person-paths.ts): the period's visits'
// touchpoints, read like the per-visit paths (sessionSplit over report_paths; report_sessions.steps
// for the whole sessions), with each visit's start from `sessions`.
import type { PersonPathRow, Scope } from '../../reads';
import { num, sessionSplit, Sql, type Run } from './query';

export async function personPaths(q: Sql, run: Run, scope: Scope): Promise<PersonPathRow[]> {
  const { whole, rest } = sessionSplit(q, scope, 'paths');
  const site = q.p(scope.site);
  // One row per whole session (visitor, steps, start), and the other sessions' rollup rows (one
  // per hour and segment) in time order.
  const rows = await q.run(
    run,
    `SELECT 0 AS part, w.visitor AS visitor, w.session AS session, x.started AS t, w.steps AS steps FROM (SELECT visitor, session, steps ${whole ?? 'FROM report_sessions WHERE FALSE'}) w
       JOIN sessions x ON x.site = ${site} AND x.session = w.session WHERE w.visitor <> ''
     UNION ALL
     SELECT 1, visitor, session, first_time, steps FROM (${rest('session, visitor, first_time, steps')}) WHERE session <> '' AND visitor <> ''
     ORDER BY 1, 3, 4`,
  );
  return rows.map((r) => ({
    part: num(r.part) ? 1 : 0,
    visitor: String(r.visitor),
    session: String(r.session),
    time: num(r.t),
    steps: JSON.parse(String(r.steps)) as string[],
  }));
}
