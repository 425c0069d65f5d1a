// The data-lifecycle contract (retention and GDPR erasure), run against every Store adapter
// (SQLite in test/collector, D1 in test/workers). The oracle for every derived table (sessions,
// visitors, report rollups) is a rebuild: the surviving events inserted again under another site
// id must derive exactly the same rows, so nothing derived from deleted events may survive.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlStore, StoredEvent } from '../../collector/store/types';
import { NOW, row } from './fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Tables derived from `events` (migrations 0002, 0003, 0005 and 0007). */
const KNOWN_DERIVED = [
  'sessions',
  'visitors',
  'report_stages',
  'report_touchpoints',
  'report_paths',
  'visitor_stages',
  'report_sessions',
  'report_touch_hours',
];

/**
 * Every table besides `events` and bookkeeping: a table a later migration adds is then checked
 * too, and fails here until retention and erasure keep it in line. Except `erasures` (migration
 * 0006): erasure tombstones are intentionally not derived from events (they outlive the events
 * they erased, so that rows in flight are not stored afterwards); the tests below check them.
 * And `salts` (migration 0012): the daily salt of the visitor hash, per collector, not per site;
 * the store contract checks its rotation. And `tokens` (migration 0010): API tokens, not data
 * about visitors. And `queue_ledger` (migration 0016): the Workers queue's messages in flight
 * (counts and times only, for /health's fold lag).
 */
async function derivedTables(store: SqlStore): Promise<string[]> {
  const rows = await store.all(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('events', 'erasures', 'salts', 'tokens', 'queue_ledger', 'd1_migrations', 'sqlite_sequence') AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name",
  );
  return rows.map((r) => String(r.name));
}

async function exported(store: SqlStore, site: string): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const r of store.exportEvents(site)) out.push(r);
  return out;
}

/** Every derived row of `site`, without the site column, sorted, per table. */
async function derived(store: SqlStore, site: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const tables = await derivedTables(store);
  expect(tables).toEqual(expect.arrayContaining(KNOWN_DERIVED));
  for (const table of tables) {
    const rows = await store.all(`SELECT * FROM ${table} WHERE site = ?1`, [site]);
    out[table] = rows.map(({ site: _s, ...rest }) => JSON.stringify(rest)).sort();
  }
  return out;
}

/** What `site`'s derived tables would hold if only its surviving events had ever been stored. */
async function rebuilt(store: SqlStore, site: string, as: string): Promise<Record<string, string[]>> {
  const survivors = await exported(store, site);
  if (survivors.length) await store.insert(survivors.map((r) => ({ ...r, site: as })));
  return derived(store, as);
}

/**
 * A small journey world: an old visitor (wholly before the cutoff), a returning visitor with a
 * session straddling the cutoff, a bot, and a server-side event without a session.
 */
function world(site = 'shop'): StoredEvent[] {
  const at = (t: number, over: Partial<StoredEvent>) => row({ site, time: t, ts: t, received: t, ...over });
  const cut = NOW - 30 * DAY;
  return [
    at(cut - 10 * DAY, { id: 'old1', visitor: 'vOld', session: 'sOld', type: 'pageview', path: '/', touchpoint: '/', stage: 'awareness' }),
    at(cut - 10 * DAY + 5000, {
      id: 'old2',
      visitor: 'vOld',
      session: 'sOld',
      type: 'event',
      name: 'click',
      touchpoint: 'Buy',
      stage: 'consideration',
    }),
    at(cut - 2 * DAY, {
      id: 'ret1',
      visitor: 'vRet',
      session: 'sRet1',
      type: 'pageview',
      path: '/a',
      touchpoint: '/a',
      stage: 'awareness',
      channel: 'search',
    }),
    // A session running across the cutoff: two events before it, two after.
    at(cut - 20 * 60_000, {
      id: 'x1',
      visitor: 'vRet',
      session: 'sX',
      type: 'pageview',
      path: '/landing',
      touchpoint: '/landing',
      stage: 'awareness',
      channel: 'email',
    }),
    at(cut - 60_000, {
      id: 'x2',
      visitor: 'vRet',
      session: 'sX',
      type: 'event',
      name: 'click',
      touchpoint: 'Hero',
      stage: 'consideration',
      channel: 'email',
    }),
    at(cut + 60_000, {
      id: 'x3',
      visitor: 'vRet',
      session: 'sX',
      type: 'pageview',
      path: '/pricing',
      touchpoint: '/pricing',
      stage: 'consideration',
      channel: 'email',
    }),
    at(cut + 120_000, {
      id: 'x4',
      visitor: 'vRet',
      session: 'sX',
      type: 'checkout',
      name: 'purchase',
      txn: 'T1',
      props: '{"value":20}',
      stage: 'decision',
      channel: 'email',
    }),
    at(NOW - DAY, { id: 'ret2', visitor: 'vRet', session: 'sRet2', type: 'pageview', path: '/b', touchpoint: '/b', stage: 'retention' }),
    at(cut - DAY, { id: 'bot1', visitor: 'vBot', session: 'sBot', bot: 1 }),
    at(NOW - DAY, { id: 'bot2', visitor: 'vBot', session: 'sBot2', bot: 1 }),
    at(cut - 3 * DAY, {
      id: 'srv1',
      visitor: 'user:u9',
      session: null,
      user_id: 'u9',
      type: 'checkout',
      name: 'purchase',
      channel: 'store',
      txn: 'S1',
    }),
    at(NOW - 2 * DAY, {
      id: 'srv2',
      visitor: 'user:u9',
      session: null,
      user_id: 'u9',
      type: 'event',
      name: 'ticket_solved',
      channel: 'support',
    }),
  ];
}

