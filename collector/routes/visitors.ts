// DELETE /api/sites/:site/visitors/:id: erases one person's data on request (GDPR art. 17):
// the visitor's events and those of every visitor linked to it by identify. Auth: /api/* (app.ts).
import { Hono } from 'hono';
import * as v from 'valibot';
import { BatchSchema } from '../../sdk/schema';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';

/** Longest id accepted: a user id may be up to 128 characters on the wire (a visitor id 64). */
const MAX_ID = 128;

/**
 * Routes of the erasure API. `:id` is a visitor id or a user id. Answers 200
 * `{"deleted": <events>, "visitors": [<visitor ids erased>]}`; erasing again answers `deleted: 0`.
 * @example curl -X DELETE -H "Authorization: Bearer $CJM_ADMIN_TOKEN" http://127.0.0.1:8787/api/sites/shop/visitors/4c1e…
 */
export function visitorsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const log = deps.log ?? console.error;

  app.delete('/api/sites/:site/visitors/:id', async (c) => {
    const site = c.req.param('site');
    const checked = v.safeParse(BatchSchema.entries.site, site);
    if (!checked.success) throw new ApiError(400, `site: ${checked.issues[0].message}`);
    const id = c.req.param('id');
    if (!id || id.length > MAX_ID) throw new ApiError(400, `id: must be a visitor or user id of 1–${MAX_ID} characters`);

    let result;
    try {
      // The clock that stamps /collect's `received` (app.ts): the tombstone is compared with it.
      result = await deps.store.eraseVisitor(site, id, (deps.now ?? Date.now)());
    } catch (err) {
      log('cjm: erasing a visitor failed', err);
      throw new ApiError(503, 'storage unavailable; nothing was erased, retry', undefined, { 'Retry-After': '30' });
    }
    return c.json(result, 200, { 'Cache-Control': 'no-store' });
  });
  return app;
}
