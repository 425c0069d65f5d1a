// Node-only: reads every variable `npm start` (and `tsx collector/node/main.ts`) understands into
// startServer options, checking each one, so a typo stops the collector at once with a message
// naming the variable instead of after a build or as a silently different collector.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assertConfig, settingsFromEnv } from '../config';
import { parseDurability, parseFlag } from '../settings';
import type { StartOptions } from './server';

/** The CJM_* variables the Node collector reads. */
export const NODE_VARIABLES = [
  'CJM_DB',
  'CJM_DATABASE_URL',
  'CJM_DATABASE_POOL',
  'CJM_ADMIN_TOKEN',
  'CJM_SITES',
  'CJM_STAGES',
  'CJM_ORIGINS',
  'CJM_SITE_ALIASES',
  'CJM_RATE_LIMIT',
  'CJM_SITE_RATE_LIMIT',
  'CJM_IP_RATE_LIMIT',
  'CJM_MAX_SITES',
  'CJM_SITE_DAILY_EVENTS',
  'CJM_MAX_DB_MB',
  'CJM_RETENTION_DAYS',
  'CJM_TARGETS',
  'CJM_TRUST_PROXY',
  'CJM_DURABILITY',
  'CJM_JOURNAL',
  'CJM_JOURNAL_MAX_MB',
  'CJM_JOURNAL_MAX_LAG_MS',
  'CJM_SURVEYS',
  'CJM_GOALS',
] as const;

/** CJM_* variables other programs of this repository read (demo traffic, benchmarks, the Worker). */
const OTHER_VARIABLES = new Set([
  'CJM_URL',
  'CJM_TRAFFIC_SECONDS',
  'CJM_ALLOW_SHORT_TOKEN',
  'CJM_BENCH_SECONDS',
  'CJM_BENCH_INGEST_SECONDS',
  'CJM_BENCH_WORKER_SECONDS',
  'CJM_BENCH_CONNECTIONS',
  'CJM_BENCH_POSTGRES_EVENTS',
  'CJM_BENCH_DATABASE_URL',
]);

/** What {@link startOptionsFromEnv} found: the options, and warnings worth printing. */
export interface EnvOptions {
  options: StartOptions & { port: number; host: string; dbPath: string };
  warnings: string[];
}

/**
 * Reads PORT, HOST and the CJM_* variables into startServer options. Throws an Error naming the
 * variable at fault; an unknown CJM_* variable (a typo such as CJM_SITE) gives a warning.
 * @example startOptionsFromEnv({ PORT: '8788', CJM_SITES: 'shop' }).options.port // 8788
 */
export function startOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): EnvOptions {
  const port = env.PORT?.trim() ? Number(env.PORT) : 8787;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new Error(`PORT must be a number from 0 to 65535, not ${JSON.stringify(env.PORT)}`);
  }
  const host = env.HOST?.trim() || '127.0.0.1';
  const dbPath = env.CJM_DB?.trim() || './data/cjm.db';
  const database = databaseFromEnv(env);
  const { adminToken, allowShortToken: _, ...settings } = settingsFromEnv(env, { readFile: readSettingFile });
  const trustProxy = parseFlag('CJM_TRUST_PROXY', env.CJM_TRUST_PROXY);
  const durability = parseDurability(env.CJM_DURABILITY);
  const journal = journalFromEnv(env);
  // The token is generated later when unset; a stand-in lets the rest of the config be checked now.
  assertConfig({ ...settings, adminToken: adminToken ?? 'x'.repeat(32) });
  return {
    options: { port, host, dbPath, ...database, adminToken, ...settings, trustProxy, durability, ...(journal ? { journal } : {}) },
    warnings: unknownVariables(env),
  };
}

/** A warning for every CJM_* variable no program here reads, with the nearest known name. */
export function unknownVariables(env: Readonly<Record<string, string | undefined>>): string[] {
  const known: readonly string[] = NODE_VARIABLES;
  return Object.keys(env)
    .filter((key) => key.startsWith('CJM_') && !known.includes(key) && !OTHER_VARIABLES.has(key))
    .sort()
    .map((key) => {
      const near = known.reduce((best, name) => (distance(key, name) < distance(key, best) ? name : best));
      const hint = distance(key, near) <= 3 ? ` (did you mean ${near}?)` : '';
      return `${key} is not a variable the collector reads${hint}; it is ignored. Variables: ${known.join(', ')}, PORT, HOST`;
    });
}

/** Levenshtein distance: small for a typo. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** CJM_JOURNAL: off (unset, `off`, `0`), on in `<db folder>/journal` (`1`, `on`), or a folder. */
export function journalFromEnv(env: Readonly<Record<string, string | undefined>>): StartOptions['journal'] {
  const v = env.CJM_JOURNAL?.trim();
  if (!v || v === 'off' || v === '0') return undefined;
  const mb = env.CJM_JOURNAL_MAX_MB ? Number(env.CJM_JOURNAL_MAX_MB) : undefined;
  if (mb !== undefined && !(mb > 0))
    throw new Error(`CJM_JOURNAL_MAX_MB must be a positive number, not ${JSON.stringify(env.CJM_JOURNAL_MAX_MB)}`);
  const lag = env.CJM_JOURNAL_MAX_LAG_MS ? Number(env.CJM_JOURNAL_MAX_LAG_MS) : undefined;
  if (lag !== undefined && !(lag >= 0))
    throw new Error(`CJM_JOURNAL_MAX_LAG_MS must be a number of ms (0 or more), not ${JSON.stringify(env.CJM_JOURNAL_MAX_LAG_MS)}`);
  const dir = v === '1' || v === 'on' ? join(dirname(env.CJM_DB || './data/cjm.db'), 'journal') : v;
  return { dir, ...(mb ? { maxBytes: mb * 2 ** 20 } : {}), ...(lag !== undefined ? { maxLagMs: lag } : {}) };
}

/** A setting that names a file (CJM_SURVEYS on Node): its text, or an Error naming the variable. */
function readSettingFile(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `${variable}: cannot read the file ${JSON.stringify(path)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}

/**
 * CJM_DATABASE_URL (Postgres instead of the SQLite file) and CJM_DATABASE_POOL, checked: a
 * postgres:// or postgresql:// URL with a host and a database name; a pool of 1 to 1000.
 */
export function databaseFromEnv(env: Readonly<Record<string, string | undefined>>): { databaseUrl?: string; databasePool?: number } {
  const raw = env.CJM_DATABASE_URL?.trim();
  const poolText = env.CJM_DATABASE_POOL?.trim();
  if (!raw) {
    if (poolText) throw new Error('CJM_DATABASE_POOL is set but CJM_DATABASE_URL is not: the pool is of the Postgres connection');
    return {};
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('CJM_DATABASE_URL must be a URL such as postgres://user:password@host:5432/cjm (it is not one)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new Error(`CJM_DATABASE_URL must start with postgres:// (only Postgres is supported), not ${url.protocol}//`);
  if (!url.hostname || url.pathname.length < 2)
    throw new Error('CJM_DATABASE_URL must name a host and a database, e.g. postgres://user:password@host:5432/cjm');
  const pool = poolText ? Number(poolText) : undefined;
  if (pool !== undefined && !(Number.isInteger(pool) && pool >= 1 && pool <= 1000))
    throw new Error(`CJM_DATABASE_POOL must be a whole number from 1 to 1000, not ${JSON.stringify(env.CJM_DATABASE_POOL)}`);
  return { databaseUrl: raw, ...(pool !== undefined ? { databasePool: pool } : {}) };
}
