// CJM_DATABASE_URL and CJM_DATABASE_POOL: checked at start with a message naming the variable,
// and a collector started with them stores in Postgres (the SQLite file stays the default).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseFromEnv, startOptionsFromEnv } from '../../collector/node/env-options';
import { startServer } from '../../collector/node/server';
import { freshDatabase } from '../helpers/postgres';
import { tempDir } from './helpers';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('CJM_DATABASE_URL', () => {
  it('is unset by default: the SQLite file', () => {
    expect(databaseFromEnv({})).toEqual({});
    expect(startOptionsFromEnv({}).options).not.toHaveProperty('databaseUrl');
  });

  it('takes a postgres URL and a pool size', () => {
    expect(
      databaseFromEnv({ CJM_DATABASE_URL: ' postgres://u:p@db.example.com:5432/cjm?sslmode=require ', CJM_DATABASE_POOL: '20' }),
    ).toEqual({
      databaseUrl: 'postgres://u:p@db.example.com:5432/cjm?sslmode=require',
      databasePool: 20,
    });
    expect(startOptionsFromEnv({ CJM_DATABASE_URL: 'postgresql://h/cjm' }).options.databaseUrl).toBe('postgresql://h/cjm');
  });

  it('refuses what is not a Postgres URL with a database, and a bad pool', () => {
    expect(() => databaseFromEnv({ CJM_DATABASE_URL: 'not a url' })).toThrow(/^CJM_DATABASE_URL must be a URL/);
    expect(() => databaseFromEnv({ CJM_DATABASE_URL: 'mysql://h/cjm' })).toThrow(
      /^CJM_DATABASE_URL must start with postgres:\/\/ .* not mysql:/,
    );
    expect(() => databaseFromEnv({ CJM_DATABASE_URL: 'postgres://h' })).toThrow(/must name a host and a database/);
    expect(() => databaseFromEnv({ CJM_DATABASE_URL: 'postgres://h/cjm', CJM_DATABASE_POOL: '0' })).toThrow(
      /^CJM_DATABASE_POOL must be a whole number from 1 to 1000, not "0"/,
    );
    expect(() => databaseFromEnv({ CJM_DATABASE_POOL: '5' })).toThrow(/CJM_DATABASE_POOL is set but CJM_DATABASE_URL is not/);
    expect(() => startOptionsFromEnv({ CJM_DATABASE_URL: 'sqlite://x' })).toThrow(/CJM_DATABASE_URL/);
  });

  it('makes the Node collector store in Postgres; /health probes it; the banner hides the password', async () => {
    const url = await freshDatabase();
    const lines: string[] = [];
    const server = await startServer({
      port: 0,
      dbPath: join(tmp.dir, 'cjm.db'),
      databaseUrl: url,
      databasePool: 3,
      print: (l) => lines.push(l),
    });
    try {
      expect(lines.join('\n')).toMatch(/database: postgres 127\.0\.0\.1:\d+\/t_\w+ \(pool of 3\)/);
      const { username, password } = new URL(url);
      expect(lines.join('\n')).not.toContain(`${username}:${password}@`);
      const res = await fetch(`${server.url}/collect`, {
        method: 'POST',
        body: JSON.stringify({
          site: 'shop',
          sent: Date.now(),
          events: [{ id: 'e1', type: 'pageview', name: '/', ts: Date.now(), visitor: 'v1', session: 's1' }],
        }),
      });
      expect(res.status).toBe(202);
      const exported = [];
      for await (const r of server.store.exportEvents('shop')) exported.push(r.id);
      expect(exported).toEqual(['e1']);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
