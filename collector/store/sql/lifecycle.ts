// SQL of the data lifecycle, shared by the SQLite and D1 adapters: retention (delete events
// before a time) and erasure (one visitor's events, GDPR), each followed by bringing every row
// derived from those events (sessions, visitors, visitor stages, report rollups) back in line with `events`.
// Each operation is a plan: reads first, then writes that depend on what was read, which an
// adapter runs in one transaction (SQLite) or reads then one batch (D1).
import { SQLITE_WRITE, type WriteDialect } from './dialect';
import { journeySql } from './journey';
import type { Statement } from './statement';
import { rollupSql } from './rollups';
import type { DeleteResult, EraseResult } from '../results';
import type { StoredEvent } from '../types';

export type { DeleteResult, EraseResult } from '../results';

/** Rows of a read, as the adapters return them. */
export type Rows = Record<string, unknown>[];

/** An operation as reads, then the writes they imply and how to read the writes' change counts. */
export interface Plan<R> {
  reads: Statement[];
  /** The writes, produced lazily (an adapter runs them in order and may stream them). */
  writes(results: Rows[]): { statements: Iterable<Statement>; result(changes: number[]): R };
}

/** Rollup rows are per hour of event time (as in sql/rollups.ts). */
const HOUR_MS = 3_600_000;

/**
 * How long an erasure tombstone (migration 0006) is kept: longer than an event can wait between
 * being received and being stored (a Queues message is kept at most 14 days, retries included).
 */
export const TOMBSTONE_MS = 15 * 24 * HOUR_MS;

/** Deletes the tombstones of erasures more than {@link TOMBSTONE_MS} before `now` (every site). */
export const pruneTombstones = (now: number): Statement => ({
  sql: 'DELETE FROM erasures WHERE erased < ?1',
  params: [now - TOMBSTONE_MS],
});

/** Tombstone expiry as a plan of its own: retention runs it (every site's tombstones at once). */
export const pruneTombstonesPlan = (now: number): Plan<number> => ({
  reads: [],
  writes: () => ({ statements: [pruneTombstones(now)], result: (changes) => changes[0] ?? 0 }),
});

/** Records tombstones of `kind` for the ids (?2, JSON) of site ?1 at time ?3; a later erasure moves the time on. */
const tombstoneSql = (
  d: WriteDialect,
) => `INSERT INTO erasures (site, kind, id, erased) SELECT ?1, ?4, value, ?3 FROM ${d.jsonEach('?2')} WHERE true
  ON CONFLICT (site, kind, id) DO UPDATE SET erased = ${d.max(`${d.old('erasures')}erased`, 'excluded.erased')}`;

/** The tombstones of site ?1 among the ids (?2, JSON): what an insert must check its rows against. */
export const tombstonesSql = (d: WriteDialect) =>
  `SELECT kind, id, erased FROM erasures WHERE site = ?1 AND id IN (SELECT value FROM ${d.jsonEach('?2')})`;
export const TOMBSTONES_SQL = tombstonesSql(SQLITE_WRITE);

/** Per site: the distinct visitor and user ids of the rows, for {@link TOMBSTONES_SQL}. */
export function tombstoneKeys(rows: readonly StoredEvent[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    let s = out.get(r.site);
    if (!s) out.set(r.site, (s = new Set()));
    if (r.visitor) s.add(r.visitor);
    if (r.user_id) s.add(r.user_id);
  }
  return new Map([...out].map(([site, ids]) => [site, [...ids]]));
}

/**
 * The rows an insert may store, given the tombstones read for their sites (`site → rows of
 * TOMBSTONES_SQL`): a row whose visitor or user id was erased at or after the row was received is
 * dropped (it was in flight during the erasure); a row received after it is kept (the id is
 * tracked again, e.g. the same browser came back).
 */
export function withoutErased(rows: readonly StoredEvent[], tombstones: ReadonlyMap<string, Rows>): readonly StoredEvent[] {
  let any = false;
  const erased = new Map<string, number>();
  for (const [site, list] of tombstones)
    for (const t of list) {
      any = true;
      erased.set(`${site}\0${String(t.kind)}\0${String(t.id)}`, Number(t.erased));
    }
  if (!any) return rows;
  const after = (key: string, received: number) => (erased.get(key) ?? -Infinity) >= received;
  return rows.filter(
    (r) =>
      !(
        (r.visitor && after(`${r.site}\0visitor\0${r.visitor}`, r.received)) ||
        (r.user_id && after(`${r.site}\0user\0${r.user_id}`, r.received))
      ),
  );
}

