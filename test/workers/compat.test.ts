// The drop-in endpoints on the Worker (workerd, local D1): the requests the Plausible, Umami and
// Segment clients make (the same shapes the e2e tests record from the real clients) are
// answered as on Node and stored through the same ingest. Two app instances (as two isolates
// would be) agree on the visitor and the session, which live in D1, not in memory.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker, { type WorkerEnv } from '../../collector/worker/main';
import { UA } from '../collector/fixtures';

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  exports.default.fetch(`http://cjm.test${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: {
      'content-type': 'text/plain',
      'user-agent': UA.chrome,
      'cf-connecting-ip': '203.0.113.9',
      origin: 'https://shop.example',
      ...headers,
    },
  });

/** The Worker's fetch with a fresh env object: a new app, as in another isolate. */
async function postElsewhere(path: string, body: unknown): Promise<Response> {
  const ctx = createExecutionContext();
  const req = new Request(`http://cjm.test${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'user-agent': UA.chrome, 'cf-connecting-ip': '203.0.113.9', origin: 'https://shop.example' },
  });
  const res = await worker.fetch(req, { ...env } as WorkerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function stored(site: string) {
  const { results } = await env.DB.prepare('SELECT * FROM events WHERE site = ? ORDER BY time, id')
    .bind(site)
    .all<Record<string, unknown>>();
  return results;
}

describe('Worker: drop-in endpoints', () => {
  it('Plausible /api/event: 202 ok, one visitor and session across app instances, salt kept in D1', async () => {
    const res = await post('/api/event', {
      n: 'pageview',
      u: 'https://shop.example/?utm_source=news&utm_medium=email',
      d: 'shop.example',
      r: null,
      v: 36,
    });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('ok');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(
      (await postElsewhere('/api/event', { n: 'Signup', u: 'https://shop.example/', d: 'shop.example', p: { plan: 'pro' } })).status,
    ).toBe(202);
    const rows = await stored('shop.example');
    expect(rows.map((r) => [r.type, r.name])).toEqual([
      ['pageview', '/'],
      ['event', 'Signup'],
    ]);
    expect(new Set(rows.map((r) => r.visitor)).size).toBe(1);
    expect(new Set(rows.map((r) => r.session)).size).toBe(1);
    expect(rows[1]).toMatchObject({ medium: 'email', source: 'news', props: '{"plan":"pro"}' });
    const { results } = await env.DB.prepare('SELECT COUNT(*) AS n FROM salts').all<{ n: number }>();
    expect(results[0]!.n).toBe(1);
    // No raw IP anywhere in the row.
    expect(JSON.stringify(rows)).not.toContain('203.0.113.9');
  });

  it('Umami /api/send: 200 JSON {cache, sessionId, visitId}; preflight allows X-Umami-Cache', async () => {
    const pre = await exports.default.fetch('http://cjm.test/api/send', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-umami-cache',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/X-Umami-Cache/);
    const site = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    const res = await post(
      '/api/send',
      { type: 'event', payload: { website: site, hostname: 'shop.example', url: '/p?x=1', title: 'A%20page', referrer: '' } },
      { 'content-type': 'application/json' },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(typeof body.cache).toBe('string');
    expect(body).not.toHaveProperty('disabled');
    const res2 = await post(
      '/api/send',
      {
        type: 'event',
        payload: { website: site, hostname: 'shop.example', url: '/p', name: 'buy', data: { revenue: 12, currency: 'EUR' } },
      },
      { 'x-umami-cache': JSON.stringify(body) },
    );
    expect(res2.status).toBe(200);
    const rows = await stored(site);
    expect(rows.map((r) => [r.type, r.name, r.url])).toEqual([
      ['pageview', '/p', 'https://shop.example/p?x=1'],
      ['checkout', 'purchase', 'https://shop.example/p'],
    ]);
    expect(rows[0]!.title).toBe('A page');
    expect(rows[1]!.session).toBe(rows[0]!.session);
  });

  it('Segment /v1/batch: 200 {success: true}, messageId as id, a resent batch stores nothing new', async () => {
    const now = new Date().toISOString();
    const batch = {
      batch: [
        {
          type: 'page',
          anonymousId: 'anon-w1',
          messageId: 'node-next-1-aaa',
          properties: { url: 'https://shop.example/', path: '/', title: 'Home' },
          timestamp: now,
        },
        {
          type: 'track',
          anonymousId: 'anon-w1',
          messageId: 'node-next-2-bbb',
          event: 'Order Completed',
          properties: { order_id: 'W-1', revenue: 9, currency: 'EUR' },
          timestamp: now,
        },
        { type: 'track', messageId: 'no-ids' }, // dropped alone
      ],
      sentAt: now,
    };
    const auth = { authorization: `Basic ${btoa('seg-worker:')}`, 'content-type': 'application/json' };
    for (let i = 0; i < 2; i++) {
      const res = await post('/v1/batch', batch, auth);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ success: true });
    }
    const rows = await stored('seg-worker');
    expect(rows.map((r) => r.id)).toEqual(['node-next-1-aaa', 'node-next-2-bbb']);
    expect(rows[1]).toMatchObject({ type: 'checkout', name: 'purchase', txn: 'W-1', visitor: 'anon-w1', bot: 0, device: null });
  });
});
