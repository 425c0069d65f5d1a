// Attribution across visits (docs/report.md "Attribution"): every model's credits, the visits
// and days distributions, the look-back window and goals, computed by hand for four people who
// come in through POST /collect. The models' shares on their own in the first block.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shares } from '../../collector/report/attribution';
import type { AttributionReport } from '../../collector/report/attribution';
import type { CampaignReport } from '../../collector/report/campaigns';
import type { Store } from '../../collector/store/types';
import type { JourneyReport } from '../../collector/report/types';
import { attributionFixture, checkPurchases, credits } from './attribution-fixture';
import { batch, event, NOW, tempStore, testApp, TOKEN, UA } from './helpers';

describe('shares of one conversion', () => {
  it.each([
    ['firstTouch', 3, [1, 0, 0]],
    ['lastTouch', 3, [0, 0, 1]],
    ['linear', 4, [0.25, 0.25, 0.25, 0.25]],
    ['positionBased', 1, [1]],
    ['positionBased', 2, [0.5, 0.5]],
    ['positionBased', 3, [0.4, 0.2, 0.4]],
    ['positionBased', 4, [0.4, 0.1, 0.1, 0.4]],
  ] as const)('%s over %i visits', (model, n, want) => {
    const got = shares(model, n);
    expect(got.map((x) => Math.round(x * 1e9) / 1e9)).toEqual(want);
    expect(got.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});

let store: Store;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];
const fx = attributionFixture(NOW);

async function attribution(params = ''): Promise<AttributionReport> {
  const res = await app.request(`/api/sites/shop/attribution?from=${fx.from}&to=${fx.to}${params}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as AttributionReport;
}

beforeAll(async () => {
  ({ store, cleanup } = tempStore());
  ({ app } = testApp(store));
  for (const p of fx.posts) {
    const res = await app.request('/collect', { method: 'POST', body: JSON.stringify(p.body), headers: p.headers });
    expect(res.status, await res.clone().text()).toBe(202);
  }
});
afterAll(() => cleanup());

describe('purchases, 30-day look-back', () => {
  it('credits channels and campaigns under each model, with the visits and days to convert', async () => {
    checkPurchases(await attribution());
  });
});

describe('parameters', () => {
  it('a shorter look-back window leaves out older visits', async () => {
    const r = await attribution('&lookbackDays=3');
    expect(r.recent.find((c) => c.visitor === 'p1')!.touches.map((t) => t.channel)).toEqual(['email', 'direct']);
  });

  it('a custom event as the goal: each person once, credited to the visits before it', async () => {
    const r = await attribution('&goal=newsletter_signup');
    expect([r.conversions, r.revenue]).toEqual([1, 0]);
    expect(credits(r.byChannel, 'lastTouch')).toEqual({ email: [1, 0] });
  });

  it('a page as the goal', async () => {
    const r = await attribution('&goal=/blog/x');
    expect(r.conversions).toBe(1);
    expect(credits(r.byChannel, 'firstTouch')).toEqual({ 'organic social': [1, 0] });
  });

  it('CSV of every table, numbers rounded', async () => {
    const res = await app.request(`/api/sites/shop/attribution.csv?from=${fx.from}&to=${fx.to}&table=channels`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'channel,conversionsTouched,firstTouchConversions,firstTouchRevenue,lastTouchConversions,lastTouchRevenue,linearConversions,linearRevenue,positionBasedConversions,positionBasedRevenue',
    );
    expect(lines).toContain('email,2,1,30,0,0,0.8333,48.33,0.7,35');
  });

  it.each([
    ['lookbackDays=0', 'lookbackDays'],
    ['lookbackDays=400', 'lookbackDays'],
    ['channel=email', 'channel is not a parameter'],
    ['colour=red', 'unknown parameter'],
  ])('400 for %s', async (q, message) => {
    const res = await app.request(`/api/sites/shop/attribution?${q}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(message);
  });

  it('401 without the token', async () => {
    expect((await app.request('/api/sites/shop/attribution')).status).toBe(401);
  });
});

