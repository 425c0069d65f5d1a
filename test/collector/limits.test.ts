// Every size limit of POST /collect at its boundary (at the limit: stored; one over: refused
// whole, nothing stored), and the rate limits: per client and per site, 429 with Retry-After and
// a JSON error, refill over time, bounded memory, configuration.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClientKeyer, sha256Prefix, webSha256Prefix } from '../../collector/limits/client-key';
import { TokenBuckets } from '../../collector/limits/token-bucket';
import { DEFAULT_QUOTAS, DEFAULT_RATE_LIMITS, parseRate, type RateLimits } from '../../collector/settings';
import type { SqlStore } from '../../collector/store/types';
import { LIMITS } from '../../sdk/schema';
import { NOW, TOKEN, batch, event, post, rows, tempStore, testApp } from './helpers';

let store: SqlStore;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];

beforeEach(() => {
  ({ store, cleanup } = tempStore());
  ({ app } = testApp(store));
});
afterEach(async () => {
  await cleanup();
});

/** Posts one body and returns its status; a refusal must leave the store empty. */
async function status(body: unknown, headers?: Record<string, string>): Promise<number> {
  const res = await post(app, body, headers);
  if (res.status !== 202) {
    expect(await rows(store)).toEqual([]);
    expect(((await res.json()) as { error: string }).error).toEqual(expect.any(String));
  }
  return res.status;
}

const s = (n: number, c = 'x') => c.repeat(n);
const id = (n: number) => `a${s(n - 1, 'b')}`;

