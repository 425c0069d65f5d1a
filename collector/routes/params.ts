// What the report routes share: the site id of the path, checked as the wire schema checks it,
// and reads that turn a storage failure into "503 storage unavailable" (the cause logged only).
import type { Context } from 'hono';
import * as v from 'valibot';
import { BatchSchema } from '../../sdk/schema';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';

/** The `:site` of the path; 400 naming the rule when it is not a site id. */
export function siteParam(c: Context<AppEnv>): string {
  const site = c.req.param('site') ?? '';
  const checked = v.safeParse(BatchSchema.entries.site, site);
  if (!checked.success) throw new ApiError(400, `site: ${checked.issues[0].message}`);
  return site;
}

/** Runs a read; a failure is logged as `cjm: <what> failed` and answered 503. */
export async function readOr503<T>(log: (message: string, error: unknown) => void, what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    log(`cjm: ${what} failed`, err);
    throw new ApiError(503, 'storage unavailable');
  }
}
