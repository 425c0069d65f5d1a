// Two segments side by side (report/segments.ts; docs/report.md "Segments"): pick two values of
// the filter dimensions (channel email against channel paid social, a campaign against another,
// mobile against desktop) and see their journey summaries as two columns. Names are text.
import type { SegmentSummary } from '../report/segments';
import type { JourneyReport } from '../report/types';
import { h, replace, type Child } from './dom';
import { int, money, pct } from './format';
import { stageLabel } from './labels';
import { card } from './layout';

/** The dimension lists of the report, as [segment key, list key, label]. */
const KEYS: [string, keyof JourneyReport['dimensions'], string][] = [
  ['channel', 'channels', 'Channel'],
  ['campaign', 'campaigns', 'Campaign'],
  ['source', 'sources', 'Source'],
  ['medium', 'mediums', 'Medium'],
  ['device', 'devices', 'Device'],
  ['country', 'countries', 'Country'],
  ['persona', 'personas', 'Persona'],
];

function picker(id: string, report: JourneyReport, preset: number): HTMLSelectElement {
  const options = KEYS.flatMap(([key, list, label]) =>
    (report.dimensions[list] ?? []).map((v) => ({ value: `${key}:${v}`, text: `${label}: ${v}` })),
  );
  return h(
    'select',
    { id, 'aria-label': id === 'segment-a' ? 'First segment' : 'Second segment' },
    options.map((o, i) => h('option', { value: o.value, selected: i === preset }, o.text)),
  );
}

function table(a: SegmentSummary, b: SegmentSummary): HTMLElement {
  const row = (label: string, x: string, y: string) =>
    h('tr', null, h('th', { scope: 'row' }, label), h('td', { class: 'num' }, x), h('td', { class: 'num' }, y));
  return h(
    'table',
    { class: 'data segments' },
    h('thead', null, h('tr', null, h('th', null, ''), h('th', { class: 'num' }, a.label), h('th', { class: 'num' }, b.label))),
    h(
      'tbody',
      null,
      row('People', int(a.visitors), int(b.visitors)),
      row('Visits', int(a.sessions), int(b.sessions)),
      row('Purchases', int(a.purchases), int(b.purchases)),
      row('Revenue', money(a.revenue), money(b.revenue)),
      row('Conversion (visits with a purchase)', pct(a.conversionRate), pct(b.conversionRate)),
      a.stages.flatMap((s, i) => {
        const t = b.stages[i]!;
        return [
          row(`${stageLabel(s.stage)}: reach`, pct(s.reach), pct(t.reach)),
          row(`${stageLabel(s.stage)}: entered here`, int(s.entered), int(t.entered)),
          row(`${stageLabel(s.stage)}: completion`, pct(s.completion), pct(t.completion)),
        ];
      }),
    ),
  );
}

/**
 * The segments card; `load(a, b)` fetches the two summaries. Two different values are preset
 * (the first two listed), compared on a click.
 */
export function segmentsSection(
  report: JourneyReport,
  csv: (a: string, b: string) => void,
  load: (a: string, b: string) => Promise<SegmentSummary[]>,
): HTMLElement {
  const legend =
    'Two segments of the same period side by side: the journey map’s figures for each (reach, people who entered the journey at a stage, completion), with visits, purchases and revenue.';
  const a = picker('segment-a', report, 0);
  const b = picker('segment-b', report, 1);
  const out = h('div', { class: 'segments-out', 'aria-live': 'polite' });
  const run = async () => {
    replace(out, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const [x, y] = await load(a.value, b.value);
      replace(out, table(x!, y!));
    } catch (err) {
      replace(out, h('p', null, `Could not compare: ${(err as Error).message}`));
    }
  };
  const go = h('button', { type: 'button', id: 'segments-compare', onclick: () => void run() }, 'Compare');
  const download = h(
    'button',
    { type: 'button', class: 'secondary csv', 'data-table': 'segments', onclick: () => csv(a.value, b.value) },
    'Download CSV',
  );
  const controls: Child = h('div', { class: 'segment-pickers' }, a, h('span', null, ' against '), b, go);
  return card('segments', 'Two segments side by side', legend, download, controls, out);
}
