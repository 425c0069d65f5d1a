// Store adapter for PostgreSQL (CJM_DATABASE_URL=postgres://…): a `pg` connection pool, the
// migrations of ./migrations applied at open, and the same shared SQL as SQLite (store/sql/),
// spelled in the POSTGRES dialect. Writes to one site are serialised by a transaction-scoped
// advisory lock on the site (SQLite serialises every writer): the incremental fold reads what
// earlier batches stored, so two batches of one site must not fold side by side; different
// sites write in parallel, which is how the schema distributes (docs/storage.md).
import { createHash } from 'node:crypto';
import pg from 'pg';
import { POSTGRES } from '../sql/dialect';
import { EVENT_COLUMNS } from '../sql/columns';
import { journeySql, buildContext, type ContextKind, type Statement } from '../sql/journey';
import { incrementalStatements } from '../sql/incremental';
import { assertReadOnly } from '../sql/rollups';
import { randomSalt, SALT_READ, SALT_STATEMENTS } from '../sql/salts';
import { deleteGoalStatement, saveGoalStatement } from '../sql/goals';
import {
  deleteInSteps,
  eraseVisitorPlan,
  pruneTombstonesPlan,
  RETENTION_STEP,
  SITES_SQL,
  tombstoneKeys,
  tombstonesSql,
  withoutErased,
  type DeleteResult,
  type Plan,
  type Rows,
} from '../sql/lifecycle';
import { restagePlan, type RestageOptions } from '../sql/restage';
import { migratePostgres, readPgMigrations, type PgMigration } from './migrate';
import type { InsertResult, JourneyContext, JourneyKeys, SqlStore, SqlValue, StoredEvent, TimeRange } from '../types';
import { sqlReads } from '../sql/reads';

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** Connections in the pool (default 10; CJM_DATABASE_POOL). */
  poolSize?: number;
  /** Migrations to apply at open; defaults to collector/store/postgres/migrations/*.sql. */
  migrations?: readonly PgMigration[];
  /** Rows per export page (default 1000). */
  pageSize?: number;
  /** Events deleted per retention transaction (default {@link RETENTION_STEP}). */
  retentionStep?: number;
}

// BIGINT (20) and NUMERIC (1700, what SUM of a BIGINT gives) come back as JS numbers, as SQLite
// gives them: every value stored here (epoch ms, counts, sums of bounded amounts) is far below
// 2^53. DOUBLE PRECISION is a number already.
const NUMBER_TYPES = new Set([20, 1700]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMBER_TYPES.has(oid) ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

// The SQL type of each column, for the arrays of the one multi-row INSERT per batch.
const INT8 = new Set(['ts', 'time', 'received']);
const INT4 = new Set(['bot', 'stage_inferred']);
const columnType = (c: string) => (INT8.has(c) ? 'bigint' : INT4.has(c) ? 'int' : 'text');
const COLS = EVENT_COLUMNS.join(', ');
const INSERT_EVENTS = `INSERT INTO events (${COLS})
  SELECT * FROM unnest(${EVENT_COLUMNS.map((c, i) => `$${i + 1}::${columnType(c)}[]`).join(', ')})
  ON CONFLICT DO NOTHING RETURNING site, id`;

/** `?n` placeholders (the shared SQL's) as Postgres' `$n`, and a prepared-statement name per text. */
const converted = new Map<string, { text: string; name: string }>();
function toPg(sql: string) {
  let c = converted.get(sql);
  if (!c) {
    c = { text: sql.replace(/\?(\d+)/g, '$$$1'), name: `cjm_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}` };
    converted.set(sql, c);
  }
  return c;
}

type Queryable = pg.Pool | pg.PoolClient;
/**
 * The statement with only the parameters it refers to, renumbered: shared read SQL may bind a
 * value it then leaves out (a period's partial-hour bounds when it has none to read), which
 * SQLite ignores but Postgres refuses ("could not determine data type of parameter").
 */
export function usedParams(sql: string, params: readonly SqlValue[]): { sql: string; params: SqlValue[] } {
  const used = new Map<number, number>();
  const out: SqlValue[] = [];
  const text = sql.replace(/\?(\d+)/g, (_, n: string) => {
    let to = used.get(+n);
    if (to === undefined) {
      out.push(params[+n - 1] ?? null);
      used.set(+n, (to = out.length));
    }
    return `?${to}`;
  });
  return { sql: text, params: out };
}

const run = async (db: Queryable, sql: string, params: readonly SqlValue[] = [], prepared = true) => {
  const { text, name } = toPg(sql);
  return db.query(prepared ? { name, text, values: params as SqlValue[] } : { text, values: params as SqlValue[] });
};

/** A storage error naming the database (host and name, never the password) and what failed. */
function pgError(where: string, err: unknown, doing: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`Postgres database ${where}: ${doing} failed: ${message}`, { cause: err });
}

