// Plausible's `POST /api/event` body (every tracker: script tag, @plausible-analytics/tracker,
// plausible-tracker; short or long keys) mapped to cjm events. Framework-free. docs/compat.md.
import type { Props } from '../../sdk/schema';
import { isObject, parseMaybeJson, sanitizeProps, toNumber } from './props';
import { MappingError, pathOf, str, type Draft } from './types';

/** What one Plausible request becomes: the same events for each site listed in `d`. */
export interface PlausibleMapped {
  sites: string[];
  event: Draft;
}

const pick = (b: Record<string, unknown>, short: string, long: string): unknown => (b[short] !== undefined ? b[short] : b[long]);

/**
 * Maps a parsed Plausible body. Sites: `d` (a comma list records the event for each), else the
 * host of `u`.
 * @throws MappingError when the body is not an object, or `n`/`u` is missing, or `u` is not a URL
 * @example mapPlausible({ n: 'pageview', u: 'https://shop.example/p?utm_source=x', d: 'shop.example', r: null })
 */
export function mapPlausible(body: unknown): PlausibleMapped {
  if (!isObject(body)) throw new MappingError({ body: 'must be a JSON object' });
  const n = pick(body, 'n', 'name');
  const u = pick(body, 'u', 'url');
  const errors: Record<string, string> = {};
  if (typeof n !== 'string' || n === '') errors.name = 'is required (n or name)';
  let url: URL | undefined;
  if (typeof u !== 'string' || u === '') errors.url = 'is required (u or url)';
  else {
    try {
      url = new URL(u);
    } catch {
      errors.url = 'is not a URL';
    }
  }
  if (Object.keys(errors).length) throw new MappingError(errors);

  const d = pick(body, 'd', 'domain');
  const sites = (typeof d === 'string' ? d.split(',') : []).map((s) => s.trim()).filter(Boolean);
  if (!sites.length) sites.push(url!.host);

  const name = n as string;
  const href = (u as string).slice(0, 2048);
  const path = pathOf(href, toNumber(pick(body, 'h', 'hashMode')) === 1) ?? '/';
  const r = pick(body, 'r', 'referrer');
  const raw = sanitizeProps(parseMaybeJson(body.p ?? body.props ?? body.m ?? body.meta));
  const interactive: Props = pick(body, 'i', 'interactive') === false ? { interactive: false } : {};
  const page = { url: href, path, ...(str(r, 2048) ? { referrer: str(r, 2048) } : {}) };

  const revenue = parseMaybeJson(pick(body, '$', 'revenue'));
  if (isObject(revenue) && toNumber(revenue.amount) !== undefined) {
    const txn = raw?.order_id ?? raw?.transaction_id;
    const keep: Props = {
      value: toNumber(revenue.amount)!,
      ...(typeof revenue.currency === 'string' ? { currency: revenue.currency.slice(0, 16) } : {}),
      ...(typeof txn === 'string' || typeof txn === 'number' ? { transaction_id: txn } : {}),
      source_event: name.slice(0, 200),
      ...interactive,
    };
    const props = sanitizeProps(raw, keep);
    return { sites, event: { type: 'checkout', name: 'purchase', ...page, props } };
  }
  if (name === 'pageview') {
    return { sites, event: { type: 'pageview', name: path, ...page, props: sanitizeProps(raw, interactive) } };
  }
  if (name === 'engagement') {
    const props = {
      engaged_ms: Math.max(0, Math.round(toNumber(pick(body, 'e', 'engagement_time')) ?? 0)),
      scroll: toNumber(body.sd) ?? null,
    };
    return { sites, event: { type: 'engagement', name: 'engagement', ...page, props } };
  }
  return { sites, event: { type: 'event', name: name.slice(0, 200), ...page, props: sanitizeProps(raw, interactive) } };
}
