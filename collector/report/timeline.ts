// Visitors and visits per UTC day, for the dashboard's first chart. A visit counts on the day of
// its first event in the period, so the days add up to totals.sessions; read like the core
// figures (store/sql/reads/days.ts): whole sessions from report_sessions by their first hour, the
// others grouped from their rollup rows and the period's partial hours.
import type { Store } from '../store/types';
import type { Scope } from '../store/reads';
import type { TimelineDay } from './types';

const DAY_MS = 86_400_000;

/** Every UTC day the period touches, with its visitors and visits (0 when none). */
export async function timeline(store: Store, scope: Scope): Promise<TimelineDay[]> {
  const rows = await store.reads.days(scope);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const days: TimelineDay[] = [];
  if (scope.to <= scope.from) return days;
  for (let d = Math.floor(scope.from / DAY_MS); d <= Math.floor((scope.to - 1) / DAY_MS); d++) {
    const r = byDay.get(d);
    days.push({ day: new Date(d * DAY_MS).toISOString().slice(0, 10), visitors: r ? r.visitors : 0, visits: r ? r.visits : 0 });
  }
  return days;
}
