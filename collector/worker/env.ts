// The bindings the collector Worker reads (wrangler.jsonc declares them): one typed `Env`, so
// no `any` reaches the Worker entry.
import type { D1Database, Fetcher, Queue } from '@cloudflare/workers-types';
import type { CollectorEnv } from '../config';
import type { QueuedRows } from './queue';

/** The Worker's `env`: bindings plus the variables and secrets configFromEnv() reads. */
export interface WorkerEnv extends CollectorEnv {
  /** The events database (D1), migrated with `wrangler d1 migrations apply DB`. */
  DB: D1Database;
  /** Static files (SDK build, demo); see the `assets` block of wrangler.jsonc. */
  ASSETS?: Fetcher;
  /** Optional Cloudflare Queue: when bound, /collect enqueues and queue() stores. */
  QUEUE?: Queue<QueuedRows>;
  /** The queue consumer's `max_retries` in wrangler.jsonc, when not the 10 it suggests. */
  CJM_QUEUE_MAX_RETRIES?: string;
}
