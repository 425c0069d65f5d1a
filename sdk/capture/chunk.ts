// Capture beyond page views: engagement, clicks, forms, JavaScript errors, each view's page-type
// hint, site search and checkout step, (opt-in) web vitals, and the site's surveys
// (capture/surveys.ts). The script tag loads this as a second file (cjm-capture.mjs) so that
// cjm.js stays small, and until it arrives keeps what happens and replays it in order
// (capture/lazy-tag.ts); the ESM build bundles it in (capture/lazy.ts).
import type { Tracker } from '../tracker-types';
import { inherited, label } from '../lib/dom';
import { clicks } from './clicks';
import { forms } from './forms';
import { errors } from './errors';
import { views } from './view';
import type { Captured, Emit } from './types';
import { hinted } from './hint';
import { trackEngagement } from './engagement';
import { surveys } from './surveys';

export type { Captured, Emit } from './types';

/** Returns the handler of everything `Captured`; it never throws. */
export const capture = (t: Tracker): ((c: Captured) => void) => {
  const emit: Emit = (type, name, props, el, touchpoint) =>
    t.emit(type, name, props, el && (touchpoint || label(el)), el && inherited(el, 'cjm-stage'));
  // A cjm.js older than this file (the two are cached apart) has neither hints nor lazy
  // engagement: it measures engagement itself.
  if ('hint' in t) {
    t.hinted = hinted(t);
    trackEngagement(t);
  }
  const form = forms(t, emit);
  const error = errors(emit);
  // Web vitals are a chunk of their own (0 bytes when off); the script tag's cjm-capture.mjs
  // imports it from beside itself.
  if (t.config.vitals)
    import('../vitals').then(
      (m) => m.startVitals(t),
      () => {},
    );
  // Debug mode: a chunk of its own too (sdk/debug.ts).
  if (t.config.debug)
    import('../debug').then(
      (m) => m.startDebug(t),
      () => {},
    );
  const handlers: Record<string, (c: never) => void> = {
    click: clicks(t, emit),
    input: form,
    submit: form,
    invalid: form,
    error,
    unhandledrejection: error,
    view: views(t),
  };
  surveys(t);
  return (c) => {
    try {
      handlers[c.type](c as never);
    } catch {}
  };
};
