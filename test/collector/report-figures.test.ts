// Figures that read right (issue 13): on a written script of people who enter the journey at
// different stages, buy in one visit or over several, come back, review or refer, the report
// must never show a reach above 100 %, must give decision's completion as buyers ÷ deciders,
// a checkout funnel that never widens (with repeated and skipped steps, by visits and by
// people), revenue per currency, each person's current stage, and no "-0". Every event carries
// its stage explicitly, so the figures test the report, not the stage inference at ingest.
// The old definitions fail here: reach was visitors ÷ the first stage's visitors (150 % for
// consideration below), decision's conversion was "also reached retention" (1 / 3, not 2 / 3),
// and the funnel counted each step's own visits (purchase 3 after begin_checkout 2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pct } from '../../collector/dashboard/format';
import { reportCsv } from '../../collector/report/csv';
import type { JourneyReport } from '../../collector/report/types';
import type { SqlStore } from '../../collector/store/types';
import { journeyReport as sample } from '../fixtures/journey-report';
import { TOKEN, post, tempStore, testApp } from './helpers';
import { FIGURES_EXPECTED as X, figuresEvents, PEOPLE } from './figures-fixture';
import { closeDiff } from './journey-fixture';

const auth = { Authorization: `Bearer ${TOKEN}` };
const MIN = 60_000;
const HOUR = 60 * MIN;
const D = Date.UTC(2025, 0, 13); // the day before the helpers' pinned clock
const EVENTS = figuresEvents(D);

let store: SqlStore;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];
const period = `from=${D}&to=${D + 24 * HOUR}&minSessions=1`;

async function report(query = ''): Promise<JourneyReport> {
  const res = await app.request(`/api/sites/shop/journey?${period}${query}`, { headers: auth });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as JourneyReport;
}

beforeAll(async () => {
  ({ store, cleanup } = tempStore());
  ({ app } = testApp(store));
  // One batch per person, so each is stored whole before the next.
  for (const who of PEOPLE) {
    const res = await post(app, { site: 'shop', events: EVENTS.filter((e) => e.visitor === who) });
    expect(res.status, await res.clone().text()).toBe(202);
  }
});
afterAll(async () => cleanup());

