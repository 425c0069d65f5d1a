// The Worker (collector/worker/main.ts) in workerd on a local D1: /collect stores, refuses and
// dedups as on Node, the export streams NDJSON behind the bearer token, the SDK is served from
// the assets, and a missing secret is reported instead of crashing.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import worker from '../../collector/worker/main';
import type { WorkerEnv } from '../../collector/worker/main';
import { LIMITS } from '../../sdk/schema';
import { UA, event } from '../collector/fixtures';

const auth = { Authorization: `Bearer ${env.CJM_ADMIN_TOKEN}` };

/** A batch body stamped with the real clock (the Worker's clock is not pinned). */
function batchNow(events: Record<string, unknown>[], over: Record<string, unknown> = {}) {
  const now = Date.now();
  return { site: 'shop', sent: now, events: events.map((e) => ({ ...e, ts: now - 1000 })), ...over };
}

/** POST /collect through the Worker's own entry (as a browser would reach it). */
function collect(body: unknown, headers: Record<string, string> = {}) {
  return exports.default.fetch('http://cjm.test/collect', {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'text/plain', ...headers },
  });
}

/** Calls the Worker's fetch handler with a modified env. */
async function fetchWith(overrides: Partial<WorkerEnv>, input: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(input, init), { ...env, ...overrides } as WorkerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function stored(site = 'shop') {
  const { results } = await env.DB.prepare('SELECT * FROM events WHERE site = ? ORDER BY time, id')
    .bind(site)
    .all<Record<string, unknown>>();
  return results;
}

describe('Worker: POST /collect', () => {
  it('stores a valid batch in D1 and answers 202 {accepted, duplicates}', async () => {
    const before = Date.now();
    const body = batchNow([
      event({ id: 'a', url: 'https://shop.example/pricing?x=1', referrer: 'https://www.google.com/' }),
      event({ id: 'b', type: 'event', name: 'click', props: { label: 'Buy' } }),
    ]);
    const res = await collect(body, { 'user-agent': UA.chrome, 'cf-ipcountry': 'de' });
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0 });

    const rows = await stored();
    expect(rows.map((r) => [r.id, r.type, r.name, r.props])).toEqual([
      ['a', 'pageview', '/', null],
      ['b', 'event', 'click', '{"label":"Buy"}'],
    ]);
    expect(rows[0]).toMatchObject({
      site: 'shop',
      path: '/pricing',
      device: 'desktop',
      browser: 'Chrome',
      country: 'DE',
      bot: 0,
      visitor: 'v1',
    });
    expect(rows[0]!.received).toBeGreaterThanOrEqual(before);
    // The journey tables are kept in the same D1 transaction.
    const sessions = await env.DB.prepare('SELECT session, events, pageviews FROM sessions WHERE site = ?').bind('shop').all();
    expect(sessions.results).toEqual([{ session: 's1', events: 2, pageviews: 1 }]);
  });

  it('is idempotent: a retried batch is all duplicates and stores nothing twice', async () => {
    const body = batchNow([event({ id: 'r1' }), event({ id: 'r2' }), event({ id: 'r3' })]);
    expect(await (await collect(body)).json()).toEqual({ accepted: 3, duplicates: 0 });
    const retry = await collect(body);
    expect(retry.status).toBe(202);
    expect(await retry.json()).toEqual({ accepted: 0, duplicates: 3 });
    expect((await stored()).map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
  });

  it('refuses malformed JSON, schema violations, too many events and oversized bodies, storing nothing', async () => {
    const bad = await collect('{"site":');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^malformed JSON/);

    const schema = await collect(batchNow([event({ id: 'ok' }), event({ id: 'x', type: 'nonsense' })]));
    expect(schema.status).toBe(400);
    const body = (await schema.json()) as { error: string; issues: string[] };
    expect(body.error).toMatch(/^events\[1\]\.type/);
    expect(body.issues.length).toBeGreaterThan(0);

    const many = await collect(batchNow(Array.from({ length: LIMITS.events + 1 }, (_, i) => event({ id: `m${i}` }))));
    expect(many.status).toBe(413);
    expect(((await many.json()) as { error: string }).error).toMatch(/too many events/);

    const big = await collect(batchNow([event({ id: 'big', props: { blob: 'x'.repeat(LIMITS.bodyBytes) } })]));
    expect(big.status).toBe(413);

    expect(await stored()).toEqual([]);
  });

  it('refuses a site not in CJM_SITES with 403', async () => {
    const init = { method: 'POST', body: JSON.stringify(batchNow([event({ id: 's' })])) };
    const res = await fetchWith({ CJM_SITES: 'blog, docs' }, 'http://cjm.test/collect', init);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/CJM_SITES/);
    const ok = await fetchWith({ CJM_SITES: 'blog, shop' }, 'http://cjm.test/collect', init);
    expect(ok.status).toBe(202);
  });
});

describe('Worker: admin API and the rest', () => {
  it('answers /health', async () => {
    const res = await exports.default.fetch('http://cjm.test/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('exports NDJSON only with the bearer token', async () => {
    await collect(batchNow([event({ id: 'x1' }), event({ id: 'x2', props: { k: 1 } })]));
    const url = 'http://cjm.test/api/sites/shop/events';

    const none = await exports.default.fetch(url);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: string }).error).toMatch(/missing "Authorization: Bearer/);
    const wrong = await exports.default.fetch(url, { headers: { Authorization: 'Bearer wrong-token-0123456789abcdef' } });
    expect(wrong.status).toBe(401);

    const res = await exports.default.fetch(url, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    // Read as bytes: workerd warns when .text() meets a non-text content type.
    const lines = new TextDecoder()
      .decode(await res.arrayBuffer())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.id, l.site, l.props])).toEqual([
      ['x1', 'shop', null],
      ['x2', 'shop', { k: 1 }],
    ]);
  });

  it('serves the SDK builds from the assets, loadable from any origin', async () => {
    for (const path of ['/cjm.js', '/cjm.mjs', '/cjm-capture.mjs', '/cjm-vitals.mjs']) {
      const res = await exports.default.fetch(`http://cjm.test${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/javascript/);
      expect(res.headers.get('cross-origin-resource-policy'), path).toBe('cross-origin');
      expect(res.headers.get('access-control-allow-origin'), path).toBe('*');
      expect((await res.text()).length, path).toBeGreaterThan(1000);
    }
    const missing = await exports.default.fetch('http://cjm.test/cjm-nope.js');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found' });
  });

  it('answers 500 with the reason when CJM_ADMIN_TOKEN is missing or too short', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const token of [undefined, 'short']) {
      const res = await fetchWith({ CJM_ADMIN_TOKEN: token }, 'http://cjm.test/health');
      expect(res.status).toBe(500);
      expect(((await res.json()) as { error: string }).error).toMatch(
        /^collector misconfigured: CJM_ADMIN_TOKEN must be at least 16 characters/,
      );
    }
    expect(spy).toHaveBeenCalledWith(expect.stringMatching(/^cjm: collector misconfigured/));
    spy.mockRestore();
  });
});
