// The script tag's second file, cjm-capture.mjs (engagement, clicks, forms, JS errors, page-type
// hints, site search, checkout steps), in real Chromium against a real collector, from a page on
// another origin (so the chunk is a cross-origin module import, which needs the collector's CORS
// header). What happens before it arrives must be kept and sent once it has, and the page view
// queued before it gets its hint; if it never arrives, page views still go out and the page sees
// no error. With data-vitals, the chunk imports cjm-vitals.mjs from beside itself.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { exportEvents, launchBrowser, recordSent, startCollector, waitFor, type ExportedEvent, type TestCollector } from './helpers';

let collector: TestCollector;
let browser: Browser;
/** The shop: another origin (another port) serving shopPage() for any path, ?site=… */
let shop: Server;
let SHOP: string;

beforeAll(async () => {
  collector = await startCollector();
  browser = await launchBrowser();
  shop = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    // recordSent() reads what was sent from a page of the shop's origin without the tag.
    if (url.pathname == '/health') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    const query = url.searchParams;
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(shopPage(query.get('site') ?? 'none', query.has('vitals'), query.has('ld')));
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  SHOP = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await collector?.close();
  await new Promise((resolve) => shop?.close(resolve));
});

/** A shop page on SHOP that loads the script tag from the collector; `ld`: with a Product's JSON-LD. */
const shopPage = (site: string, vitals: boolean, ld = false) => `<!doctype html><html><head><meta charset="utf-8"><title>Boots</title>
<script defer src="${collector.url}/cjm.js" data-site="${site}" data-flush-interval="60000"
  ${ld ? '' : `data-checkout='{"/products/*":"view_item"}'`}${vitals ? ' data-vitals' : ''}></script>
${ld ? '<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"BreadcrumbList","itemListElement":[]},{"@type":"Product","name":"Boots","offers":{"@type":"Offer","price":"129"}}]}</script>' : ''}
</head><body>
<button id="share" data-cjm-event="share" data-cjm-prop-network="copy_link">Share</button>
<form id="newsletter"><input id="email" name="email"></form>
<p style="height:2000px">Long page.</p>
</body></html>`;

/** A fresh context and page that records uncaught page errors and the SDK files it loaded. */
const openShop = async (): Promise<{ context: BrowserContext; page: Page; errors: string[]; loaded: string[] }> => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  const loaded: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('response', (r) => /\/cjm[^/]*\.m?js$/.test(r.url()) && loaded.push(`${new URL(r.url()).pathname} ${r.status()}`));
  return { context, page, errors, loaded };
};

const stored = (site: string) => exportEvents(collector, site);
const names = (events: ExportedEvent[]) => events.map((e) => e.name).sort();

