// The checkout funnel (Funnel in types.ts): visits (or people) per GA4 step in funnel order,
// drop-off, median time between steps, values, refunds, revenue per currency, and where
// abandoners went next.
//
// A step counts the visits (people) that reached it or any later step, so the funnel never
// widens and no step "loses" a negative number: a visit that adds to cart from a list page
// without viewing the item counts at view_item too (it got past it). A step repeated in a visit
// (person) counts once, at its first time.
//
// One statement:
// - one row per session with checkout events in `p`, one column per step (the session's first
//   time there, NULL when it has none) and its last checkout time: the sessions lying wholly
//   within the period's whole hours as report_sessions keeps them (migration 0007, with the
//   touchpoint after their last checkout event), the others grouped from their checkout events.
//   By people, `u` regroups those rows per visitor (first time per step over their sessions).
//   Every per-unit figure comes from those rows: per step the units with it (a COUNT of the
//   step's column, no COUNT(DISTINCT)) and those with it or a later one (a COUNT of the
//   COALESCE of the later columns), hence the steps in use, the times between consecutive steps
//   in use, and (per session) the abandoners;
// - in index order, as one aggregate row (FILTERed per name), for the events and the sum of
//   `value` per step and of refunds: no sort. Each name's sum still adds that name's rows one by
//   one (a sum of per-session sums could differ in the last bit; SQLite's SUM is compensated, so
//   the order of the rows does not matter in practice); with the least and greatest currency of
//   the purchases, so only a period with several currencies asks for the sums per currency.
// The times between steps come back as one JSON array per step and their medians are taken
// here: ORDER BY … LIMIT/OFFSET per step in SQL (a temporary B-tree each) cost ~20 ms over 1M
// events, the arrays and a sort in JS ~8. (An array is ~5–7 bytes a session with both steps: D1
// caps a string at 2 MB, i.e. ~250,000 such sessions in one period; the benchmark's largest has
// 8,500.)
import { CHECKOUT_STEPS } from '../journey/stages';
import { amount, HOUR_MS, TOUCH } from '../store/sql/rollups';
import type { Store } from '../store/types';
import { byKey, eventsOfType, filterSql, jsonAt, keys, median, num, ratio, sessionSplit, Sql, type Scope } from './sql';
import { byCount } from './stages';
import type { Count, CurrencyRevenue, Funnel, FunnelStep, FunnelUnit } from './types';

/** Steps that make a session an abandoner when no purchase follows. */
const STARTED = ['add_to_cart', 'begin_checkout'] as const;
/** Destinations listed for abandoners. */
const TOP_NEXT = 10;
/** The destination of an abandoner with no later page view or action in the period. */
export const LEFT = '(left)';

const VALUE = amount('value'); // bounded: no sum of stored values overflows
/** A purchase's currency: props.currency upper-cased, '' when not given. */
const CURRENCY = `UPPER(TRIM(COALESCE(CAST(json_extract(props, '$.currency') AS TEXT), '')))`;
/** Names whose value is summed: the steps (by index in CHECKOUT_STEPS), then refunds. */
const NAMES = [...CHECKOUT_STEPS, 'refund'];
const PURCHASE = CHECKOUT_STEPS.indexOf('purchase');
const REFUND = NAMES.length - 1;
/** Names whose events are counted. */
const COUNTED = [PURCHASE, REFUND];

const STEPS = CHECKOUT_STEPS.map((_, i) => i);
const cols = (over: readonly number[], f: (i: number) => string) => over.map(f).join(', ');

