// The demo shop itself in real Chromium: every page loads without a failed request or a
// console error and records its page view in the stage examples/README.md promises; the SPA
// example (ESM build) counts pushState and popstate views, not its replaceState filter, and
// names each view by its own title. And the shop uses only attributes docs/attributes.md documents.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, PERSON_USER_AGENT, recordSent, startCollector, waitForStored, type TestCollector } from './helpers';

/** Every demo page and the stage of its page view for a new visitor (README of examples/). */
const PAGES: [path: string, stage: string][] = [
  ['/demo/', 'awareness'], // no signal: awareness
  ['/demo/spring-sale/', 'awareness'],
  ['/demo/blog/layering/', 'awareness'],
  ['/demo/products/', 'consideration'],
  ['/demo/products/trail-runner/', 'consideration'],
  ['/demo/products/summit-tent/', 'consideration'],
  ['/demo/products/basecamp-tent/', 'consideration'],
  ['/demo/products/down-jacket/', 'consideration'],
  ['/demo/products/headlamp/', 'consideration'],
  ['/demo/pricing/', 'consideration'],
  ['/demo/compare/', 'consideration'],
  ['/demo/cart/', 'decision'],
  ['/demo/checkout/account/', 'decision'],
  ['/demo/checkout/shipping/', 'decision'],
  ['/demo/checkout/payment/', 'decision'],
  ['/demo/thank-you/', 'decision'], // URL keyword
  ['/demo/account/', 'retention'],
  ['/demo/account/login/', 'retention'],
  ['/demo/review/', 'advocacy'],
  ['/demo/refer/', 'advocacy'],
  ['/demo/help/', 'retention'],
  ['/demo/spa/', 'awareness'],
];

let collector: TestCollector;
let browser: Browser;

beforeAll(async () => {
  collector = await startCollector();
  browser = await launchBrowser({ userAgent: PERSON_USER_AGENT });
});

afterAll(async () => {
  await browser?.close();
  await collector?.close();
});

