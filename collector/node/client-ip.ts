// The client IP on Node, for the per-client rate limit only (it is hashed at once and never
// stored or logged): the socket's address, or behind a reverse proxy you trust
// (CJM_TRUST_PROXY=1) the address that proxy appended to X-Forwarded-For; and the country header
// only from such a proxy.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { AppEnv } from '../env';

/**
 * Builds AppDeps.clientIp for @hono/node-server.
 * @param trustProxy take the last X-Forwarded-For entry (the one your proxy added; earlier
 *   entries are whatever the client claimed) instead of the socket address
 */
export function nodeClientIp(trustProxy: boolean): (c: Context<AppEnv>) => string | undefined {
  return (c) => {
    if (trustProxy) {
      const last = c.req
        .header('x-forwarded-for')
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .pop();
      if (last) return last;
    }
    try {
      return getConnInfo(c).remote.address;
    } catch {
      return undefined; // not served by @hono/node-server (app.request() in tests)
    }
  };
}

/**
 * Builds AppDeps.country for Node: CF-IPCountry or X-Country as set by your reverse proxy (or
 * Cloudflare in front of it), only when you trust it (CJM_TRUST_PROXY=1); without one, any
 * client could claim any country, so none is read.
 */
export function nodeCountry(trustProxy: boolean): ((c: Context<AppEnv>) => string | undefined) | undefined {
  return trustProxy ? (c) => c.req.header('cf-ipcountry') ?? c.req.header('x-country') : undefined;
}
