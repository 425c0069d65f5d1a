// GET /api/sites/:site/custom-events/:name: one custom event's property breakdown (e.g. `search`
// by `term`: the site-search terms) in a period (collector/report/custom-events.ts). Behind the
// admin token (app.ts); reads only.
import { Hono } from 'hono';
import * as v from 'valibot';
import { BatchSchema } from '../../sdk/schema';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { eventProperties } from '../report/custom-events';
import { parseReportQuery } from '../report/query';
import type { Scope } from '../report/sql';

/**
 * Query: `from`, `to`, `persona`, `channel`, `device`, `country` (as the journey report).
 * @example curl -H "Authorization: Bearer $CJM_ADMIN_TOKEN" 'http://127.0.0.1:8787/api/sites/shop/custom-events/search'
 */
export function customEventRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  app.get('/api/sites/:site/custom-events/:name', async (c) => {
    const site = c.req.param('site');
    const checked = v.safeParse(BatchSchema.entries.site, site);
    if (!checked.success) throw new ApiError(400, `site: ${checked.issues[0].message}`);
    const name = c.req.param('name');
    if (!name || name.length > 200) throw new ApiError(400, 'name: 1–200 characters');
    const q = parseReportQuery(c.req.query(), now());
    const scope: Scope = { site, from: q.from, to: q.to };
    for (const k of ['persona', 'channel', 'device', 'country'] as const) if (q[k] !== undefined) scope[k] = q[k];
    try {
      return c.json(await eventProperties(deps.store, scope, name), 200, { 'Cache-Control': 'no-store' });
    } catch (err) {
      (deps.log ?? console.error)('cjm: event properties failed', err);
      throw new ApiError(503, 'storage unavailable');
    }
  });
  return app;
}
