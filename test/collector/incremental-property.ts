// Property test of the incremental maintenance (collector/store/sql/incremental.ts), shared by
// the SQLite (node) and D1 (workerd) runs: random events — several sites, sessions and visitors,
// identify, bots, purchases with clashing transaction ids, ids resent with other content —
// delivered out of order and repeatedly in random batches through store.insert(); then every
// row of sessions, visitors, visitor_stages, the three report rollups and report_sessions must equal a rebuild from scratch of
// the same events with the rebuild statements (sql/journey.ts refreshStatements, the reference).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refreshStatements, type Statement } from '../../collector/store/sql/journey';
import type { Store, StoredEvent } from '../../collector/store/types';

/** Raw database access beside the store: writes run as one transaction. */
export interface RawDb {
  run(statements: Statement[]): Promise<void>;
  all(sql: string): Promise<Record<string, unknown>[]>;
}

const DERIVED = {
  sessions: 'site, session',
  visitors: 'site, visitor',
  visitor_stages: 'site, visitor, stage',
  visitor_sessions: 'site, visitor, session',
  report_stages: 'site, hour, session, visitor, stage, channel, device, country',
  report_touchpoints: 'site, hour, session, visitor, stage, touchpoint, channel, device, country',
  report_paths: 'site, hour, session, visitor, channel, device, country',
  report_sessions: 'site, first_hour, session',
  report_touch_hours: 'site, stage, touchpoint, channel, hour',
} as const;

const BASE = Date.UTC(2025, 0, 15, 10);
/** `arb`, or null one time in three. */
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 });
const pick = <T>(...xs: T[]) => fc.constantFrom<T>(...xs);

/** Numbers whose sums are exact in binary floating point, so the summation order cannot matter. */
const quarter = fc.integer({ min: -8, max: 400 }).map((n) => n / 4);

const propsArb = fc.oneof(
  fc.constant(null),
  fc.constant('{}'),
  fc
    .record(
      {
        engaged_ms: fc.oneof<fc.Arbitrary<unknown>[]>(fc.integer({ min: 0, max: 60_000 }), pick<unknown>('1500', 'x', null, 2.5)),
        value: fc.oneof<fc.Arbitrary<unknown>[]>(quarter, pick<unknown>('12.5', '7abc', true, null)),
        score: fc.oneof<fc.Arbitrary<unknown>[]>(fc.integer({ min: 0, max: 6 }), pick<unknown>(4.5, '3', null, 'bad')),
        transaction_id: pick('T1', 'T2'),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
);

/** What a session's rows usually carry. */
const USUAL = {
  s1: { visitor: 'v1', channel: 'direct', device: 'desktop', country: 'DE' },
  s2: { visitor: 'v1', channel: 'search', device: 'mobile', country: null },
  s3: { visitor: 'v2', channel: null, device: 'desktop', country: 'FR' },
  s4: { visitor: 'v3', channel: 'direct', device: null, country: 'DE' },
  // Rows without a session (server-side) keep their visitor.
  v1: { channel: 'direct', device: 'desktop', country: 'DE' },
  v2: { channel: null, device: null, country: null },
  v3: { channel: 'search', device: 'mobile', country: 'FR' },
};

const eventArb: fc.Arbitrary<StoredEvent> = fc
  .record({
    site: fc.constantFrom('shop', 'shop', 'shop', 'blog'),
    // Some events reuse an earlier event's id with other content (a duplicate for the store).
    reuse: fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: fc.nat(), weight: 1 }),
    type: pick('pageview', 'pageview', 'pageview', 'event', 'event', 'engagement', 'checkout', 'pain', 'feedback', 'vital', 'identify'),
    name: pick('/', 'purchase', 'add_to_cart', 'rage_click', 'js_error', 'form_error', 'poor_vital', 'click'),
    // Two hours in 10-minute steps: many ties on time, and rows in two rollup hours.
    time: fc.integer({ min: 0, max: 11 }).map((n) => BASE + n * 600_000),
    // Mostly a session keeps its visitor and segment (as ingest makes it), so rollup rows
    // receive rows from several batches; sometimes not.
    usual: fc.constantFrom(true, true, true, false),
    visitor: fc.option(pick('v1', 'v2', 'v3'), { nil: null, freq: 6 }),
    session: fc.option(pick('s1', 's1', 's2', 's3', 's4'), { nil: null, freq: 4 }),
    user_id: fc.option(pick('u1', 'u2'), { nil: null, freq: 2 }),
    path: maybe(pick('/', '/cart', '/p/1', 'a"b\\c')),
    stage: maybe(pick('awareness', 'consideration', 'decision')),
    touchpoint: maybe(pick('Home', 'Cart', 'Buy "now"', 'Ünï')),
    channel: maybe(pick('direct', 'search')),
    persona: fc.option(pick('p1', 'p2'), { nil: null, freq: 2 }),
    props: propsArb,
    device: maybe(pick('desktop', 'mobile')),
    browser: maybe(pick('Chrome', 'Safari')),
    os: maybe(pick('Windows', 'iOS')),
    country: maybe(pick('DE', 'FR')),
    bot: fc.constantFrom<0 | 1>(0, 0, 0, 0, 0, 1),
    txn: pick(null, null, null, 'T1', 'T2', 'T3'),
    source: maybe(pick('google', 'news')),
    medium: maybe(pick('cpc', 'email')),
    campaign: maybe(pick('spring')),
    term: maybe(pick('shoes')),
  })
  .map(
    ({ usual, reuse, ...r }) =>
      ({
        ...r,
        id: String(reuse),
        // A purchase resent under another id is a duplicate too (txn is unique per site).
        txn: r.type === 'checkout' ? r.txn : null,
        ...(usual ? USUAL[(r.session ?? r.visitor ?? 's1') as keyof typeof USUAL] : {}),
        ts: r.time - 5,
        received: r.time + 3,
        url: r.path === null ? null : `https://shop.example${r.path}`,
        title: null,
        referrer: null,
        content: null,
        landing: null,
      }) as StoredEvent,
  );

