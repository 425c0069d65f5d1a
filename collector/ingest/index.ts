// The framework-free ingest pipeline behind POST /collect: validate → enrich → store (the store
// dedups). Plain async function, so any runtime or a batch import tool can call it.
import type { Batch } from '../../sdk/schema';
import type { CollectorConfig } from '../config';
import { ApiError } from '../errors';
import { permanentFailure } from '../store/errors';
import type { StorageHealth } from '../store/health';
import type { Store, StoredEvent } from '../store/types';
import { enrich, type RequestMeta } from './enrich';
import { parseBatch } from './validate';
import { assignJourney } from '../journey/assign';
import { capSessions } from '../journey/session-cap';
import { inKeyOrder } from './key-order';

export type { RequestMeta } from './enrich';

/** What {@link ingest} needs. */
export interface IngestDeps {
  store: Store;
  config: CollectorConfig;
  /** Reports a storage failure (the client only sees "storage unavailable"). */
  log?: (message: string, error: unknown) => void;
  /**
   * Called with the validated batch before anything is stored; throws an ApiError to refuse it
   * (the route's origin check and per-site rate limit).
   */
  admit?: (batch: Batch) => void | Promise<void>;
  /** Told how many events of a stored batch were flagged as bots (left out of the report). */
  onBots?: (count: number, userAgent: string | null | undefined) => void;
  /** Told whether each write succeeded, for /health. */
  storageHealth?: StorageHealth;
  /**
   * Node's ingest journal (collector/node/journal.ts): when given, a batch is answered once it is
   * appended there (on disk), and the folder stores it later (storeEnriched).
   */
  journal?: { append(rows: readonly StoredEvent[]): Promise<void> };
}

/** Reply of an accepted batch: `accepted` new events, `duplicates` already stored. */
export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/** Seconds a client should wait before retrying after a storage failure. */
export const RETRY_AFTER_S = 30;

/**
 * Validates, enriches and stores one batch, all or nothing.
 * @throws ApiError 400/403/413 for bad input (do not retry as is), 422 when the store refuses the
 *   rows for good (a constraint), 503 when storage fails (retry).
 * @example await ingest(await req.text(), { received: Date.now(), userAgent }, { store, config })
 */
export async function ingest(body: string, meta: RequestMeta, deps: IngestDeps): Promise<IngestResult> {
  const batch = parseBatch(body, meta.received, deps.config.sites);
  await deps.admit?.(batch);
  const enriched = enrich(batch, meta);
  if (deps.journal) {
    try {
      await deps.journal.append(enriched);
    } catch (err) {
      (deps.log ?? console.error)('cjm: journaling a batch failed', err);
      throw new ApiError(503, 'storage unavailable', undefined, { 'Retry-After': String(RETRY_AFTER_S) });
    }
    // Stored later: duplicates are found then, so every event counts as accepted here.
    return { accepted: enriched.length, duplicates: 0 };
  }
  try {
    const { inserted, duplicates } = await storeEnriched(enriched, deps.store, deps.config.stages);
    deps.storageHealth?.succeeded();
    const bots = enriched.reduce((n, r) => n + (r.bot ? 1 : 0), 0);
    if (bots) deps.onBots?.(bots, meta.userAgent);
    return { accepted: inserted, duplicates };
  } catch (err) {
    // A constraint fails the same rows every time: refused for good (the SDK then resends the
    // batch's events one by one and drops only those refused alone), not "retry in 30 s" forever.
    const permanent = permanentFailure(err);
    (deps.log ?? console.error)(permanent ? 'cjm: a batch cannot be stored (refused with 422)' : 'cjm: storing a batch failed', err);
    if (!permanent) deps.storageHealth?.failed(err, meta.received);
    if (permanent) throw new ApiError(422, `batch cannot be stored: ${permanent}; it would fail again, do not resend it as is`);
    throw new ApiError(503, 'storage unavailable', undefined, { 'Retry-After': String(RETRY_AFTER_S) });
  }
}

/**
 * Stores enriched rows of one site: reads what the store knows of their visitors and sessions,
 * assigns the journey (channel, stage …), caps sessions, inserts. What /collect does directly,
 * and the journal's folder later.
 */
export async function storeEnriched(enriched: readonly StoredEvent[], store: Store, stages?: readonly string[]) {
  if (!enriched.length) return { inserted: 0, duplicates: 0 };
  const unique = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => !!v))];
  const site = enriched[0]!.site;
  const keys = {
    visitors: unique(enriched.map((r) => r.visitor)),
    sessions: unique(enriched.map((r) => r.session)),
    users: unique(enriched.filter((r) => !r.visitor).map((r) => r.user_id)),
  };
  const order = [
    ...keys.sessions.map((s) => `${site}\0s\0${s}`),
    ...keys.visitors.map((v) => `${site}\0v\0${v}`),
    ...keys.users.map((u) => `${site}\0u\0${u}`),
  ];
  // The context is read and the rows inserted in one transaction under the site's lock (SQLite,
  // Postgres: right across processes too); key order keeps D1's two steps right within an isolate.
  return inKeyOrder(order, () =>
    store.insertAssigned(site, keys, (ctx) => capSessions(assignJourney(enriched, ctx, stages), ctx.sessionTails)),
  );
}
