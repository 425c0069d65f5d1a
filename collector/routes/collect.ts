// POST /collect: CORS (per-site origins when configured), a per-client rate limit, a body size
// cap, then the framework-free ingest() with the origin check and per-site rate limit.
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { LIMITS } from '../../sdk/schema';
import type { AppDeps, AppEnv } from '../env';
import { accessOf, type Access } from '../auth/tokens';
import { ApiError } from '../errors';
import { ingest } from '../ingest';
import { createClientKeyer } from '../limits/client-key';
import { originAllowed, originsRestricted, preflightAllowed } from '../limits/origins';
import { TokenBuckets, type Rate } from '../limits/token-bucket';
import { createQuotas } from '../limits/quotas';
import { DEFAULT_QUOTAS, DEFAULT_RATE_LIMITS } from '../settings';

/** Path of the ingest endpoint. */
export const COLLECT_PATH = '/collect';

/** Most clients and sites whose buckets are kept in memory (least recently seen go first). */
const MAX_CLIENTS = 10_000;
const MAX_SITES = 1_000;

const UNIT: Readonly<Record<number, string>> = { 1000: 's', 60_000: 'min', 3_600_000: 'h' };
const per = (rate: Rate) => UNIT[rate.windowMs] ?? `${rate.windowMs / 1000} s`;

/**
 * Routes of `POST /collect` (and its CORS preflight). Replies, all JSON:
 * - 202 `{accepted, duplicates}`: stored (duplicates were already stored; a retry is safe)
 * - 400 `{error, issues?}`: bad batch, refused whole; the SDK resends its events one by one
 * - 401: an Authorization header with a wrong token
 * - 403: site id not accepted (CJM_SITES), its events not accepted from this Origin (CJM_ORIGINS),
 *   or an event names a `channel` without a token (server-side senders only)
 * - 413: body over LIMITS.bodyBytes or more than LIMITS.events events: split and resend
 * - 422: the store refuses these rows for good (a constraint); resending them as is fails again
 * - 429 + Retry-After: too many requests from this client, IP or for this site, or the site's
 *   daily event quota is used up (CJM_SITE_DAILY_EVENTS)
 * - 503 + Retry-After: storage unavailable, retry later
 * - 507: the database is past CJM_MAX_DB_MB
 * @example app.route('/', collectRoutes(deps))
 */
