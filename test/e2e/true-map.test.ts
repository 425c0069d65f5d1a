// A true map out of the box (issue 13): a written script of seven people walks through the demo
// shop in real Chromium, on pages with only the script tag — no stage rules — and the stored
// stages and the journey report must say what the script says. The same script on the same
// pages with the demo's old URL rules injected (data-stages) must give the same stages.
//
// | person            | visits                                                             | stages reached                       |
// |-------------------|--------------------------------------------------------------------|--------------------------------------|
// | reader            | a blog post from Facebook, leaves                                  | awareness                            |
// | researcher        | home (from Bing) → product list → a product, leaves                 | awareness, consideration             |
// | abandoner         | a product (from Google) → add to cart → cart, leaves                | consideration, decision              |
// | buyer             | a product (from Google) → cart → checkout → buys, feedback 5        | consideration, decision              |
// | three-visit buyer | 1 blog (social) · 2 product (email) · 3 product (direct) → buys     | awareness, consideration, decision   |
// | returning         | 1 buys · 2 home → log in → account                                  | consideration, decision, retention   |
// | referrer          | 1 buys · 2 writes a review → refers a friend                        | consideration, decision, advocacy    |
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import type { AttributionReport } from '../../collector/report/attribution';
import type { PeopleReport, PersonTimeline } from '../../collector/report/people';
import type { JourneyReport } from '../../collector/report/types';
import {
  captureLoaded,
  launchBrowser,
  PERSON_USER_AGENT,
  recordSent,
  startCollector,
  waitForStored,
  type ExportedEvent,
  type SentLog,
  type TestCollector,
} from './helpers';

const STAGES = ['awareness', 'consideration', 'decision', 'retention', 'advocacy'];
/** The URL rules the demo shop used to carry on every page. */
const RULES = {
  '/demo/blog/*': 'awareness',
  '/demo/spring-sale/': 'awareness',
  '/demo/products/*': 'consideration',
  '/demo/pricing/': 'consideration',
  '/demo/compare/': 'consideration',
  '/demo/cart/': 'decision',
  '/demo/checkout/*': 'decision',
  '/demo/account/*': 'retention',
  '/demo/help/': 'retention',
  '/demo/review/': 'advocacy',
  '/demo/refer/': 'advocacy',
};

