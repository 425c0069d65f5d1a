// The dashboard's security headers, shared by both runtimes: Node (node/static.ts) and the
// Worker (worker/app.ts) set them on the page and its files, and the build writes the same
// list to dist/_headers for Cloudflare's asset router (build.mjs reads the JSON too).
import securityHeaders from './security-headers.json' with { type: 'json' };

/** Strict CSP (scripts and styles from this origin only, no framing), nosniff, no referrer. */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = securityHeaders;

/** True for the dashboard page (`/`) and its files (`/dashboard/…`). */
export const isDashboardPath = (path: string): boolean => path === '/' || path === '/index.html' || path.startsWith('/dashboard/');

/** Sets the dashboard headers on a response's (mutable) headers. */
export function setDashboardHeaders(headers: Headers): void {
  for (const [name, value] of Object.entries(DASHBOARD_HEADERS)) headers.set(name, value);
}
