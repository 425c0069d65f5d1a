// The paths Sankey: the most common sequences of touchpoints from the landing page, or starting
// at / ending at a chosen touchpoint, with the controls that choose it.
import type { PersonPaths } from '../report/person-paths';
import type { JourneyReport, Paths } from '../report/types';
import { channelColor, draw, TOOLTIP, type ChartOption } from './charts';
import { h, type Child } from './dom';
import { int } from './format';
import { card, empty } from './layout';
import type { Rendered } from './journey-map';
import type { Filters, PathMode } from './state';
import { sankeyTip, type SankeyParams } from './tooltips';

export type PathChoice = Pick<Filters, 'pathMode' | 'touchpoint' | 'steps' | 'pathsBy'>;

function option(p: Paths): ChartOption {
  const touchpoint = new Map(p.nodes.map((n) => [n.name, n.touchpoint]));
  const touchpointOf = (name: string) => touchpoint.get(name) ?? name;
  return {
    tooltip: { ...TOOLTIP, formatter: (params: SankeyParams) => sankeyTip(params, touchpointOf) },
    series: [
      {
        type: 'sankey',
        left: 8,
        right: 180,
        top: 8,
        bottom: 8,
        nodeWidth: 14,
        nodeGap: 12,
        draggable: false,
        layoutIterations: 32,
        emphasis: { focus: 'adjacency' },
        data: p.nodes.map((n) => ({
          name: n.name,
          depth: n.step - 1,
          step: n.step,
          touchpoint: n.touchpoint,
          itemStyle: { color: channelColor(n.touchpoint) },
        })),
        links: p.links,
        lineStyle: { color: 'gradient', opacity: 0.3, curveness: 0.5 },
        // A function, not a '{b}' template: the touchpoint is shown exactly as recorded.
        label: {
          fontSize: 12,
          color: '#1b1f24',
          width: 170,
          overflow: 'truncate',
          formatter: (params: { name: string }) => touchpointOf(params.name),
        },
      },
    ],
  };
}

function controls(report: JourneyReport, choice: PathChoice, onChange: (c: PathChoice) => void): HTMLElement {
  const mode = h(
    'select',
    { 'aria-label': 'Which paths' },
    (
      [
        ['landing', 'From the landing page'],
        ['from', 'Starting at…'],
        ['to', 'Ending at…'],
      ] as [PathMode, string][]
    ).map(([v, t]) => h('option', { value: v, selected: v === choice.pathMode }, t)),
  );
  const listId = 'touchpoint-list';
  const names = [...new Set(report.stages.flatMap((s) => s.touchpoints.map((t) => t.touchpoint)))];
  const touchpoint = h('input', {
    type: 'text',
    list: listId,
    placeholder: 'touchpoint, e.g. /cart',
    'aria-label': 'Touchpoint',
    value: choice.touchpoint,
    disabled: choice.pathMode === 'landing',
  });
  const by = h(
    'select',
    { id: 'paths-by', 'aria-label': 'Paths of' },
    h('option', { value: 'visit', selected: choice.pathsBy !== 'person' }, 'per visit'),
    h('option', { value: 'person', selected: choice.pathsBy === 'person' }, 'per person, across visits'),
  );
  const steps = h(
    'select',
    { 'aria-label': 'Steps' },
    [2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => h('option', { value: String(n), selected: n === choice.steps }, `${n} steps`)),
  );
  mode.addEventListener('change', () => {
    touchpoint.disabled = mode.value === 'landing';
    if (!touchpoint.disabled) touchpoint.focus();
  });
  return h(
    'form',
    {
      class: 'inline-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const m = mode.value as PathMode;
        const tp = touchpoint.value.trim();
        onChange({
          pathMode: m !== 'landing' && !tp ? 'landing' : m,
          touchpoint: m === 'landing' ? '' : tp,
          steps: Number(steps.value),
          pathsBy: by.value === 'person' ? 'person' : 'visit',
        });
      },
    },
    mode,
    touchpoint,
    h(
      'datalist',
      { id: listId },
      names.map((n) => h('option', { value: n })),
    ),
    steps,
    by,
    h('button', { type: 'submit', class: 'secondary' }, 'Show paths'),
  );
}

/**
 * The paths section: per visit (the report's paths), or per person across visits when `people`
 * (report/person-paths.ts) is given, its visit boundaries drawn as "(next visit)" steps.
 */
export function pathsSection(
  report: JourneyReport,
  choice: PathChoice,
  onChange: (c: PathChoice) => void,
  csv: Child,
  people?: PersonPaths,
): Rendered {
  const p: Paths = people ? { ...people, sequences: people.sequences.map((s) => ({ steps: s.steps, sessions: s.people })) } : report.paths;
  const who = people ? 'people' : 'visits';
  const legend =
    (p.from
      ? `The most common ways ${who} went on from “${p.from}”, up to ${p.steps} steps. Band width: number of ${who}.`
      : p.to
        ? `The most common ways ${who} arrived at “${p.to}”, up to ${p.steps} steps. Band width: number of ${who}.`
        : `The most common ways ${who} went from their landing page, up to ${p.steps} steps. Band width: number of ${who}.`) +
    (people ? ` Each person’s visits of the period in order, “${people.visitBoundary}” where a new visit starts.` : '');
  const form = controls(report, choice, onChange);
  if (!p.links.length) {
    return {
      el: card(
        'paths',
        'Paths through the site',
        legend,
        csv,
        form,
        empty('No paths with more than one step for this choice.', 'Try another touchpoint or a longer period.'),
      ),
    };
  }
  const perStep = new Map<number, number>();
  for (const n of p.nodes) perStep.set(n.step, (perStep.get(n.step) ?? 0) + 1);
  const height = Math.max(300, Math.min(900, Math.max(...perStep.values()) * 46));
  const chart = h('div', {
    class: 'chart sankey-chart',
    style: { height: `${height}px` },
    role: 'img',
    'aria-label': `Paths: ${p.sequences.map((s) => `${s.steps.join(' → ')} (${int(s.sessions)})`).join('; ')}`,
  });
  return { el: card('paths', 'Paths through the site', legend, csv, form, chart), drawCharts: () => draw(chart, option(p)) };
}
