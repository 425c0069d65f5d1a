// Page lifecycle helpers shared by every capture module, so none attaches its own ad hoc.
/**
 * Listens on window in the capture phase to each of `types` (space-separated); our handler can
 * never throw into the page.
 */
export const on = <E extends Event>(types: string, fn: (e: E) => unknown): void => {
  const handler = guard(fn as (e: Event) => unknown);
  for (const type of types.split(' ')) addEventListener(type, handler, true);
};

/** Runs `fn` when the page is hidden or unloaded: the last reliable moment to send. */
export const onHidden = (fn: () => unknown): void => {
  on('visibilitychange', () => document.hidden && fn());
  on('pagehide', fn);
};

/** Wraps a function so that it can never throw into the host page. */
export const guard =
  <A extends unknown[], R>(fn: (...args: A) => R) =>
  (...args: A): R | undefined => {
    try {
      return fn(...args);
    } catch {}
  };
