// Parsers of the abuse-limit, origin and retention variables (CJM_RATE_LIMIT, CJM_SITE_RATE_LIMIT,
// CJM_ORIGINS, CJM_RETENTION_DAYS, CJM_TRUST_PROXY). Each throws an Error naming the variable,
// so a typo stops the collector at start-up instead of silently changing what it accepts.
import type { Rate } from './limits/token-bucket';

export type { Rate } from './limits/token-bucket';

/** Rate limits of `/collect`; `null` turns one off. */
export interface RateLimits {
  /** Requests per client (salted hash of IP + User-Agent). Default 600/min. */
  client: Rate | null;
  /** Requests per site id. Default 60000/min. */
  site: Rate | null;
  /**
   * Requests per IP address, whatever the User-Agent (salted hash of the IP alone), so rotating
   * the User-Agent does not get round the per-client limit. Default 1800/min: looser than the
   * per-client one, since many people can share one address (offices, mobile carriers).
   */
  ip: Rate | null;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  client: { limit: 600, windowMs: 60_000 },
  site: { limit: 60_000, windowMs: 60_000 },
  ip: { limit: 1800, windowMs: 60_000 },
};

/** Quotas on what /collect stores; `null` turns one off. */
export interface Quotas {
  /**
   * With CJM_SITES unset (open mode): how many site ids the database may hold; a batch for a new
   * site id past it is refused. Default 100.
   */
  sites: number | null;
  /** Events stored per site per UTC day. Default 1,000,000. */
  siteDailyEvents: number | null;
  /** Size of the database (Node: file + WAL), MB, past which /collect stores nothing. Default off. */
  databaseMb: number | null;
}

export const DEFAULT_QUOTAS: Quotas = { sites: 100, siteDailyEvents: 1_000_000, databaseMb: null };

/**
 * Parses a quota: a whole number, `off` or `0` (null); unset or empty gives `fallback`.
 * @example parseQuota('CJM_MAX_SITES', '20', 100) // 20
 */
export function parseQuota(name: string, value: string | undefined, fallback: number | null): number | null {
  const v = value?.trim().toLowerCase().replace(/[_,]/g, '') ?? '';
  if (!v) return fallback;
  if (v === 'off' || v === '0') return null;
  if (!/^\d{1,12}$/.test(v)) throw new Error(`${name} must be a whole number (or off), not ${JSON.stringify(value)}`);
  return Number(v);
}

const UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
};

/**
 * Parses a rate such as `600/min`, `20/s` or `5000/h`; `off` or `0` turns the limit off (null);
 * unset or empty gives `fallback`.
 * @example parseRate('CJM_RATE_LIMIT', '600/min', null) // { limit: 600, windowMs: 60000 }
 */
export function parseRate(name: string, value: string | undefined, fallback: Rate | null): Rate | null {
  const v = value?.trim().toLowerCase() ?? '';
  if (!v) return fallback;
  if (v === 'off' || v === '0') return null;
  const m = /^(\d{1,9})\s*\/\s*([a-z]+)$/.exec(v);
  const windowMs = m ? UNITS[m[2]!] : undefined;
  if (!m || !windowMs || Number(m[1]) < 1) {
    throw new Error(`${name} must look like 600/min, 20/s or 5000/h (or off), not ${JSON.stringify(value)}`);
  }
  return { limit: Number(m[1]), windowMs };
}

const SITE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/**
 * Parses `CJM_ORIGINS`: `site=origin|origin;site=origin`, e.g.
 * `shop=https://shop.example|https://www.shop.example;blog=https://blog.example`.
 * An origin is scheme://host[:port], exactly as browsers send it in the Origin header.
 * @example parseOrigins('blog=https://blog.example').get('blog') // ['https://blog.example']
 */
export function parseOrigins(value: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (value ?? '').split(';')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    const site = part.slice(0, eq).trim();
    if (eq < 0 || !SITE.test(site)) {
      throw new Error(`CJM_ORIGINS: expected site=https://origin|https://other;site2=…, not ${JSON.stringify(part.trim())}`);
    }
    const origins = part
      .slice(eq + 1)
      .split('|')
      .map((o) => o.trim())
      .filter(Boolean)
      .map((o) => normaliseOrigin(site, o));
    if (!origins.length) throw new Error(`CJM_ORIGINS: site "${site}" lists no origin`);
    out.set(site, [...(out.get(site) ?? []), ...origins]);
  }
  return out;
}

/**
 * Parses `CJM_SITE_ALIASES`: `foreign-id=site;other-id=site` maps the site identifiers that
 * Plausible (domain), Umami (website uuid) and Segment (write key) clients send onto cjm site ids.
 * Throws an Error naming the entry at fault.
 * @example parseSiteAliases('2f0c…-uuid=shop;wk_live_123=shop') // Map { '2f0c…-uuid' => 'shop', 'wk_live_123' => 'shop' }
 */
export function parseSiteAliases(value: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (value ?? '').split(';')) {
    if (!part.trim()) continue;
    const eq = part.lastIndexOf('=');
    const from = part.slice(0, eq).trim();
    const site = part.slice(eq + 1).trim();
    if (eq < 0 || !from || !SITE.test(site)) {
      throw new Error(`CJM_SITE_ALIASES: expected foreign-id=site;other-id=site, not ${JSON.stringify(part.trim())}`);
    }
    out.set(from, site);
  }
  return out;
}

function normaliseOrigin(site: string, origin: string): string {
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    // reported below
  }
  // Only scheme://host[:port]: the Origin header never has a path, query or credentials.
  // URL.origin drops a default port and lower-cases the host, as browsers do in that header.
  if (!url || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new Error(`CJM_ORIGINS: "${origin}" (site ${site}) is not an origin like https://shop.example or http://localhost:3000`);
  }
  return url.origin;
}

/**
 * Parses `CJM_RETENTION_DAYS`: whole days to keep events; unset, empty or 0 keeps them forever.
 * @example parseRetentionDays('400') // 400
 */
export function parseRetentionDays(value: string | undefined): number | undefined {
  const v = value?.trim() ?? '';
  if (!v || v === '0') return undefined;
  if (!/^\d{1,6}$/.test(v)) throw new Error(`CJM_RETENTION_DAYS must be a whole number of days, not ${JSON.stringify(value)}`);
  return Number(v);
}

/** Parses a yes/no variable such as `CJM_TRUST_PROXY` (1/true/yes, 0/false/no, unset = no). */
export function parseFlag(name: string, value: string | undefined): boolean {
  const v = value?.trim().toLowerCase() ?? '';
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['', '0', 'false', 'no', 'off'].includes(v)) return false;
  throw new Error(`${name} must be 1 or 0, not ${JSON.stringify(value)}`);
}

/**
 * CJM_DURABILITY (Node): `normal` (default, also unset) or `full` (fsync every commit).
 * @example parseDurability('full') // 'full'
 */
export function parseDurability(value: string | undefined): 'normal' | 'full' {
  const v = value?.trim().toLowerCase() ?? '';
  if (v === '' || v === 'normal') return 'normal';
  if (v === 'full') return 'full';
  throw new Error(`CJM_DURABILITY must be normal or full, not ${JSON.stringify(value)}`);
}
