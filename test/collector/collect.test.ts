// POST /collect through app.request() on a real SQLite file: what is stored, what is refused
// (with which status and message), and that a refused batch stores nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_WRITE } from '../../collector/store/sql/dialect';
import { sqlReads } from '../../collector/store/sql/reads';
import type { Store } from '../../collector/store/types';
import { LIMITS } from '../../sdk/schema';
import { NOW, TOKEN, UA, batch, event, post, rows, tempStore, testApp } from './helpers';

/** Headers of a server-side sender: the admin token. */
const SERVER = { authorization: `Bearer ${TOKEN}` };

let store: Store;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];
let logged: unknown[];

beforeEach(() => {
  ({ store, cleanup } = tempStore());
  ({ app, logged } = testApp(store));
});
afterEach(async () => {
  await cleanup();
});

describe('POST /collect accepts', () => {
  it('a valid batch: 202 {accepted, duplicates} and one row per event', async () => {
    const events = [event({ id: 'a' }), event({ id: 'b', type: 'event', name: 'click', props: { label: 'Buy' } })];
    const res = await post(app, batch(events), { 'user-agent': UA.chrome });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0 });
    const stored = await rows(store);
    expect(stored.map((r) => [r.id, r.type, r.name, r.props])).toEqual([
      ['a', 'pageview', '/', null],
      ['b', 'event', 'click', '{"label":"Buy"}'],
    ]);
    expect(stored[0]).toMatchObject({ site: 'shop', visitor: 'v1', session: 's1', received: NOW, ts: NOW - 1000, bot: 0 });
  });

  it('the same batch twice: the retry reports every event as a duplicate and changes nothing', async () => {
    const body = batch([event({ id: 'a' }), event({ id: 'b' }), event({ id: 'c' })]);
    expect(await (await post(app, body)).json()).toEqual({ accepted: 3, duplicates: 0 });
    const before = await rows(store);
    const again = await post(app, body);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 3 });
    expect(await rows(store)).toEqual(before);
  });

  it('a purchase sent twice under two event ids once (same transaction_id)', async () => {
    const purchase = (id: string) => event({ id, type: 'checkout', name: 'purchase', props: { transaction_id: 'T-1001', value: 42 } });
    expect(await (await post(app, batch([purchase('p1')]))).json()).toEqual({ accepted: 1, duplicates: 0 });
    expect(await (await post(app, batch([purchase('p2')]))).json()).toEqual({ accepted: 0, duplicates: 1 });
    const stored = await rows(store);
    expect(stored.map((r) => [r.id, r.txn])).toEqual([['p1', 'T-1001']]);
  });

  it('a numeric transaction_id, and only on checkout/purchase', async () => {
    await post(
      app,
      batch([
        event({ id: 'p', type: 'checkout', name: 'purchase', props: { transaction_id: 77 } }),
        event({ id: 'b', type: 'checkout', name: 'begin_checkout', props: { transaction_id: 77 }, ts: NOW - 500 }),
      ]),
    );
    expect((await rows(store)).map((r) => [r.id, r.txn])).toEqual([
      ['p', '77'],
      ['b', null],
    ]);
  });

  it('application/json as well as text/plain, and a body without `sent`', async () => {
    const res = await post(app, { site: 'shop', events: [event({ id: 'j', ts: NOW - 5000 })] }, { 'content-type': 'application/json' });
    expect(res.status).toBe(202);
    const [r] = await rows(store);
    // Without `sent`, the server clock stands in, so no skew correction applies.
    expect(r).toMatchObject({ id: 'j', ts: NOW - 5000, time: NOW - 5000 });
  });

  it('events up to 30 days old and 5 minutes ahead of `sent`', async () => {
    const res = await post(app, batch([event({ ts: NOW - LIMITS.maxAgeMs }), event({ ts: NOW + LIMITS.maxAheadMs })]));
    expect(res.status).toBe(202);
  });

  it('a server-side event with `user` and no visitor', async () => {
    const res = await post(
      app,
      batch([
        event({ id: 'srv', visitor: undefined, session: undefined, user: 'u-42', channel: 'store', type: 'checkout', name: 'purchase' }),
      ]),
      SERVER,
    );
    expect(res.status).toBe(202);
    // Not identified on any visitor yet: the user id stands in for one, so the journey joins up.
    expect((await rows(store))[0]).toMatchObject({ visitor: 'user:u-42', user_id: 'u-42', channel: 'store', type: 'checkout' });
  });

  it('an event naming a channel without the token: 403 naming the field, nothing stored (issue 17)', async () => {
    // A browser (or anyone) claiming a channel would also escape the bot filter.
    const claimed = batch([event({ id: 'ok' }), event({ id: 'claim', channel: 'store' })]);
    const res = await post(app, claimed, { 'user-agent': 'curl/8.5.0' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/^events\[1\]\.channel: only a server-side sender with a token/);
    const wrong = await post(app, claimed, { authorization: 'Bearer not-the-admin-token-0000' });
    expect(wrong.status).toBe(401);
    expect(await rows(store)).toEqual([]);
    expect((await post(app, claimed, { 'user-agent': 'curl/8.5.0', ...SERVER })).status).toBe(202);
    expect((await rows(store)).map((r) => [r.id, r.channel, r.bot])).toEqual([
      ['claim', 'store', 0],
      ['ok', 'direct', 1],
    ]);
  });

  it('CORS from any origin, with a preflight answer', async () => {
    const res = await post(app, batch([event()]), { origin: 'https://shop.example' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const pre = await app.request('/collect', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    // Refusals carry CORS too, so the SDK can read the status.
    const bad = await post(app, '{', { origin: 'https://shop.example' });
    expect(bad.headers.get('access-control-allow-origin')).toBe('*');
    // /collect has no Cross-Origin-Resource-Policy: same-origin (other sites read its replies).
    expect(res.headers.get('cross-origin-resource-policy')).toBeNull();
  });
});

describe('POST /collect refuses, storing nothing', () => {
  /** Posts, expects the status and an error message matching, and checks nothing was stored. */
  async function refused(body: unknown, status: number, message: RegExp, headers?: Record<string, string>) {
    const res = await post(app, body, headers);
    const json = (await res.json()) as { error: string; issues?: string[] };
    expect({ status: res.status, error: json.error }).toEqual({ status, error: expect.stringMatching(message) });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await rows(store)).toEqual([]);
    return json;
  }

  it('malformed JSON → 400', () => refused('{"site": "shop", "events": [', 400, /^malformed JSON: /));
  it('an empty body → 400', () => refused('', 400, /^empty body/));
  it('JSON that is not an object → 400', async () => {
    await refused('[1,2]', 400, /^body must be a JSON object/);
    await refused('"hi"', 400, /^body must be a JSON object/);
    await refused('null', 400, /^body must be a JSON object/);
  });
  it('a missing site → 400', () => refused({ events: [event()] }, 400, /^site: Invalid key: Expected "site"/));
  it('a bad site id → 400', () => refused(batch([event()], { site: 'no spaces' }), 400, /^site: must be 1–64 of/));
  it('no events → 400', () => refused(batch([]), 400, /^events: no events/));
  it('a bad event id → 400, with its path', () =>
    refused(batch([event(), event({ id: 'bad id!' })]), 400, /^events\[1\]\.id: must be 1–64 of/));
  it('a wrong type → 400, with path and valibot message', async () => {
    const json = await refused(
      batch([event(), event(), event(), event({ ts: 'yesterday' })]),
      400,
      /^events\[3\]\.ts: Invalid type: Expected number but received "yesterday"$/,
    );
    expect(json.issues).toEqual([json.error]);
  });
  it('an unknown event type → 400', () =>
    refused(batch([event({ type: 'purchase' })]), 400, /^events\[0\]\.type: Invalid type: Expected \("pageview" \| /));
  it('more than 100 events → 413 (split and resend, not drop)', () =>
    refused(batch(Array.from({ length: LIMITS.events + 1 }, () => event())), 413, /^too many events: 101 in one batch, at most 100/));
  it('more than 32 props → 400', () => {
    const props = Object.fromEntries(Array.from({ length: LIMITS.props + 1 }, (_, i) => [`k${i}`, i]));
    return refused(batch([event({ props })]), 400, /^events\[0\]\.props: more than 32 props$/);
  });
  it('too-long strings → 400', async () => {
    await refused(batch([event({ title: 'x'.repeat(301) })]), 400, /^events\[0\]\.title: longer than 300 characters$/);
    await refused(
      batch([event({ props: { note: 'x'.repeat(LIMITS.valueLength + 1) } })]),
      400,
      /^events\[0\]\.props\.note: Invalid length: Expected <=500 but received 501$/,
    );
    await refused(batch([event({ props: { ['k'.repeat(65)]: 1 } })]), 400, /^events\[0\]\.props\.k+: Invalid length/);
  });
  it('reserved prop keys (__proto__, constructor, prototype) → 400', async () => {
    // JSON.parse makes "__proto__" an own key, which is how a pollution attempt arrives.
    const body = `{"site":"shop","sent":${NOW},"events":[{"id":"p","type":"event","name":"x","ts":${NOW},"visitor":"v","props":{"__proto__":{"admin":true}}}]}`;
    await refused(body, 400, /^events\[0\]\.props: "__proto__" is a reserved key$/);
    await refused(batch([event({ props: { constructor: 'x' } })]), 400, /^events\[0\]\.props: "constructor" is a reserved key$/);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
  it('props that are an array → 400', () => refused(batch([event({ props: [1, 2] })]), 400, /^events\[0\]\.props: must be an object$/));
  it('an event with neither visitor nor user → 400', () =>
    refused(batch([event({ visitor: undefined })]), 400, /^events\[0\]: needs a visitor or a user$/));
  it('ts more than 30 days before sent → 400, whole batch', () =>
    refused(
      batch([event(), event({ ts: NOW - LIMITS.maxAgeMs - 1 })]),
      400,
      /^events\[1\]\.ts: \d+ is 30 days before the batch was sent \(at most 30 days\)$/,
    ));
  it('ts more than 5 minutes after sent → 400, whole batch', () =>
    refused(
      batch([event({ ts: NOW + LIMITS.maxAheadMs + 1 }), event()]),
      400,
      /^events\[0\]\.ts: \d+ is 301 s after the batch was sent \(at most 300 s\)$/,
    ));
  it('ts range follows `sent`, not the server clock (a client clock a year off is fine)', async () => {
    const yearAgo = NOW - 365 * 24 * 3600 * 1000;
    const res = await post(app, batch([event({ id: 'old-clock', ts: yearAgo - 2000 })], { sent: yearAgo }));
    expect(res.status).toBe(202);
    expect((await rows(store))[0]).toMatchObject({ ts: yearAgo - 2000, time: NOW - 2000 });
  });
  it('a site not in `sites` → 403', async () => {
    ({ app } = testApp(store, { config: { adminToken: 'x'.repeat(20), sites: ['blog'] } }));
    await refused(batch([event()]), 403, /^site: "shop" is not accepted by this collector/);
    expect((await post(app, batch([event()], { site: 'blog' }))).status).toBe(202);
  });
  it('long valibot messages are cut short (they quote the input)', async () => {
    const json = await refused(batch([event({ ts: 'y'.repeat(5000) })]), 400, /^events\[0\]\.ts: Invalid type/);
    expect(json.error.length).toBeLessThan(300);
  });
  it('lists up to 10 issues', async () => {
    const json = await refused(batch(Array.from({ length: 20 }, () => event({ ts: 'x' }))), 400, /^events\[0\]\.ts/);
    expect(json.issues).toHaveLength(10);
  });
});

describe('POST /collect body size', () => {
  const big = (bytes: number) => {
    const body = JSON.stringify(batch([event({ props: { pad: '' } })]));
    return body.replace('"pad":""', `"pad":"${'x'.repeat(bytes - body.length)}"`);
  };

  it('over 64 KB → 413 by Content-Length, before reading the body', async () => {
    const body = big(LIMITS.bodyBytes + 1);
    const res = await post(app, body, { 'content-length': String(body.length) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'body too large: at most 65536 bytes; send fewer events per batch' });
  });

  it('over 64 KB → 413 when streamed without Content-Length', async () => {
    const bytes = new TextEncoder().encode(big(LIMITS.bodyBytes + 1));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 4096) c.enqueue(bytes.slice(i, i + 4096));
        c.close();
      },
    });
    const res = await app.request('/collect', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(await rows(store)).toEqual([]);
  });

  it('exactly 64 KB is read (and then judged on its content)', async () => {
    const body = big(LIMITS.bodyBytes);
    expect(body.length).toBe(LIMITS.bodyBytes);
    const res = await post(app, body);
    // The padded value is longer than a prop may be: a 400, not a 413.
    expect(res.status).toBe(400);
  });
});

describe('POST /collect when storage fails', () => {
  it('answers 503 "storage unavailable" with Retry-After, and logs the cause', async () => {
    const broken: Store = {
      insert: async () => {
        throw new Error('SQLITE_FULL: database or disk is full');
      },
      insertAssigned: async () => {
        throw new Error('SQLITE_FULL: database or disk is full');
      },
      exportEvents: async function* () {},
      close: async () => {},
      reads: sqlReads(SQLITE_WRITE, async () => []),
      journeyContext: async () => ({ firstPurchases: new Map(), sessions: new Map(), userVisitors: new Map() }),
      deleteBefore: async () => ({ deleted: 0 }),
      eraseVisitor: async () => ({ deleted: 0, visitors: [] }),
      restage: async () => ({ visitors: 0, events: 0, changed: 0, moves: [], next: null }),
    };
    ({ app, logged } = testApp(broken));
    const res = await post(app, batch([event()]));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'storage unavailable' });
    expect(res.headers.get('retry-after')).toBe('30');
    expect(logged).toHaveLength(1);
    expect(String(logged[0])).toContain('SQLITE_FULL');
  });

  it('never answers 5xx for odd input', async () => {
    const odd = [
      '{"site":"shop","events":{}}',
      '{"site":1,"events":[null]}',
      '{"__proto__":{"x":1}}',
      '\u0000',
      '{"site":"shop","events":[[]]}',
      'x'.repeat(100),
    ];
    for (const body of odd) {
      const res = await post(app, body);
      expect(res.status, body).toBeLessThan(500);
    }
    expect(logged).toEqual([]);
  });
});
