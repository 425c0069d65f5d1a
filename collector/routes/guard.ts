// The abuse limits every ingest route shares (/collect and the drop-in endpoints of compat.ts):
// a per-client rate limit before the body is read, and per batch the site's origin allow-list
// and rate limit. One guard per app, so a client's requests count once whatever path they use.
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { createClientKeyer } from '../limits/client-key';
import { originAllowed } from '../limits/origins';
import { TokenBuckets, type Rate } from '../limits/token-bucket';
import { DEFAULT_RATE_LIMITS } from '../settings';

/** Most clients and sites whose buckets are kept in memory (least recently seen go first). */
const MAX_CLIENTS = 10_000;
const MAX_SITES = 1_000;

const UNIT: Readonly<Record<number, string>> = { 1000: 's', 60_000: 'min', 3_600_000: 'h' };
const per = (rate: Rate) => UNIT[rate.windowMs] ?? `${rate.windowMs / 1000} s`;

/** The shared limits of the ingest routes. */
export interface IngestGuard {
  /** Middleware: 429 + Retry-After when this client (salted hash of IP + User-Agent) sends too often. */
  clientLimit: MiddlewareHandler<AppEnv>;
  /** Throws 403 when `origin` may not send `site`'s events (CJM_ORIGINS), 429 when the site sends too often. */
  admit(site: string, origin: string | undefined, received: number): void;
}

/**
 * Builds the guard of one app from its config (CJM_RATE_LIMIT, CJM_SITE_RATE_LIMIT, CJM_ORIGINS).
 * @example const guard = createIngestGuard(deps); app.post('/collect', guard.clientLimit, …)
 */
export function createIngestGuard(deps: AppDeps): IngestGuard {
  const { config } = deps;
  const rates = { ...DEFAULT_RATE_LIMITS, ...config.rateLimits };
  const clients = rates.client && new TokenBuckets(rates.client, MAX_CLIENTS);
  const sites = rates.site && new TokenBuckets(rates.site, MAX_SITES);
  const keyOf = createClientKeyer();

  // Per client, before the body is read: a flood costs a hash and a map lookup per request.
  const clientLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (clients) {
      const key = await keyOf(deps.clientIp?.(c), c.req.header('user-agent'), c.var.received);
      const t = clients.take(key, c.var.received);
      if (!t.ok) {
        throw new ApiError(429, `too many requests from this client: at most ${clients.rate.limit} per ${per(clients.rate)}; retry in ${t.retryAfterS} s`, undefined, {
          'Retry-After': String(t.retryAfterS),
        });
      }
    }
    await next();
  };

  const admit = (site: string, origin: string | undefined, received: number): void => {
    if (!originAllowed(config, site, origin)) {
      throw new ApiError(403, `origin ${JSON.stringify(origin!.slice(0, 200))} may not send events of site "${site}" (see CJM_ORIGINS)`);
    }
    const t = sites?.take(site, received);
    if (t && !t.ok) {
      throw new ApiError(429, `too many requests for site "${site}": at most ${sites!.rate.limit} per ${per(sites!.rate)}; retry in ${t.retryAfterS} s`, undefined, {
        'Retry-After': String(t.retryAfterS),
      });
    }
  };
  return { clientLimit, admit };
}
