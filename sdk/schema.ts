// The wire protocol: one definition of a batch and an event, shared by the SDK (types only,
// so nothing here ships to browsers) and the collector (which validates with these schemas).
import * as v from 'valibot';

/** Hard caps the collector enforces; the SDK stays well inside them. */
export const LIMITS = {
  /** Bytes of one request body. */
  bodyBytes: 64 * 1024,
  /** Events in one batch. */
  events: 100,
  /** Keys in one event's props. */
  props: 32,
  /** Length of a prop key. */
  keyLength: 64,
  /** Length of a prop string value. */
  valueLength: 500,
  /** Entries of an array prop (checkout `items`). */
  items: 50,
  /** How far back an event's `ts` may be, relative to the batch's `sent` (offline queues). */
  maxAgeMs: 30 * 24 * 3600 * 1000,
  /** How far ahead of `sent` an event's `ts` may be (clock jitter within one page). */
  maxAheadMs: 5 * 60 * 1000,
  /**
   * Largest amount of money, either sign, in a prop named in {@link AMOUNT_PROPS} (an event's or
   * an item's): a trillion in any currency, so that no sum of stored amounts can overflow.
   */
  amount: 1e12,
  /** Largest `quantity`, either sign (an event's or an item's). */
  quantity: 1e6,
  /** Largest `engaged_ms` of one event: a day. */
  engagedMs: 24 * 3600 * 1000,
} as const;

/** Props that hold an amount of money (GA4 e-commerce), bounded by LIMITS.amount. */
export const AMOUNT_PROPS = ['value', 'price', 'tax', 'shipping', 'discount'] as const;

