// Page views: the first load, then SPA navigations. pushState and popstate count when the URL
// changes; replaceState only when the path changes, because routers call it constantly to store
// scroll position or state and must not create phantom views. Hash routing is opt-in. Each view
// is also handed to capture (a `view` signal): its site-search term and checkout step are
// worked out there (capture/view.ts), in the lazily loaded part of the script tag.
import type { Tracker } from '../tracker-types';
import type { Captured } from './types';
import { guard, on } from '../lib/lifecycle';

export const trackPages = (t: Tracker, capture: (signal: Captured) => void): void => {
  let last: string[] = [];

  const view = guard((pathOnly?: unknown) => {
    const here = [location.pathname + (t.config.hash ? location.hash : ''), location.search];
    if (pathOnly ? here[0] == last[0] : here + '' == last + '') return;
    // The engagement of the view being left (once capture has arrived), with its URL and hint.
    if (last[0]) t.leave?.();
    last = here;
    t.page();
    // The URL as it is now: the signal may be handled after a later navigation.
    capture({ type: 'view', url: location.href });
  });

  for (const [method, pathOnly] of [['pushState'], ['replaceState', 1]] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      view(pathOnly);
    };
  }
  on(t.config.hash ? 'popstate hashchange' : 'popstate', () => view());
  view();
};
