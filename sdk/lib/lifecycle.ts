// Page lifecycle helpers shared by every capture module, so none attaches its own ad hoc.
/** Runs `fn` when the page is hidden or being unloaded (the last reliable moment to send). */
export const onHidden = (fn: () => void): void => {
  addEventListener('visibilitychange', () => document.visibilityState == 'hidden' && fn(), true);
  addEventListener('pagehide', fn, true);
};

/** Wraps a function so that it can never throw into the host page. */
export const guard =
  <A extends unknown[], R>(fn: (...args: A) => R) =>
  (...args: A): R | undefined => {
    try {
      return fn(...args);
    } catch {
      return undefined;
    }
  };
