// A runtime-neutral, in-memory token bucket per key (no timers, no node:*). State lives in the
// process on Node and in the isolate on Workers, so each process/isolate limits on its own.

/** A rate: `limit` requests per `windowMs`; the bucket holds `limit` tokens (the burst). */
export interface Rate {
  limit: number;
  windowMs: number;
}

/** Outcome of {@link TokenBuckets.take}: allowed, or refused with whole seconds to wait. */
export type Take = { ok: true } | { ok: false; retryAfterS: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets keyed by client or site. Memory is bounded: past `maxKeys` keys the least
 * recently used bucket is dropped (a Map keeps insertion order; a touched key is re-inserted).
 * A dropped bucket only ever comes back full, so eviction can loosen a limit, never tighten it.
 * @example const perClient = new TokenBuckets({ limit: 600, windowMs: 60_000 }); perClient.take(key, Date.now())
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    readonly rate: Rate,
    private readonly maxKeys = 10_000,
  ) {
    this.perMs = rate.limit / rate.windowMs;
  }

  /** Takes one token from `key`'s bucket at time `now` (epoch ms). */
  take(key: string, now: number): Take {
    const b = this.buckets.get(key);
    // Refill since the last visit; a clock going backwards refills nothing.
    const tokens = b ? Math.min(this.rate.limit, b.tokens + Math.max(0, now - b.at) * this.perMs) : this.rate.limit;
    this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return { ok: true };
    }
    this.buckets.set(key, { tokens, at: now });
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000)) };
  }

  /** Keys currently held (for tests of the memory bound). */
  get size(): number {
    return this.buckets.size;
  }
}
