// The checkout funnel (Funnel in types.ts): sessions per GA4 step in funnel order, drop-off,
// median time between steps, values, refunds, and where abandoners went next.
import { CHECKOUT_STEPS } from '../journey/stages';
import { TOUCH } from '../store/report-sql';
import type { Store } from '../store/types';
import { eventsOfType, medianSql, num, ratio, Sql, type Scope } from './sql';
import { byCount } from './stages';
import type { Count, Funnel, FunnelStep } from './types';

/** Steps that make a session an abandoner when no purchase follows. */
const STARTED = ['add_to_cart', 'begin_checkout'];
/** Destinations listed for abandoners. */
const TOP_NEXT = 10;
/** The destination of an abandoner with no later page view or action in the period. */
export const LEFT = '(left)';

const VALUE = `CAST(json_extract(props, '$.value') AS REAL)`;

export async function funnel(store: Store, scope: Scope): Promise<Funnel> {
  // Sessions, events and value per checkout name (steps, refunds, …).
  const q = new Sql();
  const byName = await q.run(
    store,
    `SELECT name, COUNT(DISTINCT session) AS sessions, COUNT(*) AS events, COALESCE(SUM(${VALUE}), 0) AS value
     FROM (${eventsOfType(q, scope, 'checkout', 'session, name, props')}) GROUP BY name`,
  );
  const named = new Map(byName.map((r) => [String(r.name), { sessions: num(r.sessions), events: num(r.events), value: num(r.value) }]));
  // The steps the site uses: those with a session in the period, in funnel order.
  const used = CHECKOUT_STEPS.filter((s) => (named.get(s)?.sessions ?? 0) > 0);

  const [medians, abandon] = await Promise.all([stepMedians(store, scope, used), abandoners(store, scope)]);
  const first = used.length ? named.get(used[0]!)!.sessions : 0;
  const steps: FunnelStep[] = used.map((step, i) => {
    const n = named.get(step)!;
    const prev = i > 0 ? named.get(used[i - 1]!)!.sessions : 0;
    const kept = i > 0 ? ratio(n.sessions, prev) : null;
    return {
      step,
      sessions: n.sessions,
      fromStart: ratio(n.sessions, first),
      dropOff: kept === null ? null : 1 - kept,
      medianMsFromPrevious: i > 0 ? (medians.get(step) ?? null) : null,
      value: n.value,
    };
  });
  return {
    steps,
    purchases: named.get('purchase')?.events ?? 0,
    revenue: named.get('purchase')?.value ?? 0,
    refunds: named.get('refund')?.events ?? 0,
    refunded: named.get('refund')?.value ?? 0,
    abandoned: abandon.total,
    abandonedNext: abandon.next,
  };
}

/** Per step (after the first): median ms from the previous step's first event to its own, per session. */
async function stepMedians(store: Store, scope: Scope, used: readonly string[]): Promise<Map<string, number>> {
  if (used.length < 2) return new Map();
  const q = new Sql();
  const ck = eventsOfType(q, scope, 'checkout', 'session, name, time');
  // The position of each used step; LAG over a session's steps in that order finds the previous
  // step only when it is the one just before in the funnel.
  const idx = `CASE name ${used.map((st, i) => `WHEN ${q.p(st)} THEN ${i}`).join(' ')} END`;
  const rows = await q.run(
    store,
    `WITH f AS (SELECT session, name, ${idx} AS i, MIN(time) AS t FROM (${ck}) WHERE session IS NOT NULL GROUP BY session, name),
    g AS (SELECT name, CASE WHEN LAG(i) OVER w = i - 1 THEN t - LAG(t) OVER w END AS ms
          FROM f WHERE i IS NOT NULL WINDOW w AS (PARTITION BY session ORDER BY i)),
    d AS (SELECT name, ms FROM g WHERE ms >= 0)
    ${medianSql('d', 'name', 'ms')}`,
  );
  return new Map(rows.map((r) => [String(r.grp), num(r.median)]));
}


/** Sessions that added to cart or began checkout without a purchase, and their next touchpoint. */
async function abandoners(store: Store, scope: Scope): Promise<{ total: number; next: Count[] }> {
  const q = new Sql();
  const ck = eventsOfType(q, scope, 'checkout', 'session, name, time');
  const site = q.p(scope.site);
  const to = q.p(scope.to);
  const rows = await q.run(
    store,
    `WITH ab AS (SELECT session, MAX(time) AS last FROM (${ck}) WHERE session IS NOT NULL GROUP BY session
                 HAVING SUM(name IN (${STARTED.map((s) => q.p(s)).join(', ')})) > 0 AND SUM(name = 'purchase') = 0)
    SELECT COALESCE((SELECT touchpoint FROM events e INDEXED BY events_site_session WHERE e.site = ${site} AND e.session = ab.session AND e.time > ab.last
                       AND e.time < ${to} AND e.bot = 0 AND ${TOUCH.replace('type', 'e.type')} ORDER BY e.time, e.id LIMIT 1), ${q.p(LEFT)}) AS next,
      COUNT(*) AS n
    FROM ab GROUP BY 1`,
  );
  const all = rows.map((r) => ({ name: String(r.next), count: num(r.n) })).sort(byCount);
  return { total: all.reduce((n, c) => n + c.count, 0), next: all.slice(0, TOP_NEXT) };
}