/** Advisory lock key of a site's writes (two 32-bit halves of a hash of the name). */
const SITE_LOCK = `SELECT pg_advisory_xact_lock(hashtext('cjm:site'), hashtext($1))`;
/** Rows stored and folded at a time within one batch (see insertBatch). */
const FOLD_PART = 500;

/** The tables a batch's statements join on (see maybeAnalyze). */
const ANALYZED = [
  'events',
  'sessions',
  'visitors',
  'visitor_sessions',
  'visitor_stages',
  'report_stages',
  'report_touchpoints',
  'report_paths',
  'report_sessions',
  'report_touch_hours',
];
const SALT_LOCK = `SELECT pg_advisory_xact_lock(hashtext('cjm:salts'))`;

/**
 * Opens a pool on a Postgres database as a {@link Store}, applying pending migrations first.
 * @example const store = await openPostgresStore('postgres://cjm:…@db.example.com/cjm?sslmode=require');
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<SqlStore> {
  const parsed = new URL(url);
  const where = `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types });
  // An idle connection the server drops (restart, failover) must not crash the process.
  pool.on('error', () => {});
  // Plan each execution with its parameters: a prepared statement's generic plan cannot see how
  // many ids a batch's JSON list holds, and one made while the tables were small stays bad.
  pool.on('connect', (client) => void client.query('SET plan_cache_mode = force_custom_plan').catch(() => {}));
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client, options.migrations ?? readPgMigrations());
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end();
    throw pgError(where, err, 'opening');
  }
  const pageSize = options.pageSize ?? 1000;
  const retentionStep = options.retentionStep ?? RETENTION_STEP;
  const { contextQueries } = journeySql(POSTGRES);

  /** Runs `work` in one transaction on one connection of the pool, after locking `sites`' writes. */
  const transaction = async <T>(sites: readonly string[], work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // One lock per site, in order, so two transactions never wait on each other crosswise.
      for (const site of [...new Set(sites)].sort()) await client.query(SITE_LOCK, [site]);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  };

  const runPlan = <R>(site: string, plan: Plan<R>): Promise<R> =>
    transaction([site], async (client) => {
      const reads: Rows[] = [];
      for (const { sql, params } of plan.reads) reads.push((await run(client, sql, params)).rows);
      const { statements, result } = plan.writes(reads);
      const changes: number[] = [];
      for (const { sql, params } of statements) changes.push((await run(client, sql, params)).rowCount ?? 0);
      return result(changes);
    });

  const TOMBSTONES = tombstonesSql(POSTGRES);
  /** Whether this process has stored few events yet (see maybeAnalyze below). */
  const young = () => stored < 5_000;
  /** Stores one batch in the open transaction: tombstones checked, rows inserted, derived tables folded. */
  const insertBatch = async (client: pg.PoolClient, all: readonly StoredEvent[]): Promise<InsertResult> => {
    const found = new Map<string, Rows>();
    for (const [site, ids] of tombstoneKeys(all))
      if (ids.length) found.set(site, (await run(client, TOMBSTONES, [site, JSON.stringify(ids)])).rows);
    const rows = withoutErased(all, found);
    let inserted = 0;
    // A large batch (a bulk load; /collect sends at most 100 events) is stored and folded in
    // parts, one after the other in this transaction, exactly as consecutive batches would be:
    // the planner's estimates of a batch's rows are fixed guesses, and on a part of bounded size
    // a plan built on them stays cheap even when it is a nested loop.
    for (let i = 0; i < rows.length; i += FOLD_PART) {
      const part = rows.slice(i, i + FOLD_PART);
      // One statement for the part: a column array each, unnested into rows in order;
      // RETURNING tells which rows were new (the first of repeated ids within the batch).
      const arrays = EVENT_COLUMNS.map((c) => part.map((r) => r[c] ?? null));
      const returned = await run(client, INSERT_EVENTS, arrays as unknown as SqlValue[]);
      const fresh = new Set(returned.rows.map((r) => `${r.site}\0${r.id}`));
      const stored = part.filter((row) => fresh.delete(`${row.site}\0${row.id}`));
      // Before the next part of a bulk load into young tables, statistics that include this
      // transaction's own rows (ANALYZE samples them), or the next part's plans assume empty tables.
      for (const { sql, params } of incrementalStatements(part, stored, POSTGRES)) await run(client, sql, params);
      inserted += stored.length;
      if (i + FOLD_PART < rows.length && young()) await client.query(`ANALYZE ${ANALYZED.join(', ')}`);
    }
    return { inserted, duplicates: all.length - inserted };
  };

  // Statistics while the tables are young: the planner joins a batch's rows to `events` and the
  // rollups by what it believes their sizes are, and before autovacuum's first ANALYZE (a minute
  // or more away, by which time a fast load has grown the tables a hundredfold) it picks scans
  // that make every batch cost the whole table. So this process analyzes them itself each time
  // the events it stored double, from 1,000 to 16 M (24 times at most; each samples 30 k rows).
  let stored = 0;
  let nextAnalyze = 1000;
  let analyzing: Promise<void> | null = null;
  const maybeAnalyze = () => {
    if (stored < nextAnalyze || analyzing || nextAnalyze > 16_000_000) return;
    nextAnalyze *= 2;
    analyzing = pool
      .query(`ANALYZE ${ANALYZED.join(', ')}`)
      .then(
        () => {},
        () => {},
      )
      .finally(() => (analyzing = null));
  };

  /** An insert's outcome: counted towards the next ANALYZE, or its error naming the database. */
  const counted = async (work: Promise<InsertResult>): Promise<InsertResult> => {
    try {
      const result = await work;
      stored += result.inserted;
      maybeAnalyze();
      return result;
    } catch (err) {
      throw pgError(where, err, 'storing a batch');
    }
  };

  const store: SqlStore = {
    async insert(rows: readonly StoredEvent[]): Promise<InsertResult> {
      if (!rows.length) return { inserted: 0, duplicates: 0 };
      const sites = rows.map((r) => r.site);
      return counted(transaction(sites, (client) => insertBatch(client, rows)));
    },

    // Read on the transaction's connection after the site's lock (the one insert takes): another
    // process's batch of this session has committed before, or waits until this one has.
    async insertAssigned(site: string, keys: JourneyKeys, assign: (ctx: JourneyContext) => StoredEvent[]): Promise<InsertResult> {
      const work = transaction([site], async (client) => {
        const results: { kind: ContextKind; rows: Rows }[] = [];
        for (const { kind, stmt } of contextQueries(site, keys))
          results.push({ kind, rows: (await run(client, stmt.sql, stmt.params)).rows });
        const rows = assign(buildContext(results));
        return rows.length ? insertBatch(client, rows) : { inserted: 0, duplicates: 0 };
      });
      return counted(work);
    },

    async journeyContext(site: string, keys: JourneyKeys): Promise<JourneyContext> {
      // Ingest reads the context through insertAssigned; this read stands alone (tests, tools).
      const results = await Promise.all(
        contextQueries(site, keys).map(async ({ kind, stmt }) => ({ kind, rows: (await run(pool, stmt.sql, stmt.params)).rows })),
      );
      return buildContext(results);
    },

    // Keyset pagination on (time, id): each page is a short query of its own.
    async *exportEvents(site: string, range: TimeRange = {}): AsyncGenerator<StoredEvent> {
      const from = range.from ?? Number.MIN_SAFE_INTEGER;
      const to = range.to ?? Number.MAX_SAFE_INTEGER;
      let page = (
        await run(pool, `SELECT ${COLS} FROM events WHERE site = ?1 AND time >= ?2 AND time < ?3 ORDER BY time, id LIMIT ?4`, [
          site,
          from,
          to,
          pageSize,
        ])
      ).rows;
      for (;;) {
        for (const row of page) yield row as StoredEvent;
        if (page.length < pageSize) return;
        const last = page[page.length - 1]!;
        page = (
          await run(pool, `SELECT ${COLS} FROM events WHERE site = ?1 AND (time, id) > (?2, ?3) AND time < ?4 ORDER BY time, id LIMIT ?5`, [
            site,
            last.time,
            last.id,
            to,
            pageSize,
          ])
        ).rows;
      }
    },

    // The report's typed reads: the shared SQL of store/sql/reads in Postgres' dialect, run by all().
    reads: sqlReads(POSTGRES, (sql, params) => store.all(sql, params)),

    // Read-only queries (the typed reads, and raw reads of tests and benchmarks): in a READ ONLY
    // transaction, so the server refuses any write whatever the SQL. Not prepared: report SQL
    // varies with the filters. Raw SQLite SQL from a test loses its planner hints here.
    async all(sql: string, params: readonly SqlValue[] = []): Promise<Record<string, unknown>[]> {
      assertReadOnly(sql);
      sql = sql.replace(/\s+INDEXED BY\s+\w+/gi, '');
      const client = await pool.connect();
      try {
        await client.query('BEGIN READ ONLY');
        const used = usedParams(sql, params);
        const rows = (await run(client, used.sql, used.params, false)).rows;
        await client.query('COMMIT');
        return rows;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },

    async deleteBefore(before: number, site?: string, now = Date.now()) {
      const sites = site !== undefined ? [site] : (await run(pool, SITES_SQL.sql)).rows.map((r) => String(r.site));
      let deleted = 0;
      const read = async ({ sql, params }: Statement) => (await run(pool, sql, params)).rows;
      for (const s of sites)
        deleted += await deleteInSteps(s, before, retentionStep, read, (plan: Plan<DeleteResult>) => runPlan(s, plan), POSTGRES);
      await runPlan('', pruneTombstonesPlan(now));
      return { deleted };
    },

    // Goals declared through the admin API (migration 0015): the same statements as SQLite's.
    async saveGoal(site: string, goal: string, label: string | null, at: number): Promise<void> {
      const { sql, params } = saveGoalStatement(site, goal, label, at);
      await transaction([site], (client) => run(client, sql, params));
    },

    async deleteGoal(site: string, goal: string): Promise<boolean> {
      const { sql, params } = deleteGoalStatement(site, goal);
      return transaction([site], async (client) => ((await run(client, sql, params)).rowCount ?? 0) > 0);
    },

    async eraseVisitor(site: string, id: string, at = Date.now()) {
      return runPlan(site, eraseVisitorPlan(site, id, at, POSTGRES));
    },

    async restage(site: string, options?: RestageOptions) {
      return runPlan(site, restagePlan(site, options, POSTGRES));
    },

    async dailySalt(day: number): Promise<string> {
      return transaction([], async (client) => {
        await client.query(SALT_LOCK);
        for (const { sql, params } of SALT_STATEMENTS(day, randomSalt(), POSTGRES)) await run(client, sql, params);
        return String((await run(client, SALT_READ.sql, [day])).rows[0]!.salt);
      });
    },

    // A connection, and a server that takes writes (not a standby after a failover).
    async probe(): Promise<void> {
      const { rows } = await pool.query('SELECT pg_is_in_recovery() AS standby');
      if (rows[0]?.standby) throw new Error('Postgres database is read-only (a standby in recovery)');
    },

    async close(): Promise<void> {
      await analyzing;
      await pool.end();
    },
  };
  return store;
}
