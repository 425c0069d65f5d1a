// Paths per person across visits (docs/report.md "Paths per person") on the attribution scenario
// (attribution-fixture.ts), runtime-neutral: the Node test (SQLite) and the workerd one (D1).
import { expect } from 'vitest';
import type { PersonPaths } from '../../collector/report/person-paths';

const NEXT = '(next visit)';

/**
 * P1: /blog/x | /products/a | /products/a (its purchase there merged); P2: /products/b (and its
 * purchase); P3: /products/c (add to cart there); P4: / (sign-up there) | /products/a.
 */
export async function checkPersonPaths(get: (query: string) => Response | Promise<Response>): Promise<void> {
  const json = async (q: string) => {
    const res = await get(q);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as PersonPaths;
  };
  const all = await json('');
  expect(all.visitBoundary).toBe(NEXT);
  expect(all.people).toBe(4);
  expect(all.sequences).toEqual([
    { steps: ['/', NEXT, '/products/a'], people: 1 },
    { steps: ['/blog/x', NEXT, '/products/a', NEXT, '/products/a'], people: 1 },
    { steps: ['/products/b'], people: 1 },
    { steps: ['/products/c'], people: 1 },
  ]);
  // The Sankey shows the boundary as a node of its own at each step it falls on.
  expect(all.nodes.filter((n) => n.touchpoint === NEXT).map((n) => n.name)).toEqual(['2. (next visit)', '4. (next visit)']);
  // From a touchpoint, 3 steps: P1 across its visits.
  expect((await json('&pathFrom=/blog/x&pathSteps=3')).sequences).toEqual([{ steps: ['/blog/x', NEXT, '/products/a'], people: 1 }]);
  // Up to /products/a: P1 (the first time, in its second visit) and P4.
  expect((await json('&pathTo=/products/a')).sequences).toEqual([
    { steps: ['/', NEXT, '/products/a'], people: 1 },
    { steps: ['/blog/x', NEXT, '/products/a'], people: 1 },
  ]);
  // A filter keeps the visits that match it: P1's and P4's email visits only.
  expect((await json('&channel=email')).sequences.map((s) => s.steps)).toEqual([['/'], ['/products/a']]);
  const csv = await (await get('&csv')).text();
  expect(csv.split('\r\n').slice(0, 3)).toEqual([
    'path,visits,people',
    '/ > (next visit) > /products/a,2,1',
    '/blog/x > (next visit) > /products/a > (next visit) > /products/a,3,1',
  ]);
}
