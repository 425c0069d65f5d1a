// Attribution across visits (docs/report.md "Attribution"): every model's credits, the visits
// and days distributions, the look-back window and goals, computed by hand for four people who
// come in through POST /collect. The models' shares on their own in the first block.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shares } from '../../collector/report/attribution';
import type { AttributionReport, AttributionRow } from '../../collector/report/attribution';
import type { Store } from '../../collector/store/types';
import { batch, event, NOW, post, tempStore, testApp, TOKEN, UA } from './helpers';

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

const DAY = 86_400_000;
const at = (days: number) => NOW - 6 * DAY + days * DAY; // day 0 is six days before NOW
let store: Store;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];

/** One visit of `visitor`: a page view (url with tags, referrer) and optional further events. */
async function visit(visitor: string, session: string, day: number, url: string, more: Record<string, unknown>[] = [], referrer?: string) {
  const ts = at(day);
  const events = [
    event({ visitor, session, ts, name: new URL(url).pathname, url, referrer }),
    ...more.map((m, i) => event({ visitor, session, ts: ts + (i + 1) * 1000, url, ...m })),
  ];
  // Sent when it happened: the server clock is pinned at NOW, so `sent` = NOW keeps each ts.
  const res = await post(app, batch(events), { 'user-agent': UA.chrome });
  expect(res.status, await res.clone().text()).toBe(202);
}
const buy = (value: number, txn: string) => ({ type: 'checkout', name: 'purchase', props: { value, currency: 'EUR', transaction_id: txn } });

async function attribution(params = ''): Promise<AttributionReport> {
  const res = await app.request(`/api/sites/shop/attribution?from=${at(-1)}&to=${NOW}${params}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as AttributionReport;
}
const credits = (rows: AttributionRow[], model: 'firstTouch' | 'lastTouch' | 'linear' | 'positionBased') =>
  Object.fromEntries(rows.filter((r) => r[model].conversions > 0).map((r) => [r.name, [Math.round(r[model].conversions * 1e6) / 1e6, Math.round(r[model].revenue * 100) / 100]]));

beforeAll(async () => {
  ({ store, cleanup } = tempStore());
  ({ app } = testApp(store));
  // P1: social (day 0) → newsletter (day 3) → direct, buys 100 (day 5).
  await visit('p1', 'p1a', 0, 'https://shop.example/blog/x?utm_source=twitter&utm_medium=social');
  await visit('p1', 'p1b', 3, 'https://shop.example/products/a?utm_source=newsletter&utm_medium=email&utm_campaign=autumn');
  await visit('p1', 'p1c', 5, 'https://shop.example/products/a', [buy(100, 'T1')]);
  // P2: one visit from Google, buys 50 the same day.
  await visit('p2', 'p2a', 4, 'https://shop.example/products/b', [buy(50, 'T2')], 'https://www.google.com/');
  // P3: a paid-social visit that adds to cart and leaves: no conversion, no credit.
  await visit('p3', 'p3a', 2, 'https://shop.example/products/c?utm_source=facebook&utm_medium=cpc&utm_campaign=spring', [{ type: 'checkout', name: 'add_to_cart' }]);
  // P4: an email visit on day 1 that signs up for the newsletter (a goal), a direct purchase of 30 on day 1.5.
  await visit('p4', 'p4a', 1, 'https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=autumn', [{ type: 'event', name: 'newsletter_signup' }]);
  await visit('p4', 'p4b', 1.5, 'https://shop.example/products/a', [buy(30, 'T3')]);
});
afterAll(() => cleanup());

describe('purchases, 30-day look-back', () => {
  let r: AttributionReport;
  beforeAll(async () => {
    r = await attribution();
  });

  it('counts the conversions and their value', () => {
    expect([r.conversions, r.revenue, r.currency, r.query.lookbackDays, r.query.goal]).toEqual([3, 180, 'EUR', 30, 'purchase']);
  });

  it('credits channels under each model', () => {
    // P1 [organic social, email, direct] 100 · P2 [organic search] 50 · P4 [email, direct] 30
    expect(credits(r.byChannel, 'firstTouch')).toEqual({ 'organic social': [1, 100], 'organic search': [1, 50], email: [1, 30] });
    expect(credits(r.byChannel, 'lastTouch')).toEqual({ direct: [2, 130], 'organic search': [1, 50] });
    expect(credits(r.byChannel, 'linear')).toEqual({
      'organic social': [0.333333, 33.33],
      email: [0.833333, 48.33], // 1/3 of P1 + 1/2 of P4: 33.33 + 15
      direct: [0.833333, 48.33],
      'organic search': [1, 50],
    });
    expect(credits(r.byChannel, 'positionBased')).toEqual({
      'organic social': [0.4, 40],
      email: [0.7, 35], // 0.2 of P1 (20) + 0.5 of P4 (15)
      direct: [0.9, 55], // 0.4 of P1 (40) + 0.5 of P4 (15)
      'organic search': [1, 50],
    });
    expect(r.byChannel.find((x) => x.name === 'email')!.touched).toBe(2);
    expect(r.byChannel.some((x) => x.name === 'paid social')).toBe(false); // P3 did not buy
  });

  it('credits campaigns as source / medium / campaign', () => {
    expect(credits(r.byCampaign, 'firstTouch')).toEqual({
      'twitter / social / (not set)': [1, 100],
      'google.com / organic / (not set)': [1, 50],
      'newsletter / email / autumn': [1, 30],
    });
  });

  it('gives the visits and the days to convert as distributions, with mean and median', () => {
    expect(r.visitsToConvert.buckets).toEqual([
      { label: '1', count: 1 },
      { label: '2', count: 1 },
      { label: '3', count: 1 },
      { label: '4–6', count: 0 },
      { label: '7+', count: 0 },
    ]);
    expect([r.visitsToConvert.mean, r.visitsToConvert.median]).toEqual([2, 2]);
    // P1 5 days (+1 s: the purchase is a second after its page view), P2 and P4 within a day.
    expect(r.daysToConvert.buckets.map((b) => b.count)).toEqual([2, 1, 0, 0, 0]);
    expect(r.daysToConvert.median).toBeCloseTo(0.5, 4);
  });

  it('lists the latest conversions with their paths', () => {
    expect(r.recent.map((c) => [c.visitor, c.value, c.touches.map((t) => t.channel)])).toEqual([
      ['p1', 100, ['organic social', 'email', 'direct']],
      ['p2', 50, ['organic search']],
      ['p4', 30, ['email', 'direct']],
    ]);
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
    const res = await app.request(`/api/sites/shop/attribution.csv?from=${at(-1)}&to=${NOW}&table=channels`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('channel,conversionsTouched,firstTouchConversions,firstTouchRevenue,lastTouchConversions,lastTouchRevenue,linearConversions,linearRevenue,positionBasedConversions,positionBasedRevenue');
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
