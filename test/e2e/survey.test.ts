// A micro-survey after a purchase on the demo shop, in real Chromium: the collector defines it
// (CJM_SURVEYS), the thank-you page shows it once the survey chunk has loaded, the buyer answers
// with the keyboard only, the answer is stored once with the thank-you page's stage and
// touchpoint and shows on the map (report API); a reload of the thank-you page (the purchase
// sent again) does not ask again, and an opted-out buyer is never asked. Then, on plain test
// pages of other sites (served by the browser context, same origin as the collector), each
// trigger fires when and only when it should — by API (also before cjm-capture.mjs has
// arrived), checkout abandonment, exit intent in decision, N pages or seconds in a stage, a
// custom event — the caps hold across page loads and visits, sampling and targeting by stage,
// path, channel and persona, and an answer with markup stays text.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { JourneyReport } from '../../collector/report/types';
import { parseSurveys } from '../../collector/surveys';
import {
  captureLoaded,
  launchBrowser,
  PERSON_USER_AGENT,
  recordSent,
  startCollector,
  waitFor,
  waitForStored,
  type TestCollector,
} from './helpers';

const HEARD = {
  id: 'heard',
  question: 'How did you hear about us?',
  type: 'single',
  choices: ['Search engine', 'A friend', 'Social media'],
  other: true,
  trigger: { on: 'purchase' },
  site: 'shop',
};
const ask = (site: string, id: string, trigger: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
  id,
  site,
  question: `${id}?`,
  type: 'single',
  choices: ['Yes', 'No'],
  trigger,
  ...more,
});
/** The trigger tests' surveys, one site each (so their caps do not meet). */
const SURVEYS = [
  HEARD,
  { id: 'tell', site: 'sv-api', question: 'Anything to tell us?', type: 'text', trigger: { on: 'api' } },
  ask('sv-abandon', 'stopped', { on: 'abandon' }),
  ask('sv-exit', 'leaving', { on: 'exit' }, { stages: ['decision'] }),
  ask('sv-pages', 'browsing', { on: 'pages', count: 2, stage: 'consideration' }),
  ask('sv-seconds', 'waiting', { on: 'seconds', count: 2, stage: 'decision' }),
  ask('sv-event', 'joined', { on: 'event', name: 'signup' }),
  ask('sv-caps', 'first', { on: 'event', name: 'a' }),
  ask('sv-caps', 'second', { on: 'event', name: 'b' }),
  ask('sv-target', 'never', { on: 'event', name: 'go' }, { sample: 0 }),
  ask('sv-target', 'fans', { on: 'event', name: 'go' }, { personas: ['fan'] }),
  ask('sv-target', 'mailers', { on: 'event', name: 'go' }, { channels: ['email'] }),
  ask('sv-target', 'dealers', { on: 'event', name: 'go' }, { paths: ['/t/sv-target/deals/*'] }),
  ask('sv-target', 'members', { on: 'event', name: 'go' }, { stages: ['retention'] }),
];

