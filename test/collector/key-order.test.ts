// A page's batch that arrives while the previous page's batch of the same session is still
// being stored must see it (ingest/key-order.ts): otherwise its session's channel is lost and
// the product page of a paid-social visit reads "direct". Checked on SQLite and on Postgres
// (a real server), with the two batches sent at once through /collect.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { enrich } from '../../collector/ingest/enrich';
import { inKeyOrder } from '../../collector/ingest/key-order';
import { parseBatch } from '../../collector/ingest/validate';
import { assignJourney } from '../../collector/journey/assign';
import { capSessions } from '../../collector/journey/session-cap';
import { openPostgresStore } from '../../collector/store/postgres/store';
import type { Store } from '../../collector/store/types';
import { freshDatabase } from '../helpers/postgres';
import { batch, event, NOW, post, rows, tempStore, testApp } from './helpers';

describe('inKeyOrder', () => {
  it('runs calls that share a key one after the other, in call order, and others at once', async () => {
    const log: string[] = [];
    const step = (name: string, ms: number) => () => new Promise<string>((r) => setTimeout(() => (log.push(name), r(name)), ms));
    await Promise.all([
      inKeyOrder(['a'], step('a1', 30)),
      inKeyOrder(['a', 'b'], step('ab2', 1)),
      inKeyOrder(['c'], step('c1', 10)),
      inKeyOrder(['b'], step('b3', 1)),
    ]);
    expect(log).toEqual(['c1', 'a1', 'ab2', 'b3']);
  });

  it('goes on after a call that failed', async () => {
    await expect(inKeyOrder(['x'], () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(inKeyOrder(['x'], async () => 'next')).resolves.toBe('next');
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

const engines: [string, () => Promise<Store>][] = [
  [
    'sqlite',
    async () => {
      const t = tempStore();
      cleanups.push(t.cleanup);
      return t.store;
    },
  ],
  [
    'postgres',
    async () => {
      const store = await openPostgresStore(await freshDatabase());
      cleanups.push(() => store.close());
      return store;
    },
  ],
];

/** The store, with its first insert held until `release()`; `entered` resolves when it is called. */
function holdFirstInsert(store: Store) {
  let release!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>((r) => (entered = r));
  let first = true;
  const held: Store = Object.create(store);
  held.insertAssigned = async (site, keys, assign) => {
    if (first) {
      first = false;
      entered();
      await gate;
    }
    return store.insertAssigned(site, keys, assign);
  };
  return { held, entered: reached, release };
}

describe.each(engines)('a page whose batch arrives while the previous page is being stored (%s)', (_name, open) => {
  it('keeps the session channel the first page brought', async () => {
    const store = await open();
    const { held, entered, release } = holdFirstInsert(store);
    const { app } = testApp(held);
    const landing = event({
      session: 's-1',
      visitor: 'v-1',
      url: 'https://shop.example/sale?utm_source=facebook&utm_medium=paid_social',
      referrer: 'https://m.facebook.com/',
      ts: NOW - 5000,
    });
    const product = event({
      session: 's-1',
      visitor: 'v-1',
      url: 'https://shop.example/products/boots',
      referrer: 'https://shop.example/sale',
      ts: NOW - 4000,
    });
    const first = post(app, batch([landing]));
    await entered; // the landing page's batch is being stored…
    const second = post(app, batch([product])); // …when the product page's arrives
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect([(await first).status, (await second).status]).toEqual([202, 202]);
    const stored = await rows(store);
    expect(stored.map((r) => [r.path, r.channel])).toEqual([
      ['/sale', 'paid social'],
      ['/products/boots', 'paid social'],
    ]);
  });
});

describe('two collectors on one Postgres database', () => {
  it(
    'a page stored by one collector while the other stores the landing page still gets the landing page’s channel',
    { timeout: 30_000 },
    async () => {
      const url = await freshDatabase();
      const [a, b] = [await openPostgresStore(url), await openPostgresStore(url)];
      const blocker = new pg.Client({ connectionString: url });
      await blocker.connect();
      cleanups.push(async () => {
        await blocker.end();
        await a.close();
        await b.close();
      });
      const landing = event({
        session: 's-2',
        visitor: 'v-2',
        url: 'https://shop.example/sale?utm_source=facebook&utm_medium=paid_social',
        referrer: 'https://m.facebook.com/',
        ts: NOW - 5000,
      });
      const product = event({ session: 's-2', visitor: 'v-2', url: 'https://shop.example/products/boots', ts: NOW - 4000 });
      // A third connection makes the first collector's insert wait (a table lock), so its
      // transaction is open when the second collector's batch of the same session arrives.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE');
      // Each collector as ingest stores a batch, without this process's key order (which two
      // processes do not share): context read, journey assigned, rows inserted.
      const store = (into: typeof a, e: typeof landing) => {
        const rowsOf = enrich(parseBatch(JSON.stringify(batch([e])), NOW), { received: NOW });
        const keys = { visitors: ['v-2'], sessions: ['s-2'], users: [] };
        return into.insertAssigned('shop', keys, (ctx) => capSessions(assignJourney(rowsOf, ctx), ctx.sessionTails));
      };
      const first = store(a, landing);
      const waiting = async (what: string) => {
        for (let t = Date.now(); Date.now() - t < 10_000; await new Promise((r) => setTimeout(r, 20))) {
          const found = await b.all(
            `SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = '${what}'`,
          );
          if (Number(found[0]?.n) > 0) return;
        }
        throw new Error(
          `no query waiting on a ${what} lock: ${JSON.stringify(await b.all(`SELECT wait_event_type, wait_event, state, left(query, 60) AS q FROM pg_stat_activity WHERE datname = current_database()`))}`,
        );
      };
      await waiting('relation'); // the landing page's insert, in its transaction
      const second = store(b, product);
      await waiting('advisory'); // the product page waits for the site's lock before reading its session
      await blocker.query('COMMIT');
      expect([await first, await second]).toEqual([
        { inserted: 1, duplicates: 0 },
        { inserted: 1, duplicates: 0 },
      ]);
      expect((await rows(a)).map((r) => [r.path, r.channel])).toEqual([
        ['/sale', 'paid social'],
        ['/products/boots', 'paid social'],
      ]);
    },
  );
});
