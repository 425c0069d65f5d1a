// The types every part of the Hono app shares: its injected dependencies and its `Env`.
import type { Context } from 'hono';
import type { SaltSource } from './compat/identity';
import type { CollectorConfig } from './config';
import type { RefusalLog } from './limits/refusal-log';
import type { Access } from './auth/tokens';
import type { StorageHealth } from './store/health';
import type { Store, StoredEvent } from './store/types';

/** What {@link createApp} needs; each runtime entry (node/server.ts, worker/main.ts) builds these. */
export interface AppDeps {
  /** Where events go; SQLite on Node, D1 on Workers. */
  store: Store;
  config: CollectorConfig;
  /** Clock in epoch ms; injected so tests can pin "now". Defaults to `Date.now`. */
  now?: () => number;
  /** Where unexpected errors are reported (never shown to clients). Defaults to `console.error`. */
  log?: (message: string, error: unknown) => void;
  /**
   * The client's IP for the per-client rate limit (hashed at once, never stored): the socket
   * address on Node (or X-Forwarded-For behind a trusted proxy), CF-Connecting-IP on Workers.
   * Default: unknown, so clients are told apart by User-Agent only.
   */
  clientIp?: (c: Context<AppEnv>) => string | undefined;
  /**
   * Daily salts of the visitor hash of clients that send no visitor id (Plausible, Umami; see
   * compat/identity.ts). Default: the store's (migration 0012), shared by every process.
   */
  salts?: SaltSource;
  /** Where /collect's refusals and bot events are summarised. Default: once a minute to console.warn. */
  refusals?: RefusalLog;
  /**
   * The visitor's country header, read only where a trusted party sets it (any client can send
   * X-Country or CF-IPCountry): on Workers CF-IPCountry (Cloudflare overwrites it); on Node
   * only behind a reverse proxy you trust (CJM_TRUST_PROXY=1). Default: none, no country stored.
   */
  country?: (c: Context<AppEnv>) => string | undefined;
  /** The database's size in bytes (Node: file + WAL), for CJM_MAX_DB_MB; unset: no size quota. */
  databaseBytes?: () => number;
  /** Whether the last writes succeeded, for /health; createApp makes one when not given. */
  storageHealth?: StorageHealth;
  /**
   * Node's ingest journal: /collect answers once a batch is appended there, and a folder stores
   * it later (collector/node/journal.ts, folder.ts). Unset: /collect stores before answering.
   */
  journal?: { append(rows: readonly StoredEvent[]): Promise<void> };
  /** What GET /health answers (with 503 when `ok` is false); unset: `{ ok: true }`. */
  health?: () => ({ ok: boolean } & Record<string, unknown>) | Promise<{ ok: boolean } & Record<string, unknown>>;
}

/** Per-request values set by middleware in app.ts. */
export interface AppVariables {
  /** Server time (epoch ms) when the request arrived, before its body was read. */
  received: number;
  /** What the request's API token may do (set on /api/* by app.ts). */
  access: Access;
}

/** Hono `Env` of the collector app. Deps are injected by closure, so there are no `Bindings`. */
export type AppEnv = { Variables: AppVariables };
