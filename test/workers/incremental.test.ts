// The incremental rollups on D1 in workerd: random deliveries through the D1 store equal a
// rebuild from events (test/collector/incremental-property.ts, also run on SQLite).
import { env } from 'cloudflare:workers';
import { openD1Store } from '../../collector/store/sqlite/d1';
import { runIncrementalProperty } from '../collector/incremental-property';

runIncrementalProperty(
  'd1',
  async () => ({
    store: openD1Store(env.DB),
    db: {
      async run(statements) {
        await env.DB.batch(statements.map(({ sql, params }) => env.DB.prepare(sql).bind(...params)));
      },
      async all(sql) {
        return (await env.DB.prepare(sql).all<Record<string, unknown>>()).results;
      },
    },
  }),
  200,
);
