// The restaging contract (Store.restage, POST /api/sites/:site/restage), run on SQLite
// (test/collector/restage-sqlite.test.ts) and D1 (test/workers/restage-d1.test.ts). The oracle is
// ingest itself: a script of visitors is sent through /collect to site `fresh` (today's rules),
// then stored again under site `shop` with the stages older rules gave (a buyer's thank-you
// page in retention, a later visit's home page in decision, …); restaging `shop` in chunks of
// two visitors must give `fresh`'s stages, keep the sender's and the visitor-less ones, and
// leave every derived table equal to a rebuild from events.
import { describe, expect, it } from 'vitest';
import type { StoredEvent, Store } from '../../collector/store/types';
import { rebuild, snapshot, type RawDb } from './incremental-property';
import { row, UA } from './fixtures';

/** What the contract needs of an adapter: a store, raw access to its database, and the app over it. */
export interface RestageRig {
  store: Store;
  db: RawDb;
  /** The app's clock (events are scripted over the five days before it). */
  now: number;
  /** POSTs a body to the app's /collect. */
  collect(body: unknown, headers: Record<string, string>): Promise<Response>;
  /** Sends a request to the app's admin API (`path` from /api), with the admin token unless `auth` is false. */
  api(path: string, init?: RequestInit, auth?: boolean): Promise<Response>;
}

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** The scripted visitors, as the SDK (and a server) would send them: [user agent, events]. */
function script(now: number): [string, Record<string, unknown>[]][] {
  const t0 = now - 5 * DAY;
  const at = (id: string, t: number, visitor: string, session: string | null, over: Record<string, unknown>) => {
    const path = typeof over.path === 'string' ? over.path : '/';
    return {
      id,
      ts: t0 + t,
      visitor,
      ...(session ? { session } : {}),
      type: 'pageview',
      name: path,
      path,
      url: `https://shop.example${path}`,
      ...over,
    };
  };
  return [
    [
      UA.chrome,
      [
        // A buyer in one visit, who comes back two days later and writes to support the next day.
        at('b1', 0, 'vBuy', 'sB1', {}),
        at('b2', MIN, 'vBuy', 'sB1', { path: '/products/shoe', hint: 'product' }),
        at('b3', 2 * MIN, 'vBuy', 'sB1', { type: 'checkout', name: 'add_to_cart', path: '/products/shoe' }),
        at('b4', 3 * MIN, 'vBuy', 'sB1', {
          type: 'checkout',
          name: 'purchase',
          path: '/checkout',
          props: { transaction_id: 'T1', value: 30, currency: 'EUR' },
        }),
        at('b5', 4 * MIN, 'vBuy', 'sB1', { path: '/thank-you' }),
        at('b6', 5 * MIN, 'vBuy', 'sB1', { type: 'engagement', name: 'engagement', path: '/thank-you', props: { engaged_ms: 4000 } }),
        at('b7', 5 * MIN + 1000, 'vBuy', 'sB1', { type: 'feedback', name: 'feedback', path: '/thank-you', props: { score: 5 } }),
        at('b8', 2 * DAY, 'vBuy', 'sB2', {}),
        at('b9', 2 * DAY + MIN, 'vBuy', 'sB2', { path: '/blog/news' }),
        at('b10', 3 * DAY, 'vBuy', null, { type: 'event', name: 'support_ticket', path: undefined, url: undefined, channel: 'support' }),
        // A researcher: a product view, then a later visit to the home page with a JS error.
        at('r1', 0, 'vResearch', 'sR1', { path: '/products/bag', hint: 'product' }),
        at('r2', DAY, 'vResearch', 'sR2', {}),
        at('r3', DAY + MIN, 'vResearch', 'sR2', { type: 'pain', name: 'js_error', props: { message: 'x is undefined' } }),
        at('r4', DAY + 2 * MIN, 'vResearch', 'sR2', { type: 'engagement', name: 'engagement', props: { engaged_ms: 2000 } }),
        // A page that sets its stage itself, and a pricing page that does not.
        at('x1', 0, 'vExplicit', 'sX', { path: '/blog/post', stage: 'decision' }),
        at('x2', MIN, 'vExplicit', 'sX', { path: '/pricing' }),
        // Stored before migration 0008 (stage_inferred unknown, below).
        at('o1', 0, 'vOld', 'sO', { path: '/pricing' }),
        at('o2', MIN, 'vOld', 'sO', {}),
      ],
    ],
    [
      UA.googlebot,
      [
        // A bot's purchase makes nobody a returning customer.
        at('t1', 0, 'vBot', 'sT1', { type: 'checkout', name: 'purchase', path: '/checkout', props: { transaction_id: 'TB' } }),
        at('t2', DAY, 'vBot', 'sT2', {}),
      ],
    ],
  ];
}

