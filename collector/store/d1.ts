// Store adapter for Cloudflare D1, behind the same Store interface as SQLite and on the same
// migrations (applied by `wrangler d1 migrations apply`). No node:* import: it runs in workerd.
import type { D1Database, D1PreparedStatement } from '@cloudflare/workers-types';
import { EVENT_COLUMNS } from './columns';
import { buildContext, contextQueries, refreshStatements } from './journey-sql';
import { assertReadOnly } from './report-sql';
import { deleteBeforePlan, eraseVisitorPlan, SITES_SQL, type Plan } from './lifecycle-sql';
import type { InsertResult, JourneyContext, JourneyKeys, SqlValue, Store, StoredEvent, TimeRange } from './types';

/** Options of {@link openD1Store}. */
export interface D1StoreOptions {
  /** Rows per export page (default 1000). */
  pageSize?: number;
  /** Rows per INSERT statement (default 500); one insert() runs all its statements as one batch. */
  rowsPerStatement?: number;
}

const COLS = EVENT_COLUMNS.join(', ');

// D1 allows at most 100 bound parameters per statement, i.e. 3 rows of 31 columns. So the
// rows travel as one JSON parameter (arrays of values in column order) that SQLite unpacks
// with json_each: one statement, one round trip, for up to `rowsPerStatement` rows.
// json_each walks the array in order, so of two rows with one (site, id) the first is kept.
// No conflict target, as in sqlite.ts: rows clashing on the primary key or on the partial txn
// index are skipped; any other constraint (NOT NULL…) fails the whole statement.
const INSERT_SQL = `INSERT INTO events (${COLS}) SELECT ${EVENT_COLUMNS.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ')} FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`;

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
export function openD1Store(db: D1Database, options: D1StoreOptions = {}): Store {
  const pageSize = options.pageSize ?? 1000;
  const perStatement = options.rowsPerStatement ?? 500;

  /**
   * Runs a lifecycle plan: its reads as one batch, then its writes as one batch (a transaction).
   * An event stored between the two is caught by the deletes' own conditions; a derived row it
   * refreshed may keep an old first_seen until the next retention run fixes it.
   */
  const runPlan = async <R>(plan: Plan<R>): Promise<R> => {
    const reads = plan.reads.length ? await db.batch<Record<string, unknown>>(plan.reads.map(({ sql, params }) => db.prepare(sql).bind(...params))) : [];
    const { statements, result } = plan.writes(reads.map((r) => r.results));
    const done = await db.batch(statements.map(({ sql, params }) => db.prepare(sql).bind(...params)));
    return result(done.map((r) => r.meta.changes ?? 0));
  };

  return {
    async insert(rows: readonly StoredEvent[]): Promise<InsertResult> {
      if (rows.length === 0) return { inserted: 0, duplicates: 0 };
      const inserts: D1PreparedStatement[] = [];
      for (let i = 0; i < rows.length; i += perStatement) {
        const chunk = rows.slice(i, i + perStatement).map(toValues);
        inserts.push(db.prepare(INSERT_SQL).bind(JSON.stringify(chunk)));
      }
      // Then, as in sqlite.ts, refresh the sessions and visitors the rows touch. batch() is one
      // transaction and one round trip: every statement takes effect, or none.
      const refresh = refreshStatements(rows).map(({ sql, params }) => db.prepare(sql).bind(...params));
      const results = await db.batch([...inserts, ...refresh]);
      const inserted = results.slice(0, inserts.length).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
      return { inserted, duplicates: rows.length - inserted };
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

    async all(sql: string, params: readonly SqlValue[] = []): Promise<Record<string, unknown>[]> {
      assertReadOnly(sql); // D1 has no authorizer: the text check is the guard
      return (await db.prepare(sql).bind(...params).all<Record<string, unknown>>()).results;
    },

    async deleteBefore(before: number, site?: string) {
      const sites = site !== undefined ? [site] : (await db.prepare(SITES_SQL.sql).all<{ site: string }>()).results.map((r) => r.site);
      let deleted = 0;
      for (const s of sites) deleted += (await runPlan(deleteBeforePlan(s, before))).deleted;
      return { deleted };
    },

    async eraseVisitor(site: string, id: string) {
      return runPlan(eraseVisitorPlan(site, id));
    },

    // The binding belongs to the Worker's env, not to the store.
    async close(): Promise<void> {},
  };
}
