// Node entry: serves the collector app with @hono/node-server on an SQLite file, plus the SDK
// build and the demo pages. `tsx collector/node.ts` (npm start) runs it; tests and benchmarks
// call startServer() on port 0 with a temp database.
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
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
import { foldHealth, startFolder, type Folder } from './node/folder';
import { openJournal, type Journal } from './node/journal';
import { mountStatic } from './node/static';
import { openSqliteStore } from './store/sqlite';
import type { Store } from './store/types';
import { DEFAULT_RATE_LIMITS, parseFlag, type Rate } from './settings';

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
  /** Take the client IP from X-Forwarded-For (set by your reverse proxy) instead of the socket. */
  trustProxy?: boolean;
  /** SDK build folder served at /cjm.js. Default <repo>/dist. */
  distDir?: string;
  /** Demo site folder served at /demo/. Default <repo>/examples. */
  examplesDir?: string;
  /**
   * The ingest journal (CJM_JOURNAL): /collect answers once a batch is on disk in `dir`, and a
   * folder stores it in the database off the request path (reports lag by the fold delay,
   * shown on /health). Default: off, /collect stores before answering.
   */
  journal?: { dir: string; maxBytes?: number };
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
  /** The journal's folder, when the journal is on: `await folder.drained()` waits for the fold. */
  folder?: Folder;
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
  });

  const store = openSqliteStore(dbPath);
  let journal: Journal | undefined;
  let folder: Folder | undefined;
  if (options.journal) {
    journal = await openJournal({ dir: options.journal.dir, maxBytes: options.journal.maxBytes, now: options.now });
    folder = startFolder(journal, store, { dir: options.journal.dir, stages: config.stages });
  }
  const health = journal && folder ? foldHealth(journal, folder) : undefined;
  const app = createApp({ store, config, now: options.now, clientIp: nodeClientIp(options.trustProxy ?? false), journal, health });
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
    await folder?.stop();
    await store.close();
    throw err;
  }

  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  print(`cjm collector listening on ${url}`);
  print(`  demo:     ${url}/demo/`);
  print(`  sdk:      ${url}/cjm.js${existsSync(join(dist, 'cjm.js')) ? '' : '  (not built yet: run npm run build)'}`);
  print(`  database: ${inMemory ? ':memory:' : resolve(dbPath)}`);
  print(journal ? `  journal:  ${resolve(options.journal!.dir)} (answers once on disk; stored off the request path)` : '  journal:  off (set CJM_JOURNAL to answer once on disk and store off the request path)');
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
    })
      // What is journaled is stored before the database closes (at most 10 s; the rest waits in
      // the journal for the next start).
      .then(() => folder && Promise.race([folder.drained(), new Promise((done) => setTimeout(done, 10_000).unref())]))
      .then(() => folder?.stop())
      .then(() => store.close()));

  return { url, adminToken, store, app, ...(folder ? { folder } : {}), close };
}

/** CJM_JOURNAL: off (unset, `off`, `0`), on in `<db folder>/journal` (`1`, `on`), or a folder. */
function journalFromEnv(env: NodeJS.ProcessEnv): StartOptions['journal'] {
  const v = env.CJM_JOURNAL?.trim();
  if (!v || v === 'off' || v === '0') return undefined;
  const mb = env.CJM_JOURNAL_MAX_MB ? Number(env.CJM_JOURNAL_MAX_MB) : undefined;
  if (mb !== undefined && !(mb > 0)) throw new Error(`CJM_JOURNAL_MAX_MB must be a positive number, not ${JSON.stringify(env.CJM_JOURNAL_MAX_MB)}`);
  const dir = v === '1' || v === 'on' ? join(dirname(env.CJM_DB || './data/cjm.db'), 'journal') : v;
  return { dir, ...(mb ? { maxBytes: mb * 2 ** 20 } : {}) };
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
    ...limitSettingsFromEnv((key) => env[key]),
    trustProxy: parseFlag('CJM_TRUST_PROXY', env.CJM_TRUST_PROXY),
    journal: journalFromEnv(env),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void server.close().then(() => process.exit(0)));
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
