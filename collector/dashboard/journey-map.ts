// The journey map as a picture: one column per stage, in the site's order, and one row per
// element of a hand-drawn map (reach and entry, where people are now, time, completion, touchpoints, channels, bounce, emotion
// — feedback, survey score and frustration, each on its own scale, with the comments behind them —, pain points, targets). Each row header carries a one-line definition of its figure.
import { BOUNCE_ENGAGED_MS } from '../metrics';
import type { JourneyReport, StageReport, TargetCheck } from '../report/types';
import type { StageVoice } from '../report/voice';
import { BAD, GOOD, OKABE_ITO, channelColor, draw, stageColor, TOOLTIP, type ChartOption } from './charts';
import { h, type Child } from './dom';
import { count, DASH, deltaBadge, duration, format, int, pct } from './format';
import { COMPLETION_DEFINITIONS, completionText, METRICS, painLabel, stageLabel } from './labels';
import { emotionTip } from './tooltips';

/** A rendered section: its element, and the charts to draw once it is in the document. */
export interface Rendered {
  el: HTMLElement;
  drawCharts?: () => void;
}

type StageDeltas = JourneyReport['comparison']['stages'][number];

interface Row {
  key: string;
  title: string;
  legend: Child | Child[];
  cell: (s: StageReport, i: number) => Child | Child[];
}

/** Shows a long touchpoint in full on hover while the cell truncates it. */
const clip = (text: string, cls = 'clip'): HTMLElement => h('span', { class: cls, title: text }, text);

function swatch(color: string, cls = 'swatch'): HTMLElement {
  return h('span', { class: cls, style: { background: color } });
}

function bar(share: number | null, color: string, label: string): HTMLElement {
  const width = `${Math.max(0, Math.min(1, share ?? 0)) * 100}%`;
  return h('div', { class: 'meter', role: 'img', 'aria-label': label }, h('span', { style: { width, background: color } }));
}

function touchpointsCell(s: StageReport): Child {
  if (!s.touchpoints.length) return h('p', { class: 'muted' }, 'No touchpoints');
  return h(
    'ol',
    { class: 'touchpoints' },
    s.touchpoints.slice(0, 6).map((t) =>
      h(
        'li',
        null,
        h('div', { class: 'tp-line' }, clip(t.touchpoint), h('span', { class: 'num' }, int(t.sessions))),
        h(
          'div',
          { class: 'chips' },
          t.channels.slice(0, 2).map((c) => h('span', { class: 'chip' }, swatch(channelColor(c.name), 'dot'), c.name)),
        ),
        // The campaign that brought the most people to it (text only: a campaign name is visitor-supplied).
        t.topCampaign
          ? h(
              'div',
              {
                class: 'tp-campaign muted',
                title: `Top campaign: ${t.topCampaign.name}: ${t.topCampaign.visitors} people, ${pct(t.topCampaign.share)} of the visits here`,
              },
              'Campaign ',
              clip(t.topCampaign.name),
              ` ${pct(t.topCampaign.share)}`,
            )
          : null,
      ),
    ),
  );
}

function channelCell(s: StageReport): Child[] {
  if (!s.channels.length) return [h('p', { class: 'muted' }, 'No visits')];
  const stack = h(
    'div',
    { class: 'stack', role: 'img', 'aria-label': s.channels.map((c) => `${c.name} ${pct(c.share)}`).join(', ') },
    s.channels.map((c) =>
      h('span', { title: `${c.name}: ${pct(c.share)}`, style: { width: `${c.share * 100}%`, background: channelColor(c.name) } }),
    ),
  );
  const top = s.channels
    .slice(0, 3)
    .map((c) => h('li', null, swatch(channelColor(c.name), 'dot'), clip(c.name), h('span', { class: 'num' }, pct(c.share))));
  return [stack, h('ul', { class: 'channel-list' }, top)];
}

