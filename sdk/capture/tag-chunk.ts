// The script tag's second file, cjm-capture.mjs: capture (capture/chunk.ts), plus what the tag's
// window.cjm needs once it has arrived. cjm.js keeps the calls of methods its tracker does not
// have yet (sdk/api.ts): `cjm.survey('id')` from the stub's queue or right after the tag, which
// capture/surveys.ts has just set; `init()` again runs them now. (The ESM build bundles
// capture/chunk.ts in, which sets `survey` before `init` replays anything: it needs none of this.)
import type { Tracker } from '../tracker';
import { capture as start } from './chunk';

type Api = { init?(): void; survey?(id: string): void };

/** Capture for the script tag: lazy-tag.ts imports this file and calls it once. */
export const capture: typeof start = (t: Tracker) => {
  const handle = start(t);
  const api = (window as { cjm?: Api }).cjm;
  // A cjm.js older than this file has no `survey` method at all: give it one.
  if (api && !api.survey) api.survey = t.survey;
  api?.init?.();
  return handle;
};
