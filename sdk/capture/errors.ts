// JavaScript errors as pain points of the page: uncaught errors and unhandled promise
// rejections, the message truncated, each message once per page and at most 10 per page.
import type { Emit } from './types';

/** The `error` and `unhandledrejection` handler. */
export const errors = (emit: Emit) => {
  const seen: string[] = [];
  return (e: ErrorEvent & PromiseRejectionEvent) => {
    const script = e.type == 'error';
    // Resource load failures reach a capturing `error` listener too; only ErrorEvents are scripts.
    if (script && !e.message) return;
    const m = ('' + (script ? e.message : e.reason?.message || e.reason)).slice(0, 300);
    if (!seen.includes(m) && seen.push(m) <= 10) emit('pain', 'js_error', { message: m });
  };
};
