// The Store contract: one suite every adapter runs (SQLite now; D1 and Postgres later), so no
// adapter can drift from what ingest and the reports rely on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlStore, StoredEvent } from '../../collector/store/types';
import { NOW, row } from './fixtures';

/** Collects an export into an array. */
async function all(it: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const r of it) out.push(r);
  return out;
}

const ids = (rs: StoredEvent[]) => rs.map((r) => r.id);

/**
 * Registers the contract tests for one adapter. `makeStore` must return a new, empty store;
 * the suite closes it after each test.
 * @example runStoreContract('sqlite', () => openSqliteStore(join(dir, `${n++}.db`)))
 */
export function runStoreContract(name: string, makeStore: () => SqlStore | Promise<SqlStore>): void {
  describe(`Store contract: ${name}`, () => {
    let store: SqlStore;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores rows and gives every column back unchanged', async () => {
      const full = row({
        id: 'full',
        type: 'checkout',
        name: 'purchase',
        ts: NOW - 5,
        time: NOW + 7,
        received: NOW + 9,
        visitor: 'v9',
        session: 's9',
        user_id: 'u@example.com',
        url: 'https://shop.example/p?x=1',
        path: '/p',
        title: 'Ünïcödé — 商品',
        referrer: 'https://search.example/',
        stage: 'decision',
        touchpoint: 'Buy button',
        channel: 'store',
        persona: 'bargain-hunter',
        props: JSON.stringify({ transaction_id: 'T1', value: 9.5, items: [{ id: 'a' }] }),
        device: 'tablet',
        browser: 'Safari',
        os: 'iOS',
        country: 'DE',
        bot: 1,
        txn: 'T1',
        source: 'google',
        medium: 'cpc',
        campaign: 'spring',
        content: 'banner',
        term: 'shoes',
        landing: '/start',
      });
      const plain = row({ id: 'plain', time: NOW + 8 });
      expect(await store.insert([full, plain])).toEqual({ inserted: 2, duplicates: 0 });
      expect(await all(store.exportEvents('shop'))).toEqual([full, plain]);
    });

    it('is idempotent on (site, id): a resent batch is counted as duplicates and changes nothing', async () => {
      const batch = [row({ id: 'a' }), row({ id: 'b' }), row({ id: 'c' })];
      expect(await store.insert(batch)).toEqual({ inserted: 3, duplicates: 0 });
      const changed = batch.map((r) => ({ ...r, name: 'changed' }));
      expect(await store.insert(changed)).toEqual({ inserted: 0, duplicates: 3 });
      expect(await all(store.exportEvents('shop'))).toEqual(batch);
    });

    it('reads money and engaged time sent as decimal strings as their numbers, as every engine does', async () => {
      const at = (id: string, extra: Partial<StoredEvent>) => row({ id, visitor: 'vn', session: 'sn', time: NOW, ...extra });
      await store.insert([
        at('n1', { type: 'pageview', name: '/p' }),
        at('n2', {
          type: 'checkout',
          name: 'purchase',
          props: JSON.stringify({ value: '129.50', currency: 'EUR', transaction_id: 'TN' }),
          txn: 'TN',
        }),
        at('n3', { type: 'engagement', name: 'engagement', props: JSON.stringify({ engaged_ms: '5000', scroll: 40 }) }),
        at('n4', { type: 'engagement', name: 'engagement', props: JSON.stringify({ engaged_ms: 1500 }) }),
      ]);
      const [sums] = await store.all(
        'SELECT SUM(revenue) AS revenue, SUM(engaged_ms) AS engaged, SUM(purchases) AS purchases FROM report_stages WHERE site = ?1',
        ['shop'],
      );
      expect([Number(sums!.revenue), Number(sums!.engaged), Number(sums!.purchases)]).toEqual([129.5, 6500, 1]);
    });

    it('counts an id repeated within one call once', async () => {
      expect(await store.insert([row({ id: 'x' }), row({ id: 'x', name: 'second' })])).toEqual({ inserted: 1, duplicates: 1 });
      expect((await all(store.exportEvents('shop'))).map((r) => r.name)).toEqual(['/']);
    });

    it('keys ids per site', async () => {
      expect(await store.insert([row({ id: 'same', site: 'a' }), row({ id: 'same', site: 'b' })])).toEqual({ inserted: 2, duplicates: 0 });
      expect(ids(await all(store.exportEvents('a')))).toEqual(['same']);
      expect(ids(await all(store.exportEvents('b')))).toEqual(['same']);
    });

    it('stores a purchase (site, txn) once, whatever its event id', async () => {
      const p = (id: string, txn: string | null, site = 'shop') => row({ id, site, type: 'checkout', name: 'purchase', txn });
      expect(await store.insert([p('p1', 'T1')])).toEqual({ inserted: 1, duplicates: 0 });
      expect(await store.insert([p('p2', 'T1'), p('p3', 'T2')])).toEqual({ inserted: 1, duplicates: 1 });
      expect(await store.insert([p('p4', 'T3'), p('p5', 'T3')])).toEqual({ inserted: 1, duplicates: 1 });
      // Another site may reuse the order number; rows without txn never clash.
      expect(await store.insert([p('p6', 'T1', 'other'), p('n1', null), p('n2', null)])).toEqual({ inserted: 3, duplicates: 0 });
      expect(ids(await all(store.exportEvents('shop'))).sort()).toEqual(['n1', 'n2', 'p1', 'p3', 'p4']);
    });

    it('stores all of a batch or none of it', async () => {
      await store.insert([row({ id: 'before' })]);
      const bad = { ...row({ id: 'bad' }), name: null } as unknown as StoredEvent;
      await expect(store.insert([row({ id: 'ok1' }), bad, row({ id: 'ok2' })])).rejects.toThrow();
      expect(ids(await all(store.exportEvents('shop')))).toEqual(['before']);
      // And the store still works afterwards.
      expect(await store.insert([row({ id: 'after', time: NOW + 1 })])).toEqual({ inserted: 1, duplicates: 0 });
    });

    it('exports one site ordered by (time, id)', async () => {
      await store.insert([
        row({ id: 'c', time: NOW + 2 }),
        row({ id: 'b', time: NOW + 1 }),
        row({ id: 'a', time: NOW + 2 }),
        row({ id: 'z', time: NOW }),
        row({ id: 'other', site: 'blog', time: NOW }),
      ]);
      expect(ids(await all(store.exportEvents('shop')))).toEqual(['z', 'b', 'a', 'c']);
      expect(await all(store.exportEvents('nobody'))).toEqual([]);
    });

    it('filters exports on time: from inclusive, to exclusive', async () => {
      await store.insert([0, 1, 2, 3, 4].map((i) => row({ id: `t${i}`, time: NOW + i * 10, ts: NOW - 999 })));
      const range = async (from?: number, to?: number) => ids(await all(store.exportEvents('shop', { from, to })));
      expect(await range(NOW + 10, NOW + 30)).toEqual(['t1', 't2']);
      expect(await range(NOW + 30)).toEqual(['t3', 't4']);
      expect(await range(undefined, NOW + 10)).toEqual(['t0']);
      expect(await range(NOW + 15, NOW + 15)).toEqual([]);
      expect(await range()).toEqual(['t0', 't1', 't2', 't3', 't4']);
    });

    it('exports many rows, with equal times across page boundaries, exactly once each in order', async () => {
      const many = Array.from({ length: 2503 }, (_, i) => row({ id: `m${String(i).padStart(5, '0')}`, time: NOW + Math.floor(i / 7) }));
      // Insert in a scrambled order: the export must sort, not echo insertion order.
      const scrambled = [...many].sort((a, b) => (a.id.split('').reverse().join('') < b.id.split('').reverse().join('') ? -1 : 1));
      for (let i = 0; i < scrambled.length; i += 100) await store.insert(scrambled.slice(i, i + 100));
      const got = await all(store.exportEvents('shop'));
      expect(got.length).toBe(2503);
      expect(ids(got)).toEqual(ids(many));
      const ranged = await all(store.exportEvents('shop', { from: NOW + 100, to: NOW + 300 }));
      expect(ids(ranged)).toEqual(ids(many.filter((r) => r.time >= NOW + 100 && r.time < NOW + 300)));
      // One session of 2,503 events refreshed (and its rollups rebuilt) on each of 25 inserts:
      // seconds on D1 with 2-row statements when the machine is busy.
    }, 30_000);

    it('lets writes go on while an export is being read', async () => {
      await store.insert(Array.from({ length: 50 }, (_, i) => row({ id: `w${i}`, time: NOW + i })));
      const it = store.exportEvents('shop')[Symbol.asyncIterator]();
      expect((await it.next()).value?.id).toBe('w0');
      expect(await store.insert([row({ id: 'late', time: NOW + 1000 })])).toEqual({ inserted: 1, duplicates: 0 });
      let n = 1;
      while (!(await it.next()).done) n++;
      expect(n).toBeGreaterThanOrEqual(50);
      // An abandoned export must not block anything either.
      const abandoned = store.exportEvents('shop')[Symbol.asyncIterator]();
      await abandoned.next();
      await abandoned.return?.();
      expect(await store.insert([row({ id: 'later', time: NOW + 2000 })])).toEqual({ inserted: 1, duplicates: 0 });
    });

    it('keeps one salt per day for the visitor hash, forgets the older ones, never makes one for a past day', async () => {
      const day = 20_000;
      const first = await store.dailySalt!(day);
      expect(first).toMatch(/^[0-9a-f]{32}$/);
      expect(await store.dailySalt!(day)).toBe(first);
      const next = await store.dailySalt!(day + 1);
      expect(next).not.toBe(first);
      // A straggler still on yesterday gets today's salt: yesterday's is gone for good.
      expect(await store.dailySalt!(day)).toBe(next);
      expect(await store.all('SELECT day FROM salts')).toEqual([{ day: day + 1 }]);
    });
  });
}
