// JavaScript errors as pain points of the page: uncaught errors and unhandled promise
// rejections, the message truncated, each message once per page and at most 10 per page.
import type { Tracker } from '../tracker';
import { on } from '../lib/lifecycle';

export const trackErrors = (t: Tracker): void => {
  const seen: string[] = [];
  const report = (message: unknown) => {
    const m = ('' + message).slice(0, 300);
    if (!seen.includes(m) && seen.push(m) <= 10) t.emit('pain', 'js_error', { message: m });
  };
  // Resource load failures reach a capturing `error` listener too; only ErrorEvents are scripts.
  on<ErrorEvent>('error', (e) => e.message && report(e.message));
  on<PromiseRejectionEvent>('unhandledrejection', (e) => report(e.reason?.message || e.reason));
};
