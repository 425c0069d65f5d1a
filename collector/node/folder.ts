// The folder (issue 16, Node): stores the journal's batches (collector/node/journal.ts) in the
// store, in order, off the request path. Consecutive batches of one site go in as one batch (up
// to MAX_ROWS rows: one journey-context read, one transaction), through the very steps a
// direct insert takes (ingest storeEnriched). Storing a batch twice is harmless — the store skips
// the events it has — so after a crash the folder starts again from its last mark and nothing
// is lost or counted twice. When the store fails, it waits and tries again; a batch the store
// refuses on its own (while others are stored) is set aside in `<journal>/refused.ndjson` with
// the error, never dropped silently.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { storeEnriched } from '../ingest';
import type { Store } from '../store/types';
import type { Journal, JournalRecord } from './journal';

/** Rows per fold transaction at most. */
const MAX_ROWS = 2000;
/** Wait before trying again after a store failure, ms (doubles up to 30 s). */
const RETRY_MS = 250;

/** The store's state as the folder sees it (GET /health). */
export interface FoldState {
  /** false while storing fails (the journal keeps accepting until it is full). */
  storeOk: boolean;
  lastError: string | null;
  /** Batches set aside because the store refused them alone. */
  refused: number;
}

export interface Folder {
  state(): FoldState;
  /** Resolves once every batch appended so far is stored (or set aside). */
  drained(): Promise<void>;
  /** Stops after the fold in progress. */
  stop(): Promise<void>;
}

/** SQLite result codes of a statement the data makes fail (CONSTRAINT, MISMATCH, RANGE, TOOBIG), not the database. */
const DATA_ERRORS = new Set([18, 19, 20, 25]);
const refusedAlone = (err: unknown) => {
  const code = (err as { errcode?: unknown })?.errcode;
  return typeof code === 'number' ? DATA_ERRORS.has(code & 0xff) : err instanceof TypeError || err instanceof SyntaxError;
};

/**
 * Starts folding `journal` into `store`.
 * @example const folder = startFolder(journal, store, { stages: config.stages, dir });
 */
export function startFolder(journal: Journal, store: Store, options: { dir: string; stages?: readonly string[]; log?: (m: string, e: unknown) => void }): Folder {
  const log = options.log ?? console.error;
  const state: FoldState = { storeOk: true, lastError: null, refused: 0 };
  let stopping = false;
  const idle: (() => void)[] = [];

  /** The next group: consecutive records of one site, MAX_ROWS rows at most (one record at least). */
  const nextGroup = (): JournalRecord[] => {
    const pending = journal.pending();
    const group: JournalRecord[] = [];
    let rows = 0;
    for (const r of pending) {
      const site = r.rows[0]?.site;
      if (group.length && (site !== group[0]!.rows[0]?.site || rows + r.rows.length > MAX_ROWS)) break;
      group.push(r);
      rows += r.rows.length;
    }
    return group;
  };

  const store1 = async (records: JournalRecord[]) => storeEnriched(records.flatMap((r) => r.rows), store, options.stages);
  const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
  let delay = RETRY_MS;
  const stored = (seq: number) => {
    state.storeOk = true;
    state.lastError = null;
    delay = RETRY_MS;
    journal.folded(seq);
  };
  /**
   * After a batch failed alone: if the store refused its content (a constraint, a value it
   * cannot take), set it aside and go on; otherwise the store is failing: keep it, wait, retry.
   * @returns whether to go on with the next batch
   */
  const failed = async (r: JournalRecord, err: unknown): Promise<boolean> => {
    if (refusedAlone(err)) {
      appendFileSync(join(options.dir, 'refused.ndjson'), `${JSON.stringify({ error: String((err as Error).message ?? err), ...r })}\n`);
      state.refused++;
      log(`cjm: batch ${r.seq} refused by the store, kept in refused.ndjson`, err);
      journal.folded(r.seq);
      return true;
    }
    if (state.storeOk) log('cjm: the fold cannot store batches; the journal keeps them and it tries again', err);
    state.storeOk = false;
    state.lastError = String((err as Error).message ?? err);
    await sleep(delay);
    delay = Math.min(delay * 2, 30_000);
    return false;
  };

  const loop = async () => {
    while (!stopping) {
      const group = nextGroup();
      if (!group.length) {
        for (const done of idle.splice(0)) done();
        await journal.waitForRecords();
        continue;
      }
      try {
        await store1(group);
        stored(group[group.length - 1]!.seq);
      } catch (err) {
        if (group.length === 1) {
          await failed(group[0]!, err);
          continue;
        }
        // One by one, so one bad batch does not hold back the others.
        for (const r of group) {
          try {
            await store1([r]);
            stored(r.seq);
          } catch (e) {
            if (!(await failed(r, e))) break;
          }
        }
      }
    }
  };
  const running = loop().catch((err: unknown) => log('cjm: the fold stopped', err));

  return {
    state: () => ({ ...state }),
    drained: () => (journal.pending().length ? new Promise<void>((done) => idle.push(done)) : Promise.resolve()),
    async stop() {
      stopping = true;
      await journal.close(); // wakes a loop waiting for records
      await running;
    },
  };
}

/** GET /health with the journal on: the fold's lag and the store's state (not ok while it fails). */
export function foldHealth(journal: Journal, folder: Folder) {
  return () => {
    const { storeOk, lastError, refused } = folder.state();
    return { ok: storeOk, store: storeOk ? 'ok' : 'failing', ...(lastError ? { storeError: lastError } : {}), fold: { ...journal.lag(), refused } };
  };
}
