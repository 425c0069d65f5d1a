// Surveys, as far as the capture chunk goes: asks the collector for this site's surveys
// (GET /surveys/<site>, cached by the browser for minutes) and, only when there are some, loads
// cjm-survey.mjs (triggers, caps and the widget), so a site without surveys loads 0 bytes of
// them. `cjm.survey(id)` works from here on (window.cjm.survey is set here): it waits for that chunk.
import type { Tracker } from '../tracker-types';
import type { SiteSurveys } from '../survey-schema';

/** Starts the surveys and makes `cjm.survey(id)` work (the tracker has no method of its own). */
export const surveys = (t: Tracker): void => {
  // Inside the promise: a bad endpoint must not throw into capture (the ESM build's default
  // endpoint, '/collect', is relative to the page).
  const started = Promise.resolve()
    .then(() => fetch(new URL('surveys/' + t.config.site, new URL(t.config.endpoint, location.href))))
    .then((r) => r.json())
    .then((s: SiteSurveys) => s.surveys[0] && import('../survey').then((m) => m.startSurveys(t, s)))
    // No surveys, or the collector or chunk unreachable: cjm.survey() does nothing.
    .catch(() => {});
  t.survey = (id) => void started.then((show) => show && show(id));
  // The script tag's window.cjm gets it from here: cjm.js has no bytes to spare for it.
  const w = window as { cjm?: Record<string, unknown> };
  if (w.cjm && !w.cjm.survey) w.cjm.survey = t.survey;
};
