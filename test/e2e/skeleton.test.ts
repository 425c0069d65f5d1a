// The walking skeleton in real Chromium, for both builds: the script tag (dist/cjm.js, with the
// README's inline stub) and the ESM build (dist/cjm.mjs imported by a module page). One visit:
// calls made before the SDK has loaded, the page view, a custom event with props, SPA
// navigation (pushState, replaceState on the same path, replaceState to a new path, popstate),
// a full page load, and closing the tab. The timer flush is set to a minute, so what arrives was sent
// by batch size or by the pagehide / visibilitychange flush. Asserted from the export: every
// event the pages sent is stored exactly once, with visitor, session and stage.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  launchBrowser,
  recordSent,
  startCollector,
  waitForStored,
  type ExportedEvent,
  type SentEvent,
  type TestCollector,
} from './helpers';

/** The one-line stub, exactly as the README documents it. */
const STUB = /<script>(window\.cjm=window\.cjm\|\|\{q:\[\]\};[^<]+)<\/script>/.exec(
  readFileSync(new URL('../../README.md', import.meta.url), 'utf8'),
)?.[1];

const STAGES = '{"/demo/skeleton/*":"consideration"}';

/** Calls made before the SDK runs; replayed in order, `stage` only affects the calls after it. */
const EARLY_CALLS = `cjm.track('early_one', { n: 1 }); cjm.stage('decision'); cjm.track('early_two', { n: 2 });`;

const pages = {
  tag: (title: string, next: string) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<script>${STUB}</script>
<script>${EARLY_CALLS}</script>
<script defer src="/cjm.js" data-site="e2e-tag" data-flush-interval="60000" data-stages='${STAGES}'></script>
</head><body><h1>${title}</h1><p style="height:2000px">Long page.</p><a id="next" href="${next}">next</a></body></html>`,
  esm: (title: string, next: string) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<script type="module">
import * as cjm from '/cjm.mjs';
${EARLY_CALLS}
cjm.init({ site: 'e2e-esm', flushInterval: 60000, stages: ${STAGES} });
window.cjm = cjm;
</script>
</head><body><h1>${title}</h1><p style="height:2000px">Long page.</p><a id="next" href="${next}">next</a></body></html>`,
};
type Build = keyof typeof pages;
const SITES: Record<Build, string> = { tag: 'e2e-tag', esm: 'e2e-esm' };

let collector: TestCollector;
let browser: Browser;
let examples: string;

beforeAll(async () => {
  expect(STUB, 'README stub').toBeTruthy();
  examples = mkdtempSync(join(tmpdir(), 'cjm-e2e-pages-'));
  for (const build of Object.keys(pages) as Build[]) {
    mkdirSync(join(examples, 'skeleton', build), { recursive: true });
    writeFileSync(join(examples, 'skeleton', build, 'a.html'), pages[build]('Page A', `/demo/skeleton/${build}/b.html`));
    writeFileSync(join(examples, 'skeleton', build, 'b.html'), pages[build]('Page B', '/demo/skeleton/'));
  }
  collector = await startCollector({ examplesDir: examples });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await collector?.close();
  if (examples) rmSync(examples, { recursive: true, force: true });
});

