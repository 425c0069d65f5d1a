// Property-based fuzzing of POST /collect (fast-check) against the real app on a real SQLite
// file. Whatever the body, the reply is 202 or a 4xx with a JSON {error}, never a 5xx or a throw;
// a 4xx stores nothing of the batch; a 202 stores every event exactly as validated (read back
// from the database and compared field by field). The number of cases tried goes to
// test-output/fuzz.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../collector/app';
import { pathOf } from '../../collector/ingest/enrich';
import { parseBatch } from '../../collector/ingest/validate';
import { isCheckoutName } from '../../collector/journey/stages';
import type { Store } from '../../collector/store/types';
import { EVENT_TYPES, LIMITS, type Batch } from '../../sdk/schema';
import { NOW, TOKEN, tempStore } from './helpers';

let store: Store;
let cleanup: () => Promise<void>;
let db: DatabaseSync;
let app: ReturnType<typeof createApp>;
const unexpected: unknown[] = [];
const tried: Record<string, number> = {};
const statuses: Record<number, number> = {};

beforeAll(() => {
  let path: string;
  ({ store, path, cleanup } = tempStore());
  // Limits off: thousands of requests from one "client" are the point here.
  app = createApp({
    store,
    config: { adminToken: TOKEN, rateLimits: { client: null, site: null }, quotas: { sites: null } },
    now: () => NOW,
    log: (_m, e) => unexpected.push(e),
  });
  db = new DatabaseSync(path, { readOnly: true });
});

afterAll(async () => {
  db.close();
  await cleanup();
  const total = Object.values(tried).reduce((a, b) => a + b, 0);
  mkdirSync('test-output', { recursive: true });
  writeFileSync('test-output/fuzz.json', `${JSON.stringify({ total, byProperty: tried, byStatus: statuses }, null, 2)}\n`);
  console.log(`fuzz: ${total} cases tried against POST /collect`, tried, 'replies by status:', statuses);
});

