// The goals report (issue 14): for each goal of a site (collector/goals.ts — a custom event's
// name or a page path, declared in CJM_GOALS or through the API), in a period and the journey
// report's filters: the people who reached it (conversions), the events, the conversion rate
// over the journey's people, and per stage "reached the stage → did the goal afterwards".
// The attribution of each goal is the attribution report's (`attribution?goal=…`).
// One read of the goal events (store.reads.goalEvents) and the journey's core figures,
// whose session lines also give each person's first time in each stage (the "reached" side), so
// every figure uses the same people as the map. docs/report.md "Goals".
import type { Goal } from '../goals';
import type { ScopeFilter } from '../filters';
import type { GoalEvent, Scope } from '../store/reads';
import type { Store } from '../store/types';
import { coreFacts } from './core';
import { ratio } from './math';
import { stageCore } from './stages';

/** The events a goal counts: page views whose name is the path, or custom events of the name (as attribution.ts). */
export const goalEvent = (goal: string): GoalEvent =>
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
export async function goalsReport(
  store: Store,
  scope: Scope,
  stages: readonly string[],
  goals: readonly Goal[],
): Promise<Omit<GoalsReport, 'site' | 'query'>> {
  // Each person's first time in each stage in the period: from the core figures' own session
  // lines (core.ts StageTimeSink), so the stages cost no query of their own.
  const firstIn = new Map<string, number[]>();
  const factsP = coreFacts(store, scope, stages, false, (visitor, stage, time) => {
    let t = firstIn.get(visitor);
    if (!t) firstIn.set(visitor, (t = new Array<number>(stages.length).fill(Infinity)));
    if (time < t[stage]!) t[stage] = time;
  });
  // Per goal event and person: their first goal event (first) and their goal events.
  const rowsP = store.reads.goalEvents(
    scope,
    goals.map((g) => goalEvent(g.goal)),
  );
  const [facts, rows] = await Promise.all([factsP, rowsP]);
  const core = stageCore(facts, stages);
  const visitors = facts.sums.visitors;
  // The goal's key: a page's is '/' + its path ('//pricing'), so an event named like a path
  // cannot be mistaken for the page.
  const key = (g: string) => (g.startsWith('/') ? `/${g}` : g);
  const byGoal = new Map<string, { people: number; events: number; then: number[] }>();
  for (const r of rows) {
    const k = r.type === 'pageview' ? `/${r.name}` : r.name;
    let g = byGoal.get(k);
    if (!g) byGoal.set(k, (g = { people: 0, events: 0, then: new Array<number>(stages.length).fill(0) }));
    g.people++;
    g.events += r.events;
    const t = firstIn.get(r.visitor);
    // Reached the stage at or before their first goal event: "reached the stage → did the goal".
    if (t) for (let i = 0; i < stages.length; i++) if (t[i]! <= r.first) g.then[i]!++;
  }
  return {
    visitors,
    goals: goals.map((g): GoalFigures => {
      const f = byGoal.get(key(g.goal));
      const conversions = f?.people ?? 0;
      return {
        ...g,
        kind: g.goal.startsWith('/') ? 'page' : 'event',
        conversions,
        events: f?.events ?? 0,
        conversionRate: ratio(conversions, visitors),
        stages: core.map((c, i) => {
          const thenGoal = f?.then[i] ?? 0;
          return { stage: c.stage, reached: c.visitors, thenGoal, rate: ratio(thenGoal, c.visitors) };
        }),
      };
    }),
  };
}
