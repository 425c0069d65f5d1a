// Surveys, as far as the capture chunk goes: asks the collector for this site's surveys
// (GET /surveys/<site>, cached by the browser for minutes) and, only when there are some, loads
// cjm-survey.mjs (triggers, caps and the widget), so a site without surveys loads 0 bytes of
// them. `cjm.survey(id)` works from here on: it waits for that chunk (the script tag's calls made
// before this file arrived are run by capture/tag-chunk.ts).
import type { Tracker } from '../tracker-types';
import type { SiteSurveys } from '../survey-schema';

/** Starts the surveys and makes `cjm.survey(id)` work (the tracker has no method of its own). */
export const surveys = (t: Tracker): void => {
  // Inside the promise: a bad endpoint must not throw into capture (the ESM build's default
  // endpoint, '/collect', is relative to the page).
  const started = Promise.resolve()
    .then(() => fetch(new URL('surveys/' + t.config.site, new URL(t.config.endpoint, location.href))))
    .then((r) => r.json())
    .then((s: SiteSurveys) => s.surveys[0] && import('../survey/chunk').then((m) => m.startSurveys(t, s)))
    // No surveys, or the collector or chunk unreachable: cjm.survey() does nothing.
    .catch(() => {});
  t.survey = (id) =>
    void started.then((show) =>
      show ? show(id) : t.config.debug && console.warn(`cjm debug: survey "${id}": no surveys for this site, or not loaded`),
    );
};