describe.each(Object.keys(pages) as Build[])('%s build', (build) => {
  const base = `/demo/skeleton/${build}`;
  let sent: SentEvent[];
  let stored: ExportedEvent[];

  beforeAll(async () => {
    const context = await browser.newContext();
    const log = await recordSent(context, collector.url);
    const page = await context.newPage();
    const sdkReady = () =>
      page.waitForFunction(() => {
        const api = (window as unknown as { cjm?: Record<string, unknown> }).cjm;
        return !!api && typeof api.track === 'function' && !('q' in api);
      });

    await page.goto(`${collector.url}${base}/a.html?from=test`, { waitUntil: 'load' });
    await sdkReady();
    await page.evaluate(() => {
      const { cjm } = window as unknown as { cjm: { track(n: string, p: object): void } };
      cjm.track('signup_click', { plan: 'pro', seats: 3, annual: true });
      scrollTo(0, 800);
    });
    await page.waitForFunction(() => scrollY >= 800);
    await page.evaluate((b) => history.pushState({}, '', `${b}/spa/one`), base); // a view
    await page.evaluate((b) => history.replaceState({ scroll: 1 }, '', `${b}/spa/one?tab=2`), base); // same path: not a view
    await page.evaluate((b) => history.replaceState({}, '', `${b}/spa/two`), base); // new path: a view
    await page.evaluate(() => history.back()); // popstate back to a.html: a view
    await page.waitForURL((u) => u.pathname.endsWith('/a.html'));
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/b.html'), { waitUntil: 'load' }), page.click('#next')]);
    await sdkReady();
    // Closing the tab fires pagehide: the flush that sends the rest.
    await page.close({ runBeforeUnload: true });
    await page.waitForEvent('close');

    sent = await log.read();
    stored = await waitForStored(collector, SITES[build], sent);
    await context.close();
  }, 60_000);

  it('stores every event the pages sent exactly once', () => {
    const sentIds = new Set(sent.map((e) => e.id));
    const storedIds = stored.map((e) => e.id);
    expect(sentIds.size).toBeGreaterThanOrEqual(10);
    expect(storedIds.length).toBe(new Set(storedIds).size);
    expect(new Set(storedIds)).toEqual(sentIds);
  });

  it('counts page views: full loads, pushState, replaceState only to a new path, popstate', () => {
    expect(stored.filter((e) => e.type === 'pageview').map((e) => e.path)).toEqual([
      `${base}/a.html`,
      `${base}/spa/one`,
      `${base}/spa/two`,
      `${base}/a.html`,
      `${base}/b.html`,
    ]);
    const first = stored.find((e) => e.type === 'pageview')!;
    expect(first).toMatchObject({ url: `${collector.url}${base}/a.html?from=test`, title: 'Page A' });
    expect(first.referrer ?? '').toBe(''); // opened directly
    const [, spa, , , last] = stored.filter((e) => e.type === 'pageview');
    expect(spa.referrer).toBe(`${collector.url}${base}/a.html?from=test`); // an SPA view's referrer is the view before
    expect(last.title).toBe('Page B');
  });

  it('replays the calls made before the SDK loaded, in order, after the first page view', () => {
    // Both may carry the same millisecond: the stages tell the order (stage() applies to later calls).
    const onA = stored.filter((e) => e.path === `${base}/a.html`);
    const one = onA.filter((e) => e.name === 'early_one');
    const two = onA.filter((e) => e.name === 'early_two');
    expect(one.map((e) => [e.props, e.stage])).toEqual([[{ n: 1 }, 'consideration']]); // URL rule
    expect(two.map((e) => [e.props, e.stage])).toEqual([[{ n: 2 }, 'decision']]); // after the queued stage('decision')
    const firstView = stored.find((e) => e.type === 'pageview')!;
    expect(one[0].ts).toBeGreaterThanOrEqual(firstView.ts);
    expect(two[0].ts).toBeGreaterThanOrEqual(one[0].ts);
  });

  it('sends track() with its props, and the stage of the page view it belongs to', () => {
    const click = stored.find((e) => e.name === 'signup_click')!;
    expect(click).toMatchObject({
      type: 'event',
      props: { plan: 'pro', seats: 3, annual: true },
      path: `${base}/a.html`,
      stage: 'decision',
    });
  });

  it('gives every event one visitor, one session and a stage', () => {
    expect(new Set(stored.map((e) => e.visitor)).size).toBe(1);
    expect(new Set(stored.map((e) => e.session)).size).toBe(1);
    expect(stored[0].visitor).toMatch(/^[\w-]{16,}$/);
    expect(stored[0].session).toMatch(/^[\w-]{16,}$/);
    expect(stored[0].session).not.toBe(stored[0].visitor);
    for (const e of stored) expect(e.stage, `${e.type} ${e.name}`).toMatch(/^(consideration|decision)$/);
    expect(stored.filter((e) => e.type === 'pageview').map((e) => e.stage)).toEqual(Array(5).fill('consideration'));
  });

  it('flushes on leaving: the last page, sent by no timer, arrived with its engagement', () => {
    const last = stored.filter((e) => e.path === `${base}/b.html`);
    expect(last.map((e) => (e.type === 'event' ? e.name : e.type)).sort()).toEqual(['early_one', 'early_two', 'engagement', 'pageview']);
    // A view left sends one engagement event (SPA views included) — none if no time passed in it.
    const engagement = stored.filter((e) => e.type === 'engagement').map((e) => e.path);
    const views = stored.filter((e) => e.type === 'pageview').map((e) => e.path);
    for (const path of new Set(engagement)) {
      expect(engagement.filter((p) => p === path).length).toBeLessThanOrEqual(views.filter((p) => p === path).length);
    }
    expect(engagement.at(-1)).toBe(`${base}/b.html`);
    const firstEngagement = stored.find((e) => e.type === 'engagement')!;
    expect(firstEngagement.path).toBe(`${base}/a.html`);
    expect(firstEngagement.props!.scroll).toBeGreaterThan(40);
  });
});
