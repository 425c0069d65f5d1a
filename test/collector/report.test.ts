// The journey report on Node: a hand-built shop day (journey-fixture.ts) ingested through the
// real app (POST /collect) into a real SQLite file, then GET /api/sites/:site/journey(.csv).
// Every figure of the report is checked against hand arithmetic written in the fixture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTargets } from '../../collector/config';
import { csvCell } from '../../collector/report/csv';
import type { JourneyReport } from '../../collector/report/types';
import type { SqlStore, Store } from '../../collector/store/types';
import { NOW, TOKEN, post, tempStore, testApp } from './helpers';
import { closeDiff, journeyFixture } from './journey-fixture';

const auth = { Authorization: `Bearer ${TOKEN}` };
// The day before the pinned clock (2025-01-14T00:00Z); the fixture's events are on it.
const D = Date.UTC(2025, 0, 14);
const fx = journeyFixture(D);
const base = `/api/sites/shop/journey?from=${fx.query.from}&to=${fx.query.to}&minSessions=1`;

let store: SqlStore;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];

/** An app over the same store with extra config (targets). */
const appWith = (config: Record<string, unknown>) => testApp(store, { config: { adminToken: TOKEN, ...config } }).app;

async function report(url: string, a = app): Promise<JourneyReport> {
  const res = await a.request(url, { headers: auth });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as JourneyReport;
}

const eventCount = async () => Number((await store.all('SELECT COUNT(*) AS n FROM events'))[0]!.n);

beforeAll(async () => {
  ({ store, cleanup } = tempStore());
  ({ app } = testApp(store));
  for (const p of fx.posts) {
    const res = await post(app, p.body, p.headers);
    expect(res.status, await res.clone().text()).toBe(202);
  }
});
afterAll(async () => cleanup());

describe('GET /api/sites/:site/journey', () => {
  it('answers every figure of the fixture (hand arithmetic in journey-fixture.ts)', async () => {
    const r = await report(base);
    // Section by section first, so a failure names the section.
    for (const key of Object.keys(fx.expected) as (keyof JourneyReport)[]) expect(closeDiff(r[key], fx.expected[key], key)).toBeNull();
    expect(closeDiff(r, fx.expected)).toBeNull();
  });

  it('is exact at a period boundary that cuts a session and an hour (f1 at 00:20 and 00:40)', async () => {
    // [00:30, 00:50): only f1's /pricing view; [00:10, 00:30): only its /blog/post view.
    const later = await report(`/api/sites/shop/journey?from=${D + 30 * 60_000}&to=${D + 50 * 60_000}&minSessions=1`);
    expect(later.totals).toMatchObject({ visitors: 1, sessions: 1, pageviews: 1, bounceRate: 1 });
    expect(later.bounceByLanding.map((b) => b.path)).toEqual(['/pricing']);
    const earlier = later.comparison;
    expect(earlier.totals.pageviews).toEqual({ current: 1, previous: 1, change: 0 });
    const before = await report(`/api/sites/shop/journey?from=${D + 10 * 60_000}&to=${D + 30 * 60_000}&minSessions=1`);
    expect(before.bounceByLanding.map((b) => b.path)).toEqual(['/blog/post']);
    expect(before.paths.sequences).toEqual([{ steps: ['/blog/post'], sessions: 1 }]);
  });

  it('defaults to the last 30 days, 5 path steps, landing pages with 1 session or more, the funnel by visits', async () => {
    const r = await report('/api/sites/shop/journey');
    expect(r.query).toEqual({ from: NOW - 30 * 86_400_000, to: NOW, pathSteps: 5, minSessions: 1, funnelBy: 'visits' });
    expect(r.totals.visitors).toBe(6); // B's day-before visit is in the 30 days too: still B
    expect(r.totals.sessions).toBe(7); // + b0
    // A small shop sees its landing pages by default: b0, b1, c1, f1 on /blog/post; a1, d1, e1 on theirs.
    expect(r.bounceByLanding.map((b) => [b.path, b.sessions])).toEqual(
      expect.arrayContaining([
        ['/blog/post', 4],
        ['/', 1],
        ['/pricing', 1],
      ]),
    );
    expect((await report('/api/sites/shop/journey?minSessions=5')).bounceByLanding).toEqual([]); // no landing page has 5 sessions
  });

  it('accepts ISO dates (to = end of that day)', async () => {
    const r = await report('/api/sites/shop/journey?from=2025-01-14&to=2025-01-14');
    expect([r.query.from, r.query.to]).toEqual([D, D + 86_400_000]);
    // All of Jan 14: f1's 00:20 page view is in, so f1 lands on /blog/post and is no bounce.
    expect(r.totals).toMatchObject({ visitors: 6, sessions: 6, pageviews: 11, bounceRate: 2 / 6 });
  });
});

