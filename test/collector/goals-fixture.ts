// The goals of the attribution scenario (attribution-fixture.ts), runtime-neutral so the Node
// test (SQLite) and the workerd one (D1) check the same hand-computed figures and API answers.
import { expect } from 'vitest';
import type { GoalsReport } from '../../collector/report/goals';

type Send = (method: string, path: string, body?: unknown) => Response | Promise<Response>;

/**
 * Adds, lists and removes goals through the API and checks every figure:
 * P1 blog (day 0, awareness) → /products/a (day 3, p1b autumn; day 5, buys); P2 /products/b
 * buys (day 4); P3 /products/c, add to cart (day 2); P4 / (day 1, awareness) + newsletter_signup
 * (day 1 + 1 s, awareness) → /products/a, buys (day 1.5). Period: day −1 to now: 4 people.
 */
export async function checkGoals(send: Send, period: string): Promise<void> {
  const list = async (q = '') => {
    const res = await send('GET', `/api/sites/shop/goals?${period}${q}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as GoalsReport;
  };
  expect((await send('POST', '/api/sites/shop/goals', { goal: 'newsletter_signup', label: 'Newsletter <b>sign-up</b>' })).status).toBe(201);
  expect((await send('POST', '/api/sites/shop/goals', { goal: '/products/a' })).status).toBe(201);
  // Adding it again relabels it (200), not a second goal.
  const again = await send('POST', '/api/sites/shop/goals', { goal: '/products/a', label: 'Product A' });
  expect([again.status, await again.json()]).toEqual([200, { goal: '/products/a', label: 'Product A', declared: 'api' }]);

  const r = await list();
  expect(r.visitors).toBe(4);
  const byGoal = Object.fromEntries(r.goals.map((g) => [g.goal, g]));
  expect(Object.keys(byGoal)).toEqual(['/products/a', 'newsletter_signup']); // by name
  const sign = byGoal.newsletter_signup!;
  expect([sign.label, sign.kind, sign.declared, sign.conversions, sign.events, sign.conversionRate]).toEqual([
    'Newsletter <b>sign-up</b>',
    'event',
    'api',
    1,
    1,
    0.25,
  ]);
  // reached stage → did goal: P4 was in awareness first (1 of the 2 there); in consideration and
  // decision only after signing up.
  expect(sign.stages.map((s) => [s.stage, s.reached, s.thenGoal, s.rate])).toEqual([
    ['awareness', 2, 1, 0.5],
    ['consideration', 4, 0, 0],
    ['decision', 4, 0, 0],
    ['retention', 0, 0, null],
    ['advocacy', 0, 0, null],
  ]);
  const page = byGoal['/products/a']!;
  expect([page.label, page.kind, page.conversions, page.events, page.conversionRate]).toEqual(['Product A', 'page', 2, 3, 0.5]); // P1 (twice) and P4
  // P1 and P4 were in awareness before; in consideration with that very page view; in decision after.
  expect(page.stages.slice(0, 3).map((s) => [s.stage, s.reached, s.thenGoal, s.rate])).toEqual([
    ['awareness', 2, 2, 1],
    ['consideration', 4, 2, 0.5],
    ['decision', 4, 0, 0],
  ]);
  // With a campaign filter only the autumn visits count: P1's p1b, P4's p4a.
  const autumn = Object.fromEntries((await list('&campaign=autumn')).goals.map((g) => [g.goal, [g.conversions, g.conversionRate]]));
  expect(autumn).toEqual({ newsletter_signup: [1, 0.5], '/products/a': [1, 0.5] });

  // CSV, both tables.
  const csv = await (await send('GET', `/api/sites/shop/goals.csv?${period}`)).text();
  expect(csv).toBe(
    'goal,label,kind,declared,conversions,events,conversionRate\r\n/products/a,Product A,page,api,2,3,0.5\r\nnewsletter_signup,Newsletter <b>sign-up</b>,event,api,1,1,0.25\r\n',
  );
  const stages = await (await send('GET', `/api/sites/shop/goals.csv?${period}&table=stages`)).text();
  expect(stages.split('\r\n').slice(0, 3)).toEqual([
    'goal,stage,reached,thenGoal,rate',
    '/products/a,awareness,2,2,1',
    '/products/a,consideration,4,2,0.5',
  ]);

  // Bad input: a clear 400 naming the field; nothing stored.
  for (const [body, field] of [
    [{ goal: '' }, 'goal'],
    [{ goal: 'purchase' }, 'goal'],
    [{ goal: 'x'.repeat(201) }, 'goal'],
    [{ goal: 'ok', label: 7 }, 'label'],
    [{ goal: 'ok', colour: 'red' }, 'colour'],
    ['not json', 'body'],
  ] as const) {
    const res = await send('POST', '/api/sites/shop/goals', body);
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(((await res.json()) as { error: string }).error.startsWith(field)).toBe(true);
  }
  expect((await list()).goals.length).toBe(2);

  // Removal: 204, then 404; the list follows.
  expect((await send('DELETE', '/api/sites/shop/goals?goal=%2Fproducts%2Fa')).status).toBe(204);
  expect((await send('DELETE', '/api/sites/shop/goals?goal=%2Fproducts%2Fa')).status).toBe(404);
  expect((await list()).goals.map((g) => g.goal)).toEqual(['newsletter_signup']);
  expect((await send('DELETE', '/api/sites/shop/goals?goal=newsletter_signup')).status).toBe(204);
}
