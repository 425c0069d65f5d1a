// Node-only static files: the SDK builds from dist/ (cacheable, loadable from any origin), the
// dashboard (dist/dashboard/, at / and /dashboard/*) and the demo pages from examples/ under /demo/.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono, MiddlewareHandler } from 'hono';
import { setDashboardHeaders } from '../dashboard/headers';
import type { AppEnv } from '../env';

/** Where the static files live. */
export interface StaticDirs {
  /** The SDK build output (cjm.js, cjm.mjs, cjm-*.mjs chunks). */
  dist: string;
  /** The demo site. */
  examples: string;
}

// Pages on other origins load the SDK: allow it cross-origin (CORP for <script>, CORS for
// type="module"), and let browsers cache it for an hour.
const sdkHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.res.status !== 200) return;
  c.res.headers.set('Cache-Control', 'public, max-age=3600');
  c.res.headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
  c.res.headers.set('Access-Control-Allow-Origin', '*');
};

// The dashboard page and files get its strict CSP and friends (collector/dashboard/headers.ts).
const dashboardHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.res.status < 400) setDashboardHeaders(c.res.headers);
};

/**
 * Adds `GET /cjm.js` (and every `dist/cjm*.js|mjs` chunk), the dashboard (`/`, `/dashboard/*`)
 * and `/demo/*` to an app.
 * @example mountStatic(app, { dist: 'dist', examples: 'examples' })
 */
export function mountStatic(app: Hono<AppEnv>, dirs: StaticDirs): void {
  app.get('/:file{cjm[A-Za-z0-9_.-]*\\.m?js}', sdkHeaders, serveStatic<AppEnv>({ root: dirs.dist }));

  app.get('/', dashboardHeaders, serveStatic<AppEnv>({ root: dirs.dist, rewriteRequestPath: () => '/dashboard/index.html' }), (c) =>
    c.json({ error: 'dashboard not built: run npm run build' }, 404),
  );
  app.get('/dashboard/*', dashboardHeaders, serveStatic<AppEnv>({ root: dirs.dist }));

  app.get('/demo', (c) => c.redirect('/demo/', 301));
  app.get(
    '/demo/*',
    // A folder without its trailing slash would break the page's relative links.
    async (c, next) => {
      const rest = c.req.path.slice('/demo'.length);
      if (!rest.endsWith('/') && !rest.includes('..') && isDirectory(join(dirs.examples, rest))) {
        return c.redirect(`${c.req.path}/`, 301);
      }
      await next();
    },
    demoHeaders,
    serveStatic<AppEnv>({ root: dirs.examples, rewriteRequestPath: (p) => p.slice('/demo'.length) }),
    // The SPA routes its own URLs: a reload or a shared link of one of its views gets its page.
    serveStatic<AppEnv>({ root: dirs.examples, rewriteRequestPath: (p) => (p.startsWith('/demo/spa/') ? '/spa/index.html' : p) }),
  );
}

// The demo stands for a customer's own site, which sends the browsers' default referrer policy
// (secureHeaders' no-referrer would blank document.referrer between the shop's own pages).
const demoHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.res.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
};

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
