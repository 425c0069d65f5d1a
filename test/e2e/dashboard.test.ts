// The dashboard in real Chromium against a real collector: events go in through POST /collect
// (among them an event named `<img src=x onerror=alert(1)>` and a path with a script tag), the
// marketer signs in with the admin token, and the journey map shows the numbers the report API
// computes; a filter changes them; the payloads stay text; the token never reaches a URL.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pct } from '../../collector/dashboard/format';
import type { JourneyReport } from '../../collector/report/types';
import { launchBrowser, startCollector, waitFor, type TestCollector } from './helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = `${ROOT}test-output`;
const XSS_EVENT = '<img src=x onerror=alert(1)>';
const XSS_PATH = '/search/<script>alert(2)</script>';
const HOUR = 3_600_000;

type Ev = Record<string, unknown>;

/** A visitor's journey as wire events, one session per list, spread over the last days. */
function journey(visitor: string, sessions: { hoursAgo: number; referrer?: string; query?: string; events: Ev[] }[]): Ev[] {
  const now = Date.now();
  let n = 0;
  return sessions.flatMap((s, si) =>
    s.events.map((e, ei) => {
      n += 1;
      const path = (e.path as string | undefined) ?? (e.type === 'pageview' ? (e.name as string) : '/');
      return {
        id: `${visitor}-${n}`,
        ts: now - s.hoursAgo * HOUR + ei * 40_000,
        visitor,
        session: `${visitor}-s${si}`,
        url: `https://shop.example${encodeURI(path)}${ei === 0 && s.query ? s.query : ''}`,
        ...(ei === 0 && s.referrer ? { referrer: s.referrer } : {}),
        ...e,
        path,
      };
    }),
  );
}

const view = (name: string, stage: string): Ev => ({ type: 'pageview', name, stage });
const step = (name: string, path: string, value: number, props: Ev = {}): Ev => ({
  type: 'checkout',
  name,
  stage: 'decision',
  path,
  props: { value, currency: 'EUR', ...props },
});
const feedback = (score: number, stage: string, path: string): Ev => ({
  type: 'feedback',
  name: 'feedback',
  stage,
  path,
  props: { score },
});
const pain = (name: string, stage: string, path: string): Ev => ({ type: 'pain', name, stage, path });
/** A micro-survey answer (sdk/survey/chunk.ts): a scale value, or a choice with an "Other" text, or free text. */
const answer = (stage: string, path: string, props: Ev): Ev => ({
  type: 'feedback',
  name: 'survey',
  stage,
  path,
  props: { question: `${props.survey}?`, ...props },
});

/** How a session arrives: the landing URL's query and the referrer. */
const ARRIVALS = [
  { referrer: 'https://www.google.com/' },
  { query: '?utm_source=newsletter&utm_medium=email&utm_campaign=autumn' },
  { query: '?utm_source=instagram&utm_medium=paid_social&utm_campaign=flash-sale' },
  {},
  { referrer: 'https://trail-magazine.example/best-shoes' },
];
const LANDINGS = ['/blog/trail-running-tips', '/', '/landing/flash-sale', XSS_PATH, '/'];

/** Visitors in the last 5 days (this period) and 8–12 days ago (the previous week). */
const RECENT = 40;
const EARLIER = 12;

/**
 * A deterministic shop: every 4th visitor bounces, the others browse; some add to cart and
 * abandon, some buy (and come back, and review); obstacles and feedback along the way. Every
 * 5th browser uses the `<img src=x onerror=alert(1)>` event; one landing page has a script tag.
 */
