// The abuse limits every ingest route shares (/collect and the drop-in endpoints of compat.ts):
// per IP and per client rate limits before the body is read, and per batch the site's origin
// allow-list, rate limit and quotas (limits/quotas.ts). One guard per app, so a client's
// requests count once whatever path they use.
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { createClientKeyer } from '../limits/client-key';
import { originAllowed } from '../limits/origins';
import { createQuotas } from '../limits/quotas';
import { TokenBuckets, type Rate } from '../limits/token-bucket';
import { DEFAULT_QUOTAS, DEFAULT_RATE_LIMITS } from '../settings';

/** Most clients and sites whose buckets are kept in memory (least recently seen go first). */
const MAX_CLIENTS = 10_000;
const MAX_SITES = 1_000;

const UNIT: Readonly<Record<number, string>> = { 1000: 's', 60_000: 'min', 3_600_000: 'h' };
const per = (rate: Rate) => UNIT[rate.windowMs] ?? `${rate.windowMs / 1000} s`;

/** The shared limits of the ingest routes. */
export interface IngestGuard {
  /**
   * Middleware: 429 + Retry-After when this IP (whatever its User-Agent) or this client (salted
   * hash of IP + User-Agent) sends too often.
   */
  clientLimit: MiddlewareHandler<AppEnv>;
  /**
   * Throws 403 when `origin` may not send `site`'s events (CJM_ORIGINS), 429 when the site sends
   * too often or its daily quota is used up, 403/507 past the open-mode site cap or the database size.
   */
  admit(site: string, events: number, origin: string | undefined, received: number): Promise<void>;
  /** Counts stored events against the site's daily quota. */
  stored(site: string, events: number, received: number): Promise<void>;
}

/**
 * Builds the guard of one app from its config (CJM_IP_RATE_LIMIT, CJM_RATE_LIMIT,
 * CJM_SITE_RATE_LIMIT, CJM_ORIGINS, CJM_MAX_SITES, CJM_SITE_DAILY_EVENTS, CJM_MAX_DB_MB).
 * @example const guard = createIngestGuard(deps); app.post('/collect', guard.clientLimit, …)
 */
export function createIngestGuard(deps: AppDeps): IngestGuard {
  const { config } = deps;
  const rates = { ...DEFAULT_RATE_LIMITS, ...config.rateLimits };
  const clients = rates.client && new TokenBuckets(rates.client, MAX_CLIENTS);
  const sites = rates.site && new TokenBuckets(rates.site, MAX_SITES);
  const ips = rates.ip && new TokenBuckets(rates.ip, MAX_CLIENTS);
  const keyOf = createClientKeyer();
  const quotas = createQuotas({
    quotas: { ...DEFAULT_QUOTAS, ...config.quotas },
    sitesListed: !!config.sites?.length,
    store: deps.store,
    log: deps.log ?? console.error,
    databaseBytes: deps.databaseBytes,
  });

  // Per IP and per client, before the body is read: a flood costs a hash and a map lookup per request.
  const clientLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
    const ip = deps.clientIp?.(c);
    // Per IP, whatever the User-Agent (rotating it would otherwise make a new client each time);
    // only where the IP is known. Its own salted key: the IP alone, never kept.
    if (ips && ip) {
      const t = ips.take(await keyOf(ip, '\0ip', c.var.received), c.var.received);
      if (!t.ok) {
        throw new ApiError(
          429,
          `too many requests from this IP address: at most ${ips.rate.limit} per ${per(ips.rate)}; retry in ${t.retryAfterS} s`,
          undefined,
          {
            'Retry-After': String(t.retryAfterS),
          },
        );
      }
    }
    if (clients) {
      const key = await keyOf(ip, c.req.header('user-agent'), c.var.received);
      const t = clients.take(key, c.var.received);
      if (!t.ok) {
        throw new ApiError(
          429,
          `too many requests from this client: at most ${clients.rate.limit} per ${per(clients.rate)}; retry in ${t.retryAfterS} s`,
          undefined,
          {
            'Retry-After': String(t.retryAfterS),
          },
        );
      }
    }
    await next();
  };

  const admit = async (site: string, events: number, origin: string | undefined, received: number): Promise<void> => {
    if (!originAllowed(config, site, origin)) {
      throw new ApiError(403, `origin ${JSON.stringify(origin!.slice(0, 200))} may not send events of site "${site}" (see CJM_ORIGINS)`);
    }
    const t = sites?.take(site, received);
    if (t && !t.ok) {
      throw new ApiError(
        429,
        `too many requests for site "${site}": at most ${sites!.rate.limit} per ${per(sites!.rate)}; retry in ${t.retryAfterS} s`,
        undefined,
        {
          'Retry-After': String(t.retryAfterS),
        },
      );
    }
    await quotas.admit(site, events, received);
  };
  return { clientLimit, admit, stored: (site, events, received) => quotas.stored(site, events, received) };
}
