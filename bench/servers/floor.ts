// Floor of the ingest benchmark (child process): what durable per-request storage costs by
// itself. A bare Hono app whose POST /collect only JSON.parses the body and inserts its rows
// into an `events` table exactly like the collector's (the real migrations, columns and
// indexes; the derived tables dropped) in one transaction, with the collector's pragmas (WAL,
// synchronous NORMAL), then answers 202 like the collector. No validation, enrichment, journey,
// derived tables or rate limit: the collector cannot be faster than this on the same file system.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { EVENT_COLUMNS } from '../../collector/store/sql/columns';
import { migrate } from '../../collector/store/sqlite/migrate';
import { exitOnStop, type ReadyMessage } from './protocol';

const dbPath = process.argv[2];
if (!dbPath) throw new Error('usage: floor.ts <sqlite file>');

const db = new DatabaseSync(dbPath);
db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
migrate(db);
for (const t of ['sessions', 'visitors', 'report_stages', 'report_touchpoints', 'report_paths']) db.exec(`DROP TABLE ${t}`);

const insert = db.prepare(
  `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`,
);

const app = new Hono();
app.post('/collect', async (c) => {
  const received = Date.now();
  const batch = JSON.parse(await c.req.text()) as { site: string; sent: number; events: Record<string, unknown>[] };
  const skew = received - batch.sent;
  let accepted = 0;
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const e of batch.events) {
      const row: Record<string, unknown> = {
        ...e,
        site: batch.site,
        time: Number(e.ts) + skew,
        received,
        user_id: e.user ?? null,
        props: e.props ? JSON.stringify(e.props) : null,
        bot: 0,
      };
      accepted += Number(insert.run(...EVENT_COLUMNS.map((k) => (row[k] ?? null) as SQLInputValue)).changes);
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
  return c.json({ accepted, duplicates: batch.events.length - accepted }, 202);
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.send!({ ready: true, url: `http://127.0.0.1:${info.port}` } satisfies ReadyMessage);
});
exitOnStop(
  () =>
    new Promise<void>((done) => {
      server.close(() => {
        db.close();
        done();
      });
      if ('closeAllConnections' in server) server.closeAllConnections();
    }),
);
