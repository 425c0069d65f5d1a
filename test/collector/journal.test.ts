// Issue 16, acknowledge when durable: with the ingest journal (collector/node/journal.ts), /collect
// answers once a batch is on disk and the folder (folder.ts) stores it later. What is answered
// 202 survives kill -9 at any moment, stored once, with every derived table equal to a rebuild;
// a full journal answers 503 + Retry-After; /health shows the fold's lag and the store's state.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../collector/node/server';
import { foldHealth, foldInto, startFolder } from '../../collector/node/folder';
import { openJournal } from '../../collector/node/journal';
import { openSqliteStore } from '../../collector/store/sqlite/store';
import { runCrash } from '../../bench/crash';
import type { SqlStore } from '../../collector/store/types';
import { batch, event, post, row, tempDir, testApp } from './helpers';

const tmp = tempDir();
afterAll(tmp.cleanup);
let n = 0;
const fresh = () => join(tmp.dir, `t${n++}`);

describe('journal', () => {
  it('answers concurrent appends after one write and sync, and gives them back after a reopen, in order', async () => {
    const dir = fresh();
    const j = await openJournal({ dir });
    await Promise.all([1, 2, 3].map((i) => j.append([row({ id: `a${i}` })])));
    expect(j.pending().map((r) => r.rows[0]!.id)).toEqual(['a1', 'a2', 'a3']);
    expect(j.lag()).toMatchObject({ batches: 3, events: 3 });
    await j.close();
    const again = await openJournal({ dir });
    expect(again.pending().map((r) => [r.seq, r.rows[0]!.id])).toEqual([
      [1, 'a1'],
      [2, 'a2'],
      [3, 'a3'],
    ]);
    again.folded(2);
    await again.append([row({ id: 'a4' })]);
    await again.close();
    const third = await openJournal({ dir });
    expect(third.pending().map((r) => r.seq)).toEqual([3, 4]);
    await third.close();
  });

  it('drops a torn last line (never acknowledged) and keeps the rest', async () => {
    const dir = fresh();
    const j = await openJournal({ dir });
    await j.append([row({ id: 'ok' })]);
    await j.close();
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.log'));
    writeFileSync(join(dir, file!), readFileSync(join(dir, file!), 'utf8') + '{"seq":2,"at":1,"rows":[{"si');
    const again = await openJournal({ dir });
    expect(again.pending().map((r) => r.rows[0]!.id)).toEqual(['ok']);
    expect(readFileSync(join(dir, file!), 'utf8').endsWith('}\n')).toBe(true);
    await again.append([row({ id: 'next' })]);
    expect(again.pending().map((r) => r.seq)).toEqual([1, 2]);
    await again.close();
  });

  it('deletes a segment once every batch in it is folded, and refuses appends beyond maxBytes', async () => {
    const dir = fresh();
    const j = await openJournal({ dir, segmentBytes: 1, maxBytes: 4000 });
    for (let i = 0; i < 3; i++) await j.append([row({ id: `s${i}` })]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.log'))).toHaveLength(3);
    j.folded(2);
    expect(readdirSync(dir).filter((f) => f.endsWith('.log'))).toHaveLength(1);
    const big = Array.from({ length: 10 }, (_, i) => row({ id: `big${i}` }));
    await expect(j.append(big)).rejects.toThrow(/journal full/);
    await j.close();
  });
});

describe('collector with the journal', () => {
  it('answers 202 once on disk, stores off the request path, and shows the lag on /health', async () => {
    const dir = fresh();
    const server = await startServer({
      port: 0,
      dbPath: join(dir, 'cjm.db'),
      adminToken: 'a'.repeat(32),
      journal: { dir: join(dir, 'journal') },
      print: () => {},
    });
    try {
      const res = await fetch(`${server.url}/collect`, {
        method: 'POST',
        body: JSON.stringify(batch([event({ id: 'x1' }), event({ id: 'x2' })])),
      });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ accepted: 2, duplicates: 0 });
      await server.folder!.drained();
      expect(await (server.store as SqlStore).all('SELECT id FROM events ORDER BY id')).toEqual([{ id: 'x1' }, { id: 'x2' }]);
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, store: 'ok', fold: { batches: 0, events: 0, oldestMs: 0, refused: 0 } });
      // The same batch again: acknowledged, stored once.
      await fetch(`${server.url}/collect`, { method: 'POST', body: JSON.stringify(batch([event({ id: 'x1' })])) });
      await server.folder!.drained();
      expect(await (server.store as SqlStore).all('SELECT COUNT(*) AS n FROM events')).toEqual([{ n: 2 }]);
    } finally {
      await server.close();
    }
  });

  it('keeps answering from the journal while the store fails, says so on /health, and stores everything once it is back', async () => {
    const dir = fresh();
    const dbPath = join(dir, 'cjm.db');
    mkdirSync(dir);
    const store = openSqliteStore(dbPath, { busyTimeoutMs: 50 });
    const journal = await openJournal({ dir: join(dir, 'journal'), maxBytes: 20_000 });
    const folder = startFolder(journal, foldInto(store), { dir: join(dir, 'journal'), log: () => {} });
    const { app } = testApp(store, { journal, health: foldHealth(journal, folder), now: Date.now });
    // Another connection holds the write lock: every store write fails (SQLITE_BUSY).
    const blocker = new DatabaseSync(dbPath, { timeout: 0 });
    try {
      blocker.exec('BEGIN IMMEDIATE');
      const send = (id: string) => post(app, batch([event({ id, ts: Date.now(), props: { pad: 'x'.repeat(400) } })], { sent: Date.now() }));
      expect((await send('w1')).status).toBe(202);
      let health = await app.request('/health');
      for (const t = Date.now(); health.status !== 503 && Date.now() - t < 10_000; health = await app.request('/health'))
        await new Promise((r) => setTimeout(r, 20));
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ ok: false, store: 'failing', fold: { batches: 1, events: 1 } });
      // Until the journal is full, then 503 with Retry-After.
      let full: Response | undefined;
      for (let i = 2; i < 200 && !full; i++) {
        const res = await send(`w${i}`);
        if (res.status !== 202) full = res;
      }
      expect(full?.status).toBe(503);
      expect(full?.headers.get('retry-after')).toBe('30');
      const [{ c: during }] = blocker.prepare('SELECT COUNT(*) AS c FROM events').all() as [{ c: number }];
      expect(during).toBe(0);
      blocker.exec('ROLLBACK');
      await folder.drained();
      expect(await (await app.request('/health')).json()).toMatchObject({ ok: true, store: 'ok', fold: { batches: 0 } });
      const [{ c }] = (await store.all(`SELECT COUNT(*) AS c FROM events`)) as [{ c: number }];
      expect(c).toBeGreaterThan(10);
    } finally {
      if (blocker.isTransaction) blocker.exec('ROLLBACK');
      blocker.close();
      await folder.stop();
      await store.close();
    }
  });

  it('loses no acknowledged event and duplicates none when killed with SIGKILL three times under load', { timeout: 30_000 }, async () => {
    // bench/crash.ts: four clients, SIGKILL at a random moment 0.4–1.2 s into each round, then
    // a start that folds what is left; `npm run bench -- crash` runs the same for 60 s.
    const r = await runCrash({ rounds: 3, roundMs: [400, 1200], dir: fresh() });
    expect(r.acked).toBeGreaterThan(100);
    expect(r.lost).toBe(0);
    expect(r.rows).toBeGreaterThanOrEqual(r.acked);
    expect(r.sessions).toBeGreaterThan(0);
    expect(r.derivedEqual).toBe(true);
  });
});
