// The first screen under the headline figures: visitors and visits per day, the custom events
// by name, and a note on the bot events left out (so test traffic never vanishes without a word).
import type { EventProperties } from '../report/custom-events';
import type { JourneyReport, TimelineDay } from '../report/types';
import { draw, OKABE_ITO, TOOLTIP, type ChartOption } from './charts';
import { h, replace, type Child } from './dom';
import { count, int, pct } from './format';
import type { Rendered } from './journey-map';
import { card, empty } from './layout';
import { tip } from './tooltips';

const dayLabel = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

function option(days: TimelineDay[]): ChartOption {
  const series = [
    { key: 'visitors', name: 'Visitors', color: OKABE_ITO.blue },
    { key: 'visits', name: 'Visits', color: OKABE_ITO.orange },
  ] as const;
  return {
    grid: { left: 44, right: 16, top: 16, bottom: 28 },
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      formatter: (ps: { dataIndex: number }[]) => {
        const d = days[ps[0]?.dataIndex ?? -1];
        return d
          ? tip(dayLabel(d.day), [
              ['Visitors', int(d.visitors)],
              ['Visits', int(d.visits)],
            ])
          : '';
      },
    },
    xAxis: { type: 'category', boundaryGap: false, data: days.map((d) => dayLabel(d.day)), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eaeef2' } } },
    series: series.map((s) => ({
      type: 'line',
      name: s.name,
      data: days.map((d) => d[s.key]),
      showSymbol: days.length <= 31,
      symbolSize: 5,
      lineStyle: { width: 2, color: s.color },
      itemStyle: { color: s.color },
      areaStyle: s.key === 'visitors' ? { color: s.color, opacity: 0.08 } : undefined,
    })),
  };
}

/** Visitors and visits per day of the period, as a line chart. */
export function timelineSection(report: JourneyReport): Rendered {
  const days = report.timeline;
  const legend = [
    h('span', { class: 'swatch', style: { background: OKABE_ITO.blue } }),
    ' Visitors (distinct people) and ',
    h('span', { class: 'swatch', style: { background: OKABE_ITO.orange } }),
    ' visits (sessions) per day (UTC); a visit counts on the day it starts.',
  ];
  if (!days.some((d) => d.visits > 0))
    return { el: card('timeline', 'Visitors over time', legend, null, empty('No visits in this period.')) };
  const total = days.reduce((n, d) => n + d.visits, 0);
  const chart = h('div', {
    class: 'chart timeline-chart',
    role: 'img',
    'aria-label': `Visits per day: ${int(total)} in ${days.length} days`,
  });
  return { el: card('timeline', 'Visitors over time', legend, null, chart), drawCharts: () => draw(chart, option(days)) };
}

/** The custom events of the period by name, as a ranked table. */
export function customEventsSection(report: JourneyReport, properties?: (name: string) => Promise<EventProperties>): HTMLElement {
  const legend =
    "Events your pages or servers sent by name — cjm.track('signup'), data-cjm-event clicks, outbound links, downloads, forms — how many visitors sent each, and how many of them bought afterwards. Pick an event for its properties (site search: the terms).";
  const detail = h('div', { class: 'event-props', 'aria-live': 'polite' });
  const open = async (name: string) => {
    if (!properties) return;
    replace(detail, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const p = await properties(name);
      replace(
        detail,
        h('h3', null, `${name}: ${count(p.events, 'event')}`),
        p.props.length
          ? p.props.map((k) =>
              h(
                'details',
                { open: true },
                h('summary', null, `${k.key} (${int(k.events)})`),
                h(
                  'ul',
                  null,
                  k.values.map((v) => h('li', null, `${v.value} — ${count(v.events, 'event')}, ${count(v.visitors, 'visitor')}`)),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'No properties.'),
      );
    } catch (err) {
      replace(detail, h('p', null, `Could not load the properties: ${(err as Error).message}`));
    }
  };
  const rows = report.customEvents;
  if (!rows.length) {
    return card(
      'events',
      'Custom events',
      legend,
      null,
      empty('No custom events in this period.', 'Send one with cjm.track(\'signup\') or mark a button with data-cjm-event="signup".'),
    );
  }
  const most = rows[0]!.events || 1;
  return card(
    'events',
    'Custom events',
    legend,
    null,
    h(
      'table',
      { class: 'data custom-events' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Event', 'Events', 'Visitors', 'Share of visitors', 'Bought after'].map((t, i) => h('th', { class: i ? 'num' : null }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            null,
            h(
              'td',
              { class: 'page' },
              h('button', { type: 'button', class: 'link clip', title: r.name, onclick: () => void open(r.name) }, r.name),
            ),
            h(
              'td',
              { class: 'num rate' },
              h(
                'span',
                { class: 'meter inline', 'aria-hidden': 'true' },
                h('span', { style: { width: `${(r.events / most) * 100}%`, background: OKABE_ITO.sky } }),
              ),
              int(r.events),
            ),
            h('td', { class: 'num' }, int(r.visitors)),
            h('td', { class: 'num' }, pct(report.totals.visitors ? r.visitors / report.totals.visitors : null)),
            h(
              'td',
              { class: 'num', title: 'visitors who bought after their first such event' },
              `${int(r.boughtAfter)} (${pct(r.visitors ? r.boughtAfter / r.visitors : null)})`,
            ),
          ),
        ),
      ),
    ),
    detail,
  );
}

/** "N bot events left out", with how to see them and how to send test traffic that counts; null when none. */
export function botNote(report: JourneyReport): Child {
  const n = report.excluded.botEvents;
  if (!n) return null;
  const site = encodeURIComponent(report.site);
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  return h(
    'p',
    { class: 'note bots', role: 'note' },
    h('b', null, `${int(n)} ${n === 1 ? 'event' : 'events'} from bots left out`),
    ' of every figure in this period: their User-Agent is a crawler, a headless browser or an HTTP tool such as curl. ',
    'They are in the export, marked "bot": true: ',
    h('code', null, `GET /api/sites/${site}/events?from=${iso(report.query.from)}&to=${iso(report.query.to)}`),
    ' with the admin token. Test traffic counts when sent from a normal browser, or from a server as an event that names its ',
    h('code', null, 'channel'),
    '.',
  );
}