describe('stage figures on people who enter mid-journey', () => {
  it('reach counts this stage or a later one over everyone, never above 100 %', async () => {
    const r = await report();
    expect(r.totals.visitors).toBe(7);
    const by = (k: keyof JourneyReport['stages'][number]) => r.stages.map((s) => s[k]);
    expect(by('visitors')).toEqual(X.visitors); // [2, 3, 3, 3, 2]
    // Old reach: visitors ÷ awareness's 2 → consideration 150 %.
    expect(by('reachedOrLater')).toEqual(X.reachedOrLater);
    expect(closeDiff(by('reach'), [1, 1, 6 / 7, 4 / 7, 2 / 7])).toBeNull();
    for (const s of r.stages) expect(s.reach!, s.stage).toBeLessThanOrEqual(1);
    // Reach never grows along the journey.
    for (let i = 1; i < r.stages.length; i++) expect(r.stages[i]!.reach!).toBeLessThanOrEqual(r.stages[i - 1]!.reach!);
  });

  it('entered the journey here: the stage of each person’s first event in the period', async () => {
    const r = await report();
    // P4 aw; P2, P5 co; P3 de; P6, P8 re; P7 ad
    expect(r.stages.map((s) => s.entered)).toEqual([1, 2, 1, 2, 1]);
    expect(r.stages.reduce((sum, s) => sum + s.entered, 0)).toBe(r.totals.visitors);
    expect(
      closeDiff(
        r.stages.map((s) => s.enteredShare),
        [1 / 7, 2 / 7, 1 / 7, 2 / 7, 1 / 7],
      ),
    ).toBeNull();
  });

  it('completion means what finishing each stage means; decision is buyers ÷ deciders', async () => {
    const r = await report();
    expect(r.stages.map((s) => s.completionMeans)).toEqual(['next-stage', 'next-stage', 'purchase', 'repeat-or-return', 'referral']);
    // aw: P4 P5 both went further; co: P4 P5 of P2 P4 P5; de: P4 P5 bought, P3 did not;
    // re: P5 came back (s5d after s5c), P6 bought in retention, P8 neither; ad: P8 shared, P7 only reviewed.
    expect(r.stages.map((s) => s.completed)).toEqual([2, 2, 2, 2, 1]);
    expect(
      closeDiff(
        r.stages.map((s) => s.completion),
        [1, 2 / 3, 2 / 3, 2 / 3, 1 / 2],
      ),
    ).toBeNull();
    expect(
      closeDiff(
        r.stages.map((s) => s.dropOff),
        [0, 1 / 3, 1 / 3, 1 / 3, 1 / 2],
      ),
    ).toBeNull();
    // Decision: deciders with a purchase in the period ÷ deciders (P6 bought in retention without deciding).
    const deciders = ['P3', 'P4', 'P5'];
    const buyers = ['P4', 'P5', 'P6'];
    const decision = r.stages.find((s) => s.stage === 'decision')!;
    expect(decision.completion).toBeCloseTo(deciders.filter((p) => buyers.includes(p)).length / deciders.length, 12);
    expect(decision.conversion).toBe(decision.completion); // the old name, same figure
  });

  it('targets on conversion (the old name) and on completion measure completion', async () => {
    const targets = [
      { stage: 'decision', metric: 'conversion' as const, min: 0.5 },
      { stage: 'advocacy', metric: 'completion' as const, max: 0.4 },
    ];
    const { app: a } = testApp(store, { config: { adminToken: TOKEN, targets } });
    const res = await a.request(`/api/sites/shop/journey?${period}`, { headers: auth });
    const r = (await res.json()) as JourneyReport;
    expect(
      closeDiff(r.targets, [
        { stage: 'decision', metric: 'conversion', min: 0.5, measured: 2 / 3, met: true, gap: 2 / 3 - 0.5 },
        { stage: 'advocacy', metric: 'completion', max: 0.4, measured: 1 / 2, met: false, gap: 0.1 },
      ]),
    ).toBeNull();
  });

  it('a stage list that is not the default five: next stage or later, none for the last', async () => {
    const stages = ['awareness', 'consideration', 'decision', 'retention', 'advocacy', 'fandom'];
    const { app: a } = testApp(store, { config: { adminToken: TOKEN, stages } });
    const r = (await (await a.request(`/api/sites/shop/journey?${period}`, { headers: auth })).json()) as JourneyReport;
    expect(r.stages.map((s) => s.completionMeans)).toEqual(['next-stage', 'next-stage', 'purchase', 'repeat-or-return', 'referral', null]);
    expect(r.stages.at(-1)).toMatchObject({ visitors: 0, completion: null, dropOff: null, reach: 0 });
  });

  it('where people are now: the furthest stage each ever reached', async () => {
    const r = await report();
    // P2 co; P3 P4 de; P5 P6 re; P7 P8 ad
    expect(r.currentStages.map((c) => [c.stage, c.visitors])).toEqual([
      ['awareness', 0],
      ['consideration', 1],
      ['decision', 2],
      ['retention', 2],
      ['advocacy', 2],
    ]);
    // Filterable like the rest: the email visit is P6's.
    const email = await report('&channel=email');
    expect(email.currentStages.map((c) => c.visitors)).toEqual([0, 0, 0, 1, 0]);
  });
});

