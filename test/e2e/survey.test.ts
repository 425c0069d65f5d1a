// A micro-survey after a purchase on the demo shop, in real Chromium: the collector defines it
// (CJM_SURVEYS), the thank-you page shows it once the survey chunk has loaded, the buyer answers
// with the keyboard only, the answer is stored once with the thank-you page's stage and
// touchpoint and shows on the map (report API); a reload of the thank-you page (the purchase
// sent again) does not ask again, and an opted-out buyer is never asked.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { JourneyReport } from '../../collector/report/types';
import { parseSurveys } from '../../collector/surveys';
import { captureLoaded, launchBrowser, PERSON_USER_AGENT, recordSent, startCollector, waitForStored, type TestCollector } from './helpers';

const HEARD = {
  id: 'heard',
  question: 'How did you hear about us?',
  type: 'single',
  choices: ['Search engine', 'A friend', 'Social media'],
  other: true,
  trigger: { on: 'purchase' },
};

let browser: Browser;
let c: TestCollector;
beforeAll(async () => {
  browser = await launchBrowser({ userAgent: PERSON_USER_AGENT });
  c = await startCollector({ surveys: parseSurveys(JSON.stringify([HEARD])) });
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
  for (const [k, v] of [['name', 'Alex Huber'], ['street', 'Bergweg 1'], ['postcode', '6020'], ['city', 'Innsbruck']]) await page.fill(`#shipping [name=${k}]`, v);
  await go(page, '/demo/checkout/payment/', '#shipping button');
  for (const [k, v] of [['card_name', 'Alex Huber'], ['card_number', '4242 4242 4242 4242'], ['card_expiry', '11/31'], ['card_cvc', '123']]) await page.fill(`#payment [name=${k}]`, v);
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
  for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.classList.contains('cjm-send'))); i++) await page.keyboard.press('Tab');
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
  const again = log.filter((e) => e.name === 'purchase').slice(1).map((e) => e.id);
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
