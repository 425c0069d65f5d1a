// The collector's half of stage assignment: what the sender did not say (explicit stage, element,
// page meta, URL rules — the SDK) is decided here, from what the event itself shows: its name,
// and its page's signals (page-type hint, URL keywords, site search). Page-level events
// (engagement, pain points, vitals, feedback) use only the page's signals, so they always carry
// their page view's stage. A visitor who bought in an earlier visit is in retention unless the
// page says more. docs/journey.md publishes these rules; test/collector/stages.test.ts checks them.
import { pageRole } from './page-signals';
import { DEFAULT_STAGES, ROLES, type Role } from './roles';

export { DEFAULT_STAGES } from './roles';

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

/** Event types that belong to a page, not to an action: they take their page view's stage. */
const PAGE_LEVEL = new Set(['pageview', 'engagement', 'pain', 'vital', 'feedback']);

/** Event names that say the stage themselves (roles of the default journey). */
const NAME_ROLES: [RegExp, Role][] = [
  [/^(view_item|view_item_list|select_item|view_promotion|select_promotion|add_to_wishlist|search|compare)$/, 'consideration'],
  [
    /^(reorder|repeat_purchase|refund|login|account(_.*)?|support(_.*)?|contact_support|ticket(_.*)?|help(_.*)?|order_(status|shipped|delivered|returned)|track_order|return(_.*)?|subscription_renew(al)?)$/,
    'retention',
  ],
  [/^(review|write_review|rate|rating|share|referral|refer(_.*)?|invite|recommend|testimonial)$/, 'advocacy'],
];

/** What stage inference reads of an event (a subset of StoredEvent). */
export interface StageInput {
  type: string;
  name: string;
  path: string | null;
  url: string | null;
  /** Page type from the page's markup (sdk/schema.ts PAGE_HINTS). */
  hint: string | null;
}

/** The role an action's name gives it; null when the name says nothing. */
function nameRole(name: string, type: string, customer: boolean): Role | null {
  if (type === 'checkout' || isCheckoutName(name)) {
    if (name === 'refund') return 'retention';
    if (name === 'purchase') return customer ? 'retention' : 'decision';
    // Looking at a product is research; putting it in the cart starts the decision.
    return name === 'view_item' ? 'consideration' : 'decision';
  }
  for (const [re, role] of NAME_ROLES) if (re.test(name)) return role;
  return null;
}

/**
 * The role of an event the sender left without a stage, in the default journey's terms:
 * 1. an action's name (checkout steps, retention and advocacy names);
 * 2. its page's signals: the page-type hint, then URL keywords, then a site search;
 * 3. a visitor who bought in an earlier visit (`customer`) is in retention wherever the
 *    signals say awareness or consideration, or nothing;
 * 4. otherwise awareness.
 */
export function inferRole(e: StageInput, customer: boolean): Role {
  const role = (!PAGE_LEVEL.has(e.type) && nameRole(e.name, e.type, customer)) || pageRole(e.path, e.url, e.hint);
  if (customer && (!role || role === 'awareness' || role === 'consideration')) return 'retention';
  return role ?? 'awareness';
}

/**
 * A role in the site's own stage list: the role itself if the list has it, else the nearest
 * earlier role it has (a three-stage journey puts retention and advocacy in decision), else the
 * first stage (a list that names none of the default stages).
 */
export function stageOf(role: Role, stages: readonly string[] = DEFAULT_STAGES): string {
  for (let i = ROLES.indexOf(role); i >= 0; i--) if (stages.includes(ROLES[i]!)) return ROLES[i]!;
  return stages[0] ?? role;
}

/** The stage of an event the sender left without one, in the site's stage list. */
export const inferStage = (e: StageInput, customer: boolean, stages: readonly string[] = DEFAULT_STAGES): string =>
  stageOf(inferRole(e, customer), stages);