describe('timeline and custom events', () => {
  it('the days add up to totals.sessions under every filter and period (whole and cut hours)', async () => {
    const periods = [
      base,
      `/api/sites/shop/journey?from=${D - 86_400_000}&to=${D + 2 * 86_400_000}&minSessions=1`,
      `/api/sites/shop/journey?from=${D + 30 * 60_000}&to=${D + 50 * 60_000}`,
    ];
    for (const period of periods) {
      for (const filter of ['', '&channel=direct', '&device=mobile', '&persona=bargain-hunter', '&country=FR']) {
        const r = await report(period + filter);
        expect(
          r.timeline.reduce((n, d) => n + d.visits, 0),
          period + filter,
        ).toBe(r.totals.sessions);
        for (const d of r.timeline) expect(d.visitors).toBeLessThanOrEqual(d.visits);
      }
    }
    // Three days, in order: b0 the day before; a1 … f1 on D (f1 starts at 00:20 now); nothing after.
    const three = await report(`/api/sites/shop/journey?from=${D - 86_400_000}&to=${D + 2 * 86_400_000}`);
    expect(three.timeline).toEqual([
      { day: '2025-01-13', visitors: 1, visits: 1 },
      { day: '2025-01-14', visitors: 6, visits: 6 },
      { day: '2025-01-15', visitors: 0, visits: 0 },
    ]);
  });

  it('custom events follow the filters; bot events are counted whatever the filters', async () => {
    const direct = await report(`${base}&channel=direct`);
    expect(direct.customEvents).toEqual([]);
    expect(direct.excluded.botEvents).toBe(1);
    const backstage = await report(`${base}&channel=backstage`);
    expect(backstage.customEvents).toEqual([{ name: 'order_shipped', events: 1, visitors: 1, boughtAfter: 0 }]);
  });
});

