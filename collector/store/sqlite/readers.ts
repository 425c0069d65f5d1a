// Read connections of the SQLite store in worker threads, so that concurrent store.all() calls
// (the journey report issues its sections together) run on several cores instead of one after
// the other on the main connection, which node:sqlite runs synchronously. File databases only.
import type { SQLInputValue } from 'node:sqlite';
import { Worker, type ResourceLimits } from 'node:worker_threads';

type Rows = Record<string, unknown>[];

/** workerData of a reader (collector/store/sqlite/reader-worker.ts). */
export interface ReaderSetup {
  path: string;
  busyTimeoutMs: number;
  /** sqlite3_set_authorizer action codes a statement may use. */
  readActions: number[];
  /** Page cache of each reader, MB (SQLite's default is 2). */
  cacheMb: number;
}
export interface ReaderRequest {
  id: number;
  sql: string;
  params: readonly SQLInputValue[];
}
export type ReaderReply =
  { id: number; rows: Rows } | { id: number; error: { message: string; code?: unknown; errcode?: unknown; errstr?: unknown } };

export interface ReaderPoolOptions extends ReaderSetup {
  /** Worker threads at most (started as calls need them). */
  size: number;
  /** Runs a query on the main connection: used once readers keep dying (see MAX_DEATHS). */
  fallback: (sql: string, params: readonly SQLInputValue[]) => Rows;
  /** Heap limits of each worker (tests use a small one to make a worker die). */
  resourceLimits?: ResourceLimits;
}

export interface ReaderPool {
  /** Runs a read-only query on an idle reader, or once one is free (first come, first served). */
  all(sql: string, params: readonly SQLInputValue[]): Promise<Rows>;
  /** Lets running queries finish, refuses queued ones, closes every reader and awaits its end. */
  close(): Promise<void>;
  /** Worker threads alive now. */
  readonly threads: number;
}

const WORKER = new URL('./reader-worker.ts', import.meta.url);
/** Readers that die in a row, without any answer between, before the pool gives up for the main connection. */
const MAX_DEATHS = 3;

type Job = { sql: string; params: readonly SQLInputValue[]; resolve: (rows: Rows) => void; reject: (err: unknown) => void };
type Reader = { worker: Worker; job: Job | null; id: number; exited: Promise<void> };

/**
 * A pool of read-only connections to the database file `path`, one per worker thread, started
 * lazily and unref'd while idle (an idle pool never keeps the process alive). A query that fails
 * rejects with an Error of the same message (and code, errcode, errstr); a reader that dies
 * rejects its running query and is replaced by the next call.
 * @example const pool = openReaderPool({ path, size: 2, busyTimeoutMs: 5000, readActions, cacheMb: 128, fallback });
 */
export function openReaderPool(options: ReaderPoolOptions): ReaderPool {
  const { size, fallback, resourceLimits } = options;
  const setup: ReaderSetup = {
    path: options.path,
    busyTimeoutMs: options.busyTimeoutMs,
    readActions: options.readActions,
    cacheMb: options.cacheMb,
  };
  const readers: Reader[] = [];
  const queue: Job[] = [];
  let lastId = 0;
  let deaths = 0;
  let closed = false;
  let closing: Promise<void> | undefined;

  const settle = (reader: Reader): Job | null => {
    const job = reader.job;
    reader.job = null;
    reader.worker.unref();
    return job;
  };

  const spawn = (): Reader => {
    const worker = new Worker(WORKER, { workerData: setup, resourceLimits, name: 'cjm-sqlite-reader' });
    worker.unref();
    let failure: unknown;
    const reader: Reader = { worker, job: null, id: 0, exited: new Promise((resolve) => worker.once('exit', () => resolve())) };
    worker.on('message', (reply: ReaderReply) => {
      if (!reader.job || reply.id !== reader.id) return;
      const job = settle(reader)!;
      deaths = 0;
      if ('rows' in reply) job.resolve(reply.rows);
      else
        job.reject(
          Object.assign(new Error(reply.error.message), {
            code: reply.error.code,
            errcode: reply.error.errcode,
            errstr: reply.error.errstr,
          }),
        );
      pump();
    });
    // A listener on 'error' keeps a worker's uncaught error from crashing this process; 'exit' follows.
    worker.on('error', (err) => (failure = err));
    worker.on('messageerror', (err) => {
      settle(reader)?.reject(err);
      pump();
    });
    worker.on('exit', (code) => {
      readers.splice(readers.indexOf(reader), 1);
      const job = settle(reader);
      if (closed) return job?.reject(new Error('The store is closed'));
      deaths++;
      const why = failure instanceof Error ? `: ${failure.message}` : '';
      job?.reject(new Error(`SQLite reader stopped (exit code ${code})${why}`));
      pump();
    });
    readers.push(reader);
    return reader;
  };

  /** Hands queued calls to idle readers, starting readers up to `size`. */
  const pump = () => {
    while (queue.length && !closed) {
      if (deaths >= MAX_DEATHS) {
        const job = queue.shift()!;
        try {
          job.resolve(fallback(job.sql, job.params));
        } catch (err) {
          job.reject(err);
        }
        continue;
      }
      let reader = readers.find((r) => !r.job);
      if (!reader && readers.length < size) {
        try {
          reader = spawn();
        } catch (err) {
          deaths++; // a reader that cannot start counts as one that died
          queue.shift()!.reject(err);
          continue;
        }
      }
      if (!reader) return; // all busy: the call waits for the first to answer
      const job = queue.shift()!;
      reader.job = job;
      reader.id = ++lastId;
      reader.worker.ref();
      try {
        reader.worker.postMessage({ id: reader.id, sql: job.sql, params: job.params } satisfies ReaderRequest);
      } catch (err) {
        settle(reader);
        job.reject(err);
      }
    }
  };

  return {
    all(sql, params) {
      if (closed) return Promise.resolve().then(() => fallback(sql, params));
      return new Promise((resolve, reject) => {
        queue.push({ sql, params, resolve, reject });
        pump();
      });
    },
    get threads() {
      return readers.length;
    },
    close() {
      if (closing) return closing;
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('The store is closed'));
      // The close message is handled after the running query: its answer still arrives.
      closing = Promise.all(
        readers.map((r) => {
          r.worker.ref();
          r.worker.postMessage(null);
          return r.exited;
        }),
      ).then(() => {});
      return closing;
    },
  };
}
