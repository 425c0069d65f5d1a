// Umami's `POST /api/send` body `{type, payload}` (browser trackers old and new, @umami/node)
// mapped to cjm events. Framework-free. docs/compat.md says what maps and what does not.
import type { Props } from '../../sdk/schema';
import { isObject, sanitizeProps, toNumber } from './props';
import { MappingError, pathOf, str, type Draft } from './types';

/** What one Umami message becomes. */
export interface UmamiMapped {
  site: string;
  events: Draft[];
  /** `payload.ip` / `payload.userAgent` of server-side senders: they replace the request's. */
  ip?: string;
  userAgent?: string;
}

/**
 * web-vitals' "poor" thresholds (its LCPThresholds … TTFBThresholds, second value), as the SDK
 * rates them (sdk/vitals.ts): a value above is a `pain` (poor_vital), else a `vital`.
 */
const VITALS = { LCP: [2500, 4000], INP: [200, 500], CLS: [0.1, 0.25], FCP: [1800, 3000], TTFB: [800, 1800] } as const;

const safe = (decode: (s: string) => string, s: string | undefined): string | undefined => {
  if (s === undefined) return undefined;
  try {
    return decode(s);
  } catch {
    return s;
  }
};

/**
 * An absolute URL: as is when it has a scheme, else resolved against the page's origin (the
 * request's Origin when its host is `hostname`, else https://hostname). Umami ≤ 2.15 sends
 * only path + query, encodeURI'd.
 */
function absolute(raw: unknown, hostname: string | undefined, origin: string | undefined): string | undefined {
  const s = safe(decodeURI, str(raw, 4096));
  if (!s) return undefined;
  let base: string | undefined;
  try {
    if (origin && (!hostname || new URL(origin).hostname === hostname)) base = origin;
  } catch {
    // A malformed Origin header: fall back to the hostname.
  }
  base ??= hostname ? `https://${hostname}` : undefined;
  try {
    return new URL(s, base).href.slice(0, 2048);
  } catch {
    return s.slice(0, 2048);
  }
}

/**
 * Maps one parsed `/api/send` body.
 * @param origin the request's Origin header (resolves the path-only URLs of old trackers)
 * @throws MappingError for a body that is not `{type, payload}`, an unknown type, no website,
 *   or a link/pixel payload
 * @example mapUmami({ type: 'event', payload: { website: 'shop', url: '/p', hostname: 'shop.example' } }, undefined)
 */
export function mapUmami(body: unknown, origin: string | undefined): UmamiMapped {
  if (!isObject(body)) throw new MappingError({ body: 'must be a JSON object {type, payload}' });
  const { type, payload: p } = body;
  if (type !== 'event' && type !== 'identify' && type !== 'performance') {
    throw new MappingError({ type: 'must be event, identify or performance' });
  }
  if (!isObject(p)) throw new MappingError({ payload: 'must be an object' });
  if (p.website === undefined && (p.link !== undefined || p.pixel !== undefined)) {
    throw new MappingError({ payload: 'link and pixel events have no meaning in cjm' });
  }
  const site = str(p.website, 200);
  if (!site) throw new MappingError({ 'payload.website': 'is required' });

  const hostname = str(p.hostname, 253);
  const url = absolute(p.url, hostname, origin);
  const referrer = absolute(p.referrer, hostname, origin);
  const title = safe(decodeURIComponent, str(p.title, 4096))?.slice(0, 300);
  const seconds = toNumber(p.timestamp);
  const common: Omit<Draft, 'type' | 'name'> = {
    ...(seconds !== undefined ? { ts: Math.round(seconds * 1000) } : {}),
    ...(url ? { url, path: pathOf(url) } : {}),
    ...(referrer ? { referrer } : {}),
    ...(title ? { title } : {}),
    ...(str(String(p.id ?? ''), 128) ? { user: String(p.id).slice(0, 128) } : {}),
  };
  const tag: Props = typeof p.tag === 'string' && p.tag ? { tag: p.tag.slice(0, 500) } : {};
  const data = p.data;
  const events: Draft[] = [];
  const name = str(p.name, 200);

  if (type === 'identify') {
    events.push({ ...common, type: 'identify', name: 'identify', props: sanitizeProps(data, tag) });
  } else if (type === 'performance') {
    for (const [metric, [, poor]] of Object.entries(VITALS)) {
      const v = toNumber(p[metric.toLowerCase()]);
      if (v === undefined) continue;
      const [good] = VITALS[metric as keyof typeof VITALS];
      const value = metric === 'CLS' ? Math.round(v * 1000) / 1000 : Math.round(v);
      const rating = value > poor ? 'poor' : value > good ? 'needs-improvement' : 'good';
      events.push({
        ...common,
        type: rating === 'poor' ? 'pain' : 'vital',
        name: rating === 'poor' ? 'poor_vital' : metric,
        props: { metric, value, rating },
      });
    }
  } else {
    const d = isObject(data) ? data : {};
    const revenue = toNumber(d.revenue);
    if (revenue !== undefined && revenue > 0 && typeof d.currency === 'string' && d.currency) {
      const txn = d.order_id ?? d.transaction_id;
      const keep: Props = {
        value: revenue,
        currency: d.currency.slice(0, 16),
        ...(typeof txn === 'string' || typeof txn === 'number' ? { transaction_id: txn } : {}),
        ...(name ? { source_event: name } : {}),
        ...tag,
      };
      events.push({ ...common, type: 'checkout', name: 'purchase', props: sanitizeProps(data, keep) });
    } else if (name) {
      events.push({ ...common, type: 'event', name, props: sanitizeProps(data, tag) });
    } else {
      events.push({ ...common, type: 'pageview', name: common.path ?? '/', props: sanitizeProps(data, tag) });
    }
  }
  return {
    site,
    events,
    ...(str(p.ip, 100) ? { ip: str(p.ip, 100) } : {}),
    ...(str(p.userAgent, 1000) ? { userAgent: str(p.userAgent, 1000) } : {}),
  };
}