/** The stages older rules stored (progress carried over, retention right after a purchase). */
const OLD: Record<string, string> = {
  b5: 'retention',
  b6: 'retention',
  b7: 'retention',
  b8: 'decision',
  b9: 'decision',
  b10: 'decision',
  r2: 'decision',
  r3: 'decision',
  r4: 'decision',
  x2: 'awareness',
  o1: 'decision',
  t2: 'retention',
};
/** Events stored before migration 0008: their stage_inferred is unknown. */
const UNKNOWN = new Set(['o1', 'o2']);
/** A server-side event without a visitor, with a stage today's rules would not give it (/account is retention). */
const visitorless = (site: string) =>
  row({
    site,
    id: 'n1',
    visitor: null,
    session: 'sN',
    path: '/account',
    url: 'https://shop.example/account',
    stage: 'awareness',
    stage_inferred: 1,
  });

async function exported(store: Store, site: string): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const r of store.exportEvents(site)) out.push(r);
  return out;
}

/**
 * Sends the script to site `fresh` through /collect (today's rules), then stores the same rows
 * under site `shop` with their old stages, as a database written by an older collector would
 * hold them (derived tables included: store.insert keeps them). Returns `fresh`'s rows by id.
 */
export async function seedOldStages(rig: Pick<RestageRig, 'store' | 'now' | 'collect'>): Promise<Map<string, StoredEvent>> {
  for (const [ua, events] of script(rig.now)) {
    const res = await rig.collect({ site: 'fresh', sent: rig.now, events }, { 'user-agent': ua });
    expect(res.status, await res.clone().text()).toBe(202);
  }
  await rig.store.insert([visitorless('fresh')]);
  const fresh = await exported(rig.store, 'fresh');
  expect(fresh).toHaveLength(script(0).flatMap(([, e]) => e).length + 1);
  // The script exercises what it means to: every old stage differs from today's.
  const byId = new Map(fresh.map((r) => [r.id, r]));
  for (const [id, stage] of Object.entries(OLD)) expect(byId.get(id)!.stage, id).not.toBe(stage);
  await rig.store.insert(
    fresh.map((r) => ({
      ...r,
      site: 'shop',
      stage: OLD[r.id] ?? r.stage,
      stage_inferred: UNKNOWN.has(r.id) ? null : r.stage_inferred,
    })),
  );
  return byId;
}

/** The stage and stage_inferred each `shop` event must have after restaging. */
function expected(fresh: Map<string, StoredEvent>, includeUnknown: boolean): Record<string, [string | null, number | null]> {
  const out: Record<string, [string | null, number | null]> = {};
  for (const [id, r] of fresh) {
    if (!r.visitor || (UNKNOWN.has(id) && !includeUnknown)) out[id] = [OLD[id] ?? r.stage, UNKNOWN.has(id) ? null : r.stage_inferred];
    else out[id] = [r.stage, r.stage_inferred];
  }
  return out;
}

async function stages(db: RawDb, site = 'shop'): Promise<Record<string, [string | null, number | null]>> {
  const rows = await db.all(`SELECT id, stage, stage_inferred FROM events WHERE site = '${site}' ORDER BY id`);
  return Object.fromEntries(rows.map((r) => [String(r.id), [r.stage as string | null, r.stage_inferred as number | null]]));
}

/** Every derived row of `site`, without its site column, per table (as the lifecycle contract compares). */
async function derivedOf(db: RawDb, site: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of [
    'sessions',
    'visitors',
    'visitor_stages',
    'report_stages',
    'report_touchpoints',
    'report_paths',
    'report_sessions',
    'report_touch_hours',
  ]) {
    const rows = await db.all(`SELECT * FROM ${table} WHERE site = '${site}'`);
    out[table] = rows.map(({ site: _s, ...rest }) => JSON.stringify(rest)).sort();
  }
  return out;
}

/** Every derived table as the restage left it must equal a rebuild from `events`. */
async function expectRebuilt(db: RawDb): Promise<void> {
  const restaged = await snapshot(db);
  await rebuild(db);
  expect(restaged).toEqual(await snapshot(db));
}

