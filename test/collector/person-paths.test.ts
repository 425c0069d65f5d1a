// Paths per person across visits on SQLite: hand-computed in person-paths-fixture.ts, the same
// checks on D1 in test/workers/person-paths.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../collector/store/types';
import { attributionFixture } from './attribution-fixture';
import { NOW, tempStore, testApp, TOKEN } from './helpers';
import { checkPersonPaths } from './person-paths-fixture';

let store: Store;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];
const fx = attributionFixture(NOW);

beforeAll(async () => {
  ({ store, cleanup } = tempStore());
  ({ app } = testApp(store));
  for (const p of fx.posts)
    expect((await app.request('/collect', { method: 'POST', body: JSON.stringify(p.body), headers: p.headers })).status).toBe(202);
});
afterAll(() => cleanup());

describe('GET /api/sites/:site/person-paths', () => {
  it('draws each person’s visits as one path, visit boundaries marked', async () => {
    await checkPersonPaths((q) => {
      const csv = q.endsWith('&csv');
      return app.request(`/api/sites/shop/person-paths${csv ? '.csv' : ''}?from=${fx.from}&to=${fx.to}${csv ? q.slice(0, -4) : q}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
    });
  });

  it('refuses what is not a parameter of it', async () => {
    expect(
      (await app.request('/api/sites/shop/person-paths?funnelBy=people', { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(400);
  });
});
