// The checkout funnel's rows (collector/report/funnel.ts says what each figure means and why the
// statement is shaped so): per session (or person) with checkout events the first time per step,
// then per step the units with it and with it or a later one and the times from the previous
// step in use (one JSON array per step, medians taken by the report), per name the events and
// summed values, and the abandoners' next touchpoint.
import { CHECKOUT_STEPS } from '../../../journey/stages';
import { HOUR_MS } from '../../../metrics';
import type { CurrencyRow, FunnelRows, FunnelUnit, Scope } from '../../reads';
import { TOUCH } from '../rollups';
import { byKey, eventsOfType, filterSql, jsonAt, keys, money, num, sessionSplit, Sql, type Run } from './query';

/** Steps that make a session an abandoner when no purchase follows. */
const STARTED = ['add_to_cart', 'begin_checkout'] as const;

/** A checkout event's value, bounded: no sum of stored values overflows. */
const VALUE = (q: Sql) => q.rollups.amount('value');
/** A purchase's currency: props.currency upper-cased, '' when not given. */
const currency = (q: Sql) => `UPPER(TRIM(COALESCE(CAST(${q.d.jsonText('props', "'currency'")} AS TEXT), '')))`;
/** Names whose value is summed: the steps (by index in CHECKOUT_STEPS), then refunds. */
const NAMES = [...CHECKOUT_STEPS, 'refund'];
const PURCHASE = CHECKOUT_STEPS.indexOf('purchase');
const REFUND = NAMES.length - 1;
/** Names whose events are counted. */
const COUNTED = [PURCHASE, REFUND];

const STEPS = CHECKOUT_STEPS.map((_, i) => i);
const cols = (over: readonly number[], f: (i: number) => string) => over.map(f).join(', ');

