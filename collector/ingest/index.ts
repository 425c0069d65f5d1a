// The framework-free ingest pipeline behind POST /collect: validate → enrich → store (the store
// dedups). Plain async function, so any runtime or a batch import tool can call it.
import type { Batch } from '../../sdk/schema';
import type { CollectorConfig } from '../config';
import { ApiError } from '../errors';
import type { Store } from '../store/types';
import { enrich, type RequestMeta } from './enrich';
import { parseBatch } from './validate';
import { assignJourney } from '../journey/assign';
import { capSessions } from '../journey/session-cap';

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
  admit?: (batch: Batch) => void;
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
 * @throws ApiError 400/403/413 for bad input (do not retry as is), 503 when storage fails (retry).
 * @example await ingest(await req.text(), { received: Date.now(), userAgent }, { store, config })
 */
export async function ingest(body: string, meta: RequestMeta, deps: IngestDeps): Promise<IngestResult> {
  const batch = parseBatch(body, meta.received, deps.config.sites);
  deps.admit?.(batch);
  const enriched = enrich(batch, meta);
  const unique = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => !!v))];
  try {
    const ctx = await deps.store.journeyContext(batch.site, {
      visitors: unique(enriched.map((r) => r.visitor)),
      sessions: unique(enriched.map((r) => r.session)),
      users: unique(enriched.filter((r) => !r.visitor).map((r) => r.user_id)),
    });
    const rows = capSessions(assignJourney(enriched, ctx, deps.config.stages), ctx.sessionTails);
    const { inserted, duplicates } = await deps.store.insert(rows);
    return { accepted: inserted, duplicates };
  } catch (err) {
    (deps.log ?? console.error)('cjm: storing a batch failed', err);
    throw new ApiError(503, 'storage unavailable', undefined, { 'Retry-After': String(RETRY_AFTER_S) });
  }
}
