// The people script of the figures tests (issue 13: figures that read right), shared by the
// Node test (test/collector/report-figures.test.ts, SQLite) and the workerd test
// (test/workers/report-figures.test.ts, D1). Runtime-neutral. Every event carries its stage
// explicitly, so the figures test the report, not the stage inference at ingest.

const MIN = 60_000;
const HOUR = 60 * MIN;
const URL0 = 'https://shop.example';

type Ev = Record<string, unknown>;

/**
 * The script, on day `d` (epoch ms of a UTC midnight). Stages each person reaches in the period (aw co de re ad):
 *  P2 researcher: enters at consideration (a product page), leaves.                      co
 *  P3 decider: enters at decision (cart), adds to cart without viewing the item, leaves.  de
 *  P4 one-visit buyer: blog → product → view_item → add_to_cart twice → checkout → buys 100 EUR.  aw co de
 *  P5 three-visit buyer: s5a product (co) + view_item; s5b cart, begin_checkout (skips
 *     add_to_cart), buys 50 EUR; s5c account (retention); s5d back on the blog (awareness).  co de re aw
 *  P6 returning customer (email): logs in (retention) and buys again 30 USD, in retention.  re
 *  P7 reviewer: only writes a review (advocacy).                                          ad
 *  P8 referrer: account page (retention), then shares (advocacy) in the same visit.        re ad
 */
export function figuresEvents(d: number): Ev[] {
  let n = 0;
  const at = (h: number, m = 0) => d + h * HOUR + m * MIN;
  const pv = (visitor: string, session: string, time: number, path: string, stage: string, extra: Ev = {}): Ev => ({
    id: `f${++n}`,
    type: 'pageview',
    name: path,
    visitor,
    session,
    ts: time,
    url: `${URL0}${path}`,
    stage,
    ...extra,
  });
  const ck = (visitor: string, session: string, time: number, name: string, props: Ev = {}, stage = 'decision'): Ev => ({
    id: `f${++n}`,
    type: 'checkout',
    name,
    visitor,
    session,
    ts: time,
    url: `${URL0}/shop`,
    stage,
    props,
  });
  const act = (visitor: string, session: string, time: number, name: string, stage: string): Ev => ({
    id: `f${++n}`,
    type: 'event',
    name,
    visitor,
    session,
    ts: time,
    url: `${URL0}/shop`,
    stage,
  });
  return [
    pv('P2', 's2', at(9), '/products/trail-runner', 'consideration'),
    pv('P3', 's3', at(9, 30), '/cart', 'decision'),
    ck('P3', 's3', at(9, 31), 'add_to_cart', { value: 80, currency: 'EUR' }),
    pv('P4', 's4', at(10), '/blog/post', 'awareness'),
    pv('P4', 's4', at(10, 1), '/products/trail-runner', 'consideration'),
    ck('P4', 's4', at(10, 2), 'view_item', { value: 100, currency: 'EUR' }),
    ck('P4', 's4', at(10, 3), 'add_to_cart', { value: 100, currency: 'EUR' }),
    ck('P4', 's4', at(10, 4), 'add_to_cart', { value: 100, currency: 'EUR' }), // repeated: counts once
    ck('P4', 's4', at(10, 5), 'begin_checkout', { value: 100, currency: 'EUR' }),
    ck('P4', 's4', at(10, 6), 'purchase', { value: 100, currency: 'eur', transaction_id: 'T4' }),
    pv('P5', 's5a', at(11), '/products/road-racer', 'consideration'),
    ck('P5', 's5a', at(11, 1), 'view_item', { value: 50, currency: 'EUR' }),
    pv('P5', 's5b', at(13), '/cart', 'decision'),
    ck('P5', 's5b', at(13, 1), 'begin_checkout', { value: 50, currency: 'EUR' }), // skipped add_to_cart
    ck('P5', 's5b', at(13, 2), 'purchase', { value: 50, currency: 'EUR', transaction_id: 'T5' }),
    pv('P5', 's5c', at(15), '/account', 'retention'),
    pv('P5', 's5d', at(17), '/blog/post', 'awareness'), // came back after retention
    pv('P6', 's6', at(12), '/login', 'retention', { url: `${URL0}/login?utm_source=newsletter&utm_medium=email` }),
    ck('P6', 's6', at(12, 2), 'purchase', { value: 30, currency: 'USD', transaction_id: 'T6' }, 'retention'),
    act('P7', 's7', at(14), 'review', 'advocacy'),
    pv('P8', 's8', at(16), '/account/orders', 'retention'),
    act('P8', 's8', at(16, 1), 'share', 'advocacy'),
  ];
}

/** The people, one POST /collect each (each stored whole before the next). */
export const PEOPLE = ['P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8'];

/** What the report answers for the script's day (hand-counted in the script above). */
export const FIGURES_EXPECTED = {
  people: 7,
  visitors: [2, 3, 3, 3, 2], // aw P4 P5; co P2 P4 P5; de P3 P4 P5; re P5 P6 P8; ad P7 P8
  reachedOrLater: [7, 7, 6, 4, 2],
  entered: [1, 2, 1, 2, 1], // P4; P2 P5; P3; P6 P8; P7
  completionMeans: ['next-stage', 'next-stage', 'purchase', 'repeat-or-return', 'referral'],
  completed: [2, 2, 2, 2, 1], // aw P4 P5; co P4 P5; de P4 P5 bought; re P5 came back, P6 bought again; ad P8 shared
  currentStages: [0, 1, 2, 2, 2], // P2; P3 P4; P5 P6; P7 P8
  // [step, reached, withStep, lost]
  funnelByVisits: [
    ['view_item', 5, 2, null],
    ['add_to_cart', 4, 2, 1],
    ['begin_checkout', 3, 2, 1],
    ['purchase', 3, 3, 0],
  ],
  funnelByPeople: [
    ['view_item', 4, 2, null],
    ['add_to_cart', 4, 2, 0],
    ['begin_checkout', 3, 2, 1],
    ['purchase', 3, 3, 0],
  ],
  revenueByCurrency: [
    { currency: 'EUR', purchases: 2, revenue: 150 },
    { currency: 'USD', purchases: 1, revenue: 30 },
  ],
};