let browser: Browser;
let c: TestCollector;
beforeAll(async () => {
  browser = await launchBrowser({ userAgent: PERSON_USER_AGENT });
  c = await startCollector({ surveys: parseSurveys(JSON.stringify({ capDays: 7, surveys: SURVEYS })) });
});
afterAll(async () => {
  await browser?.close();
  await c?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function go(page: Page, path: string, click?: string): Promise<void> {
  if (click) await Promise.all([page.waitForURL((u) => u.pathname === path, { waitUntil: 'load' }), page.click(click)]);
  else await page.goto(c.url + path, { waitUntil: 'load' });
  await captureLoaded(page);
}

/** From a product page to the thank-you page, as a new customer. */
async function buy(page: Page, email: string): Promise<void> {
  await go(page, '/demo/products/headlamp/');
  await go(page, '/demo/cart/', '.buy [data-add-to-cart]');
  await go(page, '/demo/checkout/account/', '[data-checkout-button]');
  await page.fill('#create-account [name=email]', email);
  await page.fill('#create-account [name=password]', 'correct horse battery');
  await go(page, '/demo/checkout/shipping/', '#create-account button');
  for (const [k, v] of [
    ['name', 'Alex Huber'],
    ['street', 'Bergweg 1'],
    ['postcode', '6020'],
    ['city', 'Innsbruck'],
  ])
    await page.fill(`#shipping [name=${k}]`, v);
  await go(page, '/demo/checkout/payment/', '#shipping button');
  for (const [k, v] of [
    ['card_name', 'Alex Huber'],
    ['card_number', '4242 4242 4242 4242'],
    ['card_expiry', '11/31'],
    ['card_cvc', '123'],
  ])
    await page.fill(`#payment [name=${k}]`, v);
  await go(page, '/demo/thank-you/', '[data-pay-button]');
}

it('asks "how did you hear about us?" after a purchase; the keyboard answer lands once on the map, in decision', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const sent = await recordSent(context, c.url);
  const page = await context.newPage();
  await buy(page, 'survey@example.com');

  // The capture chunk gave the script tag's window.cjm its survey method.
  expect(await page.evaluate(() => typeof (window as unknown as { cjm: { survey?: unknown } }).cjm.survey)).toBe('function');
  const dialog = page.locator('.cjm-survey[role=dialog]');
  await dialog.waitFor({ timeout: 15_000 });
  expect(await dialog.getAttribute('aria-modal')).toBe('true');
  // The page's layout did not move: the dialog is fixed, out of the flow.
  expect(await dialog.evaluate((el) => getComputedStyle(el).position)).toBe('fixed');
  // Keyboard only: focus starts on the first choice; the arrow key picks "A friend"; Tab on to
  // Send (the dialog keeps the focus); Enter.
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('Search engine');
  await page.keyboard.press('ArrowDown'); // radio group: moves to and checks "A friend"
  for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.classList.contains('cjm-send'))); i++)
    await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('.cjm-survey [role=status]', { hasText: 'Thank you!' }).waitFor();
  await dialog.waitFor({ state: 'detached', timeout: 5000 });

  // A reload sends the purchase again (same transaction id): the survey is not asked again.
  await page.reload({ waitUntil: 'load' });
  await captureLoaded(page);
  await sleep(1500);
  expect(await page.locator('.cjm-survey').count()).toBe(0);

  await page.goto('about:blank');
  await sleep(500);
  const log = await sent.read();
  // The reload's purchase repeats the transaction id: acknowledged, stored once.
  const again = log
    .filter((e) => e.name === 'purchase')
    .slice(1)
    .map((e) => e.id);
  expect(again.length).toBe(1);
  const stored = await waitForStored(c, 'shop', log, { dropped: new Set(again) });
  await context.close();
  const answers = stored.filter((e) => e.type === 'feedback' && e.name === 'survey');
  expect(answers.length).toBe(1);
  expect(answers[0]).toMatchObject({ stage: 'decision', touchpoint: '/demo/thank-you/', path: '/demo/thank-you/' });
  expect(answers[0]!.props).toMatchObject({ survey: 'heard', kind: 'single', answer: 'A friend' });

  const res = await fetch(`${c.url}/api/sites/shop/journey`, { headers: { authorization: `Bearer ${c.token}` } });
  const report = (await res.json()) as JourneyReport;
  const heard = report.voice.surveys.find((s) => s.survey === 'heard')!;
  expect(heard).toMatchObject({ responses: 1, choices: [{ name: 'A friend', count: 1 }] });
  expect(heard.stages).toEqual([expect.objectContaining({ stage: 'decision', responses: 1 })]);
});

it('never asks an opted-out buyer', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await go(page, '/demo/');
  await page.evaluate(() => (window as unknown as { cjm: { optOut(): void } }).cjm.optOut());
  await buy(page, 'private@example.com');
  await sleep(2000);
  expect(await page.locator('.cjm-survey').count()).toBe(0);
  await context.close();
});

// ---- Each trigger, the caps, sampling and targeting, on plain test pages of other sites ----

/** The README's stub: calls made before cjm.js has loaded are queued. */
const STUB = `window.cjm=window.cjm||{q:[]};"init track page identify stage feedback flush optOut optIn survey".split(" ").forEach(function(m){cjm[m]=cjm[m]||function(){cjm.q.push([m,arguments])}})`;

/**
 * A test page at /t/<site>/<path>: the stub and `?before=` (script run before the tag), the tag
 * (with `?persona=`, `?debug`), then `?after=` (run right after cjm.js, before its capture chunk).
 */
