// Runtime-neutral fixtures of the collector tests (no node:* import), shared by the Node tests
// (via helpers.ts) and the workerd tests (test/workers): pinned clock, batch builders, rows.
import type { StoredEvent } from '../../collector/store/types';
import type { WireEvent } from '../../sdk/schema';

/** The pinned server clock: 2025-01-15T12:00:00Z. */
export const NOW = Date.UTC(2025, 0, 15, 12);
export const TOKEN = 'test-admin-token-0123456789abcdef';

export const UA = {
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  chrome: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
} as const;

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
    site: 'shop',
    id: `r${seq}`,
    type: 'pageview',
    name: '/',
    ts: NOW,
    time: NOW,
    received: NOW,
    visitor: 'v1',
    session: 's1',
    user_id: null,
    url: null,
    path: '/',
    title: null,
    referrer: null,
    stage: null,
    touchpoint: null,
    channel: null,
    persona: null,
    props: null,
    device: null,
    browser: null,
    os: null,
    country: null,
    bot: 0,
    txn: null,
    source: null,
    medium: null,
    campaign: null,
    content: null,
    term: null,
    landing: null,
    stage_inferred: null,
    hint: null,
    ...over,
  };
}
