// The API's machinery, shared by the npm entry (index.ts) and the script tag (loader.ts): one
// tracker per page, created by `init`; calls made before it are kept and replayed once it runs,
// so import order never loses an event. Every method is guarded: the SDK never throws into the page.
import type { Options } from './core/config';
import { createTracker, type Tracker } from './tracker';
import { guard } from './lib/lifecycle';

export type Method = 'track' | 'page' | 'identify' | 'stage' | 'feedback' | 'flush' | 'optOut' | 'optIn' | 'survey';
let tracker: Tracker | undefined;
const early: [Method, unknown[]][] = [];

// cjm.survey exists once the capture chunk has set it; before, the call throws and is guarded.
const run = (name: Method, args: unknown[]) => (tracker![name] as (...a: unknown[]) => void)(...args);

/** A guarded API method that runs on the tracker, or waits for `init`. */
export const method = <K extends Method>(name: K) =>
  guard((...args: Parameters<NonNullable<Tracker[K]>>): void => void (tracker ? run(name, args) : early.push([name, args])));

/** Starts tracking: `init({ site: 'shop' })`. The script tag calls it from its data-* attributes. */
export const init = guard((options: Options): void => {
  tracker ||= createTracker(options);
  early.splice(0).map((call) => run(...call));
});
