// Plain-language names for what the report calls by code names (stages, checkout steps, pain
// kinds, target metrics), so a marketer reads "Added to cart", not "add_to_cart".
import type { CompletionMeans, PainKind, TargetMetric } from '../report/types';
import type { Kind } from './format';

/** "decision" → "Decision", "post_purchase" → "Post purchase". */
export function humanize(name: string): string {
  const s = name.replace(/[_-]+/g, ' ').trim();
  return s ? s[0]!.toUpperCase() + s.slice(1) : name;
}

/** A stage's column header. */
export const stageLabel = humanize;

const STEPS: Record<string, string> = {
  view_item_list: 'Viewed a product list',
  view_item: 'Viewed a product',
  select_item: 'Picked a product',
  add_to_cart: 'Added to cart',
  view_cart: 'Viewed the cart',
  begin_checkout: 'Started checkout',
  sign_up: 'Created an account',
  add_shipping_info: 'Entered shipping details',
  add_payment_info: 'Entered payment details',
  purchase: 'Purchased',
  refund: 'Refunded',
};

/** A checkout step in words ("add_to_cart" → "Added to cart"). */
export const stepLabel = (step: string): string => STEPS[step] ?? humanize(step);

const PAIN: Record<PainKind, string> = {
  rage_click: 'Rage clicks',
  js_error: 'JavaScript errors',
  form_error: 'Form errors',
  poor_vital: 'Slow pages',
  dead_click: 'Dead clicks',
};

/** A pain-point kind in words. */
export const painLabel = (kind: PainKind): string => PAIN[kind] ?? humanize(kind);

/** How each target metric is named, formatted, and which direction is good. */
export const METRICS: Record<TargetMetric, { label: string; kind: Kind; higherIsBetter: boolean }> = {
  visitors: { label: 'Visitors', kind: 'count', higherIsBetter: true },
  sessions: { label: 'Visits', kind: 'count', higherIsBetter: true },
  reach: { label: 'Reach', kind: 'rate', higherIsBetter: true },
  completion: { label: 'Completion', kind: 'rate', higherIsBetter: true },
  conversion: { label: 'Completion', kind: 'rate', higherIsBetter: true },
  bounceRate: { label: 'Bounce rate', kind: 'rate', higherIsBetter: false },
  feedbackMean: { label: 'Feedback score', kind: 'score', higherIsBetter: true },
  frustration: { label: 'Frustration', kind: 'rate', higherIsBetter: false },
};

/**
 * What completing a stage means, as the words after its rate ("41 % bought"). `next` is the
 * stage after it (for `next-stage`).
 */
export function completionText(means: CompletionMeans | null, next?: string): string {
  switch (means) {
    case 'next-stage':
      return next ? `went on to ${stageLabel(next)} or later` : 'went on';
    case 'purchase':
      return 'bought';
    case 'repeat-or-return':
      return 'bought again or came back';
    case 'referral':
      return 'referred someone';
    default:
      return '';
  }
}

/** The definition of each completion, for legends and tooltips. */
export const COMPLETION_DEFINITIONS: Record<CompletionMeans, string> = {
  'next-stage': 'reached the next stage or a later one in the period',
  purchase: 'bought in the period (purchase rate of the people who reached decision)',
  'repeat-or-return': 'bought in this stage or came back in a later visit',
  referral: 'shared, referred, invited or recommended (a review alone does not count)',
};