/** Deliveries: the events, some resent, in a random order, cut into random batches. */
const deliveriesArb = fc
  .record({
    events: fc.array(eventArb, { minLength: 1, maxLength: 60, size: 'medium' }),
    resend: fc.array(fc.nat(), { maxLength: 20 }),
    order: fc.array(fc.nat(), { maxLength: 80, size: 'medium' }),
    cuts: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 60 }),
  })
  .map(({ events, resend, order, cuts }) => {
    events.forEach((e, i) => (e.id = e.id !== 'null' && i > 0 ? events[Number(e.id) % i]!.id : `e${i}`));
    const all = [...events, ...resend.map((i) => events[i % events.length]!)];
    const keyed = all.map((e, i) => ({ e, k: order[i] ?? i }));
    keyed.sort((a, b) => a.k - b.k);
    const batches: StoredEvent[][] = [];
    for (let i = 0, c = 0; i < keyed.length; c++) {
      const n = cuts[c % cuts.length]!;
      batches.push(keyed.slice(i, i + n).map((x) => x.e));
      i += n;
    }
    return batches;
  });

export async function snapshot(db: RawDb): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const [table, key] of Object.entries(DERIVED)) out[table] = await db.all(`SELECT * FROM ${table} ORDER BY ${key}`);
  return out;
}

/**
 * Ingest's journey context must say what the visitors' events say: per visitor who bought (bots
 * left out), the time and session of the first purchase. Asked with 150 unknown visitors first,
 * so the known ones fall in a second chunk (D1's limit).
 */
async function checkProgress(store: Store, db: RawDb): Promise<void> {
  const buyers =
    await db.all(`SELECT site, visitor, time, session FROM events e WHERE visitor <> '' AND type = 'checkout' AND name = 'purchase' AND bot = 0
    AND NOT EXISTS (SELECT 1 FROM events f WHERE f.site = e.site AND f.visitor = e.visitor AND f.type = 'checkout' AND f.name = 'purchase' AND f.bot = 0 AND f.time < e.time)`);
  const visitors = await db.all(`SELECT DISTINCT site, visitor FROM events WHERE visitor <> ''`);
  for (const site of new Set(visitors.map((r) => String(r.site)))) {
    const pad = Array.from({ length: 150 }, (_, i) => `unknown${i}`);
    const ids = visitors.filter((r) => r.site === site).map((r) => String(r.visitor));
    const ctx = await store.journeyContext(site, { visitors: [...pad, ...ids], sessions: [], users: [] });
    const got = Object.fromEntries([...ctx.firstPurchases].map(([v, p]) => [v, p.time]));
    const want = Object.fromEntries(buyers.filter((r) => r.site === site).map((r) => [String(r.visitor), Number(r.time)]));
    expect(got).toEqual(want);
    for (const [v, p] of ctx.firstPurchases)
      expect(buyers.some((r) => r.site === site && r.visitor === v && r.time === p.time && (r.session ?? null) === p.session)).toBe(true);
  }
}

