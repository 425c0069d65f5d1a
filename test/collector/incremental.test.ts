// The incremental rollups on SQLite: random deliveries through the store equal a rebuild from
// events (test/collector/incremental-property.ts; test/workers/incremental.test.ts runs it on D1).
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll } from 'vitest';
import { openSqliteStore } from '../../collector/store/sqlite';
import { tempDir } from './helpers';
import { runIncrementalProperty } from './incremental-property';

const tmp = tempDir();
afterAll(tmp.cleanup);
let n = 0;

runIncrementalProperty(
  'sqlite',
  async () => {
    const path = join(tmp.dir, `incremental-${n++}.db`);
    const store = openSqliteStore(path);
    const raw = new DatabaseSync(path);
    const close = store.close.bind(store);
    store.close = async () => {
      raw.close();
      await close();
    };
    return {
      store,
      db: {
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
      },
    };
  },
  300,
);
