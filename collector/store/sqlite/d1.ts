// Store adapter for Cloudflare D1, behind the same Store interface as SQLite and on the same
// migrations (applied by `wrangler d1 migrations apply`). No node:* import: it runs in workerd.
import type { D1Database, D1PreparedStatement } from '@cloudflare/workers-types';
import { EVENT_COLUMNS } from '../sql/columns';
import { buildContext, contextQueries, refreshStatements, type Statement } from '../sql/journey';
import { incrementalStatements } from '../sql/incremental';
import { assertReadOnly } from '../sql/rollups';
import { SQLITE_WRITE } from '../sql/dialect';
import { sqlReads } from '../sql/reads';
import { randomSalt, SALT_READ, SALT_STATEMENTS } from '../sql/salts';
import { deleteGoalStatement, saveGoalStatement } from '../sql/goals';
import {
  deleteInSteps,
  eraseVisitorPlan,
  pruneTombstonesPlan,
  SITES_SQL,
  tombstoneKeys,
  TOMBSTONES_SQL,
  withoutErased,
  type Plan,
  type Rows,
} from '../sql/lifecycle';
import { restagePlan, type RestageOptions } from '../sql/restage';
import type { InsertResult, JourneyContext, JourneyKeys, SqlStore, SqlValue, StoredEvent, TimeRange } from '../types';

/** Options of {@link openD1Store}. */
export interface D1StoreOptions {
  /** Rows per export page (default 1000). */
  pageSize?: number;
  /** Rows per INSERT statement (default 500); one insert() runs all its statements as one batch. */
  rowsPerStatement?: number;
  /** Events deleted per retention batch (default {@link D1_RETENTION_STEP}). */
  retentionStep?: number;
}

/**
 * D1's retention step: smaller than SQLite's, since a step's statements (a few per session and
 * visitor it rebuilds) travel as one batch, and a Worker invocation's queries are counted.
 */
export const D1_RETENTION_STEP = 200;

const COLS = EVENT_COLUMNS.join(', ');

// D1 allows at most 100 bound parameters per statement, i.e. 3 rows of 31 columns. So the
// rows travel as one JSON parameter (arrays of values in column order) that SQLite unpacks
// with json_each: one statement, one round trip, for up to `rowsPerStatement` rows.
// json_each walks the array in order, so of two rows with one (site, id) the first is kept.
// No conflict target, as in sqlite.ts: rows clashing on the primary key or on the partial txn
// index are skipped; any other constraint (NOT NULL…) fails the whole statement.
// The WHERE clause skips rows of an erased visitor or user id received at or before its erasure
// (migration 0006): insert() leaves them out already, from a read before its write batch; this
// catches an erasure committed between the two.
const col = (c: (typeof EVENT_COLUMNS)[number]) => `json_extract(value, '$[${EVENT_COLUMNS.indexOf(c)}]')`;
const erasedAs = (kind: 'visitor' | 'user', c: 'visitor' | 'user_id') =>
  `NOT EXISTS (SELECT 1 FROM erasures t WHERE t.site = ${col('site')} AND t.kind = '${kind}' AND t.id = ${col(c)} AND t.erased >= ${col('received')})`;
const INSERT_SQL = `INSERT INTO events (${COLS}) SELECT ${EVENT_COLUMNS.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ')} FROM json_each(?)
  WHERE ${erasedAs('visitor', 'visitor')} AND ${erasedAs('user', 'user_id')} ON CONFLICT DO NOTHING`;
// The same without a conflict clause: for rows known to be new, so a row that another request
// stored in the meantime fails the whole batch instead of being skipped (see insert()).
const INSERT_NEW_SQL = INSERT_SQL.replace(' ON CONFLICT DO NOTHING', '');
// Which of a batch's ids (?2) and transaction ids (?3) one site (?1) already has.
const STORED_SQL = `SELECT 'id' AS k, id AS v FROM events WHERE site = ?1 AND id IN (SELECT value FROM json_each(?2))
  UNION ALL SELECT 'txn', txn FROM events WHERE site = ?1 AND txn IN (SELECT value FROM json_each(?3))`;

const FIRST_PAGE_SQL = `SELECT ${COLS} FROM events WHERE site = ? AND time >= ? AND time < ? ORDER BY time, id LIMIT ?`;
const NEXT_PAGE_SQL = `SELECT ${COLS} FROM events WHERE site = ? AND (time, id) > (?, ?) AND time < ? ORDER BY time, id LIMIT ?`;

/** One row as the array of its column values, in EVENT_COLUMNS order (missing → null). */
function toValues(row: StoredEvent): unknown[] {
  return EVENT_COLUMNS.map((c) => row[c] ?? null);
}

