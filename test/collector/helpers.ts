// Shared fixtures of the collector tests: a temp SQLite store, an app with a pinned clock,
// batch builders and an NDJSON reader.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../collector/app';
import type { AppDeps } from '../../collector/env';
import { openSqliteStore } from '../../collector/store/sqlite';
import type { Store, StoredEvent } from '../../collector/store/types';
import type { WireEvent } from '../../sdk/schema';

/** The pinned server clock: 2025-01-15T12:00:00Z. */
export const NOW = Date.UTC(2025, 0, 15, 12);
export const TOKEN = 'test-admin-token-0123456789abcdef';

export const UA = {
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  chrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
} as const;

/** A temp folder removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cjm-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A SQLite store on a temp file, plus its path and a cleanup that closes and deletes it. */
export function tempStore(): { store: Store; path: string; cleanup: () => Promise<void> } {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'cjm.db');
  const store = openSqliteStore(path);
  return {
    store,
    path,
    cleanup: async () => {
      await store.close();
      cleanup();
    },
  };
}

/** The collector app over `store`, with the clock pinned at NOW and errors kept quiet. */
export function testApp(store: Store, overrides: Partial<AppDeps> = {}) {
  const logged: unknown[] = [];
  const app = createApp({
    store,
    config: { adminToken: TOKEN },
    now: () => NOW,
    log: (_m, err) => logged.push(err),
    ...overrides,
  });
  return { app, logged };
}

let seq = 0;
/** A valid pageview a second before NOW. Overrides may be invalid on purpose (refusal tests). */
export function event(over: { [K in keyof WireEvent]?: unknown } & Record<string, unknown> = {}): WireEvent {
  seq += 1;
  return { id: `e${seq}`, type: 'pageview', name: '/', ts: NOW - 1000, visitor: 'v1', session: 's1', ...over } as WireEvent;
}

/** A batch body for `site` (sent at NOW unless overridden). */
export function batch(events: unknown[], over: Record<string, unknown> = {}): Record<string, unknown> {
  return { site: 'shop', sent: NOW, events, ...over };
}

/** POSTs a body (object → JSON text, string as is) to /collect of an app. */
export function post(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.request('/collect', {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'text/plain', ...headers },
  });
}

/** Every stored row of a site (via the store's own export). */
export async function rows(store: Store, site = 'shop'): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const r of store.exportEvents(site)) out.push(r);
  return out;
}

/** Parses an NDJSON response body. */
export async function ndjson(res: Response): Promise<Record<string, unknown>[]> {
  const text = await res.text();
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A full StoredEvent row with defaults, for store-level tests. */
export function row(over: Partial<StoredEvent> = {}): StoredEvent {
  seq += 1;
  return {
    site: 'shop', id: `r${seq}`, type: 'pageview', name: '/', ts: NOW, time: NOW, received: NOW,
    visitor: 'v1', session: 's1', user_id: null, url: null, path: '/', title: null, referrer: null,
    stage: null, touchpoint: null, channel: null, persona: null, props: null,
    device: null, browser: null, os: null, country: null, bot: 0, txn: null,
    source: null, medium: null, campaign: null, content: null, term: null, landing: null,
    ...over,
  };
}
