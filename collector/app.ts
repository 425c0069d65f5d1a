// The collector as a Hono app built from injected dependencies. Runtime-neutral (no node:*),
// so Node (node/server.ts) and Cloudflare Workers (worker/main.ts) serve the very same app.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps, AppEnv } from './env';
import { ApiError } from './errors';
import { COLLECT_PATH, collectRoutes } from './routes/collect';
import { compatRoutes, isCompatPath } from './routes/compat';
import { createIngestGuard } from './routes/guard';
import { eventsRoutes } from './routes/events';
import { attributionRoutes } from './routes/attribution';
import { peopleRoutes } from './routes/people';
import { campaignRoutes } from './routes/campaigns';
import { customEventRoutes } from './routes/custom-events';
import { goalRoutes } from './routes/goals';
import { engagementRoutes } from './routes/engagement';
import { segmentRoutes } from './routes/segments';
import { personPathRoutes } from './routes/person-paths';
import { journeyRoutes } from './routes/journey';
import { restageRoutes } from './routes/restage';
import { visitorsRoutes } from './routes/visitors';
import { firstLine, StorageHealth } from './store/health';
import { accessOf, type Access } from './auth/tokens';
import { surveyRoutes } from './routes/surveys';

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
 * const res = await app.request('/health'); // 200 {"ok":true}, or 503 naming the storage's error (and, with the journal, its fold lag)
 */
export function createApp(appDeps: AppDeps): Hono<AppEnv> {
  const deps: AppDeps = { ...appDeps, storageHealth: appDeps.storageHealth ?? new StorageHealth() };
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
  // script is served with CORP cross-origin by node/server.ts).
  // Nor on the drop-in endpoints of Plausible, Umami and Segment clients (routes/compat.ts).
  const secure = secureHeaders({ overwrite: false });
  app.use('*', (c, next) => (c.req.path === COLLECT_PATH || isCompatPath(c.req.path) ? next() : secure(c, next)));

  // CJM_ADMIN_TOKEN (compared in constant time) is the super-admin of every site; a per-site
  // token (auth/tokens.ts) reads one site (viewer) or also erases (admin).
  const admin: MiddlewareHandler<AppEnv> = bearerAuth({
    verifyToken: async (token, c) => {
      let access: Access | null;
      try {
        access = await accessOf(token, deps.config.adminToken, deps.store);
      } catch (err) {
        log('cjm: reading the API tokens failed', err);
        throw new ApiError(503, 'storage unavailable', undefined, { 'Retry-After': '30' });
      }
      if (access) (c as unknown as Context<AppEnv>).set('access', access);
      return access !== null;
    },
    noAuthenticationHeader: { message: 'unauthorized: missing "Authorization: Bearer <CJM_ADMIN_TOKEN>" header' },
    invalidAuthenticationHeader: { message: 'malformed Authorization header: expected "Bearer <token>"' },
    invalidToken: { message: 'unauthorized: wrong admin token' },
  });
  // Plausible's /api/event and Umami's /api/send and /api/batch are public, like /collect.
  app.use('/api/*', (c, next) => (isCompatPath(c.req.path) ? next() : admin(c, next)));
  app.use('/api/sites/:site/*', async (c, next) => {
    const access = c.var.access;
    if (access.site !== null && access.site !== c.req.param('site')) {
      throw new ApiError(403, `forbidden: this token is for site "${access.site}" only`);
    }
    // Reading (GET) is every role's; anything else (erasure) needs an admin of the site.
    if (access.role === 'viewer' && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      throw new ApiError(403, `forbidden: a viewer token of site "${access.site}" may only read; erasure needs an admin token`);
    }
    await next();
  });

  // 200 {"ok":true} while the store works; 503 with the storage's error while its last write
  // failed (until one succeeds) or its probe fails (SQLite: can the write lock be taken?).
  app.get('/health', async (c) => {
    let problem = deps.storageHealth!.current;
    try {
      await deps.store.probe?.();
    } catch (err) {
      problem ??= { error: firstLine(err), since: now() };
    }
    // With Node's ingest journal or the Workers queue: the fold lag (node/folder.ts, worker/queue.ts).
    const journal = await deps.health?.();
    if (!problem) return c.json(journal ?? { ok: true }, journal && !journal.ok ? 503 : 200);
    // /health is public: the log names the database file (store/sqlite/errors.ts), this answer does not.
    const error = problem.error.replace(/^(SQLite|Postgres) database .*?: (\w+ failed: )/, '$1 database: $2');
    return c.json({ ...journal, ok: false, storage: { error, since: new Date(problem.since).toISOString() } }, 503);
  });
  const guard = createIngestGuard(deps); // /collect and the drop-in endpoints share the limits
  app.route('/', collectRoutes(deps, guard));
  app.route('/', compatRoutes(deps, guard));
  app.route('/', eventsRoutes(deps));
  app.route('/', journeyRoutes(deps));
  app.route('/', attributionRoutes(deps));
  app.route('/', peopleRoutes(deps));
  app.route('/', campaignRoutes(deps));
  app.route('/', customEventRoutes(deps));
  app.route('/', goalRoutes(deps));
  app.route('/', engagementRoutes(deps));
  app.route('/', segmentRoutes(deps));
  app.route('/', personPathRoutes(deps));
  app.route('/', visitorsRoutes(deps));
  app.route('/', restageRoutes(deps));
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
