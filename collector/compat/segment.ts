// Segment messages (analytics-node, analytics-next, the HTTP API) mapped to cjm events,
// e-commerce spec v2 names to the GA4 steps cjm uses. Framework-free. docs/compat.md.
import type { Props } from '../../sdk/schema';
import { isObject, sanitizeProps, toNumber } from './props';
import { pathOf, str, type Draft } from './types';

/** The message type a single-message path stands for (`/v1/t`, `/v1/track` …). */
export const SEGMENT_PATH_TYPES: Readonly<Record<string, string>> = {
  t: 'track',
  p: 'page',
  i: 'identify',
  s: 'screen',
  g: 'group',
  a: 'alias',
  track: 'track',
  page: 'page',
  identify: 'identify',
  screen: 'screen',
  group: 'group',
  alias: 'alias',
};

/** Segment e-commerce spec v2 event → the GA4 step cjm stores it as. */
export const SEGMENT_ECOMMERCE: Readonly<Record<string, string>> = {
  'Product Viewed': 'view_item',
  'Product Added': 'add_to_cart',
  'Product Removed': 'remove_from_cart',
  'Cart Viewed': 'view_cart',
  'Checkout Started': 'begin_checkout',
  'Payment Info Entered': 'add_payment_info',
  'Order Completed': 'purchase',
  'Order Refunded': 'refund',
  'Signed Up': 'sign_up',
};

/** Traits that name a person: never stored (cjm keeps no PII). */
const PII_TRAITS = new Set(['email', 'phone', 'name', 'firstName', 'lastName', 'username', 'address', 'birthday', 'avatar']);
/** Page properties that become event fields, not props. */
const PAGE_FIELDS = new Set(['url', 'path', 'referrer', 'title', 'search', 'name', 'category']);
const UTM = ['source', 'medium', 'name', 'content', 'term'] as const;

/** What one Segment message becomes, with its own time and User-Agent. */
export interface SegmentMapped {
  event: Draft;
  /** `sentAt` of the message, else of the batch: cjm's `sent` (skew correction). */
  sent?: number;
  /** `context.userAgent`; undefined for server libraries (stored without device, not a bot). */
  userAgent?: string;
  /** The write key named in the body (message, else batch): the site when no Basic auth. */
  writeKey?: string;
}

/** Why a message is dropped (the rest of its batch is stored). */
export type SegmentDrop = { drop: string };

const time = (x: unknown): number | undefined => {
  if (typeof x !== 'string' && typeof x !== 'number') return undefined;
  const t = new Date(x).getTime();
  return Number.isFinite(t) && t >= 0 ? t : undefined;
};

/** `url` with `context.campaign` added as utm_* when it has none, so cjm's channel rules see them. */
function withCampaign(url: string | undefined, campaign: unknown): string | undefined {
  if (!url || !isObject(campaign)) return url;
  try {
    const u = new URL(url);
    if ([...u.searchParams.keys()].some((k) => k.startsWith('utm_'))) return url;
    for (const k of UTM) {
      const v = campaign[k];
      if (typeof v === 'string' && v) u.searchParams.set(k === 'name' ? 'utm_campaign' : `utm_${k}`, v);
    }
    return u.href.slice(0, 2048);
  } catch {
    return url;
  }
}

/** GA4 `items` from Segment `products` (or, for `Product *` events, the product itself). */
function items(p: Record<string, unknown>, single: boolean): Props['items'] | undefined {
  const list = Array.isArray(p.products) ? p.products.filter(isObject) : single ? [p] : [];
  if (!list.length) return undefined;
  return list.slice(0, 50).map((x) => {
    const id = x.product_id ?? x.sku ?? x.id;
    const out: Record<string, string | number | boolean | null> = {};
    if (typeof id === 'string' || typeof id === 'number') out.item_id = typeof id === 'string' ? id.slice(0, 500) : id;
    if (typeof x.name === 'string') out.item_name = x.name.slice(0, 500);
    if (toNumber(x.price) !== undefined) out.price = toNumber(x.price)!;
    if (toNumber(x.quantity) !== undefined) out.quantity = toNumber(x.quantity)!;
    return out;
  });
}

/** GA4 checkout props of a Segment e-commerce event. */
function ecommerce(event: string, p: Record<string, unknown>): Props {
  const price = toNumber(p.price);
  const value =
    toNumber(p.revenue) ??
    toNumber(p.total) ??
    toNumber(p.value) ??
    (price !== undefined ? price * (toNumber(p.quantity) ?? 1) : undefined);
  const list = items(p, event.startsWith('Product '));
  const out: Props = { source_event: event };
  if (value !== undefined) out.value = value;
  if (typeof p.currency === 'string') out.currency = p.currency.slice(0, 16);
  if (typeof p.order_id === 'string' || typeof p.order_id === 'number') out.transaction_id = p.order_id;
  for (const k of ['coupon', 'tax', 'shipping', 'discount'] as const) {
    const v = p[k];
    if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) out[k] = v;
  }
  if (list) out.items = list;
  return out;
}

