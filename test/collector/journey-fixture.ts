// A small shop day with hand-computable journey figures, shared by the Node report test
// (test/collector/report.test.ts, SQLite) and the workerd test (test/workers/report.test.ts,
// D1): the events go in through POST /collect, and both runtimes must answer `expected`.
// Runtime-neutral (no node:* import). Every figure's arithmetic is written beside it.
import type { JourneyReport } from '../../collector/report/types';
import { TOKEN, UA } from './fixtures';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** One POST /collect: a batch and the request headers it is sent with. */
export interface FixturePost {
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

const desktopDE = { 'user-agent': UA.chrome, 'x-country': 'DE', 'cf-ipcountry': 'DE' };
const mobileFR = { 'user-agent': UA.iphone, 'x-country': 'FR', 'cf-ipcountry': 'FR' };
const bot = { 'user-agent': UA.googlebot };
const URL0 = 'https://shop.example';

/**
 * The fixture for day `d` (epoch ms of a UTC midnight). The report period is
 * [d + 00:30, d + 24:30), so it is not hour-aligned: its first half hour comes from events,
 * not rollups; the previous period is [d − 23:30, d + 00:30).
 *
 * Visitors (sessions) in the period:
 *  A (a1) desktop DE, paid social: landing /landing/flash-sale → product → cart → purchase 129; identify
 *     (persona bargain-hunter), feedback 5; later a server-side order_shipped (no session, retention)
 *  B (b1) mobile FR, organic search: /blog/post, 3 s engaged → bounce (B also visited the day before: b0)
 *  C (c1) desktop DE, direct: /blog/post → /pricing (rage click) → add to cart 89 → /reviews, feedback 2
 *  D (d1) desktop DE, direct: / with a JS error → bounce (a JS error is not an interaction)
 *  E (e1) mobile FR, email: /pricing, 15 s engaged → not a bounce
 *  F (f1) desktop DE, direct: /blog/post at 00:20 (previous period), /pricing at 00:40 (this period)
 *  G (g1) Googlebot: counted nowhere
 */
/** `token`: the collector's admin token, which the backstage (server-side) post sends. */
export function journeyFixture(
  d: number,
  token = TOKEN,
): { posts: FixturePost[]; query: { from: number; to: number }; expected: JourneyReport } {
  let n = 0;
  const ev = (at: number, e: Record<string, unknown>) => ({ id: `jf${++n}`, ts: d + at, ...e });
  const pv = (at: number, visitor: string, session: string, path: string, stage: string, extra: Record<string, unknown> = {}) =>
    ev(at, { type: 'pageview', name: path, visitor, session, url: `${URL0}${path}`, stage, ...extra });
  const post = (headers: Record<string, string>, events: Record<string, unknown>[]): FixturePost => ({
    body: { site: 'shop', events },
    headers,
  });
  const t = (h: number, m = 0, s = 0) => h * HOUR + m * MIN + s * 1000;

  const posts: FixturePost[] = [
    // The day before: B's first visit (not a bounce: two page views).
    post(mobileFR, [
      pv(-t(14), 'vB', 'b0', '/blog/post', 'awareness', { referrer: 'https://www.google.com/' }),
      ev(-t(13, 59, 30), {
        type: 'engagement',
        name: 'engagement',
        visitor: 'vB',
        session: 'b0',
        url: `${URL0}/blog/post`,
        stage: 'awareness',
        props: { engaged_ms: 30000 },
      }),
      pv(-t(13, 59), 'vB', 'b0', '/products/trail-runner', 'consideration'),
    ]),
    // F's session straddles the period start (00:30).
    post(desktopDE, [pv(t(0, 20), 'vF', 'f1', '/blog/post', 'awareness'), pv(t(0, 40), 'vF', 'f1', '/pricing', 'consideration')]),
    post(desktopDE, [
      pv(t(10), 'vA', 'a1', '/landing/flash-sale', 'awareness', { url: `${URL0}/landing/flash-sale?utm_source=facebook&utm_medium=cpc` }),
      ev(t(10, 0, 30), {
        type: 'engagement',
        name: 'engagement',
        visitor: 'vA',
        session: 'a1',
        url: `${URL0}/landing/flash-sale`,
        stage: 'awareness',
        props: { engaged_ms: 20000 },
      }),
      pv(t(10, 1), 'vA', 'a1', '/products/trail-runner', 'consideration'),
      ev(t(10, 1, 10), {
        type: 'checkout',
        name: 'view_item',
        visitor: 'vA',
        session: 'a1',
        url: `${URL0}/products/trail-runner`,
        stage: 'decision',
        props: { value: 129 },
      }),
      ev(t(10, 2), {
        type: 'checkout',
        name: 'add_to_cart',
        visitor: 'vA',
        session: 'a1',
        url: `${URL0}/products/trail-runner`,
        touchpoint: 'Add to cart',
        props: { value: 129 },
      }),
      pv(t(10, 3), 'vA', 'a1', '/cart', 'decision'),
      ev(t(10, 3, 30), {
        type: 'checkout',
        name: 'begin_checkout',
        visitor: 'vA',
        session: 'a1',
        url: `${URL0}/cart`,
        props: { value: 129 },
      }),
      ev(t(10, 5), {
        type: 'checkout',
        name: 'purchase',
        visitor: 'vA',
        session: 'a1',
        url: `${URL0}/cart`,
        touchpoint: 'Pay now',
        props: { value: 129, transaction_id: 'T1' },
      }),
      ev(t(10, 5, 10), {
        type: 'identify',
        name: 'identify',
        visitor: 'vA',
        session: 'a1',
        user: 'u-a',
        url: `${URL0}/cart`,
        stage: 'decision',
        props: { persona: 'bargain-hunter' },
      }),
      ev(t(10, 5, 20), {
        type: 'feedback',
        name: 'feedback',
        visitor: 'vA',
        session: 'a1',
        url: `${URL0}/cart`,
        stage: 'decision',
        props: { score: 5 },
      }),
    ]),
    post(mobileFR, [
      pv(t(11), 'vB', 'b1', '/blog/post', 'awareness', { referrer: 'https://www.google.com/' }),
      ev(t(11, 0, 5), {
        type: 'engagement',
        name: 'engagement',
        visitor: 'vB',
        session: 'b1',
        url: `${URL0}/blog/post`,
        stage: 'awareness',
        props: { engaged_ms: 3000 },
      }),
    ]),
    post(desktopDE, [
      pv(t(12), 'vC', 'c1', '/blog/post', 'awareness'),
      pv(t(12, 1), 'vC', 'c1', '/pricing', 'consideration'),
      ev(t(12, 1, 30), { type: 'pain', name: 'rage_click', visitor: 'vC', session: 'c1', url: `${URL0}/pricing`, stage: 'consideration' }),
      ev(t(12, 2), {
        type: 'checkout',
        name: 'add_to_cart',
        visitor: 'vC',
        session: 'c1',
        url: `${URL0}/pricing`,
        touchpoint: 'Add to cart',
        props: { value: 89 },
      }),
      pv(t(12, 3), 'vC', 'c1', '/reviews', 'consideration'),
      ev(t(12, 3, 10), {
        type: 'feedback',
        name: 'feedback',
        visitor: 'vC',
        session: 'c1',
        url: `${URL0}/reviews`,
        stage: 'consideration',
        props: { score: 2 },
      }),
    ]),
    post(desktopDE, [
      pv(t(13), 'vD', 'd1', '/', 'awareness'),
      ev(t(13, 0, 2), {
        type: 'pain',
        name: 'js_error',
        visitor: 'vD',
        session: 'd1',
        url: `${URL0}/`,
        stage: 'awareness',
        props: { message: 'x is undefined' },
      }),
    ]),
    post(mobileFR, [
      pv(t(14), 'vE', 'e1', '/pricing', 'consideration', { url: `${URL0}/pricing?utm_source=newsletter&utm_medium=email` }),
      ev(t(14, 0, 20), {
        type: 'engagement',
        name: 'engagement',
        visitor: 'vE',
        session: 'e1',
        url: `${URL0}/pricing`,
        stage: 'consideration',
        props: { engaged_ms: 15000 },
      }),
    ]),
    post(bot, [pv(t(15), 'vG', 'g1', '/blog/post', 'awareness')]),
    // Backstage: the shop's server, for the identified user (joins visitor A; stage retention by name).
    post({ authorization: `Bearer ${token}` }, [ev(t(20), { type: 'event', name: 'order_shipped', user: 'u-a', channel: 'backstage' })]),
  ];

  const from = d + t(0, 30);
  const to = d + DAY + t(0, 30);
  const delta = (current: number | null, previous: number | null) => ({
    current,
    previous,
    change: current === null || previous === null ? null : current - previous,
  });
  const none = { total: 0, byKind: [] };
  // Wilson lower bound, z = 1.96 (z² = 3.8416): (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
  //   1 of 1: (1 + 1.9208 − 1.96·√0.9604) / 4.8416 = (2.9208 − 1.9208) / 4.8416 = 1 / 4.8416
  //   1 of 2: (0.5 + 0.9604 − 1.96·√(0.125 + 0.2401)) / 2.9208
  //   0 of 1: (0 + 1.9208 − 1.96·0.98) / 4.8416 = 0
  const oneOfTwo = (0.5 + 0.9604 - 1.96 * Math.sqrt(0.125 + 0.2401)) / 2.9208;

  const expected: JourneyReport = {
    site: 'shop',
    query: { from, to, pathSteps: 5, minSessions: 1, funnelBy: 'visits' },
    stageNames: ['awareness', 'consideration', 'decision', 'retention', 'advocacy'],
    totals: {
      visitors: 6, // A B C D E F (G is a bot)
      sessions: 6, // a1 b1 c1 d1 e1 f1 (order_shipped has no session)
      pageviews: 10, // A 3 + B 1 + C 3 + D 1 + E 1 + F 1 (f1's first page view is before the period)
      bounceRate: 3 / 6, // b1 (3 s), d1 (error only), f1 (one page view in the period) of 6 landing sessions
      purchases: 1,
      revenue: 129,
      conversionRate: 1 / 6, // a1 of 6 sessions
      touchpointsPerPurchase: 16 / 1, // A 7 (3 views, 4 checkout steps) + order_shipped 1 + B 1 + C 4 + D 1 + E 1 + F 1
      medianVisitsToPurchase: 1, // A bought in a1, its first session
    },
    stages: [
      {
        stage: 'awareness',
        visitors: 4, // A B C D
        sessions: 4,
        reachedOrLater: 6, // everyone in the journey (E and F entered at consideration)
        reach: 6 / 6,
        entered: 4, // A B C D: their first event in the period is in awareness
        enteredShare: 4 / 6,
        completionMeans: 'next-stage',
        completed: 2, // A and C reached consideration (or later) too
        completion: 2 / 4,
        conversion: 2 / 4,
        dropOff: 1 - 2 / 4,
        medianTimeToReachMs: 0, // A 0, B 25 h (first touch the day before at 10:00 → 11:00), C 0, D 0 → (0 + 0) / 2
        touchpoints: [
          {
            touchpoint: '/blog/post',
            events: 2,
            sessions: 2,
            channels: [
              { name: 'direct', count: 1 },
              { name: 'organic search', count: 1 },
            ],
            topCampaign: null,
          },
          { touchpoint: '/', events: 1, sessions: 1, channels: [{ name: 'direct', count: 1 }], topCampaign: null },
          { touchpoint: '/landing/flash-sale', events: 1, sessions: 1, channels: [{ name: 'paid social', count: 1 }], topCampaign: null },
        ],
        channels: [
          { name: 'direct', count: 2, share: 2 / 4 }, // c1 d1
          { name: 'organic search', count: 1, share: 1 / 4 },
          { name: 'paid social', count: 1, share: 1 / 4 },
        ],
        landingSessions: 4, // a1 b1 c1 d1
        bounces: 2, // b1 d1
        bounceRate: 2 / 4,
        painPoints: { total: 1, byKind: [{ kind: 'js_error', count: 1, worstPages: [{ name: '/', count: 1 }] }] },
        emotion: { feedbackMean: null, feedbackCount: 0, frustration: 1 / 4 }, // d1 had an error
      },
      {
        stage: 'consideration',
        visitors: 4, // A C E F
        sessions: 4,
        reachedOrLater: 4, // A C E F (B and D stayed in awareness)
        reach: 4 / 6, // was 4 / 4 of awareness's visitors: E and F never were in awareness in the period
        entered: 2, // E, F (f1's awareness view is before the period)
        enteredShare: 2 / 6,
        completionMeans: 'next-stage',
        completed: 2, // A and C reached decision
        completion: 2 / 4,
        conversion: 2 / 4,
        dropOff: 1 - 2 / 4,
        medianTimeToReachMs: 60_000, // E 0, A 1 min, C 1 min, F 20 min → (1 min + 1 min) / 2
        touchpoints: [
          {
            touchpoint: '/pricing',
            events: 3,
            sessions: 3,
            channels: [
              { name: 'direct', count: 2 },
              { name: 'email', count: 1 },
            ],
            topCampaign: null,
          },
          {
            touchpoint: '/products/trail-runner',
            events: 1,
            sessions: 1,
            channels: [{ name: 'paid social', count: 1 }],
            topCampaign: null,
          },
          { touchpoint: '/reviews', events: 1, sessions: 1, channels: [{ name: 'direct', count: 1 }], topCampaign: null },
        ],
        channels: [
          { name: 'direct', count: 2, share: 2 / 4 }, // c1 f1
          { name: 'email', count: 1, share: 1 / 4 },
          { name: 'paid social', count: 1, share: 1 / 4 },
        ],
        landingSessions: 2, // e1, f1 (its first page view in the period is /pricing)
        bounces: 1, // f1
        bounceRate: 1 / 2,
        painPoints: { total: 1, byKind: [{ kind: 'rage_click', count: 1, worstPages: [{ name: '/pricing', count: 1 }] }] },
        emotion: { feedbackMean: 2, feedbackCount: 1, frustration: 1 / 4 }, // c1's rage click
      },
      {
        stage: 'decision',
        visitors: 2, // A C (checkout steps are decision by name)
        sessions: 2,
        reachedOrLater: 2, // A C
        reach: 2 / 6,
        entered: 0,
        enteredShare: 0,
        completionMeans: 'purchase',
        completed: 1, // A bought; C did not
        completion: 1 / 2, // buyers ÷ deciders
        conversion: 1 / 2,
        dropOff: 1 - 1 / 2,
        medianTimeToReachMs: 95_000, // A 70 s (view_item 10:01:10), C 120 s (add_to_cart 12:02) → (70 + 120) / 2 s
        touchpoints: [
          { touchpoint: '/cart', events: 2, sessions: 1, channels: [{ name: 'paid social', count: 1 }], topCampaign: null }, // page view + begin_checkout
          {
            touchpoint: 'Add to cart',
            events: 2,
            sessions: 2,
            channels: [
              { name: 'direct', count: 1 },
              { name: 'paid social', count: 1 },
            ],
            topCampaign: null,
          },
          {
            touchpoint: '/products/trail-runner',
            events: 1,
            sessions: 1,
            channels: [{ name: 'paid social', count: 1 }],
            topCampaign: null,
          }, // view_item
          { touchpoint: 'Pay now', events: 1, sessions: 1, channels: [{ name: 'paid social', count: 1 }], topCampaign: null },
        ],
        channels: [
          { name: 'direct', count: 1, share: 1 / 2 },
          { name: 'paid social', count: 1, share: 1 / 2 },
        ],
        landingSessions: 0,
        bounces: 0,
        bounceRate: null,
        painPoints: none,
        emotion: { feedbackMean: 5, feedbackCount: 1, frustration: 0 },
      },
      {
        stage: 'retention',
        visitors: 1, // A, through the server-side order_shipped
        sessions: 0,
        reachedOrLater: 1,
        reach: 1 / 6,
        entered: 0,
        enteredShare: 0,
        completionMeans: 'repeat-or-return',
        completed: 0, // no purchase in retention, no session after 20:00
        completion: 0 / 1,
        conversion: 0 / 1,
        dropOff: 1,
        medianTimeToReachMs: 10 * HOUR, // 20:00 − A's first touch 10:00
        touchpoints: [{ touchpoint: 'order_shipped', events: 1, sessions: 0, channels: [], topCampaign: null }],
        channels: [],
        landingSessions: 0,
        bounces: 0,
        bounceRate: null,
        painPoints: none,
        emotion: { feedbackMean: null, feedbackCount: 0, frustration: 0 },
      },
      {
        stage: 'advocacy',
        visitors: 0,
        sessions: 0,
        reachedOrLater: 0,
        reach: 0 / 6,
        entered: 0,
        enteredShare: 0,
        completionMeans: 'referral',
        completed: 0,
        completion: null, // nobody to complete it
        conversion: null,
        dropOff: null,
        medianTimeToReachMs: null,
        touchpoints: [],
        channels: [],
        landingSessions: 0,
        bounces: 0,
        bounceRate: null,
        painPoints: none,
        emotion: { feedbackMean: null, feedbackCount: 0, frustration: 0 },
      },
    ],
    // The furthest stage each ever reached (visitor_stages, any time): A retention (order_shipped),
    // B consideration (b0, the day before), C decision, D awareness, E and F consideration.
    currentStages: [
      { stage: 'awareness', visitors: 1, share: 1 / 6 },
      { stage: 'consideration', visitors: 3, share: 3 / 6 },
      { stage: 'decision', visitors: 1, share: 1 / 6 },
      { stage: 'retention', visitors: 1, share: 1 / 6 },
      { stage: 'advocacy', visitors: 0, share: 0 },
    ],
    currency: null, // A's purchase names no currency
    // minSessions 1; ranked by the Wilson lower bound, ties by sessions, then path.
    bounceByLanding: [
      { path: '/', sessions: 1, bounces: 1, bounceRate: 1, confidentRate: 1 / 4.8416 },
      { path: '/blog/post', sessions: 2, bounces: 1, bounceRate: 0.5, confidentRate: oneOfTwo },
      { path: '/pricing', sessions: 2, bounces: 1, bounceRate: 0.5, confidentRate: oneOfTwo },
      { path: '/landing/flash-sale', sessions: 1, bounces: 0, bounceRate: 0, confidentRate: 0 },
    ],
    funnel: {
      by: 'visits',
      steps: [
        // c1 added to cart without viewing the item: it got past view_item, so it counts there.
        { step: 'view_item', reached: 2, withStep: 1, fromStart: 1, lost: null, dropOff: null, medianMsFromPrevious: null, value: 129 },
        {
          step: 'add_to_cart',
          reached: 2,
          withStep: 2,
          fromStart: 2 / 2,
          lost: 0,
          dropOff: 0,
          medianMsFromPrevious: 50_000,
          value: 129 + 89,
        }, // a1: 10:02:00 − 10:01:10
        {
          step: 'begin_checkout',
          reached: 1,
          withStep: 1,
          fromStart: 1 / 2,
          lost: 1,
          dropOff: 1 / 2,
          medianMsFromPrevious: 90_000,
          value: 129,
        }, // 10:03:30 − 10:02:00
        { step: 'purchase', reached: 1, withStep: 1, fromStart: 1 / 2, lost: 0, dropOff: 0, medianMsFromPrevious: 90_000, value: 129 }, // 10:05:00 − 10:03:30
      ],
      purchases: 1,
      revenue: 129,
      refunds: 0,
      refunded: 0,
      abandoned: 1, // c1: add_to_cart, no purchase
      abandonedNext: [{ name: '/reviews', count: 1 }], // its next page view after the last checkout step
      revenueByCurrency: [{ currency: '', purchases: 1, revenue: 129 }],
    },
    paths: {
      steps: 5,
      // Per session, page views and actions with consecutive repeats merged, first 5 from landing.
      sequences: [
        { steps: ['/pricing'], sessions: 2 }, // e1, f1
        { steps: ['/'], sessions: 1 },
        { steps: ['/blog/post', '/pricing', 'Add to cart', '/reviews'], sessions: 1 },
        { steps: ['/blog/post'], sessions: 1 },
        { steps: ['/landing/flash-sale', '/products/trail-runner', 'Add to cart', '/cart', 'Pay now'], sessions: 1 },
      ],
      nodes: [
        { name: '1. /pricing', step: 1, touchpoint: '/pricing' },
        { name: '1. /', step: 1, touchpoint: '/' },
        { name: '1. /blog/post', step: 1, touchpoint: '/blog/post' },
        { name: '1. /landing/flash-sale', step: 1, touchpoint: '/landing/flash-sale' },
        { name: '2. /pricing', step: 2, touchpoint: '/pricing' },
        { name: '2. /products/trail-runner', step: 2, touchpoint: '/products/trail-runner' },
        { name: '3. Add to cart', step: 3, touchpoint: 'Add to cart' },
        { name: '4. /reviews', step: 4, touchpoint: '/reviews' },
        { name: '4. /cart', step: 4, touchpoint: '/cart' },
        { name: '5. Pay now', step: 5, touchpoint: 'Pay now' },
      ],
      links: [
        { source: '1. /blog/post', target: '2. /pricing', value: 1 },
        { source: '2. /pricing', target: '3. Add to cart', value: 1 },
        { source: '3. Add to cart', target: '4. /reviews', value: 1 },
        { source: '1. /landing/flash-sale', target: '2. /products/trail-runner', value: 1 },
        { source: '2. /products/trail-runner', target: '3. Add to cart', value: 1 },
        { source: '3. Add to cart', target: '4. /cart', value: 1 },
        { source: '4. /cart', target: '5. Pay now', value: 1 },
      ],
    },
    // Previous period [d − 23:30, d + 00:30): b0 (B: 2 page views, 30 s) and f1's first page view.
    comparison: {
      from: from - (to - from),
      to: from,
      totals: {
        visitors: delta(6, 2), // B F
        sessions: delta(6, 2),
        pageviews: delta(10, 3),
        bounceRate: delta(3 / 6, 1 / 2), // f1 bounced, b0 did not
        purchases: delta(1, 0),
        revenue: delta(129, 0),
        conversionRate: delta(1 / 6, 0 / 2),
        touchpointsPerPurchase: delta(16, null), // no purchase before
        medianVisitsToPurchase: delta(1, null),
      },
      stages: [
        // Before: B (b0: awareness, consideration) and F (f1's awareness view): 2 people.
        // awareness before: B F, of whom B reached consideration; landings b0, f1 (bounced)
        {
          stage: 'awareness',
          visitors: delta(4, 2),
          reach: delta(6 / 6, 2 / 2),
          completion: delta(2 / 4, 1 / 2),
          bounceRate: delta(2 / 4, 1 / 2),
          feedbackMean: delta(null, null),
          frustration: delta(1 / 4, 0),
        },
        {
          stage: 'consideration',
          visitors: delta(4, 1),
          reach: delta(4 / 6, 1 / 2),
          completion: delta(2 / 4, 0 / 1),
          bounceRate: delta(1 / 2, null),
          feedbackMean: delta(2, null),
          frustration: delta(1 / 4, 0),
        },
        {
          stage: 'decision',
          visitors: delta(2, 0),
          reach: delta(2 / 6, 0),
          completion: delta(1 / 2, null),
          bounceRate: delta(null, null),
          feedbackMean: delta(5, null),
          frustration: delta(0, 0),
        },
        {
          stage: 'retention',
          visitors: delta(1, 0),
          reach: delta(1 / 6, 0),
          completion: delta(0, null),
          bounceRate: delta(null, null),
          feedbackMean: delta(null, null),
          frustration: delta(0, 0),
        },
        {
          stage: 'advocacy',
          visitors: delta(0, 0),
          reach: delta(0, 0),
          completion: delta(null, null),
          bounceRate: delta(null, null),
          feedbackMean: delta(null, null),
          frustration: delta(0, 0),
        },
      ],
    },
    targets: [],
    voice: { surveys: [], feedbackComments: [], stages: [] }, // feedback without comments, no survey answers
    dimensions: {
      personas: ['bargain-hunter'],
      channels: ['backstage', 'direct', 'email', 'organic search', 'paid social'],
      devices: ['desktop', 'mobile'],
      countries: ['DE', 'FR'],
      sources: ['(direct)', 'facebook', 'google.com', 'newsletter'], // sessions.source: (direct) and organic referrers are named too
      mediums: ['(none)', 'cpc', 'email', 'organic'],
      campaigns: [],
      contents: [],
      terms: [],
    },
    // Day d (00:30–24:00): a1 b1 c1 d1 e1 f1 (f1's first event in the period, 00:40, is that day);
    // day d+1 (00:00–00:30): nothing. G, the bot, counts nowhere.
    timeline: [
      { day: new Date(d).toISOString().slice(0, 10), visitors: 6, visits: 6 },
      { day: new Date(d + DAY).toISOString().slice(0, 10), visitors: 0, visits: 0 },
    ],
    // Over time, one day's bucket and the next's (00:00–00:30, empty): all of the period's
    // figures fall on day d, so its stages are the map's (A's order_shipped, session-less, puts
    // A in retention that day too), over its 6 people with a staged event.
    overTime: { unit: 'day', buckets: [] },
    // The one custom event: the server's order_shipped, joined to visitor A (after A's purchase:
    // nobody bought after it).
    customEvents: [{ name: 'order_shipped', events: 1, visitors: 1, boughtAfter: 0 }],
    excluded: { botEvents: 1 }, // G's page view
  };
  expected.overTime.buckets = [
    {
      start: new Date(d).toISOString().slice(0, 10),
      visitors: 6,
      visits: 6,
      purchases: 1,
      revenue: 129,
      people: 6,
      stages: expected.stages.map((s) => ({
        stage: s.stage,
        reached: s.visitors,
        reachedOrLater: s.reachedOrLater,
        reach: s.reachedOrLater / 6,
      })),
    },
    {
      start: new Date(d + DAY).toISOString().slice(0, 10),
      visitors: 0,
      visits: 0,
      purchases: 0,
      revenue: 0,
      people: 0,
      stages: expected.stages.map((s) => ({ stage: s.stage, reached: 0, reachedOrLater: 0, reach: null })),
    },
  ];
  return { posts, query: { from, to }, expected };
}

/**
 * Deep equality that allows floating-point rounding (1e-9) in numbers, so a figure computed
 * as 1 / 6 in SQL and in a hand calculation compare equal. Returns the first difference.
 */
export function closeDiff(actual: unknown, expected: unknown, at = '$'): string | null {
  if (typeof expected === 'number' && typeof actual === 'number')
    return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)) ? null : `${at}: ${actual} ≠ ${expected}`;
  if (expected === null || typeof expected !== 'object' || actual === null || typeof actual !== 'object')
    return Object.is(actual, expected) ? null : `${at}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`;
  if (Array.isArray(expected) !== Array.isArray(actual)) return `${at}: array vs object`;
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const k of keys) {
    const diff = closeDiff((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${at}.${k}`);
    if (diff) return diff;
  }
  return null;
}
