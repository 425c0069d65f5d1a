// Data lifecycle on Workers: the retention and erasure contract on D1, the erasure API and the
// rate limit through the Worker, and retention from the Cron Trigger's scheduled() handler.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import type { ScheduledController } from '@cloudflare/workers-types';
import { describe, expect, it } from 'vitest';
import worker from '../../collector/worker/main';
import type { WorkerEnv } from '../../collector/worker/main';
import { openD1Store } from '../../collector/store/sqlite/d1';
import { event, row } from '../collector/fixtures';
import { runLifecycleContract } from '../collector/lifecycle-contract';

runLifecycleContract('d1', () => openD1Store(env.DB));
runLifecycleContract('d1, retention in steps of 2', () => openD1Store(env.DB, { retentionStep: 2 }));

const auth = { Authorization: `Bearer ${env.CJM_ADMIN_TOKEN}` };
const DAY = 24 * 3600 * 1000;

async function ids(site = 'shop'): Promise<string[]> {
  const { results } = await env.DB.prepare('SELECT id FROM events WHERE site = ? ORDER BY id').bind(site).all<{ id: string }>();
  return results.map((r) => r.id);
}

function collect(events: Record<string, unknown>[], headers: Record<string, string> = {}) {
  const now = Date.now();
  return exports.default.fetch('http://cjm.test/collect', {
    method: 'POST',
    body: JSON.stringify({ site: 'shop', sent: now, events: events.map((e) => ({ ...e, ts: now - 1000 })) }),
    headers: { 'content-type': 'text/plain', ...headers },
  });
}

describe('Worker: DELETE /api/sites/:site/visitors/:id', () => {
  it('erases a visitor and its identify-linked visitors, behind the token', async () => {
    const res = await collect([
      event({ id: 'a1', visitor: 'vA', session: 'sA' }),
      event({ id: 'a2', visitor: 'vA', session: 'sA', type: 'identify', name: 'identify', user: 'u1' }),
      event({ id: 'b1', visitor: 'vB', session: 'sB', user: 'u1' }),
      event({ id: 'c1', visitor: 'vC', session: 'sC' }),
    ]);
    expect(res.status).toBe(202);
    const url = 'http://cjm.test/api/sites/shop/visitors/vA';
    expect((await exports.default.fetch(url, { method: 'DELETE' })).status).toBe(401);
    expect(await ids()).toEqual(['a1', 'a2', 'b1', 'c1']);
    const erased = await exports.default.fetch(url, { method: 'DELETE', headers: auth });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toEqual({ deleted: 3, visitors: ['vA', 'vB'] });
    expect(await ids()).toEqual(['c1']);
    const { results } = await env.DB.prepare("SELECT visitor FROM visitors WHERE site = 'shop'").all();
    expect(results).toEqual([{ visitor: 'vC' }]);
  });
});

describe('Worker: rate limit', () => {
  it('answers 429 with Retry-After per client (CF-Connecting-IP + User-Agent)', async () => {
    const limited = { ...env, CJM_RATE_LIMIT: '2/min' } as WorkerEnv; // one env object: one app, one set of buckets
    const send = async (ip: string) => {
      const ctx = createExecutionContext();
      const body = JSON.stringify({ site: 'shop', events: [event({ ts: Date.now() - 1000 })] });
      const res = await worker.fetch(
        new Request('http://cjm.test/collect', { method: 'POST', body, headers: { 'cf-connecting-ip': ip } }),
        limited,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    expect((await send('203.0.113.1')).status).toBe(202);
    expect((await send('203.0.113.1')).status).toBe(202);
    const refused = await send('203.0.113.1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: string }).error).toMatch(/too many requests from this client/);
    expect((await send('203.0.113.2')).status).toBe(202); // another client
  });
});

describe('Worker: scheduled() retention', () => {
  const controller = (scheduledTime: number) => ({ scheduledTime, cron: '17 * * * *', noRetry() {} }) as unknown as ScheduledController;

  it('deletes events older than CJM_RETENTION_DAYS, and nothing without it', async () => {
    const now = Date.now();
    await openD1Store(env.DB).insert([
      row({ id: 'old', time: now - 40 * DAY, session: 's-old', visitor: 'v-old' }),
      row({ id: 'new', time: now - 2 * DAY, session: 's-new', visitor: 'v-new' }),
    ]);
    await worker.scheduled(controller(now), { ...env, CJM_RETENTION_DAYS: '' } as WorkerEnv);
    expect(await ids()).toEqual(['new', 'old']);
    await worker.scheduled(controller(now), { ...env, CJM_RETENTION_DAYS: '30' } as WorkerEnv);
    expect(await ids()).toEqual(['new']);
    const { results } = await env.DB.prepare("SELECT session FROM sessions WHERE site = 'shop'").all();
    expect(results).toEqual([{ session: 's-new' }]);
  });
});
