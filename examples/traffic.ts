// npm run demo:traffic — sends believable traffic through the demo shop, so that the journey map
// has something to show on a fresh install. It drives real Chromium (playwright-core, Debian's
// /usr/bin/chromium) against a running collector (CJM_URL, default http://127.0.0.1:8787, the
// address `npm start` prints) as several personas, each run in a fresh browser context (a new
// visitor), three at a time, within a fixed time budget (CJM_TRAFFIC_SECONDS, default 110).
//
//   npm run demo              # terminal 1 (npm start with the demo's surveys)
//   npm run demo:traffic      # terminal 2 (answers the surveys the shop shows)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, devices, type Browser, type Page } from 'playwright-core';

const BASE = (process.env.CJM_URL || 'http://127.0.0.1:8787').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const BUDGET_MS = Number(process.env.CJM_TRAFFIC_SECONDS || 110) * 1000;
const WORKERS = 3;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

// Headless Chromium calls itself "HeadlessChrome", which the collector rightly flags as a bot
// (and leaves out of the report). The demo visitors present themselves as ordinary browsers,
// set browser-wide so that keepalive requests sent while a page unloads carry it too.
const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const PHONE = devices['Pixel 7'];
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const rand = (min: number, max: number) => min + Math.random() * (max - min);
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the collector defines surveys for the shop (`npm run demo`): then each page may show one. */
let surveysOn = false;

/** How a persona answers a survey, by survey id: the choices it picks one from (repeat one to weigh it), or a score range. */
type Answers = Record<string, { choices?: string[]; other?: string; scores?: [number, number] }>;

/** One visitor's browser tab, with the few gestures the personas need. */
class Visit {
  pages = 0;
  /** Surveys answered, by id. */
  answered: string[] = [];
  constructor(
    readonly page: Page,
    readonly answers: Answers = {},
  ) {}

  /** Opens a shop URL (path + query), optionally as if coming from `referer`. */
  async open(path: string, referer?: string): Promise<void> {
    await this.page.goto(BASE + path, { waitUntil: 'load', referer });
    await this.settle();
    this.pages++;
    await this.surveyDue();
  }

  /**
   * With surveys on, waits for the survey chunk (cjm-survey.mjs) to start on this page and
   * answers the survey it shows, if any, as a person would before reading on.
   */
  async surveyDue(): Promise<void> {
    if (!surveysOn) return;
    await this.page
      .waitForFunction(() => performance.getEntriesByType('resource').some((e) => /\/cjm-survey\.mjs$/.test(e.name)), undefined, {
        timeout: 3000,
      })
      .catch(() => {});
    await sleep(300);
    await this.answerSurvey();
  }

  /**
   * Waits (briefly) for the script tag's second file, cjm-capture.mjs, which records clicks and
   * forms: a person reads a page before clicking on, a script does not, and what happens before
   * it arrives is lost if the page is left first.
   */
  async settle(): Promise<void> {
    await this.page
      .waitForFunction(() => performance.getEntriesByType('resource').some((e) => /\/cjm-capture\.mjs$/.test(e.name)), undefined, {
        timeout: 5000,
      })
      .catch(() => {});
  }

  /** Reads for a moment and scrolls down a bit: engaged time and scroll depth. */
  async read(minMs = 300, maxMs = 900): Promise<void> {
    await this.page.mouse.wheel(0, rand(200, 900));
    await sleep(rand(minMs, maxMs));
  }

