// Node entry: serves the collector app with @hono/node-server on an SQLite file, plus the SDK
// build and the demo pages. `npm start` runs it (scripts/start.mjs → node/startup.ts); tests and benchmarks
// call startServer() on port 0 with a temp database.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApp, type AppEnv } from '../app';
import { assertConfig, type CollectorConfig } from '../config';
import { applyRetention } from '../lifecycle/retention';
import { createRefusalLog } from '../limits/refusal-log';
import { generateToken, loadOrCreateAdminToken } from './admin-token';
import { prepareDataDir } from './data-dir';
import { nodeClientIp, nodeCountry } from './client-ip';
import { fileBytes } from './file-bytes';
import { startFoldThread, type FoldThread } from './fold-thread';
import { foldHealth, foldInto, pacedJournal, startFolder, type Folder } from './folder';
import { openJournal, type Journal } from './journal';
import { openStore, type StoreSetup } from './open-store';
import { mountStatic } from './static';
import type { Store } from '../store/types';
import { DEFAULT_QUOTAS, DEFAULT_RATE_LIMITS, type Rate } from '../settings';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Options of {@link startServer}; every one has a development default. */
export interface StartOptions {
  /** TCP port; 0 picks a free one. Default 8787. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1 (not reachable from other machines). */
  host?: string;
  /** SQLite file (its folder is created), or ':memory:'. Default ./data/cjm.db. */
  dbPath?: string;
  /**
   * Postgres instead of the SQLite file (CJM_DATABASE_URL, docs/storage.md): `postgres://…`.
   * The SQLite path's folder still holds the admin token and the journal.
   */
  databaseUrl?: string;
  /** Connections of the Postgres pool (CJM_DATABASE_POOL). Default 10. */
  databasePool?: number;
  /** Admin API token. Default: read from, or generated into, `<db folder>/admin-token`. */
  adminToken?: string;
  /** Accepted site ids; empty accepts any. */
  sites?: readonly string[];
  /** Allowed browser origins per site (CJM_ORIGINS); a site not listed accepts any origin. */
  origins?: CollectorConfig['origins'];
  /** Foreign site identifiers → cjm site ids for the drop-in endpoints (CJM_SITE_ALIASES). */
  siteAliases?: CollectorConfig['siteAliases'];
  /** Rate limits of /collect; `{ client: null, site: null, ip: null }` turns them off (benchmarks). */
  rateLimits?: CollectorConfig['rateLimits'];
  /** Quotas of /collect (CJM_MAX_SITES, CJM_SITE_DAILY_EVENTS, CJM_MAX_DB_MB). */
  quotas?: CollectorConfig['quotas'];
  /** Delete events older than this many days, at start and then hourly. Default: keep all. */
  retentionDays?: number;
  /** The journey's stages in order (CJM_STAGES). Default awareness … advocacy. */
  stages?: CollectorConfig['stages'];
  /** Targets of the future-state map (CJM_TARGETS). */
  targets?: CollectorConfig['targets'];
  /** Micro-surveys (CJM_SURVEYS, docs/surveys.md). */
  surveys?: CollectorConfig['surveys'];
  /** Goals declared without code (CJM_GOALS, docs/report.md "Goals"). */
  goals?: CollectorConfig['goals'];
  /** Take the client IP from X-Forwarded-For and the country from CF-IPCountry / X-Country (set by your reverse proxy) instead of the socket and none. */
  trustProxy?: boolean;
  /** `full`: fsync every commit (CJM_DURABILITY; docs/limits.md#durability). Default `normal`. */
  durability?: 'normal' | 'full';
  /** SDK build folder served at /cjm.js. Default <repo>/dist. */
  distDir?: string;
  /** Demo site folder served at /demo/. Default <repo>/examples. */
  examplesDir?: string;
  /**
   * The ingest journal (CJM_JOURNAL): /collect answers once a batch is on disk in `dir`, and a
   * folder stores it in the database off the request path (reports lag by the fold delay,
   * shown on /health). Default: off, /collect stores before answering.
   */
  journal?: {
    dir: string;
    maxBytes?: number;
    /** How far the fold may fall behind before new batches wait for it, ms (CJM_JOURNAL_MAX_LAG_MS; default 500). */
    maxLagMs?: number;
  };
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
  const dataDir = prepareDataDir(dbPath); // checked first: nothing is written next to a wrong path

