// Touchpoint sequences of a period's sessions: the sessions lying wholly within the period come
// with their rollup rows' steps joined already (report_sessions.steps), all in one JSON text; the
// others as their rollup rows (report_paths), by session and time.
import type { PathRows, Scope } from '../../reads';
import { sessionSplit, Sql, type Run } from './query';

export async function paths(q: Sql, run: Run, scope: Scope): Promise<PathRows> {
  const { whole, rest } = sessionSplit(q, scope, 'paths');
  const rows = await q.run(
    run,
    `SELECT session, first_time, steps, NULL AS j FROM (${rest('session, first_time, steps')}) WHERE session <> ''
    ${whole ? `UNION ALL SELECT NULL, NULL, NULL, (SELECT '[' || ${q.d.stringAgg('steps', "','")} || ']' ${whole})` : ''}
    ORDER BY 1, 2`,
  );
  const out: PathRows = { parts: [], whole: [] };
  for (const r of rows) {
    if (r.session === null) out.whole.push(...(JSON.parse(String(r.j ?? '[]')) as string[][]));
    else out.parts.push({ session: String(r.session), steps: JSON.parse(String(r.steps)) as string[] });
  }
  return out;
}
