// Two segments side by side (issue 14): the journey-map summary — people, visits, purchases,
// revenue, conversion, and per stage reach, entered here and completion — of two sets of filters
// over the same period, e.g. channel email against channel paid social. Each side is the journey
// report's own core figures (core.ts, stages.ts) under its filters, so a side's numbers are the
// map's for that filter. docs/report.md "Segments".
import { SCOPE_FILTERS, type ScopeFilter } from '../filters';
import type { Scope } from '../store/reads';
import type { Store } from '../store/types';
import { coreFacts } from './core';
import { stageCore } from './stages';
import { totals } from './totals';
import type { CompletionMeans } from './types';

/** One segment: filters by name (`{channel: 'email'}`), as `key:value,key:value` in the URL. */
export type Segment = Partial<Record<ScopeFilter, string>>;

export interface SegmentStage {
  stage: string;
  visitors: number;
  reachedOrLater: number;
  reach: number | null;
  entered: number;
  enteredShare: number | null;
  completionMeans: CompletionMeans | null;
  completion: number | null;
}

export interface SegmentSummary {
  /** `channel: email`, the segment's filters as text. */
  label: string;
  filters: Segment;
  visitors: number;
  sessions: number;
  purchases: number;
  revenue: number;
  /** Sessions with a purchase ÷ sessions (totals.conversionRate). */
  conversionRate: number | null;
  stages: SegmentStage[];
}

/** Most filters a segment may hold. */
const MAX_FILTERS = 4;

/**
 * Reads a segment from `key:value` pairs separated by commas (`channel:email,device:mobile`).
 * Returns the problem as text when it cannot (the route answers 400 naming the parameter).
 */
export function parseSegment(text: string): Segment | string {
  const out: Segment = {};
  const pairs = text.split(',').filter((p) => p !== '');
  if (!pairs.length) return 'is empty; use key:value, e.g. channel:email';
  if (pairs.length > MAX_FILTERS) return `has more than ${MAX_FILTERS} filters`;
  for (const pair of pairs) {
    const at = pair.indexOf(':');
    const key = pair.slice(0, at) as ScopeFilter;
    const value = pair.slice(at + 1);
    if (at < 1 || !(SCOPE_FILTERS as readonly string[]).includes(key))
      return `${JSON.stringify(pair.slice(0, 40))} is not key:value with a key among ${SCOPE_FILTERS.join(', ')}`;
    if (!value || value.length > 300) return `${key}: the value must have 1–300 characters`;
    if (out[key] !== undefined) return `names ${key} twice`;
    out[key] = value;
  }
  return out;
}

/** The summary of each segment (over `base`: site, period and the filters both share). */
export async function segmentSummaries(
  store: Store,
  base: Scope,
  stages: readonly string[],
  segments: readonly Segment[],
): Promise<SegmentSummary[]> {
  return Promise.all(
    segments.map(async (seg) => {
      const scope: Scope = { ...base, ...seg };
      const facts = await coreFacts(store, scope, stages, false);
      const t = totals(facts);
      return {
        label: Object.entries(seg)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', '),
        filters: seg,
        visitors: t.visitors,
        sessions: t.sessions,
        purchases: t.purchases,
        revenue: t.revenue,
        conversionRate: t.conversionRate,
        stages: stageCore(facts, stages).map((s) => ({
          stage: s.stage,
          visitors: s.visitors,
          reachedOrLater: s.reachedOrLater,
          reach: s.reach,
          entered: s.entered,
          enteredShare: s.enteredShare,
          completionMeans: s.completionMeans,
          completion: s.completion,
        })),
      };
    }),
  );
}