  /**
   * Answers the survey the shop is showing, if any (with `CJM_SURVEYS=examples/surveys.json`),
   * as a person would before going on: a choice or a score, now and then an "Other" text.
   * `waitMs`: how long to wait for one to appear (after a purchase).
   */
  async answerSurvey(waitMs = 0): Promise<void> {
    const box = this.page.locator('.cjm-survey[role=dialog]');
    if (waitMs) await box.waitFor({ timeout: waitMs }).catch(() => {});
    if (!(await box.count())) return;
    const id = (await box.getAttribute('data-cjm-survey-id')) ?? '';
    const mine = this.answers[id];
    const options = box.locator('input[type=radio], input[type=checkbox]');
    const n = await options.count();
    const values = await options.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    const offered = mine?.choices?.filter((c) => values.includes(c)) ?? [];
    const choice = offered.length ? pick(offered) : undefined;
    if (choice) await box.locator(`input[value="${choice}"]`).check();
    else if (mine?.scores) await box.locator(`input[value="${Math.round(rand(mine.scores[0], mine.scores[1]))}"]`).check();
    // Scores lean to the upper half, as most customers' do.
    else if (n) await options.nth(n >= 5 && Math.random() < 0.7 ? Math.floor(rand(n / 2, n)) : Math.floor(rand(0, n))).check();
    else await box.locator('textarea').fill(pick(['Great tents.', 'More colours please.', 'Delivery was quick.']));
    if (await box.locator('input[value="Other"]:checked').count())
      await box.locator('input[type=text]').fill(mine?.other ?? pick(['A podcast', 'Saw it at a trailhead', 'My climbing club']));
    await sleep(rand(300, 900));
    await box.locator('.cjm-send').click();
    await box.waitFor({ state: 'detached', timeout: 4000 }).catch(() => {});
    this.answered.push(id);
  }

  /** Exit intent (desktop): the pointer heads for the tabs, out through the top of the window. */
  async exitIntent(): Promise<void> {
    await this.page.mouse.move(600, 120);
    await this.page.mouse.move(600, -10, { steps: 4 });
    await this.answerSurvey(2000);
  }

  /** Clicks something; with `path`, waits for that page to load. */
  async click(selector: string, path?: string): Promise<void> {
    await this.answerSurvey();
    if (!path) return this.page.click(selector);
    await Promise.all([this.page.waitForURL((u) => u.pathname === path, { waitUntil: 'load' }), this.page.click(selector)]);
    await this.settle();
    this.pages++;
    await this.surveyDue();
  }

  async fill(fields: Record<string, string>): Promise<void> {
    for (const [selector, value] of Object.entries(fields)) {
      await this.page.fill(selector, value);
      await sleep(rand(60, 200));
    }
  }

  /**
   * Comes back "later": the SDK starts a new session after 30 idle minutes; we skip the wait by
   * dropping its session entry (from a page of the shop's origin that does not run the SDK).
   */
  async newSession(): Promise<void> {
    await this.page.goto(`${BASE}/health`);
    await this.page.evaluate(() => localStorage.removeItem('cjm_s'));
  }

  /**
   * Leaves the site: pagehide sends what is queued with keepalive requests, which outlive the
   * page but not the browser context — so give them a moment before the context is closed.
   */
  async leave(): Promise<void> {
    await this.page.goto('about:blank');
    await sleep(1000);
  }

  // The shop's checkout, step by step.
  async addToCartAndCheckout(): Promise<void> {
    await this.click('.buy [data-add-to-cart]', '/demo/cart/');
    await this.read(300, 800);
    await this.click('[data-checkout-button]', '/demo/checkout/account/');
  }

  async signUp(email: string, persona: string): Promise<void> {
    await this.fill({ '#create-account [name=email]': email, '#create-account [name=password]': 'correct horse battery' });
    await this.page.selectOption('#create-account [name=persona]', persona);
    await this.click('#create-account button', '/demo/checkout/shipping/');
  }

  async ship(tier: 'standard' | 'express' = 'standard'): Promise<void> {
    await this.fill({
      '#shipping [name=name]': pick(['Alex Huber', 'Maria Rossi', 'Jonas Berg', 'Lea Martin', 'Sam Novak']),
      '#shipping [name=street]': `${pick(['Bergweg', 'Seestraße', 'Hauptplatz', 'Via Roma'])} ${Math.ceil(rand(1, 80))}`,
      '#shipping [name=postcode]': String(Math.floor(rand(1000, 9999))),
      '#shipping [name=city]': pick(['Innsbruck', 'München', 'Bolzano', 'Lyon', 'Zürich']),
    });
    await this.page.selectOption('#shipping [name=country]', pick(['AT', 'DE', 'IT', 'FR', 'CH', 'NL']));
    if (tier === 'express') await this.page.check('#shipping [name=tier][value=express]');
    await this.click('#shipping button', '/demo/checkout/payment/');
  }

  async fillCard(number: string): Promise<void> {
    await this.fill({
      '#payment [name=card_name]': 'A Customer',
      '#payment [name=card_number]': number,
      '#payment [name=card_expiry]': '11/31',
      '#payment [name=card_cvc]': '123',
    });
  }

