// The period comparison: the same figures for the previous period of equal length, with deltas.
import type { StageCore } from './stages';
import type { Delta, JourneyReport, Totals } from './types';

export const delta = (current: number | null, previous: number | null): Delta => ({
  current,
  previous,
  change: current === null || previous === null ? null : current - previous,
});

/** The previous period of [from, to): [from − (to − from), from). */
export const previousPeriod = (from: number, to: number): { from: number; to: number } => ({ from: from - (to - from), to: from });

export function comparison(
  period: { from: number; to: number },
  now: { totals: Totals; stages: StageCore[] },
  before: { totals: Totals; stages: StageCore[] },
): JourneyReport['comparison'] {
  const totals = Object.fromEntries(
    (Object.keys(now.totals) as (keyof Totals)[]).map((k) => [k, delta(now.totals[k], before.totals[k])]),
  ) as Record<keyof Totals, Delta>;
  return {
    from: period.from,
    to: period.to,
    totals,
    stages: now.stages.map((s, i) => {
      const p = before.stages[i]!;
      return {
        stage: s.stage,
        visitors: delta(s.visitors, p.visitors),
        reach: delta(s.reach, p.reach),
        completion: delta(s.completion, p.completion),
        bounceRate: delta(s.bounceRate, p.bounceRate),
        feedbackMean: delta(s.emotion.feedbackMean, p.emotion.feedbackMean),
        frustration: delta(s.emotion.frustration, p.emotion.frustration),
      };
    }),
  };
}
