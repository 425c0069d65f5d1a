// The baseline of bench/worker.ts: a bare Hono Worker that answers every request 204.
import { Hono } from 'hono';

const app = new Hono();
app.all('*', (c) => c.body(null, 204));

export default app;