describe('filters', () => {
  it('channel: only direct sessions (c1, d1, f1)', async () => {
    const r = await report(`${base}&channel=direct`);
    expect(r.query.channel).toBe('direct');
    // pageviews c1 3 + d1 1 + f1 1; bounces d1, f1 of 3
    expect(r.totals).toMatchObject({ visitors: 3, sessions: 3, pageviews: 5, bounceRate: 2 / 3, purchases: 0 });
    expect(r.stages.map((s) => s.visitors)).toEqual([2, 2, 1, 0, 0]); // aw C D; co C F; de C
    expect(r.funnel.steps.map((s) => [s.step, s.reached])).toEqual([['add_to_cart', 1]]);
    // The filter menus still list every value of the period.
    expect(r.dimensions.channels).toEqual(fx.expected.dimensions.channels);
  });

  it('device and country: the mobile FR visitors B and E', async () => {
    for (const q of ['device=mobile', 'country=FR', 'device=mobile&country=FR']) {
      const r = await report(`${base}&${q}`);
      expect(r.totals).toMatchObject({ visitors: 2, sessions: 2, pageviews: 2, bounceRate: 1 / 2 }); // b1 bounced, e1 did not
    }
    expect((await report(`${base}&device=tablet`)).totals.visitors).toBe(0);
  });

  it("persona: the visitor's persona (A), including its server-side event", async () => {
    const r = await report(`${base}&persona=bargain-hunter`);
    expect(r.totals).toMatchObject({ visitors: 1, sessions: 1, purchases: 1, revenue: 129 });
    expect(r.stages.map((s) => s.visitors)).toEqual([1, 1, 1, 1, 0]);
    expect(r.stages[3]!.touchpoints).toEqual([{ touchpoint: 'order_shipped', events: 1, sessions: 0, channels: [], topCampaign: null }]);
  });

  it('SQL injection in a filter or path is data: an empty result, nothing changed', async () => {
    const before = await eventCount();
    const evil = encodeURIComponent("direct' OR '1'='1");
    const r = await report(`${base}&channel=${evil}&persona=${encodeURIComponent("x'); DROP TABLE events; --")}`);
    expect(r.totals).toMatchObject({ visitors: 0, sessions: 0, pageviews: 0 });
    expect(r.query.channel).toBe("direct' OR '1'='1");
    const p = await report(`${base}&pathFrom=${encodeURIComponent("/' UNION SELECT site, id FROM events --")}`);
    expect(p.paths.sequences).toEqual([]);
    const site = await app.request(`/api/sites/${encodeURIComponent("shop' OR 1=1 --")}/journey`, { headers: auth });
    expect(site.status).toBe(400);
    expect(await eventCount()).toBe(before);
    expect((await report(base)).totals.visitors).toBe(6);
  });
});

describe('paths', () => {
  it('from a chosen touchpoint', async () => {
    const r = await report(`${base}&pathFrom=%2Fpricing`);
    expect(r.paths.from).toBe('/pricing');
    // c1 from /pricing; e1 and f1 are just /pricing
    expect(r.paths.sequences).toEqual([
      { steps: ['/pricing'], sessions: 2 },
      { steps: ['/pricing', 'Add to cart', '/reviews'], sessions: 1 },
    ]);
    expect(r.paths.links).toEqual([
      { source: '1. /pricing', target: '2. Add to cart', value: 1 },
      { source: '2. Add to cart', target: '3. /reviews', value: 1 },
    ]);
  });

  it('to a chosen touchpoint, with fewer steps', async () => {
    const r = await report(`${base}&pathTo=%2Fcart&pathSteps=2`);
    // a1: …, Add to cart, /cart — the 2 steps ending at its first /cart
    expect(r.paths).toMatchObject({ to: '/cart', steps: 2, sequences: [{ steps: ['Add to cart', '/cart'], sessions: 1 }] });
  });
});

describe('targets (CJM_TARGETS)', () => {
  it('shows measured against target per stage and flags the gaps', async () => {
    const targets = parseTargets(
      JSON.stringify([
        { stage: 'decision', metric: 'conversion', min: 0.6 },
        { stage: 'awareness', metric: 'bounceRate', max: 0.4 },
        { stage: 'consideration', metric: 'feedbackMean', min: 2, max: 4 },
        { stage: 'advocacy', metric: 'conversion', min: 0.1 },
        { stage: 'decision', metric: 'visitors', min: 1, site: 'blog' },
      ]),
    );
    const r = await report(base, appWith({ targets }));
    expect(
      closeDiff(r.targets, [
        { stage: 'decision', metric: 'conversion', min: 0.6, measured: 0.5, met: false, gap: 0.5 - 0.6 }, // short of the min
        { stage: 'awareness', metric: 'bounceRate', max: 0.4, measured: 0.5, met: false, gap: 0.5 - 0.4 }, // over the max
        { stage: 'consideration', metric: 'feedbackMean', min: 2, max: 4, measured: 2, met: true, gap: 0 },
        { stage: 'advocacy', metric: 'conversion', min: 0.1, measured: null, met: false, gap: null }, // last stage: no conversion
        // the blog's target does not apply to the shop
      ]),
    ).toBeNull();
  });

  it('refuses a bad CJM_TARGETS at start-up with a message naming the entry', () => {
    expect(() => parseTargets('nope')).toThrow(/CJM_TARGETS is not JSON/);
    expect(() => parseTargets('{}')).toThrow(/is not an array/);
    expect(() => parseTargets('[{"stage":"checkout","metric":"conversion","min":1}]')).toThrow(
      /\[0\]\.stage "checkout" is not one of the stages awareness/,
    );
    expect(() => parseTargets('[{"stage":"decision","metric":"conv","min":1}]')).toThrow(/\[0\]\.metric "conv"/);
    expect(() => parseTargets('[{"stage":"decision","metric":"conversion"}]')).toThrow(/needs a min or a max/);
    expect(() => parseTargets('[{"stage":"decision","metric":"conversion","min":"5%"}]')).toThrow(/\.min is not a number/);
    expect(() => parseTargets('[{"stage":"decision","metric":"conversion","min":2,"max":1}]')).toThrow(/min is above its max/);
    expect(() => parseTargets('[{"stage":"decision","metric":"conversion","min":1,"goal":2}]')).toThrow(/unknown field "goal"/);
    expect(() => parseTargets('[{"stage":"onboarding","metric":"visitors","min":1}]', ['acquisition', 'onboarding'])).not.toThrow();
    expect(parseTargets(undefined)).toEqual([]);
  });
});

