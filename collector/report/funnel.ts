// The checkout funnel (Funnel in types.ts): sessions per GA4 step in funnel order, drop-off,
// median time between steps, values, refunds, and where abandoners went next.
//
// One statement:
// - one row per session with checkout events in `p`, one column per step (the session's first
//   time there, NULL when it has none) and its last checkout time: the sessions lying wholly
//   within the period's whole hours as report_sessions keeps them (migration 0007, with the
//   touchpoint after their last checkout event), the others grouped from their checkout events.
//   Every per-session figure comes from those rows: sessions per step (a COUNT of the step's
//   column, no COUNT(DISTINCT)), hence the steps in use, the times between consecutive steps in
//   use, and the abandoners;
// - in index order, as one aggregate row (FILTERed per name), for the events and the sum of
//   `value` per step and of refunds: no sort. Each name's sum still adds that name's rows one by
//   one (a sum of per-session sums could differ in the last bit; SQLite's SUM is compensated, so
//   the order of the rows does not matter in practice).
// The times between steps come back as one JSON array per step and their medians are taken
// here: ORDER BY … LIMIT/OFFSET per step in SQL (a temporary B-tree each) cost ~20 ms over 1M
// events, the arrays and a sort in JS ~8. (An array is ~5–7 bytes a session with both steps: D1
// caps a string at 2 MB, i.e. ~250,000 such sessions in one period; the benchmark's largest has
// 8,500.)
import { CHECKOUT_STEPS } from '../journey/stages';
import { amount, HOUR_MS, TOUCH } from '../store/report-sql';
import type { Store } from '../store/types';
import { byKey, eventsOfType, filterSql, jsonAt, keys, median, num, ratio, sessionSplit, Sql, type Scope } from './sql';
import { byCount } from './stages';
import type { Count, Funnel, FunnelStep } from './types';

/** Steps that make a session an abandoner when no purchase follows. */
const STARTED = ['add_to_cart', 'begin_checkout'] as const;
/** Destinations listed for abandoners. */
const TOP_NEXT = 10;
/** The destination of an abandoner with no later page view or action in the period. */
export const LEFT = '(left)';

const VALUE = amount('value'); // bounded: no sum of stored values overflows
/** Names whose value is summed: the steps (by index in CHECKOUT_STEPS), then refunds. */
const NAMES = [...CHECKOUT_STEPS, 'refund'];
const PURCHASE = CHECKOUT_STEPS.indexOf('purchase');
const REFUND = NAMES.length - 1;
/** Names whose events are counted. */
const COUNTED = [PURCHASE, REFUND];

const STEPS = CHECKOUT_STEPS.map((_, i) => i);
const cols = (over: readonly number[], f: (i: number) => string) => over.map(f).join(', ');

