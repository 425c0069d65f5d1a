// Drop-in endpoints for sites that already run Plausible, Umami or Segment clients: only the
// client's host changes. Each route parses its client's body, maps it (collector/compat/, one
// module per client) and stores it through the same ingest as /collect. docs/compat.md.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { SessionKeeper, storeSalts, visitorHash } from '../compat/identity';
import { ingestDrafts, type CompatDeps, type DraftGroup } from '../compat/ingest';
import { mapPlausible } from '../compat/plausible';
import { isObject } from '../compat/props';
import { mapSegment, SEGMENT_PATH_TYPES, type SegmentMapped } from '../compat/segment';
import { MappingError } from '../compat/types';
import { mapUmami } from '../compat/umami';
import { preflightAllowed } from '../limits/origins';
import { createIngestGuard, type IngestGuard } from './guard';

/** Public paths under /api/* (exempt from the admin token): Plausible and Umami. */
export const COMPAT_API_PATHS: readonly string[] = ['/api/event', '/api/send', '/api/batch'];

/** True for every path these routes answer (app.ts gives them /collect's header treatment). */
export const isCompatPath = (path: string): boolean => COMPAT_API_PATHS.includes(path) || path.startsWith('/v1/');

/** Largest body of Plausible and Umami (one event). */
const SMALL_BODY = 64 * 1024;
/** Largest body of Segment batches (its clients send ≤ 500 KB) and Umami /api/batch. */
const LARGE_BODY = 1024 * 1024;

const ALLOW_HEADERS = 'Content-Type, Authorization, X-Umami-Cache, X-Retry-Count';

const limit = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, `body too large: at most ${maxSize} bytes`);
    },
  });

/** The JSON body, or a 400 naming the problem. */
async function readJson(c: Context<AppEnv>): Promise<unknown> {
  let text: string;
  try {
    text = await c.req.text();
  } catch {
    throw new ApiError(400, 'could not read the request body');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(400, `malformed JSON: ${(err as Error).message}`);
  }
}

const mapped = <T>(map: () => T): T => {
  try {
    return map();
  } catch (err) {
    if (err instanceof MappingError) throw new ApiError(400, err.message, { errors: err.errors });
    throw err;
  }
};

/** The write key of `Authorization: Basic base64(key:)`; throws 401 for other schemes (OAuth). */
function basicUser(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m) throw new ApiError(401, 'authorization: only "Basic base64(writeKey:)" is accepted (OAuth tokens are not)');
  let decoded: string;
  try {
    decoded = atob(m[1]!.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    throw new ApiError(401, 'authorization: the Basic credentials are not base64');
  }
  const user = decoded.split(':')[0];
  return user || undefined;
}

/**
 * Routes of the drop-in endpoints (and their CORS preflights):
 * - Plausible `POST /api/event` → 202 `ok` (text)
 * - Umami `POST /api/send` → 200 `{cache, sessionId, visitId}`; `POST /api/batch` → 200 `{size, processed, errors, details, cache}`
 * - Segment `POST /v1/batch|import|b` and single messages `/v1/t|p|i|s|g|a`, `/v1/track|page|identify|screen|group|alias` → 200 `{success: true}`; `/v1/m` ignored
 * Errors as /collect's (JSON `{error}`; 400 bad body, 403 site or origin refused, 413, 429, 503).
 * @example app.route('/', compatRoutes(deps, guard))
 */
