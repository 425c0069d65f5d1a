// Starts capture in the ESM build: bundled in, handling events from the start.
import type { Tracker } from '../tracker-types';
import { capture, type Captured } from './chunk';
import { on } from '../lib/lifecycle';
import { CAPTURED } from './captured';

/** Listens to the captured DOM events; returns the handler, which capture/pages.ts also calls. */
export const startCapture = (t: Tracker): ((c: Captured) => void) => {
  const handle = capture(t);
  on(CAPTURED, handle);
  return handle;
};
