// The page type a page view's own markup declares, sent as `hint` on every event of the view;
// the collector turns it into a stage (docs/journey.md, "Page type hints from markup"). Part of
// capture, so the script tag's cjm.js stays small: the tracker holds a view's events until the
// hint is known and the outbox's copies get it then (they are normally still queued).
import type { PageHint } from '../schema';
import type { Tracker } from '../tracker-types';
import { matchRule } from '../core/config';
import { guard } from '../lib/lifecycle';

const HINTS: PageHint[] = ['product', 'list', 'article', 'faq', 'cart', 'checkout'];
// One group per hint of HINTS, in its order: GA4 step names, schema.org types, og:type values
// (hence /i). \b keeps view_item from matching view_item_list, ItemList from BreadcrumbList,
// Product from ProductModel, Article from "Articles".
const KINDS =
  /\b(?:(Product|Offer|view_item)|(ItemList|CollectionPage|OfferCatalog|view_item_list)|(Article|BlogPosting|NewsArticle)|(FAQPage)|(view_cart)|(begin_checkout|add_shipping_info|add_payment_info|purchase))\b/i;

/** The element by which a loaded page declares its checkout step (capture/view.ts sends it). */
export const stepElement = () => document.querySelector('meta[data-cjm-checkout],body[data-cjm-checkout]');

const dataLayer = () => (window as { dataLayer?: unknown[] }).dataLayer || [];

/**
 * Event names of the dataLayer pushes from index `from` on: GTM pushes objects
 * ({event: 'view_item', …}), gtag its `arguments` ('event', 'view_item', …).
 */
const pushed = (from: number): string => [].slice.call(dataLayer(), from).map((x: any) => x?.event || (x?.[0] == 'event' && x[1])) + '';

/**
 * The hint of the current view (`first`: the loaded page, not an SPA view): the first page type
 * named by, in this order,
 * 1. the checkout step the page declares (a URL rule of `checkout`; on a loaded page also
 *    `data-cjm-checkout` on its <body> or a <meta>), a step that names no page type (add_to_cart,
 *    sign_up …) meaning checkout;
 * 2. GA4 e-commerce pushes to `window.dataLayer` from index `from` on (an SPA view: those made
 *    since its URL changed);
 * 3. schema.org types, JSON-LD `@type`s and microdata `itemtype`s in document order;
 * 4. `<meta property="og:type">`.
 * First wins, also within a source: an ItemList around Products is a list; a Product followed
 * by a related-products list is a product.
 */
export const pageHint = (t: Tracker, first: boolean, from = 0): PageHint | undefined => {
  const step = matchRule(t.config.checkout, location.pathname) || (first && stepElement()?.getAttribute('data-cjm-checkout'));
  // One text, sources in order; nested arrays join with commas, null and undefined as ''. A
  // source that cannot be read (an odd dataLayer entry) adds nothing.
  const named =
    [
      step && step + ' purchase',
      guard(pushed)(from),
      guard(() =>
        [...document.querySelectorAll('script[type="application/ld+json"],[itemtype]')].map(
          (el) => el.getAttribute('itemtype') || el.textContent!.match(/"@type"\s*:\s*(\[[^\]]*\]|"[^"]*")/g),
        ),
      )(),
      document.querySelector<HTMLMetaElement>('meta[property="og:type"]')?.content,
    ] + '';
  return HINTS[KINDS.exec(named)?.findIndex((g, i) => i && g)! - 1];
};

/**
 * `t.hinted`: the loaded page's hint at once; an SPA view's a moment later (after the current
 * task), because routers change the URL first and render the new view (its JSON-LD, its
 * dataLayer pushes) right after. An SPA view's pushes are those made since its URL changed: a
 * push made while the previous view was shown (a recommendations list scrolled into view) is
 * the previous view's.
 */
export const hinted = (t: Tracker) => (first: boolean) => {
  const from = first ? 0 : +guard(() => dataLayer().length)()! || 0;
  const answer = () => t.hint(guard(pageHint)(t, first, from));
  first ? answer() : setTimeout(answer);
};
