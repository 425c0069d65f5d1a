// The outbox. Every event is written to storage under its own key before anything is sent
// (write-ahead) and removed only when the collector has answered for it. One key per event
// means tabs never overwrite each other's events: the worst a race can do is send an event
// twice, and the collector stores each id once. A lease on each event keeps other tabs (and
// this one) from resending it while a request is in flight or backing off; and since a lease
// reaches other tabs with a delay, each page sends its own events and takes over another
// page's only a grace period after they fell due (test/e2e/faults-storage.test.ts).
import type { WireEvent } from '../schema';
import type { Config } from '../core/config';
import { keys, load, save } from '../core/storage';
import { post } from './send';
import { on } from '../lib/lifecycle';

/** One stored event (key `cjm_e_<site>:<id>`): event, leased until (ms), attempts so far, send alone. */
interface Entry {
  e: WireEvent;
  l: number;
  a: number;
  o?: 1;
}

type Pair = readonly [key: string, entry: Entry];

const PREFIX = 'cjm_e_';
/** How long a sent batch is left alone before it may be sent again (its reply never came). */
const LEASE_MS = 15000;
const MAX_BACKOFF_MS = 60000;
/** How long after its lease (or its creation) another page's event is left to that page. */
const GRACE_MS = 5000;

export const createQueue = (o: Config) => {
  let timer: ReturnType<typeof setTimeout>;
  let due = Infinity;

  const prefix = PREFIX + o.site + ':';
  /** Keys of the events this page added: the others belong to other tabs (or earlier pages). */
  const mine = new Set<string>();
  /** This site's stored events, oldest first. */
  const entries = () =>
    keys(prefix)
      .map((k): Pair => [k, load<Entry>(k)!])
      .filter(([, v]) => v)
      .sort((a, b) => a[1].e.ts - b[1].e.ts);

  const later = (ms: number) => {
    if (Date.now() + ms >= due) return;
    clearTimeout(timer);
    due = Date.now() + ms;
    timer = setTimeout(() => {
      due = Infinity;
      flush();
    }, ms);
  };

  /**
   * Sends every event that is not leased, in batches; schedules a look at the leased ones.
   * `online` (1) also sends this page's events that are waiting out a backoff.
   */
  const flush = (online?: unknown): void => {
    const now = Date.now();
    const ready: Pair[] = [];
    for (const [k, v] of entries()) {
      // Another tab's events are its to send, when new and when due for a retry: its lease may
      // reach us late, and both tabs would send them. Take them over only a while later (it is
      // gone, or was an earlier page).
      const free = mine.has(k) ? (online === 1 && v.a ? 0 : v.l) : Math.max(v.l, v.e.ts) + GRACE_MS;
      free > now ? later(free - now) : ready.push([k, v]);
    }
    while (ready.length) {
      // A batch size below 1 (batchSize: 0, data-batch-size="0") would take nothing, forever.
      const batch = ready.splice(0, ready[0][1].o || (o.batchSize >= 1 ? o.batchSize : 1));
      for (const [k, v] of batch) save(k, { ...v, l: now + LEASE_MS });
      post(o.endpoint, { site: o.site, sent: now, events: batch.map((p) => p[1].e) }, (status, retryAfter) => {
        const refused = status >= 400 && status < 500 && status != 429;
        // Exponential backoff (0.5–1 s, 1–2 s, … up to 30–60 s), one wait for the whole batch so
        // it stays together; the collector's Retry-After wins when it is longer. The jitter
        // (×1–2) applies to Retry-After too: without it every page told "2 s" retried in
        // lockstep, and a collector failing every other request failed the same batch again
        // and again (test/sdk/outbox-retry-after.test.ts).
        const wait = refused
          ? 0
          : Math.max(Math.min(MAX_BACKOFF_MS / 2, 500 * 2 ** batch[0][1].a), retryAfter * 1000) * (1 + Math.random());
        // One lease for the whole batch: read per event, the clock could tick in between and
        // the retry went out as two requests, the first event alone (test/sdk/outbox-backoff.test.ts).
        const until = Date.now() + wait;
        for (const [k, v] of batch)
          if ((status && status < 400) || (refused && !batch[1]))
            save(k); // delivered, or refused for good
          // A batch is refused whole: one bad event must not sink the others, so each is
          // resent alone and only the bad one is dropped.
          else if (refused) save(k, { ...v, l: 0, o: 1 });
          else if (load(k)) save(k, { ...v, l: until, a: v.a + 1 });
        if (status >= 400 || !status) later(wait);
      });
    }
  };

  // Back online: what failed while offline goes now, not when its backoff ends (up to a
  // minute). Only this page's events that failed (a retry in flight is rare then, and resent
  // it is stored once); every tab gets the event and sends its own.
  on('online', () => flush(1));

  const add = (e: WireEvent): void => {
    mine.add(prefix + e.id);
    save(prefix + e.id, { e, l: 0, a: 0 } satisfies Entry);
    const all = entries();
    // Over a cap, the oldest events go first.
    for (let bytes = JSON.stringify(all).length; all.length > o.maxEvents || bytes > o.maxBytes;) {
      const [k, v] = all.shift()!;
      bytes -= JSON.stringify(v).length;
      save(k);
    }
    // Only events not sent yet make a batch full: those in flight or backing off do not.
    all.filter((p) => !p[1].l).length >= o.batchSize ? flush() : later(o.flushInterval);
  };

  /** Rewrites a stored event (it got its page-type hint late), unless it has been delivered. */
  const patch = (e: WireEvent) => {
    const v = load<Entry>(prefix + e.id);
    if (v) save(prefix + e.id, { ...v, e });
  };

  /** Forgets every queued event (opt-out). */
  const clear = () => entries().map(([k]) => save(k));

  return { add, flush, clear, patch };
};
