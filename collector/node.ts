// Node entry: serves the collector app with @hono/node-server on an SQLite file, plus the SDK
// build and the demo pages. `tsx collector/node.ts` (npm start) runs it; tests and benchmarks
// call startServer() on port 0 with a temp database.
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApp, type AppEnv } from './app';
import { assertConfig, limitSettingsFromEnv, parseSites, parseTargets, type CollectorConfig } from './config';
import { applyRetention } from './lifecycle/retention';
import { generateToken, loadOrCreateAdminToken } from './node/admin-token';
import { nodeClientIp } from './node/client-ip';
import { mountStatic } from './node/static';
import { openSqliteStore } from './store/sqlite';
import type { Store } from './store/types';
import { DEFAULT_RATE_LIMITS, parseFlag, type Rate } from './settings';
import { parseSurveys } from './surveys';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Options of {@link startServer}; every one has a development default. */
export interface StartOptions {
  /** TCP port; 0 picks a free one. Default 8787. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1 (not reachable from other machines). */
  host?: string;
  /** SQLite file (its folder is created), or ':memory:'. Default ./data/cjm.db. */
  dbPath?: string;
  /** Admin API token. Default: read from, or generated into, `<db folder>/admin-token`. */
  adminToken?: string;
  /** Accepted site ids; empty accepts any. */
  sites?: readonly string[];
  /** Allowed browser origins per site (CJM_ORIGINS); a site not listed accepts any origin. */
  origins?: CollectorConfig['origins'];
  /** Rate limits of /collect; `{ client: null, site: null }` turns them off (benchmarks). */
  rateLimits?: CollectorConfig['rateLimits'];
  /** Delete events older than this many days, at start and then hourly. Default: keep all. */
  retentionDays?: number;
  /** The journey's stages in order (CJM_STAGES). Default awareness … advocacy. */
  stages?: CollectorConfig['stages'];
  /** Targets of the future-state map (CJM_TARGETS). */
  targets?: CollectorConfig['targets'];
  /** Micro-surveys (CJM_SURVEYS, docs/surveys.md). */
  surveys?: CollectorConfig['surveys'];
  /** Take the client IP from X-Forwarded-For (set by your reverse proxy) instead of the socket. */
  trustProxy?: boolean;
  /** SDK build folder served at /cjm.js. Default <repo>/dist. */
  distDir?: string;
  /** Demo site folder served at /demo/. Default <repo>/examples. */
  examplesDir?: string;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
  /** Start-up banner lines go here. Default console.log; pass `() => {}` for silence. */
  print?: (line: string) => void;
}

/** A listening collector. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8787` (no trailing slash). */
  url: string;
  adminToken: string;
  store: Store;
  app: Hono<AppEnv>;
  /** Stops listening, drops open connections, closes the database. */
  close(): Promise<void>;
}

