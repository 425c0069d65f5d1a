// The checkout funnel (Funnel in types.ts): visits (or people) per GA4 step in funnel order,
// drop-off, median time between steps, values, refunds, revenue per currency, and where
// abandoners went next.
//
// A step counts the visits (people) that reached it or any later step, so the funnel never
// widens and no step "loses" a negative number: a visit that adds to cart from a list page
// without viewing the item counts at view_item too (it got past it). A step repeated in a visit
// (person) counts once, at its first time.
//
// One statement (collector/store/sql/reads/funnel.ts; abandoners: sessions with add_to_cart or
// begin_checkout and no purchase):
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
import type { Scope } from '../store/reads';
import type { Store } from '../store/types';
import { byCount } from './counts';
import { median, ratio } from './math';
import type { Count, CurrencyRevenue, Funnel, FunnelStep, FunnelUnit } from './types';

/** Destinations listed for abandoners. */
const TOP_NEXT = 10;
/** The destination of an abandoner with no later page view or action in the period. */
export const LEFT = '(left)';

/** Names whose value is summed: the steps (by index in CHECKOUT_STEPS), then refunds. */
const NAMES = [...CHECKOUT_STEPS, 'refund'];
const PURCHASE = CHECKOUT_STEPS.indexOf('purchase');
const REFUND = NAMES.length - 1;
const STEPS = CHECKOUT_STEPS.map((_, i) => i);

export async function funnel(store: Store, scope: Scope, by: FunnelUnit = 'visits'): Promise<Funnel> {
  const rows = await store.reads.funnel(scope, by, LEFT);
  const withStep = STEPS.map(() => 0);
  const reached = STEPS.map(() => 0);
  /** Per step after the first: ms from the previous step in use, in each unit with both. */
  const gaps: (number[] | null)[] = STEPS.map(() => null);
  const events = NAMES.map(() => 0);
  const values = NAMES.map(() => 0);
  const next: Count[] = [];
  let currencies: CurrencyRevenue[] = [];
  let several = false;
  for (const r of rows.steps) {
    withStep[r.step] = r.withStep;
    reached[r.step] = r.reached;
    if (r.gaps) gaps[r.step] = r.gaps;
  }
  for (const r of rows.names) {
    const i = r.name;
    events[i] = r.events;
    values[i] = r.value;
    if (i === PURCHASE && r.currency !== null) {
      if (r.currency === 'several') several = true;
      else currencies = [{ currency: r.currency.slice(4), purchases: events[i]!, revenue: values[i]! }];
    }
  }
  for (const r of rows.next) next.push({ name: r.name, count: r.count });
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
  const rows = await store.reads.revenueByCurrency(scope);
  return rows
    .map((r) => ({ ...r }))
    .sort((a, b) => b.revenue - a.revenue || b.purchases - a.purchases || (a.currency < b.currency ? -1 : 1));
}

/** The one currency of a period's purchases, or null (none named, or several). */
export function singleCurrency(list: readonly CurrencyRevenue[]): string | null {
  return list.length === 1 && list[0]!.currency !== '' ? list[0]!.currency : null;
}