describe('checkout funnel', () => {
  it('never widens: a step counts the visits that reached it or a later one', async () => {
    const r = await report();
    expect(r.funnel.by).toBe('visits');
    // s3 add_to_cart; s4 all (add_to_cart twice); s5a view_item; s5b begin_checkout, purchase; s6 purchase
    expect(r.funnel.steps.map((s) => [s.step, s.reached, s.withStep, s.lost])).toEqual([
      ['view_item', 5, 2, null],
      ['add_to_cart', 4, 2, 1], // s5a stopped after viewing
      ['begin_checkout', 3, 2, 1], // s3 stopped after adding
      ['purchase', 3, 3, 0],
    ]);
    for (const [i, s] of r.funnel.steps.entries()) {
      if (i > 0) expect(s.reached).toBeLessThanOrEqual(r.funnel.steps[i - 1]!.reached);
      expect(s.dropOff ?? 0).toBeGreaterThanOrEqual(0);
      expect(s.fromStart!).toBeLessThanOrEqual(1);
    }
  });

  it('by people: a person counts once per step, over all their visits', async () => {
    const r = await report('&funnelBy=people');
    expect(r.query.funnelBy).toBe('people');
    expect(r.funnel.by).toBe('people');
    // P3 add_to_cart; P4 all; P5 view_item, begin_checkout, purchase (two visits); P6 purchase
    expect(r.funnel.steps.map((s) => [s.step, s.reached, s.withStep, s.lost])).toEqual([
      ['view_item', 4, 2, null],
      ['add_to_cart', 4, 2, 0],
      ['begin_checkout', 3, 2, 1],
      ['purchase', 3, 3, 0],
    ]);
    // P4: add_to_cart 1 min after view_item (its first add, not the repeat).
    expect(r.funnel.steps[1]!.medianMsFromPrevious).toBe(MIN);
    // Abandoned carts stay per visit: s3.
    expect(r.funnel.abandoned).toBe(1);
  });

  it('refuses an unknown unit', async () => {
    const res = await app.request(`/api/sites/shop/journey?${period}&funnelBy=carts`, { headers: auth });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('funnelBy: "carts" is not one of visits, people');
  });
});

describe('revenue and its currency', () => {
  it('several currencies are listed apart, not added into one', async () => {
    const r = await report();
    expect(r.currency).toBeNull();
    expect(r.funnel.revenueByCurrency).toEqual([
      { currency: 'EUR', purchases: 2, revenue: 150 }, // 'eur' and 'EUR' are one currency
      { currency: 'USD', purchases: 1, revenue: 30 },
    ]);
    const csv = await (await app.request(`/api/sites/shop/journey.csv?${period}&table=totals`, { headers: auth })).text();
    expect(csv).toContain('\r\ncurrency,several\r\nrevenue EUR,150\r\nrevenue USD,30\r\n');
  });

  it('one currency is named', async () => {
    const r = await report('&channel=email');
    expect(r.currency).toBe('USD');
    expect(r.totals.revenue).toBe(30);
  });
});

describe('no "-0"', () => {
  it('the dashboard prints a rate that rounds to zero as 0 %, never -0 %', () => {
    for (const x of [-0, -0.00001, -0.0004, -0.00049]) expect(pct(x)).toBe('0 %');
    expect(pct(-0.0006)).toBe('-0.1 %');
    expect(pct(-0.25)).toBe('-25 %');
  });

  it('the CSV rounds rates to 4 decimals, money to 2, ms to whole numbers, and never writes -0', () => {
    const r = structuredClone(sample) as JourneyReport;
    r.stages[0]!.completion = -0.00001;
    r.stages[0]!.dropOff = 1 / 3;
    r.stages[0]!.medianTimeToReachMs = 1234.56;
    r.totals.revenue = 11874.499999;
    r.comparison.stages[0]!.completion = { current: 0.5, previous: 0.50001, change: -0.00001 };
    const csv = reportCsv(r);
    expect(csv).not.toMatch(/(^|,)-0(,|\r|$)/m);
    expect(csv).toContain('\r\nrevenue,11874.5\r\n');
    const stages = reportCsv(r, 'stages').split('\r\n')[1]!;
    expect(stages).toMatch(/^awareness,1240,1610,.*,0,0\.3333,1235,/);
    expect(reportCsv(r, 'comparison')).toContain('\r\nawareness,completion,0.5,0.5,0\r\n');
  });
});
