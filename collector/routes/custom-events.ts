// GET /api/sites/:site/custom-events/:name: one custom event's property breakdown (e.g. `search`
// by `term`: the site-search terms) in a period (collector/report/custom-events.ts). Behind the
// admin token (app.ts); reads only.
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { eventProperties } from '../report/custom-events';
import { parseReportQuery } from '../report/query';
import { scopeFilters } from '../filters';
import type { Scope } from '../store/reads';
import { readOr503, siteParam } from './params';

/**
 * Query: `from`, `to`, `persona`, `channel`, `device`, `country`, `source`, `medium`, `campaign`, `content`, `term` (as the journey report).
 * @example curl -H "Authorization: Bearer $CJM_ADMIN_TOKEN" 'http://127.0.0.1:8787/api/sites/shop/custom-events/search'
 */
export function customEventRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  app.get('/api/sites/:site/custom-events/:name', async (c) => {
    const site = siteParam(c);
    const name = c.req.param('name');
    if (!name || name.length > 200) throw new ApiError(400, 'name: 1–200 characters');
    const q = parseReportQuery(c.req.query(), now());
    const scope: Scope = { site, from: q.from, to: q.to };
    Object.assign(scope, scopeFilters(q));
    return c.json(await readOr503(deps.log ?? console.error, 'event properties', () => eventProperties(deps.store, scope, name)), 200, {
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
