// The folder (issue 16, Node): stores the journal's batches (collector/node/journal.ts) in the
// store, in order, off the request path. Consecutive batches of one site go in as one batch (up
// to MAX_ROWS rows: one journey-context read, one transaction), through the very steps a
// direct insert takes (ingest storeEnriched), run by the fold thread (fold-thread.ts) so that
// the fold's CPU never holds up a request, or in this thread (foldInto) for ':memory:'. Storing
// a batch twice is harmless — the store skips the events it has — so after a crash the folder
// starts again from its last mark and nothing is lost or counted twice. When the store fails,
// it waits and tries again (backoff). One batch must not hold back every site: a batch the
// store refuses for its data, or one that keeps failing while the batch after it stores, is
// set aside in `<journal>/refused.ndjson` (the dead letter: the whole record with the reason,
// synced before the journal lets it go) and the fold goes on with the next batches, in order.
// New batches wait while the fold is behind (pace), so reports stay within about a second.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { storeEnriched } from '../ingest';
import { permanentFailure } from '../store/errors';
import { rootMessage } from '../store/health';
import type { Store, StoredEvent } from '../store/types';
import type { Journal, JournalRecord } from './journal';

/** Stores one group of journaled rows, all or nothing (storeEnriched, here or in the fold thread). */
export type FoldRows = (rows: StoredEvent[]) => Promise<unknown>;

/** Folds in this thread: storeEnriched into `store` (':memory:' databases, tests). */
export const foldInto =
  (store: Store, stages?: readonly string[]): FoldRows =>
  (rows) =>
    storeEnriched(rows, store, stages);

/** A failure the fold thread classified as the batch's own (its data): set aside, never retried. */
export class BatchRefused extends Error {}

/** Rows per fold transaction at most. */
const MAX_ROWS = 2000;
/** Wait before trying again after a store failure, ms (doubles up to 30 s). */
const RETRY_MS = 250;
/**
 * Failures in a row after which a batch whose error is not known to be permanent counts as
 * poisoned, if the batch after it stores (with the default backoff: after about 4 s).
 */
const POISON_ATTEMPTS = 5;

/** The store's state as the folder sees it (GET /health). */
export interface FoldState {
  /** false while storing fails (the journal keeps accepting until it is full). */
  storeOk: boolean;
  lastError: string | null;
  /** Batches set aside in refused.ndjson (since the file was created): refused for their data, or poisoned. */
  refused: number;
  /** Failures in a row of the batch at the head of the journal (0 while folding works). */
  attempts: number;
  /** Acknowledged → stored (visible in the report), ms, over the last VISIBLE_WINDOW batches stored. */
  visible: { batches: number; p50Ms: number; p99Ms: number; maxMs: number };
}

/** Batches whose ack-to-stored delay /health summarises. */
const VISIBLE_WINDOW = 10_000;
/**
 * Default of the fold's lag past which new batches wait for it, ms. The ack path is several
 * times faster than the fold (which writes indexes and derived tables): without pacing, a
 * sustained load makes reports fall further behind, and the batches waiting grow in memory,
 * until the journal is full. Waiting a little per request keeps reports within about a second.
 */
const MAX_LAG_MS = 500;
/** Default of the longest a batch waits for the fold before it is journaled anyway, ms. */
const MAX_WAIT_MS = 10_000;

/** p50/p99/max of the delays (0 when none). */
function summarise(delays: readonly number[]) {
  if (!delays.length) return { batches: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const sorted = [...delays].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
  return { batches: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1]! };
}

export interface Folder {
  state(): FoldState;
  /**
   * Resolves when a new batch may be journaled: at once while the fold keeps up (its oldest
   * batch waiting is at most `maxLagMs` old) or the store fails (the journal then takes batches
   * until it is full); otherwise once the fold has caught up, or after `maxWaitMs` at most.
   */
  pace(): Promise<void>;
  /** Resolves once every batch appended so far is stored (or set aside). */
  drained(): Promise<void>;
  /** Stops after the fold in progress. */
  stop(): Promise<void>;
}

/** SQLite result codes of a statement the data makes fail (CONSTRAINT, MISMATCH, RANGE, TOOBIG), not the database. */
const DATA_ERRORS = new Set([18, 19, 20, 25]);
/** Why the store will never take this batch (the data's fault), or null when it may pass on retry. */
export const refusedFor = (err: unknown): string | null => {
  if (err instanceof BatchRefused) return 'refused by the store';
  // The store wraps SQLite's error (naming the file): its code is on a cause.
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { errcode?: unknown }).errcode;
    if (typeof code === 'number' && DATA_ERRORS.has(code & 0xff)) return 'refused by the store';
  }
  if (permanentFailure(err)) return 'refused by the store';
  // Our own code failing on this batch's values (not an I/O error): the same every time.
  if (err instanceof TypeError || err instanceof SyntaxError || err instanceof RangeError) return 'refused by the store';
  return null;
};

/** Lines in the dead-letter file (batches set aside before this start). */
function linesIn(file: string): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'utf8');
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Starts folding `journal` into `store`.
 * @example const folder = startFolder(journal, foldInto(store, config.stages), { dir });
 */
