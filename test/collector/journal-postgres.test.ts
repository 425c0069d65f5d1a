// Issue 16 on every store: the ingest journal in front of the Postgres engine (a real server from
// test/helpers/postgres.ts). /collect answers 202 once the batch is on disk, the folder stores it
// in Postgres off the request path, a resent batch is all duplicates, and a restart folds what
// the journal still holds, exactly once.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startServer } from '../../collector/node/server';
import type { SqlStore } from '../../collector/store/types';
import { freshDatabase } from '../helpers/postgres';
import { batch, event } from './fixtures';
import { tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

it('the journal folds into Postgres: 202 when durable, stored once, resends and restarts duplicate nothing', async () => {
  const databaseUrl = await freshDatabase();
  const options = {
    port: 0,
    databaseUrl,
    dbPath: join(tmp.dir, 'cjm.db'),
    adminToken: 'a'.repeat(32),
    journal: { dir: join(tmp.dir, 'journal') },
    print: () => {},
  };
  const body = JSON.stringify(batch([event({ id: 'p1' }), event({ id: 'p2' })]));
  const post = (url: string) => fetch(`${url}/collect`, { method: 'POST', body });

  const first = await startServer(options);
  try {
    const res = await post(first.url);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0 });
    await first.folder!.drained();
    expect(await (first.store as SqlStore).all('SELECT id FROM events ORDER BY id')).toEqual([{ id: 'p1' }, { id: 'p2' }]);
    const health = (await (await fetch(`${first.url}/health`)).json()) as { fold?: { events: number } };
    expect(health.fold?.events).toBe(0);
    // Appended again before the restart: the folder of the next process stores it (as duplicates).
    expect((await post(first.url)).status).toBe(202);
  } finally {
    await first.close();
  }

  const second = await startServer(options);
  try {
    await second.folder!.drained();
    expect(await (second.store as SqlStore).all('SELECT id FROM events ORDER BY id')).toEqual([{ id: 'p1' }, { id: 'p2' }]);
    const report = await fetch(`${second.url}/api/sites/${JSON.parse(body).site}/journey`, {
      headers: { authorization: `Bearer ${'a'.repeat(32)}` },
    });
    expect(report.status).toBe(200);
  } finally {
    await second.close();
  }
}, 60_000);
