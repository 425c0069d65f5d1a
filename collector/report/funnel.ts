// The checkout funnel (Funnel in types.ts): sessions per GA4 step in funnel order, drop-off,
// median time between steps, values, refunds, and where abandoners went next.
import { CHECKOUT_STEPS } from '../journey/stages';
import { TOUCH } from '../store/report-sql';
import type { Store } from '../store/types';
import { byKey, eventsOfType, medianOf, num, ratio, Sql, type Scope } from './sql';
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

  const { medians, abandon } = await perSession(store, scope, used);
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

/**
 * One pass over the period's checkout events per session, for two figures:
 * - per used step after the first: the median ms from the previous step's first event to its
 *   own, over sessions with both (and not before it);
 * - abandoners: sessions that added to cart or began checkout without a purchase, and their
 *   next touchpoint after their last checkout event.
 */
async function perSession(store: Store, scope: Scope, used: readonly string[]): Promise<{ medians: Map<string, number>; abandon: { total: number; next: Count[] } }> {
  const q = new Sql();
  const ck = eventsOfType(q, scope, 'checkout', 'session, name, time');
  const site = q.p(scope.site);
  const to = q.p(scope.to);
  const steps = used.map((st) => q.p(st));
  const parts: string[] = [];
  let ctes = '';
  if (used.length > 1) {
    // Per session, step k + 1's first time minus step k's (NULL unless it has both); per step,
    // the median of those not negative: the middle one or two by ORDER BY … LIMIT/OFFSET.
    const ks = used.slice(1).map((_, k) => k);
    ctes = `, pd AS MATERIALIZED (SELECT ${ks.map((k) => `t${k + 1} - t${k} AS m${k}`).join(', ')} FROM p),
      dn AS MATERIALIZED (SELECT ${ks.map((k) => `COUNT(CASE WHEN m${k} >= 0 THEN 1 END) AS n${k}`).join(', ')} FROM pd)`;
    const median = (k: number) => `${medianOf('pd', `m${k}`, `m${k} >= 0`, `(SELECT n${k} FROM dn)`)} AS md${k}`;
    const pick = byKey('md', ks.length);
    parts.push(`SELECT 'median' AS kind, j.key AS a, ${pick} AS n FROM (SELECT ${ks.map(median).join(', ')}), json_each('[${ks.join(',')}]') j
      WHERE ${pick} IS NOT NULL`);
  }
  parts.push(`SELECT 'next' AS kind, COALESCE((SELECT touchpoint FROM events e INDEXED BY events_site_session WHERE e.site = ${site} AND e.session = p.session AND e.time > p.last
                       AND e.time < ${to} AND e.bot = 0 AND ${TOUCH.replace('type', 'e.type')} ORDER BY e.time, e.id LIMIT 1), ${q.p(LEFT)}) AS a,
      COUNT(*) AS n
    FROM p WHERE started AND NOT bought GROUP BY 2`);
  const rows = await q.run(
    store,
    `WITH p AS MATERIALIZED (SELECT session, ${steps.map((st, k) => `MIN(CASE WHEN name = ${st} THEN time END) AS t${k}, `).join('')}
        MAX(name IN (${STARTED.map((s) => q.p(s)).join(', ')})) AS started, MAX(name = 'purchase') AS bought, MAX(time) AS last
      FROM (${ck}) WHERE session IS NOT NULL GROUP BY session)${ctes}
    ${parts.join('\nUNION ALL\n')}`,
  );
  const medians = new Map<string, number>();
  const all: Count[] = [];
  for (const r of rows) {
    if (r.kind === 'median') medians.set(used[Number(r.a) + 1]!, num(r.n));
    else all.push({ name: String(r.a), count: num(r.n) });
  }
  all.sort(byCount);
  return { medians, abandon: { total: all.reduce((n, c) => n + c.count, 0), next: all.slice(0, TOP_NEXT) } };
}