describe('POST /collect size limits, at and just over each boundary', () => {
  // [what, event at the limit, event one over]
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['id (64)', { id: id(64) }, { id: id(65) }],
    ['visitor (64)', { visitor: id(64) }, { visitor: id(65) }],
    ['session (64)', { session: id(64) }, { session: id(65) }],
    ['name (200)', { name: s(200) }, { name: s(201) }],
    ['user (128)', { user: s(128) }, { user: s(129) }],
    ['url (2048)', { url: `https://a.example/${s(2048 - 18)}` }, { url: `https://a.example/${s(2049 - 18)}` }],
    ['path (1024)', { path: `/${s(1023)}` }, { path: `/${s(1024)}` }],
    ['title (300)', { title: s(300) }, { title: s(301) }],
    ['referrer (2048)', { referrer: s(2048) }, { referrer: s(2049) }],
    ['touchpoint (300)', { touchpoint: s(300) }, { touchpoint: s(301) }],
    ['stage (40)', { stage: id(40) }, { stage: id(41) }],
    ['channel (40)', { channel: id(40) }, { channel: id(41) }],
    ['persona (64)', { persona: id(64) }, { persona: id(65) }],
    [
      'props (32 keys)',
      { props: Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, i])) },
      { props: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) },
    ],
    ['prop key (64)', { props: { [s(64, 'k')]: 1 } }, { props: { [s(65, 'k')]: 1 } }],
    ['prop value (500)', { props: { v: s(500) } }, { props: { v: s(501) } }],
    [
      'items (50)',
      { props: { items: Array.from({ length: 50 }, () => ({ q: 1 })) } },
      { props: { items: Array.from({ length: 51 }, () => ({ q: 1 })) } },
    ],
    [
      'item keys (32)',
      { props: { items: [Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, i]))] } },
      { props: { items: [Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i]))] } },
    ],
    ['item value (500)', { props: { items: [{ v: s(500) }] } }, { props: { items: [{ v: s(501) }] } }],
    ['value (±1e12)', { props: { value: -LIMITS.amount } }, { props: { value: LIMITS.amount * 1.000001 } }],
    ['value as a decimal string', { props: { value: '1000000000000' } }, { props: { value: '1e308' } }],
    ['item price (±1e12)', { props: { items: [{ price: LIMITS.amount }] } }, { props: { items: [{ price: -LIMITS.amount - 1 }] } }],
    ['quantity (±1e6)', { props: { items: [{ quantity: LIMITS.quantity }] } }, { props: { items: [{ quantity: LIMITS.quantity + 1 }] } }],
    ['engaged_ms (0–1 day)', { props: { engaged_ms: LIMITS.engagedMs } }, { props: { engaged_ms: -1 } }],
    ['ts age (30 days)', { ts: NOW - LIMITS.maxAgeMs }, { ts: NOW - LIMITS.maxAgeMs - 1 }],
    ['ts ahead (5 min)', { ts: NOW + LIMITS.maxAheadMs }, { ts: NOW + LIMITS.maxAheadMs + 1 }],
  ];
  it.each(cases)('%s', async (_what, atLimit, over) => {
    // As a server-side sender with the token, which may set every field (`channel` too).
    const server = { authorization: `Bearer ${TOKEN}` };
    expect(await status(batch([event(over)]), server)).toBe(400);
    expect(await status(batch([event(atLimit)]), server)).toBe(202);
  });

  it('events per batch: 100 stored, 101 → 413', async () => {
    expect(await status(batch(Array.from({ length: LIMITS.events + 1 }, () => event())))).toBe(413);
    expect(await status(batch(Array.from({ length: LIMITS.events }, () => event())))).toBe(202);
    expect(await rows(store)).toHaveLength(LIMITS.events);
  });

  /** A valid batch of exactly `bytes` bytes of UTF-8: props of ≤ 500 characters, then the name. */
  function validBatchOf(bytes: number): string {
    const events = Array.from({ length: 10 }, () => event({ props: {} }));
    const body = () => JSON.stringify(batch(events));
    const size = () => new TextEncoder().encode(body()).length;
    let k = 0;
    const add = (value: string) => {
      const props = events[k % events.length]!.props as Record<string, string>;
      props[`p${k++}`] = value;
    };
    add('é'.repeat(LIMITS.valueLength)); // two bytes a character
    while (bytes - size() > 700) add('x'.repeat(LIMITS.valueLength));
    add('x'.repeat(bytes - size() - 120));
    events[0]!.name = `/${'n'.repeat(bytes - size())}`; // 1 byte a character, ≤ 200 in all
    return body();
  }

  it('body: exactly 64 KB (multi-byte UTF-8) stored; one byte more → 413', async () => {
    const exact = validBatchOf(LIMITS.bodyBytes);
    expect(new TextEncoder().encode(exact).length).toBe(LIMITS.bodyBytes);
    expect(await status(exact)).toBe(202);
    await cleanup();
    ({ store, cleanup } = tempStore());
    ({ app } = testApp(store));
    const over = validBatchOf(LIMITS.bodyBytes + 1);
    expect(new TextEncoder().encode(over).length).toBe(LIMITS.bodyBytes + 1);
    expect(await status(over)).toBe(413);
  });
});

