// The metric definitions, once: what counts as a touch, an interaction, a bounce, a pain point,
// a purchase, engaged time, a referral. Every engine's SQL (collector/store/sql/) spells them from
// these values, and the report (collector/report/) and the dashboard read them from here;
// docs/journey.md and docs/report.md define them in words and point here.
import type { EventType } from '../sdk/schema';

/** Event types that are touches (page views and actions): what touchpoints, paths and `touches` count. */
export const TOUCH_TYPES = ['pageview', 'event', 'checkout'] as const satisfies readonly EventType[];

/**
 * What counts as the customer doing something (docs/journey.md, bounce): an event of these
 * types, or of these names (a rage click is a pain point but also an interaction).
 */
export const INTERACTIVE_TYPES = ['event', 'checkout', 'feedback'] as const satisfies readonly EventType[];
export const INTERACTIVE_NAMES = ['rage_click'] as const;

/** Engaged time under which a one-page session without interaction is a bounce (docs/journey.md, bounce). */
export const BOUNCE_ENGAGED_MS = 10_000;

/** The pain points the report counts, in the report's tie order (docs/journey.md, pain points). */
export const PAIN_KINDS = ['rage_click', 'js_error', 'form_error', 'poor_vital', 'dead_click'] as const;

/** A purchase: the checkout event of this name (GA4's `purchase`). */
export const PURCHASE_EVENT = { type: 'checkout', name: 'purchase' } as const;

/** Engaged time comes from `engagement` events' props.engaged_ms. */
export const ENGAGEMENT_TYPE = 'engagement' as const satisfies EventType;

/** A usable feedback score: a number from 1 to 5 in props.score of a `feedback` event. */
export const FEEDBACK_SCORE = { min: 1, max: 5 } as const;

/**
 * Event names that make an advocate a referrer (prefixes: share…, refer… (referral), invite…,
 * recommend…), as opposed to only a review: the advocacy stage's completion.
 */
export const REFERRAL_PREFIXES = ['share', 'refer', 'invite', 'recommend'] as const;

/** Rollup rows (and the hours a period splits into) are per hour of event time. */
export const HOUR_MS = 3_600_000;