export function startFolder(
  journal: Journal,
  fold: FoldRows,
  options: {
    dir: string;
    log?: (m: string, e: unknown) => void;
    retryMs?: number;
    poisonAttempts?: number;
    /** How far the fold may fall behind before new batches wait for it, ms (default {@link MAX_LAG_MS}). */
    maxLagMs?: number;
    /** The longest a new batch waits for the fold, ms (default {@link MAX_WAIT_MS}); then it is journaled anyway. */
    maxWaitMs?: number;
    now?: () => number;
  },
): Folder {
  const log = options.log ?? console.error;
  const retryMs = options.retryMs ?? RETRY_MS;
  const poisonAttempts = options.poisonAttempts ?? POISON_ATTEMPTS;
  const deadLetter = join(options.dir, 'refused.ndjson');
  const state: Omit<FoldState, 'visible'> = { storeOk: true, lastError: null, refused: linesIn(deadLetter), attempts: 0 };
  const delays: number[] = []; // ring of the last VISIBLE_WINDOW ack-to-stored delays
  let delayAt = 0;
  let stopping = false;
  const idle: (() => void)[] = [];
  const now = options.now ?? Date.now;
  const maxLagMs = options.maxLagMs ?? MAX_LAG_MS;
  const maxWaitMs = options.maxWaitMs ?? MAX_WAIT_MS;
  /** Batches waiting for the fold to catch up (pace), released in order. */
  const paced: (() => void)[] = [];
  const behind = () => {
    const oldest = journal.pending()[0];
    return !!oldest && state.storeOk && !stopping && now() - oldest.at > maxLagMs;
  };
  const releasePaced = () => {
    if (paced.length && !behind()) for (const go of paced.splice(0)) go();
  };

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

  const store1 = async (records: JournalRecord[]) => fold(records.flatMap((r) => r.rows));
  let wakeEarly: (() => void) | null = null;
  /** Backoff; stop() cuts it short. */
  const sleep = (ms: number) =>
    new Promise<void>((done) => {
      const timer = setTimeout(() => ((wakeEarly = null), done()), ms);
      wakeEarly = () => (clearTimeout(timer), (wakeEarly = null), done());
    });
  let delay = retryMs;
  const stored = (seq: number) => {
    const at = Date.now();
    for (const r of journal.pending()) {
      if (r.seq > seq) break;
      delays[delayAt++ % VISIBLE_WINDOW] = at - r.at;
    }
    state.storeOk = true;
    state.lastError = null;
    state.attempts = 0;
    delay = retryMs;
    journal.folded(seq);
    releasePaced();
  };
  /** Writes the batch and why to the dead-letter file, synced: only then may the journal drop it. */
  const setAside = (r: JournalRecord, reason: string, err: unknown) => {
    const line = `${JSON.stringify({ reason, error: String((err as Error)?.message ?? err), setAsideAt: Date.now(), ...r })}\n`;
    const fd = openSync(deadLetter, 'a');
    try {
      writeSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    state.refused++;
    state.attempts = 0;
    log(
      `cjm: batch ${r.seq} (${r.rows.length} events of site ${r.rows[0]?.site ?? '?'}) ${reason}; set aside in ${deadLetter}, the fold goes on`,
      err,
    );
  };
  /**
   * After batch `r` failed alone. Refused for its data: set aside, go on. Otherwise the store
   * may be failing (wait, retry with backoff) or the batch poisoned: after `poisonAttempts`
   * failures in a row, the next batch is tried alone; if it stores, the store works and `r` is
   * set aside, else the store is failing and both wait.
   */
  const failed = async (r: JournalRecord, err: unknown): Promise<void> => {
    const refused = refusedFor(err);
    try {
      if (refused) {
        setAside(r, refused, err);
        journal.folded(r.seq);
        releasePaced();
        return;
      }
      state.attempts++;
      const next = state.attempts >= poisonAttempts ? journal.pending().find((p) => p.seq > r.seq) : undefined;
      if (next) {
        await store1([next]); // throws while the store fails for the next batch too: it is the store, not this batch
        // The store works. Once more, in case it had only just come back (a lock released).
        const again = await store1([r]).then(
          () => null,
          (e: unknown) => e,
        );
        if (again) setAside(r, `failed ${state.attempts + 1} times in a row while the batch after it was stored`, again);
        stored(next.seq);
        return;
      }
    } catch {
      // the store, or the dead-letter file's disk, fails: wait and try again
    }
    if (state.storeOk) log('cjm: the fold cannot store batches; the journal keeps them and it tries again', err);
    state.storeOk = false;
    releasePaced(); // the journal takes them while the store fails
    state.lastError = rootMessage(err); // public on /health: no file path or host
    await sleep(delay);
    delay = Math.min(delay * 2, 30_000);
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
            await failed(r, e);
            break; // the journal's head has moved (set aside) or stays (retry): pick the next group afresh
          }
        }
      }
    }
  };
  const running = loop().catch((err: unknown) => log('cjm: the fold stopped', err));

  return {
    state: () => ({ ...state, visible: summarise(delays) }),
    pace() {
      if (!behind()) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          const at = paced.indexOf(go);
          if (at >= 0) paced.splice(at, 1);
          resolve();
        }, maxWaitMs);
        const go = () => (clearTimeout(timer), resolve());
        paced.push(go);
      });
    },
    drained: () => (journal.pending().length ? new Promise<void>((done) => idle.push(done)) : Promise.resolve()),
    async stop() {
      stopping = true;
      for (const go of paced.splice(0)) go();
      wakeEarly?.();
      await journal.close(); // wakes a loop waiting for records
      await running;
    },
  };
}

/** The journal as /collect appends to it: each batch once the fold keeps up (Folder.pace). */
export function pacedJournal(journal: Journal, folder: Folder) {
  return { append: (rows: readonly StoredEvent[]) => folder.pace().then(() => journal.append(rows)) };
}

/** GET /health with the journal on: the fold's lag and the store's state (not ok while it fails). */
export function foldHealth(journal: Journal, folder: Folder) {
  return () => {
    const { storeOk, lastError, refused, attempts, visible } = folder.state();
    return {
      ok: storeOk,
      store: storeOk ? 'ok' : 'failing',
      ...(lastError ? { storeError: lastError } : {}),
      fold: { ...journal.lag(), refused, attempts, visible },
    };
  };
}