/** Tables derived from `events` with an `hour` column (report rollups, migrations 0003 and 0007). */
const ROLLUPS = ['report_stages', 'report_touchpoints', 'report_paths', 'report_touch_hours'] as const;

const json = (list: readonly string[]) => JSON.stringify(list);
const strings = (rows: Rows, col: string) => rows.map((r) => r[col]).filter((v): v is string => typeof v === 'string');

/** Keys rebuilt per step of {@link rederive}: bounds each step's statements and JSON lists. */
export const REDERIVE_STEP = 500;

/**
 * After events were deleted: drop the given sessions and visitors, then rebuild them (and their
 * report rollups) from what is left in `events`, with the statements insert's reference rebuild
 * uses (sql/journey.ts; the rollups a whole list at a time, sql/rollups.ts). A session or visitor
 * with no events left stays dropped. Lazily, {@link REDERIVE_STEP} keys at a time, so any number
 * of keys costs bounded memory (no list of every statement, no spread of a huge array).
 */
export function* rederive(
  site: string,
  sessions: readonly string[],
  visitors: readonly string[],
  d: WriteDialect = SQLITE_WRITE,
): Generator<Statement> {
  const { REFRESH_SESSION, REFRESH_VISITOR, REFRESH_VISITOR_STAGES, REFRESH_VISITOR_SESSIONS } = journeySql(d);
  const { rollupListStatements } = rollupSql(d);
  const inList = `IN (SELECT value FROM ${d.jsonEach('?2')})`;
  for (let i = 0; i < Math.max(sessions.length, visitors.length); i += REDERIVE_STEP) {
    const ss = sessions.slice(i, i + REDERIVE_STEP);
    const vs = visitors.slice(i, i + REDERIVE_STEP);
    if (ss.length) yield { sql: `DELETE FROM sessions WHERE site = ?1 AND session ${inList}`, params: [site, json(ss)] };
    if (vs.length) {
      yield { sql: `DELETE FROM visitors WHERE site = ?1 AND visitor ${inList}`, params: [site, json(vs)] };
      yield { sql: `DELETE FROM visitor_stages WHERE site = ?1 AND visitor ${inList}`, params: [site, json(vs)] };
      yield { sql: `DELETE FROM visitor_sessions WHERE site = ?1 AND visitor ${inList}`, params: [site, json(vs)] };
    }
    for (const s of ss) yield { sql: REFRESH_SESSION, params: [site, s] };
    for (const v of vs) {
      yield { sql: REFRESH_VISITOR, params: [site, v] };
      yield { sql: REFRESH_VISITOR_STAGES, params: [site, v] };
      yield { sql: REFRESH_VISITOR_SESSIONS, params: [site, v] };
    }
    yield* rollupListStatements(site, ss, vs);
  }
}

/**
 * The sites that have events (retention without a site applies to each): a loose index scan,
 * one index seek per site instead of reading every event.
 */
export const SITES_SQL: Statement = {
  sql: `WITH RECURSIVE s(site) AS (
    SELECT MIN(site) FROM events
    UNION ALL SELECT (SELECT MIN(site) FROM events WHERE site > s.site) FROM s WHERE s.site IS NOT NULL)
  SELECT site FROM s WHERE site IS NOT NULL`,
  params: [],
};

/**
 * Retention for one site: delete its events with `time < before`, the sessions, visitors and
 * rollup hours that lay wholly before it, and rebuild those that straddle it.
 */
