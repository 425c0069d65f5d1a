// The attribution scenario, runtime-neutral (no node:* import), shared by the Node test
// (test/collector/attribution.test.ts, SQLite) and the workerd one (test/workers/attribution.test.ts,
// D1): four people's visits as /collect batches, and the hand-computed figures both must answer.
import { expect } from 'vitest';
import type { AttributionReport, AttributionRow } from '../../collector/report/attribution';
import { UA } from './fixtures';

const DAY = 86_400_000;

/** One /collect request: its body and headers. */
export interface AttributionPost {
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

const buy = (value: number, txn: string) => ({
  type: 'checkout',
  name: 'purchase',
  props: { value, currency: 'EUR', transaction_id: txn },
});

/**
 * The scenario with day 0 six days before `now` (each batch is sent at `now`, so every ts is
 * kept): P1 social (day 0) → newsletter (day 3) → direct, buys 100 (day 5); P2 one visit from
 * Google, buys 50; P3 a paid-social visit that adds to cart, hits a JavaScript error and leaves; P4 an email visit with a
 * newsletter sign-up (day 1), then a direct purchase of 30 (day 1.5).
 */
export function attributionFixture(now: number): { posts: AttributionPost[]; from: number; to: number; at: (day: number) => number } {
  const at = (days: number) => now - 6 * DAY + days * DAY;
  let n = 0;
  const posts: AttributionPost[] = [];
  const visit = (visitor: string, session: string, day: number, url: string, more: Record<string, unknown>[] = [], referrer?: string) => {
    const ts = at(day);
    const base = { visitor, session, url };
    const events = [
      { id: `at${++n}`, type: 'pageview', name: new URL(url).pathname, ts, ...base, ...(referrer ? { referrer } : {}) },
      ...more.map((m, i) => ({ id: `at${++n}`, type: 'event', name: 'x', ts: ts + (i + 1) * 1000, ...base, ...m })),
    ];
    posts.push({ body: { site: 'shop', sent: now, events }, headers: { 'content-type': 'text/plain', 'user-agent': UA.chrome } });
  };
  visit('p1', 'p1a', 0, 'https://shop.example/blog/x?utm_source=twitter&utm_medium=social');
  visit('p1', 'p1b', 3, 'https://shop.example/products/a?utm_source=newsletter&utm_medium=email&utm_campaign=autumn');
  visit('p1', 'p1c', 5, 'https://shop.example/products/a', [buy(100, 'T1')]);
  visit('p2', 'p2a', 4, 'https://shop.example/products/b', [buy(50, 'T2')], 'https://www.google.com/');
  visit('p3', 'p3a', 2, 'https://shop.example/products/c?utm_source=facebook&utm_medium=cpc&utm_campaign=spring', [
    { type: 'checkout', name: 'add_to_cart' },
    { type: 'pain', name: 'js_error', props: { message: 'stock is undefined' } },
  ]);
  visit('p4', 'p4a', 1, 'https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=autumn', [
    { type: 'event', name: 'newsletter_signup' },
  ]);
  visit('p4', 'p4b', 1.5, 'https://shop.example/products/a', [buy(30, 'T3')]);
  return { posts, from: at(-1), to: now, at };
}

/** Credits of one model, rounded: name → [conversions, revenue]. */
export const credits = (rows: AttributionRow[], model: 'firstTouch' | 'lastTouch' | 'linear' | 'positionBased') =>
  Object.fromEntries(
    rows
      .filter((r) => r[model].conversions > 0)
      .map((r) => [r.name, [Math.round(r[model].conversions * 1e6) / 1e6, Math.round(r[model].revenue * 100) / 100]]),
  );

/** Every hand-computed figure of the purchases report with the default 30-day look-back. */
export function checkPurchases(r: AttributionReport): void {
  expect([r.conversions, r.revenue, r.currency, r.query.lookbackDays, r.query.goal]).toEqual([3, 180, 'EUR', 30, 'purchase']);
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
  expect(credits(r.byCampaign, 'firstTouch')).toEqual({
    'twitter / social / (not set)': [1, 100],
    'google.com / organic / (not set)': [1, 50],
    'newsletter / email / autumn': [1, 30],
  });
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
  expect(r.recent.map((c) => [c.visitor, c.value, c.touches.map((t) => t.channel)])).toEqual([
    ['p1', 100, ['organic social', 'email', 'direct']],
    ['p2', 50, ['organic search']],
    ['p4', 30, ['email', 'direct']],
  ]);
}
