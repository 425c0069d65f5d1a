// The API's machinery, shared by the npm entry (index.ts) and the script tag (loader.ts): one
// tracker per page, created by `init`; calls made before it are kept and replayed once it runs,
// so import order never loses an event. Every method is guarded: the SDK never throws into the page.
import type { Options } from './core/config';
import { createTracker, type Tracker } from './tracker';
import { guard } from './lib/lifecycle';

export type Method = 'track' | 'page' | 'identify' | 'stage' | 'feedback' | 'flush' | 'optOut' | 'optIn' | 'survey';
let tracker: Tracker | undefined;
const early: [Method, unknown[]][] = [];

// A call waits for `init`, and a call of a method the tracker does not have yet waits for it:
// `survey`, set by the script tag's capture chunk, which then calls `init()` again to run it.
const run = (name: Method, args: unknown[]) =>
  tracker?.[name] ? (tracker[name] as (...a: unknown[]) => void)(...args) : early.push([name, args]);

/** A guarded API method that runs on the tracker, or waits for `init` (or for the method). */
export const method = <K extends Method>(name: K) =>
  guard((...args: Parameters<NonNullable<Tracker[K]>>) => run(name, args)) as (...args: Parameters<NonNullable<Tracker[K]>>) => void;

/** Starts tracking: `init({ site: 'shop' })`. The script tag calls it from its data-* attributes. */
export const init = guard((options: Options): void => {
  tracker ||= createTracker(options);
  early.splice(0).map((call) => run(...call));
});
