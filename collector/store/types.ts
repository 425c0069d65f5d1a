// The storage contract: one row type and one Store interface that every database adapter
// (SQLite now; D1 and Postgres later) implements and test/collector/store-contract.ts checks.
// The read side is `Store.reads` (reads.ts).
import type { EventType } from '../../sdk/schema';
import type { Reads } from './reads';
import type { DeleteResult, EraseResult, RestageOptions, RestageResult } from './results';

export type { DeleteResult, EraseResult, RestageOptions, RestageResult, StageMove } from './results';

/** Device class derived from the User-Agent; null when unknown (no UA, TV, console…). */
export type DeviceType = 'desktop' | 'mobile' | 'tablet';

/**
 * One row of the `events` table, column for column (snake_case, SQL NULL as `null`).
 * Times are epoch milliseconds.
 */
export interface StoredEvent {
  site: string;
  /** Sender-chosen event id; (site, id) is the primary key, so a resent event is stored once. */
  id: string;
  type: EventType;
  name: string;
  /** Client clock when the event happened. */
  ts: number;
  /** `ts` corrected for client clock skew: ts + (received - sent). Reports order and filter on this. */
  time: number;
  /** Server clock when the batch arrived. */
  received: number;
  visitor: string | null;
  session: string | null;
  /** Identified user id (`user` on the wire; `user` is reserved in SQL). */
  user_id: string | null;
  url: string | null;
  /** Path of the page; derived from `url` when the sender left it out. */
  path: string | null;
  title: string | null;
  referrer: string | null;
  stage: string | null;
  /**
   * 1 when the collector inferred `stage` (docs/journey.md), 0 when the sender set it; null for
   * events stored before migration 0008 (unknown). `npm run restage` re-infers the inferred ones.
   */
  stage_inferred: 0 | 1 | null;
  /** Page type the SDK read from the page's markup (sdk/schema.ts PAGE_HINTS), if any. */
  hint: string | null;
  touchpoint: string | null;
  channel: string | null;
  persona: string | null;
  /** `props` as JSON text, or null when the event had none. */
  props: string | null;
  device: DeviceType | null;
  browser: string | null;
  os: string | null;
  /** ISO 3166-1 alpha-2 code from a trusted proxy header (CF-IPCountry / X-Country). */
  country: string | null;
  /** 1 when the User-Agent is a known bot: stored, but reports do not count it as a visitor. */
  bot: 0 | 1;
  /** `props.transaction_id` of a `checkout`/`purchase` event; unique per site, so a purchase counts once. */
  txn: string | null;
  /** Attribution, filled by a later issue (UTM / referrer classification); null for now. */
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
  /** Landing path of the session, filled by a later issue; null for now. */
  landing: string | null;
}

/** A value bound to an SQL parameter. */
export type SqlValue = string | number | null;

/** What {@link Store.insert} did. `inserted + duplicates` equals the number of rows given. */
export interface InsertResult {
  /** Rows newly stored. */
  inserted: number;
  /**
   * Rows acknowledged but not stored: (site, id) or (site, txn) was already stored, or the row's
   * visitor or user id was erased at or after the row was received (an erasure tombstone,
   * migration 0006): either way the sender must not send it again.
   */
  duplicates: number;
}

/** Time window on `time`: `from` inclusive, `to` exclusive, epoch ms; either may be left out. */
export interface TimeRange {
  from?: number;
  to?: number;
}

/** The visitors, sessions and users of a batch, whose journey so far ingest needs to know. */
export interface JourneyKeys {
  visitors: readonly string[];
  sessions: readonly string[];
  users: readonly string[];
}

/** How a known session arrived (from the `sessions` table). */
export interface SessionAcquisition {
  channel: string | null;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
  landing: string | null;
}

/** A visitor's first purchase: when, and in which session (null for a server-side one). */
export interface FirstPurchase {
  time: number;
  session: string | null;
}

/** A session's latest part (1, or a continuation's number) and its events (collector/journey/session-cap.ts). */
export interface SessionTail {
  part: number;
  events: number;
}

/** What is stored already about a batch's visitors, sessions and users. */
export interface JourneyContext {
  /** Per visitor who has bought: the first purchase (a later visit makes them a returning customer). */
  firstPurchases: Map<string, FirstPurchase>;
  /** Per known session: its acquisition (channel …) and landing page. */
  sessions: Map<string, SessionAcquisition>;
  /** Per known session: its latest part and that part's events (the session cap). */
  sessionTails?: Map<string, SessionTail>;
  /** Per user id: the visitor it was last identified on. */
  userVisitors: Map<string, string>;
}

/**
 * Storage for events. Every method is async so the same interface fits in-process SQLite and
 * remote databases (D1, Postgres).
 */
export interface Store {
  /**
   * Stores rows, all or none (one transaction). Idempotent: a row whose (site, id) — or, for a
   * purchase, whose (site, txn) — is already stored (or appears earlier in `rows`) is skipped
   * and counted as a duplicate. So is a row whose visitor or user id was erased at or after its
   * `received` time (see eraseVisitor).
   * @example const { inserted, duplicates } = await store.insert(rows);
   */
  insert(rows: readonly StoredEvent[]): Promise<InsertResult>;