function painCell(s: StageReport): Child {
  if (!s.painPoints.total) return h('p', { class: 'good-text' }, 'None recorded');
  return h(
    'div',
    null,
    h('div', { class: 'big small' }, int(s.painPoints.total), h('span', { class: 'unit' }, ' problems')),
    h(
      'ul',
      { class: 'pains' },
      s.painPoints.byKind.map((k) =>
        h(
          'li',
          null,
          h('div', { class: 'tp-line' }, h('b', null, painLabel(k.kind)), h('span', { class: 'num' }, int(k.count))),
          k.worstPages
            .slice(0, 2)
            .map((p) => h('div', { class: 'tp-line worst' }, clip(p.name), h('span', { class: 'num' }, int(p.count)))),
        ),
      ),
    ),
  );
}

function targetLine(t: TargetCheck): HTMLElement {
  const m = METRICS[t.metric] ?? { label: t.metric, kind: 'ratio' as const, higherIsBetter: true };
  const bound = t.min !== undefined ? `≥ ${format(m.kind, t.min)}` : t.max !== undefined ? `≤ ${format(m.kind, t.max)}` : '';
  let gap = '';
  if (!t.met && t.gap !== null) {
    const size = m.kind === 'rate' ? `${(Math.abs(t.gap) * 100).toFixed(1)} pts` : format(m.kind, Math.abs(t.gap));
    gap = t.gap < 0 ? `${size} short` : `${size} over`;
  }
  return h(
    'li',
    { class: t.met ? 'met' : t.measured === null ? 'unmeasured' : 'missed' },
    h('span', { class: 'mark', 'aria-hidden': 'true' }, t.met ? '✔' : t.measured === null ? '?' : '✖'),
    h(
      'div',
      null,
      h('div', null, `${m.label} ${bound}`),
      h(
        'div',
        { class: 'target-measured' },
        'measured ',
        h('b', null, t.measured === null ? 'no data' : format(m.kind, t.measured)),
        gap ? h('span', { class: 'gap' }, ` · ${gap}`) : null,
      ),
    ),
  );
}

