// Retention (CJM_RETENTION_DAYS): which time to delete before, and one run of the deletion.
// Runtime-neutral: node/server.ts runs it at start and hourly, worker/main.ts from a Cron Trigger.
import type { Store } from '../store/types';

const DAY_MS = 24 * 3600 * 1000;
const HOUR_MS = 3600 * 1000;

/**
 * The cutoff for keeping `days` days at time `now`: events with `time` before it are deleted.
 * Rounded down to a whole hour, so hourly report rollups are dropped whole, never split.
 * @example retentionCutoff(Date.UTC(2025, 0, 31, 12, 30), 30) // Date.UTC(2025, 0, 1, 12)
 */
export function retentionCutoff(now: number, days: number): number {
  return Math.floor((now - days * DAY_MS) / HOUR_MS) * HOUR_MS;
}

/**
 * Deletes every site's events older than `days` days (and what is derived from them), and the
 * erasure tombstones more than 15 days old (docs/privacy.md).
 * @example const { deleted } = await applyRetention(store, 400, Date.now());
 */
export async function applyRetention(store: Store, days: number, now: number): Promise<{ deleted: number; before: number }> {
  const before = retentionCutoff(now, days);
  const { deleted } = await store.deleteBefore(before, undefined, now);
  return { deleted, before };
}
