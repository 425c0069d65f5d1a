// Stages over time (report/over-time.ts; docs/report.md "overTime"): each stage's reach per day
// (per week over 90 days) as lines on a 0–100 % axis, with visits and purchases on a count axis,
// and the same figures as a table under it (the chart's text alternative).
import type { JourneyReport } from '../report/types';
import type { OverTimeBucket } from '../report/over-time';
import { draw, OKABE_ITO, stageColor, TOOLTIP, type ChartOption } from './charts';
import { h, type Child } from './dom';
import { int, pct } from './format';
import type { Rendered } from './journey-map';
import { stageLabel } from './labels';
import { card, empty } from './layout';
import { tip } from './tooltips';

const label = (start: string, unit: 'day' | 'week') =>
  `${unit === 'week' ? 'Week of ' : ''}${new Date(`${start}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })}`;

function option(buckets: OverTimeBucket[], unit: 'day' | 'week', stages: readonly string[]): ChartOption {
  const n = stages.length;
  return {
    grid: { left: 48, right: 48, top: 16, bottom: 28 },
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      formatter: (ps: { dataIndex: number }[]) => {
        const b = buckets[ps[0]?.dataIndex ?? -1];
        if (!b) return '';
        return tip(label(b.start, unit), [
          ['Visits', int(b.visits)],
          ['Purchases', int(b.purchases)],
          ...b.stages.map((s): [string, string] => [
            `Reach ${stageLabel(s.stage)}`,
            `${pct(s.reach)} (${int(s.reachedOrLater)} of ${int(b.people)})`,
          ]),
        ]);
      },
    },
    xAxis: { type: 'category', data: buckets.map((b) => label(b.start, unit)), axisLabel: { hideOverlap: true } },
    yAxis: [
      {
        type: 'value',
        min: 0,
        max: 1,
        axisLabel: { formatter: (v: number) => `${Math.round(v * 100)} %` },
        splitLine: { lineStyle: { color: '#eaeef2' } },
      },
      { type: 'value', minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      ...stages.map((stage, i) => ({
        type: 'line',
        name: stage,
        data: buckets.map((b) => b.stages[i]?.reach ?? null),
        connectNulls: false,
        showSymbol: buckets.length <= 31,
        symbolSize: 4,
        lineStyle: { width: 2, color: stageColor(i, n) },
        itemStyle: { color: stageColor(i, n) },
      })),
      {
        type: 'line',
        name: 'Visits',
        yAxisIndex: 1,
        data: buckets.map((b) => b.visits),
        showSymbol: false,
        lineStyle: { width: 1, type: 'dashed', color: OKABE_ITO.orange },
        itemStyle: { color: OKABE_ITO.orange },
      },
      {
        type: 'line',
        name: 'Purchases',
        yAxisIndex: 1,
        data: buckets.map((b) => b.purchases),
        showSymbol: false,
        lineStyle: { width: 1, type: 'dotted', color: OKABE_ITO.vermillion },
        itemStyle: { color: OKABE_ITO.vermillion },
      },
    ],
  };
}

/** The "Stages over time" card: the chart and, folded, its table. */
export function overTimeSection(report: JourneyReport, csv: Child): Rendered {
  const { unit, buckets } = report.overTime;
  const stages = report.stageNames;
  const per = unit === 'week' ? 'week (Monday–Sunday, UTC)' : 'day (UTC)';
  const legend: Child[] = [
    `Each stage’s reach per ${per}: of the people who reached any stage that ${unit}, the share who got to this stage or further. `,
    ...stages.map((s, i) =>
      h(
        'span',
        { class: 'legend-item' },
        h('span', { class: 'swatch', style: { background: stageColor(i, stages.length) } }),
        ` ${stageLabel(s)} `,
      ),
    ),
    h('span', { class: 'legend-item' }, h('span', { class: 'swatch', style: { background: OKABE_ITO.orange } }), ' visits (dashed), '),
    h(
      'span',
      { class: 'legend-item' },
      h('span', { class: 'swatch', style: { background: OKABE_ITO.vermillion } }),
      ' purchases (dotted), right axis.',
    ),
  ];
  if (!buckets.some((b) => b.people > 0 || b.visits > 0))
    return { el: card('over-time', 'Stages over time', legend, csv, empty('No visits in this period.')) };
  const chart = h('div', {
    class: 'chart over-time-chart',
    role: 'img',
    'aria-label': `Reach per stage per ${unit}, ${buckets.length} ${unit}s`,
  });
  const table = h(
    'details',
    null,
    h('summary', null, `As a table (${buckets.length} ${unit}s)`),
    h(
      'table',
      { class: 'data over-time' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, unit === 'week' ? 'Week of' : 'Day'),
          ['Visitors', 'Visits', 'Purchases', 'People'].map((t) => h('th', { class: 'num' }, t)),
          stages.map((s) => h('th', { class: 'num' }, stageLabel(s))),
        ),
      ),
      h(
        'tbody',
        null,
        buckets.map((b) =>
          h(
            'tr',
            null,
            h('td', null, b.start),
            [b.visitors, b.visits, b.purchases, b.people].map((x) => h('td', { class: 'num' }, int(x))),
            b.stages.map((s) =>
              h('td', { class: 'num', title: `${int(s.reached)} reached it, ${int(s.reachedOrLater)} it or further` }, pct(s.reach)),
            ),
          ),
        ),
      ),
    ),
  );
  return {
    el: card('over-time', 'Stages over time', legend, csv, chart, table),
    drawCharts: () => draw(chart, option(buckets, unit, stages)),
  };
}
