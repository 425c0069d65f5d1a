// The rig of the delivery-under-faults tests: a real collector, the fault proxy in front of
// it, a tiny test page per site (served by the collector from a temp examples folder, so the
// page and its endpoint are on different origins as in production), a page-side record of
// every event id the SDK produced, and the id-by-id comparison with the collector's export.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { exportEvents, launchBrowser, startCollector, waitFor, type TestCollector } from './helpers';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

export interface Rig {
  browser: Browser;
  collector: TestCollector;
  proxy: FaultProxy;
  /** Writes `<site>.html` and `<site>-2.html` and returns the first page's URL. */
  pageFor(site: string, attrs?: Record<string, string>): string;
  close(): Promise<void>;
}

// Small batches and a short flush interval keep every scenario to a few seconds.
const FAST = { 'data-batch-size': '5', 'data-flush-interval': '300' };

const html = (collector: string, site: string, endpoint: string, next: string, attrs: Record<string, string>) => `<!doctype html>
<html><head><meta charset="utf-8"><title>faults ${site}</title></head><body>
<button id="work" onclick="this.textContent = String(+this.textContent + 1)">0</button>
<a id="next" href="${next}">next</a>
<script>window.cjm=window.cjm||{q:[]};"init track page identify stage feedback flush optOut optIn".split(" ").forEach(function(m){cjm[m]=cjm[m]||function(){cjm.q.push([m,arguments])}})</script>
<script defer src="${collector}/cjm.js" data-site="${site}" data-endpoint="${endpoint}/collect"${Object.entries(attrs)
  .map(([k, v]) => ` ${k}="${v}"`)
  .join('')}></script>
</body></html>`;

