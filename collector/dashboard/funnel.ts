// The checkout funnel: a funnel chart of the steps (visits or people, switchable), a table with
// drop-off and timing, revenue per currency, and where the visits that abandoned their cart went next.
import type { CurrencyRevenue, Funnel, FunnelUnit } from '../report/types';
import { draw, inkOn, TOOLTIP, type ChartOption } from './charts';
import { h, type Child } from './dom';
import { duration, int, money, pct } from './format';
import { stepLabel } from './labels';
import { card, empty } from './layout';
import type { Rendered } from './journey-map';
import { funnelTip } from './tooltips';

// Blues from dark to light (sequential, colour-blind safe).
const BLUES = ['#08306b', '#08519c', '#2171b5', '#4292c6', '#6baed6', '#9ecae1', '#c6dbef'];
const stepColor = (i: number, n: number) => BLUES[n <= 1 ? 0 : Math.round((i / (n - 1)) * (BLUES.length - 2))]!;

function option(f: Funnel): ChartOption {
  const n = f.steps.length;
  return {
    tooltip: {
      ...TOOLTIP,
      formatter: (p: { dataIndex: number; color?: unknown }) => {
        const step = f.steps[p.dataIndex];
        return step ? funnelTip(step, typeof p.color === 'string' ? p.color : undefined) : '';
      },
    },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        left: 8,
        right: 8,
        top: 8,
        bottom: 8,
        minSize: '22%',
        gap: 3,
        label: {
          position: 'inside',
          fontSize: 13,
          formatter: (p: { dataIndex: number }) => {
            const s = f.steps[p.dataIndex];
            return s ? `${stepLabel(s.step)} · ${int(s.reached)}` : '';
          },
        },
        data: f.steps.map((s, i) => {
          const color = stepColor(i, n);
          return { name: s.step, value: s.reached, itemStyle: { color }, label: { color: inkOn(color) } };
        }),
      },
    ],
  };
}

/** "Visits" or "People": what the funnel counts. */
export const unitLabel = (by: FunnelUnit): string => (by === 'people' ? 'People' : 'Visits');

function table(f: Funnel): HTMLElement {
  const heads = [
    'Step',
    `${unitLabel(f.by)} at this step or later`,
    'Of start',
    'Lost since previous step',
    'Median time from previous',
    'Value',
  ];
  return h(
    'table',
    { class: 'data' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        heads.map((t, i) => h('th', { class: i ? 'num' : null }, t)),
      ),
    ),
    h(
      'tbody',
      null,
      f.steps.map((s) =>
        h(
          'tr',
          null,
          h('td', null, stepLabel(s.step)),
          h('td', { class: 'num', title: `${int(s.withStep)} with this step itself` }, int(s.reached)),
          h('td', { class: 'num' }, pct(s.fromStart)),
          h(
            'td',
            { class: `num ${s.dropOff !== null && s.dropOff >= 0.5 ? 'bad-text' : ''}` },
            s.lost === null ? pct(null) : `${int(s.lost)} · ${pct(s.dropOff)}`,
          ),
          h('td', { class: 'num' }, duration(s.medianMsFromPrevious)),
          h('td', { class: 'num' }, money(s.value)),
        ),
      ),
    ),
  );
}

/** Revenue with its currency ("EUR 129.00"); several currencies each on their own, never added up. */
export function revenueText(list: readonly CurrencyRevenue[], total: number): string {
  if (!list.length) return money(total);
  return list.map((c) => (c.currency ? `${c.currency} ${money(c.revenue)}` : money(c.revenue))).join(' · ');
}

function facts(f: Funnel): HTMLElement {
  const fact = (label: string, value: string, cls = '') =>
    h('div', { class: `fact ${cls}` }, h('div', { class: 'kpi-label' }, label), h('div', { class: 'kpi-value' }, value));
  const several = f.revenueByCurrency.length > 1;
  return h(
    'div',
    { class: 'facts' },
    fact('Purchases', int(f.purchases)),
    fact(several ? 'Revenue (several currencies, not added up)' : 'Revenue', revenueText(f.revenueByCurrency, f.revenue), 'revenue'),
    fact('Refunds', `${int(f.refunds)} · ${money(f.refunded)}`),
    fact('Abandoned carts', int(f.abandoned), f.abandoned ? 'bad-text' : ''),
  );
}

function abandonedNext(f: Funnel): Child {
  if (!f.abandoned) return null;
  const total = f.abandonedNext.reduce((sum, c) => sum + c.count, 0) || 1;
  return h(
    'div',
    { class: 'abandoned' },
    h('h3', null, 'Where abandoners went next'),
    h(
      'p',
      { class: 'legend' },
      'Visits that added to cart or began checkout without buying: the touchpoint right after their last checkout step. “(left)”: they closed the site.',
    ),
    h(
      'ol',
      { class: 'ranked' },
      f.abandonedNext.map((c) =>
        h(
          'li',
          null,
          h('span', { class: 'clip', title: c.name }, c.name),
          h('span', { class: 'num' }, `${int(c.count)} · ${pct(c.count / total)}`),
        ),
      ),
    ),
  );
}

/** Visits / People: the switch of what the funnel counts. */
function unitSwitch(by: FunnelUnit, onUnit: (by: FunnelUnit) => void): HTMLElement {
  return h(
    'div',
    { class: 'switch', role: 'group', 'aria-label': 'Count the funnel by' },
    (['visits', 'people'] as const).map((u) =>
      h(
        'button',
        {
          type: 'button',
          class: `secondary${u === by ? ' on' : ''}`,
          'aria-pressed': String(u === by),
          'data-funnel-by': u,
          onclick: () => u !== by && onUnit(u),
        },
        unitLabel(u),
      ),
    ),
  );
}

/** The checkout funnel section; `onUnit` switches between visits and people. */
export function funnelSection(f: Funnel, csv: Child, onUnit: (by: FunnelUnit) => void = () => {}): Rendered {
  const unit = f.by === 'people' ? 'people' : 'visits';
  const legend = `${unitLabel(f.by)} at each checkout step, from viewing a product to buying. A step counts the ${unit} that reached it or any later step, so the funnel never widens: one that skipped a step still got past it. A step repeated counts once. Lost: those who got no further than the step before.`;
  const actions = [unitSwitch(f.by, onUnit), csv];
  if (!f.steps.length || f.steps.every((s) => s.reached === 0)) {
    return {
      el: card(
        'funnel',
        'Checkout funnel',
        legend,
        actions,
        empty(
          'No checkout steps in this period.',
          'Mark steps with data-cjm-checkout or send GA4 e-commerce events (view_item … purchase).',
        ),
      ),
    };
  }
  const chart = h('div', {
    class: 'chart funnel-chart',
    role: 'img',
    'aria-label': f.steps.map((s) => `${stepLabel(s.step)} ${s.reached}`).join(', '),
  });
  const el = card(
    'funnel',
    'Checkout funnel',
    legend,
    actions,
    facts(f),
    h('div', { class: 'split' }, chart, h('div', null, table(f), abandonedNext(f))),
  );
  return { el, drawCharts: () => draw(chart, option(f)) };
}
