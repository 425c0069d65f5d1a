// Web vitals (LCP, INP, CLS, FCP, TTFB) via the web-vitals package. This module is a separate,
// lazily loaded chunk: the core never imports it statically, so it costs nothing when off.
// A value rated "poor" by web-vitals' thresholds becomes a pain point of the page.
import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals';
import type { Tracker } from './tracker-types';

export const startVitals = (t: Pick<Tracker, 'emit' | 'flush'>): void => {
  const report = (m: Metric) => {
    const poor = m.rating == 'poor';
    // CLS is unitless (0.1 is "good"); keep 3 decimals, the rest are milliseconds.
    const value = m.name == 'CLS' ? Math.round(m.value * 1000) / 1000 : Math.round(m.value);
    t.emit(poor ? 'pain' : 'vital', poor ? 'poor_vital' : m.name, { metric: m.name, value, rating: m.rating });
    // CLS and INP are final when the page is hidden, after the tracker's own flush on hide: send
    // them now, or those of the last page of a visit stay in the outbox for a visit that may
    // never come (test/e2e/exit-vitals.test.ts).
    if (document.visibilityState == 'hidden') t.flush();
  };
  for (const on of [onCLS, onFCP, onINP, onLCP, onTTFB]) on(report);
};