/**
 * Registers the lifecycle tests for one adapter. `makeStore` returns a new, empty store; the suite
 * closes it after each test.
 */
export function runLifecycleContract(name: string, makeStore: () => SqlStore | Promise<SqlStore>): void {
  describe(`SqlStore lifecycle contract: ${name}`, () => {
    let store: SqlStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    const cut = NOW - 30 * DAY;

    it('deleteBefore removes older events and everything derived only from them', async () => {
      await store.insert(world());
      const before = await derived(store, 'shop');
      expect(before.sessions.length).toBe(6); // sanity: the world derives rows to delete
      expect((await store.deleteBefore(cut)).deleted).toBe(7);
      expect((await exported(store, 'shop')).map((r) => r.id).sort()).toEqual(['bot2', 'ret2', 'srv2', 'x3', 'x4']);
      const after = await derived(store, 'shop');
      expect(after).toEqual(await rebuilt(store, 'shop', 'ref'));
      // The straddling session and the returning visitor now start after the cutoff.
      const [sx] = await store.all(`SELECT started, events, landing FROM sessions WHERE site = 'shop' AND session = 'sX'`);
      expect(sx).toEqual({ started: cut + 60_000, events: 2, landing: '/pricing' });
      const [v] = await store.all(`SELECT first_seen, sessions, purchases FROM visitors WHERE site = 'shop' AND visitor = 'vRet'`);
      expect(v).toEqual({ first_seen: cut + 60_000, sessions: 2, purchases: 1 });
      expect(await store.all(`SELECT visitor FROM visitors WHERE site = 'shop' AND visitor = 'vOld'`)).toEqual([]);
    });

    it('deleteBefore at an exact hour leaves no rollup hour before it', async () => {
      await store.insert(world());
      const hourCut = Math.floor(cut / HOUR) * HOUR;
      await store.deleteBefore(hourCut);
      for (const t of ['report_stages', 'report_touchpoints', 'report_paths', 'report_touch_hours']) {
        const [r] = await store.all(`SELECT MIN(hour) AS h FROM ${t} WHERE site = 'shop'`);
        expect(Number(r!.h) * HOUR).toBeGreaterThanOrEqual(hourCut);
      }
      expect(await derived(store, 'shop')).toEqual(await rebuilt(store, 'shop', 'ref'));
    });

    it('deleteBefore with a site touches only that site; without one, every site; again, nothing', async () => {
      await store.insert([...world('shop'), ...world('blog')]);
      const blog = await derived(store, 'blog');
      expect((await store.deleteBefore(cut, 'shop')).deleted).toBe(7);
      expect((await exported(store, 'blog')).length).toBe(12);
      expect(await derived(store, 'blog')).toEqual(blog);
      expect((await store.deleteBefore(cut)).deleted).toBe(7);
      expect((await exported(store, 'blog')).length).toBe(5);
      expect((await store.deleteBefore(cut)).deleted).toBe(0);
    });

    describe('eraseVisitor', () => {
      // vA and vB are one person (identified as u1 on two devices), with a server-side event
      // under user:u1; vC is someone else, whose session shares an hour with theirs.
      const people = () => [
        row({ id: 'a1', visitor: 'vA', session: 'sA', time: NOW - 5000 }),
        row({ id: 'a2', visitor: 'vA', session: 'sA', type: 'identify', name: 'identify', user_id: 'u1', time: NOW - 4000 }),
        row({ id: 'a0', visitor: 'vA', session: 'sA0', time: NOW - 9 * DAY }),
        row({ id: 'b1', visitor: 'vB', session: 'sB', user_id: 'u1', time: NOW - 3000 }),
        row({
          id: 's1',
          visitor: 'user:u1',
          session: null,
          user_id: 'u1',
          type: 'checkout',
          name: 'purchase',
          txn: 'T9',
          channel: 'store',
          time: NOW - 2000,
        }),
        row({ id: 'c1', visitor: 'vC', session: 'sC', time: NOW - 4500 }),
        row({ id: 'c2', visitor: 'vC', session: 'sC', type: 'event', name: 'click', time: NOW - 1000 }),
      ];

      it('erases the visitor, the visitors linked by its user id, and all derived rows', async () => {
        await store.insert(people());
        expect(await store.eraseVisitor('shop', 'vA')).toEqual({ deleted: 5, visitors: ['user:u1', 'vA', 'vB'] });
        expect((await exported(store, 'shop')).map((r) => r.id)).toEqual(['c1', 'c2']);
        const after = await derived(store, 'shop');
        expect(after.visitors.map((v) => JSON.parse(v).visitor)).toEqual(['vC']);
        expect(after).toEqual(await rebuilt(store, 'shop', 'ref'));
      });

      it('accepts a user id, and is idempotent; an unknown id erases nothing', async () => {
        await store.insert(people());
        expect(await store.eraseVisitor('shop', 'u1')).toEqual({ deleted: 5, visitors: ['user:u1', 'vA', 'vB'] });
        expect(await store.eraseVisitor('shop', 'u1')).toEqual({ deleted: 0, visitors: [] });
        expect(await store.eraseVisitor('shop', 'nobody')).toEqual({ deleted: 0, visitors: [] });
        expect((await exported(store, 'shop')).map((r) => r.id)).toEqual(['c1', 'c2']);
      });

      it('erases an anonymous visitor alone, and only on its site', async () => {
        await store.insert([...people(), row({ id: 'c1', site: 'blog', visitor: 'vC', session: 'sC' })]);
        expect(await store.eraseVisitor('shop', 'vC')).toEqual({ deleted: 2, visitors: ['vC'] });
        expect((await exported(store, 'shop')).map((r) => r.id).sort()).toEqual(['a0', 'a1', 'a2', 'b1', 's1']);
        expect((await exported(store, 'blog')).map((r) => r.id)).toEqual(['c1']);
        expect(await derived(store, 'shop')).toEqual(await rebuilt(store, 'shop', 'ref'));
      });

      const tombstones = async () =>
        (await store.all('SELECT site, kind, id, erased FROM erasures ORDER BY site, kind, id')).map(
          (r) => `${r.site} ${r.kind} ${r.id} ${Number(r.erased) - NOW}`,
        );

      it('skips rows received before the erasure and stored after it (in flight); stores rows received after it', async () => {
        await store.insert(people());
        const at = NOW + 10_000;
        expect(await store.eraseVisitor('shop', 'vA', at)).toEqual({ deleted: 5, visitors: ['user:u1', 'vA', 'vB'] });
        expect(await tombstones()).toEqual([
          'shop user u1 10000',
          'shop user vA 10000',
          'shop visitor user:u1 10000',
          'shop visitor vA 10000',
          'shop visitor vB 10000',
        ]);
        // Received before the erasure (waiting in a queue, or a request still being processed), stored after it.
        const late = (id: string, over: Partial<StoredEvent>) => row({ id, time: at - 1, ts: at - 1, received: at - 1, ...over });
        const inFlight = [
          late('l1', { visitor: 'vA', session: 'sA' }),
          late('l2', { visitor: 'vB', session: 'sB2' }),
          // Server-side events of the user: under user:u1, or joined to a visitor not known at the erasure.
          late('l3', { visitor: 'user:u1', session: null, user_id: 'u1', type: 'event', name: 'ticket' }),
          late('l4', { visitor: 'vNew', session: 'sN', user_id: 'u1', type: 'identify', name: 'identify' }),
          late('l5', { visitor: 'vA', session: 'sA', received: at }), // the erasure's very millisecond: erased
          late('c3', { visitor: 'vC', session: 'sC' }), // someone else
        ];
        expect(await store.insert(inFlight)).toEqual({ inserted: 1, duplicates: 5 });
        expect((await exported(store, 'shop')).map((r) => r.id)).toEqual(['c1', 'c2', 'c3']);
        expect(await derived(store, 'shop')).toEqual(await rebuilt(store, 'shop', 'ref'));

        // Tracked again after the erasure (the same browser came back, the user sent events again): stored.
        const again = [
          row({ id: 'n1', visitor: 'vA', session: 'sA9', time: at + 1, ts: at + 1, received: at + 1 }),
          row({
            id: 'n2',
            visitor: 'user:u1',
            session: null,
            user_id: 'u1',
            type: 'event',
            name: 'ticket',
            time: at + 1,
            ts: at + 1,
            received: at + 1,
          }),
        ];
        expect(await store.insert(again)).toEqual({ inserted: 2, duplicates: 0 });
        expect((await exported(store, 'shop')).map((r) => r.id)).toEqual(['c1', 'c2', 'c3', 'n1', 'n2']);
        const after = await derived(store, 'shop');
        expect(after.visitors.map((v) => JSON.parse(v).visitor).sort()).toEqual(['user:u1', 'vA', 'vC']);
        expect(after).toEqual(await rebuilt(store, 'shop', 'ref2'));
      });

      it('tombstones an id with nothing stored yet (all its events in flight), only on its site', async () => {
        const at = NOW + 10_000;
        expect(await store.eraseVisitor('shop', 'vQ', at)).toEqual({ deleted: 0, visitors: [] });
        const queued = [row({ id: 'q1', visitor: 'vQ', session: 'sQ' }), row({ id: 'q2', visitor: 'vQ', session: 'sQ', site: 'blog' })];
        expect(await store.insert(queued)).toEqual({ inserted: 1, duplicates: 1 });
        expect(await exported(store, 'shop')).toEqual([]);
        expect((await exported(store, 'blog')).map((r) => r.id)).toEqual(['q2']);
        expect(await store.all("SELECT COUNT(*) AS n FROM sessions WHERE site = 'shop'")).toEqual([{ n: 0 }]);
      });

      it('tombstones expire after 15 days: deleted by the next erasure and by retention', async () => {
        await store.eraseVisitor('shop', 'vOld', NOW - 16 * DAY);
        await store.eraseVisitor('blog', 'vMid', NOW - 14 * DAY);
        expect(await tombstones()).toEqual([
          `blog user vMid ${-14 * DAY}`,
          `blog visitor vMid ${-14 * DAY}`,
          `shop user vOld ${-16 * DAY}`,
          `shop visitor vOld ${-16 * DAY}`,
        ]);
        // A retention run at NOW, whatever its cutoff (here far back, so no event goes).
        await store.insert([row({ id: 'k1', visitor: 'vK' })]);
        expect((await store.deleteBefore(NOW - 400 * DAY, undefined, NOW)).deleted).toBe(0);
        expect(await tombstones()).toEqual([`blog user vMid ${-14 * DAY}`, `blog visitor vMid ${-14 * DAY}`]);
        // An expired tombstone blocks nothing: no event waits that long.
        expect(await store.insert([row({ id: 'o1', visitor: 'vOld', received: NOW - 17 * DAY })])).toEqual({ inserted: 1, duplicates: 0 });
        // An erasure 2 days later also deletes what has expired by then, on every site.
        await store.eraseVisitor('shop', 'vK', NOW + 2 * DAY);
        expect(await tombstones()).toEqual([`shop user vK ${2 * DAY}`, `shop visitor vK ${2 * DAY}`]);
      });
    });
  });
}
