// Store adapter for Node's built-in SQLite (node:sqlite): one file, WAL mode, migrations
// applied at open. Node-only; Workers use the D1 adapter behind the same Store interface.
import { availableParallelism } from 'node:os';
import { constants, DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { resolve as resolvePath } from 'node:path';
import { EVENT_COLUMNS } from '../sql/columns';
import { sqliteError } from './errors';
import { migrate, readMigrations, type Migration } from './migrate';
import type { InsertResult, JourneyContext, JourneyKeys, SqlStore, StoredEvent, TimeRange } from '../types';
import { SQLITE_WRITE } from '../sql/dialect';
import { sqlReads } from '../sql/reads';
import { buildContext, contextQueries, type Statement } from '../sql/journey';
import { incrementalStatements } from '../sql/incremental';
import { assertReadOnly } from '../sql/rollups';
import { openReaderPool } from './readers';
import { randomSalt, SALT_READ, SALT_STATEMENTS } from '../sql/salts';
import { watchShm, type ShmGuard } from './shm-guard';
import { deleteGoalStatement, saveGoalStatement } from '../sql/goals';
import {
  deleteInSteps,
  eraseVisitorPlan,
  RETENTION_STEP,
  pruneTombstonesPlan,
  SITES_SQL,
  tombstoneKeys,
  TOMBSTONES_SQL,
  withoutErased,
  type DeleteResult,
  type Plan,
  type Rows,
} from '../sql/lifecycle';
import { restagePlan, type RestageOptions } from '../sql/restage';

// What a read-only query may do (sqlite3_set_authorizer action codes); anything else is denied.
const READ_ACTIONS = new Set([constants.SQLITE_SELECT, constants.SQLITE_READ, constants.SQLITE_FUNCTION, constants.SQLITE_RECURSIVE]);

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** Migrations to apply at open; defaults to collector/store/sqlite/migrations/*.sql. */
  migrations?: readonly Migration[];
  /** Rows per export page (default 1000). */
  pageSize?: number;
  /** How long a writer waits for another process's lock before failing, ms (default 5000). */
  busyTimeoutMs?: number;
  /**
   * Read connections in worker threads that run concurrent all() calls in parallel (default 2,
   * or 0 on a single core; 0 runs them on the main connection). File databases only.
   */
  readers?: number;
  /**
   * Page cache of each reader connection, MB (default 128): what the reports read again on every
   * run stays in memory. Filled only as pages are read, so a small database uses little.
   */
  readerCacheMb?: number;
  /**
   * `normal` (default): `synchronous = NORMAL`, a commit is safe from a crash of the process but
   * the last commits may be lost if the OS crashes or power fails. `full`: `synchronous = FULL`,
   * every commit is on disk before it is acknowledged, at the cost of an fsync per commit
   * (CJM_DURABILITY, docs/limits.md#durability).
   */
  durability?: 'normal' | 'full';
  /** Events deleted per retention transaction (default {@link RETENTION_STEP}). */
  retentionStep?: number;
}

const COLS = EVENT_COLUMNS.join(', ');

