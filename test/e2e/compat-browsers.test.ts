// Drop-in ingestion with the real browser clients of Plausible (@plausible-analytics/tracker,
// plausible-tracker), Umami (the `umami` package's tracker) and Segment (@segment/analytics-next),
// unmodified, only their host pointed at cjm: real Chromium, pages on another origin than the
// collector. Every request a client makes must be answered 2xx and be readable by the page
// (preflights included), every event stored exactly once with the mapping of docs/compat.md,
// and the session's channel the one cjm's own rules give for that landing page.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../collector/journey/channel';
import { bundle, packageVersion, umamiTracker, UMAMI_VERSION } from './compat-clients';
import { exportEvents, launchBrowser, PERSON_USER_AGENT, startCollector, waitFor, type ExportedEvent, type TestCollector } from './helpers';

let collector: TestCollector;
let browser: Browser;
let site: Server;
let siteUrl: string;
const scripts = new Map<string, string>();

beforeAll(async () => {
  collector = await startCollector();
  // A person's browser: not flagged as automated (Plausible's tracker ignores navigator.webdriver
  // browsers, as it should), with a desktop Chrome User-Agent.
  browser = await launchBrowser({
    userAgent: PERSON_USER_AGENT,
    ignoreDefaultArgs: ['--enable-automation'],
    args: ['--disable-blink-features=AutomationControlled'],
  });
  scripts.set(
    '/js/plausible-npm.js',
    await bundle("import { init, track } from '@plausible-analytics/tracker'; window.PlausibleNpm = { init, track };"),
  );
  scripts.set('/js/plausible-tracker.js', await bundle("import Plausible from 'plausible-tracker'; window.PlausibleTracker = Plausible;"));
  scripts.set(
    '/js/segment.js',
    await bundle("import { AnalyticsBrowser } from '@segment/analytics-next'; window.AnalyticsBrowser = AnalyticsBrowser;"),
  );
  scripts.set('/js/umami.js', umamiTracker());

  // The customer's site, on its own origin: each page loads one client the way its docs say.
  site = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const js = scripts.get(url.pathname);
    if (js) {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
      return;
    }
    const client = url.pathname.split('/')[1];
    const C = collector.url;
    const head: Record<string, string> = {
      'plausible-npm': `<script src="/js/plausible-npm.js"></script><script>PlausibleNpm.init({ domain: 'plausible-npm.test', endpoint: '${C}/api/event', captureOnLocalhost: true })</script>`,
      'plausible-tracker': `<script src="/js/plausible-tracker.js"></script><script>window.pl = PlausibleTracker({ domain: 'plausible-legacy.test', apiHost: '${C}', trackLocalhost: true })</script>`,
      umami: `<script defer src="/js/umami.js" data-website-id="4f8e2c1a-9b7d-4e3f-a1c2-0d9e8f7a6b5c" data-host-url="${C}"></script>`,
      segment: `<script src="/js/segment.js"></script>`,
    };
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>${client} – Grüße &amp; more</title>${head[client ?? ''] ?? ''}</head>
      <body><button id="cta" data-umami-event="cta" data-umami-event-position="hero">Go</button><div style="height:3000px"></div></body></html>`);
  });
  await new Promise<void>((ok) => site.listen(0, '127.0.0.1', ok));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  if (site) await new Promise((ok) => site.close(ok));
  await collector?.close();
});

/** Every request a page made to the collector, with its answer or failure (CORS refusals fail). */
interface Traffic {
  posts: { path: string; body: unknown }[];
  answers: { path: string; status: number }[];
  failures: string[];
}

async function openPage(path: string, referer?: string): Promise<{ page: Page; traffic: Traffic }> {
  const page = await browser.newPage();
  const traffic: Traffic = { posts: [], answers: [], failures: [] };
  const mine = (u: string) => u.startsWith(collector.url);
  page.on('request', (r) => {
    if (mine(r.url()) && r.method() === 'POST')
      traffic.posts.push({ path: new URL(r.url()).pathname, body: JSON.parse(r.postData() ?? 'null') });
  });
  page.on('response', (r) => {
    if (mine(r.url())) traffic.answers.push({ path: new URL(r.url()).pathname, status: r.status() });
  });
  page.on('requestfailed', (r) => {
    if (mine(r.url())) traffic.failures.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`);
  });
  await page.goto(`${siteUrl}${path}`, referer ? { referer } : {});
  return { page, traffic };
}

