// The drop-in endpoints in process (app.request, SQLite, a clock the test moves): the rules of
// docs/compat.md that the real-client tests (test/e2e/compat-*.test.ts) cannot steer — the
// 30-minute session gap, the daily salt, site lists and aliases, CJM_SITES / CJM_ORIGINS
// refusals readable cross-origin, the rate limit shared with /collect, the time window.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../collector/config';
import type { Store } from '../../collector/store/types';
import { NOW, TOKEN, UA, batch, event, post, rows, tempStore, testApp } from './helpers';

let store: Store;
let cleanup: () => Promise<void>;
let now = NOW;
beforeEach(() => {
  ({ store, cleanup } = tempStore());
  now = NOW;
});
afterEach(async () => {
  await cleanup();
});

type App = ReturnType<typeof testApp>['app'];
const send = (app: App, path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'user-agent': UA.chrome, ...headers } });
const plausible = (n: string, d = 'shop.example', u = 'https://shop.example/') => ({ n, u, d });

describe('drop-in endpoints: sessions and visitors', () => {
  it('one session while events are under 30 minutes apart, a new one after; the visitor changes with the day', async () => {
    const { app } = testApp(store, { now: () => now, clientIp: () => '198.51.100.7' });
    for (const step of [0, 29 * 60_000, 31 * 60_000, 24 * 3600_000]) {
      now += step;
      expect((await send(app, '/api/event', plausible('pageview'))).status).toBe(202);
    }
    const r = await rows(store, 'shop.example');
    expect(r.map((e) => e.session).filter((s, i, a) => a.indexOf(s) === i)).toHaveLength(3);
    expect(r[0]!.session).toBe(r[1]!.session);
    expect(new Set(r.slice(0, 3).map((e) => e.visitor)).size).toBe(1);
    expect(r[3]!.visitor).not.toBe(r[0]!.visitor); // the salt rotated at midnight UTC
    // Another IP (or browser) is another visitor; no row holds the IP.
    const other = testApp(store, { now: () => now, clientIp: () => '198.51.100.8' }).app;
    await send(other, '/api/event', plausible('pageview'));
    const all = await rows(store, 'shop.example');
    expect(new Set(all.map((e) => e.visitor)).size).toBe(3);
    expect(JSON.stringify(all)).not.toContain('198.51.100');
  });

  it('a comma list of Plausible domains stores the event once per site, each with its own id and visitor', async () => {
    const { app } = testApp(store);
    await send(app, '/api/event', plausible('Signup', 'a.example, b.example'));
    const [a] = await rows(store, 'a.example');
    const [b] = await rows(store, 'b.example');
    expect(a).toMatchObject({ type: 'event', name: 'Signup' });
    expect(b).toMatchObject({ type: 'event', name: 'Signup' });
    expect(a!.id).not.toBe(b!.id);
    expect(a!.visitor).not.toBe(b!.visitor);
  });
});