  /**
   * What is stored about these visitors, sessions and users, so ingest can tell returning
   * customers (for their stages), keep a session's channel, and join server-side events to a known visitor.
   * (`insert` keeps the `sessions` and `visitors` tables behind this up to date, in the same
   * transaction, and links an identified visitor's earlier events to the user.)
   */
  journeyContext(site: string, keys: JourneyKeys): Promise<JourneyContext>;

  /**
   * Reads what is stored about `keys` (as journeyContext), makes the rows to store with `assign`,
   * and inserts them (as insert), in one transaction under the site's write lock where the engine
   * has one (SQLite, Postgres): a batch of a session never reads the session as it was before
   * another batch of it commits, from another request, thread or process. D1 has no such
   * transaction: its read and its insert are two steps (ingest/key-order.ts orders them within
   * one isolate).
   * @example await store.insertAssigned('shop', keys, (ctx) => assignJourney(rows, ctx));
   */
  insertAssigned(site: string, keys: JourneyKeys, assign: (ctx: JourneyContext) => StoredEvent[]): Promise<InsertResult>;

  /**
   * Streams one site's rows ordered by (time, id), optionally within a time range. Rows are
   * fetched lazily in pages, so an export of millions of events never sits in memory at once.
   * @example for await (const row of store.exportEvents('shop', { from: Date.parse('2025-01-01') })) …
   */
  exportEvents(site: string, range?: TimeRange): AsyncIterable<StoredEvent>;

  /**
   * The typed reads (collector/store/reads.ts): one method per report section's rows, and the
   * collector's few lookups. No SQL crosses the port.
   * @example const rows = await store.reads.days({ site: 'shop', from, to })
   */
  readonly reads: Reads;

  /**
   * Retention: deletes the events with `time < before` (of one site, or of every site), and
   * brings the sessions, visitors and report rollups derived from them in line, in one
   * transaction per site. Also deletes the erasure tombstones more than 15 days before `now`
   * (default: the clock), whatever `before` and `site` are.
   * @example await store.deleteBefore(Date.now() - 400 * 86_400_000)
   */
  deleteBefore(before: number, site?: string, now?: number): Promise<DeleteResult>;

  /**
   * Erasure (GDPR): deletes every event of visitor `id` (or of user id `id`) and of every visitor
   * linked to it by the same user id, with their sessions, visitor rows and rollups, in one
   * transaction. Erasing an unknown id deletes nothing. In that transaction it records a
   * tombstone at `at` (default: the clock) for `id` and every visitor and user id erased, so that
   * `insert` skips their rows received until then (in flight during the erasure), and deletes
   * tombstones more than 15 days old.
   * @example await store.eraseVisitor('shop', '4c1e…') // { deleted: 42, visitors: ['4c1e…', 'user:u-7'] }
   */
  eraseVisitor(site: string, id: string, at?: number): Promise<EraseResult>;

  /**
   * Restaging, one chunk: re-infers with today's rules (journey/stages.ts, as ingest) the stage
   * of the events of the next `limit` visitors after `after` (by visitor id) that the collector
   * inferred (and, with `includeUnknown`, those stored before migration 0008), updates those
   * whose stage changed and rebuilds their sessions, visitors, visitor stages and report rollups,
   * in one transaction. Call again with `after: next` until `next` is null. Events without a
   * visitor and stages the sender set keep theirs.
   * @example for (let after = null; ; ) { const r = await store.restage('shop', { after }); if (!(after = r.next)) break; }
   */
  restage(site: string, options?: RestageOptions): Promise<RestageResult>;

  /**
   * The salt of UTC day `day` (epoch ms / 86 400 000) for the visitor hash of clients that send
   * no visitor id (collector/compat/): created at random by the first caller of the day, the
   * same for every process and isolate, older days' salts deleted (migration 0012). Optional:
   * without it a collector keeps the salt in its own memory.
   */
  dailySalt?(day: number): Promise<string>;

  /**
   * Goals declared through the admin API (migration 0015, collector/routes/goals.ts): adds goal
   * `goal` (a custom event's name or a page path) of `site`, or relabels it. Optional: without
   * it goals come from CJM_GOALS only. Read with `reads.goals(site)`; SQL in store/sql/goals.ts.
   */
  saveGoal?(site: string, goal: string, label: string | null, at: number): Promise<void>;
  /** Removes a goal added with saveGoal; true when there was one. */
  deleteGoal?(site: string, goal: string): Promise<boolean>;

  /**
   * Optional cheap check that the store can take writes now, run by /health; throws the storage's
   * error if not. (SQLite: takes and releases the write lock, waiting at most 200 ms.)
   */
  probe?(): Promise<void>;

  /** Releases the database; the store is unusable afterwards. */
  close(): Promise<void>;
}

/**
 * An SQL engine's store with raw read access, for tests, benchmarks and the engine's own tools:
 * not part of the port (the collector reads through `reads`).
 */
export interface SqlStore extends Store {
  /**
   * Runs one read-only query (SELECT / WITH, numbered parameters ?1 ?2 …) and returns its rows.
   * Anything that would write is refused.
   * @example await store.all('SELECT COUNT(*) AS n FROM sessions WHERE site = ?1', ['shop'])
   */
  all(sql: string, params?: readonly SqlValue[]): Promise<Record<string, unknown>[]>;
}
