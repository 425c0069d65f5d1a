// POST /collect: CORS for any origin, a body size cap, then the framework-free ingest().
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { LIMITS } from '../../sdk/schema';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { ingest } from '../ingest';

/** Path of the ingest endpoint. */
export const COLLECT_PATH = '/collect';

/**
 * Routes of `POST /collect` (and its CORS preflight). Replies, all JSON:
 * - 202 `{accepted, duplicates}`: stored (duplicates were already stored; a retry is safe)
 * - 400 `{error, issues?}`: bad batch, refused whole; the SDK resends its events one by one
 * - 403: site id not accepted (CJM_SITES)
 * - 413: body over LIMITS.bodyBytes or more than LIMITS.events events: split and resend
 * - 503 + Retry-After: storage unavailable, retry later
 * @example app.route('/', collectRoutes(deps))
 */
export function collectRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Any site may embed the SDK. text/plain bodies need no preflight, but a fetch with
  // application/json does, so OPTIONS is answered too.
  app.use(COLLECT_PATH, cors({ origin: '*', allowMethods: ['POST', 'OPTIONS'], allowHeaders: ['Content-Type'], maxAge: 86400 }));

  app.post(
    COLLECT_PATH,
    bodyLimit({
      maxSize: LIMITS.bodyBytes,
      onError: () => {
        throw new ApiError(413, `body too large: at most ${LIMITS.bodyBytes} bytes; send fewer events per batch`);
      },
    }),
    async (c) => {
      let body: string;
      try {
        body = await c.req.text(); // any content type: sendBeacon and fetch send text/plain
      } catch {
        throw new ApiError(400, 'could not read the request body');
      }
      const result = await ingest(
        body,
        {
          received: c.var.received,
          userAgent: c.req.header('user-agent'),
          country: c.req.header('cf-ipcountry') ?? c.req.header('x-country'),
        },
        deps,
      );
      return c.json(result, 202);
    },
  );
  return app;
}
