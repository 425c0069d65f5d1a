// The period comparison: every headline figure and the stage figures now and in the previous
// period of equal length, with the change.
import type { Delta, JourneyReport, Totals } from '../report/types';
import { h, type Child } from './dom';
import { deltaBadge, format, type Kind } from './format';
import { stageLabel } from './labels';
import { card } from './layout';

type StageDeltas = JourneyReport['comparison']['stages'][number];

const dateFmt = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', year: 'numeric' });
/** "Nov 1, 2026 – Nov 30, 2026" for [from, to). */
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
  const head = h(
    'thead',
    null,
    h(
      'tr',
      null,
      h('th', null, 'Figure'),
      h('th', { class: 'num' }, 'This period'),
      h('th', { class: 'num' }, 'Previous'),
      h('th', { class: 'num' }, 'Change'),
    ),
  );
  const STAGE_FIGURES: [Exclude<keyof StageDeltas, 'stage'>, string, Kind, boolean][] = [
    ['visitors', 'Visitors', 'count', true],
    ['reach', 'Reach (this stage or later)', 'rate', true],
    ['completion', 'Completion', 'rate', true],
    ['bounceRate', 'Bounce rate', 'rate', false],
    ['feedbackMean', 'Feedback score', 'score', true],
    ['frustration', 'Frustration', 'rate', false],
  ];
  // Stages as columns, like the map: each cell is the figure now, its change, and before.
  const stageTable = h(
    'table',
    { class: 'data by-stage' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, 'By stage'),
        c.stages.map((st) => h('th', { class: 'num' }, stageLabel(st.stage))),
      ),
    ),
    h(
      'tbody',
      null,
      STAGE_FIGURES.map(([key, label, kind, up]) =>
        h(
          'tr',
          null,
          h('td', null, label),
          c.stages.map((st) =>
            h(
              'td',
              { class: 'num' },
              h('div', null, format(kind, st[key].current)),
              h(
                'div',
                { class: 'was' },
                deltaBadge(st[key], kind, up),
                st[key].previous === null ? null : ` was ${format(kind, st[key].previous)}`,
              ),
            ),
          ),
        ),
      ),
    ),
  );
  return card(
    'comparison',
    'Compared with the previous period',
    `${periodText(report.query.from, report.query.to)} against ${periodText(c.from, c.to)}, same filters. ▲▼ show the change: blue is better, red is worse; rates change in percentage points (pts).`,
    csv,
    h(
      'div',
      { class: 'split compare' },
      h(
        'table',
        { class: 'data' },
        head,
        h(
          'tbody',
          null,
          TOTALS.map(([k, label, kind, up]) => line(label, c.totals[k], kind, up)),
        ),
      ),
      stageTable,
    ),
  );
}
