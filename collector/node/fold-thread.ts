// The fold in a worker thread of its own (issue 16): node:sqlite runs synchronously, so a fold
// transaction of 2,000 rows in the main thread would hold every request (and /health) for tens
// of ms, and its CPU would be taken from the requests'. The thread opens its own connection to
// the store (fold-worker.ts) and stores the groups the folder sends it, one at a time; the main
// thread only validates, appends to the journal and answers. A thread that dies fails the
// group it held (the folder retries it) and the next call starts a new one.
import { Worker } from 'node:worker_threads';
import type { StoredEvent } from '../store/types';
import { BatchRefused, type FoldRows } from './folder';
import type { StoreSetup } from './open-store';

/** workerData of the fold thread. */
export interface FoldThreadSetup {
  store: StoreSetup;
  stages?: readonly string[];
}

/** Main thread → fold thread: a group to store, or null to close. */
export type FoldRequest = { id: number; rows: StoredEvent[] } | null;
/** Fold thread → main thread. */
export type FoldReply =
  | { ready: true }
  | { startError: string }
  | { id: number }
  | { id: number; error: { message: string; cause: string; refused: string | null } };

export interface FoldThread {
  fold: FoldRows;
  /** Lets the group in progress finish, then closes the thread's store and ends it. */
  close(): Promise<void>;
  /** Ends the running thread at once, as a crash would (tests): its group fails, the next call starts a new one. */
  kill(): Promise<void>;
}

const ENTRY = new URL('./fold-worker-entry.mjs', import.meta.url);

type Running = { worker: Worker; ready: Promise<void>; exited: Promise<void> };

/**
 * Starts the fold thread; resolves once its store is open (rejects if it cannot open).
 * @example const thread = await startFoldThread({ store: { dbPath } }); startFolder(journal, thread.fold, { dir });
 */
export async function startFoldThread(setup: FoldThreadSetup): Promise<FoldThread> {
  let running: Running | null = null;
  let closed = false;
  let lastId = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();

  const spawn = (): Running => {
    const worker = new Worker(ENTRY, { workerData: setup, name: 'cjm-fold' });
    let failure: unknown;
    let started: { resolve: () => void; reject: (e: unknown) => void };
    const ready = new Promise<void>((resolve, reject) => (started = { resolve, reject }));
    ready.catch(() => {}); // awaited by the caller; a thread that dies later must not reject it unheard
    worker.on('message', (reply: FoldReply) => {
      if ('ready' in reply) return started.resolve();
      if ('startError' in reply) return started.reject(new Error(`the fold thread cannot open the store: ${reply.startError}`));
      const call = waiting.get(reply.id);
      if (!call) return;
      waiting.delete(reply.id);
      if (!('error' in reply)) return call.resolve();
      // The whole message (it names the database: for the log), and its root cause (for /health).
      const { message, cause, refused } = reply.error;
      const options = { cause: new Error(cause) };
      call.reject(refused ? new BatchRefused(message, options) : new Error(message, options));
    });
    // A listener on 'error' keeps the thread's uncaught error from crashing this process; 'exit' follows.
    worker.on('error', (err) => (failure = err));
    const exited = new Promise<void>((done) =>
      worker.once('exit', (code) => {
        if (running?.worker === worker) running = null;
        const why = `the fold thread stopped (exit code ${code})${failure instanceof Error ? `: ${failure.message}` : ''}`;
        started.reject(new Error(why));
        for (const call of waiting.values()) call.reject(new Error(why));
        waiting.clear();
        done();
      }),
    );
    return { worker, ready, exited };
  };

  const first = (running = spawn());
  await first.ready;

  return {
    async fold(rows: StoredEvent[]) {
      if (closed) throw new Error('the fold thread is closed');
      const r = (running ??= spawn());
      await r.ready;
      const id = ++lastId;
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        r.worker.postMessage({ id, rows } satisfies FoldRequest);
      });
    },
    async kill() {
      const r = running;
      if (r) await r.worker.terminate();
    },
    async close() {
      closed = true;
      const r = running;
      if (!r) return;
      r.worker.postMessage(null satisfies FoldRequest);
      await r.exited;
    },
  };
}
