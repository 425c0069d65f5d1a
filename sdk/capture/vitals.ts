// Starts web vitals in the ESM build: a dynamic import, which bundlers split into its own chunk.
import type { Tracker } from '../tracker';

export const trackVitals = (t: Tracker): void => {
  import('../vitals').then((m) => m.startVitals(t), () => {});
};
