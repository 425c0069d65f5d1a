// Rungs of the ingest benchmark's speed ladder (child process), between the bare Hono app and
// the collector: POST /collect parses and validates the body (parseBatch) and enriches it
// (enrich), exactly as the collector does, then answers 202 — "parse + validate". With a
// folder as argv[2], it also appends the rows to the ingest journal (collector/node/journal.ts:
// one write and one fdatasync shared by the requests waiting) before answering — "durable
// append": what an acknowledged-when-durable collector cannot go below on this disk.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { enrich } from '../../collector/ingest/enrich';
import { parseBatch } from '../../collector/ingest/validate';
import { openJournal } from '../../collector/node/journal';
import { exitOnStop, type ReadyMessage } from './protocol';

const journalDir = process.argv[2];
const journal = journalDir ? await openJournal({ dir: journalDir, maxBytes: 2 ** 40 }) : null;

const app = new Hono();
app.post('/collect', async (c) => {
  const received = Date.now();
  const rows = enrich(parseBatch(await c.req.text(), received), { received, userAgent: c.req.header('user-agent') });
  if (journal) {
    await journal.append(rows);
    // Nothing folds these: let the journal's memory go (the segments stay on disk).
    const pending = journal.pending();
    if (pending.length > 1000) journal.folded(pending[pending.length - 1]!.seq);
  }
  return c.json({ accepted: rows.length, duplicates: 0 }, 202);
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.send!({ ready: true, url: `http://127.0.0.1:${info.port}` } satisfies ReadyMessage);
});
exitOnStop(async () => {
  await new Promise<void>((done) => {
    server.close(() => done());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
  await journal?.close();
});