/** Waits until `site` has `n` stored events; returns them oldest first. */
const stored = (siteId: string, n: number) =>
  waitFor(
    async () => {
      const rows = await exportEvents(collector, siteId);
      return rows.length >= n && rows.sort((a, b) => a.time - b.time || a.ts - b.ts);
    },
    20_000,
    { message: `${n} events of ${siteId}` },
  );

/** The session channel cjm's own rules give a landing URL and referrer (what the SDK would get). */
const channelOf = (url: string, referrer?: string) => {
  const a = classify(url, referrer);
  return { channel: a.channel, source: a.source, medium: a.medium, campaign: a.campaign ?? null };
};

function expectOneVisit(rows: ExportedEvent[]): void {
  expect(new Set(rows.map((r) => r.visitor)).size).toBe(1);
  expect(new Set(rows.map((r) => r.session)).size).toBe(1);
  expect(rows.every((r) => r.bot === false && r.device === 'desktop' && r.browser === 'Chrome')).toBe(true);
  expect(rows.every((r) => r.stage !== null && r.touchpoint !== null)).toBe(true);
  const now = Date.now();
  expect(rows.every((r) => Math.abs(r.ts - now) < 120_000)).toBe(true);
}

function expectAllAnswered(traffic: Traffic): void {
  expect(traffic.failures).toEqual([]);
  expect(traffic.answers.length).toBeGreaterThanOrEqual(traffic.posts.length);
  expect(traffic.answers.filter((a) => a.status < 200 || a.status > 299)).toEqual([]);
}

describe(`@plausible-analytics/tracker ${packageVersion('@plausible-analytics/tracker')}`, () => {
  it('stores page views, custom events, revenue and engagement once each, in one visit', async () => {
    const landing = `/plausible-npm/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring`;
    const { page, traffic } = await openPage(landing);
    await waitFor(() => traffic.answers.length >= 1);
    // The tracker's callback gets the status only when the page could read the answer (CORS).
    const statuses = await page.evaluate(async () => {
      const w = window as unknown as { PlausibleNpm: { track(n: string, o: object): void } };
      const tracked = (name: string, options: object) =>
        new Promise<unknown>((done) => w.PlausibleNpm.track(name, { ...options, callback: done }));
      const a = await tracked('Signup', { props: { plan: 'pro', seats: '3' } });
      const b = await tracked('Purchase', { revenue: { amount: 15.99, currency: 'EUR' }, props: { order_id: 'P-1' } });
      history.pushState({}, '', '/plausible-npm/pricing'); // SPA navigation: engagement of the landing, then a page view
      return [a, b];
    });
    expect(statuses).toEqual([{ status: 202 }, { status: 202 }]);
    await waitFor(() => traffic.posts.length >= 5 && traffic.answers.length >= traffic.posts.length);
    const sent = traffic.posts.length;
    const rows = await stored('plausible-npm.test', sent);
    await page.close();

    expectAllAnswered(traffic);
    expect(rows).toHaveLength(sent); // one row per request: exactly once, nothing else
    const [view, signup, purchase] = rows;
    expect(view).toMatchObject({
      type: 'pageview',
      name: '/plausible-npm/landing',
      path: '/plausible-npm/landing',
      url: `${siteUrl}${landing}`,
      referrer: null,
      landing: '/plausible-npm/landing',
    });
    expect(view).toMatchObject(channelOf(`${siteUrl}${landing}`));
    expect(signup).toMatchObject({ type: 'event', name: 'Signup', path: '/plausible-npm/landing', props: { plan: 'pro', seats: '3' } });
    expect(purchase).toMatchObject({
      type: 'checkout',
      name: 'purchase',
      props: { value: 15.99, currency: 'EUR', transaction_id: 'P-1', source_event: 'Purchase' },
      txn: 'P-1',
    });
    const engagement = rows.filter((r) => r.name === 'engagement');
    expect(engagement.length).toBeGreaterThanOrEqual(1);
    expect(engagement.every((r) => r.type === 'engagement' && typeof r.props?.engaged_ms === 'number')).toBe(true);
    expect(rows.filter((r) => r.type === 'pageview').map((r) => r.name)).toEqual(['/plausible-npm/landing', '/plausible-npm/pricing']);
    expectOneVisit(rows);
    expect(new Set(rows.map((r) => r.channel))).toEqual(new Set([view!.channel]));
  });
});