export function deleteBeforePlan(site: string, before: number, d: WriteDialect = SQLITE_WRITE): Plan<DeleteResult> {
  const ix = d.indexedBy;
  const hour = Math.floor(before / HOUR_MS);
  return {
    reads: [
      // Index range scans only: sessions by start, visitors through the events being deleted.
      { sql: 'SELECT session FROM sessions WHERE site = ?1 AND started < ?2 AND ended >= ?2', params: [site, before] },
      {
        sql: `SELECT DISTINCT e.visitor FROM events e${ix('events_site_time')} ${d.crossJoin} visitors v ON v.site = e.site AND v.visitor = e.visitor
          WHERE e.site = ?1 AND e.time < ?2 AND v.last_seen >= ?2`,
        params: [site, before],
      },
      // The hour `before` falls in may hold rollups of events on both sides of it: those of the
      // sessions (or session-less visitors) with events in it before `before` (none when
      // `before` is a whole hour).
      {
        sql: `SELECT DISTINCT session, visitor FROM events${ix('events_site_time')} WHERE site = ?1 AND time >= ?3 AND time < ?2`,
        params: [site, before, hour * HOUR_MS],
      },
    ],
    writes([straddling, returning, inHour]) {
      const sessions = new Set(strings(straddling!, 'session'));
      const visitors = new Set(strings(returning!, 'visitor'));
      for (const r of inHour!) {
        if (r.session) sessions.add(String(r.session));
        else if (r.visitor) visitors.add(String(r.visitor));
      }
      function* statements(): Generator<Statement> {
        yield* [
          // Visitors first, found through the events about to go (an index range, not every visitor);
          // their stages before them, while the visitors rows still say whose events all go.
          {
            sql: `DELETE FROM visitor_stages WHERE site = ?1 AND visitor IN (SELECT visitor FROM visitors WHERE site = ?1 AND last_seen < ?2
              AND visitor IN (SELECT visitor FROM events${ix('events_site_time')} WHERE site = ?1 AND time < ?2))`,
            params: [site, before],
          },
          {
            sql: `DELETE FROM visitor_sessions WHERE site = ?1 AND visitor IN (SELECT visitor FROM visitors WHERE site = ?1 AND last_seen < ?2
              AND visitor IN (SELECT visitor FROM events${ix('events_site_time')} WHERE site = ?1 AND time < ?2))`,
            params: [site, before],
          },
          {
            sql: `DELETE FROM visitors WHERE site = ?1 AND last_seen < ?2
              AND visitor IN (SELECT visitor FROM events${ix('events_site_time')} WHERE site = ?1 AND time < ?2)`,
            params: [site, before],
          },
          { sql: 'DELETE FROM events WHERE site = ?1 AND time < ?2', params: [site, before] },
          // ended ≥ started, so `started < ?2` only lets the (site, started) index narrow the scan.
          { sql: 'DELETE FROM sessions WHERE site = ?1 AND started < ?2 AND ended < ?2', params: [site, before] },
          ...ROLLUPS.map((t) => ({ sql: `DELETE FROM ${t} WHERE site = ?1 AND hour < ?2`, params: [site, hour] })),
          // Sessions whose rollup rows all went; those straddling the hour are rederived below.
          { sql: `DELETE FROM report_sessions${ix('report_sessions_last')} WHERE site = ?1 AND last_hour < ?2`, params: [site, hour] },
        ];
        yield* rederive(site, [...sessions], [...visitors], d);
      }
      return { statements: statements(), result: (changes) => ({ deleted: changes[3] ?? 0 }) };
    },
  };
}

/**
 * Retention runs in steps of at most this many events by default (one transaction each on
 * SQLite, one batch on D1), oldest first, so a run's memory and each transaction's time are
 * bounded whatever the backlog, and a run cut short has deleted a prefix: the next run resumes.
 */
export const RETENTION_STEP = 5000;

/** The oldest event of site ?1, and the time of its event number ?3 (from 0) before ?2. */
export const retentionStepSql = (site: string, before: number, step: number, d: WriteDialect = SQLITE_WRITE): Statement => ({
  sql: `SELECT (SELECT MIN(time) FROM events${d.indexedBy('events_site_time')} WHERE site = ?1) AS oldest,
    (SELECT time FROM events${d.indexedBy('events_site_time')} WHERE site = ?1 AND time < ?2 ORDER BY time LIMIT 1 OFFSET ?3) AS nth`,
  params: [site, before, step],
});

/**
 * The cutoff of the next retention step from the row of {@link retentionStepSql}, or null when
 * nothing before `before` is left. A whole hour where possible (no rollup hour is split), else the
 * step's last event time; always past the oldest event, so every step deletes something.
 */
export function nextRetentionCut(row: Record<string, unknown> | undefined, before: number): number | null {
  if (row?.oldest == null || Number(row.oldest) >= before) return null;
  if (row.nth == null) return before;
  const oldest = Number(row.oldest);
  const nth = Number(row.nth);
  const hour = Math.floor(nth / HOUR_MS) * HOUR_MS;
  if (hour > oldest) return hour;
  return nth > oldest ? nth : nth + 1;
}

/**
 * Retention for one site in steps (see {@link RETENTION_STEP}): `read` runs a query, `apply` one
 * step's {@link deleteBeforePlan} in a transaction and says how many events it deleted.
 */
export async function deleteInSteps(
  site: string,
  before: number,
  step: number,
  read: (s: Statement) => Promise<Rows>,
  apply: (plan: Plan<DeleteResult>) => Promise<DeleteResult>,
  d: WriteDialect = SQLITE_WRITE,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const cut = nextRetentionCut((await read(retentionStepSql(site, before, step, d)))[0], before);
    if (cut === null) return deleted;
    deleted += (await apply(deleteBeforePlan(site, cut, d))).deleted;
  }
}

