// Which browser origins may send a site's events (CJM_ORIGINS). This keeps honest browsers on
// other sites from filling a site's data with theirs (someone copying a script tag); it is not
// authentication: a server-side sender sends no Origin header, and curl can send any.
import type { CollectorConfig } from '../config';

/** True when `/collect` should accept `site`'s events from `origin` (undefined: no Origin header). */
export function originAllowed(config: CollectorConfig, site: string, origin: string | undefined): boolean {
  const allowed = config.origins?.get(site);
  return !allowed || origin === undefined || allowed.includes(origin);
}

/**
 * True when a CORS preflight from `origin` may go ahead: some site accepts it. The preflight
 * carries no body, so the site is not known yet; the POST itself is checked per site.
 */
export function preflightAllowed(config: CollectorConfig, origin: string): boolean {
  const origins = config.origins;
  if (!origins?.size) return true;
  // With CJM_SITES unset any site id is accepted, and a site without a list accepts any origin.
  if (!config.sites?.length || config.sites.some((s) => !origins.has(s))) return true;
  for (const list of origins.values()) if (list.includes(origin)) return true;
  return false;
}

/** True when some site restricts its origins, so CORS replies must echo the Origin (and vary on it). */
export function originsRestricted(config: CollectorConfig): boolean {
  return !!config.origins?.size;
}