function dataset(): Ev[][] {
  return Array.from({ length: RECENT + EARLIER }, (_, i) => {
    const recent = i < RECENT;
    const hoursAgo = recent ? 2 + ((i * 29) % 115) : 8 * 24 + ((i * 13) % 90);
    const arrival = ARRIVALS[i % ARRIVALS.length]!;
    const landing = LANDINGS[(i * 3) % LANDINGS.length]!;
    const events: Ev[] = [view(landing, 'awareness')];
    const later: { hoursAgo: number; events: Ev[] }[] = [];
    if (i % 4 !== 3) {
      events.push(view('/products/trail-runner', 'consideration'));
      if (i % 6 === 1) events.push(pain('js_error', 'consideration', '/products/trail-runner'));
      events.push(view(i % 2 ? '/pricing' : '/reviews', 'consideration'));
      if (i % 5 === 0)
        events.push({
          type: 'event',
          name: XSS_EVENT,
          stage: 'consideration',
          touchpoint: XSS_EVENT,
          path: '/pricing',
          props: { label: XSS_EVENT },
        });
      if (i % 7 === 2) events.push(pain('rage_click', 'consideration', '/pricing'), feedback(2, 'consideration', '/pricing'));
      if (i % 3 === 1) events.push(answer('consideration', '/pricing', { survey: 'ease', kind: 'scale', scale: 5, value: 2 + (i % 4) }));
      if (i % 8 === 1)
        events.push(
          answer('consideration', '/pricing', {
            survey: 'say',
            kind: 'text',
            answer: i % 16 === 1 ? XSS_EVENT : 'Shipping costs are hard to find',
          }),
        );
      const price = [129, 89, 45][i % 3]!;
      events.push(step('view_item', '/products/trail-runner', price));
      if (i % 3 !== 2) {
        events.push(step('add_to_cart', '/products/trail-runner', price), view('/cart', 'decision'));
        if (i % 3 === 0) {
          events.push(step('begin_checkout', '/checkout', price));
          if (i % 9 === 3) events.push(pain('form_error', 'decision', '/checkout/payment'));
          events.push(
            step('purchase', '/checkout/thank-you', price, { transaction_id: `T-${i}` }),
            feedback(i % 2 ? 5 : 4, 'decision', '/checkout/thank-you'),
          );
          events.push(answer('decision', '/checkout/thank-you', { survey: 'nps', kind: 'scale', scale: 10, value: 5 + (i % 6) }));
          events.push(
            answer(
              'decision',
              '/checkout/thank-you',
              i % 2
                ? { survey: 'heard', kind: 'single', answer: 'A friend' }
                : { survey: 'heard', kind: 'single', answer: 'Other', other: 'A podcast about trail running' },
            ),
          );
          events.push({ type: 'identify', name: 'identify', user: `user-${i}`, persona: i % 2 ? 'bargain-hunter' : 'trail-pro' });
          if (i % 2 === 0)
            later.push({
              hoursAgo: Math.max(1, hoursAgo - 20),
              events: [
                view('/account/orders', 'retention'),
                { type: 'event', name: 'review', stage: 'advocacy', touchpoint: 'Write a review', path: '/review' },
                feedback(5, 'advocacy', '/review'),
              ],
            });
        } else {
          events.push(view('/help', 'consideration'));
        }
      }
    }
    return journey(`v${i}`, [{ hoursAgo, ...arrival, events }, ...later]);
  });
}

let collector: TestCollector;
let browser: Browser;