describe('drop-in endpoints: sites, origins, aliases, limits', () => {
  it('CJM_SITE_ALIASES maps foreign identifiers; CJM_SITES refuses the others with a readable 403', async () => {
    const config = configFromEnv({
      CJM_ADMIN_TOKEN: TOKEN,
      CJM_SITES: 'shop',
      CJM_SITE_ALIASES: 'shop.example=shop;9f1e2d3c-0000-4000-8000-000000000001=shop;wk_live=shop',
    });
    const { app } = testApp(store, { config });
    expect((await send(app, '/api/event', plausible('pageview'))).status).toBe(202);
    expect(
      (
        await send(app, '/api/send', {
          type: 'event',
          payload: { website: '9f1e2d3c-0000-4000-8000-000000000001', url: 'https://shop.example/u' },
        })
      ).status,
    ).toBe(200);
    expect((await send(app, '/v1/t', { event: 'x', anonymousId: 'a1' }, { authorization: `Basic ${btoa('wk_live:')}` })).status).toBe(200);
    expect((await rows(store, 'shop')).map((r) => r.name).sort()).toEqual(['/', '/u', 'x']);
    const refused = await send(
      app,
      '/api/send',
      { type: 'event', payload: { website: 'other-site', url: '/' } },
      { origin: 'https://x.example' },
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://x.example');
    expect(await refused.json()).toMatchObject({ error: expect.stringContaining('CJM_SITES') });
  });

  it('CJM_ORIGINS applies per site as on /collect; server senders (no Origin) pass', async () => {
    const config = configFromEnv({ CJM_ADMIN_TOKEN: TOKEN, CJM_ORIGINS: 'shop.example=https://shop.example' });
    const { app } = testApp(store, { config });
    expect((await send(app, '/api/event', plausible('pageview'), { origin: 'https://evil.example' })).status).toBe(403);
    expect((await send(app, '/api/event', plausible('pageview'), { origin: 'https://shop.example' })).status).toBe(202);
    expect(
      (
        await send(
          app,
          '/v1/batch',
          { batch: [{ type: 'track', event: 'x', anonymousId: 'a' }] },
          { authorization: `Basic ${btoa('shop.example:')}` },
        )
      ).status,
    ).toBe(200);
    expect(await rows(store, 'shop.example')).toHaveLength(2);
  });

  it('shares the per-client rate limit with /collect: 429 with Retry-After, readable cross-origin', async () => {
    const config = configFromEnv({ CJM_ADMIN_TOKEN: TOKEN, CJM_RATE_LIMIT: '2/min' });
    const { app } = testApp(store, { config });
    expect((await post(app, batch([event()]), { 'user-agent': UA.chrome })).status).toBe(202);
    expect((await send(app, '/api/event', plausible('pageview'))).status).toBe(202);
    const limited = await send(
      app,
      '/v1/batch',
      { batch: [{ type: 'track', event: 'x', anonymousId: 'a' }] },
      { origin: 'https://shop.example', authorization: `Basic ${btoa('k:')}` },
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.headers.get('access-control-expose-headers')).toBe('Retry-After');
  });
});

describe('drop-in endpoints: storage failure', () => {
  it('answers 503 with Retry-After (Segment retries; nothing is acknowledged unstored)', async () => {
    const failing = () => Promise.reject(new Error('disk I/O error'));
    const broken: Store = { ...store, insert: failing, insertAssigned: failing };
    const { app, logged } = testApp(broken);
    for (const [path, body, headers] of [
      [
        '/v1/batch',
        { batch: [{ type: 'track', event: 'x', anonymousId: 'a', messageId: 'm1' }] },
        { authorization: `Basic ${btoa('seg:')}` },
      ],
      ['/api/event', plausible('pageview'), {}],
      ['/api/send', { type: 'event', payload: { website: 'w', url: 'https://a.example/' } }, {}],
    ] as const) {
      const res = await send(app, path, body, headers);
      expect(res.status, path).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    expect(logged.length).toBeGreaterThanOrEqual(3);
  });
});

describe('drop-in endpoints: Segment batches', () => {
  it('drops a message outside the time window alone, splits large batches, stores nothing twice', async () => {
    const { app } = testApp(store);
    const iso = (t: number) => new Date(t).toISOString();
    const messages = Array.from({ length: 230 }, (_, i) => ({
      type: 'track',
      event: `e${i}`,
      anonymousId: 'anon-1',
      messageId: `m-${i}`,
      timestamp: iso(NOW - 1000),
    }));
    messages.push({ type: 'track', event: 'ancient', anonymousId: 'anon-1', messageId: 'm-old', timestamp: iso(NOW - 40 * 86_400_000) });
    const body = { batch: messages, sentAt: iso(NOW) };
    for (let i = 0; i < 2; i++) {
      const res = await send(app, '/v1/import', body, { authorization: `Basic ${btoa('seg:')}` });
      expect(res.status).toBe(200);
    }
    const r = await rows(store, 'seg');
    expect(r).toHaveLength(230);
    expect(r.some((e) => e.name === 'ancient')).toBe(false);
    expect(new Set(r.map((e) => e.session)).size).toBe(1);
  });
});
