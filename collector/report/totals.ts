// The headline figures of a period (Totals in types.ts), from the period's core facts.
import type { CoreFacts } from './core';
import { ratio } from './math';
import type { Totals } from './types';

export function totals(facts: CoreFacts): Totals {
  const { sums, landing } = facts;
  const landed = landing.reduce((n, l) => n + l.sessions, 0);
  const bounces = landing.reduce((n, l) => n + l.bounces, 0);
  return {
    visitors: sums.visitors,
    sessions: sums.sessions,
    pageviews: sums.pageviews,
    bounceRate: ratio(bounces, landed),
    purchases: sums.purchases,
    revenue: sums.revenue,
    conversionRate: ratio(sums.buying, sums.sessions),
    touchpointsPerPurchase: ratio(sums.touches, sums.purchases),
    medianVisitsToPurchase: facts.medianVisitsToPurchase,
  };
}