const EXPECTED: Record<string, string[]> = {
  reader: ['awareness'],
  researcher: ['awareness', 'consideration'],
  abandoner: ['consideration', 'decision'],
  buyer: ['consideration', 'decision'],
  threeVisits: ['awareness', 'consideration', 'decision'],
  returning: ['consideration', 'decision', 'retention'],
  referrer: ['consideration', 'decision', 'advocacy'],
};
const BUYERS = ['buyer', 'threeVisits', 'returning', 'referrer'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One person: a browser context of their own (a new visitor), and what its pages sent. */
class Person {
  private constructor(
    readonly c: TestCollector,
    readonly context: BrowserContext,
    readonly page: Page,
    readonly sent: SentLog,
  ) {}

  static async start(browser: Browser, c: TestCollector, rules: boolean): Promise<Person> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 700 } });
    const sent = await recordSent(context, c.url);
    if (rules)
      await context.route(
        (u) => u.pathname.startsWith('/demo/') && u.pathname.endsWith('/'),
        async (route) => {
          const res = await route.fetch();
          const body = (await res.text()).replace('data-site="shop"', `data-site="shop" data-stages='${JSON.stringify(RULES)}'`);
          await route.fulfill({ response: res, body });
        },
      );
    return new Person(c, context, await context.newPage(), sent);
  }

  async open(path: string, referer?: string): Promise<void> {
    await this.page.goto(this.c.url + path, { waitUntil: 'load', referer });
    await captureLoaded(this.page);
  }

  async click(selector: string, path: string): Promise<void> {
    await Promise.all([this.page.waitForURL((u) => u.pathname === path, { waitUntil: 'load' }), this.page.click(selector)]);
    await captureLoaded(this.page);
  }

  /**
   * Comes back later: the SDK starts a new session after 30 idle minutes; drop its session entry
   * instead. `loggedOut`: the shop's login has expired meanwhile.
   */
  async newVisit(loggedOut = false): Promise<void> {
    await this.page.goto(`${this.c.url}/health`);
    await this.page.evaluate((out) => {
      localStorage.removeItem('cjm_s');
      if (out) localStorage.removeItem('shop_user');
    }, loggedOut);
  }

  /** From a product page to the thank-you page, as a new customer; then feedback there. */
  async buy(email: string): Promise<void> {
    await this.click('.buy [data-add-to-cart]', '/demo/cart/');
    await this.click('[data-checkout-button]', '/demo/checkout/account/');
    await this.page.fill('#create-account [name=email]', email);
    await this.page.fill('#create-account [name=password]', 'correct horse battery');
    await this.page.selectOption('#create-account [name=persona]', 'bargain-hunter');
    await this.click('#create-account button', '/demo/checkout/shipping/');
    await this.page.fill('#shipping [name=name]', 'Alex Huber');
    await this.page.fill('#shipping [name=street]', 'Bergweg 1');
    await this.page.fill('#shipping [name=postcode]', '6020');
    await this.page.fill('#shipping [name=city]', 'Innsbruck');
    await this.click('#shipping button', '/demo/checkout/payment/');
    await this.page.fill('#payment [name=card_name]', 'Alex Huber');
    await this.page.fill('#payment [name=card_number]', '4242 4242 4242 4242');
    await this.page.fill('#payment [name=card_expiry]', '11/31');
    await this.page.fill('#payment [name=card_cvc]', '123');
    await this.click('[data-pay-button]', '/demo/thank-you/');
    await this.page.click('[data-feedback-form] [data-cjm-feedback="5"]');
    await this.page.waitForFunction(() => document.querySelector('[data-feedback-result]')!.textContent !== '');
  }

  async logIn(email: string): Promise<void> {
    await this.click('[data-account-link]', '/demo/account/login/');
    await this.page.fill('#login [name=email]', email);
    await this.page.fill('#login [name=password]', 'correct horse battery');
    await this.click('#login button', '/demo/account/');
  }

  /** Leaves the site and returns what was stored of everything its pages sent. */
  async done(): Promise<ExportedEvent[]> {
    await this.page.goto('about:blank'); // pagehide: the last batch leaves with keepalive
    await sleep(500);
    const stored = await waitForStored(this.c, 'shop', await this.sent.read());
    await this.context.close();
    return stored;
  }
}

/** The script: each person's visits, one after the other. */
const SCRIPT: Record<string, (p: Person) => Promise<void>> = {
  async reader(p) {
    await p.open('/demo/blog/layering/', 'https://www.facebook.com/');
  },
  async researcher(p) {
    await p.open('/demo/', 'https://www.bing.com/');
    await p.open('/demo/products/');
    await p.open('/demo/products/summit-tent/');
  },
  async abandoner(p) {
    await p.open('/demo/products/headlamp/', 'https://www.google.com/');
    await p.click('.buy [data-add-to-cart]', '/demo/cart/');
  },
  async buyer(p) {
    await p.open('/demo/products/trail-runner/', 'https://www.google.com/');
    await p.buy('buyer@example.com');
  },
  async threeVisits(p) {
    await p.open('/demo/blog/layering/?utm_source=twitter&utm_medium=social');
    await p.newVisit();
    await p.open('/demo/products/down-jacket/?utm_source=newsletter&utm_medium=email&utm_campaign=autumn');
    await p.newVisit();
    await p.open('/demo/products/down-jacket/');
    await p.buy('three@example.com');
  },
  async returning(p) {
    await p.open('/demo/products/headlamp/', 'https://www.google.com/');
    await p.buy('returning@example.com');
    await p.newVisit(true);
    await p.open('/demo/');
    await p.logIn('returning@example.com');
  },
  async referrer(p) {
    await p.open('/demo/products/summit-tent/', 'https://www.google.com/');
    await p.buy('referrer@example.com');
    await p.newVisit();
    await p.open('/demo/review/');
    await p.page.check('#review [name=rating][value="5"]');
    await p.page.fill('#review [name=headline]', 'Bomb-proof and light');
    await p.page.fill('#review [name=body]', 'Three summers of hut-to-hut trips and not a single leak.');
    await p.page.click('#review button');
    await p.page.waitForSelector('[data-review-done]:not([hidden])');
    await p.open('/demo/refer/');
    await p.page.click('[data-copy-referral]');
  },
};

