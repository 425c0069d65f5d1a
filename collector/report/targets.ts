// The future-state map: configured targets per stage, measured against the report.
import type { StageCore } from './stages';
import type { Target, TargetCheck, TargetMetric } from './types';

/** The stage figure each target metric names. */
export function measure(stage: StageCore | undefined, metric: TargetMetric): number | null {
  if (!stage) return null;
  switch (metric) {
    case 'feedbackMean':
      return stage.emotion.feedbackMean;
    case 'frustration':
      return stage.emotion.frustration;
    case 'conversion': // completion's old name
      return stage.completion;
    default:
      return stage[metric];
  }
}

/**
 * Checks each target: met when measured and within its bounds; gap = measured − the bound it
 * is measured against: the max when over it (or when there is no min), else the min. So a
 * negative gap is a shortfall under a min, a positive one over a max is an excess, and a met
 * target shows its margin.
 */
export function checkTargets(targets: readonly Target[], stages: StageCore[]): TargetCheck[] {
  return targets.map((t) => {
    const measured = measure(
      stages.find((s) => s.stage === t.stage),
      t.metric,
    );
    const below = t.min !== undefined && measured !== null && measured < t.min;
    const above = t.max !== undefined && measured !== null && measured > t.max;
    const bound = above || t.min === undefined ? t.max! : t.min;
    const check: TargetCheck = {
      stage: t.stage,
      metric: t.metric,
      measured,
      met: measured !== null && !below && !above,
      gap: measured === null ? null : measured - bound,
    };
    if (t.min !== undefined) check.min = t.min;
    if (t.max !== undefined) check.max = t.max;
    return check;
  });
}