  // The database opens before the token file is written: a path that is no database leaves nothing.
  const storeSetup: StoreSetup = {
    dbPath,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl, databasePool: options.databasePool } : {}),
    ...(options.durability ? { durability: options.durability } : {}),
  };
  const store = await openStore(storeSetup);
  let adminToken = options.adminToken;
  let tokenNote = 'admin token: from CJM_ADMIN_TOKEN';
  let config: CollectorConfig;
  try {
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
    config = assertConfig({
      adminToken,
      sites: options.sites ?? [],
      ...(options.origins?.size ? { origins: options.origins } : {}),
      ...(options.siteAliases?.size ? { siteAliases: options.siteAliases } : {}),
      ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
      ...(options.quotas ? { quotas: options.quotas } : {}),
      ...(options.retentionDays ? { retentionDays: options.retentionDays } : {}),
      ...(options.stages?.length ? { stages: options.stages } : {}),
      ...(options.targets?.length ? { targets: options.targets } : {}),
      ...(options.surveys ? { surveys: options.surveys } : {}),
      ...(options.goals?.length ? { goals: options.goals } : {}),
    });
  } catch (err) {
    await store.close();
    throw err;
  }

  let journal: Journal | undefined;
  let folder: Folder | undefined;
  let foldThread: FoldThread | undefined;
  if (options.journal) {
    try {
      journal = await openJournal({ dir: options.journal.dir, maxBytes: options.journal.maxBytes, now: options.now });
      // A ':memory:' database belongs to its one connection: it folds in this thread.
      if (!inMemory) foldThread = await startFoldThread({ store: storeSetup, ...(config.stages ? { stages: config.stages } : {}) });
    } catch (err) {
      await journal?.close();
      await store.close();
      throw err;
    }
    folder = startFolder(journal, foldThread ? foldThread.fold : foldInto(store, config.stages), {
      dir: options.journal.dir,
      ...(options.journal.maxLagMs !== undefined ? { maxLagMs: options.journal.maxLagMs } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }
  const health = journal && folder ? foldHealth(journal, folder) : undefined;
  // Refusals and bot events are summarised where the banner goes (tests pass a silent print).
  const refusals = createRefusalLog({ print });
  const trustProxy = options.trustProxy ?? false;
  const app = createApp({
    store,
    config,
    now: options.now,
    clientIp: nodeClientIp(trustProxy),
    country: nodeCountry(trustProxy),
    refusals,
    // A new batch waits while the fold is behind (folder.pace), so reports stay within a second or so.
    ...(journal && folder ? { journal: pacedJournal(journal, folder) } : {}),
    health,
    ...(inMemory || options.databaseUrl ? {} : { databaseBytes: () => fileBytes(dbPath) }),
  });
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
    await foldThread?.close();
    await store.close();
    throw err;
  }

  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const quotas = { ...DEFAULT_QUOTAS, ...config.quotas };
  print(`cjm collector listening on ${url}`);
  print(`  demo:     ${url}/demo/`);
  print(`  sdk:      ${url}/cjm.js${existsSync(join(dist, 'cjm.js')) ? '' : '  (not built yet: run npm run build)'}`);
  print(
    `  database: ${options.databaseUrl ? `postgres ${postgresName(options.databaseUrl)} (pool of ${options.databasePool ?? 10})` : inMemory ? ':memory:' : resolve(dbPath)}`,
  );
  if (!options.databaseUrl)
    print(
      `  durability: ${options.durability === 'full' ? 'full (every commit fsynced)' : 'normal (survives a process crash; an OS crash or power cut may lose the last commits; CJM_DURABILITY=full)'}`,
    );
  print(
    journal
      ? `  journal:  ${resolve(options.journal!.dir)} (answers once on disk; stored off the request path)`
      : '  journal:  off (set CJM_JOURNAL to answer once on disk and store off the request path)',
  );
  print(`  ${tokenNote}`);
  print(
    config.sites?.length
      ? `  sites:    accepting only ${config.sites.join(', ')}`
      : '  sites:    accepting any site id (development default); set CJM_SITES to restrict',
  );
  if (!config.sites?.length)
    print(
      `  WARNING:  OPEN MODE: anyone can create site ids here, up to ${quotas.sites ?? 'any number'} (CJM_MAX_SITES); set CJM_SITES for a deployment`,
    );
  print(
    config.origins?.size
      ? `  origins:  ${[...config.origins].map(([site, list]) => `${site} from ${list.join(' ')}`).join('; ')}`
      : '  origins:  any (set CJM_ORIGINS to restrict the browser origins of a site)',
  );
  const rates = { ...DEFAULT_RATE_LIMITS, ...config.rateLimits };
  const rate = (r: Rate | null) => (r ? `${r.limit} per ${r.windowMs / 1000} s` : 'off');
  print(
    `  limits:   ${rate(rates.client)} per client, ${rate(rates.site)} per site, ${rate(rates.ip)} per IP (CJM_RATE_LIMIT, CJM_SITE_RATE_LIMIT, CJM_IP_RATE_LIMIT)`,
  );
  const quota = (n: number | null, unit: string) => (n === null ? 'off' : `${n.toLocaleString('en-US')} ${unit}`);
  print(
    `  quotas:   ${quota(quotas.siteDailyEvents, 'events per site per day')}, database ${quota(quotas.databaseMb, 'MB')} (CJM_SITE_DAILY_EVENTS, CJM_MAX_DB_MB)`,
  );
  if (config.surveys)
    print(`  surveys:  ${config.surveys.surveys.map((s) => (s.site ? `${s.site}/${s.id}` : s.id)).join(', ')} (served at /surveys/<site>)`);
  print(
    config.retentionDays
      ? `  retention: ${config.retentionDays} days, checked hourly`
      : '  retention: keep everything (set CJM_RETENTION_DAYS to delete old events)',
  );

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
      .then(() => foldThread?.close())
      .then(() => store.close()));

  return { url, adminToken, store, app, ...(folder ? { folder } : {}), close };
}

/** A Postgres URL as the banner shows it: host, port and database, never the password. */
function postgresName(url: string): string {
  const u = new URL(url);
  return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}