/** The reference: every derived table emptied and rebuilt from `events` by the rebuild statements. */
export async function rebuild(db: RawDb): Promise<void> {
  const keys = await db.all('SELECT DISTINCT site, session, visitor FROM events');
  // type 'pageview': key rows only, no identify (the link already happened at insert).
  const rows = keys.map((k) => ({ ...k, type: 'pageview', user_id: null }) as unknown as StoredEvent);
  await db.run([...Object.keys(DERIVED).map((t) => ({ sql: `DELETE FROM ${t}`, params: [] })), ...refreshStatements(rows)]);
}

/**
 * Empties the database, stores the batches with `deliver` (which answers how many rows it
 * stored), checks that count against `events`, and gives every derived row as insert left it;
 * `rebuild` then yields the reference to compare it with.
 */
async function delivered(db: RawDb, batches: StoredEvent[][], deliver: (batch: StoredEvent[]) => Promise<number>) {
  await db.run(['events', ...Object.keys(DERIVED)].map((t) => ({ sql: `DELETE FROM ${t}`, params: [] })));
  let inserted = 0;
  for (const b of batches) inserted += await deliver(b);
  const [{ n }] = (await db.all('SELECT COUNT(*) AS n FROM events')) as [{ n: number }];
  expect(inserted).toBe(n);
  return snapshot(db);
}

/**
 * Registers the property test for one adapter. `open` gives the store and raw access to the
 * same, empty database.
 */
export function runIncrementalProperty(name: string, open: () => Promise<{ store: Store; db: RawDb }>, numRuns: number): void {
  describe(`Incremental rollups: ${name}`, () => {
    it(
      'sessions, visitors, visitor stages and report rollups equal a rebuild from events after any deliveries; so does the journey context',
      { timeout: 600_000 },
      async () => {
        const { store, db } = await open();
        try {
          await fc.assert(
            fc.asyncProperty(deliveriesArb, async (batches) => {
              const incremental = await delivered(db, batches, async (b) => (await store.insert(b)).inserted);
              await checkProgress(store, db);
              await rebuild(db);
              const reference = await snapshot(db);
              expect(incremental).toEqual(reference);
            }),
            { numRuns },
          );
        } finally {
          await store.close();
        }
      },
    );

    it('counts a batch delivered twice at the same time once (concurrent inserts)', { timeout: 120_000 }, async () => {
      const { store, db } = await open();
      try {
        await fc.assert(
          fc.asyncProperty(deliveriesArb, async (batches) => {
            const incremental = await delivered(db, batches, async (b) =>
              (await Promise.all([store.insert(b), store.insert(b)])).reduce((n, r) => n + r.inserted, 0),
            );
            await rebuild(db);
            expect(incremental).toEqual(await snapshot(db));
          }),
          { numRuns: Math.ceil(numRuns / 5) },
        );
      } finally {
        await store.close();
      }
    });

    it('appends a path in order and rebuilds it when a step arrives late', async () => {
      const { store, db } = await open();
      try {
        const ev = (id: string, s: number, tp: string): StoredEvent =>
          ({
            site: 'shop',
            id,
            type: 'pageview',
            name: '/',
            ts: BASE + s * 1000,
            time: BASE + s * 1000,
            received: BASE,
            visitor: 'v1',
            session: 's1',
            user_id: null,
            url: null,
            path: `/${tp}`,
            title: null,
            referrer: null,
            stage: null,
            touchpoint: tp,
            channel: null,
            persona: null,
            props: null,
            device: null,
            browser: null,
            os: null,
            country: null,
            bot: 0,
            txn: null,
            source: null,
            medium: null,
            campaign: null,
            content: null,
            term: null,
            landing: null,
          }) as StoredEvent;
        const steps = async () => (await db.all('SELECT steps FROM report_paths')).map((r) => JSON.parse(String(r.steps)));
        await store.insert([ev('a', 1, 'A'), ev('b', 2, 'B')]);
        await store.insert([ev('d', 4, 'D')]);
        expect(await steps()).toEqual([['A', 'B', 'D']]);
        await store.insert([ev('c', 3, 'C'), ev('e', 5, 'E')]); // C belongs between B and D
        expect(await steps()).toEqual([['A', 'B', 'C', 'D', 'E']]);
        await store.insert([ev('c', 9, 'X')]); // a duplicate id changes nothing
        expect(await steps()).toEqual([['A', 'B', 'C', 'D', 'E']]);
        const [s] = await db.all('SELECT events, started, ended, landing, exit FROM sessions');
        expect(s).toEqual({ events: 5, started: BASE + 1000, ended: BASE + 5000, landing: '/A', exit: '/E' });
      } finally {
        await store.close();
      }
    });
  });
}
