// The goals report (issue 14): for each goal of a site (collector/goals.ts — a custom event's
// name or a page path, declared in CJM_GOALS or through the API), in a period and the journey
// report's filters: the people who reached it (conversions), the events, the conversion rate
// over the journey's people, and per stage "reached the stage → did the goal afterwards".
// The attribution of each goal is the attribution report's (`attribution?goal=…`).
// One read of the goal events (events_site_custom for event goals), then the stage times of only
// the people who did a goal (events_site_visitor), and the journey's core figures for the
// denominators, so every figure uses the same people as the map. docs/report.md "Goals".
import type { Goal } from '../goals';
import type { Store } from '../store/types';
import { coreFacts } from './core';
import { filterSql, num, ratio, Sql, type Scope, type ScopeFilter } from './sql';
import { stageCore } from './stages';

/** The events a goal counts: page views whose name is the path, or custom events of the name (as attribution.ts). */
export const goalEvent = (goal: string): { type: 'pageview' | 'event'; name: string } =>
  goal.startsWith('/') ? { type: 'pageview', name: goal } : { type: 'event', name: goal };

export interface GoalStage {
  stage: string;
  /** People who reached this stage in the period (the map's `stages[].visitors`). */
  reached: number;
  /** Of them, people whose first goal event in the period came at or after their first event in this stage. */
  thenGoal: number;
  /** thenGoal ÷ reached; null when nobody reached the stage. */
  rate: number | null;
}

export interface GoalFigures extends Goal {
  kind: 'event' | 'page';
  /** People with a goal event in the period (a person counts once, as in attribution). */
  conversions: number;
  /** Goal events in the period. */
  events: number;
  /** conversions ÷ the period's people (`visitors`); null without people. */
  conversionRate: number | null;
  stages: GoalStage[];
}

export interface GoalsReport {
  site: string;
  query: { from: number; to: number } & Partial<Record<ScopeFilter, string>>;
  /** The period's people (the journey report's `totals.visitors`, same filters). */
  visitors: number;
  goals: GoalFigures[];
}

/** Figures of every goal of `goals` over `scope`. */
export async function goalsReport(store: Store, scope: Scope, stages: readonly string[], goals: readonly Goal[]): Promise<Omit<GoalsReport, 'site' | 'query'>> {
  const factsP = coreFacts(store, scope, stages, false);
  const q = new Sql();
  const byType = (type: 'event' | 'pageview') => goals.map((g) => goalEvent(g.goal)).filter((g) => g.type === type).map((g) => g.name);
  const parts = (['event', 'pageview'] as const)
    .map((type) => [type, byType(type)] as const)
    .filter(([, names]) => names.length)
    .map(
      ([type, names]) =>
        `SELECT ${q.p(type === 'pageview' ? '/' : '')} || name AS k, visitor, time FROM events WHERE site = ${q.p(scope.site)} AND type = '${type}' AND bot = 0
         AND time >= ${q.p(scope.from)} AND time < ${q.p(scope.to)} AND name IN (${names.map((n) => q.p(n)).join(', ')})${filterSql(q, scope, 'events')}`,
    );
  // k: the goal (a page's path already starts with '/', so its key is '/' || path: '//pricing';
  // an event's is its name), so an event named like a path cannot be mistaken for the page.
  const rows = parts.length
    ? await q.run(
        store,
        `WITH e AS MATERIALIZED (${parts.join(' UNION ALL ')}),
         gv AS MATERIALIZED (SELECT k, visitor, MIN(time) AS t FROM e WHERE visitor IS NOT NULL AND visitor <> '' GROUP BY k, visitor),
         st AS (SELECT visitor, stage, MIN(time) AS t FROM events WHERE site = ${q.p(scope.site)} AND visitor IN (SELECT visitor FROM gv)
           AND time >= ${q.p(scope.from)} AND time < ${q.p(scope.to)} AND bot = 0 AND stage IS NOT NULL${filterSql(q, scope, 'events')} GROUP BY visitor, stage)
         SELECT 'goal' AS kind, k, NULL AS stage, (SELECT COUNT(*) FROM gv WHERE gv.k = x.k) AS people, COUNT(*) AS n FROM e x GROUP BY k
         UNION ALL
         SELECT 'stage', gv.k, st.stage, COUNT(*), 0 FROM gv JOIN st ON st.visitor = gv.visitor AND st.t <= gv.t GROUP BY gv.k, st.stage`,
      )
    : [];
  const facts = await factsP;
  const core = stageCore(facts, stages);
  const visitors = facts.sums.visitors;
  const key = (g: string) => (g.startsWith('/') ? `/${g}` : g);
  return {
    visitors,
    goals: goals.map((g): GoalFigures => {
      const k = key(g.goal);
      const total = rows.find((r) => r.kind === 'goal' && r.k === k);
      const conversions = num(total?.people);
      return {
        ...g,
        kind: g.goal.startsWith('/') ? 'page' : 'event',
        conversions,
        events: num(total?.n),
        conversionRate: ratio(conversions, visitors),
        stages: core.map((c) => {
          const thenGoal = num(rows.find((r) => r.kind === 'stage' && r.k === k && r.stage === c.stage)?.people);
          return { stage: c.stage, reached: c.visitors, thenGoal, rate: ratio(thenGoal, c.visitors) };
        }),
      };
    }),
  };
}
