// The goals' reads (issue 14, collector/report/goals.ts): per goal and person, their first goal
// event in the period and their goal events — one read of the goal events (events_site_custom
// for event goals, the page views' index for page goals); and the goals stored through the API.
import type { GoalEvent, GoalEventRow, Scope, StoredGoal } from '../../reads';
import { filterSql, num, strOrNull, Sql, type Run } from './query';

export async function goalEvents(q: Sql, run: Run, scope: Scope, goals: readonly GoalEvent[]): Promise<GoalEventRow[]> {
  const parts = (['event', 'pageview'] as const)
    .map((type) => [type, goals.filter((g) => g.type === type).map((g) => g.name)] as const)
    .filter(([, names]) => names.length)
    .map(
      ([type, names]) =>
        `SELECT type, name, visitor, time FROM events WHERE site = ${q.p(scope.site)} AND type = '${type}' AND bot = 0
         AND time >= ${q.p(scope.from)} AND time < ${q.p(scope.to)} AND name IN (${[...new Set(names)].map((n) => q.p(n)).join(', ')})${filterSql(q, scope, 'events')}`,
    );
  if (!parts.length) return [];
  const rows = await q.run(
    run,
    `SELECT type, name, visitor, MIN(time) AS t, COUNT(*) AS n FROM (${parts.join(' UNION ALL ')}) WHERE visitor IS NOT NULL AND visitor <> '' GROUP BY type, name, visitor`,
  );
  return rows.map((r) => ({
    type: r.type === 'pageview' ? 'pageview' : 'event',
    name: String(r.name),
    visitor: String(r.visitor),
    first: num(r.t),
    events: num(r.n),
  }));
}

/** The stored goals of a site, by name (paths first: '/' sorts before letters). */
export async function goals(q: Sql, run: Run, site: string): Promise<StoredGoal[]> {
  const rows = await q.run(run, `SELECT goal, label, created FROM goals WHERE site = ${q.p(site)} ORDER BY goal`);
  return rows.map((r) => ({ goal: String(r.goal), label: strOrNull(r.label), created: num(r.created) }));
}
