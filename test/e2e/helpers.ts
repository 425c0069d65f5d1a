// Shared helpers of the end-to-end tests: real Chromium (Debian's /usr/bin/chromium through
// playwright-core) against a real collector on a free port with a temp SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from 'playwright-core';
import { startServer, type RunningServer, type StartOptions } from '../../collector/node/server';
import type { ExportedEvent } from '../../collector/export/ndjson';

export type { ExportedEvent };

/** Where Debian's `chromium` package installs the browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags that keep Chromium quiet and lean on a shared CI box. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The admin token of every test collector (at least 16 characters, as the config demands). */
export const E2E_TOKEN = 'e2e-admin-token-0123456789abcdef';

/**
 * A desktop Chrome User-Agent. Headless Chromium says "HeadlessChrome", which the collector
 * (isbot) flags as a bot and leaves out of the journey report; tests about people launch with
 * `launchBrowser({ userAgent: PERSON_USER_AGENT })`.
 */
export const PERSON_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

/**
 * Launches headless Chromium. `userAgent` is set browser-wide (`--user-agent`), not per
 * context: a context's override does not reach the keepalive requests of a page being left.
 * @example const browser = await launchBrowser(); … await browser.close();
 */
export function launchBrowser(options: LaunchOptions & { userAgent?: string } = {}): Promise<Browser> {
  const { userAgent, ...launch } = options;
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    ...launch,
    args: [...CHROMIUM_ARGS, ...(userAgent ? [`--user-agent=${userAgent}`] : []), ...(launch.args ?? [])],
  });
}

/** A collector started for one test file. */
export interface TestCollector {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** The admin (bearer) token. */
  token: string;
  /** The running server (store, app) for tests that need to look inside. */
  server: RunningServer;
  /** Stops the server and deletes its temp folder. */
  close(): Promise<void>;
}

/** Options of {@link startCollector}: a subset of startServer's. */
export type CollectorOptions = Pick<StartOptions, 'examplesDir' | 'sites' | 'distDir' | 'now' | 'surveys' | 'databaseUrl'>;

/**
 * Starts the collector on 127.0.0.1 port 0 with a temp database and the fixed {@link E2E_TOKEN}.
 * @example const collector = await startCollector(); await page.goto(`${collector.url}/demo/`);
 */
