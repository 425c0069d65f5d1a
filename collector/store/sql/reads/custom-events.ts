// Custom events (type `event`) by name, and one event's property values: read from the events
// through a covering partial index (migration 0011), so only these events are visited; "bought
// after" is one seek per visitor in the purchases' index (migration 0004).
import type { CustomEventRow, EventPropertyRow, Scope } from '../../reads';
import { filterSql, num, Sql, type Run } from './query';

export async function customEvents(q: Sql, run: Run, scope: Scope, limit: number): Promise<CustomEventRow[]> {
  const site = q.p(scope.site);
  const to = q.p(scope.to);
  // Per name and visitor first (their first such event), then per name: events, visitors, and the
  // visitors with a purchase after their first one, before the period's end.
  const rows = await q.run(
    run,
    `WITH f AS (SELECT name, visitor, MIN(time) AS first, COUNT(*) AS n FROM events${q.d.indexedBy('events_site_custom')}
       WHERE site = ${site} AND type = 'event' AND bot = 0 AND time >= ${q.p(scope.from)} AND time < ${to}${filterSql(q, scope, 'events')}
       GROUP BY name, visitor)
     SELECT name, SUM(n) AS events, COUNT(visitor) AS visitors,
       SUM(CASE WHEN EXISTS (SELECT 1 FROM events p${q.d.indexedBy('events_site_purchase')} WHERE p.site = ${site} AND p.visitor = f.visitor
         AND p.type = 'checkout' AND p.name = 'purchase' AND p.bot = 0 AND p.time > f.first AND p.time < ${to}) THEN 1 ELSE 0 END) AS bought
     FROM f GROUP BY name ORDER BY events DESC, name LIMIT ${limit}`,
  );
  return rows.map((r) => ({ name: String(r.name), events: num(r.events), visitors: num(r.visitors), bought: num(r.bought) }));
}

export async function eventProperties(q: Sql, run: Run, scope: Scope, name: string): Promise<EventPropertyRow[]> {
  const rows = await q.run(
    run,
    `WITH e AS MATERIALIZED (SELECT visitor, props FROM events${q.d.indexedBy('events_site_custom')}
       WHERE site = ${q.p(scope.site)} AND type = 'event' AND bot = 0 AND time >= ${q.p(scope.from)} AND time < ${q.p(scope.to)}
         AND name = ${q.p(name)}${filterSql(q, scope, 'events')}),
     kv AS (SELECT j.key AS key, ${q.d.jsonEntryText('j')} AS value, e.visitor AS visitor FROM e, ${q.d.jsonEntries('e.props', 'j')}
       WHERE e.props IS NOT NULL AND ${q.d.jsonEntryIsScalar('j')})
     SELECT '' AS key, NULL AS value, COUNT(*) AS events, 0 AS visitors FROM e
     UNION ALL SELECT key, value, COUNT(*), COUNT(DISTINCT visitor) FROM kv GROUP BY key, value`,
  );
  return rows.map((r) => ({
    key: String(r.key),
    value: r.value == null ? null : String(r.value),
    events: num(r.events),
    visitors: num(r.visitors),
  }));
}