/**
 * Wraps a D1 binding as a {@link Store}. The schema must already be migrated
 * (`wrangler d1 migrations apply DB`; in tests `applyD1Migrations`).
 * @example const store = openD1Store(env.DB);
 */
export function openD1Store(db: D1Database, options: D1StoreOptions = {}): SqlStore {
  const pageSize = options.pageSize ?? 1000;
  const perStatement = options.rowsPerStatement ?? 500;
  const retentionStep = options.retentionStep ?? D1_RETENTION_STEP;

  /**
   * Runs a lifecycle plan: its reads as one batch, then its writes as one batch (a transaction).
   * An event stored between the two is caught by the deletes' own conditions (an erasure's take
   * the id asked for even when it had nothing stored at the read); a derived row it refreshed may
   * keep an old first_seen until the next retention run fixes it. An event an erasure's tombstone
   * covers but stored after it is skipped by the insert (INSERT_SQL).
   */
  const runPlan = async <R>(plan: Plan<R>): Promise<R> => {
    const reads = plan.reads.length
      ? await db.batch<Record<string, unknown>>(plan.reads.map(({ sql, params }) => db.prepare(sql).bind(...params)))
      : [];
    const { statements, result } = plan.writes(reads.map((r) => r.results));
    const bound = Array.from(statements, ({ sql, params }) => db.prepare(sql).bind(...params));
    const done = bound.length ? await db.batch(bound) : [];
    return result(done.map((r) => r.meta.changes ?? 0));
  };

  /** Insert with the conflicts skipped, then rebuild what the rows touch (sql/journey.ts). */
  const rebuildInsert = async (rows: readonly StoredEvent[]): Promise<InsertResult> => {
    const inserts: D1PreparedStatement[] = [];
    for (let i = 0; i < rows.length; i += perStatement) {
      inserts.push(db.prepare(INSERT_SQL).bind(JSON.stringify(rows.slice(i, i + perStatement).map(toValues))));
    }
    const refresh = refreshStatements(rows).map(({ sql, params }) => db.prepare(sql).bind(...params));
    const results = await db.batch([...inserts, ...refresh]);
    const inserted = results.slice(0, inserts.length).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
    return { inserted, duplicates: rows.length - inserted };
  };

  async function all(sql: string, params: readonly SqlValue[] = []): Promise<Record<string, unknown>[]> {
    assertReadOnly(sql); // D1 has no authorizer: the text check is the guard
    return (
      await db
        .prepare(sql)
        .bind(...params)
        .all<Record<string, unknown>>()
    ).results;
  }

  const store: SqlStore = {
    async insert(rows: readonly StoredEvent[]): Promise<InsertResult> {
      if (rows.length === 0) return { inserted: 0, duplicates: 0 };
      // The derived tables take only the rows this call stores (sql/incremental.ts), and a batch
      // cannot look at its own results: so first read which ids and purchases are stored
      // already, and tell the new rows apart exactly as the insert's conflict rule would (a
      // row clashing on (site, id) or (site, txn), with a stored row or an earlier one here, is
      // skipped). Then one batch, one transaction: those rows, inserted without a conflict
      // clause, and the statements folding them in.
      const sites = new Map<string, StoredEvent[]>();
      for (const r of rows) {
        const list = sites.get(r.site);
        if (list) list.push(r);
        else sites.set(r.site, [r]);
      }
      const reads = [...sites].map(([site, list]) =>
        db
          .prepare(STORED_SQL)
          .bind(site, JSON.stringify(list.map((r) => r.id)), JSON.stringify(list.flatMap((r) => (r.txn == null ? [] : [r.txn])))),
      );
      // In the same read batch: the tombstones of the rows' visitor and user ids (erasure).
      const keys = [...tombstoneKeys(rows)];
      const stored = new Set<string>();
      const found = await db.batch<Record<string, unknown>>([
        ...reads,
        ...keys.map(([site, ids]) => db.prepare(TOMBSTONES_SQL).bind(site, JSON.stringify(ids))),
      ]);
      [...sites.keys()].forEach((site, i) => {
        for (const { k, v } of found[i]!.results) stored.add(`${String(k)}\0${site}\0${String(v)}`);
      });
      const kept = withoutErased(rows, new Map(keys.map(([site], i) => [site, found[reads.length + i]!.results as Rows])));
      const fresh: StoredEvent[] = [];
      for (const r of kept) {
        const id = `id\0${r.site}\0${r.id}`;
        const txn = r.txn == null ? null : `txn\0${r.site}\0${r.txn}`;
        if (stored.has(id) || (txn !== null && stored.has(txn))) continue;
        stored.add(id);
        if (txn !== null) stored.add(txn);
        fresh.push(r);
      }
      const inserts: D1PreparedStatement[] = [];
      for (let i = 0; i < fresh.length; i += perStatement) {
        inserts.push(db.prepare(INSERT_NEW_SQL).bind(JSON.stringify(fresh.slice(i, i + perStatement).map(toValues))));
      }
      const fold = incrementalStatements(kept, fresh).map(({ sql, params }) => db.prepare(sql).bind(...params));
      try {
        const done = inserts.length + fold.length > 0 ? await db.batch([...inserts, ...fold]) : [];
        // The inserts' own count: a row an erasure tombstoned since the read is not stored (nor folded: the fold reads rows back from `events`).
        const inserted = done.slice(0, inserts.length).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
        return { inserted, duplicates: rows.length - inserted };
      } catch (err) {
        // Another request stored one of these rows between the read and the batch (which then
        // changed nothing): store as before incremental maintenance, conflicts skipped and the
        // touched sessions and visitors rebuilt from their events, which is right in any case.
        if (!/UNIQUE constraint failed/i.test(String(err))) throw err;
        const { inserted } = await rebuildInsert(kept);
        return { inserted, duplicates: rows.length - inserted };
      }
    },

    // No interactive transaction on D1: the read and the insert are two steps (see Store).
    async insertAssigned(site: string, keys: JourneyKeys, assign: (ctx: JourneyContext) => StoredEvent[]): Promise<InsertResult> {
      return store.insert(assign(await store.journeyContext(site, keys)));
    },

    async journeyContext(site: string, keys: JourneyKeys): Promise<JourneyContext> {
      const queries = contextQueries(site, keys);
      if (queries.length === 0) return buildContext([]);
      const results = await db.batch<Record<string, unknown>>(queries.map(({ stmt }) => db.prepare(stmt.sql).bind(...stmt.params)));
      return buildContext(queries.map(({ kind }, i) => ({ kind, rows: results[i]!.results })));
    },

    // Keyset pagination on (time, id), as in sqlite.ts: every page is its own short query.
    async *exportEvents(site: string, range: TimeRange = {}): AsyncGenerator<StoredEvent> {
      const from = range.from ?? Number.MIN_SAFE_INTEGER;
      const to = range.to ?? Number.MAX_SAFE_INTEGER;
      let page = (await db.prepare(FIRST_PAGE_SQL).bind(site, from, to, pageSize).all<StoredEvent>()).results;
      for (;;) {
        yield* page;
        if (page.length < pageSize) return;
        const last = page[page.length - 1]!;
        page = (await db.prepare(NEXT_PAGE_SQL).bind(site, last.time, last.id, to, pageSize).all<StoredEvent>()).results;
      }
    },

    all,
    reads: sqlReads(SQLITE_WRITE, all),

    async deleteBefore(before: number, site?: string, now = Date.now()) {
      const sites = site !== undefined ? [site] : (await db.prepare(SITES_SQL.sql).all<{ site: string }>()).results.map((r) => r.site);
      let deleted = 0;
      const read = async ({ sql, params }: Statement) =>
        (
          await db
            .prepare(sql)
            .bind(...params)
            .all<Record<string, unknown>>()
        ).results;
      for (const s of sites) deleted += await deleteInSteps(s, before, retentionStep, read, runPlan);
      await runPlan(pruneTombstonesPlan(now));
      return { deleted };
    },

    async eraseVisitor(site: string, id: string, at = Date.now()) {
      return runPlan(eraseVisitorPlan(site, id, at));
    },

    async restage(site: string, options?: RestageOptions) {
      return runPlan(restagePlan(site, options));
    },

    // One batch is one transaction: create-if-missing, rotate, read.
    async dailySalt(day: number): Promise<string> {
      const statements = [...SALT_STATEMENTS(day, randomSalt()), { ...SALT_READ, params: [day] }];
      const results = await db.batch<{ salt: string }>(statements.map(({ sql, params }) => db.prepare(sql).bind(...params)));
      return String(results[results.length - 1]!.results[0]!.salt);
    },

    async saveGoal(site: string, goal: string, label: string | null, at: number): Promise<void> {
      const { sql, params } = saveGoalStatement(site, goal, label, at);
      await db
        .prepare(sql)
        .bind(...params)
        .run();
    },

    async deleteGoal(site: string, goal: string): Promise<boolean> {
      const { sql, params } = deleteGoalStatement(site, goal);
      return (
        ((
          await db
            .prepare(sql)
            .bind(...params)
            .run()
        ).meta.changes ?? 0) > 0
      );
    },

    // The binding belongs to the Worker's env, not to the store.
    async close(): Promise<void> {},
  };
  return store;
}