export async function startCollector(options: CollectorOptions = {}): Promise<TestCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'cjm-e2e-'));
  let server: RunningServer;
  try {
    server = await startServer({
      ...options,
      port: 0,
      host: '127.0.0.1',
      dbPath: join(dir, 'cjm.db'),
      adminToken: E2E_TOKEN,
      print: () => {},
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: server.url,
    token: server.adminToken,
    server,
    close: async () => {
      try {
        await server.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Time bounds of an export: epoch ms or ISO strings, as the API takes them. */
export interface ExportRange {
  from?: number | string;
  to?: number | string;
}

/**
 * Reads `GET /api/sites/:site/events` (NDJSON) with the bearer token and parses every line.
 * @throws when the collector answers anything but 200.
 */
export async function exportEvents(
  collector: Pick<TestCollector, 'url' | 'token'>,
  site: string,
  range: ExportRange = {},
): Promise<ExportedEvent[]> {
  const query = new URLSearchParams();
  if (range.from !== undefined) query.set('from', String(range.from));
  if (range.to !== undefined) query.set('to', String(range.to));
  const qs = query.size ? `?${query}` : '';
  const res = await fetch(`${collector.url}/api/sites/${encodeURIComponent(site)}/events${qs}`, {
    headers: { Authorization: `Bearer ${collector.token}` },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`export of ${site}: ${res.status} ${text.slice(0, 200)}`);
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ExportedEvent);
}

/**
 * Polls `predicate` (sync or async) every `interval` ms until it returns a truthy value, which
 * is returned; rejects after `timeout` ms with the last error or a timeout message.
 * @example const events = await waitFor(async () => { const e = await exportEvents(c, 'shop'); return e.length >= 3 && e; }, 15_000);
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  timeout = 15_000,
  { interval = 100, message = 'condition' }: { interval?: number; message?: string } = {},
): Promise<Exclude<T, false | 0 | '' | null | undefined>> {
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as Exclude<T, false | 0 | '' | null | undefined>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`waitFor: ${message} not met within ${timeout} ms${why}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** An event as a page sent it to /collect (the wire shape, loosely typed). */
export interface SentEvent {
  id: string;
  type: string;
  name: string;
  props?: Record<string, unknown>;
  [key: string]: unknown;
}

/** What the pages of one browser context sent to /collect. */
export interface SentLog {
  /** Every event sent, in order; a resent event appears again. */
  read(): Promise<SentEvent[]>;
  /** Distinct events sent, by id (the last copy wins). */
  byId(): Promise<Map<string, SentEvent>>;
}

const SENT_KEY = '__e2e_sent';

/**
 * Records every batch the pages of `context` send to `/collect` (fetch or sendBeacon),
 * including the keepalive requests of a page being left, which Playwright's request events
 * miss. An init script wraps fetch and sendBeacon and appends each batch's events to
 * localStorage of `origin` synchronously, before the request goes out; `read()` opens
 * `origin`/health in a new tab of the context to collect them. Install before the first page.
 * @example const sent = await recordSent(context, collector.url); … const ids = (await sent.read()).map((e) => e.id);
 */
export async function recordSent(context: BrowserContext, origin: string): Promise<SentLog> {
  await context.addInitScript((key: string) => {
    const log = (url: unknown, body: unknown) => {
      try {
        if (typeof body !== 'string' || !/\/collect(\?|$)/.test(String(url))) return;
        const events = (JSON.parse(body) as { events?: unknown[] }).events ?? [];
        const all = JSON.parse(localStorage.getItem(key) || '[]') as unknown[];
        localStorage.setItem(key, JSON.stringify(all.concat(events)));
      } catch {
        // Never break the page under test.
      }
    };
    const fetch = window.fetch;
    window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
      log(input instanceof Request ? input.url : input, init?.body);
      return fetch.call(this, input, init);
    };
    const beacon = navigator.sendBeacon?.bind(navigator);
    if (beacon) navigator.sendBeacon = (url: string | URL, data?: BodyInit | null) => (log(url, data), beacon(url, data));
  }, SENT_KEY);

  const read = async (): Promise<SentEvent[]> => {
    const page = await context.newPage();
    try {
      await page.goto(`${origin}/health`);
      return await page.evaluate((key) => JSON.parse(localStorage.getItem(key) || '[]') as SentEvent[], SENT_KEY);
    } finally {
      await page.close();
    }
  };
  return { read, byId: async () => new Map((await read()).map((e) => [e.id, e] as const)) };
}

/**
 * Waits until every event in `sent` (less the `dropped` ids) is in the export of `site`, and
 * returns the stored events with those ids, oldest first. On timeout the error lists what is
 * missing, by type, name and page.
 * @example const stored = await waitForStored(collector, 'shop', await sent.read());
 */
export async function waitForStored(
  collector: Pick<TestCollector, 'url' | 'token'>,
  site: string,
  sent: readonly SentEvent[],
  { dropped = new Set<string>(), timeout = 30_000 }: { dropped?: ReadonlySet<string>; timeout?: number } = {},
): Promise<ExportedEvent[]> {
  const ids = new Set(sent.map((e) => e.id));
  const expected = [...ids].filter((id) => !dropped.has(id));
  let missing: string[] = expected;
  try {
    const mine = await waitFor(
      async () => {
        const stored = (await exportEvents(collector, site)).filter((e) => ids.has(e.id));
        const have = new Set(stored.map((e) => e.id));
        missing = expected.filter((id) => !have.has(id));
        return missing.length === 0 && stored;
      },
      timeout,
      { interval: 250, message: `${expected.length} sent events of ${site} stored` },
    );
    return mine.sort((a, b) => a.time - b.time || a.ts - b.ts);
  } catch (err) {
    const byId = new Map(sent.map((e) => [e.id, e]));
    const list = missing.map((id) => {
      const e = byId.get(id)!;
      return `${e.type} ${e.name} ${String(e.url ?? '').replace(collector.url, '')}`;
    });
    throw new Error(`${(err as Error).message}; missing ${missing.length}: ${list.join(' | ')}`);
  }
}

/**
 * Waits until the script tag's lazily loaded capture (cjm-capture.mjs: clicks, forms, checkout
 * steps) has arrived in `page`. What happens before is kept and replayed, but not if the page is
 * left first; tests that click through pages quickly wait for it after each load.
 */
export async function captureLoaded(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    () => performance.getEntriesByType('resource').some((e) => /\/cjm-capture\.mjs(\?|$)/.test(e.name)),
    undefined,
    { timeout },
  );
}