describe('rate limits', () => {
  const limited = (rateLimits: Partial<RateLimits>, now: () => number = () => NOW) =>
    testApp(store, { config: { adminToken: TOKEN, rateLimits }, now, clientIp: (c) => c.req.header('x-test-ip') }).app;
  const send = (a: typeof app, ip: string, ua = 'UA-1', site = 'shop') =>
    post(a, batch([event()], { site }), { 'x-test-ip': ip, 'user-agent': ua, origin: 'https://shop.example' });

  it('per client: the burst passes, then 429 with Retry-After, a JSON error and readable CORS headers', async () => {
    app = limited({ client: { limit: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await send(app, '203.0.113.9')).status).toBe(202);
    const res = await send(app, '203.0.113.9');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('20'); // one token per 20 s
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
    expect(await res.json()).toEqual({ error: 'too many requests from this client: at most 3 per min; retry in 20 s' });
    expect(await rows(store)).toHaveLength(3);
  });

  it('per client means IP and User-Agent: another IP or browser has its own bucket', async () => {
    app = limited({ client: { limit: 1, windowMs: 60_000 } });
    expect((await send(app, '203.0.113.9')).status).toBe(202);
    expect((await send(app, '203.0.113.9')).status).toBe(429);
    expect((await send(app, '203.0.113.10')).status).toBe(202);
    expect((await send(app, '203.0.113.9', 'UA-2')).status).toBe(202);
  });

  it('refills over time', async () => {
    let now = NOW;
    app = limited({ client: { limit: 2, windowMs: 1000 } }, () => now);
    expect((await send(app, 'ip')).status).toBe(202);
    expect((await send(app, 'ip')).status).toBe(202);
    const res = await send(app, 'ip');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    now += 500; // one token back
    expect((await send(app, 'ip')).status).toBe(202);
    expect((await send(app, 'ip')).status).toBe(429);
  });

  it('per site: 429 names the site, whatever the client; other sites go on', async () => {
    app = limited({ site: { limit: 2, windowMs: 60_000 } });
    expect((await send(app, 'a')).status).toBe(202);
    expect((await send(app, 'b')).status).toBe(202);
    const res = await send(app, 'c');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(((await res.json()) as { error: string }).error).toBe('too many requests for site "shop": at most 2 per min; retry in 30 s');
    expect((await send(app, 'c', 'UA-1', 'blog')).status).toBe(202);
  });

  it('off (null) lets everything through', async () => {
    app = limited({ client: null, site: null });
    for (let i = 0; i < 700; i++) expect((await send(app, 'ip')).status).toBe(202);
  });

  it('defaults: 600 requests per minute per client', async () => {
    expect(DEFAULT_RATE_LIMITS.client).toEqual({ limit: 600, windowMs: 60_000 });
    app = limited({});
    let first429 = 0;
    for (let i = 1; i <= 601 && !first429; i++) if ((await send(app, 'ip')).status === 429) first429 = i;
    expect(first429).toBe(601);
  });
});

describe('token buckets and client keys', () => {
  it('keep at most maxKeys buckets, dropping the least recently used (which come back full)', () => {
    const b = new TokenBuckets({ limit: 1, windowMs: 60_000 }, 3);
    for (const k of ['a', 'b', 'c']) expect(b.take(k, NOW).ok).toBe(true);
    expect(b.take('a', NOW).ok).toBe(false); // a is now the most recent
    expect(b.take('d', NOW).ok).toBe(true); // evicts b
    expect(b.size).toBe(3);
    expect(b.take('b', NOW).ok).toBe(true); // back full; evicts c
    expect(b.take('a', NOW).ok).toBe(false); // a was kept
    for (let i = 0; i < 10_000; i++) b.take(`flood-${i}`, NOW);
    expect(b.size).toBe(3);
  });

  it('a clock going backwards refills nothing', () => {
    const b = new TokenBuckets({ limit: 1, windowMs: 1000 });
    expect(b.take('k', NOW).ok).toBe(true);
    expect(b.take('k', NOW - 10_000).ok).toBe(false);
  });

  it('client keys: opaque, stable within a UTC day, new after midnight (salt rotation)', async () => {
    const key = createClientKeyer();
    const day = Date.UTC(2025, 0, 15);
    const k1 = await key('203.0.113.9', 'UA', day + 1000);
    expect(k1).toMatch(/^[0-9a-f]{32}$/);
    expect(await key('203.0.113.9', 'UA', day + 86_399_000)).toBe(k1);
    expect(await key('203.0.113.9', 'UA2', day + 2000)).not.toBe(k1);
    expect(await key('203.0.113.9', 'UA', day + 86_400_000)).not.toBe(k1);
    // Another collector (process, isolate) has another salt.
    expect(await createClientKeyer()('203.0.113.9', 'UA', day + 1000)).not.toBe(k1);
  });

  it('hashes client keys with node:crypto on Node, to the digest Web Crypto gives (Workers)', async () => {
    expect(await sha256Prefix('abc')).toBe('ba7816bf8f01cfea414140de5dae2223');
    for (const text of ['', 'salt\n203.0.113.9\nMozilla/5.0 (X11) é 🏃', 'x'.repeat(1000)])
      expect(await sha256Prefix(text)).toBe(await webSha256Prefix(text));
    expect(sha256Prefix).not.toBe(webSha256Prefix);
  });

  it('parseRate reads n/s, n/min, n/h and off', () => {
    expect(parseRate('X', '600/min', null)).toEqual({ limit: 600, windowMs: 60_000 });
    expect(parseRate('X', ' 20 / S ', null)).toEqual({ limit: 20, windowMs: 1000 });
    expect(parseRate('X', '5000/hour', null)).toEqual({ limit: 5000, windowMs: 3_600_000 });
    expect(parseRate('X', 'off', DEFAULT_RATE_LIMITS.client)).toBeNull();
    expect(parseRate('X', '0', DEFAULT_RATE_LIMITS.client)).toBeNull();
    expect(parseRate('X', '', DEFAULT_RATE_LIMITS.client)).toBe(DEFAULT_RATE_LIMITS.client);
    expect(() => parseRate('CJM_RATE_LIMIT', '600', null)).toThrow(/CJM_RATE_LIMIT must look like 600\/min/);
    expect(() => parseRate('CJM_RATE_LIMIT', '10/week', null)).toThrow(/CJM_RATE_LIMIT/);
  });
});

describe('numbers that are summed (issue 17: valid numbers poisoned revenue)', () => {
  const purchase = (value: unknown, txn: string) => event({ type: 'checkout', name: 'purchase', props: { value, transaction_id: txn } });

  it('refuses an amount beyond ±1e12 with a 400 naming the field, and stores nothing of the batch', async () => {
    const res = await post(app, batch([purchase(10, 'T0'), purchase(1e308, 'T1'), purchase(1e308, 'T2')]));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe(
      'events[1].props.value: must be a number from -1000000000000 to 1000000000000',
    );
    expect(await rows(store)).toEqual([]);
    const item = await post(
      app,
      batch([event({ type: 'checkout', name: 'add_to_cart', props: { items: [{ item_id: 'x', quantity: 1e9 }] } })]),
    );
    expect(((await item.json()) as { error: string }).error).toBe(
      'events[0].props.items[0].quantity: must be a number from -1000000 to 1000000',
    );
  });

  it('sums stored amounts without overflow: rows stored before the bound cannot make revenue null, 0 or fail an insert', async () => {
    // Rows as an older collector stored them, past today's edge check.
    const { row } = await import('./helpers');
    const poisoned = (id: string, value: number, time: number) =>
      row({
        id,
        type: 'checkout',
        name: 'purchase',
        txn: id,
        props: JSON.stringify({ value }),
        time,
        ts: time,
        received: time,
        session: 's9',
        visitor: 'v9',
      });
    await store.insert([poisoned('p1', 1e308, NOW - 3000), poisoned('p2', 1e308, NOW - 2000)]);
    await store.insert([poisoned('p3', -1e308, NOW - 1000)]); // used to fail forever (Infinity + -Infinity = NaN → NOT NULL)
    const [session] = await store.all(`SELECT revenue FROM sessions WHERE session = 's9'`);
    expect(session!.revenue).toBe(LIMITS.amount);
    const [stages] = await store.all(`SELECT SUM(revenue) AS revenue FROM report_stages`);
    expect(Number.isFinite(Number(stages!.revenue))).toBe(true);
    const res = await app.request(`/api/sites/shop/journey?from=${NOW - 86_400_000}&to=${NOW + 1000}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { totals: { revenue: number } };
    expect(report.totals.revenue).toBe(LIMITS.amount);
  });
});

describe('unbounded growth from one IP (issue 17)', () => {
  const messages: string[] = [];
  const appWith = (config: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    testApp(store, {
      config: { adminToken: TOKEN, ...config },
      clientIp: (c) => c.req.header('x-test-ip'),
      log: (m) => messages.push(m),
      ...extra,
    }).app;
  const send = (a: typeof app, site = 'shop', events = 1, ua = 'UA-1') =>
    post(
      a,
      batch(
        Array.from({ length: events }, () => event()),
        { site },
      ),
      { 'x-test-ip': '203.0.113.9', 'user-agent': ua },
    );
  beforeEach(() => {
    messages.length = 0;
  });

  it('per IP, whatever the User-Agent: rotating it no longer makes a new client', async () => {
    expect(DEFAULT_RATE_LIMITS.ip).toEqual({ limit: 1800, windowMs: 60_000 });
    const a = appWith({ rateLimits: { ip: { limit: 5, windowMs: 60_000 } } });
    for (let i = 0; i < 5; i++) expect((await send(a, 'shop', 1, `UA-${i}`)).status).toBe(202);
    const res = await send(a, 'shop', 1, 'UA-new');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('12');
    expect(((await res.json()) as { error: string }).error).toBe(
      'too many requests from this IP address: at most 5 per min; retry in 12 s',
    );
    expect(await rows(store)).toHaveLength(5);
  });

  it('open mode holds at most CJM_MAX_SITES site ids (also across a restart); a listed site is not capped', async () => {
    expect(DEFAULT_QUOTAS.sites).toBe(100);
    const a = appWith({ quotas: { sites: 2 } });
    expect((await send(a, 'a')).status).toBe(202);
    expect((await send(a, 'b')).status).toBe(202);
    const res = await send(a, 'c');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe(
      'site: "c" is new, and this collector accepts no more new site ids (at most 2, CJM_MAX_SITES; set CJM_SITES)',
    );
    expect(messages.join('\n')).toContain(
      'cjm: refused new site id "c": this open collector already holds 2 site ids (CJM_MAX_SITES=2; set CJM_SITES)',
    );
    expect((await send(a, 'a')).status).toBe(202);
    expect((await send(appWith({ quotas: { sites: 2 } }), 'd')).status).toBe(403); // a new process reads the sites stored
    expect((await send(appWith({ quotas: { sites: 2 }, sites: ['a', 'b', 'c'] }), 'c')).status).toBe(202);
  });

  it('events per site per UTC day: 429 until midnight with a reason and a log line; other sites go on', async () => {
    expect(DEFAULT_QUOTAS.siteDailyEvents).toBe(1_000_000);
    const a = appWith({ quotas: { siteDailyEvents: 5 } });
    expect((await send(a, 'shop', 3)).status).toBe(202);
    expect((await send(a, 'shop', 2)).status).toBe(202);
    const res = await send(a, 'shop', 1);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe(String(12 * 3600)); // NOW is 12:00 UTC
    expect(((await res.json()) as { error: string }).error).toBe(
      'quota reached: site "shop" has stored 5 of at most 5 events today (CJM_SITE_DAILY_EVENTS); retry after 00:00 UTC',
    );
    expect(messages.join('\n')).toContain('cjm: site "shop" reached its quota of 5 events today (CJM_SITE_DAILY_EVENTS)');
    expect((await send(a, 'blog', 5)).status).toBe(202);
    expect((await send(appWith({ quotas: { siteDailyEvents: 5 } }), 'shop', 1)).status).toBe(429); // counted from the store after a restart
    expect(await store.all('SELECT site, COUNT(*) AS n FROM events GROUP BY site ORDER BY site')).toEqual([
      { site: 'blog', n: 5 },
      { site: 'shop', n: 5 },
    ]);
  });

  it('database size: 507 past CJM_MAX_DB_MB, nothing stored', async () => {
    const big = appWith({ quotas: { databaseMb: 2 } }, { databaseBytes: () => 3 * 2 ** 20 });
    const res = await send(big);
    expect(res.status).toBe(507);
    expect(((await res.json()) as { error: string }).error).toBe(
      'storage quota reached: the database is past its limit of 2 MB (CJM_MAX_DB_MB); nothing was stored',
    );
    expect(messages.join('\n')).toContain('cjm: the database (3 MB) is past CJM_MAX_DB_MB=2: /collect stores nothing (507)');
    expect(await rows(store)).toEqual([]);
    expect((await send(appWith({ quotas: { databaseMb: 4 } }, { databaseBytes: () => 3 * 2 ** 20 }))).status).toBe(202);
  });
});
