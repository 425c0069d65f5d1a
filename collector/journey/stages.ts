// The collector's half of stage assignment: what the SDK could not tell (explicit stage,
// element, page meta, URL rules) is decided here, by event name and then by the visitor's
// progress. docs/journey.md publishes these rules; test/collector/stages.test.ts checks them.

/** The default journey, in order. A site can replace it (CJM_STAGES / site config). */
export const DEFAULT_STAGES = ['awareness', 'consideration', 'decision', 'retention', 'advocacy'];

/** GA4 e-commerce steps (+ sign_up) that make up the checkout funnel, in funnel order. */
export const CHECKOUT_STEPS = [
  'view_item',
  'add_to_cart',
  'view_cart',
  'begin_checkout',
  'sign_up',
  'add_shipping_info',
  'add_payment_info',
  'purchase',
] as const;
/** Checkout-related names that are not funnel steps. */
export const CHECKOUT_OTHER = ['remove_from_cart', 'refund'] as const;

export const isCheckoutName = (name: string): boolean =>
  (CHECKOUT_STEPS as readonly string[]).includes(name) || (CHECKOUT_OTHER as readonly string[]).includes(name);

/** What the collector knows of a visitor before an event. */
export interface Progress {
  /** Index in the stage list of the furthest stage reached so far; -1 for a new visitor. */
  reached: number;
  /** Purchases stored for the visitor before this event. */
  purchases: number;
}

/** Name-based defaults → role in the default journey (mapped to the site's own names). */
const RETENTION = /^(reorder|repeat_purchase|refund|login|account(_.*)?|support(_.*)?|contact_support|ticket(_.*)?|help(_.*)?|order_(status|shipped|delivered|returned)|track_order|return(_.*)?|subscription_renew(al)?)$/;
const ADVOCACY = /^(review|write_review|rate|rating|share|referral|refer(_.*)?|invite|recommend|testimonial)$/;

/**
 * The stage of an event the sender left without one.
 * 1. By name: checkout events → decision (a purchase by a visitor who purchased before →
 *    retention; refund → retention); reorder, account, support, help → retention; review,
 *    share, referral → advocacy — each only if the site's stage list has that stage.
 * 2. By progress: the furthest stage the visitor reached — so a stage never moves backwards
 *    without a signal; a visitor who has purchased is at least in retention; a new visitor
 *    starts at the first stage.
 */
export const inferStage = (name: string, type: string, p: Progress, stages: string[] = DEFAULT_STAGES): string => {
  const has = (s: string) => stages.includes(s);
  if (type == 'checkout' || isCheckoutName(name)) {
    if ((name == 'purchase' && p.purchases > 0) || name == 'refund') {
      if (has('retention')) return 'retention';
    } else if (has('decision')) return 'decision';
  }
  if (RETENTION.test(name) && has('retention')) return 'retention';
  if (ADVOCACY.test(name) && has('advocacy')) return 'advocacy';
  let reached = p.reached;
  if (p.purchases > 0 && has('retention')) reached = Math.max(reached, stages.indexOf('retention'));
  return stages[Math.max(0, Math.min(reached, stages.length - 1))];
};

/** The visitor's progress after an event of `stage`. */
export const advance = (p: Progress, stage: string, name: string, stages: string[] = DEFAULT_STAGES): Progress => ({
  reached: Math.max(p.reached, stages.indexOf(stage)),
  purchases: p.purchases + (name == 'purchase' ? 1 : 0),
});
