// Stages over time (docs/report.md "overTime"): the daily buckets are checked by hand in the
// journey fixture (report.test.ts); here the weekly ones of a long period, and the CSV, for the
// attribution scenario (attribution-fixture.ts: four people over six days).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitOf } from '../../collector/report/over-time';
import type { JourneyReport } from '../../collector/report/types';
import type { Store } from '../../collector/store/types';
import { attributionFixture } from './attribution-fixture';
import { NOW, tempStore, testApp, TOKEN } from './helpers';

const DAY = 86_400_000;
let store: Store;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];
const fx = attributionFixture(NOW);
const get = (path: string) => app.request(path, { headers: { authorization: `Bearer ${TOKEN}` } });

/** The Monday (UTC, YYYY-MM-DD) of the week of `ms`, by the calendar. */
const mondayOf = (ms: number) => {
  const d = new Date(ms);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
};

beforeAll(async () => {
  ({ store, cleanup } = tempStore());
  ({ app } = testApp(store));
  for (const p of fx.posts)
    expect((await app.request('/collect', { method: 'POST', body: JSON.stringify(p.body), headers: p.headers })).status).toBe(202);
});
afterAll(() => cleanup());

describe('overTime', () => {
  it('is daily up to 90 days and weekly beyond', () => {
    expect(unitOf(0, 90 * DAY)).toBe('day');
    expect(unitOf(0, 90 * DAY + 1)).toBe('week');
  });

  it('buckets a 120-day period by Monday weeks, every week listed, the figures adding up', async () => {
    const from = NOW - 120 * DAY;
    const r = (await (await get(`/api/sites/shop/journey?from=${from}&to=${NOW}`)).json()) as JourneyReport;
    const { unit, buckets } = r.overTime;
    expect(unit).toBe('week');
    expect(buckets[0]!.start).toBe(mondayOf(from));
    expect(buckets.at(-1)!.start).toBe(mondayOf(NOW - 1));
    for (let i = 1; i < buckets.length; i++) expect(Date.parse(buckets[i]!.start) - Date.parse(buckets[i - 1]!.start)).toBe(7 * DAY);
    expect(buckets.every((b) => new Date(`${b.start}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
    expect(buckets.reduce((n, b) => n + b.visits, 0)).toBe(r.totals.sessions); // 7 visits
    expect(buckets.reduce((n, b) => n + b.purchases, 0)).toBe(3);
    expect(buckets.reduce((n, b) => n + b.revenue, 0)).toBe(180);
    // P1's purchase of 100 (day 5) is in its week, by the calendar.
    const week = buckets.find((b) => b.start === mondayOf(fx.at(5)))!;
    const inWeek = [fx.at(1.5), fx.at(4), fx.at(5)].filter((t) => mondayOf(t) === week.start).length;
    expect(week.purchases).toBe(inWeek);
    // Reach never exceeds 1 and never rises stage by stage; a week with people has awareness' reach 1
    // only when every one of them reached a stage (they all did: every visit has a page view).
    for (const b of buckets) {
      const reach = b.stages.map((s) => s.reach ?? 0);
      for (let i = 1; i < reach.length; i++) expect(reach[i]).toBeLessThanOrEqual(reach[i - 1]!);
      if (b.people) expect(b.stages[0]!.reach).toBe(1);
      else expect(b.stages.every((s) => s.reach === null && s.reached === 0)).toBe(true);
    }
    // Every person is in the journey in some week; the weeks' people together are at least the period's.
    expect(buckets.reduce((n, b) => n + b.people, 0)).toBeGreaterThanOrEqual(r.totals.visitors);
  });

  it('the daily buckets of the six days: purchases on their days, decision reached by the buyers and P3', async () => {
    const r = (await (await get(`/api/sites/shop/journey?from=${fx.from}&to=${fx.to}`)).json()) as JourneyReport;
    expect(r.overTime.unit).toBe('day');
    const on = (day: number) => r.overTime.buckets.find((b) => b.start === new Date(fx.at(day)).toISOString().slice(0, 10))!;
    // Day 5: P1's direct visit and purchase of 100 (consideration, decision).
    expect([on(5).purchases, on(5).revenue, on(4).purchases, on(4).revenue]).toEqual([1, 100, 1, 50]); // P1's 100, P2's 50, a day apart
    expect(r.overTime.buckets.reduce((n, b) => n + b.purchases, 0)).toBe(3);
    const decided = r.overTime.buckets.reduce((n, b) => n + b.stages[2]!.reached, 0);
    expect(decided).toBe(4); // P1, P2, P3 (add to cart), P4 — each on one day
  });

  it('the CSV has one row per bucket and three columns per stage', async () => {
    const text = await (await get(`/api/sites/shop/journey.csv?from=${fx.from}&to=${fx.to}&table=overTime`)).text();
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'start,unit,visitors,visits,purchases,revenue,people,awareness reached,awareness reachedOrLater,awareness reach,consideration reached,consideration reachedOrLater,consideration reach,decision reached,decision reachedOrLater,decision reach,retention reached,retention reachedOrLater,retention reach,advocacy reached,advocacy reachedOrLater,advocacy reach',
    );
    expect(lines.length).toBe(1 + Math.floor((fx.to - 1) / DAY) - Math.floor(fx.from / DAY) + 1);
    expect(lines.slice(1).every((l) => l.split(',')[1] === 'day')).toBe(true);
  });
});
