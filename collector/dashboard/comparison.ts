// The period comparison: every headline figure and the stage figures now and in the previous
// period of equal length, with the change.
import type { Delta, JourneyReport, Totals } from '../report/types';
import { h, type Child } from './dom';
import { deltaBadge, format, type Kind } from './format';
import { stageLabel } from './labels';
import { card } from './layout';

const dateFmt = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', year: 'numeric' });
/** "1 Nov 2026 – 30 Nov 2026" for [from, to). */
export const periodText = (from: number, to: number): string => `${dateFmt.format(from)} – ${dateFmt.format(to - 1)}`;

const TOTALS: [keyof Totals, string, Kind, boolean][] = [
  ['visitors', 'Visitors', 'count', true],
  ['sessions', 'Visits', 'count', true],
  ['pageviews', 'Page views', 'count', true],
  ['bounceRate', 'Bounce rate', 'rate', false],
  ['purchases', 'Purchases', 'count', true],
  ['revenue', 'Revenue', 'money', true],
  ['conversionRate', 'Conversion rate', 'rate', true],
  ['touchpointsPerPurchase', 'Touchpoints per purchase', 'ratio', false],
  ['medianVisitsToPurchase', 'Visits before buying', 'ratio', false],
];

function line(label: string, d: Delta | undefined, kind: Kind, up: boolean): HTMLElement {
  return h(
    'tr',
    null,
    h('td', null, label),
    h('td', { class: 'num' }, format(kind, d?.current)),
    h('td', { class: 'num muted' }, format(kind, d?.previous)),
    h('td', { class: 'num' }, deltaBadge(d, kind, up) ?? '—'),
  );
}

/** The comparison section (shown when the comparison toggle is on). */
export function comparisonSection(report: JourneyReport, csv: Child): HTMLElement {
  const c = report.comparison;
  const head = h('thead', null, h('tr', null, h('th', null, 'Figure'), h('th', { class: 'num' }, 'This period'), h('th', { class: 'num' }, 'Previous'), h('th', { class: 'num' }, 'Change')));
  const stageRows = c.stages.flatMap((s) => [
    h('tr', { class: 'group' }, h('th', { colspan: '4' }, stageLabel(s.stage))),
    line('Visitors', s.visitors, 'count', true),
    line('Go on to next stage', s.conversion, 'rate', true),
    line('Bounce rate', s.bounceRate, 'rate', false),
    line('Feedback score', s.feedbackMean, 'score', true),
    line('Frustration', s.frustration, 'rate', false),
  ]);
  return card(
    'comparison',
    'Compared with the previous period',
    `${periodText(report.query.from, report.query.to)} against ${periodText(c.from, c.to)}, same filters. ▲▼ show the change: blue is better, red is worse; rates change in percentage points (pts).`,
    csv,
    h(
      'div',
      { class: 'split even' },
      h('table', { class: 'data' }, head, h('tbody', null, TOTALS.map(([k, label, kind, up]) => line(label, c.totals[k], kind, up)))),
      h('table', { class: 'data' }, head.cloneNode(true), h('tbody', null, stageRows)),
    ),
  );
}
