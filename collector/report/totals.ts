// The headline figures of a period (Totals in types.ts).
import type { Store } from '../store/types';
import type { LandingFacts } from './sessions';
import { medianSql, num, numOrNull, ratio, Sql, stageRows, type Scope } from './sql';
import type { Totals } from './types';

/** Totals of a scope; `landing` (sessions.ts) gives the bounce rate. */
export async function totals(store: Store, scope: Scope, landing: LandingFacts[]): Promise<Totals> {
  const q = new Sql();
  const src = stageRows(q, scope);
  const site = q.p(scope.site);
  const from = q.p(scope.from);
  const to = q.p(scope.to);
  // Buyers: visitors with a purchase in the scope whose first purchase ever falls in the
  // period; their visits are all their sessions that started up to that purchase.
  const [sums] = await q.run(
    store,
    `WITH b AS MATERIALIZED (${src}),
    buyers AS (SELECT visitor, (SELECT MIN(time) FROM events e WHERE e.site = ${site} AND e.visitor = b.visitor
                                  AND e.type = 'checkout' AND e.name = 'purchase' AND e.bot = 0) AS first
               FROM b WHERE purchases > 0 AND visitor <> '' GROUP BY visitor),
    visits AS (SELECT 'all' AS k, (SELECT COUNT(*) FROM sessions s WHERE s.site = ${site} AND s.visitor = buyers.visitor
                                    AND s.started <= buyers.first AND s.bot = 0) AS n
               FROM buyers WHERE first >= ${from} AND first < ${to})
    SELECT COUNT(DISTINCT NULLIF(visitor, '')) AS visitors, COUNT(DISTINCT NULLIF(session, '')) AS sessions,
      SUM(pageviews) AS pageviews, SUM(touches) AS touches, SUM(purchases) AS purchases, SUM(revenue) AS revenue,
      COUNT(DISTINCT CASE WHEN purchases > 0 THEN NULLIF(session, '') END) AS buying,
      (SELECT median FROM (${medianSql('visits', 'k', 'n')})) AS visits
    FROM b`,
  );
  const s = sums ?? {};
  const landed = landing.reduce((n, l) => n + l.sessions, 0);
  const bounces = landing.reduce((n, l) => n + l.bounces, 0);
  const purchases = num(s.purchases);
  return {
    visitors: num(s.visitors),
    sessions: num(s.sessions),
    pageviews: num(s.pageviews),
    bounceRate: ratio(bounces, landed),
    purchases,
    revenue: num(s.revenue),
    conversionRate: ratio(num(s.buying), num(s.sessions)),
    touchpointsPerPurchase: ratio(num(s.touches), purchases),
    medianVisitsToPurchase: numOrNull(s.visits),
  };
}