describe('script tag: lazily loaded capture (cjm-capture.mjs)', () => {
  it('keeps what happens before the chunk arrives and sends it once it has', async () => {
    const site = 'lazy-held';
    const { context, page, errors, loaded } = await openShop();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let requested = false;
    await context.route('**/cjm-capture.mjs', async (route) => {
      requested = true;
      await held;
      await route.continue();
    });

    await page.goto(`${SHOP}/products/boots?q=trail+boots&site=${site}`);
    await page.waitForFunction(() => typeof (window as { cjm?: { flush?: unknown } }).cjm?.flush === 'function');
    await waitFor(() => requested, 15_000, { message: 'cjm-capture.mjs requested' });
    // Before the chunk: a click, a form start and an uncaught error.
    await page.click('#share');
    await page.fill('#email', 'x');
    await page.evaluate(() =>
      setTimeout(() => {
        throw new Error('boom before capture');
      }),
    );
    await page.evaluate(() => (window as unknown as { cjm: { flush(): void } }).cjm.flush());
    // The page view went out with the flush; nothing of the chunk's could have.
    const before = await waitFor(async () => {
      const e = await stored(site);
      return e.length > 0 && e;
    });
    expect(names(before)).toEqual(['/products/boots']);

    release();
    const after = await waitFor(async () => {
      await page.evaluate(() => (window as unknown as { cjm: { flush(): void } }).cjm.flush());
      const e = await stored(site);
      return e.length >= 6 && e;
    });
    expect(names(after)).toEqual(['/products/boots', 'form_start', 'js_error', 'search', 'share', 'view_item']);
    const by = Object.fromEntries(after.map((e) => [e.name, e]));
    expect(by.search.props).toEqual({ term: 'trail boots' });
    expect(by.share).toMatchObject({ type: 'event', touchpoint: 'Share', props: { network: 'copy_link' } });
    expect(by.form_start).toMatchObject({ touchpoint: 'newsletter', props: { form: 'newsletter' } });
    expect(by.js_error).toMatchObject({ type: 'pain', props: { message: expect.stringContaining('boom before capture') } });
    // Only the test's own uncaught error reached the page; web vitals (off) cost nothing.
    expect(errors).toEqual(['boom before capture']);
    expect(loaded.sort()).toEqual(['/cjm-capture.mjs 200', '/cjm.js 200']);
    await context.close();
  });

  it('with data-vitals, cjm-capture.mjs loads cjm-vitals.mjs from beside itself and vitals arrive', async () => {
    const site = 'lazy-vitals';
    const { context, page, errors, loaded } = await openShop();

    await page.goto(`${SHOP}/products/boots?site=${site}&vitals`);
    const vitals = await waitFor(async () => {
      await page.evaluate(() => (window as unknown as { cjm: { flush(): void } }).cjm.flush());
      const e = (await stored(site)).filter((x) => x.type === 'vital' || x.name === 'poor_vital');
      const metrics = e.map((x) => x.props?.metric);
      return metrics.includes('TTFB') && metrics.includes('FCP') && e;
    });
    for (const v of vitals)
      expect(v.props).toMatchObject({ value: expect.any(Number), rating: expect.stringMatching(/^(good|needs-improvement|poor)$/) });
    expect(loaded.sort()).toEqual(['/cjm-capture.mjs 200', '/cjm-vitals.mjs 200', '/cjm.js 200']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a product page with JSON-LD sends hint "product" on its page view and its engagement', async () => {
    const site = 'lazy-hint';
    const { context, page, errors } = await openShop();
    const sent = await recordSent(context, SHOP);
    // The chunk arrives after the page view is queued: the queued page view gets the hint.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let requested = false;
    await context.route('**/cjm-capture.mjs', async (route) => {
      requested = true;
      await held;
      await route.continue();
    });

    await page.goto(`${SHOP}/boots?ld&site=${site}`);
    await waitFor(() => requested, 15_000, { message: 'cjm-capture.mjs requested' });
    release();
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /\/cjm-capture\.mjs$/.test(e.name)));
    await page.mouse.wheel(0, 800);
    await page.waitForTimeout(300); // some engaged time
    await page.goto('about:blank'); // leaving sends the page view and the engagement

    const events = await waitFor(async () => {
      const e = (await sent.read()).filter((x) => String(x.url).includes(`site=${site}`));
      return e.some((x) => x.type === 'engagement') && e;
    });
    expect(events.map((e) => [e.type, e.hint])).toEqual([
      ['pageview', 'product'],
      ['engagement', 'product'],
    ]);
    // The collector accepted them.
    await waitFor(async () => (await stored(site)).length === 2);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('without the chunk, page views still arrive (no hint, no engagement) and the page sees no error', async () => {
    const site = 'lazy-blocked';
    const { context, page, errors } = await openShop();
    let aborted = false;
    await context.route('**/cjm-capture.mjs', (route) => {
      aborted = true;
      return route.abort('blockedbyclient');
    });

    await page.goto(`${SHOP}/products/boots?ld&site=${site}`);
    await waitFor(() => aborted, 15_000, { message: 'cjm-capture.mjs requested' });
    await page.click('#share');
    await page.mouse.wheel(0, 800);
    await page.evaluate(() => (window as unknown as { cjm: { track(n: string): void } }).cjm.track('api_call'));
    await page.goto('about:blank'); // leaving sends what was queued

    const events = await waitFor(async () => {
      const e = await stored(site);
      return e.length >= 2 && e;
    });
    expect(events.map((e) => e.type + ' ' + e.name).sort()).toEqual(['event api_call', 'pageview /products/boots']);
    expect(errors).toEqual([]);
    await context.close();
  });
});
