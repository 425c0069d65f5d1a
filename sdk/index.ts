// The npm/ESM API. Calls made before `init` are kept and replayed once it runs, so import
// order never loses an event. Every method is guarded: the SDK never throws into the page.
import type { Props } from './schema';
import { method } from './api';

export type { Options, UrlRules } from './core/config';
export type { Props, WireEvent, Batch, EventType } from './schema';

/** Starts tracking: `init({ site: 'shop' })`. The script tag calls it from its data-* attributes. */
export { init } from './api';
/** Records an event: `track('signup', { plan: 'pro' })`; GA4 names (`purchase`, …) are checkout steps. */
export const track = method('track');
/** Records a page view of the current location (automatic unless `pageviews: false`). */
export const page = method('page') as (props?: Props) => void;
/** Links this visitor to your user id: `identify('u_42', { persona: 'bargain-hunter' })`. */
export const identify = method('identify');
/** Sets the journey stage of the rest of this page view: `stage('consideration')`. */
export const stage = method('stage');
/** Records how the customer felt, 1–5: `feedback(4, { comment: 'easy', touchpoint: 'help' })`. */
export const feedback = method('feedback');
/** Sends queued events now. */
export const flush = method('flush');
/** Stops tracking in this browser (persisted) and forgets queued events. */
export const optOut = method('optOut');
/** Resumes tracking after `optOut()`. */
export const optIn = method('optIn');
/** Shows survey `id` (defined on the collector, CJM_SURVEYS) if its caps allow: `survey('heard')`. */
export const survey = method('survey');