interface Run {
  collector: TestCollector;
  people: Record<string, ExportedEvent[]>;
}

async function play(browser: Browser, rules: boolean): Promise<Run> {
  const collector = await startCollector();
  const people: Record<string, ExportedEvent[]> = {};
  for (const [name, script] of Object.entries(SCRIPT)) {
    const person = await Person.start(browser, collector, rules);
    await script(person);
    people[name] = await person.done();
  }
  return { collector, people };
}

const ordered = (stages: Iterable<string>) => [...new Set(stages)].sort((a, b) => STAGES.indexOf(a) - STAGES.indexOf(b));
const stagesOf = (events: ExportedEvent[]) => ordered(events.map((e) => e.stage!));
const sessionsOf = (events: ExportedEvent[]) => {
  const out = new Map<string, ExportedEvent[]>();
  for (const e of events) out.set(e.session!, [...(out.get(e.session!) ?? []), e]);
  return [...out.values()];
};

let browser: Browser;
let plain: Run;
let ruled: Run;

beforeAll(async () => {
  browser = await launchBrowser({ userAgent: PERSON_USER_AGENT });
  [plain, ruled] = await Promise.all([play(browser, false), play(browser, true)]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await plain?.collector.close();
  await ruled?.collector.close();
});

describe('stages with only the script tag', () => {
  it('each person reached exactly the stages the script says', () => {
    expect(Object.fromEntries(Object.entries(plain.people).map(([name, events]) => [name, stagesOf(events)]))).toEqual(EXPECTED);
  });

  it('no stage was set by the page: every one was inferred by the collector', () => {
    for (const [name, events] of Object.entries(plain.people))
      for (const e of events.filter((x) => x.type === 'pageview')) expect(e.stage_inferred, `${name} ${e.path}`).toBe(true);
  });

  it('product pages and the product list carry the page type their schema.org markup says', () => {
    const hints = Object.values(plain.people)
      .flat()
      .filter((e) => e.type === 'pageview' && e.path?.startsWith('/demo/products/'));
    expect(hints.length).toBeGreaterThan(5);
    for (const e of hints) expect(e.hint, e.path!).toBe(e.path === '/demo/products/' ? 'list' : 'product');
  });

  it('page-level events carry their page view’s stage', () => {
    for (const [name, events] of Object.entries(plain.people)) {
      const viewStage = new Map(events.filter((e) => e.type === 'pageview').map((e) => [`${e.session} ${e.url}`, e.stage]));
      for (const e of events.filter((x) => ['engagement', 'pain', 'vital'].includes(x.type)))
        expect(e.stage, `${name}: ${e.type} ${e.name} on ${e.path}`).toBe(viewStage.get(`${e.session} ${e.url}`));
    }
  });

  it('no buyer is in retention on the visit they bought in; their thank-you page is decision', () => {
    for (const name of BUYERS) {
      const events = plain.people[name]!;
      const buying = events.find((e) => e.name === 'purchase')!;
      const visit = events.filter((e) => e.session === buying.session);
      expect(
        visit.filter((e) => e.stage === 'retention').map((e) => `${e.type} ${e.name}`),
        name,
      ).toEqual([]);
      expect(
        visit.filter((e) => e.path === '/demo/thank-you/').every((e) => e.stage === 'decision'),
        name,
      ).toBe(true);
    }
  });

  it('a visit is staged by what happened in it: its landing page’s own stage', () => {
    const landings = (name: string) => sessionsOf(plain.people[name]!).map((s) => s.find((e) => e.type === 'pageview')!.stage);
    expect(landings('threeVisits')).toEqual(['awareness', 'consideration', 'consideration']);
    expect(landings('returning')).toEqual(['consideration', 'retention']); // the home page, as a returning customer
    expect(sessionsOf(plain.people.threeVisits!).map((s) => s[0]!.channel)).toEqual(['organic social', 'email', 'direct']);
  });
});

describe('the same script with URL rules', () => {
  it('gives every page view the same stage', () => {
    for (const name of Object.keys(SCRIPT)) {
      // As a set: a robot's page views come milliseconds apart, and each batch's clock-skew
      // correction (its network delay) may swap two of them in time order between the runs.
      const views = (r: Run) =>
        r.people[name]!.filter((e) => e.type === 'pageview')
          .map((e) => `${e.path} ${e.stage}`)
          .sort();
      expect(views(ruled), name).toEqual(views(plain));
      expect(stagesOf(ruled.people[name]!), name).toEqual(EXPECTED[name]);
    }
  });
});

describe('the journey report reads right', () => {
  let report: JourneyReport;
  beforeAll(async () => {
    const events = Object.values(plain.people).flat();
    const from = Math.min(...events.map((e) => e.time)) - 60_000;
    const to = Math.max(...events.map((e) => e.time)) + 60_000;
    const res = await fetch(`${plain.collector.url}/api/sites/shop/journey?from=${from}&to=${to}`, {
      headers: { authorization: `Bearer ${plain.collector.token}` },
    });
    expect(res.status).toBe(200);
    report = (await res.json()) as JourneyReport;
  });

  it('counts the people of each stage as the script says', () => {
    const count = (stage: string) => Object.values(EXPECTED).filter((s) => s.includes(stage)).length;
    expect(report.stages.map((s) => [s.stage, s.visitors])).toEqual(STAGES.map((s) => [s, count(s)]));
    expect(report.totals.visitors).toBe(7);
    expect(report.totals.purchases).toBe(4);
  });

  it('never shows a reach above 100 %', () => {
    for (const s of report.stages) expect(s.reach ?? 0, s.stage).toBeLessThanOrEqual(1);
  });

  it('decision’s completion is buyers ÷ people who reached decision (4 of 5), and says so', () => {
    const decision = report.stages.find((s) => s.stage === 'decision')!;
    expect(decision.completion).toBeCloseTo(4 / 5, 10);
    expect(decision.completionMeans).toBe('purchase');
  });

  it('reach counts the people who got to a stage or further: 7, 6, 5, 2, 1 of 7', () => {
    expect(report.stages.map((s) => s.reachedOrLater)).toEqual([7, 6, 5, 2, 1]);
  });

  it('where people are now: the furthest stage each reached', () => {
    expect(report.currentStages.map((s) => s.visitors)).toEqual([1, 1, 3, 1, 1]);
  });

  it('the checkout funnel never widens and never loses a negative number', () => {
    const counts = report.funnel.steps.map((s) => s.reached);
    for (let i = 1; i < counts.length; i++) {
      expect(counts[i], report.funnel.steps[i]!.step).toBeLessThanOrEqual(counts[i - 1]!);
      expect(report.funnel.steps[i]!.lost!).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('journeys across visits (attribution, people) on the same script', () => {
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${plain.collector.url}${path}`, { headers: { authorization: `Bearer ${plain.collector.token}` } });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };
  const period = () => {
    const events = Object.values(plain.people).flat();
    return `from=${Math.min(...events.map((e) => e.time)) - 60_000}&to=${Math.max(...events.map((e) => e.time)) + 60_000}`;
  };
  const credit = (r: AttributionReport['byChannel'], model: 'firstTouch' | 'lastTouch' | 'linear' | 'positionBased') =>
    Object.fromEntries(
      r
        .filter((x) => x[model].conversions > 0)
        .map((x) => [x.name, [Math.round(x[model].conversions * 1000) / 1000, Math.round(x[model].revenue * 100) / 100]]),
    );

  it('credits every purchase to the visits before it, under each model', async () => {
    // buyer 129 (Google) · three-visit buyer 219 (social → email → direct) · returning 39 + 4.90 shipping (Google) · referrer 349 (Google)
    const r = await api<AttributionReport>(`/api/sites/shop/attribution?${period()}`);
    expect([r.conversions, r.revenue, r.currency]).toEqual([4, 740.9, 'EUR']);
    expect(credit(r.byChannel, 'firstTouch')).toEqual({ 'organic search': [3, 521.9], 'organic social': [1, 219] });
    expect(credit(r.byChannel, 'lastTouch')).toEqual({ 'organic search': [3, 521.9], direct: [1, 219] });
    expect(credit(r.byChannel, 'linear')).toEqual({
      'organic search': [3, 521.9],
      'organic social': [0.333, 73],
      email: [0.333, 73],
      direct: [0.333, 73],
    });
    expect(credit(r.byChannel, 'positionBased')).toEqual({
      'organic search': [3, 521.9],
      'organic social': [0.4, 87.6],
      email: [0.2, 43.8],
      direct: [0.4, 87.6],
    });
    expect(credit(r.byCampaign, 'linear')).toMatchObject({
      'newsletter / email / autumn': [0.333, 73],
      'twitter / social / (not set)': [0.333, 73],
    });
    expect(r.visitsToConvert.buckets.map((b) => b.count)).toEqual([3, 0, 1, 0, 0]);
    expect([r.visitsToConvert.mean, r.visitsToConvert.median]).toEqual([1.5, 1]);
    expect(r.daysToConvert.buckets[0]!.count).toBe(4); // all within minutes here
  });

  it('lists people by current stage, the abandoner, and one person’s visits in order', async () => {
    const r = await api<PeopleReport>(`/api/sites/shop/people?${period()}`);
    expect(r.byStage.map((x) => x.people)).toEqual([1, 1, 3, 1, 1]); // reader · researcher · abandoner, buyer, three-visit · returning · referrer
    const abandoned = await api<PeopleReport>(`/api/sites/shop/people?${period()}&abandoned=1`);
    expect(abandoned.people.map((p) => [p.id, p.abandonedAt?.step])).toEqual([[plain.people.abandoner![0]!.visitor, 'view_cart']]);
    const t = await api<PersonTimeline>(`/api/sites/shop/people/${plain.people.threeVisits![0]!.visitor}`);
    expect(t.visits.map((v) => [v.arrival.channel, v.arrival.landing])).toEqual([
      ['organic social', '/demo/blog/layering/'],
      ['email', '/demo/products/down-jacket/'],
      ['direct', '/demo/products/down-jacket/'],
    ]);
    expect(t.visits[2]!.events.some((e) => e.name === 'purchase' && e.stage === 'decision')).toBe(true);
  });

  it('shows attribution and people on the dashboard, a person’s timeline on a click (screenshot)', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${plain.collector.url}/`);
    await page.fill('#login-site', 'shop');
    await page.fill('#login-token', plain.collector.token);
    await page.click('#login-submit');
    await page.waitForSelector('#attribution table.attribution');
    // Figures read as sentences: "1 visit", not "1 visits".
    const summaries = await page.locator('#attribution .distribution p').allTextContents();
    expect(summaries[0]).toBe('mean 1.5 visits, median 1 visit');
    // Days, or part of a day in hours: never "0 days" for a few minutes.
    const days = String.raw`([\d.]+ days?( \(same day\))?|\d+ hours?|under an hour)`;
    expect(summaries[1]).toMatch(new RegExp(`^mean ${days}, median ${days}$`));
    expect(summaries[1]).not.toMatch(/\b0 days(?! \(same day\))/);
    await page.waitForSelector('#people table.people');
    await page.click('#people .stage-tabs button:has-text("decision")');
    await page.waitForSelector('#people .stage-tabs .tab.active:has-text("decision")');
    const id = plain.people.threeVisits![0]!.visitor!;
    await page.click(`#people button.link:has-text("${id.slice(0, 12)}")`);
    await page.waitForSelector('#people .timeline .tl-visit >> nth=2');
    expect(await page.locator('#people .tl-visit').count()).toBe(3);
    mkdirSync('test-output', { recursive: true });
    await page.locator('#attribution').screenshot({ path: 'test-output/attribution.png' });
    await page.locator('#people').screenshot({ path: 'test-output/people.png' });
    expect(problems).toEqual([]);
    await context.close();
  });
});