/** Every event type the collector knows. */
export const EVENT_TYPES = [
  'pageview', // a page (or SPA view) was shown
  'event', // a custom or auto-captured interaction
  'engagement', // engaged time and scroll depth of the page being left
  'checkout', // a GA4 e-commerce step (name = view_item … purchase, sign_up)
  'pain', // an obstacle: rage_click, js_error, form_error, poor_vital, dead_click
  'feedback', // how the customer felt: props.score 1–5; or a survey answer (name SURVEY_ANSWER)
  'vital', // a web-vitals measurement that was not poor
  'identify', // links the anonymous visitor to a user id and persona
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Name of the `feedback` event that carries a micro-survey answer (sdk/survey-schema.ts), with
 * props `survey` (its id), `question`, `kind` (single, multiple, scale, text), and `answer` (the
 * choice, choices joined by "|", or the text) or `value` and `scale` (1–5 or 1–10), and `other`
 * (the "Other" text). No `score`: survey answers never mix with the 1–5 feedback mean.
 */
export const SURVEY_ANSWER = 'survey';

/**
 * Page types the SDK reads from markup and sends as `hint` on every event of a page view:
 * product (schema.org Product/Offer, og:type product, GA4 view_item), list (ItemList,
 * view_item_list), article (Article/BlogPosting/NewsArticle, og:type article), faq (FAQPage),
 * cart (GA4 view_cart), checkout (a checkout step the page declares, GA4 begin_checkout …).
 */
export const PAGE_HINTS = ['product', 'list', 'article', 'faq', 'cart', 'checkout'] as const;
export type PageHint = (typeof PAGE_HINTS)[number];

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const text = (max: number) => v.pipe(v.string(), v.maxLength(max, `longer than ${max} characters`));
const token = (max: number) =>
  v.pipe(
    v.string(),
    v.regex(
      new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,${max - 1}}$`),
      `must be 1–${max} of A-Z a-z 0-9 _ . : - (starting with a letter or digit)`,
    ),
  );

const scalar = v.union([v.pipe(v.string(), v.maxLength(LIMITS.valueLength)), v.pipe(v.number(), v.finite()), v.boolean(), v.null()]);
const propKey = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(LIMITS.keyLength),
  v.check((k) => !FORBIDDEN_KEYS.has(k), 'is a reserved key'),
);
// valibot's record() silently drops __proto__/constructor/prototype keys (so propKey's check
// never sees them) and accepts arrays; look at the raw input first so both are refused.
const plainObject = v.pipe(
  v.custom<Record<string, unknown>>((x) => typeof x === 'object' && x !== null && !Array.isArray(x), 'must be an object'),
  v.rawCheck<Record<string, unknown>>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    for (const key of Object.keys(dataset.value)) if (FORBIDDEN_KEYS.has(key)) addIssue({ message: `"${key}" is a reserved key` });
  }),
);
// Numbers the collector sums (revenue, engaged time) or may: bounded, so no stored combination
// can overflow to Infinity (shown as null or 0) or fail an insert (issue 17). A numeric string
// counts as its number in SQL, so it must be a plain decimal within the same range.
const DECIMAL = /^-?\d{1,16}(\.\d{1,16})?$/;
const BOUNDS: Record<string, [number, number]> = {
  ...Object.fromEntries(AMOUNT_PROPS.map((k) => [k, [-LIMITS.amount, LIMITS.amount]])),
  quantity: [-LIMITS.quantity, LIMITS.quantity],
  engaged_ms: [0, LIMITS.engagedMs],
};
const inBounds = (x: unknown, [min, max]: [number, number]) =>
  x === null || ((typeof x === 'number' || (typeof x === 'string' && DECIMAL.test(x))) && +x >= min && +x <= max);
const bounded = <T extends Record<string, unknown>>() =>
  v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const record: Record<string, unknown> = dataset.value;
    for (const key of Object.keys(record)) {
      const range = Object.hasOwn(BOUNDS, key) ? BOUNDS[key]! : undefined;
      if (range && !inBounds(record[key], range))
        addIssue({
          message: `must be a number from ${range[0]} to ${range[1]}`,
          path: [{ type: 'object', origin: 'value', input: record, key, value: record[key] }],
        });
    }
  });
const flatRecord = v.pipe(
  plainObject,
  v.record(propKey, scalar),
  v.check((r) => Object.keys(r).length <= LIMITS.props, `more than ${LIMITS.props} keys`),
  bounded<Record<string, string | number | boolean | null>>(),
);
/** Props: flat scalars, plus arrays of flat records (e-commerce `items`). */
export const PropsSchema = v.pipe(
  plainObject,
  v.record(propKey, v.union([scalar, v.pipe(v.array(flatRecord), v.maxLength(LIMITS.items))])),
  v.check((r) => Object.keys(r).length <= LIMITS.props, `more than ${LIMITS.props} props`),
  bounded<Record<string, string | number | boolean | null | Record<string, string | number | boolean | null>[]>>(),
);

export const EventSchema = v.pipe(
  v.object({
    /** Unique id chosen by the sender; retries resend it, the collector stores it once. */
    id: token(64),
    type: v.picklist(EVENT_TYPES),
    /** Event name: the page path for pageviews, the GA4 step for checkout, free text otherwise. */
    name: v.pipe(v.string(), v.minLength(1, 'is empty'), v.maxLength(200)),
    /** Client time in ms since the epoch. */
    ts: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
    /** Anonymous visitor id (first-party storage). Server-side events may send `user` instead. */
    visitor: v.optional(token(64)),
    /** Session id: a new one after 30 minutes without events. */
    session: v.optional(token(64)),
    /** Identified user id (after identify, or on server-side events). */
    user: v.optional(v.pipe(text(128), v.minLength(1, 'is empty'))),
    url: v.optional(text(2048)),
    path: v.optional(text(1024)),
    title: v.optional(text(300)),
    referrer: v.optional(text(2048)),
    /** Journey stage, when the sender knows it (explicit, element, meta, URL rule, name default). */
    stage: v.optional(token(40)),
    /** What the customer interacted with: the page for views, the element for interactions. */
    touchpoint: v.optional(text(300)),
    /**
     * Page type read from the page's own markup (schema.org, og:type, dataLayer, a declared
     * checkout step): one of {@link PAGE_HINTS}; the collector turns it into a stage
     * (docs/journey.md). Unknown values are ignored, so a newer SDK never gets a batch refused.
     */
    hint: v.optional(token(20)),
    /** Channel named by a server-side event (store, support, …); browsers leave it out. */
    channel: v.optional(token(40)),
    persona: v.optional(token(64)),
    props: v.optional(PropsSchema),
  }),
  v.check((e) => e.visitor !== undefined || e.user !== undefined, 'needs a visitor or a user'),
);

export const BatchSchema = v.object({
  site: token(64),
  /** Client time when the batch was sent; the collector corrects client clock skew with it. */
  // Safe integers: ts + (received - sent) is then exact, and SQLite gives them back unchanged.
  sent: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  events: v.pipe(v.array(EventSchema), v.minLength(1, 'no events'), v.maxLength(LIMITS.events, `more than ${LIMITS.events} events`)),
});

export type Props = v.InferOutput<typeof PropsSchema>;
/** One event on the wire. */
export type WireEvent = v.InferOutput<typeof EventSchema>;
/** One request body of `POST /collect`. */
export type Batch = v.InferOutput<typeof BatchSchema>;
