// Issue 16, per-site failure isolation: with the ingest journal, one site's poisoned batch must
// not hold back every site. A batch the store refuses for its data, or one that keeps failing
// while the batch after it stores, is set aside in <journal>/refused.ndjson with the reason
// (counted on /health, logged) and the folder goes on in order; a store that fails for every
// batch (a write lock) sets nothing aside and loses nothing. Real SQLite failures: triggers that
// fail on one site's rows, and a write lock held by another connection.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFoldThread, type FoldThread } from '../../collector/node/fold-thread';
import { foldHealth, foldInto, startFolder, type Folder } from '../../collector/node/folder';
import { openJournal, type Journal } from '../../collector/node/journal';
import { openSqliteStore } from '../../collector/store/sqlite/store';
import type { Store } from '../../collector/store/types';
import { batch, event, post, tempDir, testApp } from './helpers';

let tmp: { dir: string; cleanup: () => void };
let dbPath: string;
let journalDir: string;
let store: Store;
let journal: Journal;
let folder: Folder;
let other: DatabaseSync; // a second connection: the saboteur
let logged: string[];
let app: ReturnType<typeof testApp>['app'];
/** Where the fold runs: this thread (foldInto), or the fold thread with its own connection. */
let inThread = false;
let thread: FoldThread | undefined;

const start = async () => {
  journal = await openJournal({ dir: journalDir });
  thread = inThread ? await startFoldThread({ store: { dbPath, busyTimeoutMs: 20 } }) : undefined;
  const fold = thread ? thread.fold : foldInto(store);
  folder = startFolder(journal, fold, { dir: journalDir, retryMs: 5, poisonAttempts: 3, log: (m) => logged.push(m) });
  ({ app } = testApp(store, { journal, health: foldHealth(journal, folder), now: Date.now }));
};

beforeEach(async () => {
  tmp = tempDir();
  dbPath = join(tmp.dir, 'cjm.db');
  journalDir = join(tmp.dir, 'journal');
  store = openSqliteStore(dbPath, { busyTimeoutMs: 20 });
  other = new DatabaseSync(dbPath, { timeout: 0 });
  logged = [];
  await start();
});
afterEach(async () => {
  if (other.isTransaction) other.exec('ROLLBACK');
  other.close();
  await folder.stop();
  await thread?.close();
  await store.close();
  tmp.cleanup();
});

let k = 0;
/** Sends two events of `site` (visitor and session per site) and returns their ids. */
async function send(site: string): Promise<string[]> {
  const ids = [`${site}-${k++}`, `${site}-${k++}`];
  const res = await post(
    app,
    batch(
      ids.map((id) => event({ id, visitor: `v-${site}`, session: `s-${site}`, ts: Date.now() - 1000 })),
      { site, sent: Date.now() },
    ),
  );
  expect(res.status).toBe(202);
  return ids;
}
const storedIds = () => (other.prepare('SELECT id FROM events ORDER BY rowid').all() as { id: string }[]).map((r) => r.id);
const deadLetter = () =>
  existsSync(join(journalDir, 'refused.ndjson'))
    ? readFileSync(join(journalDir, 'refused.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { reason: string; error: string; seq: number; rows: { id: string; site: string }[] })
    : [];

describe.each([
  ['in this thread', false],
  ['in the fold thread', true],
])('the fold with a poisoned batch of one site, %s', (_where, threaded) => {
  beforeAll(() => {
    inThread = threaded; // read by the file's beforeEach, which runs after this
  });

  it('sets aside a batch refused for its data and one that keeps failing, goes on in order, loses and duplicates nothing', async () => {
    // p1's rows break a constraint (known permanent); p2's rows make SQLite fail with an error
    // not known to be permanent (malformed JSON in a trigger): retried, then found poisoned
    // because the batch after it stores.
    other.exec(`CREATE TRIGGER p1 BEFORE INSERT ON events WHEN NEW.site = 'p1' BEGIN SELECT RAISE(ABORT, 'p1 is poisoned'); END`);
    other.exec(`CREATE TRIGGER p2 BEFORE INSERT ON events WHEN NEW.site = 'p2' BEGIN SELECT json('{'); END`);
    const honest: string[] = [];
    honest.push(...(await send('shop')));
    const p1 = await send('p1');
    honest.push(...(await send('blog')));
    const p2 = await send('p2');
    honest.push(...(await send('shop')), ...(await send('blog')));
    await folder.drained();

    expect(storedIds()).toEqual(honest); // in order, each once
    const aside = deadLetter();
    expect(aside.map((r) => r.rows.map((x) => x.id))).toEqual([p1, p2]);
    expect(aside[0]).toMatchObject({ reason: 'refused by the store', error: expect.stringMatching(/p1 is poisoned/) });
    expect(aside[1]).toMatchObject({
      reason: 'failed 4 times in a row while the batch after it was stored',
      error: expect.stringMatching(/malformed JSON/),
    });
    expect(logged.filter((m) => /set aside in .*refused\.ndjson/.test(m))).toHaveLength(2);
    const health = await app.request('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, store: 'ok', fold: { batches: 0, events: 0, refused: 2, attempts: 0 } });

    // After a restart the count comes from the file, and the journal holds nothing more.
    await folder.stop();
    await thread?.close();
    await start();
    expect(journal.pending()).toEqual([]);
    expect(await (await app.request('/health')).json()).toMatchObject({ fold: { refused: 2 } });
    expect(storedIds()).toEqual(honest);
  });

  it('a store failing for every batch (write lock) sets nothing aside: every site is acknowledged, then stored in order once it is back', async () => {
    other.exec('BEGIN IMMEDIATE');
    const sent: string[] = [];
    for (const site of ['shop', 'blog', 'docs', 'shop']) sent.push(...(await send(site)));
    // Well past the poison threshold (3): the batch after the head fails too, so it is the store.
    for (let t = Date.now(); folder.state().attempts < 8 && Date.now() - t < 10_000;) await new Promise((r) => setTimeout(r, 10));
    expect(folder.state()).toMatchObject({ storeOk: false, refused: 0 });
    expect(folder.state().attempts).toBeGreaterThanOrEqual(8);
    const health = await app.request('/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ ok: false, store: 'failing', fold: { batches: 4, events: 8 } });
    sent.push(...(await send('blog'))); // still acknowledged while the store fails
    other.exec('ROLLBACK');
    await folder.drained();
    expect(storedIds()).toEqual(sent);
    expect(deadLetter()).toEqual([]);
    expect(await (await app.request('/health')).json()).toMatchObject({ ok: true, fold: { refused: 0, attempts: 0 } });
  });
});

describe('the fold thread', () => {
  beforeAll(() => {
    inThread = true;
  });

  it('is replaced when it dies: the group it held fails and is stored again, nothing lost or doubled', async () => {
    const sent = [...(await send('shop'))];
    await folder.drained();
    await thread!.kill(); // idle: the next group starts a new thread
    sent.push(...(await send('shop')));
    await folder.drained();
    // Dies while its group keeps failing on a lock (the folder retrying every few ms): the group
    // is tried again on a new thread once the lock is gone.
    other.exec('BEGIN IMMEDIATE');
    sent.push(...(await send('blog')));
    for (let t = Date.now(); folder.state().attempts < 2 && Date.now() - t < 5000;) await new Promise((r) => setTimeout(r, 5));
    await thread!.kill();
    other.exec('ROLLBACK');
    sent.push(...(await send('docs')));
    await folder.drained();
    expect(storedIds()).toEqual(sent);
    expect(deadLetter()).toEqual([]);
    expect(folder.state()).toMatchObject({ storeOk: true, refused: 0 });
  });
});
