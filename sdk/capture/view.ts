// What a page view says beyond itself: its site-search term (the `search` query parameters)
// and its checkout step (a URL rule, or data-cjm-checkout on the <meta>/<body> of a loaded page).
import type { Tracker } from '../tracker-types';
import { matchRule } from '../core/config';
import { propsOf } from '../lib/dom';
import { stepElement } from './hint';

/** A page view, as capture/pages.ts hands it over; the first one is the loaded page. */
export interface ViewSignal {
  type: 'view';
  /** The view's URL, taken when it happened: the signal may be handled after a later one. */
  url: string;
}

/** Default of the `search` option; it lives here, in the lazily loaded part of the script tag. */
const SEARCH = 'q,s,search,query';

/** The `view` handler. */
export const views = (t: Tracker) => {
  let first = true;
  return (v: ViewSignal) => {
    const url = new URL(v.url);
    const term = ('' + (t.config.search || SEARCH))
      .split(',')
      .map((k) => url.searchParams.get(k))
      .find((x) => x);
    if (term) t.track('search', { term: term.slice(0, 200) });
    // Only a loaded page declares a step in its markup; an SPA view's step comes from URL rules.
    const declared = first && stepElement();
    first = false;
    const step = matchRule(t.config.checkout, url.pathname) || (declared && declared.getAttribute('data-cjm-checkout'));
    if (step) t.emit('event', step, propsOf(declared || null));
  };
};
