// The last page of a visit delivers its poor web vitals (issue 19). CLS and INP are final only
// when the page is hidden, after the tracker's own flush on hide; they used to wait in the
// outbox for a next page on the site, which the last page of a visit never has.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { captureLoaded, exportEvents, launchBrowser, PERSON_USER_AGENT, startCollector, waitFor, type TestCollector } from './helpers';

let browser: Browser;
let c: TestCollector;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cjm-vitals-'));
  mkdirSync(join(dir, 'shift'));
  // A page whose content jumps down by most of the window a moment after it loads: poor CLS.
  writeFileSync(
    join(dir, 'shift', 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>Shift</title>
<script defer src="/cjm.js" data-site="vitals" data-vitals></script></head>
<body style="margin:0"><p id="text" style="font-size:40px;height:600px;margin:0">Content that is read, then jumps away.</p>
<script>setTimeout(function () { var ad = document.createElement('div'); ad.style.height = '500px'; document.body.prepend(ad); }, 300);</script>
</body></html>`,
  );
  browser = await launchBrowser({ userAgent: PERSON_USER_AGENT });
  c = await startCollector({ examplesDir: dir });
});
afterAll(async () => {
  await browser?.close();
  await c?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a poor CLS of the last page arrives when the visitor leaves the site', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  await page.goto(`${c.url}/demo/shift/`, { waitUntil: 'load' });
  await captureLoaded(page);
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /\/cjm-vitals\.mjs$/.test(e.name)));
  await page.waitForTimeout(800); // the shift has happened
  await page.goto('about:blank'); // leaves the site: no later page will send what is left
  const cls = await waitFor(
    async () => (await exportEvents(c, 'vitals')).find((e) => e.name === 'poor_vital' && e.props?.metric === 'CLS'),
    15_000,
    {
      message: 'poor CLS stored',
    },
  );
  expect(cls).toMatchObject({ type: 'pain', path: '/demo/shift/', props: { rating: 'poor' } });
  expect(cls.props!.value as number).toBeGreaterThan(0.25);
  await context.close();
});
