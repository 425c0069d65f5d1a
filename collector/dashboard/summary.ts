// The headline figures of the period (totals), with their change when comparing periods.
import type { JourneyReport, Totals } from '../report/types';
import { h } from './dom';
import { deltaBadge, format, type Kind } from './format';
import { revenueText } from './funnel';

const FIGURES: { key: keyof Totals; label: string; kind: Kind; up: boolean; hint: string }[] = [
  { key: 'visitors', label: 'Visitors', kind: 'count', up: true, hint: 'distinct people' },
  { key: 'sessions', label: 'Visits', kind: 'count', up: true, hint: 'sessions' },
  { key: 'pageviews', label: 'Page views', kind: 'count', up: true, hint: 'pages seen' },
  { key: 'bounceRate', label: 'Bounce rate', kind: 'rate', up: false, hint: 'visits that left at once' },
  { key: 'purchases', label: 'Purchases', kind: 'count', up: true, hint: 'orders' },
  { key: 'revenue', label: 'Revenue', kind: 'money', up: true, hint: 'sum of purchase values' },
  { key: 'conversionRate', label: 'Conversion rate', kind: 'rate', up: true, hint: 'visits with a purchase' },
  { key: 'touchpointsPerPurchase', label: 'Touchpoints per purchase', kind: 'ratio', up: false, hint: 'fewer: a simpler path' },
  { key: 'medianVisitsToPurchase', label: 'Visits before buying', kind: 'ratio', up: false, hint: 'median, up to the first purchase' },
];

/** The row of headline figures. */
export function summary(report: JourneyReport, compare: boolean): HTMLElement {
  // Revenue in its currency; several currencies are shown each on its own, not added up.
  const several = report.funnel.revenueByCurrency.length > 1;
  const hint = (f: (typeof FIGURES)[number]) => (f.key === 'revenue' && several ? 'several currencies, not added up' : f.hint);
  return h(
    'section',
    { class: 'kpis', 'aria-label': 'Headline figures' },
    FIGURES.map((f) =>
      h(
        'div',
        { class: 'kpi', 'data-kpi': f.key },
        h('div', { class: 'kpi-label' }, f.label),
        h(
          'div',
          { class: `kpi-value${f.key === 'revenue' ? ' revenue' : ''}` },
          f.key === 'revenue' ? revenueText(report.funnel.revenueByCurrency, report.totals.revenue) : format(f.kind, report.totals[f.key]),
        ),
        h(
          'div',
          { class: 'kpi-hint' },
          compare && !(f.key === 'revenue' && several) ? (deltaBadge(report.comparison.totals[f.key], f.kind, f.up) ?? hint(f)) : hint(f),
        ),
      ),
    ),
  );
}