  async pay(): Promise<void> {
    await this.fillCard('4242 4242 4242 4242');
    await this.click('[data-pay-button]', '/demo/thank-you/');
    await this.answerSurvey(3000);
  }

  /** The signed-in customer's id and last order, as the shop keeps them (on a shop page). */
  async customer(): Promise<{ user?: string; order?: string }> {
    // No helper functions inside: tsx would wrap them in a __name() the page does not have.
    return this.page.evaluate(() => ({
      user: JSON.parse(localStorage.getItem('shop_user') || 'null')?.id,
      order: JSON.parse(localStorage.getItem('shop_pending_order') || 'null')?.transaction_id,
    }));
  }

  async feedback(score: number, comment = ''): Promise<void> {
    if (comment) await this.page.fill('[data-feedback-form] textarea', comment);
    await this.click(`[data-feedback-form] [data-cjm-feedback="${score}"]`);
  }
}

/**
 * A "backstage" event, as the shop's servers would send it (docs/protocol.md): for a user id,
 * with its own channel; the collector joins it to the visitor that user was identified on.
 */
async function backstage(name: string, user: string | undefined, channel: string, props: Record<string, unknown>): Promise<void> {
  // Only a sender with the admin token may name a channel (docs/protocol.md): without it, none.
  const token = adminToken();
  if (!user || !token) return;
  const id = `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const res = await fetch(`${BASE}/collect`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ site: 'shop', events: [{ id, type: 'event', name, ts: Date.now(), user, channel, props }] }),
  });
  if (res.status !== 202) throw new Error(`backstage ${name}: ${res.status} ${await res.text()}`);
}

interface Persona {
  name: string;
  /** Runs of this persona (each a new visitor). */
  runs: number;
  /** Share of runs on a phone. */
  mobile: number;
  /**
   * How it answers the shop's surveys (examples/surveys.json), true to its story: "how did you
   * hear about us?" against the channel measured for it shows self-reported vs measured.
   */
  answers?: Answers;
  /** Drives one visitor; returns what happened. */
  visit(v: Visit, run: number): Promise<string>;
}

const email = (who: string, run: number) => `${who}-${run}-${Math.random().toString(36).slice(2, 7)}@example.com`;

const PERSONAS: Persona[] = [
  {
    name: 'Bargain hunter from a Facebook ad',
    runs: 5,
    mobile: 0.5,
    answers: { heard: { choices: ['Social media', 'An ad', 'An ad'] }, find: { scores: [3, 5] } },
    async visit(v, run) {
      await v.open(
        `/demo/spring-sale/?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring_sale&utm_content=${pick(['runner_video', 'carousel'])}`,
      );
      await v.read();
      await v.click('text=Shop the sale', '/demo/products/trail-runner/');
      await v.read();
      if (run % 2) {
        await v.open('/demo/pricing/');
        await v.read(300, 700);
        await v.open('/demo/products/trail-runner/');
      }
      await v.addToCartAndCheckout();
      await v.signUp(email('bargain', run), 'bargain-hunter');
      await v.ship();
      await v.pay();
      const { user, order } = await v.customer();
      await v.read(300, 700);
      await v.feedback(pick([4, 5]));
      await v.leave();
      await backstage('order_shipped', user, 'fulfilment', { transaction_id: order });
      return 'purchased';
    },
  },
  {
    name: 'Returning customer from the newsletter',
    runs: 3,
    mobile: 0.3,
    // Came to the first order straight to a product page (measured: direct), told by a friend.
    answers: { heard: { choices: ['A friend', 'A friend', 'Other'], other: 'My hiking club' }, nps: { scores: [8, 10] } },
    async visit(v, run) {
      // An earlier visit: the first order.
      const address = email('regular', run);
      await v.open(`/demo/products/${pick(['summit-tent', 'down-jacket'])}/`);
      await v.read();
      await v.addToCartAndCheckout();
      await v.signUp(address, 'weekend-hiker');
      await v.ship();
      await v.pay();
      const first = await v.customer();
      await v.leave();
      await backstage('order_shipped', first.user, 'fulfilment', { transaction_id: first.order });
      // Weeks later, from the newsletter: logs in and orders the same again.
      await v.newSession();
      await v.open('/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=november_notes');
      await v.read(300, 800);
      await v.click('[data-account-link]', '/demo/account/');
      await v.click('text=Log out', '/demo/');
      await v.click('[data-account-link]', '/demo/account/login/');
      await v.fill({ '#login [name=email]': address, '#login [name=password]': 'correct horse battery' });
      await v.click('#login button', '/demo/account/');
      await v.click('text=Track >> nth=0');
      await v.read(300, 700);
      await v.click('text=Order again >> nth=0', '/demo/cart/');
      await v.click('[data-checkout-button]', '/demo/checkout/account/');
      await v.click('text=Continue to shipping', '/demo/checkout/shipping/');
      await v.ship('express');
      await v.pay();
      if (run === 0) {
        await v.open('/demo/help/');
        await v.read();
        await v.feedback(5, 'Found the returns form straight away');
      }
      await v.leave();
      return 'reordered';
    },
  },
  {
    name: 'Researcher from a search engine',
    runs: 7,
    mobile: 0.4,
    async visit(v, run) {
      const engine = pick(['https://www.google.com/', 'https://www.google.com/', 'https://www.bing.com/', 'https://duckduckgo.com/']);
      await v.open(run % 3 === 2 ? '/demo/compare/' : '/demo/blog/layering/', engine); // 5× the blog, 2× the comparison
      await v.read(800, 2500); // under 10 s: a bounce
      await v.leave();
      return 'bounced';
    },
  },
  {
    name: 'Fan who reviews and refers a friend',
    runs: 2,
    mobile: 0,
    answers: { nps: { scores: [9, 10] } },
    async visit(v, run) {
      if (run % 2) await v.open('/demo/', 'https://www.outdoorgearlab.com/best-tents');
      else await v.open('/demo/?ref=K2X9&utm_source=friend&utm_medium=referral&utm_campaign=refer_a_friend');
      await v.read(300, 800);
      await v.click('[data-account-link]', '/demo/account/login/');
      await v.fill({ '#login [name=email]': email('fan', run), '#login [name=password]': 'correct horse battery' });
      await v.click('#login button', '/demo/account/');
      await v.click('text=Review >> nth=0', '/demo/review/');
      await v.page.check('#review [name=rating][value="5"]');
      await v.fill({
        '#review [name=headline]': 'Bomb-proof and light',
        '#review [name=body]': 'Three summers of hut-to-hut trips and not a single leak.',
      });
      await v.click('#review button');
      await v.page.waitForSelector('[data-review-done]:not([hidden])');
      await v.click('text=Tell a friend', '/demo/refer/');
      await v.click('[data-copy-referral]');
      await v.fill({ '#invite [name=friend]': email('friend', run) });
      await v.click('#invite button');
      await v.read(300, 700);
      await v.leave();
      return 'reviewed and referred';
    },
  },
  {
    name: 'Shopper who abandons at payment',
    runs: 3,
    mobile: 0.3,
    answers: { stopped: { choices: ['Shipping cost', 'Delivery time', 'Other'], other: 'Wanted to read the return policy first' } },
    async visit(v, run) {
      await v.open(`/demo/products/basecamp-tent/?gclid=demo${run}${Math.random().toString(36).slice(2, 8)}`);
      await v.read();
      await v.open('/demo/compare/');
      await v.read();
      await v.click('[data-add-to-cart="basecamp-tent"]', '/demo/cart/');
      await v.click('[data-checkout-button]', '/demo/checkout/account/');
      await v.signUp(email('abandoner', run), 'expedition-pro');
      await v.ship();
      await v.fill({ '#payment [name=card_name]': 'A Customer' }); // starts the form…
      await v.read(500, 1000);
      await v.open('/demo/help/'); // …and goes to look for answers instead
      await v.read();
      await v.leave();
      return 'abandoned at payment';
    },
  },
  {
    name: 'Shopper whose card is refused',
    runs: 2,
    mobile: 0.5,
    answers: { stopped: { choices: ['Payment options'] } },
    async visit(v, run) {
      await v.open('/demo/products/down-jacket/?utm_source=instagram&utm_medium=social&utm_campaign=winter_layers');
      await v.read();
      await v.addToCartAndCheckout();
      await v.signUp(email('refused', run), 'weekend-hiker');
      await v.ship();
      await v.click('[data-paypal]');
      await v.page.click('[data-paypal]', { clickCount: 3, delay: 40 }); // nothing happens: rage
      await v.fillCard('4242 4242 4242 4241'); // one digit off: fails validation
      await v.click('[data-pay-button]');
      await v.page.waitForFunction(() => document.querySelector('[data-payment-error]')?.textContent !== '');
      await v.read(500, 1000);
      await v.click('text=Having trouble paying? Tell us');
      await v.feedback(2, 'Card refused and PayPal does nothing');
      // Heads for another tab: exit intent in checkout asks "what stopped you?" (desktop only).
      if (!(await v.page.evaluate(() => matchMedia('(pointer: coarse)').matches))) await v.exitIntent();
      const { user } = await v.customer();
      await v.leave();
      // Support reads the feedback and calls back: a backstage event in the same journey.
      await backstage('ticket_solved', user, 'support', { topic: 'card_refused' });
      return 'form error, feedback 2';
    },
  },
  {
    name: 'Window shopper comparing tents',
    runs: 2,
    mobile: 0,
    answers: { find: { scores: [1, 3] } },
    async visit(v) {
      await v.open('/demo/products/', 'https://duckduckgo.com/');
      await v.read();
      await v.page.fill('input[name=q]', 'tent');
      await Promise.all([
        v.page.waitForURL((u) => u.search.includes('q=tent'), { waitUntil: 'load' }),
        v.page.press('input[name=q]', 'Enter'),
      ]);
      await v.read();
      await v.click('text=Summit 2 Tent >> nth=0', '/demo/products/summit-tent/');
      await v.read();
      await v.open('/demo/products/trail-runner/');
      await v.click('[data-store-stock]'); // the broken store finder: a JavaScript error
      await v.read(300, 800);
      await v.open('/demo/compare/');
      await v.page.check('[data-only-diff]');
      await v.read();
      await v.click('[data-add-to-cart="summit-tent"]', '/demo/cart/');
      await v.read(500, 1200);
      await v.leave();
      return 'left at cart';
    },
  },
];

/** The admin token `npm start` uses, when this machine has it: for backstage events and the summary. */
function adminToken(): string | undefined {
  if (process.env.CJM_ADMIN_TOKEN?.trim()) return process.env.CJM_ADMIN_TOKEN.trim();
  const file = join(ROOT, 'data', 'admin-token');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}

async function checkCollector(): Promise<void> {
  try {
    const [health, demo] = await Promise.all([fetch(`${BASE}/health`), fetch(`${BASE}/demo/`)]);
    if (health.ok && demo.ok) return;
    throw new Error(`/health answered ${health.status}, /demo/ ${demo.status}`);
  } catch (err) {
    console.error(`cjm demo:traffic: no collector with the demo shop at ${BASE} (${(err as Error).message}).`);
    console.error('Start one with `npm start` in another terminal, or point CJM_URL at it.');
    process.exit(1);
  }
}

interface Result {
  persona: string;
  device: 'desktop' | 'phone';
  outcome: string;
  pages: number;
  ms: number;
}

async function main(): Promise<void> {
  await checkCollector();
  surveysOn = await fetch(`${BASE}/surveys/shop`)
    .then((r) => r.json() as Promise<{ surveys?: unknown[] }>)
    .then(
      (s) => !!s.surveys?.length,
      () => false,
    );
  if (!surveysOn)
    console.log('cjm demo:traffic: the shop has no surveys (start the collector with `npm run demo` to have them asked and answered)');
  const started = Date.now();
  const desktop = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, `--user-agent=${DESKTOP_UA}`] });
  const phone = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, `--user-agent=${PHONE.userAgent}`] });

  // Round robin over personas, so that each kind of visit is spread over the whole run.
  const jobs: { persona: Persona; run: number }[] = [];
  for (let run = 0; jobs.length < PERSONAS.reduce((n, p) => n + p.runs, 0); run++) {
    for (const persona of PERSONAS) if (run < persona.runs) jobs.push({ persona, run });
  }
  console.log(
    `cjm demo:traffic: ${jobs.length} visits by ${PERSONAS.length} personas against ${BASE}, ${WORKERS} at a time, for at most ${BUDGET_MS / 1000} s`,
  );

  const results: Result[] = [];
  const worker = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      if (Date.now() - started > BUDGET_MS) {
        results.push({ persona: job.persona.name, device: 'desktop', outcome: 'skipped (time budget)', pages: 0, ms: 0 });
        continue;
      }
      const onPhone = Math.random() < job.persona.mobile;
      const browser: Browser = onPhone ? phone : desktop;
      const context = await browser.newContext(
        onPhone
          ? { viewport: PHONE.viewport, deviceScaleFactor: PHONE.deviceScaleFactor, isMobile: true, hasTouch: true, locale: 'de-AT' }
          : { viewport: { width: 1366, height: 800 }, locale: pick(['en-GB', 'de-DE', 'it-IT', 'fr-FR']) },
      );
      context.setDefaultTimeout(15_000);
      const visit = new Visit(await context.newPage(), job.persona.answers);
      const t0 = Date.now();
      let outcome: string;
      try {
        outcome = await job.persona.visit(visit, job.run);
      } catch (err) {
        outcome = `failed: ${(err as Error).message.split('\n')[0].slice(0, 100)}`;
      }
      await context.close();
      if (visit.answered.length) outcome += `, answered ${visit.answered.join(', ')}`;
      const r: Result = {
        persona: job.persona.name,
        device: onPhone ? 'phone' : 'desktop',
        outcome,
        pages: visit.pages,
        ms: Date.now() - t0,
      };
      results.push(r);
      console.log(`  ${r.persona} (${r.device}): ${r.outcome}, ${r.pages} pages, ${(r.ms / 1000).toFixed(1)} s`);
    }
  };
  try {
    await Promise.all(Array.from({ length: WORKERS }, worker));
  } finally {
    await Promise.all([desktop.close(), phone.close()]);
  }
  await printSummary(results, started);
}

/** "a 3, b 1": how often each value occurs, most frequent first. */
function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([v, n]) => `${v} ${n}`)
    .join(', ');
}

async function printSummary(results: Result[], started: number): Promise<void> {
  console.log('\nSummary');
  const byPersona = new Map<string, Result[]>();
  for (const r of results) byPersona.set(r.persona, [...(byPersona.get(r.persona) ?? []), r]);
  for (const [persona, rs] of byPersona) {
    const outcomes = new Map<string, number>();
    for (const r of rs) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
    const list = [...outcomes].map(([o, n]) => `${n}× ${o}`).join(', ');
    console.log(`  ${persona.padEnd(40)} ${list}`);
  }
  const visits = results.filter((r) => r.pages > 0);
  console.log(
    `  ${visits.length} visitors, ${visits.reduce((n, r) => n + r.pages, 0)} page loads in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );

  const token = adminToken();
  if (token) {
    // Give the last keepalive batches a moment to land, then count what the collector stored.
    await sleep(1500);
    const res = await fetch(`${BASE}/api/sites/shop/events?from=${started - 60_000}`, { headers: { Authorization: `Bearer ${token}` } });
    if (res.ok) {
      const events = (await res.text())
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; name: string; channel: string | null; session: string | null });
      const sessionChannels = new Map<string, string>();
      for (const e of events) if (e.session && !sessionChannels.has(e.session)) sessionChannels.set(e.session, e.channel ?? 'unknown');
      console.log(`  stored: ${events.length} events (${tally(events.map((e) => e.type))})`);
      console.log(`  checkout steps: ${tally(events.filter((e) => e.type === 'checkout').map((e) => e.name))}`);
      console.log(`  sessions by channel: ${tally([...sessionChannels.values()])}`);
      const answers = events
        .filter((e) => e.type === 'feedback' && e.name === 'survey')
        .map((e) => String((e as { props?: { survey?: unknown } }).props?.survey));
      if (surveysOn) console.log(`  survey answers: ${answers.length ? tally(answers) : 'none'}`);
    } else {
      console.log(`  (the export answered ${res.status}; the collector may use another admin token)`);
    }
  }
  console.log(`\nOpen ${BASE}/ and sign in with site "shop" and the admin token to see the journey map.`);
  const failed = results.filter((r) => r.outcome.startsWith('failed')).length;
  if (failed) {
    console.log(`${failed} visit(s) failed (see above).`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(`cjm demo:traffic: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
