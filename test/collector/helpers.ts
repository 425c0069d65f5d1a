// Shared helpers of the collector tests on Node: a temp SQLite store and an app with a pinned
// clock; the runtime-neutral fixtures (batch builders, rows, NDJSON reader) are in fixtures.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createApp } from '../../collector/app';
import type { AppDeps } from '../../collector/env';
import { createRefusalLog } from '../../collector/limits/refusal-log';
import { openSqliteStore } from '../../collector/store/sqlite/store';
import type { SqlStore, Store, StoredEvent } from '../../collector/store/types';

import { NOW, TOKEN } from './fixtures';
import type { RawDb } from './incremental-property';

export { NOW, TOKEN, UA, batch, event, ndjson, row } from './fixtures';

/** A temp folder removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cjm-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A SQLite store on a temp file, plus its path and a cleanup that closes and deletes it. */
export function tempStore(): { store: SqlStore; path: string; cleanup: () => Promise<void> } {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'cjm.db');
  const store = openSqliteStore(path);
  return {
    store,
    path,
    cleanup: async () => {
      await store.close();
      cleanup();
    },
  };
}

/**
 * A SQLite store on `path` and a second, raw connection to the same file (writes as one
 * transaction): what the property and restage tests compare the store with. Closing the store
 * closes both.
 */
export function storeWithRawDb(path: string): { store: SqlStore; db: RawDb } {
  const store = openSqliteStore(path);
  const raw = new DatabaseSync(path);
  const close = store.close.bind(store);
  store.close = async () => {
    raw.close();
    await close();
  };
  const db: RawDb = {
    async run(statements) {
      raw.exec('BEGIN IMMEDIATE');
      try {
        for (const { sql, params } of statements) raw.prepare(sql).run(...params);
        raw.exec('COMMIT');
      } catch (err) {
        raw.exec('ROLLBACK');
        throw err;
      }
    },
    async all(sql) {
      return raw.prepare(sql).all() as Record<string, unknown>[];
    },
  };
  return { store, db };
}

/** The collector app over `store`, with the clock pinned at NOW and errors kept quiet. */
export function testApp(store: Store, overrides: Partial<AppDeps> = {}) {
  const logged: unknown[] = [];
  const app = createApp({
    store,
    config: { adminToken: TOKEN },
    now: () => NOW,
    log: (_m, err) => logged.push(err),
    refusals: createRefusalLog({ print: () => {} }),
    // As behind a trusted proxy (CJM_TRUST_PROXY=1): the country headers are read.
    country: (c) => c.req.header('cf-ipcountry') ?? c.req.header('x-country'),
    ...overrides,
  });
  return { app, logged };
}

/** POSTs a body (object → JSON text, string as is) to /collect of an app. */
export function post(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.request('/collect', {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'text/plain', ...headers },
  });
}

/** Every stored row of a site (via the store's own export). */
export async function rows(store: Store, site = 'shop'): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const r of store.exportEvents(site)) out.push(r);
  return out;
}