const count = () => Number((db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n);

let sites = 0;
/** A site id no earlier case used, so each valid batch starts from an empty journey. */
const freshSite = () => `fz${++sites}`;

/**
 * Sends one body and checks the properties every reply must have. Returns the status.
 * A 202 must store every event exactly as `parseBatch` validated it.
 */
async function check(property: string, body: string, headers: Record<string, string> = {}): Promise<number> {
  tried[property] = (tried[property] ?? 0) + 1;
  const before = count();
  let res: Response;
  try {
    // As a server-side sender with the token, which may use every field (`channel` too).
    res = await app.request('/collect', {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${TOKEN}`, ...headers },
    });
  } catch (err) {
    throw new Error(`app.request threw: ${String(err)}`);
  }
  const text = await res.text();
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  expect(res.status, text).toBeGreaterThanOrEqual(200);
  expect([202, 400, 403, 413, 429], text).toContain(res.status);
  const json = JSON.parse(text) as { error?: unknown; accepted?: number; duplicates?: number };
  if (res.status !== 202) {
    expect(typeof json.error === 'string' && json.error.length > 0, text).toBe(true);
    expect(count(), 'a refused batch stored rows').toBe(before);
    return res.status;
  }
  const batch = parseBatch(body, NOW);
  expect(json.accepted! + json.duplicates!).toBe(batch.events.length);
  expect(count() - before).toBe(json.accepted);
  expectStoredAsValidated(batch);
  return 202;
}

const sqlStr = (v: unknown) => (v === undefined ? null : v);

/** Every first occurrence of an id in the batch is stored with the fields it was sent with. */
function expectStoredAsValidated(batch: Batch): void {
  const stored = new Map(
    (db.prepare('SELECT * FROM events WHERE site = ?').all(batch.site) as Record<string, unknown>[]).map((r) => [r.id as string, r]),
  );
  const skew = NOW - (batch.sent ?? NOW);
  const seen = new Set<string>();
  // identify links the visitor's events without a user id to the first user it names.
  const linked = new Map<string, string>();
  for (const e of batch.events) if (e.type === 'identify' && e.visitor && e.user && !linked.has(e.visitor)) linked.set(e.visitor, e.user);
  for (const e of batch.events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const row = stored.get(e.id);
    if (!row) {
      // Only a purchase whose transaction_id an earlier event of the batch already stored is skipped.
      expect(e.name === 'purchase' && e.props?.transaction_id !== undefined, `event ${e.id} not stored`).toBe(true);
      continue;
    }
    const expected = {
      type: e.type === 'event' && isCheckoutName(e.name) ? 'checkout' : e.type,
      name: e.name,
      ts: e.ts,
      time: e.ts + skew,
      received: NOW,
      visitor: e.visitor ?? `user:${e.user}`.slice(0, 64),
      session: sqlStr(e.session),
      user_id: e.user ?? (e.visitor ? (linked.get(e.visitor) ?? null) : null),
      url: sqlStr(e.url),
      path: e.path ?? pathOf(e.url),
      title: sqlStr(e.title),
      referrer: e.referrer === '' ? null : sqlStr(e.referrer), // '' (opened directly) is no referrer
      props: e.props && Object.keys(e.props).length ? JSON.parse(JSON.stringify(e.props)) : null,
      ...(e.stage !== undefined ? { stage: e.stage } : {}),
      ...(e.touchpoint !== undefined ? { touchpoint: e.touchpoint } : {}),
      ...(e.channel !== undefined ? { channel: e.channel } : {}),
      ...(e.persona !== undefined ? { persona: e.persona } : {}),
    };
    const actual = Object.fromEntries(
      Object.keys(expected).map((k) => [k, k === 'props' && row.props !== null ? JSON.parse(row.props as string) : row[k]]),
    );
    expect(actual, `event ${e.id}`).toEqual(expected);
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Characters that break naive code: NUL, controls, lone surrogates, RTL overrides, emoji, combining marks. */
const nasty = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\ud800',
  '\udfff',
  '\ud83d',
  '\u202e',
  '\u200f',
  '\u2028',
  '\ufeff',
  '\uffff',
  '👩‍👩‍👧',
  '🇩🇪',
  'é',
  'e\u0301',
  '"',
  '\\',
  '\n',
  "'",
  '%00',
  '<script>',
  '\u0000\u0000',
);
const char = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 3 },
  { arbitrary: nasty, weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 3 },
);
const text = (maxLength: number) => fc.string({ unit: char, maxLength });
const token = (max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,${max - 1}}$`));
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];
/**
 * The pieces of an event; `hostile` mixes in invalid values (bad ids, reserved keys, times out of
 * range, over-long names), otherwise every value is valid but as odd as the schema allows.
 */
function pieces(hostile: boolean) {
  const w = hostile ? 1 : 0; // weight of the invalid alternatives
  const propKey = fc.oneof(
    { arbitrary: text(20).filter((k) => k.length > 0 && !PROTO_KEYS.includes(k)), weight: 8 },
    { arbitrary: fc.constantFrom(...PROTO_KEYS), weight: w },
  );
  const scalar = fc.oneof(text(40), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null));
  const props = fc.oneof(
    fc.dictionary(propKey, scalar, { maxKeys: 8 }),
    fc.record(
      {
        transaction_id: fc.oneof(fc.constantFrom('T1', 'T2'), fc.integer({ min: 0, max: 3 })),
        value: fc.double({ noNaN: true, noDefaultInfinity: true }),
        items: fc.array(fc.dictionary(propKey, scalar, { maxKeys: 4 }), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
  );
  // Ids from a small pool, so batches repeat ids.
  const eventId = fc.oneof(
    { arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e-1', 'f:2', 'g.3'), weight: 3 },
    { arbitrary: token(64), weight: 3 },
    { arbitrary: text(10), weight: w },
  );
  const ts = fc.oneof(
    { arbitrary: fc.integer({ min: NOW - LIMITS.maxAgeMs, max: NOW + LIMITS.maxAheadMs }), weight: 8 },
    {
      arbitrary: fc.constantFrom(
        -1,
        0,
        -0,
        1e300,
        2 ** 53,
        2 ** 53 + 2,
        8.64e15 + 1,
        NOW + 0.5,
        NOW - LIMITS.maxAgeMs - 1,
        NOW + LIMITS.maxAheadMs + 1,
      ),
      weight: 2 * w,
    },
  );
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
  return fc
    .record({
      id: eventId,
      type: fc.oneof({ arbitrary: fc.constantFrom(...EVENT_TYPES), weight: 9 }, { arbitrary: text(8), weight: w }),
      name: fc.oneof(
        text(30).filter((n) => n.length > 0),
        fc.constantFrom('purchase', 'add_to_cart', '/', 'identify'),
        hostile ? text(210) : text(200).filter((n) => n.length > 0),
      ),
      ts,
      visitor: hostile ? opt(fc.oneof(token(64), fc.constantFrom('v1', 'v2'))) : fc.oneof(token(64), fc.constantFrom('v1', 'v2')),
      session: opt(token(64)),
      user: opt(fc.oneof(text(20), fc.constantFrom('u1', 'u2'))),
      url: opt(fc.oneof(fc.webUrl(), text(60))),
      path: opt(text(30)),
      title: opt(text(60)),
      referrer: opt(fc.oneof(fc.webUrl(), text(30))),
      stage: opt(fc.oneof(fc.constantFrom('awareness', 'decision'), token(40))),
      touchpoint: opt(text(40)),
      channel: opt(token(40)),
      persona: opt(token(64)),
      props: opt(props),
    })
    .map((e) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>); // drop undefined keys
}
const validEvent = pieces(false);
const hostileEvent = pieces(true);
const sent = fc.oneof(
  { arbitrary: fc.constant(NOW), weight: 6 },
  { arbitrary: fc.integer({ min: 0, max: NOW * 2 }), weight: 1 },
  // A clock far in the future, beyond safe integers, or not an integer: ts moves with it.
  { arbitrary: fc.constantFrom(2 ** 53 - 1, 2 ** 53, 2 ** 60, 1e21, NOW + 0.5), weight: 1 },
  { arbitrary: fc.constant(undefined), weight: 2 },
);
const batchOf = (events: fc.Arbitrary<Record<string, unknown>[]>) =>
  fc.record({ sent, events }).map(({ sent: s, events: ev }) => {
    // Keep ts relative to sent, as a real client's clock would.
    return {
      site: freshSite(),
      ...(s !== undefined ? { sent: s } : {}),
      events: ev.map((e) =>
        typeof e.ts === 'number' && Number.isSafeInteger(e.ts) ? { ...e, ts: s === undefined ? e.ts : s - (NOW - e.ts) } : e,
      ),
    };
  });

// JSON.stringify writes a "__proto__" own key like any other, as an attacker's client would.
const withProtoKeys = (value: unknown) =>
  fc.constantFrom(...PROTO_KEYS).map((k) => JSON.stringify(value).replace(/^\{/, `{"${k}":{"polluted":true,"site":"evil"},`));

describe('POST /collect under fuzzing', { timeout: 300_000 }, () => {
  it('random JSON values: 4xx with a message, nothing stored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.json({ depthSize: 'medium' }), async (body) => void (await check('random JSON', body))),
      { numRuns: 500 },
    );
  });

  it('random text, including broken UTF-16 and NULs: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(text(200), async (body) => void (await check('random text', body))),
      { numRuns: 300 },
    );
  });

  it('generated batches (unicode, duplicates, bad types, odd times): 202 stores exactly, 4xx stores nothing', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        batchOf(fc.oneof(fc.array(validEvent, { minLength: 1, maxLength: 12 }), fc.array(hostileEvent, { maxLength: 12 }))),
        async (b) => {
          if ((await check('generated batches', JSON.stringify(b))) === 202) accepted++;
        },
      ),
      { numRuns: 1200 },
    );
    // The generator must reach both sides, or the 202 half of the property tests nothing.
    expect(accepted).toBeGreaterThan(150);
  });

  it('one field of a valid event replaced by any JSON value', async () => {
    const fields = [
      'id',
      'type',
      'name',
      'ts',
      'visitor',
      'session',
      'user',
      'url',
      'path',
      'title',
      'referrer',
      'stage',
      'touchpoint',
      'channel',
      'persona',
      'props',
      'extra',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 3 }), async (field, value) => {
        const e = { id: 'x1', type: 'event', name: 'click', ts: NOW - 1000, visitor: 'v1', session: 's1', [field]: value };
        await check('wrong types', JSON.stringify({ site: freshSite(), sent: NOW, events: [e] }));
      }),
      { numRuns: 600 },
    );
  });

  it('prototype-pollution keys at the top level, in events and in props', async () => {
    const valid = () => ({
      site: freshSite(),
      sent: NOW,
      events: [{ id: 'p1', type: 'event', name: 'x', ts: NOW - 1, visitor: 'v1', props: { ok: 1 } }],
    });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 }), fc.constantFrom(...PROTO_KEYS), async (where, key) => {
        const b = valid();
        let body = JSON.stringify(b);
        const payload = `"${key}":{"polluted":true,"isAdmin":true}`;
        if (where === 0) body = body.replace(/^\{/, `{${payload},`);
        else if (where === 1) body = body.replace('{"id"', `{${payload},"id"`);
        else body = body.replace('{"ok"', `{${payload},"ok"`);
        const status = await check('prototype keys', body);
        // Reserved keys are refused in props; elsewhere they are unknown keys and dropped.
        expect(status).toBe(where === 2 ? 400 : 202);
      }),
      { numRuns: 90 },
    );
    await fc.assert(
      fc.asyncProperty(withProtoKeys({ site: 'x', events: [] }), async (body) => void (await check('prototype keys', body))),
      { numRuns: 10 },
    );
    const probe = {} as Record<string, unknown>;
    expect([probe.polluted, probe.isAdmin, probe.site]).toEqual([undefined, undefined, undefined]);
  });

  it('huge strings, deep nesting and too many events: 4xx, nothing stored', async () => {
    const huge = fc.integer({ min: 1, max: 80_000 }).chain((n) =>
      fc.constantFrom(
        JSON.stringify({ site: freshSite(), events: [{ id: 'h', type: 'event', name: 'x'.repeat(n), ts: NOW, visitor: 'v' }] }),
        JSON.stringify({
          site: freshSite(),
          events: [{ id: 'h', type: 'event', name: 'x', ts: NOW, visitor: 'v', props: { big: '\u{1F600}'.repeat(n / 4) } }],
        }),
        `"${'a'.repeat(n)}"`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(huge, async (body) => void (await check('huge strings', body))),
      { numRuns: 100 },
    );

    const deep = fc
      .integer({ min: 1, max: 30_000 })
      .chain((depth) =>
        fc.constantFrom(
          '['.repeat(depth) + ']'.repeat(depth),
          `{"site":"shop","events":[{"id":"d","type":"event","name":"x","ts":${NOW},"visitor":"v","props":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}]}`,
          `{"site":"shop","events":${'['.repeat(depth)}${']'.repeat(depth)}}`,
        ),
      );
    await fc.assert(
      fc.asyncProperty(deep, async (body) => void (await check('deep nesting', body))),
      { numRuns: 100 },
    );

    const many = fc.integer({ min: LIMITS.events + 1, max: 2000 }).map((n) =>
      JSON.stringify({
        site: 'shop',
        events: Array.from({ length: n }, (_, i) => ({ id: `m${i}`, type: 'event', name: 'x', ts: NOW, visitor: 'v' })),
      }),
    );
    await fc.assert(
      fc.asyncProperty(many, async (body) => {
        expect(await check('too many events', body)).toBe(413);
      }),
      { numRuns: 50 },
    );
  });

  it('odd User-Agent and country headers on a valid batch: still stored, country only when well-formed', async () => {
    // Header values are byte strings: any of 0x20–0xFF (what a raw HTTP client can send).
    const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 400 });
    await fc.assert(
      fc.asyncProperty(headerText, headerText, async (ua, country) => {
        const site = freshSite();
        const body = JSON.stringify({ site, sent: NOW, events: [{ id: 'h1', type: 'pageview', name: '/', ts: NOW - 1, visitor: 'v1' }] });
        expect(await check('odd headers', body, { 'user-agent': ua, 'cf-ipcountry': country })).toBe(202);
        const row = db.prepare('SELECT country, bot FROM events WHERE site = ?').get(site) as { country: string | null; bot: number };
        expect(row.country === null || /^[A-Z]{2}$/.test(row.country)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('logged no unexpected error (a storage failure or crash would be logged here)', () => {
    expect(unexpected).toEqual([]);
  });
});