export function compatRoutes(deps: AppDeps, guard: IngestGuard = createIngestGuard(deps)): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { config } = deps;
  const salts = deps.salts ?? storeSalts(deps.store);
  const sessions = new SessionKeeper(deps.store);
  // Zero configuration: a client's own site identifier is the cjm site id unless aliased.
  const siteOf = (id: string) => config.siteAliases?.get(id) ?? id;

  // CORS on every answer, errors included. The Origin is echoed (with credentials allowed, for
  // Umami's data-fetch-credentials="include"): the collector sets no cookies, so this grants
  // nothing `*` would not. Allowed headers are named: the Fetch standard leaves Authorization
  // (analytics-next sends it) out of `*`, and Umami ≤ 2.15 loses every event after the first
  // unless X-Umami-Cache is allowed.
  app.use('*', async (c, next) => {
    if (!isCompatPath(c.req.path)) return next();
    const origin = c.req.header('origin');
    const cors: Record<string, string> = origin
      ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' }
      : { 'Access-Control-Allow-Origin': '*' };
    if (c.req.method === 'OPTIONS') {
      if (origin && !preflightAllowed(config, origin)) {
        throw new ApiError(403, `origin ${JSON.stringify(origin.slice(0, 200))} may not send to this collector (see CJM_ORIGINS)`);
      }
      const asked = c.req.header('access-control-request-headers');
      return c.body(null, 204, {
        ...cors,
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': asked ? `${ALLOW_HEADERS}, ${asked}` : ALLOW_HEADERS,
        'Access-Control-Max-Age': '86400',
      });
    }
    await next();
    for (const [k, v] of Object.entries(cors)) k === 'Vary' ? c.res.headers.append(k, v) : c.res.headers.set(k, v);
    c.res.headers.set('Access-Control-Expose-Headers', 'Retry-After');
  });

  const compatDeps = (c: Context<AppEnv>, origin: string | undefined): CompatDeps => ({
    ...deps,
    sessions,
    admit: (batch) => guard.admit(batch.site, batch.events.length, origin, c.var.received),
    stored: guard.stored,
  });
  // Only where a trusted party sets it (env.ts `country`): any client can send the headers.
  const country = (c: Context<AppEnv>) => deps.country?.(c);

  // ---- Plausible -------------------------------------------------------------------------
  app.post('/api/event', guard.clientLimit, limit(SMALL_BODY), async (c) => {
    const body = await readJson(c).catch((err: ApiError) => {
      throw new ApiError(400, err.message, { errors: { body: err.message } });
    });
    const { sites, event } = mapped(() => mapPlausible(body));
    const ua = c.req.header('user-agent');
    const ip = deps.clientIp?.(c);
    const groups: DraftGroup[] = [];
    for (const site of [...new Set(sites.map(siteOf))]) {
      groups.push({ site, userAgent: ua, drafts: [{ ...event }], visitor: await visitorHash(salts, site, ip, ua, c.var.received) });
    }
    await ingestDrafts(groups, { received: c.var.received, country: country(c) }, compatDeps(c, c.req.header('origin')));
    return c.text('ok', 202);
  });

  // ---- Umami -----------------------------------------------------------------------------
  const umamiOne = async (c: Context<AppEnv>, body: unknown) => {
    const m = mapped(() => mapUmami(body, c.req.header('origin')));
    m.site = siteOf(m.site);
    const ua = m.userAgent ?? c.req.header('user-agent');
    const visitor = await visitorHash(salts, m.site, m.ip ?? deps.clientIp?.(c), ua, c.var.received);
    const r = await ingestDrafts(
      [{ site: m.site, userAgent: ua, drafts: m.events, visitor }],
      { received: c.var.received, country: country(c) },
      compatDeps(c, c.req.header('origin')),
    );
    const session = r.session ?? visitor;
    // Never `disabled`: that switches the ≥ 2.16 tracker off. The token is opaque to Umami.
    return { cache: session, sessionId: visitor, visitId: session };
  };
  app.post('/api/send', guard.clientLimit, limit(SMALL_BODY), async (c) => c.json(await umamiOne(c, await readJson(c)), 200));
  app.post('/api/batch', guard.clientLimit, limit(LARGE_BODY), async (c) => {
    const body = await readJson(c);
    if (!Array.isArray(body))
      throw new ApiError(400, 'body must be a JSON array of /api/send bodies', { errors: { body: 'must be an array' } });
    const details: { index: number; response: unknown }[] = [];
    let cache: string | undefined;
    for (const [index, item] of body.entries()) {
      try {
        cache = (await umamiOne(c, item)).cache;
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        details.push({ index, response: { error: err.message, status: err.status } });
      }
    }
    return c.json(
      { size: body.length, processed: body.length - details.length, errors: details.length, details, ...(cache ? { cache } : {}) },
      200,
    );
  });

  // ---- Segment ---------------------------------------------------------------------------
  app.post('/v1/m', (c) => c.json({ success: true }, 200)); // analytics-next's own metrics
  const segment = async (c: Context<AppEnv>, single?: string) => {
    const keyFromAuth = basicUser(c.req.header('authorization'));
    const body = await readJson(c);
    if (!isObject(body)) throw new ApiError(400, 'body must be a JSON object', { errors: { body: 'must be an object' } });
    let messages: unknown[];
    if (single) messages = [body];
    else if (Array.isArray(body.batch)) messages = body.batch;
    else throw new ApiError(400, 'batch: must be an array of messages', { errors: { batch: 'must be an array' } });
    const batchKey = typeof body.writeKey === 'string' && body.writeKey ? body.writeKey : undefined;

    const groups = new Map<string, DraftGroup>();
    const dropped: string[] = [];
    for (const [i, msg] of messages.entries()) {
      const m = mapSegment(msg, single, single ? undefined : body.sentAt);
      if ('drop' in m) {
        dropped.push(`[${i}] ${m.drop}`);
        continue;
      }
      if (isObject(msg) && m.event.id === undefined) m.event.id = `m:${JSON.stringify(msg)}`; // no messageId: the message's hash
      if (!single && isObject(body.context) && !m.userAgent && typeof body.context.userAgent === 'string')
        m.userAgent = body.context.userAgent;
      const key = keyFromAuth ?? m.writeKey ?? batchKey;
      if (!key)
        throw new ApiError(400, 'writeKey: missing (send it as the Basic auth user, or as writeKey in the body)', {
          errors: { writeKey: 'is required' },
        });
      add(groups, siteOf(key), m);
    }
    await ingestDrafts(
      [...groups.values()],
      { received: c.var.received, country: country(c) },
      compatDeps(c, c.req.header('origin')),
      true,
    );
    if (dropped.length)
      (deps.log ?? console.error)(`cjm: compat: ${dropped.length} Segment message(s) dropped`, dropped.slice(0, 10).join('; '));
    return c.json({ success: true }, 200);
  };
  for (const path of ['/v1/batch', '/v1/import', '/v1/b']) app.post(path, guard.clientLimit, limit(LARGE_BODY), (c) => segment(c));
  for (const [short, type] of Object.entries(SEGMENT_PATH_TYPES))
    app.post(`/v1/${short}`, guard.clientLimit, limit(LARGE_BODY), (c) => segment(c, type));
  app.all('/v1/*', () => {
    throw new ApiError(404, 'not found: Segment endpoints are /v1/batch, /v1/import, /v1/b and the single-message paths');
  });
  return app;
}

/** Adds a mapped message to the group of its site, User-Agent and sent time. */
function add(groups: Map<string, DraftGroup>, site: string, m: SegmentMapped): void {
  const key = `${site}\n${m.userAgent ?? ''}\n${m.sent ?? ''}`;
  let g = groups.get(key);
  if (!g) {
    g = { site, drafts: [], ...(m.userAgent ? { userAgent: m.userAgent } : {}), ...(m.sent !== undefined ? { sent: m.sent } : {}) };
    groups.set(key, g);
  }
  g.drafts.push(m.event);
}
