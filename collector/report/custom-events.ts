// The custom events of a period (type `event`: track('signup'), data-cjm-event clicks, outbound
// links, downloads, forms), by name: how often and by how many visitors. Read from the events
// through a covering partial index (migration 0011), so only these events are visited.
import type { Store } from '../store/types';
import { filterSql, num, Sql, type Scope } from './sql';
import type { CustomEvent } from './types';

/** Names listed at most; the export has the rest. */
export const CUSTOM_EVENTS_LISTED = 50;

/** The period's custom events by name, most events first (then name). */
export async function customEvents(store: Store, scope: Scope): Promise<CustomEvent[]> {
  const q = new Sql();
  const rows = await q.run(
    store,
    `SELECT name, COUNT(*) AS events, COUNT(DISTINCT visitor) AS visitors FROM events INDEXED BY events_site_custom
     WHERE site = ${q.p(scope.site)} AND type = 'event' AND bot = 0 AND time >= ${q.p(scope.from)} AND time < ${q.p(scope.to)}${filterSql(q, scope, 'events')}
     GROUP BY name ORDER BY events DESC, name LIMIT ${CUSTOM_EVENTS_LISTED}`,
  );
  return rows.map((r) => ({ name: String(r.name), events: num(r.events), visitors: num(r.visitors) }));
}