/**
 * Maps one Segment message; `pathType` is the type a single-message path implies.
 * @returns the event, or `{drop}` saying why the message is left out (no ids, no event name…)
 * @example mapSegment({ type: 'track', event: 'Order Completed', anonymousId: 'a1', properties: { order_id: 'T1', revenue: 30 } })
 */
export function mapSegment(msg: unknown, pathType?: string, batchSentAt?: unknown): SegmentMapped | SegmentDrop {
  if (!isObject(msg)) return { drop: 'not an object' };
  const type = typeof msg.type === 'string' ? msg.type : pathType;
  const userId = msg.userId === null || msg.userId === undefined || msg.userId === '' ? undefined : String(msg.userId).slice(0, 128);
  const anonymousId =
    msg.anonymousId === null || msg.anonymousId === undefined || msg.anonymousId === '' ? undefined : String(msg.anonymousId);
  if (!userId && !anonymousId) return { drop: 'needs userId or anonymousId' };

  const ctx = isObject(msg.context) ? msg.context : {};
  const page = isObject(ctx.page) ? ctx.page : {};
  const props = isObject(msg.properties) ? msg.properties : {};
  const traits = isObject(msg.traits) ? msg.traits : {};
  const own = type === 'page' ? props : {};
  const rawUrl = str(own.url, 2048) ?? str(page.url, 2048);
  const url = withCampaign(rawUrl, ctx.campaign);
  const path = str(own.path, 1024) ?? str(page.path, 1024) ?? pathOf(url);
  const referrer = str(own.referrer, 2048) ?? str(page.referrer, 2048);
  const title = str(own.title, 300) ?? str(page.title, 300);
  const ts = time(msg.timestamp) ?? time(msg.originalTimestamp);
  const base: Omit<Draft, 'type' | 'name'> = {
    ...(ts !== undefined ? { ts } : {}),
    ...(typeof msg.messageId === 'string' && msg.messageId ? { id: msg.messageId.slice(0, 200) } : {}),
    ...(anonymousId ? { visitor: anonymousId.slice(0, 200) } : {}),
    ...(userId ? { user: userId } : {}),
    ...(url ? { url } : {}),
    ...(path ? { path } : {}),
    ...(referrer ? { referrer } : {}),
    ...(title ? { title } : {}),
  };

  let event: Draft;
  switch (type) {
    case 'page': {
      const extra: Props = {};
      if (typeof props.name === 'string' || typeof msg.name === 'string') extra.page_name = String(props.name ?? msg.name).slice(0, 500);
      if (typeof props.category === 'string' || typeof msg.category === 'string')
        extra.page_category = String(props.category ?? msg.category).slice(0, 500);
      const rest = Object.fromEntries(Object.entries(props).filter(([k]) => !PAGE_FIELDS.has(k)));
      event = { ...base, type: 'pageview', name: path ?? '/', props: sanitizeProps(rest, extra) };
      break;
    }
    case 'screen': {
      const name = str(msg.name, 199) ?? str(props.name, 199) ?? 'screen';
      const { url: _u, path: _p, ...rest } = base;
      event = { ...rest, type: 'pageview', name: `/${name}`, path: `/${name}`, props: sanitizeProps(props) };
      break;
    }
    case 'track': {
      const name = str(msg.event, 200);
      if (!name) return { drop: 'track needs an event name' };
      const step = SEGMENT_ECOMMERCE[name];
      event = step
        ? { ...base, type: 'checkout', name: step, props: sanitizeProps(props, ecommerce(name, props)) }
        : { ...base, type: 'event', name, props: sanitizeProps(props) };
      break;
    }
    case 'identify': {
      const kept = Object.fromEntries(Object.entries(traits).filter(([k]) => !PII_TRAITS.has(k)));
      event = { ...base, type: 'identify', name: 'identify', props: sanitizeProps(kept) };
      break;
    }
    case 'alias': {
      // The anonymous visitor of previousId is the one identified as userId.
      const previous = msg.previousId === null || msg.previousId === undefined ? undefined : String(msg.previousId).slice(0, 200);
      if (!userId) return { drop: 'alias needs a userId' };
      event = {
        ...base,
        ...(previous ? { visitor: previous } : {}),
        type: 'identify',
        name: 'identify',
        props: previous ? { previous_id: previous.slice(0, 500) } : undefined,
      };
      break;
    }
    case 'group': {
      const groupId = msg.groupId === null || msg.groupId === undefined ? null : String(msg.groupId).slice(0, 500);
      event = { ...base, type: 'event', name: 'group', props: sanitizeProps(traits, { group_id: groupId }) };
      break;
    }
    default:
      return { drop: `unknown message type ${JSON.stringify(String(type)).slice(0, 40)}` };
  }
  if (!event.props) delete event.props;
  const sent = time(msg.sentAt) ?? time(batchSentAt);
  return {
    event,
    ...(sent !== undefined ? { sent } : {}),
    ...(typeof ctx.userAgent === 'string' && ctx.userAgent ? { userAgent: ctx.userAgent.slice(0, 2000) } : {}),
    ...(typeof msg.writeKey === 'string' && msg.writeKey ? { writeKey: msg.writeKey } : {}),
  };
}
