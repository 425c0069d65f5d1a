// How many events of the period were stored as bots and left out of every figure: the dashboard
// says so, so test traffic from curl or a headless browser does not vanish without a word.
import type { Store } from '../store/types';
import { num, Sql } from './sql';

/** Bot events of a site in [from, to), whatever the filters (a partial index: migration 0011). */
export async function botEvents(store: Store, site: string, from: number, to: number): Promise<number> {
  const q = new Sql();
  const [r] = await q.run(
    store,
    `SELECT COUNT(*) AS n FROM events INDEXED BY events_site_bots WHERE site = ${q.p(site)} AND bot = 1 AND time >= ${q.p(from)} AND time < ${q.p(to)}`,
  );
  return num(r?.n);
}
