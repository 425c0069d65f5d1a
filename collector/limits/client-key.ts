// Who "a client" is for the per-client rate limit, without keeping who they are: a SHA-256 of a
// random salt, the IP and the User-Agent. The salt lives only in memory and is replaced at every
// UTC midnight, so a key cannot be linked to an IP (nor across days) once the day is over; the
// IP itself is never stored, logged or kept beyond the request. node:crypto where the runtime
// has it (Node), else Web Crypto (Workers).
import type * as NodeCrypto from 'node:crypto';

const DAY = 24 * 3600 * 1000;
const encoder = new TextEncoder();

/**
 * node:crypto when the runtime offers it (Node ≥ 22.3; Workers without nodejs_compat do not): its
 * SHA-256 takes 2.5 µs of CPU here, Web Crypto's 40 µs (a job on the thread pool and a promise),
 * and every request to /collect takes two.
 */
const nodeCrypto = (() => {
  try {
    const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return runtime?.getBuiltinModule?.('node:crypto') as typeof NodeCrypto | undefined;
  } catch {
    return undefined;
  }
})();

/** The first 16 bytes of SHA-256(text), as hex, with Web Crypto (any runtime). */
export async function webSha256Prefix(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return Array.from(new Uint8Array(digest, 0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The same digest, with node:crypto where there is one. */
export const sha256Prefix: (text: string) => Promise<string> = nodeCrypto
  ? async (text) => nodeCrypto.createHash('sha256').update(text).digest('hex').slice(0, 32)
  : webSha256Prefix;

/** Turns (ip, user agent) into today's opaque client key. */
export type ClientKeyer = (ip: string | undefined, userAgent: string | undefined, now: number) => Promise<string>;

/**
 * A keyer with its own random salt, rotated daily.
 * @example const keyOf = createClientKeyer(); await keyOf('203.0.113.7', ua, Date.now()) // 'b1946ac9…'
 */
export function createClientKeyer(): ClientKeyer {
  let day = NaN;
  let salt = '';
  return async (ip, userAgent, now) => {
    const today = Math.floor(now / DAY);
    if (today !== day) {
      day = today;
      salt = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    }
    // 16 bytes are plenty to keep clients apart and keep the bucket map small.
    return sha256Prefix(`${salt}\n${ip ?? ''}\n${userAgent ?? ''}`);
  };
}
