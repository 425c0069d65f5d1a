// Engaged time (page visible and focused) and deepest scroll, sent as one `engagement` event
// when the page is hidden, left, or SPA-navigated away from. Part of capture (in the script tag,
// cjm-capture.mjs: the clock starts when it arrives, tens of milliseconds after the page). Sets
// `t.leave`, which the tracker calls when the page is hidden (before it sends what is queued) and
// the page module before an SPA view, so the time is booked to the view being left.
import type { Tracker } from '../tracker-types';
import { on } from '../lib/lifecycle';

export const trackEngagement = (t: Tracker): void => {
  let engaged = 0;
  let since = 0;
  let depth = 0;

  const tick = () => {
    const now = Date.now();
    if (since) engaged += now - since;
    since = !document.hidden && document.hasFocus() ? now : 0;
  };
  const scroll = () => {
    const h = document.documentElement.scrollHeight;
    depth = Math.max(depth, Math.min(100, Math.round(((scrollY + innerHeight) / h) * 100) || 0));
  };
  const leave = (e?: unknown) => {
    tick();
    // Leaving fires pagehide, then visibilitychange (hidden): stop the clock at the first, so
    // the page sends one engagement event, not a second of a few ms.
    if (e) since = 0;
    scroll();
    if (engaged) t.emit('engagement', 'engagement', { engaged_ms: engaged, scroll: depth });
    engaged = depth = 0;
  };

  on('focus blur visibilitychange', tick);
  on('scroll', scroll);
  tick();
  t.leave = leave;
};
