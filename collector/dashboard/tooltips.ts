// Tooltip bodies for the ECharts figures, built as DOM. ECharts inserts a string tooltip as
// HTML; a returned element is appended as is, so an event named `<img src=x onerror=…>` stays
// text. Each builder takes the chart's callback params and returns an element.
import type { FunnelStep, StageReport } from '../report/types';
import type { StageVoice } from '../report/voice';
import { h } from './dom';
import { count, duration, int, money, pct } from './format';
import { stageLabel, stepLabel } from './labels';

/** A tooltip body: a title (with an optional colour swatch) and label/value rows, all as text. */
export function tip(title: string, rows: [string, string][], color?: string): HTMLElement {
  return h(
    'div',
    { class: 'tip' },
    h('div', { class: 'tip-title' }, color ? h('span', { class: 'swatch', style: { background: color } }) : null, title),
    rows.map(([label, value]) => h('div', { class: 'tip-row' }, h('span', null, label), h('b', null, value))),
  );
}

/** Comments shown in the emotion row's tooltip, newest first. */
const TIP_COMMENTS = 3;

/** The emotion row at one stage: feedback, survey score, frustration, and the latest comments. */
export function emotionTip(stage: StageReport, voice?: StageVoice): HTMLElement {
  const e = stage.emotion;
  const el = tip(stageLabel(stage.stage), [
    ['Feedback score', e.feedbackMean === null ? 'no feedback' : `${e.feedbackMean.toFixed(1)} of 5`],
    ['Feedback answers', int(e.feedbackCount)],
    [
      'Survey score',
      voice?.score == null ? 'no scale answers' : `${Math.round(voice.score)} of 100 (${count(voice.scoreAnswers, 'answer')})`,
    ],
    ['Frustration', `${pct(e.frustration)} of visits hit a problem`],
  ]);
  const comments = voice?.comments.slice(0, TIP_COMMENTS) ?? [];
  if (comments.length)
    el.append(
      h('div', { class: 'tip-title' }, 'Latest comments'),
      ...comments.map((c) =>
        h(
          'div',
          { class: 'tip-comment' },
          h('q', null, c.text),
          h('span', { class: 'muted' }, ` — ${c.source.replace(/^survey:/, 'survey ')}`),
        ),
      ),
    );
  return el;
}

/** A checkout step of the funnel. */
export function funnelTip(step: FunnelStep, color?: string): HTMLElement {
  return tip(
    stepLabel(step.step),
    [
      ['Reached this step or a later one', int(step.reached)],
      ['With this very step', int(step.withStep)],
      ['Of those who started', pct(step.fromStart)],
      ['Lost since previous step', step.lost === null ? pct(null) : `${int(step.lost)} (${pct(step.dropOff)})`],
      ['Median time from previous step', duration(step.medianMsFromPrevious)],
      ['Value', money(step.value)],
    ],
    color,
  );
}

/** The params ECharts passes a Sankey tooltip formatter. */
export interface SankeyParams {
  dataType?: string;
  name?: string;
  value?: unknown;
  color?: unknown;
  data?: { source?: string; target?: string; touchpoint?: string; step?: number };
}

/** A Sankey node ("step 2: /pricing") or link ("/ → /pricing"). */
export function sankeyTip(p: SankeyParams, touchpointOf: (node: string) => string): HTMLElement {
  const visits = count(Number(p.value), 'visit');
  const color = typeof p.color === 'string' ? p.color : undefined;
  if (p.dataType === 'edge' && p.data) {
    return tip(`${touchpointOf(p.data.source ?? '')} → ${touchpointOf(p.data.target ?? '')}`, [['Went this way', visits]], color);
  }
  const step = p.data?.step;
  return tip(touchpointOf(p.name ?? ''), [[step ? `Step ${step}` : 'Step', visits]], color);
}
