// The campaign-map figures of the attribution scenario (attribution-fixture.ts), runtime-neutral
// so the Node test (SQLite) and the workerd one (D1) check the same hand-computed values.
import { expect } from 'vitest';
import type { JourneyReport } from '../../collector/report/types';

type Get = (path: string) => Response | Promise<Response>;
type Journey = (params?: string) => Promise<JourneyReport>;

/** GET a journey report, asserting a 200. */
export async function journeyOf(get: Get, path: string): Promise<JourneyReport> {
  const res = await get(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as JourneyReport;
}

/**
 * The visits: P1 twitter (p1a /blog/x) → newsletter/email/autumn (p1b /products/a) → direct buy
 * (p1c /products/a); P2 google (p2a /products/b, buys); P3 facebook/cpc/spring (p3a /products/c,
 * add to cart); P4 newsletter/email/autumn (p4a /, sign-up) → direct buy (p4b /products/a).
 */
export async function checkCampaignMap(journey: Journey): Promise<void> {
  const figures = (r: JourneyReport) => [r.totals.visitors, r.totals.sessions, r.totals.purchases];
  // Filters keep the visits whose sessions row has the value.
  expect(figures(await journey('&campaign=autumn'))).toEqual([2, 2, 0]); // p1b p4a
  expect(figures(await journey('&source=newsletter&medium=email'))).toEqual([2, 2, 0]);
  expect(figures(await journey('&campaign=spring'))).toEqual([1, 1, 0]); // p3a
  expect(figures(await journey('&source=twitter&medium=social'))).toEqual([1, 1, 0]); // p1a
  expect(figures(await journey('&source=(direct)'))).toEqual([2, 2, 2]); // p1c p4b
  expect((await journey('&source=(direct)')).totals.revenue).toBe(130);
  expect(figures(await journey('&campaign=autumn&source=facebook'))).toEqual([0, 0, 0]);
  expect(figures(await journey('&content=banner'))).toEqual([0, 0, 0]);

  // Top campaign per touchpoint: the campaign with the most people there; share: its visits of the touchpoint's visits.
  // Page views are in awareness (/ and /blog/x) or consideration (product pages); the checkout
  // events on a product page (add to cart, purchase) in decision.
  const all = await journey();
  const top = (stage: string, touchpoint: string) =>
    all.stages.find((s) => s.stage === stage)!.touchpoints.find((t) => t.touchpoint === touchpoint)?.topCampaign;
  expect(top('consideration', '/products/a')).toEqual({ name: 'autumn', visitors: 1, visits: 1, share: 1 / 3 }); // p1b of p1b, p1c, p4b
  expect(top('awareness', '/')).toEqual({ name: 'autumn', visitors: 1, visits: 1, share: 1 }); // p4a
  expect(top('consideration', '/products/c')).toEqual({ name: 'spring', visitors: 1, visits: 1, share: 1 });
  expect(top('decision', '/products/c')).toEqual({ name: 'spring', visitors: 1, visits: 1, share: 1 }); // p3a's add to cart
  expect(top('decision', '/products/a')).toBeNull(); // p1c and p4b, both direct
  expect(top('awareness', '/blog/x')).toBeNull(); // twitter without a campaign
  expect(top('consideration', '/products/b')).toBeNull();
  // Filtered to the campaign, its people at /products/a all came with it.
  const autumn = (await journey('&campaign=autumn')).stages.find((s) => s.stage === 'consideration')!.touchpoints;
  expect(autumn.map((t) => [t.touchpoint, t.sessions, t.topCampaign])).toEqual([
    ['/products/a', 1, { name: 'autumn', visitors: 1, visits: 1, share: 1 }],
  ]);
}
