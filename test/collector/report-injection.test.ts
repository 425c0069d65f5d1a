// SQL-injection attempts in every filter of the journey report (/api/sites/:site/journey and
// .csv): a 4xx, or the same (empty) answer as any value that matches nothing, and the database
// unchanged. The report binds every filter as a parameter; this keeps it that way.
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlStore } from '../../collector/store/types';
import { NOW, TOKEN, UA, batch, event, post, tempStore, testApp } from './helpers';

let store: SqlStore;
let path: string;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];

beforeAll(async () => {
  ({ store, path, cleanup } = tempStore());
  ({ app } = testApp(store));
  const res = await post(
    app,
    batch([
      event({ id: 'r1', visitor: 'v1', session: 's1', url: 'https://shop.example/?utm_source=news&utm_medium=email', persona: 'buyer' }),
      event({
        id: 'r2',
        visitor: 'v1',
        session: 's1',
        type: 'checkout',
        name: 'purchase',
        props: { transaction_id: 'T1', value: 5 },
        ts: NOW - 500,
      }),
      event({ id: 'r3', visitor: 'v2', session: 's2', url: 'https://shop.example/pricing' }),
    ]),
    { 'user-agent': UA.chrome, 'cf-ipcountry': 'DE' },
  );
  expect(res.status).toBe(202);
});
afterAll(async () => {
  await cleanup();
});

const get = (url: string) => app.request(url, { headers: { authorization: `Bearer ${TOKEN}` } });

function counts(): Record<string, number> {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => String(r.name));
    return Object.fromEntries(tables.map((t) => [t, Number((db.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n)]));
  } finally {
    db.close();
  }
}

const FILTERS = ['persona', 'channel', 'device', 'country', 'pathFrom', 'pathTo'];
const ATTACKS = [
  "' OR '1'='1",
  "x' OR 1=1 --",
  "'); DROP TABLE events; --",
  '1 UNION SELECT name FROM sqlite_master',
  '%',
  '_',
  '*',
  '\\',
  '"',
];

describe('journey report filters under SQL injection', () => {
  it('the unfiltered report counts the seeded visitors (so the comparisons below can fail)', async () => {
    const res = await get('/api/sites/shop/journey');
    expect(res.status).toBe(200);
    expect(JSON.stringify(((await res.json()) as { totals: unknown }).totals)).toMatch(/[1-9]/);
  });

  it.each(FILTERS)('%s: 4xx, or the answer of a value that matches nothing; nothing changed', async (filter) => {
    const before = counts();
    const none = (await (await get(`/api/sites/shop/journey?${filter}=no-such-value`)).json()) as { totals: unknown; stages: unknown };
    for (const attack of ATTACKS) {
      const res = await get(`/api/sites/shop/journey?${filter}=${encodeURIComponent(attack)}`);
      if (res.status !== 200) {
        expect(res.status, attack).toBeGreaterThanOrEqual(400);
        expect(res.status, attack).toBeLessThan(500);
        continue;
      }
      const json = (await res.json()) as { totals: unknown; stages: unknown };
      expect({ totals: json.totals, stages: json.stages }, `${filter}=${attack}`).toEqual({ totals: none.totals, stages: none.stages });
      const csv = await get(`/api/sites/shop/journey.csv?${filter}=${encodeURIComponent(attack)}`);
      expect([200, 400]).toContain(csv.status);
    }
    expect(counts()).toEqual(before);
  });
});
