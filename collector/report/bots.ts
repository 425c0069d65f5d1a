// How many events of the period were stored as bots and left out of every figure: the dashboard
// says so, so test traffic from curl or a headless browser does not vanish without a word.
import type { Store } from '../store/types';

/** Bot events of a site in [from, to), whatever the filters. */
export function botEvents(store: Store, site: string, from: number, to: number): Promise<number> {
  return store.reads.botEvents(site, from, to);
}
