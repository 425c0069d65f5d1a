// Goals declared without code (docs/report.md "Goals"): CJM_GOALS parsed and refused with the
// entry at fault; goals added, listed and removed through the admin API on SQLite, with their
// conversions, conversion rate and "reached stage → did goal", computed by hand for the
// attribution scenario (goals-fixture.ts; the same checks run on D1 in test/workers/goals.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../collector/config';
import { parseGoals, siteGoals } from '../../collector/goals';
import { startOptionsFromEnv } from '../../collector/node/env-options';
import type { GoalsReport } from '../../collector/report/goals';
import type { Store } from '../../collector/store/types';
import { attributionFixture } from './attribution-fixture';
import { checkGoals } from './goals-fixture';
import { NOW, tempStore, testApp, TOKEN } from './helpers';

describe('CJM_GOALS', () => {
  it('reads goals for every site or one, with labels', () => {
    expect(parseGoals('["newsletter_signup", {"goal": "/pricing", "label": "Saw prices", "site": "shop"}]')).toEqual([
      { goal: 'newsletter_signup', label: null },
      { goal: '/pricing', label: 'Saw prices', site: 'shop' },
    ]);
    expect(parseGoals(undefined)).toEqual([]);
    const config = parseGoals('["a", {"goal": "b", "site": "blog"}]');
    expect(
      siteGoals(config, 'shop', [
        { goal: 'c', label: null },
        { goal: 'a', label: 'dup' },
      ]).map((g) => [g.goal, g.declared]),
    ).toEqual([
      ['a', 'config'],
      ['c', 'api'],
    ]);
  });

  it.each([
    ['{', /is not JSON/],
    ['{"goal": "x"}', /is not an array/],
    ['[""]', /\[0\]\.goal: must be/],
    ['["purchase"]', /\[0\]\.goal: "purchase" is built in/],
    ['["a", "a"]', /\[1\]\.goal: "a" is declared twice/],
    ['[{"goal": "a", "lable": "x"}]', /\[0\]\.lable: unknown field/],
    ['[{"goal": "a", "label": 3}]', /\[0\]\.label: must be a string/],
  ])('refuses %s naming the entry at fault', (value, why) => {
    expect(() => parseGoals(value)).toThrow(why);
  });

  it('is read on Node and on Workers alike (a wrangler var may be JSON already)', () => {
    expect(startOptionsFromEnv({ CJM_GOALS: '["signup"]' }).options.goals).toEqual([{ goal: 'signup', label: null }]);
    expect(configFromEnv({ CJM_ADMIN_TOKEN: TOKEN, CJM_GOALS: ['signup'] }).goals).toEqual([{ goal: 'signup', label: null }]);
    expect(() => startOptionsFromEnv({ CJM_GOALS: '["purchase"]' })).toThrow(/CJM_GOALS \[0\]/);
  });
});

let store: Store;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];
const fx = attributionFixture(NOW);
const period = `from=${fx.from}&to=${fx.to}`;
const send = (method: string, path: string, body?: unknown, token = TOKEN) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

beforeAll(async () => {
  ({ store, cleanup } = tempStore());
  ({ app } = testApp(store, {
    config: { adminToken: TOKEN, goals: parseGoals('[{"goal": "/products/c", "label": "Product C"}, {"goal": "x", "site": "blog"}]') },
  }));
  for (const p of fx.posts)
    expect((await app.request('/collect', { method: 'POST', body: JSON.stringify(p.body), headers: p.headers })).status).toBe(202);
});
afterAll(() => cleanup());

describe('goals through the API (SQLite)', () => {
  it('a goal of CJM_GOALS is listed first with its figures, and cannot be changed or removed through the API', async () => {
    const r = (await (await send('GET', `/api/sites/shop/goals?${period}`)).json()) as GoalsReport;
    expect(r.goals.map((g) => [g.goal, g.label, g.declared, g.conversions, g.conversionRate])).toEqual([
      ['/products/c', 'Product C', 'config', 1, 0.25],
    ]);
    expect((await send('POST', '/api/sites/shop/goals', { goal: '/products/c' })).status).toBe(409);
    expect((await send('DELETE', '/api/sites/shop/goals?goal=%2Fproducts%2Fc')).status).toBe(409);
  });

  it('adds, lists, computes and removes goals', async () => {
    // The same store behind a collector without CJM_GOALS: only the API's goals.
    const { app: plain } = testApp(store);
    await checkGoals(
      (method, path, body) =>
        plain.request(path, {
          method,
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        }),
      period,
    );
  });

  it('writing needs the admin token; unknown parameters are refused', async () => {
    expect((await send('POST', '/api/sites/shop/goals', { goal: 'a' }, 'wrong-token-0123456789')).status).toBe(401);
    expect((await send('GET', `/api/sites/shop/goals?pathSteps=2`)).status).toBe(400);
    expect((await send('GET', `/api/sites/shop/goals.csv?table=people`)).status).toBe(400);
  });
});