function rows(report: JourneyReport, deltas: Map<string, StageDeltas> | null): Row[] {
  const names = report.stageNames;
  const badge = (s: StageReport, k: 'visitors' | 'reach' | 'completion' | 'bounceRate', kind: 'count' | 'rate', up: boolean) =>
    deltas ? deltaBadge(deltas.get(s.stage)?.[k], kind, up) : null;
  const now = new Map(report.currentStages.map((c) => [c.stage, c]));
  const out: Row[] = [
    {
      key: 'visitors',
      title: 'Visitors',
      legend:
        'People with at least one event in this stage. Bar: reach — the share of everyone in the journey who got this far (this stage or a later one). Entered here: people whose first visit in the period started in this stage.',
      cell: (s, i) => [
        h('div', { class: 'big' }, int(s.visitors)),
        h('div', { class: 'sub' }, count(s.sessions, 'visit'), ' ', badge(s, 'visitors', 'count', true)),
        bar(s.reach, stageColor(i, names.length), `reach ${pct(s.reach)}`),
        h(
          'div',
          { class: 'sub', title: `${int(s.reachedOrLater)} people reached ${stageLabel(s.stage)} or a later stage` },
          `reach ${pct(s.reach)}`,
          ' ',
          badge(s, 'reach', 'rate', true),
        ),
        h('div', { class: 'sub entered' }, `entered here: ${int(s.entered)} (${pct(s.enteredShare)})`),
      ],
    },
    {
      key: 'now',
      title: 'Where people are now',
      legend: 'The people of this period by the furthest stage they have ever reached (their current stage).',
      cell: (s) => {
        const c = now.get(s.stage);
        return [h('div', { class: 'mid' }, int(c?.visitors ?? 0)), h('div', { class: 'sub' }, `${pct(c?.share ?? null)} of people`)];
      },
    },
    {
      key: 'time',
      title: 'Time to get here',
      legend: 'Median time from a visitor’s first visit ever until they reached this stage.',
      cell: (s) => h('div', { class: 'mid' }, s.medianTimeToReachMs === 0 ? 'first visit' : duration(s.medianTimeToReachMs)),
    },
    {
      key: 'conversion',
      title: 'Completion',
      legend:
        'Of this stage’s visitors, the share who completed it — what that means is written under each figure: went on to a later stage, bought (decision), bought again or came back (retention), referred someone (advocacy). The rest dropped off here.',
      cell: (s, i) => {
        const meaning = completionText(s.completionMeans, names[i + 1]);
        if (s.completionMeans === null) return h('p', { class: 'muted' }, 'Last stage');
        if (s.completion === null) return h('p', { class: 'muted' }, DASH);
        return [
          h('div', { class: 'big', title: `${stageLabel(s.stage)}: ${pct(s.completion)} ${meaning}` }, pct(s.completion)),
          h(
            'div',
            { class: 'sub meaning', title: COMPLETION_DEFINITIONS[s.completionMeans] },
            meaning,
            ' ',
            badge(s, 'completion', 'rate', true),
          ),
          h('div', { class: 'sub' }, `${int(s.completed)} of ${count(s.visitors, 'person', 'people')}`),
          h('div', { class: 'sub bad-text' }, `${pct(s.dropOff)} drop off`),
        ];
      },
    },
    {
      key: 'touchpoints',
      title: 'Top touchpoints',
      legend:
        'Pages and actions used most in this stage, with their visits, the channels those visits came from and the campaign that brought the most people there (its share of them).',
      cell: (s) => touchpointsCell(s),
    },
    {
      key: 'channels',
      title: 'Channel mix',
      legend: 'Where this stage’s visits came from (search, social, email, direct…).',
      cell: (s) => channelCell(s),
    },
    {
      key: 'bounce',
      title: 'Bounce rate',
      legend: `Of the visits that started in this stage: one page, under ${BOUNCE_ENGAGED_MS / 1000} s engaged, no click or action.`,
      cell: (s) =>
        s.bounceRate === null
          ? h('p', { class: 'muted' }, 'No visits started here')
          : [
              h('div', { class: 'big' }, pct(s.bounceRate)),
              h(
                'div',
                { class: 'sub' },
                `${int(s.bounces)} of ${count(s.landingSessions, 'visit')}`,
                ' ',
                badge(s, 'bounceRate', 'rate', false),
              ),
            ],
    },
    {
      key: 'emotion',
      title: 'Emotion',
      // One band per line, top to bottom, each on its own labelled scale (see emotionOption).
      legend: [
        h('span', { class: 'key' }, swatch(GOOD, 'line-key'), 'Feedback buttons, 1 (bad) – 5 (great)'),
        h('span', { class: 'key' }, swatch(SURVEY, 'line-key dotted'), 'Survey score, 0–100: scale answers (1–5, 1–10) normalised'),
        h('span', { class: 'key' }, swatch(BAD, 'line-key dashed'), 'Frustration: share of visits that hit a problem'),
        'Hover or click a stage for its latest comments; all of them below.',
      ],
      // Drawn as one chart across all stage columns (see journeyMap).
      cell: () => null,
    },
    {
      key: 'pain',
      title: 'Pain points',
      legend: 'Rage clicks, JavaScript errors, form errors and slow pages, with the pages where they happen most.',
      cell: (s) => painCell(s),
    },
  ];
  if (report.targets.length) {
    out.push({
      key: 'targets',
      title: 'Targets',
      legend: 'Your goals for each stage (the future-state map) against what was measured; ✖ marks a gap.',
      cell: (s) => {
        const mine = report.targets.filter((t) => t.stage === s.stage);
        return mine.length ? h('ul', { class: 'targets' }, mine.map(targetLine)) : h('p', { class: 'muted' }, 'No target');
      },
    });
  }
  return out;
}

/** The survey score's colour: a third line, apart from feedback (blue) and frustration (vermillion). */
const SURVEY = OKABE_ITO.green;

