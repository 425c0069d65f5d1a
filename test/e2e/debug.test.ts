// Debug mode in real Chromium: the demo shop's script tag with data-debug, against a collector
// that accepts only another site (CJM_SITES) — the console says the batch was refused and why,
// where without debug mode the events would vanish with nothing but a 403 in the network tab.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, PERSON_USER_AGENT, startCollector, type TestCollector } from './helpers';

let collector: TestCollector;
let browser: Browser;

beforeAll(async () => {
  collector = await startCollector({ sites: ['blog'] });
  browser = await launchBrowser({ userAgent: PERSON_USER_AGENT });
});
afterAll(async () => {
  await browser?.close();
  await collector?.close();
});

it('data-debug says in the console that the collector refused the batch, and why', async () => {
  const context = await browser.newContext();
  await context.route(
    (u) => u.pathname === '/demo/',
    async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, body: (await res.text()).replace('data-site="shop"', 'data-site="shop" data-debug') });
    },
  );
  const page = await context.newPage();
  const said: string[] = [];
  page.on('console', (m) => said.push(m.text()));
  await page.goto(`${collector.url}/demo/`, { waitUntil: 'load' });
  // Once the debug chunk is there (capture loads it), something to send.
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /\/cjm-debug\.mjs$/.test(e.name)), undefined, {
    timeout: 15_000,
  });
  await page.waitForTimeout(200);
  await page.evaluate(() => {
    const cjm = (window as unknown as { cjm: { track(n: string): void; flush(): void } }).cjm;
    cjm.track('signup');
    cjm.flush();
  });
  await expect
    .poll(() => said.find((m) => m.includes('cjm debug: the collector refused')), { timeout: 15_000 })
    .toMatch(/403 .*not accepted by this collector/);
  await context.close();
});