describe('GET /api/sites/:site/journey.csv', () => {
  const csv = async (q: string) => {
    const res = await app.request(`/api/sites/shop/journey.csv?from=${fx.query.from}&to=${fx.query.to}&minSessions=1${q}`, {
      headers: auth,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return res;
  };

  it('one table: a header row and one row per stage', async () => {
    const res = await csv('&table=stages');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="shop-journey-stages.csv"');
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe(
      'stage,visitors,sessions,reachedOrLater,reach,entered,enteredShare,completionMeans,completed,completion,dropOff,medianTimeToReachMs,landingSessions,bounces,bounceRate,painPoints,feedbackMean,feedbackCount,frustration',
    );
    // Rates to 4 decimals (4 / 6 = 0.6667), times in whole ms.
    expect(lines[1]).toBe('awareness,4,4,6,1,4,0.6667,next-stage,2,0.5,0.5,0,4,2,0.5,1,,0,0.25');
    expect(lines[3]).toBe('decision,2,2,2,0.3333,0,0,purchase,1,0.5,0.5,95000,0,0,,0,5,1,0');
    expect(lines).toHaveLength(7); // header, 5 stages, the empty string after the last CRLF
  });

  it('the bounce table under its dashboard name too', async () => {
    const text = await (await csv('&table=bounce')).text();
    const [head, first] = text.split('\r\n');
    expect(head).toBe('path,sessions,bounces,bounceRate,confidentRate');
    expect(first).toBe('/,1,1,1,0.2065'); // 1 / 4.8416, to 4 decimals
  });

  it('all tables, each under a "# name" line', async () => {
    const text = await (await csv('')).text();
    const names = text
      .split('\r\n')
      .filter((l) => l.startsWith('# '))
      .map((l) => l.slice(2));
    expect(names).toEqual([
      'totals',
      'stages',
      'current',
      'touchpoints',
      'channels',
      'pains',
      'landing',
      'funnel',
      'abandoned',
      'paths',
      'comparison',
      'targets',
      'surveys',
      'attribution',
      'comments',
      'scores',
      'overTime',
    ]);
    expect(text).toContain(
      '\r\n# funnel\r\nstep,by,reached,withStep,fromStart,lost,dropOff,medianMsFromPrevious,value\r\nview_item,visits,2,1,1,,,,129\r\nadd_to_cart,visits,2,2,1,0,0,50000,218\r\n' +
        'begin_checkout,visits,1,1,0.5,1,0.5,90000,129\r\npurchase,visits,1,1,0.5,0,0,90000,129\r\n',
    );
    // Rates to 4 decimals, counts as they are; the currency row says none was named.
    expect(text).toContain('\r\nconversionRate,0.1667\r\ntouchpointsPerPurchase,16\r\nmedianVisitsToPurchase,1\r\ncurrency,\r\n');
    expect(text).toContain('\r\n# current\r\nstage,visitors,share\r\nawareness,1,0.1667\r\nconsideration,3,0.5\r\n');
  });

  it('quotes cells and defuses spreadsheet formulas in text (not in numbers)', async () => {
    expect(csvCell('Say "hi", ok')).toBe('"Say ""hi"", ok"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    for (const s of ['+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(s).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell(-0.1)).toBe('-0.1');
    expect(csvCell(null)).toBe('');

    // Through the route: a touchpoint that is a formula comes out inert.
    const { store: s2, cleanup: c2 } = tempStore();
    try {
      const { app: a2 } = testApp(s2);
      const res = await post(a2, {
        site: 'shop',
        events: [
          {
            id: 'x1',
            type: 'event',
            name: 'click',
            ts: D + 3_600_000,
            visitor: 'v',
            session: 's',
            touchpoint: '=cmd|"/c calc"!A1',
            stage: 'awareness',
          },
        ],
      });
      expect(res.status).toBe(202);
      const text = await (
        await a2.request(`/api/sites/shop/journey.csv?from=${D}&to=${D + 86_400_000}&table=touchpoints`, { headers: auth })
      ).text();
      expect(text).toBe(
        `stage,touchpoint,events,sessions,channels,topCampaign,topCampaignVisitors,topCampaignVisits,topCampaignShare\r\nawareness,"'=cmd|""/c calc""!A1",1,1,direct: 1,,,,\r\n`,
      );
    } finally {
      await c2();
    }
  });

  it('400 for an unknown table', async () => {
    const res = await app.request('/api/sites/shop/journey.csv?table=secrets', { headers: auth });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^table: "secrets" is not one of totals, stages/);
  });
});

describe('refusals', () => {
  it('401 without or with a wrong token, for JSON and CSV', async () => {
    for (const path of ['/api/sites/shop/journey', '/api/sites/shop/journey.csv']) {
      expect((await app.request(path)).status).toBe(401);
      expect((await app.request(path, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    }
  });

  it.each([
    ['from=yesterday', /^from: "yesterday" is not a time/],
    ['from=2025-01-10&to=2025-01-01', /^from: 2025-01-10 is after to|^from must be before to/],
    ['from=1000&to=1000', /^from must be before to/],
    ['from=2020-01-01&to=2025-01-01', /longer than 731 days/],
    ['pathSteps=11', /^pathSteps: "11" is not a whole number from 1 to 10/],
    ['pathSteps=two', /^pathSteps/],
    ['minSessions=0', /^minSessions/],
    ['chanel=direct', /^unknown parameter "chanel"/],
    [`channel=${'x'.repeat(301)}`, /^channel: longer than 300 characters/],
  ])('400 for %s', async (q, message) => {
    const res = await app.request(`/api/sites/shop/journey?${q}`, { headers: auth });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it('400 for a malformed site id', async () => {
    const res = await app.request('/api/sites/%20bad%20/journey', { headers: auth });
    expect(res.status).toBe(400);
  });

  it('503 when storage fails, with the cause logged and not shown', async () => {
    const logged: unknown[] = [];
    const broken: Store = { ...store, reads: { ...store.reads, core: async () => Promise.reject(new Error('disk I/O error')) } };
    const { app: a } = testApp(broken, { log: (_m, e) => logged.push(e) });
    const res = await a.request('/api/sites/shop/journey', { headers: auth });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'storage unavailable' });
    expect(String(logged[0])).toContain('disk I/O error');
  });

  it('store.all() refuses anything that writes', async () => {
    await expect(store.all('DELETE FROM events')).rejects.toThrow(/read-only/);
    await expect(store.all('WITH x AS (SELECT 1) SELECT * FROM x; DELETE FROM events')).rejects.toThrow(/read-only/);
    expect(await eventCount()).toBeGreaterThan(0);
  });
});
