// Starts capture in the script-tag build: sdk/capture/tag-chunk.ts (capture/chunk.ts) is a second file, cjm-capture.mjs,
// imported from beside /collect. What happens before it arrives is kept and replayed into it,
// in order. Swapped in for lazy.ts by rollup.config.mjs. Browsers cache the two files apart
// (an hour): a change to what they pass each other (`capture(t)`, `t.emit`, the view signal,
// `t.ready` / `t.hint` / `t.hinted` / `t.leave`) must keep working with the other file's
// previous version, or rename the chunk. (A previous cjm-capture.mjs sets no `t.hinted` and
// `t.leave`: no hints or engagement until the browser fetches the new one; a new one checks for
// `t.hint` before it measures engagement, which a previous cjm.js measures itself.)
import type { Tracker } from '../tracker-types';
import type { Captured } from './types';
import { on } from '../lib/lifecycle';
import { CAPTURED } from './captured';

/** Listens to the captured DOM events; returns the handler, which capture/pages.ts also calls. */
export const startCapture = (t: Tracker): ((c: Captured) => void) => {
  const early: Captured[] = [];
  let handle = (c: Captured): unknown => early.push(c);
  const pass = (c: Captured) => void handle(c);
  on(CAPTURED, pass);
  // import() takes the URL as it is: it converts its argument to a string.
  import(new URL('cjm-capture.mjs', t.config.endpoint) as unknown as string).then(
    (m) => {
      handle = m.capture(t);
      t.ready(); // the page view is normally still queued: it gets its hint
      early.map(handle);
    },
    // Not loadable (blocked, offline): page views and API calls go on, without hints and
    // engagement; stop keeping events.
    () => (handle = () => (early.length = 0)),
  );
  return pass;
};
