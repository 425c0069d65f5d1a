// The abuse limits as a real browser on another origin meets them: a page on one origin, the
// collector on another (another port), real Chromium. A 429's Retry-After must be readable
// cross-origin (so the SDK waits as long as told), and a 403 for an origin CJM_ORIGINS does not
// allow must be readable too (so the SDK drops the events instead of retrying forever).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer, type StartOptions } from '../../collector/node/server';
import { E2E_TOKEN, PERSON_USER_AGENT, launchBrowser, waitFor } from './helpers';

let browser: Browser;
let site: Server;
let siteUrl: string;
let collector: RunningServer | undefined;
let dir: string;

beforeAll(async () => {
  browser = await launchBrowser({ userAgent: PERSON_USER_AGENT });
  // The "customer's site": one page whose script tag points at the collector given in ?c=.
  site = createServer((req, res) => {
    const c = new URL(req.url ?? '/', 'http://x').searchParams.get('c') ?? '';
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<!doctype html><title>shop</title><script src="${c}/cjm.js" data-site="shop" data-endpoint="${c}/collect" data-flush-interval="100"></script>`,
    );
  });
  await new Promise<void>((ok) => site.listen(0, '127.0.0.1', ok));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => site?.close(ok));
});
afterEach(async () => {
  await collector?.close();
  collector = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: Partial<StartOptions>): Promise<RunningServer> {
  dir = mkdtempSync(join(tmpdir(), 'cjm-e2e-limits-'));
  collector = await startServer({
    port: 0,
    host: '127.0.0.1',
    dbPath: join(dir, 'cjm.db'),
    adminToken: E2E_TOKEN,
    print: () => {},
    ...options,
  });
  return collector;
}

/** The SDK's outbox entries in the page: `{ l: lease until (ms), a: attempts }` per event. */
const outbox = (page: Page) =>
  page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('cjm_e_shop:'))
      .map((k) => ({ ...(JSON.parse(localStorage.getItem(k)!) as { l: number; a: number; e: { name: string } }), now: Date.now() })),
  );

const storedNames = async (c: RunningServer) => {
  const out: string[] = [];
  for await (const r of c.store.exportEvents('shop')) out.push(r.name);
  return out;
};

describe('a page on another origin', () => {
  it('reads Retry-After on a 429 and leases the events that long', async () => {
    const c = await start({ rateLimits: { client: { limit: 1, windowMs: 60_000 } } });
    const page = await browser.newPage();
    await page.goto(`${siteUrl}/?c=${encodeURIComponent(c.url)}`);
    await waitFor(async () => (await storedNames(c)).includes('/') || undefined, 20_000); // the page view used the one token
    await page.evaluate(() => {
      const w = window as unknown as { cjm: { track(n: string): void; flush(): void } };
      w.cjm.track('after_limit');
      w.cjm.flush();
    });
    const [entry] = await waitFor(async () => {
      const e = await outbox(page);
      return e.length && e[0]!.a > 0 ? e : undefined;
    }, 20_000);
    // The collector said 60 s; without Access-Control-Expose-Headers the SDK would read 0 and
    // come back within a second or two (its own backoff).
    expect(entry!.l - entry!.now).toBeGreaterThan(50_000);
    expect(await storedNames(c)).toEqual(['/']);
    await page.close();
  });

  it('reads a 403 for an origin CJM_ORIGINS does not allow, drops the events and stores nothing', async () => {
    const c = await start({ origins: new Map([['shop', ['https://shop.example']]]) });
    const page = await browser.newPage();
    const refused: number[] = [];
    page.on('response', (r) => r.url().endsWith('/collect') && refused.push(r.status()));
    await page.goto(`${siteUrl}/?c=${encodeURIComponent(c.url)}`);
    await waitFor(async () => (refused.includes(403) && (await outbox(page)).length === 0) || undefined, 30_000);
    expect(await storedNames(c)).toEqual([]);
    await page.close();
  });

  it('is stored when its origin is the allowed one', async () => {
    const c = await start({ origins: new Map([['shop', [siteUrl]]]) });
    const page = await browser.newPage();
    await page.goto(`${siteUrl}/?c=${encodeURIComponent(c.url)}`);
    await waitFor(async () => (await storedNames(c)).includes('/') || undefined, 20_000);
    await page.close();
  });
});
