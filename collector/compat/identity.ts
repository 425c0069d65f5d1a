// The ids foreign clients do not send in cjm's form: event ids (a hash of an over-long or odd
// messageId), the visitor of id-less clients (a salted hash of site, IP and User-Agent, as
// Plausible and Umami do) and the session (none of them sends one). Web Crypto: Node and Workers.
import type { Store } from '../store/types';

const TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const encoder = new TextEncoder();
const DAY = 24 * 3600 * 1000;
/** A visitor's session ends after this long without events (as the SDK's). */
export const SESSION_GAP_MS = 30 * 60 * 1000;

const hex = (buf: ArrayBuffer, bytes: number) => Array.from(new Uint8Array(buf, 0, bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 of `text`, the first `bytes` bytes as hex. */
export async function sha256(text: string, bytes = 16): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)), bytes);
}

/** `raw` when it is a valid cjm token (uuids, `ajs-next-…` ids are), else a deterministic hash of it. */
export async function toToken(raw: string): Promise<string> {
  return TOKEN.test(raw) ? raw : `h-${await sha256(raw)}`;
}

/** A fresh random id (an event or session id). */
export const freshId = (): string => crypto.randomUUID();

/** Returns the salt of a UTC day (epoch day number); the same for every process of one collector. */
export type SaltSource = (day: number) => Promise<string>;

/** A salt per UTC day kept in this process's memory only, forgotten the next day. */
export function memorySalts(): SaltSource {
  let current: { day: number; salt: string } | undefined;
  return async (day) => {
    if (current?.day !== day) current = { day, salt: hex(crypto.getRandomValues(new Uint8Array(16)).buffer, 16) };
    return current.salt;
  };
}

/**
 * The store's daily salt (migration 0012), the same in every process and Worker isolate;
 * remembered for the rest of its day, so a request costs no read. Falls back to
 * {@link memorySalts} for a store without salts.
 */
export function storeSalts(store: Store): SaltSource {
  if (!store.dailySalt) return memorySalts();
  let current: { day: number; salt: Promise<string> } | undefined;
  return (day) => {
    if (current?.day !== day) {
      const salt = store.dailySalt!(day);
      current = { day, salt };
      salt.catch(() => current?.salt === salt && (current = undefined)); // retried by the next request
    }
    return current.salt;
  };
}

/**
 * The visitor of a client that sends no id: SHA-256 of today's salt, the site, the IP and the
 * User-Agent. The raw IP goes no further than this hash; with the day's salt gone, the hash
 * cannot be tied back to it (nor a visitor followed from one day to the next).
 * @example await visitorHash(salts, 'shop', '203.0.113.7', ua, Date.now()) // 'v-3f1c…'
 */
export async function visitorHash(
  salts: SaltSource,
  site: string,
  ip: string | undefined,
  userAgent: string | undefined,
  now: number,
): Promise<string> {
  const salt = await salts(Math.floor(now / DAY));
  return `v-${await sha256(`${salt}\n${site}\n${ip ?? ''}\n${userAgent ?? ''}`)}`;
}

interface Current {
  session: string;
  /** Time of its latest event. */
  last: number;
}

/**
 * Keeps each visitor's current session: reused while its latest event is less than
 * {@link SESSION_GAP_MS} older, else a new one. Looked up in memory first, then in the store's
 * `sessions` table (so it holds across requests, processes and Worker isolates). Concurrent
 * lookups for one visitor share one answer, so a page view and an event sent together get the
 * same session.
 */
export class SessionKeeper {
  private readonly known = new Map<string, Promise<Current | undefined>>();

  constructor(
    private readonly store: Store,
    private readonly maxVisitors = 10_000,
  ) {}

  /** The session of `visitor`'s event at `time` (epoch ms, server clock), remembered as its latest. */
  async sessionOf(site: string, visitor: string, time: number): Promise<string> {
    const key = `${site}\n${visitor}`;
    let pending = this.known.get(key);
    if (!pending) {
      pending = this.lookup(site, visitor);
      if (this.known.size >= this.maxVisitors) this.known.delete(this.known.keys().next().value!);
    } else {
      this.known.delete(key); // re-inserted below: Map order is the recency order
    }
    const next = pending.then((cur) => {
      if (cur && time - cur.last < SESSION_GAP_MS && cur.last - time < SESSION_GAP_MS)
        return { session: cur.session, last: Math.max(cur.last, time) };
      return { session: freshId(), last: time };
    });
    this.known.set(key, next);
    return (await next).session;
  }

  private async lookup(site: string, visitor: string): Promise<Current | undefined> {
    try {
      const row = await this.store.reads.latestSession(site, visitor);
      return row ? { session: row.session, last: row.ended } : undefined;
    } catch {
      return undefined; // storage trouble surfaces (as 503) when the events are stored
    }
  }
}
