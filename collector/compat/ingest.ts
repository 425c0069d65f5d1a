// Mapped foreign events into cjm: settle ids, visitor and session, then hand them to the very
// ingest() behind /collect (schema validation, enrichment, journey assignment, dedup, storage)
// in batches of at most LIMITS.events. Framework-free, like ingest/.
import { LIMITS, type Batch, type WireEvent } from '../../sdk/schema';
import { ApiError } from '../errors';
import { ingest, type IngestDeps, type IngestResult } from '../ingest';
import { parseBatch } from '../ingest/validate';
import { freshId, toToken, type SessionKeeper } from './identity';
import type { Draft } from './types';

/** Events of one site that share a User-Agent and a `sent` time. */
export interface DraftGroup {
  site: string;
  drafts: Draft[];
  /** User-Agent for device/browser/os/bot; undefined: a server library (no device, not a bot). */
  userAgent?: string;
  /** Sender's clock when sent (skew correction); undefined: the events' times are the server's. */
  sent?: number;
  /** Visitor of drafts that name none (the salted hash for Plausible and Umami). */
  visitor?: string;
}

/** What {@link ingestDrafts} needs beyond ingest()'s own dependencies. */
export interface CompatDeps extends IngestDeps {
  sessions: SessionKeeper;
  /** Told how many events of a site were stored (the daily quota counts them). */
  stored?: (site: string, events: number, received: number) => Promise<void>;
}

/** Stored, already stored, and left out as invalid (Segment drops bad messages one by one). */
export interface CompatResult extends IngestResult {
  dropped: number;
  /** Session of the last event that has one (Umami answers it). */
  session?: string;
}

/**
 * Completes and stores the drafts of each group.
 * @param dropInvalid true: an event cjm's schema or time window refuses is left out (and counted)
 *   instead of failing the request with its 400 (Segment's rule: one bad message never costs
 *   the batch)
 * @throws ApiError 403 (site or origin refused), 429, 503 — as ingest()
 */
export async function ingestDrafts(
  groups: readonly DraftGroup[],
  meta: { received: number; country?: string | null },
  deps: CompatDeps,
  dropInvalid = false,
): Promise<CompatResult> {
  const total: CompatResult = { accepted: 0, duplicates: 0, dropped: 0 };
  // user → visitor, from this request's messages that name both: a later message with only the
  // user id joins that visitor (the store knows links from earlier requests, not this one's).
  const linked = new Map<string, string>();
  for (const g of groups) {
    const skew = meta.received - (g.sent ?? meta.received);
    const events: WireEvent[] = [];
    for (const d of g.drafts) {
      const { id, visitor: ownVisitor, ts, ...rest } = d;
      const own = ownVisitor !== undefined ? await toToken(ownVisitor) : g.visitor;
      if (own && d.user) linked.set(`${g.site}\n${d.user}`, own);
      // A server-side event (user id only) joins the visitor but, as on /collect, no session.
      const visitor = own ?? (d.user ? linked.get(`${g.site}\n${d.user}`) : undefined);
      const at = ts ?? g.sent ?? meta.received;
      const session = own ? await deps.sessions.sessionOf(g.site, own, at + skew) : undefined;
      if (session) total.session = session;
      const e: WireEvent = {
        ...rest,
        id: id !== undefined ? await toToken(id) : freshId(),
        ts: at,
        ...(visitor ? { visitor } : {}),
        ...(session ? { session } : {}),
      };
      if (dropInvalid) {
        try {
          parseBatch(JSON.stringify({ site: g.site, sent: g.sent, events: [e] }), meta.received, deps.config.sites);
        } catch (err) {
          if (!(err instanceof ApiError) || err.status !== 400) throw err;
          (deps.log ?? console.error)(`cjm: compat: dropped ${e.type} ${JSON.stringify(e.name).slice(0, 80)} of ${g.site}`, err.message);
          total.dropped++;
          continue;
        }
      }
      events.push(e);
    }
    for (let i = 0; i < events.length; i += LIMITS.events) {
      const batch: Batch = { site: g.site, ...(g.sent !== undefined ? { sent: g.sent } : {}), events: events.slice(i, i + LIMITS.events) };
      const r = await ingest(JSON.stringify(batch), { received: meta.received, userAgent: g.userAgent, country: meta.country }, deps);
      total.accepted += r.accepted;
      total.duplicates += r.duplicates;
      await deps.stored?.(g.site, r.accepted, meta.received);
    }
  }
  return total;
}