export async function startRig(): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'cjm-faults-'));
  const collector = await startCollector({ examplesDir: dir });
  const proxy = await startFaultProxy({ target: collector.url, retryAfter: 2 });
  const browser = await launchBrowser();
  return {
    browser,
    collector,
    proxy,
    pageFor(site, attrs = {}) {
      const all = { ...FAST, ...attrs };
      writeFileSync(join(dir, `${site}.html`), html(collector.url, site, proxy.url, `${site}-2.html`, all));
      writeFileSync(join(dir, `${site}-2.html`), html(collector.url, site, proxy.url, `${site}.html`, all));
      return `${collector.url}/demo/${site}.html`;
    },
    async close() {
      await browser.close().catch(() => {});
      await proxy.close();
      await collector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Test-only page instrumentation, run before any page script: every event the SDK serialises
 * (it writes each one to its outbox as JSON before anything else happens to it, whether storage
 * works or not) is reported to the test once, by id. This is the page-side record of what was
 * produced, independent of storage and network.
 */
const RECORD_PRODUCED = `(() => {
  const stringify = JSON.stringify, seen = new Set();
  const walk = (v, depth) => {
    if (!v || typeof v !== 'object' || depth > 3) return;
    if (typeof v.id === 'string' && typeof v.type === 'string' && typeof v.ts === 'number') {
      if (!seen.has(v.id)) { seen.add(v.id); window.__cjmProduced(v.id, v.type, v.name, v.props && v.props.k || null); }
      return;
    }
    for (const k in v) walk(v[k], depth + 1);
  };
  JSON.stringify = function (value, ...rest) {
    try { walk(value, 0); } catch {}
    return stringify.call(this, value, ...rest);
  };
})();`;

export interface Produced {
  id: string;
  type: string;
  name: string;
  k: string | null;
}

/** A browser context instrumented for one scenario. */
export interface Scenario {
  context: BrowserContext;
  site: string;
  url: string;
  /** Every event the SDK produced in any page of the context, by id. */
  produced: Map<string, Produced>;
  /** Keys of the events the test asked pages to track, in order. */
  keys: string[];
  /** Uncaught page errors (must stay empty). */
  errors: string[];
  open(url?: string): Promise<Page>;
  /** Tracks `n` events, each with a unique `k` prop, through the page's `cjm.track`. */
  track(page: Page, n: number): Promise<string[]>;
}

export async function scenario(rig: Rig, site: string, attrs: Record<string, string> = {}, initScripts: string[] = []): Promise<Scenario> {
  const context = await rig.browser.newContext();
  const s: Scenario = {
    context,
    site,
    url: rig.pageFor(site, attrs),
    produced: new Map(),
    keys: [],
    errors: [],
    async open(url = s.url) {
      const page = await context.newPage();
      page.on('pageerror', (err) => s.errors.push(err.message));
      await page.goto(url);
      await page.waitForFunction(
        () => 'init' in (window as unknown as { cjm: object }).cjm && !('q' in (window as unknown as { cjm: object }).cjm),
      );
      return page;
    },
    async track(page, n) {
      const keys = Array.from({ length: n }, () => `${site}-${s.keys.length}-${Math.random().toString(36).slice(2, 8)}`);
      s.keys.push(...keys);
      await page.evaluate((ks) => {
        const cjm = (window as unknown as { cjm: { track(name: string, props: object): void } }).cjm;
        for (const k of ks) cjm.track('fault_test', { k });
      }, keys);
      return keys;
    },
  };
  await context.exposeFunction('__cjmProduced', (id: string, type: string, name: string, k: string | null) => {
    if (!s.produced.has(id)) s.produced.set(id, { id, type, name, k });
  });
  await context.addInitScript(RECORD_PRODUCED);
  for (const script of initScripts) await context.addInitScript(script);
  return s;
}

/** What one scenario produced, sent and stored. */
export interface Outcome {
  scenario: string;
  /** Events the SDK produced (page side), and how many of them the test tracked itself. */
  produced: number;
  tracked: number;
  /** POST /collect requests that reached the proxy, and how many of them it broke. */
  requests: number;
  faulted: number;
  /** Retries: sends of an event id after its first, over all requests. */
  retries: number;
  /** Needless sends: of an id the collector had already received, or twice in one request. */
  redundant: number;
  /** Produced events stored by the collector. */
  delivered: number;
  /** Rows in the export, distinct ids among them, and rows beyond one per id. */
  rows: number;
  distinct: number;
  duplicates: number;
  lost: string[];
  /** Ids still in an open page's outbox at the end, with their attempts: a lost one listed here was late, not dropped. */
  queued: string[];
  /** Stored ids the page never produced (must be none). */
  unexpected: string[];
  /** Tracked keys stored other than exactly once. */
  keysWrong: string[];
  /** Events still in the outbox of an open page at the end (must be 0). */
  leftover: number;
  ms: number;
}

const rowsOf = async (rig: Rig, site: string) => exportEvents(rig.collector, site);

/** The SDK's grace before another tab takes over an event that fell due (sdk/transport/queue.ts). */
const GRACE_MS = 5000;
/** Most the rig waits for the SDK's retries: a batch failing 7 times in a row (p = 2^-7 under "every other request") is sent again within it. */
const MAX_WAIT_MS = 150_000;

/**
 * When the last event still in an open page's outbox is due to be sent again: its lease (the
 * backoff of a retry, or a send awaiting its reply) plus the grace after which another tab
 * takes it over. 0 when every outbox is empty (or unreadable).
 */
export const nextRetry = async (s: Scenario): Promise<number> => {
  let due = 0;
  for (const page of s.context.pages())
    due = Math.max(
      due,
      await page.evaluate((prefix) => {
        try {
          return Math.max(
            0,
            ...Object.keys(localStorage)
              .filter((k) => k.startsWith(prefix))
              .map((k) => JSON.parse(localStorage.getItem(k)!).l + 0),
          );
        } catch {
          return 0;
        }
      }, `cjm_e_${s.site}:`),
    );
  return due && due + GRACE_MS;
};

/**
 * Waits until every produced event is stored, then compares id by id. It waits `timeout` ms,
 * and longer while the SDK still has a retry scheduled (read from the pages' outboxes): the
 * backoff is exponential (up to a minute), so under "every other request fails" a batch that
 * loses the coin flip 6 times in a row is sent again only 34–68 s after its first try. A
 * fixed 40 s once reported such a late event as lost (test/sdk/outbox-retry-after.test.ts).
 */
export async function settle(rig: Rig, s: Scenario, started: number, timeout = 40_000): Promise<Outcome> {
  let deadline = Date.now() + timeout;
  const cap = Date.now() + MAX_WAIT_MS;
  const left = () => Math.max(1000, deadline - Date.now());
  // Nothing produced may be missing, and the page-side record must have seen the tracked keys.
  await waitFor(
    async () => {
      const stored = new Set((await rowsOf(rig, s.site)).map((e) => e.id));
      const tracked = new Set([...s.produced.values()].map((p) => p.k));
      const done = s.keys.every((k) => tracked.has(k)) && [...s.produced.keys()].every((id) => stored.has(id));
      // The SDK's own retry schedule, not a guess, says how long a missing event may take.
      if (!done) deadline = Math.min(cap, Math.max(deadline, (await nextRetry(s)) + 3000));
      return done || Date.now() > deadline;
    },
    MAX_WAIT_MS,
    { interval: 250, message: `${s.site}: every produced event stored` },
  ).catch(() => undefined); // the comparison below says what is missing
  // Every open page's outbox drains: nothing is left waiting (a reply that never came holds
  // its events for the lease, then they are sent again and stored once).
  await waitFor(
    async () => {
      for (const page of s.context.pages()) if (await outboxSize(page, s.site)) return false;
      return true;
    },
    left(),
    { interval: 250, message: `${s.site}: outbox empty` },
  ).catch(() => undefined);
  // Let replies and late resends land, so that a duplicate would show.
  await waitFor(() => rig.proxy.inFlight() === 0, left(), { message: 'proxy idle' }).catch(() => undefined);
  return compare(rig, s, started);
}

export async function compare(rig: Rig, s: Scenario, started: number): Promise<Outcome> {
  const rows = await rowsOf(rig, s.site);
  const stored = new Set(rows.map((e) => e.id));
  const sent = rig.proxy.batches.filter((b) => b.ids.some((id) => s.produced.has(id)));
  const sends = sent.flatMap((b) => b.ids);
  const received = new Set<string>();
  let redundant = 0;
  for (const b of sent) {
    redundant += b.ids.filter((id) => received.has(id)).length + b.ids.length - new Set(b.ids).size;
    if (b.forwarded) b.ids.forEach((id) => received.add(id));
  }
  const perKey = new Map<string, number>();
  for (const r of rows) {
    const k = (r.props as { k?: string } | null)?.k;
    if (k) perKey.set(k, (perKey.get(k) ?? 0) + 1);
  }
  const delivered = [...s.produced.keys()].filter((id) => stored.has(id)).length;
  let leftover = 0;
  const queued: string[] = [];
  for (const page of s.context.pages()) {
    leftover += await outboxSize(page, s.site);
    queued.push(
      ...(await page.evaluate((prefix) => {
        try {
          return Object.keys(localStorage)
            .filter((k) => k.startsWith(prefix))
            .map((k) => `${k.slice(prefix.length)} (attempts ${JSON.parse(localStorage.getItem(k)!).a})`);
        } catch {
          return [];
        }
      }, `cjm_e_${s.site}:`)),
    );
  }
  return {
    scenario: s.site,
    produced: s.produced.size,
    tracked: s.keys.length,
    requests: sent.length,
    faulted: sent.filter((b) => !b.forwarded || b.status === 0).length,
    retries: sends.length - new Set(sends).size,
    redundant,
    delivered,
    rows: rows.length,
    distinct: stored.size,
    duplicates: rows.length - stored.size,
    lost: [...s.produced.keys()].filter((id) => !stored.has(id)),
    queued: [...new Set(queued)],
    unexpected: [...stored].filter((id) => !s.produced.has(id)),
    keysWrong: s.keys.filter((k) => perKey.get(k) !== 1),
    leftover,
    ms: Date.now() - started,
  };
}

const OUTPUT = 'test-output/faults.json';

/** Adds one scenario's counts to test-output/faults.json (kept across test files) and prints them. */
export function record(o: Outcome): void {
  mkdirSync('test-output', { recursive: true });
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(OUTPUT, 'utf8')) as Record<string, unknown>;
  } catch {}
  const { lost, queued: _queued, unexpected, keysWrong, ...counts } = o;
  all[o.scenario.replace(/-[a-z0-9]{6}$/, '')] = {
    ...counts,
    lost: lost.length,
    unexpected: unexpected.length,
    keysWrong: keysWrong.length,
    at: new Date().toISOString(),
  };
  writeFileSync(OUTPUT, JSON.stringify(all, null, 2) + '\n');
  console.log(
    `faults ${o.scenario}: produced ${o.produced} (tracked ${o.tracked}), requests ${o.requests} (faulted ${o.faulted}), ` +
      `retries ${o.retries}, redundant ${o.redundant}, delivered ${o.delivered}, rows ${o.rows}, duplicates ${o.duplicates}, lost ${lost.length}, ${o.ms} ms`,
  );
}

/** Site id of one scenario: readable name plus a random suffix. */
export const siteId = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`;

/** Outbox entries of a site in a page's localStorage (0 when storage is unreadable). */
export const outboxSize = (page: Page, site: string) =>
  page.evaluate((prefix) => {
    try {
      return Object.keys(localStorage).filter((k) => k.startsWith(prefix)).length;
    } catch {
      return 0;
    }
  }, `cjm_e_${site}:`);

/** 0 lost, 0 duplicated, nothing foreign, every tracked key stored once, no page error. */
export const expectExactlyOnce = (s: Scenario, o: Outcome) => {
  record(o);
  expect(s.errors).toEqual([]);
  // Late (still queued, so the rig gave up too early) or really lost (gone from every outbox).
  expect(o.lost, `still queued: ${o.queued.join(', ') || 'none'}`).toEqual([]);
  expect(o.unexpected).toEqual([]);
  expect(o.keysWrong).toEqual([]);
  expect(o.duplicates).toBe(0);
  expect(o.rows).toBe(o.distinct);
  expect(o.delivered).toBe(o.produced);
  expect(o.tracked).toBeGreaterThan(0);
  expect(o.leftover).toBe(0);
};