describe(`plausible-tracker ${packageVersion('plausible-tracker')}`, () => {
  it('maps its JSON-string props and a referrer-only landing', async () => {
    const referrer = 'https://www.google.com/';
    const { page, traffic } = await openPage('/plausible-tracker/docs', referrer);
    await page.evaluate(() => {
      const pl = (window as unknown as { pl: { trackPageview(): void; trackEvent(n: string, o: object): void } }).pl;
      pl.trackPageview();
      pl.trackEvent('Download', { props: { file: 'guide.pdf', size: 'large' } });
    });
    await waitFor(() => traffic.answers.length >= 2);
    const rows = await stored('plausible-legacy.test', 2);
    await page.close();

    expectAllAnswered(traffic);
    expect(traffic.posts).toHaveLength(2);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      type: 'pageview',
      name: '/plausible-tracker/docs',
      url: `${siteUrl}/plausible-tracker/docs`,
      referrer,
      ...channelOf(`${siteUrl}/plausible-tracker/docs`, referrer),
    });
    expect(rows.find((r) => r.type === 'event')).toMatchObject({
      name: 'Download',
      path: '/plausible-tracker/docs',
      props: { file: 'guide.pdf', size: 'large' },
    });
    expectOneVisit(rows);
  });
});

describe(`umami ${UMAMI_VERSION} tracker (script tag)`, () => {
  it('keeps every event after the first (x-umami-cache preflight), decodes titles and resolves paths', async () => {
    const website = '4f8e2c1a-9b7d-4e3f-a1c2-0d9e8f7a6b5c';
    const landing = '/umami/start?utm_source=twitter&utm_medium=social&utm_campaign=launch';
    const { page, traffic } = await openPage(landing);
    await waitFor(() => traffic.answers.length >= 1); // the automatic page view
    const answers = await page.evaluate(async () => {
      const u = (window as unknown as { umami: { track(n: string, d?: object): Promise<string>; identify(d: object): Promise<string> } })
        .umami;
      const out = [
        await u.track('signup', { plan: 'pro', seats: 2 }),
        await u.track('checkout', { revenue: 42.5, currency: 'EUR', order_id: 'U-1' }),
        await u.identify({ persona: 'researcher' }),
      ];
      document.getElementById('cta')!.click();
      history.pushState({}, '', '/umami/next');
      return out;
    });
    // The tracker returns the answer's text only when it could read it (CORS).
    for (const a of answers) {
      const body = JSON.parse(a) as Record<string, unknown>;
      expect(typeof body.cache).toBe('string');
      expect(body).not.toHaveProperty('disabled');
    }
    await waitFor(() => traffic.posts.length >= 6 && traffic.answers.length >= 6, 10_000);
    const rows = await stored(website, 6);
    await page.close();

    expectAllAnswered(traffic);
    expect(traffic.posts).toHaveLength(6);
    expect(rows).toHaveLength(6);
    const by = (type: string, name?: string) => rows.find((r) => r.type === type && (name === undefined || r.name === name));
    const url = `${siteUrl}${landing}`;
    expect(by('pageview', '/umami/start')).toMatchObject({ url, title: 'umami – Grüße & more', referrer: null, ...channelOf(url) });
    expect(by('event', 'signup')).toMatchObject({ path: '/umami/start', props: { plan: 'pro', seats: 2 } });
    expect(by('checkout', 'purchase')).toMatchObject({
      props: { value: 42.5, currency: 'EUR', transaction_id: 'U-1', source_event: 'checkout' },
      txn: 'U-1',
    });
    expect(by('identify')).toMatchObject({ persona: 'researcher', props: { persona: 'researcher' } });
    expect(by('event', 'cta')).toMatchObject({ props: { position: 'hero' } });
    // ≤ 2.15 sends the previous path as the referrer of an SPA navigation: made absolute.
    expect(by('pageview', '/umami/next')).toMatchObject({ url: `${siteUrl}/umami/next`, referrer: url });
    expectOneVisit(rows);
  });
});

