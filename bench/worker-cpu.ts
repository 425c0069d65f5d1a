// A bench-only Worker that times the collector app inside workerd: POST /cpu runs `n` batches
// through the real createApp() (Hono, validation, enrichment, journey assignment) and reports
// the milliseconds per batch. Workers' clocks only advance at I/O, so the loop starts right
// after a D1 round trip and ends with one; that closing round trip is timed alone and subtracted.
import type { D1Database } from '@cloudflare/workers-types';
import { createApp } from '../collector/app';
import { openD1Store } from '../collector/store/sqlite/d1';
import type { Store } from '../collector/store/types';

interface Env {
  DB: D1Database;
  CJM_ADMIN_TOKEN: string;
}

/** What POST /cpu expects: request bodies to send, in order, and whether to write to D1. */
export interface CpuRequest {
  bodies: string[];
  store: 'memory' | 'd1';
  userAgent: string;
}

/** What POST /cpu answers. */
export interface CpuResult {
  batches: number;
  /** Milliseconds for all batches, minus the closing D1 round trip. */
  totalMs: number;
  perBatchMs: number;
  /** Milliseconds of one `SELECT 1` round trip to D1 (subtracted). */
  frameMs: number;
}

const empty = () => ({ firstPurchases: new Map(), sessions: new Map(), userVisitors: new Map() });

/** D1 for journey reads and exports, but inserts that only count: ingest without the write. */
function memoryStore(d1: Store): Store {
  return {
    ...d1,
    insert: async (rows) => ({ inserted: rows.length, duplicates: 0 }),
    journeyContext: async () => empty(),
    insertAssigned: async (_site, _keys, assign) => ({ inserted: assign(empty()).length, duplicates: 0 }),
  };
}

const sync = (db: D1Database) => db.prepare('SELECT 1').first();

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { bodies, store, userAgent } = (await request.json()) as CpuRequest;
    const d1 = openD1Store(env.DB);
    const app = createApp({ store: store === 'd1' ? d1 : memoryStore(d1), config: { adminToken: env.CJM_ADMIN_TOKEN } });
    const requests = bodies.map(
      (body) =>
        new Request('http://bench/collect', { method: 'POST', body, headers: { 'content-type': 'text/plain', 'user-agent': userAgent } }),
    );

    await sync(env.DB);
    let t = performance.now();
    await sync(env.DB);
    const frameMs = performance.now() - t;

    await sync(env.DB);
    t = performance.now();
    for (const req of requests) {
      const res = await app.fetch(req);
      if (res.status !== 202) return new Response(`unexpected ${res.status}: ${await res.text()}`, { status: 500 });
      await res.arrayBuffer();
    }
    await sync(env.DB);
    const totalMs = Math.max(0, performance.now() - t - frameMs);
    const result: CpuResult = { batches: requests.length, totalMs, perBatchMs: totalMs / requests.length, frameMs };
    return Response.json(result);
  },
};