export async function funnel(q: Sql, run: Run, scope: Scope, by: FunnelUnit, left: string): Promise<FunnelRows> {
  const people = by === 'people';
  const ck = eventsOfType(q, scope, 'checkout', 'session, name, time, props');
  const { whole, others, hours } = sessionSplit(q, scope);
  const site = q.p(scope.site);
  const to = q.p(scope.to);
  const names = NAMES.map((s) => q.p(s));
  // Step i's previous step in use (the last one before it with a unit in the period): its
  // first time in the unit; NULL when the unit has none, or when no step before i is used.
  const previous = (i: number) =>
    `CASE ${STEPS.slice(0, i)
      .reverse()
      .map((k) => `WHEN c${k} > 0 THEN t${k}`)
      .join(' ')} END`;
  /** This step's or a later one's first time: not NULL when the unit reached step i or beyond. */
  const orLater = (i: number) =>
    i === STEPS.length - 1
      ? `t${i}`
      : `COALESCE(${STEPS.slice(i)
          .map((k) => `t${k}`)
          .join(', ')})`;
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
      `SELECT ${restCols} FROM events${q.d.indexedBy(index)} WHERE site = ${site} AND type = 'checkout' AND bot = 0 AND ${where}${filterSql(q, scope, 'events')}`;
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
    run,
    `WITH p AS MATERIALIZED (
      ${
        whole
          ? `SELECT ${cols(STEPS, (i) => `${jsonAt(q, 'checkout', CHECKOUT_STEPS[i]!)} AS t${i}`)}, checkout_last AS last, session, COALESCE(checkout_next, ${q.p(left)}) AS after${people ? `, ${person('visitor')} AS person` : ''}
        ${whole} AND checkout IS NOT NULL UNION ALL`
          : ''
      }
      SELECT ${cols(STEPS, (i) => `MIN(time) FILTER (WHERE name = ${names[i]}) AS t${i}`)}, MAX(time) AS last, session, NULL AS after${people ? `, ${person('MIN(visitor)')} AS person` : ''}
        FROM (${rest}) WHERE session IS NOT NULL GROUP BY session),
      ${people ? `u AS MATERIALIZED (SELECT ${cols(STEPS, (i) => `MIN(t${i}) AS t${i}`)} FROM p GROUP BY person),` : ''}
      c AS MATERIALIZED (SELECT ${cols(STEPS, (i) => `COUNT(t${i}) AS c${i}, COUNT(${orLater(i)}) AS r${i}`)} FROM ${unit})
    SELECT 'step' AS kind, CAST(j.value AS TEXT) AS a, ${byKey('c', STEPS.length)} AS n, ${byKey('r', STEPS.length)} AS m, CAST(NULL AS REAL) AS v, ${byKey('g', STEPS.length)} AS txt
    FROM c, (SELECT NULL AS g0, ${cols(later, (i) => `${q.d.jsonArrayAgg(`t${i} - ${previous(i)}`, `t${i} >= ${previous(i)}`)} AS g${i}`)} FROM ${unit}, c), ${keys(q, STEPS.length)}
    UNION ALL
    SELECT 'next', dest, COUNT(*), 0, CAST(NULL AS REAL), NULL
    FROM (SELECT COALESCE(after, (SELECT touchpoint FROM events e${q.d.indexedBy('events_site_session')} WHERE e.site = ${site} AND e.session = p.session AND e.time > p.last
                       AND e.time < ${to} AND e.bot = 0 AND ${TOUCH.replace('type', 'e.type')} ORDER BY e.time, e.id LIMIT 1), ${q.p(left)}) AS dest
      FROM p WHERE (${started}) AND t${PURCHASE} IS NULL) AS abandoners GROUP BY dest
    UNION ALL
    SELECT 'name', CAST(j.value AS TEXT), CASE j.value ${COUNTED.map((i) => `WHEN ${i} THEN e${i}`).join(' ')} END, NULL, ${byKey('v', NAMES.length)},
      CASE WHEN j.value = ${PURCHASE} THEN (CASE WHEN cmin IS NULL THEN NULL WHEN cmin = cmax THEN 'one:' || cmin ELSE 'several' END) END
    FROM (SELECT ${cols(
      NAMES.map((_, i) => i),
      (i) => `SUM(${VALUE(q)}) FILTER (WHERE name = ${names[i]}) AS v${i}`,
    )}, ${cols(COUNTED, (i) => `COUNT(*) FILTER (WHERE name = ${names[i]}) AS e${i}`)},
      MIN(${currency(q)}) FILTER (WHERE name = ${names[PURCHASE]}) AS cmin, MAX(${currency(q)}) FILTER (WHERE name = ${names[PURCHASE]}) AS cmax
      FROM (${ck})), ${keys(q, NAMES.length)}`,
  );

  const out: FunnelRows = { steps: [], names: [], next: [] };
  for (const r of rows) {
    if (r.kind === 'step')
      out.steps.push({
        step: Number(r.a),
        withStep: num(r.n),
        reached: num(r.m),
        gaps: r.txt == null ? null : (JSON.parse(String(r.txt)) as number[]),
      });
    else if (r.kind === 'name')
      out.names.push({ name: Number(r.a), events: num(r.n), value: money(r.v), currency: r.txt == null ? null : String(r.txt) });
    else out.next.push({ name: String(r.a), count: num(r.n) });
  }
  return out;
}

/** Purchases and their value per currency in a scope. */
export async function revenueByCurrency(q: Sql, run: Run, scope: Scope): Promise<CurrencyRow[]> {
  const rows = await q.run(
    run,
    `SELECT ${currency(q)} AS currency, COUNT(*) AS n, COALESCE(SUM(${VALUE(q)}), 0) AS v
     FROM (${eventsOfType(q, scope, 'checkout', 'name, props')}) WHERE name = 'purchase' GROUP BY 1`,
  );
  return rows.map((r) => ({ currency: String(r.currency), purchases: num(r.n), revenue: money(r.v) }));
}
