// Issue 16, pacing the acks to the fold: the journal answers far faster than the fold stores, so
// under a sustained load reports would fall further and further behind (and the batches waiting
// would grow in memory until the journal is full). A new batch therefore waits while the fold's
// oldest batch is more than maxLagMs old, and is answered once the fold has caught up; never
// while the store fails (the journal then takes batches until it is full, as before).
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journalFromEnv, unknownVariables } from '../../collector/node/env-options';
import { foldHealth, foldInto, pacedJournal, startFolder, type Folder } from '../../collector/node/folder';
import { openJournal, type Journal } from '../../collector/node/journal';
import { openSqliteStore } from '../../collector/store/sqlite/store';
import type { SqlStore, StoredEvent } from '../../collector/store/types';
import { batch, event, post, tempDir, testApp } from './helpers';

let tmp: ReturnType<typeof tempDir>;
let dbPath: string;
let store: SqlStore;
let journal: Journal;
let folder: Folder;
let app: ReturnType<typeof testApp>['app'];
/** The fold waits for this before each group (the test's way to make it fall behind). */
let hold: Promise<void>;
let release: () => void;

beforeEach(async () => {
  tmp = tempDir();
  dbPath = join(tmp.dir, 'cjm.db');
  store = openSqliteStore(dbPath, { busyTimeoutMs: 20 });
  journal = await openJournal({ dir: join(tmp.dir, 'journal') });
  hold = Promise.resolve();
  const fold = foldInto(store);
  const held = async (rows: StoredEvent[]) => (await hold, fold(rows));
  folder = startFolder(journal, held, { dir: join(tmp.dir, 'journal'), maxLagMs: 100, maxWaitMs: 5000, retryMs: 10, log: () => {} });
  ({ app } = testApp(store, { journal: pacedJournal(journal, folder), health: foldHealth(journal, folder), now: Date.now }));
});
afterEach(async () => {
  release?.();
  await folder.stop();
  await store.close();
  tmp.cleanup();
});

const holdFold = () => (hold = new Promise<void>((done) => (release = done)));
const send = (id: string) => post(app, batch([event({ id, ts: Date.now() })], { sent: Date.now() }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const storedIds = () => (store.all('SELECT id FROM events ORDER BY rowid') as Promise<{ id: string }[]>).then((r) => r.map((x) => x.id));

describe('pacing the acks to the fold', () => {
  it('holds a new batch while the fold is behind, and answers it once the fold has caught up', async () => {
    holdFold();
    expect((await send('a1')).status).toBe(202); // nothing waiting: answered at once
    await sleep(150); // a1 now waits longer than maxLagMs
    let answered = false;
    const b = Promise.resolve(send('b1')).then((res) => ((answered = true), res));
    await sleep(200);
    expect(answered).toBe(false);
    expect(journal.pending().map((r) => r.rows[0]!.id)).toEqual(['a1']); // b1 is not journaled yet either
    release();
    expect((await b).status).toBe(202);
    await folder.drained();
    expect(await storedIds()).toEqual(['a1', 'b1']);
  });

  it('answers at once while the store fails: the journal takes the batches, and stores them once it is back', async () => {
    const other = new DatabaseSync(dbPath, { timeout: 0 });
    try {
      other.exec('BEGIN IMMEDIATE'); // every write of the fold fails (SQLITE_BUSY)
      expect((await send('c1')).status).toBe(202);
      for (const t = Date.now(); folder.state().storeOk && Date.now() - t < 5000;) await sleep(10);
      expect(folder.state().storeOk).toBe(false);
      await sleep(150); // c1 is older than maxLagMs
      const started = Date.now();
      expect((await send('d1')).status).toBe(202);
      expect(Date.now() - started).toBeLessThan(1000); // not held for maxWaitMs (5 s)
      expect(journal.pending().map((r) => r.rows[0]!.id)).toEqual(['c1', 'd1']);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await folder.drained();
    expect(await storedIds()).toEqual(['c1', 'd1']);
  });

  it('journals a batch anyway after maxWaitMs when the fold stays behind', async () => {
    await folder.stop();
    journal = await openJournal({ dir: join(tmp.dir, 'journal2') });
    holdFold();
    const fold = foldInto(store);
    folder = startFolder(journal, async (rows) => (await hold, fold(rows)), {
      dir: join(tmp.dir, 'journal2'),
      maxLagMs: 50,
      maxWaitMs: 300,
    });
    ({ app } = testApp(store, { journal: pacedJournal(journal, folder), now: Date.now }));
    expect((await send('e1')).status).toBe(202);
    await sleep(100);
    const started = Date.now();
    expect((await send('f1')).status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(journal.pending().map((r) => r.rows[0]!.id)).toEqual(['e1', 'f1']);
    release();
    await folder.drained();
    expect(await storedIds()).toEqual(['e1', 'f1']);
  });
});

describe('CJM_JOURNAL_MAX_LAG_MS', () => {
  it('sets how far the fold may fall behind, and refuses what is not a number of ms', () => {
    expect(journalFromEnv({ CJM_JOURNAL: 'on' })).not.toHaveProperty('maxLagMs'); // 500 by default (folder.ts)
    expect(journalFromEnv({ CJM_JOURNAL: 'on', CJM_JOURNAL_MAX_LAG_MS: '250' })).toMatchObject({ maxLagMs: 250 });
    expect(journalFromEnv({ CJM_JOURNAL: 'on', CJM_JOURNAL_MAX_LAG_MS: '0' })).toMatchObject({ maxLagMs: 0 });
    expect(() => journalFromEnv({ CJM_JOURNAL: 'on', CJM_JOURNAL_MAX_LAG_MS: 'soon' })).toThrow(
      /^CJM_JOURNAL_MAX_LAG_MS must be a number of ms/,
    );
    expect(unknownVariables({ CJM_JOURNAL_MAX_LAG_MS: '250' })).toEqual([]);
  });
});