export async function funnel(store: Store, scope: Scope): Promise<Funnel> {
  const q = new Sql();
  const ck = eventsOfType(q, scope, 'checkout', 'session, name, time, props');
  const { whole, others, hours } = sessionSplit(q, scope);
  const site = q.p(scope.site);
  const to = q.p(scope.to);
  const names = NAMES.map((s) => q.p(s));
  // Step i's previous step in use (the last one before it with a session in the period): its
  // first time in the session; NULL when the session has none, or when no step before i is used.
  const previous = (i: number) => `CASE ${STEPS.slice(0, i).reverse().map((k) => `WHEN c${k} THEN t${k}`).join(' ')} END`;
  const started = STARTED.map((s) => `t${CHECKOUT_STEPS.indexOf(s)} IS NOT NULL`).join(' OR ');
  const later = STEPS.slice(1);
  // The checkout events of the sessions not taken whole from report_sessions: in the whole
  // hours, those of the other sessions (a few, by events_session_checkout); the partial hours'
  // all (by time). Without whole hours, every checkout event of the period.
  let rest = eventsOfType(q, scope, 'checkout', 'session, name, time');
  if (hours) {
    const checkout = (index: string, where: string) =>
      `SELECT session, name, time FROM events INDEXED BY ${index} WHERE site = ${site} AND type = 'checkout' AND bot = 0 AND ${where}${filterSql(q, scope, 'events')}`;
    const [a, b] = [q.p(hours[0] * HOUR_MS), q.p(hours[1] * HOUR_MS)];
    rest = [
      checkout('events_session_checkout', `session IN (${others}) AND time >= ${a} AND time < ${b}`),
      checkout('events_site_checkout', `time >= ${q.p(scope.from)} AND time < ${a}`),
      checkout('events_site_checkout', `time >= ${b} AND time < ${to}`),
    ].join(' UNION ALL ');
  }
  // p: one row per session with checkout events: first time per step, last checkout event and,
  // for the whole sessions, the touchpoint after it (the others look it up below).
  const rows = await q.run(
    store,
    `WITH p AS MATERIALIZED (
      ${whole ? `SELECT ${cols(STEPS, (i) => `${jsonAt(q, 'checkout', CHECKOUT_STEPS[i]!)} AS t${i}`)}, checkout_last AS last, session, COALESCE(checkout_next, ${q.p(LEFT)}) AS after
        ${whole} AND checkout IS NOT NULL UNION ALL` : ''}
      SELECT ${cols(STEPS, (i) => `MIN(time) FILTER (WHERE name = ${names[i]}) AS t${i}`)}, MAX(time) AS last, session, NULL AS after
        FROM (${rest}) WHERE session IS NOT NULL GROUP BY session),
      c AS MATERIALIZED (SELECT ${cols(STEPS, (i) => `COUNT(t${i}) AS c${i}`)} FROM p)
    SELECT 'step' AS kind, j.key AS a, ${byKey('c', STEPS.length)} AS n, ${byKey('g', STEPS.length)} AS v
    FROM c, (SELECT NULL AS g0, ${cols(later, (i) => `json_group_array(t${i} - ${previous(i)}) FILTER (WHERE t${i} >= ${previous(i)}) AS g${i}`)} FROM p, c), ${keys(STEPS.length)}
    UNION ALL
    SELECT 'next', COALESCE(after, (SELECT touchpoint FROM events e INDEXED BY events_site_session WHERE e.site = ${site} AND e.session = p.session AND e.time > p.last
                       AND e.time < ${to} AND e.bot = 0 AND ${TOUCH.replace('type', 'e.type')} ORDER BY e.time, e.id LIMIT 1), ${q.p(LEFT)}),
      COUNT(*), NULL
    FROM p WHERE (${started}) AND t${PURCHASE} IS NULL GROUP BY 2
    UNION ALL
    SELECT 'name', j.key, CASE j.key ${COUNTED.map((i) => `WHEN ${i} THEN e${i}`).join(' ')} END, ${byKey('v', NAMES.length)}
    FROM (SELECT ${cols(
      NAMES.map((_, i) => i),
      (i) => `SUM(${VALUE}) FILTER (WHERE name = ${names[i]}) AS v${i}`,
    )}, ${cols(COUNTED, (i) => `COUNT(*) FILTER (WHERE name = ${names[i]}) AS e${i}`)}
      FROM (${ck})), ${keys(NAMES.length)}`,
  );

  const sessions = STEPS.map(() => 0);
  /** Per step after the first: ms from the previous step in use, in each session with both. */
  const gaps: (number[] | null)[] = STEPS.map(() => null);
  const events = NAMES.map(() => 0);
  const values = NAMES.map(() => 0);
  const next: Count[] = [];
  for (const r of rows) {
    const i = Number(r.a);
    if (r.kind === 'step') {
      sessions[i] = num(r.n);
      if (r.v != null) gaps[i] = JSON.parse(String(r.v)) as number[];
    } else if (r.kind === 'name') {
      events[i] = num(r.n);
      values[i] = num(r.v);
    } else next.push({ name: String(r.a), count: num(r.n) });
  }
  next.sort(byCount);

  // The steps the site uses: those with a session in the period, in funnel order.
  const used = STEPS.filter((i) => sessions[i]! > 0);
  const first = used.length ? sessions[used[0]!]! : 0;
  const steps: FunnelStep[] = used.map((i, k) => {
    const kept = k > 0 ? ratio(sessions[i]!, sessions[used[k - 1]!]!) : null;
    return {
      step: CHECKOUT_STEPS[i]!,
      sessions: sessions[i]!,
      fromStart: ratio(sessions[i]!, first),
      dropOff: kept === null ? null : 1 - kept,
      medianMsFromPrevious: k > 0 ? median(gaps[i] ?? []) : null,
      value: values[i]!,
    };
  });
  return {
    steps,
    purchases: events[PURCHASE]!,
    revenue: values[PURCHASE]!,
    refunds: events[REFUND]!,
    refunded: values[REFUND]!,
    abandoned: next.reduce((n, c) => n + c.count, 0),
    abandonedNext: next.slice(0, TOP_NEXT),
  };
}