/** The report API's answer (what the dashboard must show) for the last `days` days. */
async function report(params: Record<string, string> = {}, days = 30): Promise<JourneyReport> {
  const now = Date.now();
  const q = new URLSearchParams({ from: String(now - days * 24 * HOUR), to: String(now + HOUR), ...params });
  const res = await fetch(`${collector.url}/api/sites/shop/journey?${q}`, { headers: { Authorization: `Bearer ${collector.token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as JourneyReport;
}

const int = (n: number) => new Intl.NumberFormat('en').format(n);

/** Opens the dashboard with console, page-error, dialog and request logs. */
async function open(): Promise<{ page: Page; problems: string[]; dialogs: string[]; urls: string[] }> {
  // Reduced motion: the charts draw without animation, so the screenshot shows them whole.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  const urls: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => urls.push(r.url()));
  return { page, problems, dialogs, urls };
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.fill('#login-site', 'shop');
  await page.fill('#login-token', token);
  await page.click('#login-submit');
}

beforeAll(async () => {
  if (!existsSync(`${ROOT}dist/dashboard/app.js`)) throw new Error('dist/dashboard/app.js is missing: run `npm run build` first');
  collector = await startCollector();
  for (const events of dataset()) {
    const res = await fetch(`${collector.url}/collect`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain',
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      },
      body: JSON.stringify({ site: 'shop', sent: Date.now(), events }),
    });
    expect(res.status, await res.clone().text()).toBe(202);
  }
  // Test traffic from a headless browser: stored as bots, left out, and the dashboard says so.
  const bots = Array.from({ length: 3 }, (_, i) => ({
    id: `bot-${i}`,
    type: 'pageview',
    name: '/',
    ts: Date.now() - 60_000 * (i + 1),
    visitor: 'vbot',
    session: 'sbot',
    url: 'https://shop.example/',
  }));
  const botRes = await fetch(`${collector.url}/collect`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
    },
    body: JSON.stringify({ site: 'shop', sent: Date.now(), events: bots }),
  });
  expect(botRes.status).toBe(202);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await collector?.close();
});

describe('dashboard', () => {
  it('signs in, draws the journey map from the real report, filters it, keeps payloads inert and the token out of URLs', async () => {
    const all = await report();
    expect(all.totals.visitors).toBe(RECENT + EARLIER);
    const { page, problems, dialogs, urls } = await open();

    const res = await page.goto(`${collector.url}/`);
    expect(res!.status()).toBe(200);
    const headers = res!.headers();
    expect(headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    await page.waitForSelector('#login:not([hidden])');

    // A wrong token is refused and stays on the sign-in form with the reason.
    await signIn(page, 'not-the-token-0123456789');
    await page.waitForSelector('#login-message:not([hidden])');
    expect(await page.textContent('#login-message')).toMatch(/not accepted/);

    await signIn(page, collector.token);
    await page.waitForSelector('.map .stage-head');

    // One column per stage, in the site's order, headed by the stage's name.
    const heads = await page.$$eval('.map .stage-name', (els) => els.map((e) => e.textContent));
    expect(heads).toEqual(all.stageNames.map((s) => s[0]!.toUpperCase() + s.slice(1)));
    // The numbers are the report's.
    expect(await page.textContent('[data-kpi="visitors"] .kpi-value')).toBe(int(all.totals.visitors));
    for (const s of all.stages) {
      expect(await page.textContent(`.cell[data-row="visitors"][data-stage="${s.stage}"] .big`), s.stage).toBe(int(s.visitors));
    }
    expect(all.stages[0]!.visitors).toBeGreaterThan(0);
    await page.waitForSelector('#funnel canvas');
    await page.waitForSelector('.emotion-chart canvas');

    // The first screen: the bot note, visitors over time, the custom events.
    expect(all.excluded.botEvents).toBe(3);
    expect(await page.textContent('.note.bots')).toContain('3 events from bots left out');
    expect(await page.textContent('.note.bots')).toContain('/api/sites/shop/events?from=');
    await page.waitForSelector('#timeline canvas');
    expect(all.timeline.reduce((n, d) => n + d.visits, 0)).toBe(all.totals.sessions);
    expect(all.customEvents.length).toBeGreaterThan(1);
    const eventRows = await page.$$eval('#events tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    // Name, events, visitors, share of the period's visitors, and who bought after it (with its share).
    expect(eventRows).toEqual(
      all.customEvents.map((e) => [
        e.name,
        int(e.events),
        int(e.visitors),
        pct(e.visitors / all.totals.visitors),
        `${int(e.boughtAfter)} (${pct(e.boughtAfter / e.visitors)})`,
      ]),
    );
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: `${OUT}/dashboard-first-screen.png` });

    // The emotion row: feedback, survey score and frustration each in its own band with its own
    // scale, value labels that do not overlap, and each stage's latest comments behind it.
    const voice = new Map(all.voice.stages.map((v) => [v.stage, v]));
    expect(voice.get('consideration')!.scoreAnswers).toBeGreaterThan(0);
    expect(voice.get('decision')!.score).not.toBeNull();
    const emotion = page.locator('.cell[data-row="emotion"]');
    await emotion.scrollIntoViewIfNeeded();
    // Hovering the decision column shows its latest comments (as text).
    const chartBox = (await page.locator('.emotion-chart').boundingBox())!;
    const column = all.stageNames.indexOf('decision');
    await page.mouse.move(chartBox.x + ((column + 0.5) * chartBox.width) / all.stageNames.length, chartBox.y + 60);
    await expect
      .poll(() => page.evaluate(() => [...document.querySelectorAll('.emotion-chart .tip')].at(-1)?.textContent ?? ''))
      .toContain('Latest comments');
    expect(await page.evaluate(() => [...document.querySelectorAll('.emotion-chart .tip')].at(-1)!.textContent)).toContain(
      'A podcast about trail running',
    );
    // Clicking a stage's comments under the chart opens them; the markup one stays text.
    await page.mouse.move(0, 0);
    await page.click('.stage-comments details[data-stage="consideration"] summary');
    expect(await page.locator('.stage-comments details[data-stage="consideration"] q').allTextContents()).toEqual(
      voice.get('consideration')!.comments.map((c) => c.text),
    );
    // The row with its header (the bands' legend), for a look at the labels.
    const head = (await page.locator('.row-head', { has: page.locator('b', { hasText: /^Emotion$/ }) }).boundingBox())!;
    const cell = (await emotion.boundingBox())!;
    await page.screenshot({
      path: `${OUT}/dashboard-emotion.png`,
      clip: { x: head.x, y: Math.min(head.y, cell.y), width: cell.x + cell.width - head.x, height: Math.max(head.height, cell.height) },
    });

    // The payloads are shown, as text.
    await expect.poll(() => page.getByText(XSS_EVENT).count()).toBeGreaterThan(0);
    expect(await page.getByText('alert(2)').count()).toBeGreaterThan(0);
    expect(await page.$$eval('img, main script, iframe', (els) => els.length)).toBe(0);

    // The Sankey's tooltips are DOM built from text: sweep the chart and read them.
    const hasXssNode = all.paths.nodes.some((n) => n.touchpoint === XSS_EVENT);
    await page.locator('.sankey-chart').scrollIntoViewIfNeeded();
    const box = (await page.locator('.sankey-chart').boundingBox())!;
    const seen = new Set<string>();
    for (let y = box.y + 10; y < box.y + box.height - 5; y += 12) {
      for (let x = box.x + 10; x < box.x + box.width - 150; x += 40) {
        await page.mouse.move(x, y);
        const text = await page.evaluate(() => [...document.querySelectorAll('.sankey-chart .tip')].at(-1)?.textContent ?? null);
        if (text) seen.add(text);
      }
      if (!hasXssNode || [...seen].some((t) => t.includes(XSS_EVENT))) break;
    }
    expect(seen.size).toBeGreaterThan(0);
    if (hasXssNode) expect([...seen].some((t) => t.includes(XSS_EVENT))).toBe(true);
    expect(await page.$$eval('img', (els) => els.length)).toBe(0);

    // Filters change the map: the last 7 days, then only visits from email.
    const kpi = () => page.textContent('[data-kpi="visitors"] .kpi-value');
    const week = await report({}, 7);
    expect(week.totals.visitors).toBe(RECENT);
    await page.selectOption('#range', '7');
    await waitFor(async () => (await kpi()) === int(RECENT), 15_000, { message: 'visitors of the last 7 days' });
    const email = await report({ channel: 'email' }, 7);
    expect(email.totals.visitors).toBeGreaterThan(0);
    expect(email.totals.visitors).toBeLessThan(week.totals.visitors);
    await page.selectOption('#filter-channel', 'email');
    await waitFor(async () => (await kpi()) === int(email.totals.visitors), 15_000, { message: 'visitors from email' });
    for (const s of email.stages) {
      expect(await page.textContent(`.cell[data-row="visitors"][data-stage="${s.stage}"] .big`), s.stage).toBe(int(s.visitors));
    }
    expect(page.url()).toContain('channel=email');

    // The period comparison: the previous week's visitors beside this week's.
    await page.selectOption('#filter-channel', '');
    await waitFor(async () => (await kpi()) === int(RECENT), 15_000, { message: 'all channels again' });
    await page.check('#compare');
    await page.waitForSelector('#comparison');
    expect(week.comparison.totals.visitors.previous).toBe(EARLIER);
    const visitorsRow = await page.locator('#comparison tbody tr').first().locator('td').allTextContents();
    expect(visitorsRow.slice(0, 3)).toEqual(['Visitors', int(RECENT), int(EARLIER)]);
    await page.waitForSelector('.map .stage-head');
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));

    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: `${OUT}/dashboard.png`, fullPage: true });

    // The token lives in sessionStorage only: never in the address or any request URL.
    expect(await page.evaluate(() => sessionStorage.getItem('cjm.adminToken'))).toBe(collector.token);
    expect(page.url()).not.toContain(collector.token);
    expect(urls.filter((u) => u.includes(collector.token))).toEqual([]);
    expect(dialogs).toEqual([]);
    // The browser logs the refused sign-in (401) as a console error; nothing else may fail.
    expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    await page.context().close();
  });

  it('shows figures that read right: reach within 100 %, completion with its meaning, a funnel that never widens, every landing page, revenue in EUR', async () => {
    const all = await report();
    const { page, problems, urls } = await open();
    await page.goto(`${collector.url}/`);
    await signIn(page, collector.token);
    await page.waitForSelector('.map .stage-head');

    // Reach: this stage or a later one, of everyone in the journey — at most 100 % everywhere.
    for (const s of all.stages) {
      expect(s.reach!, s.stage).toBeLessThanOrEqual(1);
      const cell = await page.textContent(`.cell[data-row="visitors"][data-stage="${s.stage}"]`);
      expect(cell).toContain(`reach ${pct(s.reach)}`);
      expect(cell).toContain(`entered here: ${int(s.entered)}`);
    }
    // Decision's completion is the buyers among those who reached decision (every browser viewed
    // an item; every third one bought), shown with its meaning.
    const deciders = Array.from({ length: RECENT + EARLIER }, (_, i) => i).filter((i) => i % 4 !== 3);
    const buyers = deciders.filter((i) => i % 3 === 0);
    const decision = all.stages.find((s) => s.stage === 'decision')!;
    expect(decision).toMatchObject({ completionMeans: 'purchase', visitors: deciders.length, completed: buyers.length });
    expect(await page.getAttribute('.cell[data-row="conversion"][data-stage="decision"] .big', 'title')).toBe(
      `Decision: ${pct(buyers.length / deciders.length)} bought`,
    );
    // Where people are now: one count per stage, adding up to everyone.
    const now = await page.$$eval('.cell[data-row="now"] .mid', (els) => els.map((e) => Number(e.textContent!.replace(/,/g, ''))));
    expect(now).toEqual(all.currentStages.map((c) => c.visitors));
    expect(now.reduce((a, b) => a + b, 0)).toBe(all.totals.visitors);

    // The funnel never widens, by visits and, after the switch, by people.
    const column = () =>
      page.$$eval('#funnel tbody tr td:nth-child(2)', (tds) => tds.map((td) => Number(td.textContent!.replace(/,/g, ''))));
    const visits = await column();
    expect(visits).toEqual(all.funnel.steps.map((s) => s.reached));
    for (let i = 1; i < visits.length; i++) expect(visits[i]!).toBeLessThanOrEqual(visits[i - 1]!);
    await page.click('[data-funnel-by="people"]');
    await page.waitForSelector('[data-funnel-by="people"].on');
    const byPeople = await report({ funnelBy: 'people' });
    expect(await column()).toEqual(byPeople.funnel.steps.map((s) => s.reached));
    expect(await page.textContent('#funnel thead')).toContain('People at this step or later');
    expect(page.url()).toContain('funnelBy=people');

    // Revenue carries its currency.
    expect(await page.textContent('[data-kpi="revenue"] .kpi-value')).toMatch(/^EUR [\d,]+\.\d\d$/);

    // Every landing page of this small shop is listed by default; the menu asks for busier ones.
    expect(await page.locator('#bounce tbody tr').count()).toBe(all.bounceByLanding.length);
    expect(all.bounceByLanding.length).toBe(new Set(all.bounceByLanding.map((b) => b.path)).size);
    expect(all.bounceByLanding.length).toBeGreaterThanOrEqual(4);
    await page.selectOption('#min-sessions', '100');
    await page.waitForSelector('#bounce .empty');
    expect(page.url()).toContain('minSessions=100');
    expect(await page.$$eval('main', (els) => els[0]!.textContent!.includes('-0 %'))).toBe(false);

    expect(urls.filter((u) => u.includes(collector.token))).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('downloads the CSV through a fetch with the token header', async () => {
    const { page, problems, urls } = await open();
    await page.goto(`${collector.url}/`);
    await signIn(page, collector.token);
    await page.waitForSelector('.map .stage-head');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.report-head button.csv')]);
    const file = await download.path();
    const csv = readFileSync(file, 'utf8');
    expect(csv.split('\n').length).toBeGreaterThan(3);
    // The whole report: every table under its `# name` line, with this site's rows.
    expect(csv).toContain('# stages');
    expect(csv).toContain('awareness');
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    // Each survey table of Voice of the customer has its own CSV; self-reported vs measured
    // attribution holds the report's rows (the dataset's "how did you hear?" answers).
    const all = await report();
    const heard = all.voice.surveys.find((v) => v.survey === 'heard')!;
    expect(heard.firstTouch.length).toBeGreaterThan(1);
    expect(await page.$$eval('#voice button.csv', (bs) => bs.map((b) => b.getAttribute('data-table')))).toEqual([
      'surveys',
      'attribution',
      'comments',
      'scores',
    ]);
    const [attribution] = await Promise.all([page.waitForEvent('download'), page.click('#voice button.csv[data-table="attribution"]')]);
    const lines = readFileSync(await attribution.path(), 'utf8')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('survey,answer,firstTouchChannel,count');
    expect(lines.filter((l) => l.startsWith('heard,'))).toEqual(heard.firstTouch.map((f) => `heard,${f.answer},${f.channel},${f.count}`));
    expect(attribution.suggestedFilename()).toBe('shop-journey-attribution.csv');
    expect(urls.filter((u) => u.includes(collector.token))).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('returns to the sign-in form with a clear message when the token stops working, and signs out', async () => {
    const { page, problems } = await open();
    await page.goto(`${collector.url}/`);
    await signIn(page, collector.token);
    await page.waitForSelector('.map .stage-head');
    // The token was rotated behind the tab's back.
    await page.evaluate(() => sessionStorage.setItem('cjm.adminToken', 'rotated-token-0123456789abcdef'));
    await page.selectOption('#range', '7');
    await page.waitForSelector('#login:not([hidden])');
    expect(await page.textContent('#login-message')).toMatch(/refused the admin token/);
    expect(await page.evaluate(() => sessionStorage.getItem('cjm.adminToken'))).toBeNull();

    await signIn(page, collector.token);
    await page.waitForSelector('.map .stage-head');
    await page.click('#logout');
    await page.waitForSelector('#login:not([hidden])');
    expect(await page.textContent('#login-message')).toMatch(/Signed out/);
    expect(await page.evaluate(() => sessionStorage.getItem('cjm.adminToken'))).toBeNull();
    expect(await page.$('#app:not([hidden])')).toBeNull();
    // The browser logs each refused request (401) as a console error; nothing else may fail.
    expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    await page.context().close();
  });
});