// The user ids of `id` (a visitor id, or a user id itself), and every visitor that carries one.
// One condition per SELECT (no OR) and CROSS JOINs (SQLite keeps their order), so each step is an
// index lookup from the few ids found so far, never a scan of the site.
const usersCte = (d: WriteDialect) => `u AS (
  SELECT user_id FROM events${d.indexedBy('events_site_visitor')} WHERE site = ?1 AND visitor = ?2 AND user_id IS NOT NULL
  UNION SELECT user_id FROM events WHERE site = ?1 AND user_id = ?2
  UNION SELECT user_id FROM visitors WHERE site = ?1 AND visitor = ?2 AND user_id IS NOT NULL)`;
const visitorsCte = (d: WriteDialect) => `${usersCte(d)}, vis AS (
  SELECT ${d.typed('?2', 'TEXT')} AS visitor
  UNION SELECT e.visitor FROM u ${d.crossJoin} events e ON e.site = ?1 AND e.user_id = u.user_id
  UNION SELECT w.visitor FROM u ${d.crossJoin} visitors w ON w.site = ?1 AND w.user_id = u.user_id)`;

/**
 * Erasure (GDPR): every event of visitor `id` and of the visitors linked to it by identify (the
 * same user id); `id` may also be a user id. Their sessions and visitor rows go too, and the
 * report rollups of those sessions are rebuilt without them. In the same transaction, a
 * tombstone at time `at` for `id` and every visitor and user id erased (so rows of theirs
 * received before `at` and stored later are skipped, see {@link withoutErased}), and the
 * tombstones older than {@link TOMBSTONE_MS} are deleted.
 */
export function eraseVisitorPlan(site: string, id: string, at: number, d: WriteDialect = SQLITE_WRITE): Plan<EraseResult> {
  const USERS_CTE = usersCte(d);
  const VISITORS_CTE = visitorsCte(d);
  return {
    reads: [
      { sql: `WITH ${USERS_CTE} SELECT user_id FROM u`, params: [site, id] },
      // Only visitors that have something stored (`id` itself may be a user id, or unknown).
      {
        sql: `WITH ${VISITORS_CTE} SELECT visitor FROM vis WHERE visitor IS NOT NULL AND (EXISTS (SELECT 1 FROM events e WHERE e.site = ?1 AND e.visitor = vis.visitor)
          OR EXISTS (SELECT 1 FROM visitors w WHERE w.site = ?1 AND w.visitor = vis.visitor)) ORDER BY visitor`,
        params: [site, id],
      },
      {
        sql: `WITH ${VISITORS_CTE} SELECT DISTINCT e.session FROM vis ${d.crossJoin} events e ON e.site = ?1 AND e.visitor = vis.visitor WHERE e.session IS NOT NULL`,
        params: [site, id],
      },
    ],
    writes([users, vis, sess]) {
      const visitors = strings(vis!, 'visitor');
      const userIds = strings(users!, 'user_id');
      // `id` itself too, as a visitor and as a user id (the reads already take it as either when
      // it has events): it may have nothing stored yet, all its events in flight, or on D1 get its
      // first events stored between these reads and the writes.
      const visitorIds = [...new Set([id, ...visitors])];
      const userKeys = [...new Set([id, ...userIds])];
      function* statements(): Generator<Statement> {
        // Two statements, so each uses its index (an OR would scan the site's events).
        yield {
          sql: `DELETE FROM events WHERE site = ?1 AND visitor IN (SELECT value FROM ${d.jsonEach('?2')})`,
          params: [site, json(visitorIds)],
        };
        yield {
          sql: `DELETE FROM events WHERE site = ?1 AND user_id IS NOT NULL AND user_id IN (SELECT value FROM ${d.jsonEach('?2')})`,
          params: [site, json(userKeys)],
        };
        yield* rederive(site, strings(sess!, 'session'), visitorIds, d);
        yield { sql: tombstoneSql(d), params: [site, json(visitorIds), at, 'visitor'] };
        yield { sql: tombstoneSql(d), params: [site, json(userKeys), at, 'user'] };
        yield pruneTombstones(at);
      }
      return {
        statements: statements(),
        result: (changes) => ({ deleted: (changes[0] ?? 0) + (changes[1] ?? 0), visitors }),
      };
    },
  };
}
