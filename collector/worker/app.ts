// Builds the collector app for a Worker's env (once per isolate and env) and serves the static
// files (SDK, demo, dashboard) through the ASSETS binding when the asset router has not already answered.
import type { ExecutionContext, Request as WorkerRequest } from '@cloudflare/workers-types';
import type { Hono } from 'hono';
import { createApp, type AppEnv } from '../app';
import { DEFAULT_QUOTAS } from '../settings';
import { isDashboardPath, setDashboardHeaders } from '../dashboard/headers';
import { configFromEnv } from '../config';
import { openD1Store } from '../store/sqlite/d1';
import type { WorkerEnv } from './env';
import { queueHealth, queueingStore } from './queue';
import { firstLine } from '../store/health';

type Built = { app: Hono<AppEnv> } | { error: string };

// workerd hands every request of an isolate the same env object, so the app is built once.
const built = new WeakMap<object, Built>();

/** The app for `env`, or the reason it cannot be built (a missing or weak CJM_ADMIN_TOKEN). */
export function appFor(env: WorkerEnv): Built {
  let b = built.get(env);
  if (!b) {
    try {
      const config = configFromEnv(env);
      if (!config.sites?.length) {
        const cap = { ...DEFAULT_QUOTAS, ...config.quotas }.sites;
        console.warn(
          `cjm: OPEN MODE: anyone can create site ids here, up to ${cap ?? 'any number'} per isolate's view (CJM_MAX_SITES); set CJM_SITES for a deployment`,
        );
      }
      const d1 = openD1Store(env.DB);
      const store = env.QUEUE ? queueingStore(env.QUEUE, d1, { ledger: env.DB }) : d1;
      // With the queue, /health shows its fold lag from the D1 ledger (as Node's journal does).
      const health = env.QUEUE
        ? () => queueHealth(env.DB).catch((err: unknown) => ({ ok: false, store: 'failing', storeError: firstLine(err) }))
        : undefined;
      // Cloudflare sets CF-Connecting-IP (a client cannot): the per-client rate limit hashes it.
      b = {
        app: createApp({
          store,
          config,
          health,
          clientIp: (c) => c.req.header('cf-connecting-ip'),
          country: (c) => c.req.header('cf-ipcountry'),
        }),
      };
    } catch (err) {
      b = { error: (err as Error).message };
    }
    built.set(env, b);
  }
  return b;
}

/** The SDK builds, as collector/node/static.ts serves them. */
const SDK_PATH = /^\/cjm[A-Za-z0-9_.-]*\.m?js$/;
const isStatic = (path: string) => SDK_PATH.test(path) || path === '/demo' || path.startsWith('/demo/') || isDashboardPath(path);

/**
 * The Worker's fetch handler. In production the asset router answers /cjm.js and /demo/
 * before the Worker runs; this covers runs without it (tests, `run_worker_first`).
 */
export async function handleFetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (env.ASSETS && (request.method === 'GET' || request.method === 'HEAD') && isStatic(path)) {
    const res = await env.ASSETS.fetch(request as unknown as WorkerRequest);
    if (res.status !== 404) return withStaticHeaders(path, res as unknown as Response);
  }
  const b = appFor(env);
  if ('error' in b) {
    console.error(`cjm: collector misconfigured: ${b.error}`);
    return Response.json({ error: `collector misconfigured: ${b.error}` }, { status: 500 });
  }
  return b.app.fetch(request, env, ctx);
}

/**
 * Pages on other origins load the SDK: CORP for <script>, CORS for type="module" (as on Node).
 * The dashboard gets its CSP and friends (dist/_headers says the same to the asset router).
 */
function withStaticHeaders(path: string, res: Response): Response {
  if (isDashboardPath(path) && res.status < 400) {
    const out = new Response(res.body, res);
    setDashboardHeaders(out.headers);
    return out;
  }
  if (!SDK_PATH.test(path) || res.status !== 200) return res;
  const out = new Response(res.body, res);
  out.headers.set('Cache-Control', 'public, max-age=3600');
  out.headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
  out.headers.set('Access-Control-Allow-Origin', '*');
  return out;
}
