// The SQLite store's read connections in worker threads (collector/store/sqlite/readers.ts), on
// real database files: the same rows as the main connection, writes refused, SQL errors and dead
// workers rejected cleanly, and nothing left running after close().
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, DatabaseSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../collector/store/sqlite/store';
import { openReaderPool } from '../../collector/store/sqlite/readers';
import type { SqlValue, SqlStore } from '../../collector/store/types';
import { NOW, row, tempDir } from './helpers';

const READ_ACTIONS = [constants.SQLITE_SELECT, constants.SQLITE_READ, constants.SQLITE_FUNCTION, constants.SQLITE_RECURSIVE];
const QUERIES: [string, SqlValue[]][] = [
  ['SELECT * FROM events WHERE site = ?1 ORDER BY time, id', ['shop']],
  ['SELECT * FROM sessions ORDER BY site, session', []],
  ['SELECT * FROM visitors ORDER BY site, visitor', []],
  ['SELECT type, COUNT(*) AS n, SUM(time) AS t, AVG(time) AS mean FROM events GROUP BY type ORDER BY type', []],
  ["SELECT x'00ff10' AS blob, ?1 AS int, ?2 AS real, NULL AS none, ?3 AS text", [42, 1.5, 'Ünïcödé — 商品']],
  ['SELECT json_group_array(DISTINCT session) AS sessions FROM events WHERE time >= ?1', [NOW + 100]],
];
// Long enough (hundreds of ms) for the event loop to turn while it runs elsewhere.
const HEAVY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500000) SELECT SUM(x) AS s FROM c';

const { dir, cleanup } = tempDir();
const path = join(dir, 'cjm.db');
let pooled: SqlStore;
let plain: SqlStore;

beforeAll(async () => {
  pooled = openSqliteStore(path, { readers: 2 });
  plain = openSqliteStore(path, { readers: 0 });
  const types = ['pageview', 'event', 'checkout'] as const;
  const rows = Array.from({ length: 300 }, (_, i) =>
    row({
      id: `e${i}`,
      type: types[i % 3],
      name: i % 3 === 2 ? 'purchase' : `/p${i % 7}`,
      session: `s${i % 20}`,
      visitor: `v${i % 9}`,
      time: NOW + i * 1000,
      touchpoint: `t${i % 4}`,
    }),
  );
  await pooled.insert(rows);
});
afterAll(async () => {
  await pooled.close();
  await plain.close();
  cleanup();
});

/** Whether the event loop turns before `store.all(HEAVY)` answers. */
async function turnsWhileQuerying(store: SqlStore): Promise<boolean> {
  let settled = false;
  const query = store.all(HEAVY).then((rows) => ((settled = true), rows));
  const turned = await new Promise<boolean>((resolve) => setImmediate(() => resolve(!settled)));
  expect(await query).toEqual([{ s: (1_500_000 * 1_500_001) / 2 }]);
  return turned;
}