/**
 * The emotion chart's bands, top to bottom: each line on its own labelled scale, its value
 * labels in the gap above its points. The chart is 210 px high (app.css .emotion-chart):
 * 22 + 3 × 40 + 2 × 30 + 8.
 */
const BAND = { top: 22, height: 40, gap: 30 };

export function emotionOption(stages: StageReport[], voice: Map<string, StageVoice>): ChartOption {
  const maxFrustration = Math.max(0.1, ...stages.map((s) => s.emotion.frustration));
  const bands: {
    name: string;
    min: number;
    max: number;
    scale: (v: number) => string;
    data: (number | '-')[];
    color: string;
    label: (v: number) => string;
    line: object;
    symbol: string;
  }[] = [
    {
      name: 'Feedback',
      min: 1,
      max: 5,
      scale: String,
      data: stages.map((s) => s.emotion.feedbackMean ?? '-'),
      color: GOOD,
      label: (v) => `${v.toFixed(1)} / 5`,
      line: { width: 3 },
      symbol: 'circle',
    },
    {
      name: 'Survey score',
      min: 0,
      max: 100,
      scale: String,
      data: stages.map((s) => voice.get(s.stage)?.score ?? '-'),
      color: SURVEY,
      label: (v) => `${Math.round(v)} / 100`,
      line: { width: 3, type: 'dotted' },
      symbol: 'triangle',
    },
    {
      name: 'Frustration',
      min: 0,
      max: maxFrustration * 1.1,
      scale: (v) => pct(v),
      data: stages.map((s) => s.emotion.frustration),
      color: BAD,
      label: (v) => pct(v),
      line: { width: 2, type: 'dashed' },
      symbol: 'diamond',
    },
  ];
  const top = (i: number) => BAND.top + i * (BAND.height + BAND.gap);
  return {
    grid: bands.map((_, i) => ({ left: 0, right: 0, top: top(i), height: BAND.height })),
    xAxis: bands.map((_, i) => ({ type: 'category', gridIndex: i, data: stages.map((s) => s.stage), show: false, boundaryGap: true })),
    // Each band's scale, labelled at its two ends inside the left edge, clear of the points (at the columns' centres).
    yAxis: bands.map((b, i) => ({
      type: 'value',
      gridIndex: i,
      min: b.min,
      max: b.max,
      interval: b.max - b.min,
      axisLabel: { inside: true, fontSize: 10, color: '#57606a', verticalAlign: 'bottom', formatter: (v: number) => b.scale(v) },
      splitLine: { lineStyle: { color: '#eaeef2' } },
    })),
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      triggerOn: 'mousemove|click',
      axisPointer: { type: 'none' },
      formatter: (params: unknown) => {
        const first = (Array.isArray(params) ? params[0] : params) as { dataIndex?: number } | undefined;
        const s = stages[first?.dataIndex ?? -1];
        return s ? emotionTip(s, voice.get(s.stage)) : '';
      },
    },
    series: bands.map((b, i) => ({
      name: b.name,
      type: 'line',
      xAxisIndex: i,
      yAxisIndex: i,
      connectNulls: true,
      data: b.data,
      symbol: b.symbol,
      symbolSize: 10,
      lineStyle: { ...b.line, color: b.color },
      itemStyle: { color: b.color },
      label: {
        show: true,
        position: 'top',
        fontWeight: 'bold',
        color: b.color,
        formatter: (p: { value: unknown }) => (typeof p.value === 'number' ? b.label(p.value) : ''),
      },
    })),
  };
}

