// POST /api/sites/:site/restage: one chunk of restaging (docs/journey.md, "Restaging stored
// events") — the stored events' stages re-inferred with today's rules and every derived table
// brought in line. On Workers this is the way to run it (a request per chunk, so each stays
// within D1's limits); on Node `npm run restage` loops over the same store method. Auth: /api/* (app.ts).
import { Hono } from 'hono';
import * as v from 'valibot';
import { BatchSchema } from '../../sdk/schema';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { RESTAGE_MAX_CHUNK, type RestageResult } from '../store/sql/restage';

/** Visitors per request unless `limit` says otherwise: small enough for one D1 batch. */
export const ROUTE_CHUNK = 100;

/** A query flag: absent, 0/false or 1/true; anything else is a 400 naming it. */
function flag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new ApiError(400, `${name}: must be 1 or 0 (true or false), not ${JSON.stringify(value.slice(0, 20))}`);
}

/**
 * Routes of restaging. Query: `after` (the `next` of the previous answer; empty or absent
 * starts at the first visitor), `limit` (visitors, 1–5000, default {@link ROUTE_CHUNK}),
 * `includeUnknown=1` (also events stored before migration 0008), `dryRun=1` (count, write
 * nothing). Answers 200 with the chunk's {@link RestageResult}: repeat with `after=next` until
 * `next` is null.
 * @example curl -X POST -H "Authorization: Bearer $CJM_ADMIN_TOKEN" 'http://127.0.0.1:8787/api/sites/shop/restage?limit=100'
 */
export function restageRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const log = deps.log ?? console.error;

  app.post('/api/sites/:site/restage', async (c) => {
    const site = c.req.param('site');
    const checked = v.safeParse(BatchSchema.entries.site, site);
    if (!checked.success) throw new ApiError(400, `site: ${checked.issues[0].message}`);
    const after = c.req.query('after') || undefined;
    if (after !== undefined && after.length > 64)
      throw new ApiError(400, 'after: must be a visitor id of at most 64 characters (the `next` of the previous answer)');
    const rawLimit = c.req.query('limit');
    const limit = rawLimit === undefined || rawLimit === '' ? ROUTE_CHUNK : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > RESTAGE_MAX_CHUNK)
      throw new ApiError(400, `limit: must be an integer from 1 to ${RESTAGE_MAX_CHUNK}`);
    const includeUnknown = flag('includeUnknown', c.req.query('includeUnknown'));
    const dryRun = flag('dryRun', c.req.query('dryRun'));

    let result: RestageResult;
    try {
      result = await deps.store.restage(site, { stages: deps.config.stages, after, limit, includeUnknown, dryRun });
    } catch (err) {
      log('cjm: restaging failed', err);
      throw new ApiError(503, 'storage unavailable; this chunk changed nothing, retry it', undefined, { 'Retry-After': '30' });
    }
    return c.json(result, 200, { 'Cache-Control': 'no-store' });
  });
  return app;
}
