// Page views: the first load, then SPA navigations. pushState and popstate count when the URL
// changes; replaceState only when the path changes, because routers call it constantly to store
// scroll position or state and must not create phantom views. Hash routing is opt-in. A view
// also sends its checkout step (URL rule, or data-cjm-checkout on <meta>/<body> of a loaded
// page) and its site-search term.
import type { Tracker } from '../tracker';
import { matchRule } from '../core/config';
import { on } from '../lib/lifecycle';
import { propsOf } from '../lib/dom';

export const trackPages = (t: Tracker, leave: () => void): void => {
  let last: string[] = [];

  const view = (pathOnly?: unknown) => {
    const here = [location.pathname + (t.config.hash ? location.hash : ''), location.search];
    if (pathOnly ? here[0] == last[0] : here + '' == last + '') return;
    const declared = !last[0] && document.querySelector('meta[data-cjm-checkout],body[data-cjm-checkout]');
    if (last[0]) leave();
    last = here;
    t.page();
    const params = new URLSearchParams(here[1]);
    const term = ('' + t.config.search).split(',').map((k) => params.get(k)).find((v) => v);
    if (term) t.track('search', { term: term.slice(0, 200) });
    const step = matchRule(t.config.checkout, location.pathname) || (declared && declared.getAttribute('data-cjm-checkout'));
    if (step) t.emit('event', step, propsOf(declared || null));
  };

  for (const [method, pathOnly] of [['pushState'], ['replaceState', 1]] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      try {
        view(pathOnly);
      } catch {}
    };
  }
  on('popstate', () => view());
  if (t.config.hash) on('hashchange', () => view());
  view();
};