describe('demo shop pages', () => {
  it('load cleanly and record their page view in the promised stage', async () => {
    const context = await browser.newContext();
    const sent = await recordSent(context, collector.url);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`${page.url()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
    // Leaving a page aborts what it still loads (the favicon, after load): not a failure of the page.
    page.on(
      'requestfailed',
      (r) => r.failure()?.errorText !== 'net::ERR_ABORTED' && problems.push(`${r.url()}: ${r.failure()?.errorText}`),
    );
    page.on('response', (r) => r.status() >= 400 && problems.push(`${r.url()}: ${r.status()}`));

    for (const [path] of PAGES) {
      await page.goto(collector.url + path, { waitUntil: 'load' });
      expect(await page.title(), path).toMatch(/· Northtrail/);
    }
    await page.goto('about:blank');
    expect(problems).toEqual([]);

    const stored = await waitForStored(collector, 'shop', await sent.read());
    expect(stored.filter((e) => e.type === 'pageview').map((e) => [e.path, e.stage])).toEqual(PAGES);
    expect(stored.filter((e) => e.type === 'pain')).toEqual([]);
    await context.close();
  }, 60_000);
});

describe('demo shop buttons', () => {
  it('every visible button reads against its own background (WCAG contrast ≥ 3:1, large text), the feedback faces too', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const low: string[] = [];
    let faces = 0;
    for (const path of ['/demo/thank-you/', '/demo/help/', '/demo/checkout/payment/', '/demo/products/trail-runner/', '/demo/cart/']) {
      await page.goto(collector.url + path, { waitUntil: 'load' });
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      const found = await page.$$eval('button, a.button', (els) => {
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
        const lum = ([r, g, b]: number[]) => {
          const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
          return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
        };
        /** The first opaque background colour from the element up. */
        const background = (el: Element | null): number[] => {
          for (; el; el = el.parentElement) {
            const c = rgb(getComputedStyle(el).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3]! > 0.5)) return c.slice(0, 3);
          }
          return [255, 255, 255];
        };
        return els
          .filter((el) => (el as HTMLElement).offsetParent !== null)
          .map((el) => {
            const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
            return {
              text: (el.textContent ?? '').trim(),
              face: el.hasAttribute('data-cjm-feedback'),
              ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
            };
          });
      });
      for (const b of found) {
        if (b.face) faces++;
        if (b.ratio < 3) low.push(`${path} "${b.text}": ${b.ratio.toFixed(2)}:1`);
      }
    }
    expect(faces).toBeGreaterThanOrEqual(10);
    expect(low).toEqual([]);
    await context.close();
  }, 60_000);
});

describe('SPA example (ESM build)', () => {
  it('counts pushState and popstate views with their own titles, not the replaceState filter', async () => {
    const context = await browser.newContext();
    const sent = await recordSent(context, collector.url);
    const page = await context.newPage();
    await page.goto(`${collector.url}/demo/spa/`, { waitUntil: 'load' });
    await page.waitForSelector('text=Plan your next trip');

    await page.click('text=Browse trips'); // pushState
    await page.waitForURL((u) => u.pathname === '/demo/spa/trips/');
    await page.click('button:text("alps")'); // replaceState, same path: no view
    await page.waitForURL((u) => u.search === '?region=alps');
    await page.click('text=Stubai hut to hut'); // pushState
    await page.waitForSelector('h1:text("Stubai hut to hut")');
    await page.click('text=Save this trip');
    await page.goBack(); // popstate
    await page.waitForSelector('h1:text("Trips")');
    await page.click('nav >> text=Packing list'); // pushState
    await page.waitForSelector('h1:text("Packing list")');
    await page.goto('about:blank');

    const stored = await waitForStored(collector, 'shop', await sent.read());
    const views = stored.filter((e) => e.type === 'pageview');
    expect(views.map((e) => [e.path, e.title, e.stage])).toEqual([
      ['/demo/spa/', 'Trip planner · Northtrail', 'awareness'],
      ['/demo/spa/trips/', 'Trips · Northtrail', 'consideration'],
      ['/demo/spa/trips/stubai-huts/', 'Stubai hut to hut · Northtrail', 'consideration'],
      ['/demo/spa/trips/', 'Trips · Northtrail', 'consideration'],
      ['/demo/spa/checklist/', 'Packing list · Northtrail', 'decision'],
    ]);
    expect(views[3].url).toBe(`${collector.url}/demo/spa/trips/?region=alps`); // back to the filtered list
    expect(stored.find((e) => e.name === 'save_trip')).toMatchObject({
      type: 'event',
      props: { trip: 'stubai-huts' },
      stage: 'consideration',
      touchpoint: 'Save this trip',
    });
    await context.close();
  }, 60_000);
});

describe('demo shop markup', () => {
  const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
  const files = (readdirSync(examples, { recursive: true }) as string[]).filter((f) => /\.(html|js)$/.test(f));
  const docs = readFileSync(fileURLToPath(new URL('../../docs/attributes.md', import.meta.url)), 'utf8');

  it('uses only documented cjm attributes, on elements and on the script tag', () => {
    const used = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(examples, file), 'utf8');
      for (const [name] of text.matchAll(/data-cjm-[a-z_-]+/g)) used.add(name.replace(/^data-cjm-prop-.*/, 'data-cjm-prop-'));
      for (const [tag] of text.matchAll(/<script[^>]*src="\/cjm\.js"[^>]*>/g)) {
        for (const [name] of tag.matchAll(/\bdata-[a-z-]+/g)) used.add(name);
      }
    }
    expect(files.length).toBeGreaterThan(20);
    expect([...used].sort()).toEqual(
      expect.arrayContaining(['data-checkout', 'data-cjm-checkout', 'data-cjm-feedback', 'data-cjm-stage', 'data-site']),
    );
    // Named in code: `data-cjm-event="…"`, or as a selector: `[data-cjm-comment]`.
    for (const name of used) expect(docs, name).toMatch(new RegExp(`[\`[]${name}`));
  });
});
