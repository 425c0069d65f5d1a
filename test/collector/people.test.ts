// People (docs/report.md "People"): the list by current stage, the abandoned checkouts, one
// person's timeline across visits and browsers, and an erasure removing them at once — over the
// attribution scenario's four people plus a return visit, a second browser and a backstage event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeopleReport, PersonTimeline } from '../../collector/report/people';
import type { Store } from '../../collector/store/types';
import { attributionFixture } from './attribution-fixture';
import { batch, event, NOW, post, tempStore, testApp, TOKEN, UA } from './helpers';

let store: Store;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];
const fx = attributionFixture(NOW);
const auth = { headers: { authorization: `Bearer ${TOKEN}` } };

async function get<T>(path: string, status = 200): Promise<T> {
  const res = await app.request(path, auth);
  expect(res.status, await res.clone().text()).toBe(status);
  return (await res.json()) as T;
}
const people = (q = '') => get<PeopleReport>(`/api/sites/shop/people?from=${fx.from}&to=${fx.to}${q}`);

beforeAll(async () => {
  ({ store, cleanup } = tempStore());
  ({ app } = testApp(store));
  for (const p of fx.posts)
    expect((await app.request('/collect', { method: 'POST', body: JSON.stringify(p.body), headers: p.headers })).status).toBe(202);
  // With the token: the warehouse's server-side event names its channel.
  const send = async (events: ReturnType<typeof event>[]) =>
    expect((await post(app, batch(events), { 'user-agent': UA.chrome, authorization: `Bearer ${TOKEN}` })).status).toBe(202);
  // P2 comes back to the account page: a returning customer, in retention.
  await send([event({ visitor: 'p2', session: 'p2b', ts: fx.at(5.5), name: '/account', url: 'https://shop.example/account' })]);
  // P4 logs in on a phone too (same user id), and the warehouse ships the order (no visit).
  await send([
    event({
      visitor: 'p4',
      session: 'p4b',
      ts: fx.at(1.5) + 5000,
      type: 'identify',
      name: 'identify',
      user: 'u4',
      url: 'https://shop.example/products/a',
    }),
    event({ visitor: 'p4m', session: 'p4c', ts: fx.at(2), name: '/', url: 'https://shop.example/' }),
    event({
      visitor: 'p4m',
      session: 'p4c',
      ts: fx.at(2) + 1000,
      type: 'identify',
      name: 'identify',
      user: 'u4',
      url: 'https://shop.example/',
    }),
    event({
      visitor: 'p4m',
      session: 'p4c',
      ts: fx.at(2) + 2000,
      type: 'feedback',
      name: 'feedback',
      url: 'https://shop.example/',
      props: { score: 4, comment: '<b>fast</b> delivery' },
    }),
  ]);
  await send([
    event({
      visitor: undefined,
      session: undefined,
      user: 'u4',
      ts: fx.at(3),
      type: 'event',
      name: 'order_shipped',
      channel: 'fulfilment',
    }),
  ]);
});
afterAll(() => cleanup());

describe('the people of a period', () => {
  it('counts them by current stage (the furthest they reached ever)', async () => {
    const r = await people();
    expect(r.byStage).toEqual([
      { stage: 'awareness', people: 0 },
      { stage: 'consideration', people: 0 },
      { stage: 'decision', people: 3 }, // p1, p3 (added to cart), p4
      // p2, back on the account page; p4m, the phone P4 was identified on last, which the
      // warehouse's order_shipped for user u4 joins (docs/journey.md: server-side events)
      { stage: 'retention', people: 2 },
      { stage: 'advocacy', people: 0 },
    ]);
    expect(r.total).toBe(5);
    expect(r.people.map((p) => p.id)).toEqual(['p2', 'p1', 'p4m', 'p3', 'p4']); // latest seen first
  });

  it('gives each person their first touch, visits and purchases, and no user id', async () => {
    const r = await people('&stage=decision');
    expect(r.people.map((p) => p.id)).toEqual(['p1', 'p3', 'p4']);
    const p1 = r.people[0]!;
    expect(p1).toMatchObject({ stage: 'decision', visits: 3, purchases: 1, identified: false });
    expect(p1.firstTouch).toMatchObject({ channel: 'organic social', source: 'twitter', landing: '/blog/x', time: fx.at(0) });
    expect(r.people[2]).toMatchObject({ id: 'p4', identified: true });
    expect(JSON.stringify(r)).not.toContain('u4');
  });

  it('lists who abandoned a checkout, at which step', async () => {
    const r = await people('&abandoned=1');
    expect(r.total).toBe(1);
    expect(r.people.map((p) => [p.id, p.abandonedAt?.step])).toEqual([['p3', 'add_to_cart']]);
  });

  it('pages the list', async () => {
    expect((await people('&page=1')).people).toEqual([]);
    expect((await people('&page=1')).total).toBe(5);
  });

  it('as CSV', async () => {
    const res = await app.request(`/api/sites/shop/people.csv?from=${fx.from}&to=${fx.to}&stage=retention`, auth);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^p2,retention,,false,/);
    expect(lines[2]).toMatch(/^p4m,retention,,true,/);
  });

  it.each([
    ['stage=buying', 'stage'],
    ['abandoned=yes', 'abandoned'],
    ['page=-1', 'page'],
    ['channel=email', 'channel is not a parameter'],
  ])('400 for %s', async (q, message) => {
    expect((await get<{ error: string }>(`/api/sites/shop/people?${q}`, 400)).error).toContain(message);
  });
});

describe('one person’s timeline', () => {
  it('shows every visit of every browser linked by identify, in order, and the backstage lane', async () => {
    const t = await get<PersonTimeline>('/api/sites/shop/people/p4');
    expect(t.visitors).toEqual(['p4', 'p4m']);
    expect(t.stage).toBe('retention'); // the shipment, on p4m
    expect(t.visits.map((v) => [v.session, v.visitor, v.arrival.channel, v.arrival.landing])).toEqual([
      ['p4a', 'p4', 'email', '/'],
      ['p4b', 'p4', 'direct', '/products/a'],
      ['p4c', 'p4m', 'direct', '/'],
    ]);
    expect(t.visits[1]!.events.map((e) => [e.type, e.name, e.stage])).toEqual([
      ['pageview', '/products/a', 'consideration'],
      ['checkout', 'purchase', 'decision'],
      ['identify', 'identify', 'consideration'],
    ]);
    expect(t.visits[1]!.events[1]!.detail).toEqual({ value: 30, currency: 'EUR', transaction_id: 'T3' });
    expect(t.visits[2]!.events.find((e) => e.type === 'feedback')!.detail).toEqual({ score: 4, comment: '<b>fast</b> delivery' });
    expect(t.backstage.map((e) => [e.name, e.channel, e.stage])).toEqual([['order_shipped', 'fulfilment', 'retention']]);
  });

  it('404 for an unknown person, 400 for a malformed id', async () => {
    expect((await get<{ error: string }>('/api/sites/shop/people/nobody', 404)).error).toContain('no such person');
    await get('/api/sites/shop/people/%20bad%20', 400);
  });

  it('an erasure removes the person from the list and the timeline at once', async () => {
    const res = await app.request('/api/sites/shop/visitors/p4', { method: 'DELETE', ...auth });
    expect(res.status).toBe(200);
    await get('/api/sites/shop/people/p4', 404);
    await get('/api/sites/shop/people/p4m', 404);
    expect((await people()).people.map((p) => p.id)).toEqual(['p2', 'p1', 'p3']);
    expect(JSON.stringify(await people('&abandoned=1'))).toContain('p3');
  });
});