/** Under the chart, in each stage's column: its latest comments (survey free text, "Other", feedback). */
function stageComments(stages: StageReport[], voice: Map<string, StageVoice>): HTMLElement {
  return h(
    'div',
    { class: 'stage-comments' },
    stages.map((s) => {
      const list = voice.get(s.stage)?.comments ?? [];
      if (!list.length) return h('p', { class: 'muted', 'data-stage': s.stage }, 'No comments');
      return h(
        'details',
        { 'data-stage': s.stage },
        h('summary', null, `${list.length} latest comment${list.length > 1 ? 's' : ''}`),
        h(
          'ul',
          null,
          list.map((c) =>
            h(
              'li',
              null,
              h('q', null, c.text),
              h(
                'span',
                { class: 'muted' },
                ` — ${[c.source.replace(/^survey:/, 'survey '), c.answer ? `answer ${c.answer}` : null, c.touchpoint].filter(Boolean).join(' · ')}`,
              ),
            ),
          ),
        ),
      );
    }),
  );
}

/**
 * The journey map grid. With `compare`, figures carry ▲▼ changes against the previous period.
 * @example const map = journeyMap(report, true); parent.append(map.el); map.drawCharts?.();
 */
export function journeyMap(report: JourneyReport, compare: boolean): Rendered {
  const byName = new Map(report.stages.map((s) => [s.stage, s]));
  // The site's order; a stage without a row in the report (no data) still gets its column.
  const stages: StageReport[] = report.stageNames.map((name) => byName.get(name) ?? emptyStage(name));
  const deltas = compare ? new Map(report.comparison.stages.map((d) => [d.stage, d])) : null;
  const n = stages.length;

  const grid = h('div', { class: 'map', role: 'table', 'aria-label': 'Journey map', style: { '--stages': String(n) } });
  grid.append(
    h('div', { class: 'corner', role: 'columnheader' }, 'Stage'),
    ...stages.map((s, i) =>
      h(
        'div',
        { class: 'stage-head', role: 'columnheader', style: { '--stage': stageColor(i, n) } },
        h('span', { class: 'stage-no' }, `Stage ${i + 1} of ${n}`),
        h('span', { class: 'stage-name' }, stageLabel(s.stage)),
      ),
    ),
  );
  const voice = new Map((report.voice?.stages ?? []).map((v) => [v.stage, v]));
  let emotionEl: HTMLElement | null = null;
  for (const row of rows(report, deltas)) {
    grid.append(h('div', { class: 'row-head', role: 'rowheader' }, h('b', null, row.title), h('p', { class: 'legend' }, row.legend)));
    if (row.key === 'emotion') {
      emotionEl = h('div', { class: 'chart emotion-chart', role: 'img', 'aria-label': emotionLabel(stages, voice) });
      grid.append(h('div', { class: 'cell span', 'data-row': row.key }, emotionEl, stageComments(stages, voice)));
      continue;
    }
    stages.forEach((s, i) =>
      grid.append(h('div', { class: 'cell', role: 'cell', 'data-row': row.key, 'data-stage': s.stage }, row.cell(s, i))),
    );
  }
  return {
    el: h('div', { class: 'map-scroll' }, grid),
    drawCharts: () => {
      if (emotionEl) draw(emotionEl, emotionOption(stages, voice));
    },
  };
}

function emotionLabel(stages: StageReport[], voice: Map<string, StageVoice>): string {
  const score = (s: StageReport) => voice.get(s.stage)?.score;
  return stages
    .map(
      (s) =>
        `${stageLabel(s.stage)}: feedback ${s.emotion.feedbackMean?.toFixed(1) ?? 'none'}, survey score ${score(s) == null ? 'none' : Math.round(score(s)!)}, frustration ${pct(s.emotion.frustration)}`,
    )
    .join('; ');
}

function emptyStage(stage: string): StageReport {
  return {
    stage,
    visitors: 0,
    sessions: 0,
    reachedOrLater: 0,
    reach: null,
    entered: 0,
    enteredShare: null,
    completionMeans: null,
    completed: 0,
    completion: null,
    conversion: null,
    dropOff: null,
    medianTimeToReachMs: null,
    touchpoints: [],
    channels: [],
    landingSessions: 0,
    bounces: 0,
    bounceRate: null,
    painPoints: { total: 0, byKind: [] },
    emotion: { feedbackMean: null, feedbackCount: 0, frustration: 0 },
  };
}
