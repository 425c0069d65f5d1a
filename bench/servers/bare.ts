// Baseline of the ingest benchmark (child process): a bare Hono app on @hono/node-server that
// answers POST /collect with 204, started the same way as the collector.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { exitOnStop, type ReadyMessage } from './protocol';

const app = new Hono();
app.post('/collect', (c) => c.body(null, 204));

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.send!({ ready: true, url: `http://127.0.0.1:${info.port}` } satisfies ReadyMessage);
});
exitOnStop(
  () =>
    new Promise<void>((done) => {
      server.close(() => done());
      if ('closeAllConnections' in server) server.closeAllConnections();
    }),
);
