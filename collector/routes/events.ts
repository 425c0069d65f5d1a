// GET /api/sites/:site/events: the raw events of one site as NDJSON, for backups and for
// loading into other tools (jq, DuckDB, pandas). Auth is applied to /api/* in app.ts.
import { Hono } from 'hono';
import * as v from 'valibot';
import { BatchSchema } from '../../sdk/schema';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { ndjsonStream, toExportedEvent } from '../export/ndjson';
import { parseRange } from '../export/range';

/**
 * Routes of the events export. `?from=&to=` filter on the corrected `time` (see export/range.ts).
 * @example curl -H "Authorization: Bearer $CJM_ADMIN_TOKEN" 'http://127.0.0.1:8787/api/sites/shop/events?from=2025-01-01'
 */
export function eventsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const log = deps.log ?? console.error;

  app.get('/api/sites/:site/events', async (c) => {
    const site = c.req.param('site');
    const checked = v.safeParse(BatchSchema.entries.site, site);
    if (!checked.success) throw new ApiError(400, `site: ${checked.issues[0].message}`);
    const range = parseRange(c.req.query('from'), c.req.query('to'));

    let body: ReadableStream<Uint8Array>;
    try {
      body = await ndjsonStream(deps.store.exportEvents(site, range), toExportedEvent, (err) => log('cjm: export stream failed', err));
    } catch (err) {
      log('cjm: export failed', err);
      throw new ApiError(503, 'storage unavailable');
    }
    return c.body(body, 200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' });
  });
  return app;
}
