// Opens the collector's store from its settings: a Postgres pool when a database URL is given,
// else the SQLite file. The server and the fold thread (fold-worker.ts) open theirs alike.
import { openPostgresStore } from '../store/postgres/store';
import { openSqliteStore } from '../store/sqlite/store';
import type { Store } from '../store/types';

/** Where the events are stored (StartOptions' fields of the same names). */
export interface StoreSetup {
  /** SQLite file, or ':memory:'. */
  dbPath: string;
  databaseUrl?: string;
  databasePool?: number;
  durability?: 'normal' | 'full';
  /** SQLite: how long a writer waits for another connection's lock, ms (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * Opens the store `setup` names. `writerOnly`: no SQLite reader threads (the fold thread only writes).
 * @example const store = await openStore({ dbPath: './data/cjm.db' });
 */
export async function openStore(setup: StoreSetup, writerOnly = false): Promise<Store> {
  return setup.databaseUrl
    ? openPostgresStore(setup.databaseUrl, { poolSize: setup.databasePool })
    : openSqliteStore(setup.dbPath, {
        durability: setup.durability,
        ...(setup.busyTimeoutMs !== undefined ? { busyTimeoutMs: setup.busyTimeoutMs } : {}),
        ...(writerOnly ? { readers: 0 } : {}),
      });
}