const testPage = (url: URL): string => {
  const site = url.pathname.split('/')[2];
  const q = url.searchParams;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${url.pathname}</title>
<script>${STUB};${q.get('before') ?? ''}</script>
<script src="/cjm.js" data-site="${site}" data-flush-interval="500"${q.has('persona') ? ` data-persona="${q.get('persona')}"` : ''}${q.has('debug') ? ' data-debug' : ''}></script>
<script>${q.get('after') ?? ''}</script>
</head><body><h1>${url.pathname}</h1><button id="signup" data-cjm-event="signup">Sign up</button><p style="height:1500px">Text.</p></body></html>`;
};

/** A fresh visitor: a context serving the test pages, recording what it sends. */
async function visitor() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.route(`${c.url}/t/**`, (route) =>
    route.fulfill({ contentType: 'text/html; charset=utf-8', body: testPage(new URL(route.request().url())) }),
  );
  const sent = await recordSent(context, c.url);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, sent, errors };
}

/** Loads `path` and waits until its surveys have started (cjm-survey.mjs loaded and run). */
async function open(page: Page, path: string): Promise<void> {
  // Its response, not performance entries: the caps test fakes the page's clock (and performance).
  const chunk = page.waitForResponse((r) => r.url().endsWith('/cjm-survey.mjs'), { timeout: 15_000 });
  await page.goto(c.url + path, { waitUntil: 'load' });
  await chunk;
  await sleep(200);
}

/** The id of the survey on screen, or null (after `ms` for anything due to show). */
const onScreen = async (page: Page, ms = 300): Promise<string | null> => {
  await sleep(ms);
  const box = page.locator('.cjm-survey');
  return (await box.count()) ? box.getAttribute('data-cjm-survey-id') : null;
};
const track = (page: Page, name: string) =>
  page.evaluate((n) => (window as unknown as { cjm: { track(n: string): void } }).cjm.track(n), name);
const answersOf = <E extends { type: string; name: string }>(stored: E[]) =>
  stored.filter((e) => e.type === 'feedback' && e.name === 'survey');

it('cjm.survey() before cjm-capture.mjs has arrived (stub queue, right after the tag) shows it then, once; markup typed as an answer stays text', async () => {
  const { context, page, sent, errors } = await visitor();
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await context.route('**/cjm-capture.mjs', async (route) => {
    await held;
    await route.continue();
  });
  const said: string[] = [];
  page.on('console', (m) => said.push(m.text()));
  const before = encodeURIComponent(`cjm.survey('tell')`);
  const after = encodeURIComponent(`cjm.survey('tell'); cjm.survey('nope'); window.surveyIs = typeof cjm.survey`);
  await page.goto(`${c.url}/t/sv-api/blog/post?debug&before=${before}&after=${after}`, { waitUntil: 'domcontentloaded' });
  expect(await page.evaluate(() => (window as unknown as { surveyIs: string }).surveyIs)).toBe('function');
  expect(await onScreen(page, 800)).toBeNull(); // capture (and so the surveys) still held back
  release();
  const dialog = page.locator('.cjm-survey[role=dialog]');
  await dialog.waitFor({ timeout: 15_000 });
  expect(await page.locator('.cjm-survey').count()).toBe(1); // two calls, one survey
  await waitFor(() => said.some((m) => m.includes('cjm.survey("nope") shows nothing: no survey "nope"')), 5000, {
    message: 'debug says the id is unknown',
  });

  // Keyboard only: the focus is in the text field; type, Tab to Send, Enter.
  const evil = '<img src=x onerror="window.pwned=1">';
  await page.keyboard.type(evil);
  for (let i = 0; i < 5 && !(await page.evaluate(() => document.activeElement?.classList.contains('cjm-send'))); i++)
    await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('.cjm-survey [role=status]', { hasText: 'Thank you!' }).waitFor();
  await dialog.waitFor({ state: 'detached', timeout: 5000 });
  expect(await page.evaluate(() => [document.querySelectorAll('img').length, (window as { pwned?: number }).pwned])).toEqual([
    0,
    undefined,
  ]);

  await page.goto('about:blank');
  const stored = await waitForStored(c, 'sv-api', await sent.read());
  await context.close();
  const answers = answersOf(stored);
  expect(answers.map((a) => [a.stage, a.path, a.props])).toEqual([
    ['awareness', '/t/sv-api/blog/post', { survey: 'tell', question: 'Anything to tell us?', kind: 'text', answer: evil }],
  ]);
  expect(errors).toEqual([]);
});

it('checkout abandonment: not while checking out, but on going back to browsing without buying; answered once, on that page', async () => {
  const { context, page, sent } = await visitor();
  await open(page, '/t/sv-abandon/products/boots');
  await track(page, 'begin_checkout');
  await open(page, '/t/sv-abandon/checkout/payment');
  expect(await onScreen(page)).toBeNull();
  await open(page, '/t/sv-abandon/products/tent');
  expect(await onScreen(page)).toBe('stopped');
  await page.click('.cjm-survey input[value="No"]');
  await page.click('.cjm-survey .cjm-send');
  await page.locator('.cjm-survey').waitFor({ state: 'detached', timeout: 5000 });
  await page.goto('about:blank');
  const answers = answersOf(await waitForStored(c, 'sv-abandon', await sent.read()));
  await context.close();
  expect(answers.map((a) => [a.stage, a.path, a.props?.answer])).toEqual([['consideration', '/t/sv-abandon/products/tent', 'No']]);
});

it('exit intent in decision: the pointer leaving through the top on a checkout page, not on a blog page nor moving inside', async () => {
  const { context, page } = await visitor();
  /** The pointer leaves the window through its top edge (real input events). */
  const leave = async () => {
    await page.mouse.move(640, 200);
    await page.mouse.move(640, 5, { steps: 4 });
    await page.mouse.move(640, -20, { steps: 2 });
  };
  await open(page, '/t/sv-exit/blog/post');
  await leave();
  expect(await onScreen(page)).toBeNull();
  await open(page, '/t/sv-exit/checkout/payment');
  await page.mouse.move(100, 600, { steps: 5 });
  await page.mouse.move(1200, 400, { steps: 5 });
  expect(await onScreen(page)).toBeNull();
  await leave();
  expect(await onScreen(page)).toBe('leaving');
  await context.close();
});

it('after N pages in a stage (2nd consideration page, across page loads), after N seconds on a decision page, on a custom event', async () => {
  const pages = await visitor();
  await open(pages.page, '/t/sv-pages/products/boots');
  await open(pages.page, '/t/sv-pages/blog/post');
  expect(await onScreen(pages.page)).toBeNull();
  await open(pages.page, '/t/sv-pages/products/tent');
  expect(await onScreen(pages.page)).toBe('browsing');

  const seconds = await visitor();
  await open(seconds.page, '/t/sv-seconds/blog/post');
  expect(await onScreen(seconds.page, 2500)).toBeNull(); // not a decision page
  await open(seconds.page, '/t/sv-seconds/cart/');
  const start = Date.now();
  expect(await onScreen(seconds.page, 800)).toBeNull();
  await seconds.page.locator('.cjm-survey').waitFor({ timeout: 5000 });
  expect(Date.now() - start).toBeGreaterThan(1000);
  expect(await onScreen(seconds.page, 0)).toBe('waiting');

  const event = await visitor();
  await open(event.page, '/t/sv-event/products/boots');
  await track(event.page, 'newsletter');
  expect(await onScreen(event.page)).toBeNull();
  await event.page.click('#signup'); // data-cjm-event="signup"
  expect(await onScreen(event.page)).toBe('joined');
  await Promise.all([pages.context.close(), seconds.context.close(), event.context.close()]);
});

it('caps across page loads and visits: never twice in a visit, one survey per 7 days, each survey once per person', async () => {
  const { context, page } = await visitor();
  const t0 = Date.now();
  await context.clock.install({ time: t0 });
  await open(page, '/t/sv-caps/products/boots');
  await track(page, 'a');
  expect(await onScreen(page)).toBe('first');
  await page.keyboard.press('Escape'); // dismissed counts as shown
  await track(page, 'b');
  expect(await onScreen(page)).toBeNull(); // same visit
  await open(page, '/t/sv-caps/products/tent');
  await track(page, 'b');
  expect(await onScreen(page)).toBeNull(); // same visit, another page load
  // Another URL each time: the fake clock moves Date but not performance.timeOrigin, so the
  // survey chunk would take an unsent event of the same URL for one of this page load's.
  await page.clock.setSystemTime(t0 + 31 * 60_000);
  await open(page, '/t/sv-caps/products/lamp');
  await track(page, 'b');
  expect(await onScreen(page)).toBeNull(); // a new visit, within the 7-day cap
  await page.clock.setSystemTime(t0 + 8 * 86_400_000);
  await open(page, '/t/sv-caps/products/stove');
  await track(page, 'a');
  expect(await onScreen(page)).toBeNull(); // "first" was shown to this person already
  await track(page, 'b');
  expect(await onScreen(page)).toBe('second');
  await context.close();
});

it('sampling (0 %: never) and targeting by persona, channel, path and stage', async () => {
  const probe = async (path: string) => {
    const { context, page } = await visitor();
    await open(page, path);
    await track(page, 'go');
    const id = await onScreen(page);
    const sampled = await page.evaluate(() => JSON.parse(localStorage.getItem('cjm_sv_sv-target') || '{}').sampled);
    await context.close();
    return [id, sampled?.never];
  };
  const seen = await Promise.all([
    probe('/t/sv-target/blog/post'),
    probe('/t/sv-target/blog/post?persona=fan'),
    probe('/t/sv-target/blog/post?utm_source=newsletter&utm_medium=email'),
    probe('/t/sv-target/deals/boots'),
    probe('/t/sv-target/account/'),
  ]);
  // "never" matches everyone but its 0 % sample: drawn (false) for each visitor, never shown.
  expect(seen).toEqual([
    [null, false],
    ['fans', false],
    ['mailers', false],
    ['dealers', false],
    ['members', false],
  ]);
});