export function collectRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { config } = deps;
  const restricted = originsRestricted(config);
  const rates = { ...DEFAULT_RATE_LIMITS, ...config.rateLimits };
  const clients = rates.client && new TokenBuckets(rates.client, MAX_CLIENTS);
  const sites = rates.site && new TokenBuckets(rates.site, MAX_SITES);
  const ips = rates.ip && new TokenBuckets(rates.ip, MAX_CLIENTS);
  const keyOf = createClientKeyer();
  const log = deps.log ?? console.error;
  const quotas = createQuotas({
    quotas: { ...DEFAULT_QUOTAS, ...config.quotas },
    sitesListed: !!config.sites?.length,
    store: deps.store,
    log,
    databaseBytes: deps.databaseBytes,
  });

  // Pages on other sites send here. text/plain bodies need no preflight, a fetch with
  // application/json does. Every reply, refusals included, is readable by the page (so the SDK
  // sees a 4xx and stops resending) and exposes Retry-After (so it waits as long as told).
  app.use(COLLECT_PATH, async (c, next) => {
    const origin = c.req.header('origin');
    const allowOrigin = restricted && origin ? origin : '*';
    if (c.req.method === 'OPTIONS') {
      if (origin && !preflightAllowed(config, origin)) {
        throw new ApiError(403, `origin ${JSON.stringify(origin.slice(0, 200))} may not send to this collector (see CJM_ORIGINS)`);
      }
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': allowOrigin,
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type',
        'Access-Control-Max-Age': '86400',
        ...(restricted ? { Vary: 'Origin' } : {}),
      });
    }
    await next();
    c.res.headers.set('Access-Control-Allow-Origin', allowOrigin);
    c.res.headers.set('Access-Control-Expose-Headers', 'Retry-After');
    if (restricted) c.res.headers.append('Vary', 'Origin');
  });

  // Per client, before the body is read: a flood costs a hash and a map lookup per request.
  const clientLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
    const ip = deps.clientIp?.(c);
    // Per IP, whatever the User-Agent (rotating it would otherwise make a new client each time);
    // only where the IP is known. Its own salted key: the IP alone, never kept.
    if (ips && ip) {
      const t = ips.take(await keyOf(ip, '\0ip', c.var.received), c.var.received);
      if (!t.ok) {
        throw new ApiError(429, `too many requests from this IP address: at most ${ips.rate.limit} per ${per(ips.rate)}; retry in ${t.retryAfterS} s`, undefined, {
          'Retry-After': String(t.retryAfterS),
        });
      }
    }
    if (clients) {
      const key = await keyOf(ip, c.req.header('user-agent'), c.var.received);
      const t = clients.take(key, c.var.received);
      if (!t.ok) {
        throw new ApiError(429, `too many requests from this client: at most ${clients.rate.limit} per ${per(clients.rate)}; retry in ${t.retryAfterS} s`, undefined, {
          'Retry-After': String(t.retryAfterS),
        });
      }
    }
    await next();
  };

  app.post(
    COLLECT_PATH,
    clientLimit,
    bodyLimit({
      maxSize: LIMITS.bodyBytes,
      onError: () => {
        throw new ApiError(413, `body too large: at most ${LIMITS.bodyBytes} bytes; send fewer events per batch`);
      },
    }),
    async (c) => {
      // Server-side senders may authenticate with CJM_ADMIN_TOKEN or an admin token of the
      // batch's site (auth/tokens.ts); only they may name an event's channel (a browser that did
      // could also escape the bot filter, enrich.ts).
      const auth = c.req.header('authorization');
      let sender: Access | null = null;
      if (auth !== undefined) {
        const token = /^Bearer (\S+)$/i.exec(auth.trim())?.[1];
        try {
          sender = token ? await accessOf(token, config.adminToken, deps.store) : null;
        } catch (err) {
          log('cjm: reading the API tokens failed', err);
          throw new ApiError(503, 'storage unavailable', undefined, { 'Retry-After': '30' });
        }
        if (!sender || sender.role === 'viewer') throw new ApiError(401, 'unauthorized: wrong token in the Authorization header of /collect');
      }
      let body: string;
      try {
        body = await c.req.text(); // any content type: sendBeacon and fetch send text/plain
      } catch {
        throw new ApiError(400, 'could not read the request body');
      }
      const origin = c.req.header('origin');
      let site = '';
      const result = await ingest(
        body,
        {
          received: c.var.received,
          userAgent: c.req.header('user-agent'),
          country: deps.country?.(c),
        },
        {
          ...deps,
          admit: async (batch) => {
            const trusted = sender !== null && (sender.site === null || sender.site === batch.site);
            const i = trusted ? -1 : batch.events.findIndex((e) => e.channel !== undefined);
            if (i >= 0) {
              throw new ApiError(403, `events[${i}].channel: only a server-side sender with a token (Authorization: Bearer <CJM_ADMIN_TOKEN or an admin token of site "${batch.site}">) may set the channel`);
            }
            if (!originAllowed(config, batch.site, origin)) {
              throw new ApiError(403, `origin ${JSON.stringify(origin!.slice(0, 200))} may not send events of site "${batch.site}" (see CJM_ORIGINS)`);
            }
            const t = sites?.take(batch.site, c.var.received);
            if (t && !t.ok) {
              throw new ApiError(429, `too many requests for site "${batch.site}": at most ${sites!.rate.limit} per ${per(sites!.rate)}; retry in ${t.retryAfterS} s`, undefined, {
                'Retry-After': String(t.retryAfterS),
              });
            }
            await quotas.admit(batch.site, batch.events.length, c.var.received);
            site = batch.site;
          },
        },
      );
      await quotas.stored(site, result.accepted, c.var.received);
      return c.json(result, 202);
    },
  );
  return app;
}
