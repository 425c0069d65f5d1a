// SQL of the data lifecycle, shared by the SQLite and D1 adapters: retention (delete events
// before a time) and erasure (one visitor's events, GDPR), each followed by bringing every row
// derived from those events (sessions, visitors, report rollups) back in line with `events`.
// Each operation is a plan: reads first, then writes that depend on what was read, which an
// adapter runs in one transaction (SQLite) or reads then one batch (D1).
import { refreshStatements, type Statement } from './journey-sql';
import type { StoredEvent } from './types';

/** Rows of a read, as the adapters return them. */
export type Rows = Record<string, unknown>[];

/** An operation as reads, then the writes they imply and how to read the writes' change counts. */
export interface Plan<R> {
  reads: Statement[];
  writes(results: Rows[]): { statements: Statement[]; result(changes: number[]): R };
}

/** What {@link Store.deleteBefore} did. */
export interface DeleteResult {
  /** Events deleted. */
  deleted: number;
}

/** What {@link Store.eraseVisitor} did. */
export interface EraseResult {
  /** Events deleted. */
  deleted: number;
  /** Every visitor id erased: the one asked for and those linked to it by a user id. */
  visitors: string[];
}

/** Rollup rows are per hour of event time (as in report-sql.ts). */
const HOUR_MS = 3_600_000;

/** Tables derived from `events` with an `hour` column (report rollups, migration 0003). */
const ROLLUPS = ['report_stages', 'report_touchpoints', 'report_paths'] as const;

const json = (list: readonly string[]) => JSON.stringify(list);
const strings = (rows: Rows, col: string) => rows.map((r) => r[col]).filter((v): v is string => typeof v === 'string');

/** A stand-in row that makes refreshStatements() refresh one session or one visitor. */
const keyRow = (site: string, session: string | null, visitor: string | null) =>
  ({ site, session, visitor, type: 'pageview', user_id: null }) as unknown as StoredEvent;

/**
 * After events were deleted: drop the given sessions and visitors, then rebuild them (and their
 * report rollups) from what is left in `events`, with the very statements insert uses. A session
 * or visitor with no events left stays dropped.
 */
export function rederive(site: string, sessions: readonly string[], visitors: readonly string[]): Statement[] {
  if (!sessions.length && !visitors.length) return [];
  return [
    { sql: 'DELETE FROM sessions WHERE site = ?1 AND session IN (SELECT value FROM json_each(?2))', params: [site, json(sessions)] },
    { sql: 'DELETE FROM visitors WHERE site = ?1 AND visitor IN (SELECT value FROM json_each(?2))', params: [site, json(visitors)] },
    ...refreshStatements([...sessions.map((s) => keyRow(site, s, null)), ...visitors.map((v) => keyRow(site, null, v))]),
  ];
}

/** The sites that have events (retention without a site applies to each). */
export const SITES_SQL: Statement = { sql: 'SELECT site FROM events GROUP BY site', params: [] };

/**
 * Retention for one site: delete its events with `time < before`, the sessions, visitors and
 * rollup hours that lay wholly before it, and rebuild those that straddle it.
 */
export function deleteBeforePlan(site: string, before: number): Plan<DeleteResult> {
  const hour = Math.floor(before / HOUR_MS);
  return {
    reads: [
      { sql: 'SELECT session FROM sessions WHERE site = ?1 AND started < ?2 AND ended >= ?2', params: [site, before] },
      { sql: 'SELECT visitor FROM visitors WHERE site = ?1 AND first_seen < ?2 AND last_seen >= ?2', params: [site, before] },
      // The hour `before` falls in may hold rollups of events on both sides of it.
      { sql: 'SELECT DISTINCT session, visitor FROM report_stages WHERE site = ?1 AND hour = ?2', params: [site, hour] },
    ],
    writes([straddling, returning, inHour]) {
      const sessions = new Set(strings(straddling!, 'session'));
      const visitors = new Set(strings(returning!, 'visitor'));
      for (const r of inHour!) {
        if (r.session) sessions.add(String(r.session));
        else if (r.visitor) visitors.add(String(r.visitor));
      }
      return {
        statements: [
          { sql: 'DELETE FROM events WHERE site = ?1 AND time < ?2', params: [site, before] },
          { sql: 'DELETE FROM sessions WHERE site = ?1 AND ended < ?2', params: [site, before] },
          { sql: 'DELETE FROM visitors WHERE site = ?1 AND last_seen < ?2', params: [site, before] },
          ...ROLLUPS.map((t) => ({ sql: `DELETE FROM ${t} WHERE site = ?1 AND hour < ?2`, params: [site, hour] })),
          ...rederive(site, [...sessions], [...visitors]),
        ],
        result: (changes) => ({ deleted: changes[0] ?? 0 }),
      };
    },
  };
}

// The user ids of `id` (a visitor id, or a user id itself), and every visitor that carries one.
const USERS_CTE = `u AS (
  SELECT user_id FROM events WHERE site = ?1 AND (visitor = ?2 OR user_id = ?2) AND user_id IS NOT NULL
  UNION SELECT user_id FROM visitors WHERE site = ?1 AND (visitor = ?2 OR user_id = ?2) AND user_id IS NOT NULL)`;
const VISITORS_CTE = `${USERS_CTE}, vis AS (
  SELECT visitor FROM events WHERE site = ?1 AND (visitor = ?2 OR user_id IN u) AND visitor IS NOT NULL
  UNION SELECT visitor FROM visitors WHERE site = ?1 AND (visitor = ?2 OR user_id IN u))`;

/**
 * Erasure (GDPR): every event of visitor `id` and of the visitors linked to it by identify (the
 * same user id); `id` may also be a user id. Their sessions and visitor rows go too, and the
 * report rollups of those sessions are rebuilt without them.
 */
export function eraseVisitorPlan(site: string, id: string): Plan<EraseResult> {
  return {
    reads: [
      { sql: `WITH ${USERS_CTE} SELECT user_id FROM u`, params: [site, id] },
      { sql: `WITH ${VISITORS_CTE} SELECT visitor FROM vis ORDER BY visitor`, params: [site, id] },
      { sql: `WITH ${VISITORS_CTE} SELECT DISTINCT session FROM events WHERE site = ?1 AND visitor IN vis AND session IS NOT NULL`, params: [site, id] },
    ],
    writes([users, vis, sess]) {
      const visitors = strings(vis!, 'visitor');
      const userIds = strings(users!, 'user_id');
      return {
        statements: [
          {
            sql: `DELETE FROM events WHERE site = ?1 AND (visitor IN (SELECT value FROM json_each(?2)) OR user_id IN (SELECT value FROM json_each(?3)))`,
            params: [site, json(visitors), json(userIds)],
          },
          ...rederive(site, strings(sess!, 'session'), visitors),
        ],
        result: (changes) => ({ deleted: changes[0] ?? 0, visitors }),
      };
    },
  };
}
