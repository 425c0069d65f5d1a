// Session facts shared by the stages, the totals and the bounce ranking (computed in core.ts):
// per landing page (and the stage of that page view), the sessions that landed there and how
// many bounced. docs/journey.md: a bounce has exactly one page view, under 10 s of engaged
// time and no interactive event. Only the session's events within the period count.

/** Sessions that landed on `landing` (a page view of `stage`), and their bounces. */
export interface LandingFacts {
  stage: string;
  landing: string;
  sessions: number;
  bounces: number;
}

/** Engaged time under which a one-page session is a bounce (docs/journey.md); report_sessions.summary applies it on insert. */
export { BOUNCE_ENGAGED_MS } from '../metrics';