export async function funnel(store: Store, scope: Scope, by: FunnelUnit = 'visits'): Promise<Funnel> {
  const q = new Sql();
  const people = by === 'people';
  const ck = eventsOfType(q, scope, 'checkout', 'session, name, time, props');
  const { whole, others, hours } = sessionSplit(q, scope);
  const site = q.p(scope.site);
  const to = q.p(scope.to);
  const names = NAMES.map((s) => q.p(s));
  // Step i's previous step in use (the last one before it with a unit in the period): its
  // first time in the unit; NULL when the unit has none, or when no step before i is used.
  const previous = (i: number) => `CASE ${STEPS.slice(0, i).reverse().map((k) => `WHEN c${k} THEN t${k}`).join(' ')} END`;
  /** This step's or a later one's first time: not NULL when the unit reached step i or beyond. */
  const orLater = (i: number) => (i === STEPS.length - 1 ? `t${i}` : `COALESCE(${STEPS.slice(i).map((k) => `t${k}`).join(', ')})`);
  const started = STARTED.map((s) => `t${CHECKOUT_STEPS.indexOf(s)} IS NOT NULL`).join(' OR ');
  const later = STEPS.slice(1);
  // By people, a session's person: its visitor (a session without one stands for itself).
  const person = (visitor: string) => `COALESCE(NULLIF(${visitor}, ''), '(session) ' || session)`;
  const restCols = people ? 'session, visitor, name, time' : 'session, name, time';
  // The checkout events of the sessions not taken whole from report_sessions: in the whole
  // hours, those of the other sessions (a few, by events_session_checkout); the partial hours'
  // all (by time). Without whole hours, every checkout event of the period.
  let rest = eventsOfType(q, scope, 'checkout', restCols);
  if (hours) {
    const checkout = (index: string, where: string) =>
      `SELECT ${restCols} FROM events INDEXED BY ${index} WHERE site = ${site} AND type = 'checkout' AND bot = 0 AND ${where}${filterSql(q, scope, 'events')}`;
    const [a, b] = [q.p(hours[0] * HOUR_MS), q.p(hours[1] * HOUR_MS)];
    rest = [
      checkout('events_session_checkout', `session IN (${others}) AND time >= ${a} AND time < ${b}`),
      checkout('events_site_checkout', `time >= ${q.p(scope.from)} AND time < ${a}`),
      checkout('events_site_checkout', `time >= ${b} AND time < ${to}`),
    ].join(' UNION ALL ');
  }
  // p: one row per session with checkout events: first time per step, last checkout event and,
  // for the whole sessions, the touchpoint after it (the others look it up below). u: the
  // units counted, sessions (p itself) or people.
  const unit = people ? 'u' : 'p';
  const rows = await q.run(
    store,
    `WITH p AS MATERIALIZED (
      ${whole ? `SELECT ${cols(STEPS, (i) => `${jsonAt(q, 'checkout', CHECKOUT_STEPS[i]!)} AS t${i}`)}, checkout_last AS last, session, COALESCE(checkout_next, ${q.p(LEFT)}) AS after${people ? `, ${person('visitor')} AS person` : ''}
        ${whole} AND checkout IS NOT NULL UNION ALL` : ''}
      SELECT ${cols(STEPS, (i) => `MIN(time) FILTER (WHERE name = ${names[i]}) AS t${i}`)}, MAX(time) AS last, session, NULL AS after${people ? `, ${person('MIN(visitor)')} AS person` : ''}
        FROM (${rest}) WHERE session IS NOT NULL GROUP BY session),
      ${people ? `u AS MATERIALIZED (SELECT ${cols(STEPS, (i) => `MIN(t${i}) AS t${i}`)} FROM p GROUP BY person),` : ''}
      c AS MATERIALIZED (SELECT ${cols(STEPS, (i) => `COUNT(t${i}) AS c${i}, COUNT(${orLater(i)}) AS r${i}`)} FROM ${unit})
    SELECT 'step' AS kind, j.key AS a, ${byKey('c', STEPS.length)} AS n, ${byKey('r', STEPS.length)} AS m, ${byKey('g', STEPS.length)} AS v
    FROM c, (SELECT NULL AS g0, ${cols(later, (i) => `json_group_array(t${i} - ${previous(i)}) FILTER (WHERE t${i} >= ${previous(i)}) AS g${i}`)} FROM ${unit}, c), ${keys(STEPS.length)}
    UNION ALL
    SELECT 'next', COALESCE(after, (SELECT touchpoint FROM events e INDEXED BY events_site_session WHERE e.site = ${site} AND e.session = p.session AND e.time > p.last
                       AND e.time < ${to} AND e.bot = 0 AND ${TOUCH.replace('type', 'e.type')} ORDER BY e.time, e.id LIMIT 1), ${q.p(LEFT)}),
      COUNT(*), 0, NULL
    FROM p WHERE (${started}) AND t${PURCHASE} IS NULL GROUP BY 2
    UNION ALL
    SELECT 'name', j.key, CASE j.key ${COUNTED.map((i) => `WHEN ${i} THEN e${i}`).join(' ')} END,
      CASE WHEN j.key = ${PURCHASE} THEN (CASE WHEN cmin IS NULL THEN NULL WHEN cmin = cmax THEN 'one:' || cmin ELSE 'several' END) END, ${byKey('v', NAMES.length)}
    FROM (SELECT ${cols(
      NAMES.map((_, i) => i),
      (i) => `SUM(${VALUE}) FILTER (WHERE name = ${names[i]}) AS v${i}`,
    )}, ${cols(COUNTED, (i) => `COUNT(*) FILTER (WHERE name = ${names[i]}) AS e${i}`)},
      MIN(${CURRENCY}) FILTER (WHERE name = ${names[PURCHASE]}) AS cmin, MAX(${CURRENCY}) FILTER (WHERE name = ${names[PURCHASE]}) AS cmax
      FROM (${ck})), ${keys(NAMES.length)}`,
  );

  const withStep = STEPS.map(() => 0);
  const reached = STEPS.map(() => 0);
  /** Per step after the first: ms from the previous step in use, in each unit with both. */
  const gaps: (number[] | null)[] = STEPS.map(() => null);
  const events = NAMES.map(() => 0);
  const values = NAMES.map(() => 0);
  const next: Count[] = [];
  let currencies: CurrencyRevenue[] = [];
  let several = false;
  for (const r of rows) {
    if (r.kind === 'step') {
      const i = Number(r.a);
      withStep[i] = num(r.n);
      reached[i] = num(r.m);
      if (r.v != null) gaps[i] = JSON.parse(String(r.v)) as number[];
    } else if (r.kind === 'name') {
      const i = Number(r.a);
      events[i] = num(r.n);
      values[i] = num(r.v);
      if (i === PURCHASE && typeof r.m === 'string') {
        if (r.m === 'several') several = true;
        else currencies = [{ currency: r.m.slice(4), purchases: events[i]!, revenue: values[i]! }];
      }
    } else next.push({ name: String(r.a), count: num(r.n) });
  }
  // Several currencies (rare): the purchases per currency, in a statement of their own.
  if (several) currencies = await revenueByCurrency(store, scope);
  next.sort(byCount);

  // The steps the site uses: those with a unit in the period, in funnel order.
  const used = STEPS.filter((i) => withStep[i]! > 0);
  const first = used.length ? reached[used[0]!]! : 0;
  const steps: FunnelStep[] = used.map((i, k) => {
    const before = k > 0 ? reached[used[k - 1]!]! : null;
    const lost = before === null ? null : before - reached[i]!;
    return {
      step: CHECKOUT_STEPS[i]!,
      reached: reached[i]!,
      withStep: withStep[i]!,
      fromStart: ratio(reached[i]!, first),
      lost,
      dropOff: before === null || lost === null ? null : ratio(lost, before),
      medianMsFromPrevious: k > 0 ? median(gaps[i] ?? []) : null,
      value: values[i]!,
    };
  });
  return {
    by,
    steps,
    purchases: events[PURCHASE]!,
    revenue: values[PURCHASE]!,
    refunds: events[REFUND]!,
    refunded: values[REFUND]!,
    abandoned: next.reduce((n, c) => n + c.count, 0),
    abandonedNext: next.slice(0, TOP_NEXT),
    revenueByCurrency: currencies,
  };
}

/** Purchases and their value per currency in a scope, most revenue first. */
async function revenueByCurrency(store: Store, scope: Scope): Promise<CurrencyRevenue[]> {
  const q = new Sql();
  const rows = await q.run(
    store,
    `SELECT ${CURRENCY} AS currency, COUNT(*) AS n, COALESCE(SUM(${VALUE}), 0) AS v
     FROM (${eventsOfType(q, scope, 'checkout', 'name, props')}) WHERE name = 'purchase' GROUP BY 1`,
  );
  return rows
    .map((r) => ({ currency: String(r.currency), purchases: num(r.n), revenue: num(r.v) }))
    .sort((a, b) => b.revenue - a.revenue || b.purchases - a.purchases || (a.currency < b.currency ? -1 : 1));
}

/** The one currency of a period's purchases, or null (none named, or several). */
export function singleCurrency(list: readonly CurrencyRevenue[]): string | null {
  return list.length === 1 && list[0]!.currency !== '' ? list[0]!.currency : null;
}
