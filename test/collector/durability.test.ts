// CJM_DURABILITY (issue 17): `full` makes SQLite fsync every commit (synchronous = FULL); the
// default stays NORMAL. Read back from the store's own connection.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startServer } from '../../collector/node/server';
import { parseDurability } from '../../collector/settings';
import { openSqliteStore } from '../../collector/store/sqlite/store';
import { tempDir } from './helpers';

const tmp = tempDir();
afterAll(tmp.cleanup);

const synchronous = async (store: ReturnType<typeof openSqliteStore>) =>
  (await store.all('SELECT synchronous FROM pragma_synchronous'))[0]!.synchronous;

it('durability full sets synchronous = FULL (2); the default is NORMAL (1)', async () => {
  const full = openSqliteStore(join(tmp.dir, 'full.db'), { durability: 'full', readers: 0 });
  const normal = openSqliteStore(join(tmp.dir, 'normal.db'), { readers: 0 });
  try {
    expect(await synchronous(full)).toBe(2);
    expect(await synchronous(normal)).toBe(1);
  } finally {
    await full.close();
    await normal.close();
  }
});

it('CJM_DURABILITY is normal or full, anything else stops start-up naming the variable', () => {
  expect(parseDurability(undefined)).toBe('normal');
  expect(parseDurability(' FULL ')).toBe('full');
  expect(() => parseDurability('extra')).toThrow('CJM_DURABILITY must be normal or full, not "extra"');
});

it('startServer passes it on and says so at start-up', async () => {
  const lines: string[] = [];
  const server = await startServer({
    port: 0,
    dbPath: join(tmp.dir, 'server.db'),
    durability: 'full',
    adminToken: 'x'.repeat(32),
    print: (l) => lines.push(l),
  });
  try {
    expect(lines.join('\n')).toContain('durability: full');
  } finally {
    await server.close();
  }
});
