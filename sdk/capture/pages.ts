// Page views: the first load, then SPA navigations. pushState and popstate count when the
// URL changes; replaceState only when the path changes, because routers call it constantly
// to store scroll position or state and must not create phantom views. Hash routing is opt-in.
import type { Tracker } from '../tracker';

export const trackPages = (t: Tracker): void => {
  const where = () => [location.pathname + (t.config.hash ? location.hash : ''), location.search];
  let [path, search] = where();
  let lastUrl = location.href;

  const changed = (pathOnly?: boolean) => {
    const [p, s] = where();
    if (p == path && (pathOnly || s == search)) return;
    [path, search] = [p, s];
    t.page(undefined, lastUrl);
    lastUrl = location.href;
  };

  for (const [method, pathOnly] of [['pushState', false], ['replaceState', true]] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      try {
        changed(pathOnly);
      } catch {}
    };
  }
  addEventListener('popstate', () => changed());
  if (t.config.hash) addEventListener('hashchange', () => changed());
  t.page();
};
