// GET /api/sites/:site/events (NDJSON export) and the other non-collect routes: auth, contents,
// time filtering, streaming, errors, security headers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_WRITE } from '../../collector/store/sql/dialect';
import { sqlReads } from '../../collector/store/sql/reads';
import type { Store } from '../../collector/store/types';
import { NOW, TOKEN, UA, batch, event, ndjson, post, row, tempStore, testApp } from './helpers';

let store: Store;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];

beforeEach(() => {
  ({ store, cleanup } = tempStore());
  ({ app } = testApp(store));
});
afterEach(async () => {
  await cleanup();
});

const auth = { authorization: `Bearer ${TOKEN}` };
const get = (path: string, headers: Record<string, string> = auth) => app.request(path, { headers });

describe('export auth', () => {
  it('401 JSON without a token', async () => {
    const res = await get('/api/sites/shop/events', {});
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await res.json()).toEqual({ error: expect.stringMatching(/^unauthorized: missing "Authorization: Bearer/) });
  });

  it('401 JSON with a wrong token (also one sharing a prefix)', async () => {
    for (const token of ['wrong-token', TOKEN.slice(0, -1), `${TOKEN}x`]) {
      const res = await get('/api/sites/shop/events', { authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'unauthorized: wrong admin token' });
    }
  });

  it('400 JSON for a malformed Authorization header', async () => {
    const res = await get('/api/sites/shop/events', { authorization: `Basic ${btoa('a:b')}` });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'malformed Authorization header: expected "Bearer <token>"' });
  });
});

