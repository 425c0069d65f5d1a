// Bounce by landing page, ranked so that a page with 2 bounces out of 2 sessions does not
// outrank one with 300 out of 400: by the lower bound of the 95 % Wilson interval.
import type { LandingFacts } from './sessions';
import type { LandingBounce } from './types';

/** Pages listed at most. */
export const MAX_LANDING_PAGES = 50;
/**
 * Default of ReportQuery.minSessions: 1, so a small shop with a handful of landings sees them
 * all. Small pages do not crowd out busy ones: the ranking is by the Wilson lower bound (1 bounce
 * of 1 visit ranks at 21 %, 300 of 400 at 70 %) and lists 50 pages at most (docs/report.md).
 */
export const DEFAULT_MIN_SESSIONS = 1;

/** Lower bound of the Wilson score interval for `k` successes in `n` trials (z = 1.96). */
export function wilsonLower(k: number, n: number, z = 1.96): number {
  if (n === 0) return 0;
  const p = k / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
}

/** Landing pages with at least `minSessions` sessions, highest confident bounce rate first. */
export function bounceByLanding(facts: LandingFacts[], minSessions = DEFAULT_MIN_SESSIONS): LandingBounce[] {
  const byPath = new Map<string, { sessions: number; bounces: number }>();
  for (const f of facts) {
    const p = byPath.get(f.landing) ?? { sessions: 0, bounces: 0 };
    p.sessions += f.sessions;
    p.bounces += f.bounces;
    byPath.set(f.landing, p);
  }
  return [...byPath]
    .filter(([, p]) => p.sessions >= minSessions)
    .map(([path, p]) => ({
      path,
      sessions: p.sessions,
      bounces: p.bounces,
      bounceRate: p.bounces / p.sessions,
      confidentRate: wilsonLower(p.bounces, p.sessions),
    }))
    .sort((a, b) => b.confidentRate - a.confidentRate || b.sessions - a.sessions || (a.path < b.path ? -1 : 1))
    .slice(0, MAX_LANDING_PAGES);
}