/** Registers the contract for one adapter; `open` gives a rig on an empty database. */
export function runRestageContract(name: string, open: () => Promise<RestageRig>): void {
  describe(`Restaging stored events: ${name}`, () => {
    it("re-infers inferred stages in chunks as ingest does today, keeps the sender's, the unknown and the visitor-less ones, and rebuilds every derived row", async () => {
      const rig = await open();
      try {
        const fresh = await seedOldStages(rig);
        const results = [];
        let after: string | null = null;
        do {
          const r = await rig.store.restage('shop', { after, limit: 2 });
          results.push(r);
          after = r.next;
        } while (after !== null);
        // Five visitors by id: vBot vBuy | vExplicit vOld | vResearch.
        expect(results.map((r) => [r.visitors, r.next])).toEqual([
          [2, 'vBuy'],
          [2, 'vOld'],
          [1, null],
        ]);
        expect(await stages(rig.db)).toEqual(expected(fresh, false));
        // What moved, as the summary tells it: every old stage but the unknown one's.
        const count = (pairs: [string | null, string | null, number][]) => {
          const out: Record<string, number> = {};
          for (const [from, to, n] of pairs) out[`${from}→${to}`] = (out[`${from}→${to}`] ?? 0) + n;
          return out;
        };
        const want = Object.entries(OLD)
          .filter(([id]) => !UNKNOWN.has(id))
          .map(([id, old]): [string, string | null, number] => [old, fresh.get(id)!.stage, 1]);
        expect(count(results.flatMap((r) => r.moves.map((m): [string | null, string, number] => [m.from, m.to, m.events])))).toEqual(
          count(want),
        );
        expect(results.reduce((n, r) => n + r.changed, 0)).toBe(want.length);
        // The cases, in plain words.
        const now = await stages(rig.db);
        expect(['b5', 'b6', 'b7'].map((id) => now[id]![0])).toEqual(['decision', 'decision', 'decision']); // thank-you page and its pings
        expect(now.b8![0]).toBe('retention'); // the buyer's later visit
        expect(['r2', 'r3', 'r4'].map((id) => now[id]![0])).toEqual(['awareness', 'awareness', 'awareness']); // a later visit after research
        expect(now.t2![0]).toBe('awareness'); // a bot's purchase makes no customer
        expect(now.x1).toEqual(['decision', 0]); // set by the page: kept
        expect(now.o1).toEqual(['decision', null]); // unknown: kept without includeUnknown
        expect(now.n1).toEqual(['awareness', 1]); // no visitor: kept
        await expectRebuilt(rig.db);
      } finally {
        await rig.store.close();
      }
    });

    it('through POST /api/sites/:site/restage with includeUnknown=1: every event and derived row equals what ingest gives today', async () => {
      const rig = await open();
      try {
        const fresh = await seedOldStages(rig);
        let after = '';
        let requests = 0;
        let changed = 0;
        do {
          const res = await rig.api(`/api/sites/shop/restage?limit=2&includeUnknown=1&after=${encodeURIComponent(after)}`, {
            method: 'POST',
          });
          expect(res.status).toBe(200);
          const body = (await res.json()) as { changed: number; next: string | null };
          changed += body.changed;
          after = body.next ?? '';
          requests++;
        } while (after);
        expect(requests).toBe(3);
        expect(changed).toBe(Object.keys(OLD).length);
        expect(await stages(rig.db)).toEqual(expected(fresh, true));
        expect((await stages(rig.db)).o2).toEqual(['awareness', 1]); // unknown, same stage: now marked inferred
        // `shop` now holds exactly what `fresh` got from ingest, derived rows too.
        const strip = (rows: Record<string, unknown>[]) => rows.map(({ site: _s, ...rest }) => rest);
        expect(strip(await rig.db.all("SELECT * FROM events WHERE site = 'shop' ORDER BY id"))).toEqual(
          strip(await rig.db.all("SELECT * FROM events WHERE site = 'fresh' ORDER BY id")),
        );
        expect(await derivedOf(rig.db, 'shop')).toEqual(await derivedOf(rig.db, 'fresh'));
        await expectRebuilt(rig.db);
      } finally {
        await rig.store.close();
      }
    });

    it('a dry run counts the same changes and writes nothing; a second run changes nothing', async () => {
      const rig = await open();
      try {
        await seedOldStages(rig);
        const before = [await stages(rig.db), await snapshot(rig.db)];
        const dry = await rig.store.restage('shop', { includeUnknown: true, dryRun: true });
        expect(dry).toMatchObject({ visitors: 5, changed: Object.keys(OLD).length, next: null });
        expect([await stages(rig.db), await snapshot(rig.db)]).toEqual(before);
        const real = await rig.store.restage('shop', { includeUnknown: true });
        expect(real).toEqual(dry);
        const again = await rig.store.restage('shop', { includeUnknown: true });
        expect(again).toMatchObject({ visitors: 5, changed: 0, moves: [], next: null });
        // Another site, and an empty one, are left alone.
        expect(await rig.store.restage('none')).toEqual({ visitors: 0, events: 0, changed: 0, moves: [], next: null });
        expect((await stages(rig.db, 'fresh')).b5).toEqual(['decision', 1]);
      } finally {
        await rig.store.close();
      }
    });

    it('the route refuses bad input with a 400 naming the field, and answers only with the admin token', async () => {
      const rig = await open();
      try {
        expect((await rig.api('/api/sites/shop/restage', { method: 'POST' }, false)).status).toBe(401);
        for (const [query, field] of [
          ['limit=0', 'limit'],
          ['limit=1.5', 'limit'],
          ['limit=x', 'limit'],
          ['includeUnknown=yes', 'includeUnknown'],
          ['dryRun=2', 'dryRun'],
          [`after=${'v'.repeat(65)}`, 'after'],
        ] as const) {
          const res = await rig.api(`/api/sites/shop/restage?${query}`, { method: 'POST' });
          expect(res.status, query).toBe(400);
          expect(((await res.json()) as { error: string }).error).toMatch(new RegExp(`^${field}: `));
        }
        const bad = await rig.api('/api/sites/bad%20site/restage', { method: 'POST' });
        expect(bad.status).toBe(400);
        expect(((await bad.json()) as { error: string }).error).toMatch(/^site: /);
        const empty = await rig.api('/api/sites/shop/restage', { method: 'POST' });
        expect(await empty.json()).toEqual({ visitors: 0, events: 0, changed: 0, moves: [], next: null });
      } finally {
        await rig.store.close();
      }
    });
  });
}
