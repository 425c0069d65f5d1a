// Two journey facts that used to come out wrong (issue 19): a refund resent under a new event
// id counted twice, and hash-routed views (`/app#/orders`) shared one touchpoint.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { JourneyReport } from '../../collector/report/types';
import type { Store } from '../../collector/store/types';
import { batch, event, NOW, post, rows, tempStore, testApp, TOKEN } from './helpers';

let store: Store;
let cleanup: () => Promise<void>;
beforeEach(() => ({ store, cleanup } = tempStore()));
afterEach(() => cleanup());

const report = async (app: ReturnType<typeof testApp>['app']) =>
  (await (
    await app.request(`/api/sites/shop/journey?from=${NOW - 86_400_000}&to=${NOW + 1}`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).json()) as JourneyReport;

it('a refund counts once per transaction_id and value, like a purchase per transaction_id', async () => {
  const { app } = testApp(store);
  const refund = (id: string, value: number) => event({ id, type: 'checkout', name: 'refund', props: { transaction_id: 'T-1', value } });
  const first = await post(
    app,
    batch([event({ id: 'buy', type: 'checkout', name: 'purchase', props: { transaction_id: 'T-1', value: 30 } }), refund('r1', 10)]),
  );
  expect(await first.json()).toEqual({ accepted: 2, duplicates: 0 });
  // The same refund again under new event ids (a resend, a server and a browser both sending it),
  // then a second, partial refund of another amount.
  const again = await post(app, batch([refund('r2', 10), refund('r3', 10), refund('r4', 5)]));
  expect(await again.json()).toEqual({ accepted: 1, duplicates: 2 });
  const stored = (await rows(store)).filter((r) => r.type === 'checkout');
  expect(stored.map((r) => [r.id, r.txn]).sort()).toEqual([
    ['buy', 'T-1'],
    ['r1', 'refund:T-1:10'],
    ['r4', 'refund:T-1:5'],
  ]);
  expect((await report(app)).funnel).toMatchObject({ refunds: 2, refunded: 15 });
});

it('hash-routed views are distinct touchpoints; an anchor is not a route', async () => {
  const { app } = testApp(store);
  const view = (hash: string, ts: number) => event({ name: '/app', url: `https://shop.example/app${hash}`, ts: NOW - 10_000 + ts });
  expect((await post(app, batch([view('#/orders', 0), view('#!/orders/42', 1), view('#reviews', 2), view('', 3)]))).status).toBe(202);
  const touchpoints = (await rows(store)).sort((a, b) => a.ts - b.ts).map((r) => r.touchpoint);
  expect(touchpoints).toEqual(['/app#/orders', '/app#!/orders/42', '/app', '/app']);
  const listed = (await report(app)).stages.flatMap((s) => s.touchpoints.map((t) => t.touchpoint)).sort();
  expect(listed).toEqual(['/app', '/app#!/orders/42', '/app#/orders']);
});