describe('export contents', () => {
  it('streams NDJSON with the documented fields, ordered by corrected time', async () => {
    const sent = NOW - 60_000; // client clock one minute slow
    await post(
      app,
      batch(
        [
          event({
            id: 'late',
            ts: sent - 1000,
            visitor: 'v1',
            session: 's1',
            url: 'https://shop.example/p/1?x=1',
            title: 'Shoe',
            referrer: 'https://search.example/',
            stage: 'consideration',
            touchpoint: 'Product page',
            persona: 'runner',
            props: { colour: 'red', items: [{ id: 'sku1', price: 9.5 }] },
          }),
          event({ id: 'early', ts: sent - 2000, type: 'event', name: 'click', path: '/explicit', user: 'u1' }),
        ],
        { sent },
      ),
      { 'user-agent': UA.iphone, 'cf-ipcountry': 'de' },
    );
    const res = await get('/api/sites/shop/events');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const lines = await ndjson(res);
    expect(lines).toEqual([
      {
        id: 'early',
        site: 'shop',
        type: 'event',
        name: 'click',
        ts: sent - 2000,
        time: NOW - 2000,
        received: NOW,
        visitor: 'v1',
        session: 's1',
        user: 'u1',
        path: '/explicit',
        url: null,
        title: null,
        referrer: null,
        // The collector's journey rules: awareness for a page without signals, the page as
        // touchpoint, and the session's channel from its first event (no referrer, no tags: direct).
        stage: 'awareness',
        stage_inferred: true,
        hint: null,
        touchpoint: '/explicit',
        channel: 'direct',
        source: '(direct)',
        medium: '(none)',
        campaign: null,
        content: null,
        term: null,
        landing: '/explicit',
        persona: null,
        txn: null,
        props: null,
        device: 'mobile',
        browser: 'Safari',
        os: 'iOS',
        country: 'DE',
        bot: false,
      },
      {
        id: 'late',
        site: 'shop',
        type: 'pageview',
        name: '/',
        ts: sent - 1000,
        time: NOW - 1000,
        received: NOW,
        visitor: 'v1',
        session: 's1',
        user: null,
        path: '/p/1',
        url: 'https://shop.example/p/1?x=1',
        title: 'Shoe',
        referrer: 'https://search.example/',
        stage: 'consideration',
        stage_inferred: false,
        hint: null,
        touchpoint: 'Product page',
        channel: 'direct',
        source: '(direct)',
        medium: '(none)',
        campaign: null,
        content: null,
        term: null,
        landing: '/explicit',
        persona: 'runner',
        txn: null,
        props: { colour: 'red', items: [{ id: 'sku1', price: 9.5 }] },
        device: 'mobile',
        browser: 'Safari',
        os: 'iOS',
        country: 'DE',
        bot: false,
      },
    ]);
  });

  it('an unknown site is an empty 200', async () => {
    const res = await get('/api/sites/nobody/events');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('streams a large export completely', async () => {
    const n = 3000;
    for (let i = 0; i < n; i += 500) {
      await store.insert(
        Array.from({ length: 500 }, (_, j) => row({ id: `big${i + j}`, time: NOW + i + j, props: JSON.stringify({ i: i + j }) })),
      );
    }
    const res = await get('/api/sites/shop/events');
    const lines = await ndjson(res);
    expect(lines).toHaveLength(n);
    expect(lines.map((l) => (l.props as { i: number }).i)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('400 for an invalid site id', async () => {
    const res = await get('/api/sites/bad%20site/events');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^site: must be 1–64/);
  });

  it('503 when the store fails before streaming starts', async () => {
    const broken: Store = {
      insert: async () => ({ inserted: 0, duplicates: 0 }),
      insertAssigned: async () => ({ inserted: 0, duplicates: 0 }),
      exportEvents: async function* () {
        throw new Error('database is locked');
      },
      close: async () => {},
      reads: sqlReads(SQLITE_WRITE, async () => []),
      journeyContext: async () => ({ firstPurchases: new Map(), sessions: new Map(), userVisitors: new Map() }),
      deleteBefore: async () => ({ deleted: 0 }),
      eraseVisitor: async () => ({ deleted: 0, visitors: [] }),
      restage: async () => ({ visitors: 0, events: 0, changed: 0, moves: [], next: null }),
    };
    const { app: brokenApp, logged } = testApp(broken);
    const res = await brokenApp.request('/api/sites/shop/events', { headers: auth });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'storage unavailable' });
    expect(logged).toHaveLength(1);
  });
});

describe('export time filter (on corrected time)', () => {
  const jan = (d: number, h = 0) => Date.UTC(2025, 0, d, h);
  beforeEach(async () => {
    await store.insert([1, 2, 3, 4].map((d) => row({ id: `d${d}`, time: jan(d, 12) })));
  });
  const idsOf = async (query: string) => {
    const res = await get(`/api/sites/shop/events${query}`);
    expect(res.status, query).toBe(200);
    return (await ndjson(res)).map((l) => l.id);
  };

  it('epoch milliseconds: from inclusive, to exclusive', async () => {
    expect(await idsOf(`?from=${jan(2, 12)}&to=${jan(4, 12)}`)).toEqual(['d2', 'd3']);
  });
  it('ISO dates: to includes its whole day', async () => {
    expect(await idsOf('?from=2025-01-02&to=2025-01-03')).toEqual(['d2', 'd3']);
    expect(await idsOf('?from=2025-01-03')).toEqual(['d3', 'd4']);
    expect(await idsOf('?to=2025-01-01')).toEqual(['d1']);
  });
  it('ISO times, with or without a zone (UTC by default)', async () => {
    expect(await idsOf('?from=2025-01-02T12:00:00Z&to=2025-01-03T12:00:00.001Z')).toEqual(['d2', 'd3']);
    expect(await idsOf('?from=2025-01-02T13:00')).toEqual(['d3', 'd4']);
    expect(await idsOf('?from=2025-01-02T13:00%2B02:00&to=2025-01-03T00:00:00Z')).toEqual(['d2']);
  });
  it('400 on garbage, impossible dates, or from after to', async () => {
    for (const [query, message] of [
      ['?from=yesterday', /^from: "yesterday" is not a time; use an ISO date/],
      ['?to=2025-02-30', /^to: "2025-02-30" is not a time/],
      ['?from=-5', /^from: "-5" is not a time/],
      ['?from=1e12', /^from: "1e12" is not a time/],
      [`?from=${jan(3)}&to=${jan(2)}`, /^from: \d+ is after to: \d+$/],
    ] as const) {
      const res = await get(`/api/sites/shop/events${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: string }).error, query).toMatch(message);
    }
  });
});

describe('other routes', () => {
  it('GET /health → 200 {"ok":true} with security headers', async () => {
    const res = await app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });

  it('the export has security headers too', async () => {
    const res = await get('/api/sites/shop/events');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('unknown paths → 404 JSON', async () => {
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not found' });
  });

  it('an unexpected error → 500 JSON without details, logged', async () => {
    const { app: a, logged } = testApp(store);
    a.get('/boom', () => {
      throw new Error('secret internals');
    });
    const res = await a.request('/boom');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal error' });
    expect(logged).toHaveLength(1);
  });
});
