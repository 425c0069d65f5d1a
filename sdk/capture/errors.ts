// JavaScript errors as pain points of the page: uncaught errors and unhandled promise
// rejections, the message truncated, each message once per page and at most 10 per page.
import type { Emit } from '../capture';

/** The `error` and `unhandledrejection` handler. */
export const errors = (emit: Emit) => {
  const seen: string[] = [];
  return (e: ErrorEvent & PromiseRejectionEvent) => {
    // Resource load failures reach a capturing `error` listener too; only ErrorEvents are scripts.
    const message = e.type == 'error' ? e.message : e.reason?.message || e.reason;
    const m = ('' + message).slice(0, 300);
    if (message && !seen.includes(m) && seen.push(m) <= 10) emit('pain', 'js_error', { message: m });
  };
};
