// The outbox. Every event is written to storage under its own key before anything is sent
// (write-ahead), and removed only when the collector has answered for it. One key per event
// means tabs never overwrite each other's events: the worst a race can do is send an event
// twice, and the collector stores each id once. A lease on each event keeps other tabs (and
// this one) from resending it while a request is in flight or backing off.
import type { WireEvent } from '../schema';
import { keys, load, save } from '../core/storage';
import { post } from './send';

/** One stored event: site, event, lease-until (ms), attempts. */
interface Entry {
  s: string;
  e: WireEvent;
  l: number;
  a: number;
}

export interface QueueOptions {
  site: string;
  endpoint: string;
  /** Send when this many events are waiting (default 10). */
  batchSize: number;
  /** …or this many ms after the first one was queued (default 2000). */
  flushInterval: number;
  /** Storage caps: oldest events are dropped first beyond these (default 500 events, 256 KB). */
  maxEvents: number;
  maxBytes: number;
}

const PREFIX = 'cjm_e_';
/** How long a sent batch is left alone before it may be sent again (its reply never came). */
const LEASE_MS = 15000;
const MAX_BACKOFF_MS = 60000;

export const createQueue = (o: QueueOptions) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let due = Infinity;

  const entries = () =>
    keys(PREFIX)
      .map((k) => [k, load<Entry>(k)] as const)
      .filter((p): p is readonly [string, Entry] => !!p[1] && p[1].s == o.site)
      .sort((a, b) => a[1].e.ts - b[1].e.ts);

  const schedule = (ms: number) => {
    if (Date.now() + ms >= due) return;
    clearTimeout(timer);
    due = Date.now() + ms;
    timer = setTimeout(() => {
      due = Infinity;
      flush();
    }, ms);
  };

  /** Drops the oldest events while over either cap. */
  const cap = () => {
    const all = entries();
    let bytes = all.reduce((n, [, v]) => n + JSON.stringify(v).length, 0);
    for (let i = 0; i < all.length && (all.length - i > o.maxEvents || bytes > o.maxBytes); i++) {
      bytes -= JSON.stringify(all[i][1]).length;
      save(all[i][0]);
    }
  };

  /** Sends every event that is not leased, in batches; schedules the next look at the rest. */
  const flush = (): void => {
    const now = Date.now();
    const all = entries();
    const ready = all.filter(([, v]) => v.l <= now);
    const waiting = all.filter(([, v]) => v.l > now);
    if (waiting.length) schedule(Math.min(...waiting.map(([, v]) => v.l)) - now);
    for (let i = 0; i < ready.length; i += o.batchSize) {
      const batch = ready.slice(i, i + o.batchSize);
      for (const [k, v] of batch) save(k, { ...v, l: now + LEASE_MS });
      post(o.endpoint, { site: o.site, sent: now, events: batch.map(([, v]) => v.e) }, (status, retryAfter) => {
        const retry = !status || status == 429 || status >= 500;
        for (const [k, v] of batch) {
          if (!retry) save(k);
          else if (load(k)) {
            // Exponential backoff with jitter; the collector's Retry-After wins when longer.
            const wait = Math.max(Math.min(MAX_BACKOFF_MS, 1000 * 2 ** v.a) * (0.5 + Math.random() / 2), retryAfter * 1000);
            save(k, { ...v, l: Date.now() + wait, a: v.a + 1 });
            schedule(wait);
          }
        }
      });
    }
  };

  const add = (e: WireEvent): void => {
    save(PREFIX + e.id, { s: o.site, e, l: 0, a: 0 } satisfies Entry);
    cap();
    entries().length >= o.batchSize ? flush() : schedule(o.flushInterval);
  };

  /** Forgets every queued event (opt-out). */
  const clear = () => entries().forEach(([k]) => save(k));

  return { add, flush, clear };
};
