// The custom events of a period (type `event`: track('signup'), data-cjm-event clicks, outbound
// links, downloads, forms), by name: how often, by how many visitors, and how many of those
// bought after it; and one event's property breakdown (a plan, a place, a search term). Read
// from the events through a covering partial index (migration 0011), so only these events are
// visited; "bought after" is one seek per visitor in the purchases' index (migration 0004).
import type { Store } from '../store/types';
import { filterSql, num, Sql, type Scope } from './sql';
import type { CustomEvent } from './types';

/** Names listed at most; the export has the rest. */
export const CUSTOM_EVENTS_LISTED = 50;

/** The period's custom events by name, most events first (then name). */
export async function customEvents(store: Store, scope: Scope): Promise<CustomEvent[]> {
  const q = new Sql();
  const site = q.p(scope.site);
  const to = q.p(scope.to);
  // Per name and visitor first (their first such event), then per name: events, visitors, and the
  // visitors with a purchase after their first one, before the period's end.
  const rows = await q.run(
    store,
    `WITH f AS (SELECT name, visitor, MIN(time) AS first, COUNT(*) AS n FROM events INDEXED BY events_site_custom
       WHERE site = ${site} AND type = 'event' AND bot = 0 AND time >= ${q.p(scope.from)} AND time < ${to}${filterSql(q, scope, 'events')}
       GROUP BY name, visitor)
     SELECT name, SUM(n) AS events, COUNT(visitor) AS visitors,
       SUM(EXISTS (SELECT 1 FROM events p INDEXED BY events_site_purchase WHERE p.site = ${site} AND p.visitor = f.visitor
         AND p.type = 'checkout' AND p.name = 'purchase' AND p.bot = 0 AND p.time > f.first AND p.time < ${to})) AS bought
     FROM f GROUP BY name ORDER BY events DESC, name LIMIT ${CUSTOM_EVENTS_LISTED}`,
  );
  return rows.map((r) => ({ name: String(r.name), events: num(r.events), visitors: num(r.visitors), boughtAfter: num(r.bought) }));
}

/** Property keys and values listed at most for one event. */
const PROPS_LISTED = 10;
const VALUES_LISTED = 20;

/** One custom event's properties: each key with its most frequent values (events, visitors). */
export interface EventProperties {
  name: string;
  events: number;
  props: { key: string; events: number; values: { value: string; events: number; visitors: number }[] }[];
}

/**
 * The property breakdown of the custom event `name` in the scope — e.g. `search` by `term` (the
 * site-search terms), `select_plan` by `plan`. Scalar values only (an array such as `items` is left out).
 */
export async function eventProperties(store: Store, scope: Scope, name: string): Promise<EventProperties> {
  const q = new Sql();
  const rows = await q.run(
    store,
    `WITH e AS MATERIALIZED (SELECT visitor, props FROM events INDEXED BY events_site_custom
       WHERE site = ${q.p(scope.site)} AND type = 'event' AND bot = 0 AND time >= ${q.p(scope.from)} AND time < ${q.p(scope.to)}
         AND name = ${q.p(name)}${filterSql(q, scope, 'events')}),
     kv AS (SELECT j.key AS key, CAST(j.value AS TEXT) AS value, e.visitor AS visitor FROM e, json_each(e.props) j
       WHERE e.props IS NOT NULL AND j.type NOT IN ('object', 'array'))
     SELECT '' AS key, NULL AS value, COUNT(*) AS events, 0 AS visitors FROM e
     UNION ALL SELECT key, value, COUNT(*), COUNT(DISTINCT visitor) FROM kv GROUP BY key, value`,
  );
  const byKey = new Map<string, EventProperties['props'][number]>();
  let events = 0;
  for (const r of rows) {
    if (r.key === '') {
      events = num(r.events);
      continue;
    }
    const key = String(r.key);
    const p = byKey.get(key) ?? { key, events: 0, values: [] };
    p.events += num(r.events);
    p.values.push({ value: r.value == null ? '' : String(r.value), events: num(r.events), visitors: num(r.visitors) });
    byKey.set(key, p);
  }
  const props = [...byKey.values()].sort((a, b) => b.events - a.events || (a.key < b.key ? -1 : 1)).slice(0, PROPS_LISTED);
  for (const p of props) p.values = p.values.sort((a, b) => b.events - a.events || (a.value < b.value ? -1 : 1)).slice(0, VALUES_LISTED);
  return { name, events, props };
}
