// The collector as a Hono app built from injected dependencies. Runtime-neutral (no node:*),
// so Node (node.ts) and Cloudflare Workers (worker.ts) serve the very same app.
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps, AppEnv } from './env';
import { ApiError } from './errors';
import { COLLECT_PATH, collectRoutes } from './routes/collect';
import { eventsRoutes } from './routes/events';
import { journeyRoutes } from './routes/journey';
import { visitorsRoutes } from './routes/visitors';
import { surveyRoutes } from './surveys';

export type { AppDeps, AppEnv } from './env';

/** Fallback texts for errors thrown by hono middleware without a message of their own. */
const STATUS_TEXT: Partial<Record<number, string>> = {
  400: 'bad request',
  401: 'unauthorized: send "Authorization: Bearer <CJM_ADMIN_TOKEN>"',
  404: 'not found',
  413: 'body too large',
};

/**
 * Builds the collector app: `POST /collect`, `GET /health`, and the admin API under `/api/*`
 * (bearer token). Every error reply is JSON `{"error": "..."}`.
 * @example
 * const app = createApp({ store: openSqliteStore(':memory:'), config: configFromEnv(process.env) });
 * const res = await app.request('/health'); // 200 {"ok":true}
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? console.error;
  const app = new Hono<AppEnv>();

  // Stamp arrival before anything reads the body: clock-skew correction measures from here.
  app.use('*', async (c, next) => {
    c.set('received', now());
    await next();
  });

  // Not on /collect: Cross-Origin-Resource-Policy: same-origin would stop other sites' pages
  // from reading its replies. overwrite:false lets a route widen a header on purpose (the SDK
  // script is served with CORP cross-origin by node.ts).
  const secure = secureHeaders({ overwrite: false });
  app.use('*', (c, next) => (c.req.path === COLLECT_PATH ? next() : secure(c, next)));

  // bearerAuth compares tokens with hono's timingSafeEqual (hash, then constant-time compare).
  app.use(
    '/api/*',
    bearerAuth({
      token: deps.config.adminToken,
      noAuthenticationHeader: { message: 'unauthorized: missing "Authorization: Bearer <CJM_ADMIN_TOKEN>" header' },
      invalidAuthenticationHeader: { message: 'malformed Authorization header: expected "Bearer <token>"' },
      invalidToken: { message: 'unauthorized: wrong admin token' },
    }),
  );

  app.get('/health', (c) => c.json({ ok: true }));
  app.route('/', collectRoutes(deps));
  app.route('/', eventsRoutes(deps));
  app.route('/', journeyRoutes(deps));
  app.route('/', visitorsRoutes(deps));
  app.route('/', surveyRoutes(deps));

  app.notFound((c) => c.json({ error: 'not found' }, 404));

  // The one place errors become responses.
  app.onError(async (err, c) => {
    if (err instanceof ApiError) {
      return c.json({ error: err.message, ...err.details }, err.status, err.headers);
    }
    if (err instanceof HTTPException) {
      // Middleware (bearerAuth, …) may have built a text response: keep its status and headers
      // (WWW-Authenticate), but answer JSON like everything else.
      const res = err.res;
      const text = err.message || (res ? (await res.clone().text()).slice(0, 300) : '');
      const headers: Record<string, string> = {};
      res?.headers.forEach((value, key) => {
        if (key !== 'content-type' && key !== 'content-length') headers[key] = value;
      });
      const status = err.status as ContentfulStatusCode;
      return c.json({ error: text || STATUS_TEXT[status] || 'request failed' }, status, headers);
    }
    log('cjm: unexpected error', err);
    return c.json({ error: 'internal error' }, 500);
  });

  return app;
}
