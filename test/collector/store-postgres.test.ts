// The Store contract on the Postgres adapter (a real server: test/helpers/postgres.ts), plus
// what only Postgres does: its migration table, and two collectors migrating one database at once.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../collector/store/postgres/store';
import { readPgMigrations } from '../../collector/store/postgres/migrate';
import { readMigrations } from '../../collector/store/sqlite/migrate';
import { permanentFailure } from '../../collector/store/errors';
import type { StoredEvent } from '../../collector/store/types';
import { freshDatabase, postgresStoreWithRawDb } from '../helpers/postgres';
import { row } from './helpers';
import { runStoreContract } from './store-contract';

runStoreContract('postgres', async () => (await postgresStoreWithRawDb()).store);
runStoreContract('postgres (3-row pages, pool of 1)', async () => (await postgresStoreWithRawDb({ pageSize: 3, poolSize: 1 })).store);

describe('Postgres adapter', () => {
  it('has a migration of the same number and name for every SQLite one', () => {
    expect(readPgMigrations().map((m) => m.name)).toEqual(readMigrations().map((m) => m.name));
  });

  it('applies the migrations once, even when two collectors open a new database at the same time', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
    await a.insert([row({ id: 'one' })]);
    expect(await b.insert([row({ id: 'one' })])).toEqual({ inserted: 0, duplicates: 1 });
    await Promise.all([a.close(), b.close()]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT name FROM cjm_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(readPgMigrations().map((m) => m.name));
    // Every table's key starts with site (docs/storage.md: they distribute by site as they are).
    const keys = await client.query(`SELECT c.relname AS t, a.attname AS first FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0] JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indisprimary AND n.nspname = 'public' AND c.relname NOT IN ('cjm_migrations', 'salts', 'tokens') ORDER BY 1`);
    expect(keys.rows.length).toBeGreaterThan(10);
    for (const k of keys.rows) expect(k.first, k.t).toBe('site');
    await client.end();
  });

  it('refuses a row the schema cannot hold as a permanent failure (422), storing nothing of its batch', async () => {
    const { store } = await postgresStoreWithRawDb();
    try {
      const bad = { ...row({ id: 'b2' }), type: null } as unknown as StoredEvent;
      const err = await store.insert([row({ id: 'b1' }), bad]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(String(err)).toMatch(/^Error: Postgres database 127\.0\.0\.1:\d+\/t_\w+: storing a batch failed: null value in column "type"/);
      expect(permanentFailure(err)).toMatch(/violates not-null constraint/);
      const left = [];
      for await (const r of store.exportEvents('shop')) left.push(r.id);
      expect(left).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses a bad URL with an error naming the database, not its password', async () => {
    const url = new URL(await freshDatabase());
    url.pathname = '/no_such_db';
    url.password = 'secret-pw';
    await expect(openPostgresStore(url.toString())).rejects.toThrow(/^Postgres database 127\.0\.0\.1:\d+\/no_such_db: opening failed/);
    await expect(openPostgresStore(url.toString())).rejects.not.toThrow(/secret-pw/);
  });
});
