// The client IP on Node, for the per-client rate limit only (it is hashed at once and never
// stored or logged): the socket's address, or behind a reverse proxy you trust
// (CJM_TRUST_PROXY=1) the address that proxy appended to X-Forwarded-For.
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
      const last = c.req.header('x-forwarded-for')?.split(',').map((s) => s.trim()).filter(Boolean).pop();
      if (last) return last;
    }
    try {
      return getConnInfo(c).remote.address;
    } catch {
      return undefined; // not served by @hono/node-server (app.request() in tests)
    }
  };
}
