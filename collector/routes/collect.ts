// POST /collect: CORS (per-site origins when configured), a per-client rate limit, a body size
// cap, then the framework-free ingest() with the origin check and per-site rate limit.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { LIMITS } from '../../sdk/schema';
import type { AppDeps, AppEnv } from '../env';
import { accessOf, type Access } from '../auth/tokens';
import { ApiError } from '../errors';
import { ingest } from '../ingest';
import { originsRestricted, preflightAllowed } from '../limits/origins';
import { createRefusalLog, refusalReason } from '../limits/refusal-log';
import { createIngestGuard, type IngestGuard } from './guard';

/** Path of the ingest endpoint. */
export const COLLECT_PATH = '/collect';

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
export function collectRoutes(deps: AppDeps, guard: IngestGuard = createIngestGuard(deps)): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { config } = deps;
  const restricted = originsRestricted(config);
  const refusals = deps.refusals ?? createRefusalLog();
  const log = deps.log ?? console.error;

  // Pages on other sites send here. text/plain bodies need no preflight, a fetch with
  // application/json does. Every reply, refusals included, is readable by the page (so the SDK
  // sees a 4xx and stops resending) and exposes Retry-After (so it waits as long as told).
  app.use(COLLECT_PATH, async (c, next) => {
    const origin = c.req.header('origin');
    const allowOrigin = restricted && origin ? origin : '*';
    if (c.req.method === 'OPTIONS') {
      if (origin && !preflightAllowed(config, origin)) {
        refusals.record(refusalReason(403, `preflight from origin ${JSON.stringify(origin.slice(0, 200))} (see CJM_ORIGINS)`));
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
    // Refusals the client caused (4xx) go to the log, summarised; 503s are logged where they happen.
    if (c.error instanceof ApiError && c.error.status < 500) refusals.record(refusalReason(c.error.status, c.error.message));
    c.res.headers.set('Access-Control-Allow-Origin', allowOrigin);
    c.res.headers.set('Access-Control-Expose-Headers', 'Retry-After');
    if (restricted) c.res.headers.append('Vary', 'Origin');
  });

  app.post(
    COLLECT_PATH,
    guard.clientLimit,
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
        if (!sender || sender.role === 'viewer')
          throw new ApiError(401, 'unauthorized: wrong token in the Authorization header of /collect');
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
          onBots: (n, userAgent) =>
            refusals.record(
              `stored as bots, left out of the report: User-Agent ${JSON.stringify((userAgent ?? '').slice(0, 160))} (docs/protocol.md#test-traffic-and-bots)`,
              n,
            ),
          admit: async (batch) => {
            const trusted = sender !== null && (sender.site === null || sender.site === batch.site);
            const i = trusted ? -1 : batch.events.findIndex((e) => e.channel !== undefined);
            if (i >= 0) {
              throw new ApiError(
                403,
                `events[${i}].channel: only a server-side sender with a token (Authorization: Bearer <CJM_ADMIN_TOKEN or an admin token of site "${batch.site}">) may set the channel`,
              );
            }
            await guard.admit(batch.site, batch.events.length, origin, c.var.received);
            site = batch.site;
          },
        },
      );
      await guard.stored(site, result.accepted, c.var.received);
      return c.json(result, 202);
    },
  );
  return app;
}