describe('campaigns', () => {
  it('compares the visits of each source / medium / campaign', async () => {
    const res = await app.request(`/api/sites/shop/campaigns?from=${fx.from}&to=${fx.to}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    const { rows } = (await res.json()) as CampaignReport;
    // name, visitors, visits, bounces, reached decision, purchases, revenue
    expect(rows.map((r) => [r.name, r.visitors, r.visits, r.bounces, r.reachedDecision, r.purchases, r.revenue])).toEqual([
      ['(direct) / (none) / (not set)', 2, 2, 0, 2, 2, 130], // P1's and P4's buying visits
      ['newsletter / email / autumn', 2, 2, 1, 0, 0, 0], // P1 bounced; P4 signed up for the newsletter
      ['facebook / cpc / spring', 1, 1, 0, 1, 0, 0], // P3 added to cart
      ['google.com / organic / (not set)', 1, 1, 0, 1, 1, 50],
      ['twitter / social / (not set)', 1, 1, 1, 0, 0, 0],
    ]);
    expect(rows[1]!.bounceRate).toBe(0.5);
  });

  it('by medium or browser, filtered, with the visits that hit a JavaScript error, and as CSV', async () => {
    const rowsOf = async (res: Response) => ((await res.json()) as CampaignReport).rows;
    const get = (q: string) =>
      app.request(`/api/sites/shop/campaigns?from=${fx.from}&to=${fx.to}${q}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const byMedium = (await (await get('&by=medium&channel=email')).json()) as CampaignReport;
    expect(byMedium.rows.map((r) => [r.name, r.visits])).toEqual([['email', 2]]);
    expect((await get('&by=colour')).status).toBe(400);
    const csv = await app.request(`/api/sites/shop/campaigns.csv?from=${fx.from}&to=${fx.to}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect((await csv.text()).split('\r\n')[2]).toBe('newsletter / email / autumn,2,2,1,0.5,0,0,0,0,0');
    const byBrowser = (await (await get('&by=browser')).json()) as CampaignReport;
    expect(byBrowser.rows.map((r) => [r.name, r.visits, r.purchases, r.errorVisits])).toEqual([['Chrome', 7, 3, 1]]);
    expect((await rowsOf(await get(''))).find((r) => r.name === 'facebook / cpc / spring')!.errorVisits).toBe(1);
  });
});

describe('custom events', () => {
  it('say how many of the people who sent one bought after it', async () => {
    const res = await app.request(`/api/sites/shop/journey?from=${fx.from}&to=${fx.to}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const r = (await res.json()) as JourneyReport;
    expect(r.customEvents).toEqual([{ name: 'newsletter_signup', events: 1, visitors: 1, boughtAfter: 1 }]); // P4, then its purchase
  });

  it('break down by property: the site-search terms', async () => {
    const send = (events: ReturnType<typeof event>[]) =>
      app.request('/collect', { method: 'POST', body: JSON.stringify(batch(events)), headers: { 'user-agent': UA.chrome } });
    expect(
      (
        await send([
          event({ visitor: 's1', session: 's1a', ts: fx.at(5), type: 'event', name: 'search', props: { term: 'tent' } }),
          event({ visitor: 's1', session: 's1a', ts: fx.at(5) + 1, type: 'event', name: 'search', props: { term: 'tent' } }),
          event({
            visitor: 's2',
            session: 's2a',
            ts: fx.at(5) + 2,
            type: 'event',
            name: 'search',
            props: { term: 'stove', items: [{ id: 'x' }] },
          }),
        ])
      ).status,
    ).toBe(202);
    const res = await app.request(`/api/sites/shop/custom-events/search?from=${fx.from}&to=${fx.to}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(await res.json()).toEqual({
      name: 'search',
      events: 3,
      props: [
        {
          key: 'term',
          events: 3,
          values: [
            { value: 'tent', events: 2, visitors: 1 },
            { value: 'stove', events: 1, visitors: 1 },
          ],
        },
      ],
    });
  });
});