/**
 * Opens (creating if needed) an SQLite database file as a {@link Store}, applying pending
 * migrations. The directory must exist. `':memory:'` gives a throwaway database.
 * @example const store = openSqliteStore('./data/cjm.db');
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqlStore {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const where = path === ':memory:' ? path : resolvePath(path); // named in every storage error
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (err) {
    throw sqliteError(where, err, 'opening');
  }
  try {
    // WAL lets exports read while /collect writes; NORMAL sync is safe with WAL (a power cut
    // can lose the last commits, never corrupt the file) and much faster than FULL, which
    // `durability: 'full'` chooses (an fsync of the WAL at every commit).
    const sync = options.durability === 'full' ? 'FULL' : 'NORMAL';
    // mmap_size 0: the database file is read with read(2), never mapped, so an I/O error or a
    // file made unwritable is an SQLite error, not a SIGBUS (the -shm is guarded: shm-guard.ts).
    db.exec(`PRAGMA mmap_size = 0; PRAGMA journal_mode = WAL; PRAGMA synchronous = ${sync}; PRAGMA busy_timeout = ${busyTimeoutMs};`);
    migrate(db, options.migrations ?? readMigrations());
  } catch (err) {
    db.close();
    throw sqliteError(where, err, 'opening');
  }
  // A file database in WAL mode maps its -shm: check it before every access (SIGBUS otherwise).
  const guard: ShmGuard | null = path === ':memory:' || path === '' ? null : watchShm(where);
  const safe = () => guard?.check();
  const pageSize = options.pageSize ?? 1000;
  const retentionStep = options.retentionStep ?? RETENTION_STEP;

  // The refresh and report statements repeat with new parameters: prepare each text once.
  const prepared = new Map<string, StatementSync>();
  const prepare = (sql: string) => {
    let stmt = prepared.get(sql);
    if (!stmt) prepared.set(sql, (stmt = db.prepare(sql)));
    return stmt;
  };
  // Read-only statements are prepared under an authorizer that denies every write, so all()
  // cannot change the database whatever SQL it is given.
  const readOnly = new Map<string, StatementSync>();
  const prepareReadOnly = (sql: string) => {
    let stmt = readOnly.get(sql);
    if (stmt) return stmt;
    assertReadOnly(sql);
    db.setAuthorizer((action) => (READ_ACTIONS.has(action) ? constants.SQLITE_OK : constants.SQLITE_DENY));
    try {
      stmt = db.prepare(sql);
    } finally {
      db.setAuthorizer(null);
    }
    readOnly.set(sql, stmt);
    return stmt;
  };
  const readMain = (sql: string, params: readonly SQLInputValue[]) => (
    safe(),
    prepareReadOnly(sql).all(...params) as Record<string, unknown>[]
  );
  // A ':memory:' (or '') database is private to its connection: it keeps the main one.
  const readerCount = path === ':memory:' || path === '' ? 0 : (options.readers ?? (availableParallelism() > 1 ? 2 : 0));
  const readers =
    readerCount > 0
      ? openReaderPool({
          path,
          size: readerCount,
          busyTimeoutMs,
          readActions: [...READ_ACTIONS],
          cacheMb: options.readerCacheMb ?? 128,
          fallback: readMain,
        })
      : null;

  // No conflict target: skips rows that clash on the primary key or on the partial txn index,
  // but still fails on any other constraint (unlike INSERT OR IGNORE).
  const insertRow = db.prepare(`INSERT INTO events (${COLS}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`);
  const firstPage = db.prepare(`SELECT ${COLS} FROM events WHERE site = ? AND time >= ? AND time < ? ORDER BY time, id LIMIT ?`);
  const nextPage = db.prepare(`SELECT ${COLS} FROM events WHERE site = ? AND (time, id) > (?, ?) AND time < ? ORDER BY time, id LIMIT ?`);

  /** Runs `work` in one write transaction (synchronous from BEGIN to COMMIT, so nothing interleaves). */
  const transaction = <T>(work: () => T): T => {
    safe();
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (err) {
      if (db.isOpen && db.isTransaction) db.exec('ROLLBACK');
      throw err;
    }
  };

  /** Runs a lifecycle plan, reads and writes, in one write transaction. */
  const runPlan = <R>(plan: Plan<R>): R =>
    transaction(() => {
      const reads = plan.reads.map(({ sql, params }) => prepare(sql).all(...params) as Record<string, unknown>[]);
      const { statements, result } = plan.writes(reads);
      const changes: number[] = [];
      for (const { sql, params } of statements) changes.push(Number(prepare(sql).run(...params).changes));
      return result(changes);
    });

  const tombstones = db.prepare(TOMBSTONES_SQL);
  /**
   * Stores one batch inside the open transaction: its rows, then the derived tables. Rows of an
   * erased visitor or user id received before the erasure are left out first (an erasure is a
   * transaction of its own, so it is wholly before or after this read).
   */
  const insertBatch = (all: readonly StoredEvent[]): InsertResult => {
    const found = new Map<string, Rows>();
    for (const [site, ids] of tombstoneKeys(all)) found.set(site, tombstones.all(site, JSON.stringify(ids)) as Rows);
    const rows = withoutErased(all, found);
    const stored: StoredEvent[] = [];
    for (const row of rows) {
      const values: SQLInputValue[] = EVENT_COLUMNS.map((c) => row[c] ?? null);
      if (Number(insertRow.run(...values).changes) === 1) stored.push(row);
    }
    // Fold the rows just stored (not the duplicates skipped) into the derived tables.
    for (const { sql, params } of incrementalStatements(rows, stored)) prepare(sql).run(...params);
    return { inserted: stored.length, duplicates: all.length - stored.length };
  };

  /** What is stored about these keys (journeyContext), read on the main connection. */
  const readContext = (site: string, keys: JourneyKeys): JourneyContext =>
    buildContext(
      contextQueries(site, keys).map(({ kind, stmt }) => ({
        kind,
        // Not cached: the text varies with the number of keys (an IN list).
        rows: db.prepare(stmt.sql).all(...stmt.params) as Record<string, unknown>[],
      })),
    );

  /** A batch waiting for the next flush: its rows, or how to make them from the stored context (insertAssigned). */
  type Pending = {
    rows: readonly StoredEvent[] | { site: string; keys: JourneyKeys; assign: (ctx: JourneyContext) => StoredEvent[] };
    resolve: (r: InsertResult) => void;
    reject: (err: unknown) => void;
  };
  /** A pending batch's rows; made in the transaction, after the batches before it, for insertAssigned. */
  const rowsOf = (p: Pending): readonly StoredEvent[] =>
    'assign' in p.rows ? p.rows.assign(readContext(p.rows.site, p.rows.keys)) : p.rows;
  let pending: Pending[] = [];
  /**
   * Stores every pending batch in one transaction. If anything fails, that transaction is
   * rolled back and each batch is stored again in a transaction of its own, so only the batch
   * that fails is refused. (Not a savepoint per batch: SQLite copies every page a savepoint
   * changes to a sub-journal, which cost more than the shared commit saves.)
   */
  const flush = () => {
    const group = pending;
    pending = [];
    if (!group.length) return;
    let results: InsertResult[];
    try {
      results = transaction(() => group.map((p) => insertBatch(rowsOf(p))));
    } catch (err) {
      if (group.length === 1) return group[0]!.reject(err);
      for (const p of group) {
        try {
          p.resolve(transaction(() => insertBatch(rowsOf(p))));
        } catch (error) {
          p.reject(error);
        }
      }
      return;
    }
    group.forEach((p, i) => p.resolve(results[i]!));
  };

  const enqueue = (rows: Pending['rows']) =>
    new Promise<InsertResult>((resolve, reject) => {
      pending.push({ rows, resolve, reject: (err) => reject(sqliteError(where, err, 'storing a batch')) });
      if (pending.length === 1) setImmediate(flush);
    });

  // With readers, a query runs on another connection: it sees every insert already resolved
  // (committed; WAL readers see committed data), but the statements of one report may see
  // different snapshots if an insert commits between them.
  async function all(sql: string, params: readonly SQLInputValue[] = []): Promise<Record<string, unknown>[]> {
    if (!readers) return readMain(sql, params);
    assertReadOnly(sql);
    safe(); // the readers map the same -shm
    return readers.all(sql, params);
  }

  return {
    // Group commit: the batches of requests that arrive together (one turn of the event loop)
    // share one transaction, so one COMMIT (WAL write) serves them all; a failing batch is
    // refused alone (see flush). Every promise settles only after its COMMIT: nothing is
    // acknowledged before it is stored.
    insert(rows: readonly StoredEvent[]): Promise<InsertResult> {
      return enqueue(rows);
    },

    async journeyContext(site: string, keys: JourneyKeys): Promise<JourneyContext> {
      safe();
      return readContext(site, keys);
    },

    // In the flush's transaction (BEGIN IMMEDIATE: the file's write lock), after the batches
    // queued before it: the context it reads holds every batch stored before, by any connection.
    insertAssigned(site: string, keys: JourneyKeys, assign: (ctx: JourneyContext) => StoredEvent[]): Promise<InsertResult> {
      return enqueue({ site, keys, assign });
    },

    // Keyset pagination on (time, id): each page is a short query of its own, so a slow export
    // client never holds a read transaction open (which would stall WAL checkpoints).
    async *exportEvents(site: string, range: TimeRange = {}): AsyncGenerator<StoredEvent> {
      const from = range.from ?? Number.MIN_SAFE_INTEGER;
      const to = range.to ?? Number.MAX_SAFE_INTEGER;
      safe();
      let page = firstPage.all(site, from, to, pageSize);
      for (;;) {
        // Rows come from our own table, whose columns match StoredEvent by construction.
        for (const row of page) yield row as unknown as StoredEvent;
        if (page.length < pageSize) return;
        const last = page[page.length - 1]!;
        safe();
        page = nextPage.all(site, last.time!, last.id!, to, pageSize);
      }
    },

    all,
    reads: sqlReads(SQLITE_WRITE, all),

    async deleteBefore(before: number, site?: string, now = Date.now()) {
      safe();
      const sites = site !== undefined ? [site] : (prepare(SITES_SQL.sql).all() as { site: string }[]).map((r) => r.site);
      let deleted = 0;
      // One transaction per step; between steps the event loop turns, so inserts get their turn.
      const read = async ({ sql, params }: Statement) => (safe(), prepare(sql).all(...params) as Rows);
      const apply = async (plan: Plan<DeleteResult>) => {
        await new Promise((resolve) => setImmediate(resolve));
        return runPlan(plan);
      };
      for (const s of sites) deleted += await deleteInSteps(s, before, retentionStep, read, apply);
      runPlan(pruneTombstonesPlan(now));
      return { deleted };
    },

    async eraseVisitor(site: string, id: string, at = Date.now()) {
      return runPlan(eraseVisitorPlan(site, id, at));
    },

    async restage(site: string, options?: RestageOptions) {
      return runPlan(restagePlan(site, options));
    },

    async dailySalt(day: number): Promise<string> {
      return transaction(() => {
        for (const { sql, params } of SALT_STATEMENTS(day, randomSalt())) prepare(sql).run(...params);
        return String((prepare(SALT_READ.sql).get(day) as { salt: string }).salt);
      });
    },

    async saveGoal(site: string, goal: string, label: string | null, at: number): Promise<void> {
      const { sql, params } = saveGoalStatement(site, goal, label, at);
      transaction(() => prepare(sql).run(...(params as SQLInputValue[])));
    },

    async deleteGoal(site: string, goal: string): Promise<boolean> {
      const { sql, params } = deleteGoalStatement(site, goal);
      return transaction(() => Number(prepare(sql).run(...(params as SQLInputValue[])).changes) > 0);
    },

    // Takes the write lock and lets it go at once (nothing is written): fails when another
    // writer holds it past a short wait, or the file cannot be written.
    async probe(): Promise<void> {
      if (pending.length) return; // a group commit is due this turn: it will tell
      safe();
      db.exec('PRAGMA busy_timeout = 200');
      try {
        db.exec('BEGIN IMMEDIATE');
        db.exec('ROLLBACK');
      } finally {
        db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
      }
    },

    async close(): Promise<void> {
      guard?.stop();
      if (guard?.problem()) {
        // Closing checkpoints through the -shm mapping: SIGBUS. Leave the files as a crash
        // would (safe: SQLite recovers from the WAL at the next open).
        console.error(`cjm: not closing ${where}: ${guard.problem()}`);
        return;
      }
      await readers?.close(); // first, so the main connection closes last (and removes the WAL file)
      if (db.isOpen) flush(); // batches still waiting for their turn are stored first
      if (db.isOpen) db.close();
    },
  };
}