describe(`@segment/analytics-next ${packageVersion('@segment/analytics-next')}`, () => {
  it('stores page, e-commerce, identify with messageId, anonymousId and userId', async () => {
    const landing = '/segment/landing?utm_source=facebook&utm_medium=paid_social&utm_campaign=summer';
    const { page, traffic } = await openPage(landing);
    const ids = await page.evaluate(
      async (host) => {
        const { AnalyticsBrowser } = window as unknown as {
          AnalyticsBrowser: {
            load(s: object, o?: object): Promise<unknown> & Record<string, (...a: unknown[]) => Promise<{ event: { messageId: string } }>>;
          };
        };
        const analytics = AnalyticsBrowser.load({
          writeKey: 'seg-browser',
          // The settings Segment's CDN would serve, with the host changed: the only configuration.
          cdnSettings: { integrations: { 'Segment.io': { apiKey: 'seg-browser', apiHost: `${host}/v1`, protocol: 'http' } } },
        });
        const out: string[] = [];
        out.push((await analytics.page!()).event.messageId);
        out.push(
          (await analytics.track!('Product Added', { product_id: 'sku-1', name: 'Mug', price: 12, quantity: 2, currency: 'EUR' })).event
            .messageId,
        );
        out.push(
          (await analytics.identify!('user-7', { persona: 'bargain_hunter', email: 'jo@example.com', plan: 'gold' })).event.messageId,
        );
        out.push(
          (
            await analytics.track!('Order Completed', {
              order_id: 'S-1',
              revenue: 24,
              currency: 'EUR',
              products: [{ product_id: 'sku-1', price: 12, quantity: 2 }],
            })
          ).event.messageId,
        );
        const [a] = (await analytics) as [{ user(): { anonymousId(): string } }];
        return { messages: out, anonymousId: a.user().anonymousId() };
      },
      collector.url.replace(/^http:\/\//, ''),
    );
    const rows = await stored('seg-browser', 4);
    await page.close();

    expectAllAnswered(traffic);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids.messages].sort());
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.visitor === ids.anonymousId)).toBe(true);
    const byId = (i: number) => rows.find((r) => r.id === ids.messages[i])!;
    const url = `${siteUrl}${landing}`;
    expect(byId(0)).toMatchObject({ type: 'pageview', name: '/segment/landing', url, title: 'segment – Grüße & more', ...channelOf(url) });
    expect(byId(1)).toMatchObject({
      type: 'checkout',
      name: 'add_to_cart',
      path: '/segment/landing',
      props: {
        value: 24,
        currency: 'EUR',
        source_event: 'Product Added',
        items: [{ item_id: 'sku-1', item_name: 'Mug', price: 12, quantity: 2 }],
      },
    });
    expect(byId(2)).toMatchObject({
      type: 'identify',
      user: 'user-7',
      persona: 'bargain_hunter',
      props: { persona: 'bargain_hunter', plan: 'gold' },
    });
    expect(byId(2).props).not.toHaveProperty('email');
    expect(byId(3)).toMatchObject({
      type: 'checkout',
      name: 'purchase',
      user: 'user-7',
      txn: 'S-1',
      props: { value: 24, transaction_id: 'S-1', items: [{ item_id: 'sku-1' }] },
    });
    expect(rows.every((r) => Math.abs(r.ts - Date.now()) < 120_000)).toBe(true);
    expectOneVisit(rows);
  });

  it('batching delivery (/v1/b) with credentials: one request, every message stored once', async () => {
    const { page, traffic } = await openPage('/segment/shop');
    const messages = await page.evaluate(
      async (host) => {
        const { AnalyticsBrowser } = window as unknown as {
          AnalyticsBrowser: { load(s: object): Record<string, (...a: unknown[]) => Promise<{ event: { messageId: string } }>> };
        };
        const analytics = AnalyticsBrowser.load({
          writeKey: 'seg-batching',
          cdnSettings: {
            integrations: {
              'Segment.io': {
                apiKey: 'seg-batching',
                apiHost: `${host}/v1`,
                protocol: 'http',
                deliveryStrategy: { strategy: 'batching', config: { size: 3, timeout: 200, credentials: 'include' } },
              },
            },
          },
        });
        const sent = await Promise.all([
          analytics.page!(),
          analytics.track!('Checkout Started', { value: 30, currency: 'EUR' }),
          analytics.track!('Newsletter Joined', { list: 'weekly' }),
        ]);
        return sent.map((ctx) => ctx.event.messageId);
      },
      collector.url.replace(/^http:\/\//, ''),
    );
    const rows = await stored('seg-batching', 3);
    await waitFor(() => traffic.answers.length >= traffic.posts.length);
    await page.close();

    expectAllAnswered(traffic);
    expect(traffic.posts.map((p) => p.path)).toEqual(['/v1/b']);
    expect(rows.map((r) => r.id).sort()).toEqual([...messages].sort());
    expect(rows.map((r) => `${r.type}:${r.name}`).sort()).toEqual([
      'checkout:begin_checkout',
      'event:Newsletter Joined',
      'pageview:/segment/shop',
    ]);
    expectOneVisit(rows);
  });
});
