// Who "a client" is for the per-client rate limit, without keeping who they are: a SHA-256 of a
// random salt, the IP and the User-Agent. The salt lives only in memory and is replaced at every
// UTC midnight, so a key cannot be linked to an IP (nor across days) once the day is over; the
// IP itself is never stored, logged or kept beyond the request. Web Crypto: Node and Workers.

const DAY = 24 * 3600 * 1000;
const encoder = new TextEncoder();

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
    const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`${salt}\n${ip ?? ''}\n${userAgent ?? ''}`));
    // 16 bytes are plenty to keep clients apart and keep the bucket map small.
    return Array.from(new Uint8Array(digest, 0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  };
}
