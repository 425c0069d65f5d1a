// Starts web vitals in the script-tag build: imports cjm-vitals.mjs from the collector (beside
// /collect) only when `data-vitals` asks for it; classic scripts may use import() too.
// Swapped in for vitals.ts by rollup.config.mjs.
import type { Tracker } from '../tracker';

export const trackVitals = (t: Tracker): void => {
  import(new URL('cjm-vitals.mjs', t.config.endpoint) + '').then((m) => m.startVitals(t), () => {});
};