/**
 * Starts the collector on Node.
 * @example
 * const server = await startServer({ port: 0, dbPath: join(tmp, 'cjm.db'), print: () => {} });
 * await fetch(`${server.url}/health`);
 * await server.close();
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const dbPath = options.dbPath ?? './data/cjm.db';
  const print = options.print ?? console.log;
  const inMemory = dbPath === ':memory:';
  const dataDir = inMemory ? null : resolve(dirname(dbPath));
  if (dataDir) mkdirSync(dataDir, { recursive: true });

  let adminToken = options.adminToken;
  let tokenNote = 'admin token: from CJM_ADMIN_TOKEN';
  if (!adminToken) {
    if (dataDir) {
      const t = loadOrCreateAdminToken(dataDir);
      adminToken = t.token;
      tokenNote = `admin token (${t.created ? 'generated and saved' : 'read'} in ${t.file}): ${adminToken}`;
    } else {
      adminToken = generateToken();
      tokenNote = `admin token (this run only): ${adminToken}`;
    }
  }
  const config = assertConfig({
    adminToken,
    sites: options.sites ?? [],
    ...(options.origins?.size ? { origins: options.origins } : {}),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    ...(options.retentionDays ? { retentionDays: options.retentionDays } : {}),
    ...(options.stages?.length ? { stages: options.stages } : {}),
    ...(options.targets?.length ? { targets: options.targets } : {}),
    ...(options.surveys ? { surveys: options.surveys } : {}),
  });

  const store = openSqliteStore(dbPath);
  const app = createApp({ store, config, now: options.now, clientIp: nodeClientIp(options.trustProxy ?? false) });
  const dist = options.distDir ?? join(ROOT, 'dist');
  mountStatic(app, { dist, examples: options.examplesDir ?? join(ROOT, 'examples') });

  let server: ReturnType<typeof serve>;
  let port: number;
  try {
    ({ server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((ok, fail) => {
      const s = serve({ fetch: app.fetch, port: options.port ?? 8787, hostname: host }, (info: AddressInfo) =>
        ok({ server: s, port: info.port }),
      );
      s.once('error', fail);
    }));
  } catch (err) {
    await store.close();
    throw err;
  }

  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  print(`cjm collector listening on ${url}`);
  print(`  demo:     ${url}/demo/`);
  print(`  sdk:      ${url}/cjm.js${existsSync(join(dist, 'cjm.js')) ? '' : '  (not built yet: run npm run build)'}`);
  print(`  database: ${inMemory ? ':memory:' : resolve(dbPath)}`);
  print(`  ${tokenNote}`);
  print(
    config.sites?.length
      ? `  sites:    accepting only ${config.sites.join(', ')}`
      : '  sites:    accepting any site id (development default); set CJM_SITES to restrict',
  );
  print(
    config.origins?.size
      ? `  origins:  ${[...config.origins].map(([site, list]) => `${site} from ${list.join(' ')}`).join('; ')}`
      : '  origins:  any (set CJM_ORIGINS to restrict the browser origins of a site)',
  );
  const rates = { ...DEFAULT_RATE_LIMITS, ...config.rateLimits };
  const rate = (r: Rate | null) => (r ? `${r.limit} per ${r.windowMs / 1000} s` : 'off');
  print(`  limits:   ${rate(rates.client)} per client, ${rate(rates.site)} per site (CJM_RATE_LIMIT, CJM_SITE_RATE_LIMIT)`);
  if (config.surveys) print(`  surveys:  ${config.surveys.surveys.map((s) => (s.site ? `${s.site}/${s.id}` : s.id)).join(', ')} (served at /surveys/<site>)`);
  print(config.retentionDays ? `  retention: ${config.retentionDays} days, checked hourly` : '  retention: keep everything (set CJM_RETENTION_DAYS to delete old events)');

  // Retention at start, then hourly; unref'd so the timer never keeps the process alive.
  const now = options.now ?? Date.now;
  let retention: ReturnType<typeof setInterval> | undefined;
  if (config.retentionDays) {
    const days = config.retentionDays;
    const run = () =>
      applyRetention(store, days, now()).then(
        ({ deleted, before }) => deleted && print(`cjm: retention deleted ${deleted} events before ${new Date(before).toISOString()}`),
        (err: unknown) => console.error('cjm: retention failed (retrying in an hour)', err),
      );
    await run();
    retention = setInterval(() => void run(), 3600_000);
    retention.unref();
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((done) => {
      clearInterval(retention);
      server.close(() => done());
      // Keep-alive and streaming connections would otherwise hold close() open.
      if ('closeAllConnections' in server) server.closeAllConnections();
    }).then(() => store.close()));

  return { url, adminToken, store, app, close };
}

/**
 * Reads PORT, HOST, CJM_DB, CJM_ADMIN_TOKEN, CJM_SITES, CJM_ORIGINS, CJM_RATE_LIMIT,
 * CJM_SITE_RATE_LIMIT, CJM_RETENTION_DAYS and CJM_TRUST_PROXY, starts, and stops on SIGINT/SIGTERM.
 */
async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const port = env.PORT ? Number(env.PORT) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new Error(`PORT must be a number from 0 to 65535, not ${JSON.stringify(env.PORT)}`);
  }
  const server = await startServer({
    port,
    host: env.HOST || undefined,
    dbPath: env.CJM_DB || undefined,
    adminToken: env.CJM_ADMIN_TOKEN?.trim() || undefined,
    sites: parseSites(env.CJM_SITES),
    stages: parseSites(env.CJM_STAGES),
    targets: parseTargets(env.CJM_TARGETS, parseSites(env.CJM_STAGES).length ? parseSites(env.CJM_STAGES) : undefined),
    surveys: parseSurveys(surveysText(env.CJM_SURVEYS), parseSites(env.CJM_STAGES).length ? parseSites(env.CJM_STAGES) : undefined),
    ...limitSettingsFromEnv((key) => env[key]),
    trustProxy: parseFlag('CJM_TRUST_PROXY', env.CJM_TRUST_PROXY),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void server.close().then(() => process.exit(0)));
  }
}

/** CJM_SURVEYS as JSON: the value itself when it looks like JSON, else the file it names. */
function surveysText(value: string | undefined): string | undefined {
  if (value === undefined || /^\s*[[{]/.test(value) || value.trim() === '') return value;
  try {
    return readFileSync(value.trim(), 'utf8');
  } catch (err) {
    throw new Error(`CJM_SURVEYS: cannot read the file ${JSON.stringify(value.trim())} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** True when this file is the program (`tsx collector/node.ts`), not an import. */
function isEntry(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntry()) {
  main(process.env).catch((err: unknown) => {
    console.error(`cjm: ${(err as Error).message}`);
    process.exit(1);
  });
}
