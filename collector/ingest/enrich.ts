// Turns a validated batch into table rows: server receive time, skew-corrected time, path,
// device/browser/os and bot flag from the User-Agent, country from a proxy header.
// Deliberately never sees the client IP, so it cannot end up in storage.
import Bowser from 'bowser';
import { isbot } from 'isbot';
import type { Batch } from '../../sdk/schema';
import type { DeviceType, StoredEvent } from '../store/types';

/** What enrichment takes from the HTTP request (and nothing else: no IP). */
export interface RequestMeta {
  /** Server time the request arrived, epoch ms. */
  received: number;
  userAgent?: string | null;
  /** Value of `CF-IPCountry` (Cloudflare) or `X-Country` (your proxy), if any. */
  country?: string | null;
}

/** What the User-Agent tells about the client. */
export interface ClientInfo {
  device: DeviceType | null;
  browser: string | null;
  os: string | null;
  bot: boolean;
}

const DEVICES: Readonly<Record<string, DeviceType>> = { desktop: 'desktop', mobile: 'mobile', tablet: 'tablet' };

/** User-Agents parsed lately (most traffic comes from a few hundred strings): at most this many. */
const UA_CACHE_SIZE = 500;
/** Longer User-Agents (no browser sends one) are parsed every time, so the cache stays small. */
const UA_CACHE_MAX_LENGTH = 1000;
const uaCache = new Map<string, Readonly<ClientInfo>>();

/**
 * Parses a User-Agent with bowser (device, browser, os) and isbot (bot flag), remembering the
 * answers for the last {@link UA_CACHE_SIZE} distinct strings (least recently used goes first).
 * @example parseUserAgent('Mozilla/5.0 (iPhone; …) Safari/604.1') // { device: 'mobile', browser: 'Safari', os: 'iOS', bot: false }
 */
export function parseUserAgent(ua: string | null | undefined): ClientInfo {
  if (!ua) return { device: null, browser: null, os: null, bot: false };
  if (ua.length > UA_CACHE_MAX_LENGTH) return parseUncached(ua);
  let info = uaCache.get(ua);
  if (info) {
    uaCache.delete(ua); // re-inserted below: Map order is the recency order
  } else {
    info = Object.freeze(parseUncached(ua));
    if (uaCache.size >= UA_CACHE_SIZE) uaCache.delete(uaCache.keys().next().value!);
  }
  uaCache.set(ua, info);
  return { ...info };
}

function parseUncached(ua: string): ClientInfo {
  const bot = isbot(ua);
  try {
    const p = Bowser.parse(ua);
    return { device: DEVICES[p.platform.type ?? ''] ?? null, browser: p.browser.name || null, os: p.os.name || null, bot };
  } catch {
    // A User-Agent is client input: an odd one must never turn into a 500.
    return { device: null, browser: null, os: null, bot };
  }
}

/**
 * Normalises a country header to an ISO 3166-1 alpha-2 code; null for absent, malformed, or
 * Cloudflare's "XX" (unknown) and "T1" (Tor).
 */
export function normaliseCountry(value: string | null | undefined): string | null {
  const code = value?.trim().toUpperCase() ?? '';
  return /^[A-Z]{2}$/.test(code) && code !== 'XX' ? code : null;
}

/** The path of a URL (absolute or root-relative), or null when it has none. */
export function pathOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url, 'http://relative.invalid').pathname.slice(0, 1024) || null;
  } catch {
    return null;
  }
}

/**
 * Builds the stored rows of a validated batch.
 * @example enrich(batch, { received: Date.now(), userAgent: c.req.header('user-agent') })
 */
export function enrich(batch: Batch, meta: RequestMeta): StoredEvent[] {
  const { received } = meta;
  // Snowplow-style skew correction: the client's clock may be off, but the gap between an
  // event and the batch send is measured on that one clock, so shift it onto ours.
  const skew = received - (batch.sent ?? received);
  const client = parseUserAgent(meta.userAgent);
  const country = normaliseCountry(meta.country);

  return batch.events.map((e) => ({
    site: batch.site,
    id: e.id,
    type: e.type,
    name: e.name,
    ts: e.ts,
    time: e.ts + skew,
    received,
    visitor: e.visitor ?? null,
    session: e.session ?? null,
    user_id: e.user ?? null,
    url: e.url ?? null,
    path: e.path ?? pathOf(e.url),
    title: e.title ?? null,
    referrer: e.referrer || null, // a page opened directly has document.referrer '': no referrer
    stage: e.stage ?? null,
    stage_inferred: e.stage ? 0 : 1,
    hint: e.hint ?? null,
    touchpoint: e.touchpoint ?? null,
    channel: e.channel ?? null,
    persona: e.persona ?? null,
    props: e.props && Object.keys(e.props).length ? JSON.stringify(e.props) : null,
    device: client.device,
    browser: client.browser,
    os: client.os,
    country,
    // Server-side ("backstage") events name their channel and come from HTTP libraries that
    // isbot flags (node, undici, curl…); they are not crawlers and must stay in the journey.
    bot: client.bot && e.channel === undefined ? 1 : 0,
    // Filled by the journey assignment (collector/journey/assign.ts).
    txn: null,
    source: null,
    medium: null,
    campaign: null,
    content: null,
    term: null,
    landing: null,
  }));
}