describe('SQLite read connections in worker threads', () => {
  it('concurrent reads give the rows that sequential reads on the main connection give', async () => {
    const sequential = [];
    for (const [sql, params] of QUERIES) sequential.push(await plain.all(sql, params));
    expect(sequential[0]).toHaveLength(300);
    const concurrent = await Promise.all(QUERIES.map(([sql, params]) => pooled.all(sql, params)));
    expect(concurrent).toEqual(sequential);
    const [values] = concurrent[4]!;
    expect(values).toEqual({ blob: new Uint8Array([0, 255, 16]), int: 42, real: 1.5, none: null, text: 'Ünïcödé — 商品' });
    expect(values!.blob).toBeInstanceOf(Uint8Array);
  });

  it('runs queries off the main thread (the event loop turns meanwhile), unlike readers: 0', async () => {
    expect(await turnsWhileQuerying(pooled)).toBe(true);
    expect(await turnsWhileQuerying(plain)).toBe(false);
  });

  it('sees an insert as soon as it has resolved', async () => {
    const count = async () => Number((await pooled.all("SELECT COUNT(*) AS n FROM events WHERE id LIKE 'late%'"))[0]!.n);
    expect(await count()).toBe(0);
    await pooled.insert([row({ id: 'late1', time: NOW + 1 })]);
    expect(await count()).toBe(1);
    await Promise.all([pooled.insert([row({ id: 'late2', time: NOW + 2 })]), pooled.insert([row({ id: 'late3', time: NOW + 3 })])]);
    expect(await Promise.all([count(), count(), count()])).toEqual([3, 3, 3]);
  });

  it('refuses writes, as the main connection does', async () => {
    await expect(pooled.all('DELETE FROM events')).rejects.toThrow(/read-only/);
    await expect(pooled.all('WITH x AS (SELECT 1) SELECT * FROM x; DELETE FROM events')).rejects.toThrow(/read-only/);
    // Past the text check (REPLACE is not in its list), the authorizer refuses, on both.
    const write = "WITH x AS (SELECT 1) REPLACE INTO events (site, id) SELECT 'shop', 'evil'";
    const refused = await plain.all(write).then(
      () => 'answered',
      (err: Error) => err.message,
    );
    expect(refused).toMatch(/not authorized/);
    await expect(pooled.all(write)).rejects.toThrow(refused);
    expect(await pooled.all("SELECT id FROM events WHERE id = 'evil'")).toEqual([]);
    expect(Number((await pooled.all('SELECT COUNT(*) AS n FROM events'))[0]!.n)).toBeGreaterThanOrEqual(300);
  });

  it('rejects a failing query with an Error of the same message and code, and keeps working', async () => {
    const bad = 'SELECT no_such_column FROM events';
    const expected = await plain.all(bad).then(
      () => null,
      (err: Error & { code?: string }) => err,
    );
    expect(expected).toBeInstanceOf(Error);
    const got = await pooled.all(bad).then(
      () => null,
      (err: Error & { code?: string }) => err,
    );
    expect(got).toBeInstanceOf(Error);
    expect(got!.message).toBe(expected!.message);
    expect(got!.code).toBe(expected!.code);
    expect(await pooled.all('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('close() ends the readers: the main connection closes last and removes the WAL file', async () => {
    const own = join(dir, 'close.db');
    const store = openSqliteStore(own, { readers: 2 });
    await store.insert([row({ id: 'c1' })]);
    const answers = await Promise.all([store.all('SELECT id FROM events'), store.all(HEAVY)]);
    expect(answers[0]).toEqual([{ id: 'c1' }]);
    expect(existsSync(`${own}-wal`)).toBe(true);
    await Promise.all([store.close(), store.close()]); // both wait for the readers
    expect(existsSync(`${own}-wal`)).toBe(false);
    await expect(store.all('SELECT 1')).rejects.toThrow();
  });

  it('an idle reader does not keep the process alive (tsx, the runtime of npm start)', () => {
    const script = join(dir, 'idle.mts');
    const store = pathToFileURL(join(process.cwd(), 'collector/store/sqlite/store.ts')).href;
    writeFileSync(
      script,
      `import { openSqliteStore } from ${JSON.stringify(store)};
const store = openSqliteStore(${JSON.stringify(join(dir, 'idle.db'))}, { readers: 2 });
const rows = await Promise.all([store.all('SELECT 1 AS a'), store.all('SELECT 2 AS b')]);
console.log(JSON.stringify(rows));`,
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
    expect(child.stderr).toBe('');
    expect(child.signal).toBeNull(); // not killed at the timeout: it ended by itself
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('[[{"a":1}],[{"b":2}]]');
  }, 40_000);
});

describe('reader pool', () => {
  // A query whose rows need far more than a small worker heap: the worker dies of it.
  const HUGE =
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200) SELECT x, hex(zeroblob(500000)) AS pad FROM c';

  it('rejects the query of a reader that dies, replaces it, and after three deaths in a row runs on the fallback', async () => {
    const fallback = (sql: string) => [{ fallback: sql }];
    const pool = openReaderPool({
      path,
      size: 1,
      busyTimeoutMs: 1000,
      readActions: READ_ACTIONS,
      cacheMb: 2,
      fallback,
      resourceLimits: { maxOldGenerationSizeMb: 16 },
    });
    try {
      expect(pool.threads).toBe(0); // lazy
      expect(await pool.all('SELECT 0 AS zero', [])).toEqual([{ zero: 0 }]);
      expect(pool.threads).toBe(1);
      await expect(pool.all(HUGE, [])).rejects.toThrow(/SQLite reader stopped .*memory/);
      expect(pool.threads).toBe(0);
      expect(await pool.all('SELECT 1 AS one', [])).toEqual([{ one: 1 }]);
      expect(pool.threads).toBe(1);
      for (let i = 0; i < 3; i++) await expect(pool.all(HUGE, [])).rejects.toThrow(/SQLite reader stopped/);
      expect(await pool.all('SELECT 2 AS two', [])).toEqual([{ fallback: 'SELECT 2 AS two' }]);
    } finally {
      await pool.close();
    }
    expect(pool.threads).toBe(0);
  }, 60_000);

  it('queues calls beyond its size, answers each, and close() ends every thread', async () => {
    const fallback = () => {
      throw new Error('not expected');
    };
    const pool = openReaderPool({ path, size: 2, busyTimeoutMs: 1000, readActions: READ_ACTIONS, cacheMb: 2, fallback });
    const answers = await Promise.all(Array.from({ length: 7 }, (_, i) => pool.all('SELECT ?1 AS i, COUNT(*) AS n FROM events', [i])));
    expect(answers.map((r) => r[0]!.i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pool.threads).toBe(2);
    // Values node:sqlite takes and gives (BigInt and Uint8Array too) cross the thread boundary unchanged.
    const values = "SELECT ?1 AS big, ?2 AS bytes, x'' AS empty, 2.5e300 AS huge, ?3 AS text";
    const params = [42n, new Uint8Array([1, 2, 3]), 'é'];
    const direct = new DatabaseSync(path, { readOnly: true });
    const expected = direct.prepare(values).all(...params);
    direct.close();
    expect(await pool.all(values, params)).toEqual(expected);
    expect((await pool.all(values, params))[0]!.bytes).toBeInstanceOf(Uint8Array);
    const running = pool.all(HEAVY, []);
    const queued = pool.all(HEAVY, []);
    const late = pool.all('SELECT 1', []);
    const closing = pool.close();
    await expect(late).rejects.toThrow(/closed/); // never started
    expect(await running).toHaveLength(1); // both running queries finish
    expect(await queued).toHaveLength(1);
    await closing;
    expect(pool.threads).toBe(0);
  }, 30_000);
});
