// The checkout funnel: a funnel chart of the steps, a table with drop-off and timing, revenue,
// and where the visits that abandoned their cart went next.
import type { Funnel } from '../report/types';
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
            return s ? `${stepLabel(s.step)} · ${int(s.sessions)}` : '';
          },
        },
        data: f.steps.map((s, i) => {
          const color = stepColor(i, n);
          return { name: s.step, value: s.sessions, itemStyle: { color }, label: { color: inkOn(color) } };
        }),
      },
    ],
  };
}

function table(f: Funnel): HTMLElement {
  return h(
    'table',
    { class: 'data' },
    h('thead', null, h('tr', null, ['Step', 'Visits', 'Of start', 'Lost since previous step', 'Median time from previous', 'Value'].map((t, i) => h('th', { class: i ? 'num' : null }, t)))),
    h(
      'tbody',
      null,
      f.steps.map((s) =>
        h(
          'tr',
          null,
          h('td', null, stepLabel(s.step)),
          h('td', { class: 'num' }, int(s.sessions)),
          h('td', { class: 'num' }, pct(s.fromStart)),
          h('td', { class: `num ${s.dropOff !== null && s.dropOff >= 0.5 ? 'bad-text' : ''}` }, pct(s.dropOff)),
          h('td', { class: 'num' }, duration(s.medianMsFromPrevious)),
          h('td', { class: 'num' }, money(s.value)),
        ),
      ),
    ),
  );
}

function facts(f: Funnel): HTMLElement {
  const fact = (label: string, value: string, cls = '') => h('div', { class: `fact ${cls}` }, h('div', { class: 'kpi-label' }, label), h('div', { class: 'kpi-value' }, value));
  return h(
    'div',
    { class: 'facts' },
    fact('Purchases', int(f.purchases)),
    fact('Revenue', money(f.revenue)),
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
    h('p', { class: 'legend' }, 'Visits that added to cart or began checkout without buying: the touchpoint right after their last checkout step. “(left)”: they closed the site.'),
    h(
      'ol',
      { class: 'ranked' },
      f.abandonedNext.map((c) => h('li', null, h('span', { class: 'clip', title: c.name }, c.name), h('span', { class: 'num' }, `${int(c.count)} · ${pct(c.count / total)}`))),
    ),
  );
}

/** The checkout funnel section. */
export function funnelSection(f: Funnel, csv: Child): Rendered {
  const legend = 'Visits at each checkout step, from viewing a product to buying. Drop-off: the share lost since the step before.';
  if (!f.steps.length || f.steps.every((s) => s.sessions === 0)) {
    return { el: card('funnel', 'Checkout funnel', legend, csv, empty('No checkout steps in this period.', 'Mark steps with data-cjm-checkout or send GA4 e-commerce events (view_item … purchase).')) };
  }
  const chart = h('div', { class: 'chart funnel-chart', role: 'img', 'aria-label': f.steps.map((s) => `${stepLabel(s.step)} ${s.sessions}`).join(', ') });
  const el = card('funnel', 'Checkout funnel', legend, csv, facts(f), h('div', { class: 'split' }, chart, h('div', null, table(f), abandonedNext(f))));
  return { el, drawCharts: () => draw(chart, option(f)) };
}
