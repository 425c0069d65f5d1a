// Voice of the customer: each survey's answers per stage of the journey (responses, the
// distribution of choices, mean, NPS or top-box share) with its latest comments, and the latest
// feedback comments. Every question, choice and comment is rendered as text.
import type { AnswerFigures, Comment, SurveyAnswers, VoiceReport } from '../report/voice';
import { h, type Child } from './dom';
import { count, int, one, pct } from './format';
import { stageLabel } from './labels';
import { card, empty } from './layout';

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** A group's headline: mean, NPS or top-box share where the scale allows. */
function score(s: SurveyAnswers, g: AnswerFigures): string {
  if (s.kind !== 'scale') return '';
  const parts = [`mean ${one(g.mean)} of ${s.scale}`];
  if (g.nps !== null) parts.push(`NPS ${g.nps > 0 ? '+' : ''}${one(g.nps)}`);
  if (g.topBox !== null) parts.push(`${pct(g.topBox)} answer 4–5`);
  return parts.join(' · ');
}

function distribution(g: AnswerFigures): Child {
  if (!g.choices.length) return null;
  const top = g.choices[0]!.count;
  return h(
    'ul',
    { class: 'choices' },
    g.choices.map((c) =>
      h(
        'li',
        null,
        h('span', { class: 'clip', title: c.name }, c.name),
        h('span', { class: 'meter inline', 'aria-hidden': 'true' }, h('span', { style: { width: `${(c.count / top) * 100}%` } })),
        h('span', { class: 'num' }, `${int(c.count)} (${pct(c.count / g.responses)})`),
      ),
    ),
  );
}

function comments(list: Comment[], label: string): Child {
  if (!list.length) return null;
  return h(
    'details',
    { class: 'comments' },
    h('summary', null, `${label} (${list.length})`),
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
            ` — ${[c.stage ? stageLabel(c.stage) : null, c.touchpoint, c.answer ? `answer ${c.answer}` : null, when(c.time)].filter(Boolean).join(' · ')}`,
          ),
        ),
      ),
    ),
  );
}

/**
 * Self-reported against measured: each answer beside the channel of the answering visitor's
 * first visit, one row per answer and channel (the report's `firstTouch`, the CSV's `attribution`).
 */
function firstTouch(s: SurveyAnswers): Child {
  if (!s.firstTouch.length) return null;
  return h(
    'details',
    { class: 'first-touch' },
    h('summary', null, 'Self-reported vs measured: each answer beside the channel of the first visit'),
    h(
      'table',
      { class: 'data' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'Answer (self-reported)'),
          h('th', null, 'First visit came by (measured)'),
          h('th', { class: 'num' }, 'Answers'),
        ),
      ),
      h(
        'tbody',
        null,
        s.firstTouch.map((f) => h('tr', null, h('td', null, f.answer), h('td', null, f.channel), h('td', { class: 'num' }, int(f.count)))),
      ),
    ),
  );
}

function survey(s: SurveyAnswers): HTMLElement {
  return h(
    'article',
    { class: 'survey', 'data-survey': s.survey },
    h('h3', null, s.question),
    h('p', { class: 'muted' }, `${s.survey} · ${count(s.responses, 'answer')}${score(s, s) ? ` · ${score(s, s)}` : ''}`),
    h(
      'table',
      { class: 'data' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, 'Stage'),
          h('th', { class: 'num' }, 'Answers'),
          h('th', null, s.kind === 'scale' ? 'Score' : 'Choices'),
        ),
      ),
      h(
        'tbody',
        null,
        s.stages.map((g) =>
          h(
            'tr',
            { 'data-stage': g.stage },
            h('td', null, stageLabel(g.stage)),
            h('td', { class: 'num' }, int(g.responses)),
            h('td', null, s.kind === 'scale' ? score(s, g) : s.kind === 'text' ? 'free text' : distribution(g)),
          ),
        ),
      ),
    ),
    firstTouch(s),
    comments(s.comments, s.kind === 'text' ? 'Latest answers' : 'Latest "Other" answers'),
  );
}

/** The section; `csv` holds its download buttons. */
export function voiceSection(voice: VoiceReport, csv: Child | Child[]): HTMLElement {
  const legend =
    'What customers said, on the stage where they said it: survey answers per stage (mean and NPS — % answering 9–10 minus % answering 1–6 — on 1–10 scales, share answering 4–5 on 1–5 scales) and the latest comments.';
  if (!voice.surveys.length && !voice.feedbackComments.length)
    return card(
      'voice',
      'Voice of the customer',
      legend,
      csv,
      empty('No survey answers or feedback comments in this period.', 'Define surveys with CJM_SURVEYS (docs/surveys.md).'),
    );
  return card(
    'voice',
    'Voice of the customer',
    legend,
    csv,
    voice.surveys.map(survey),
    comments(voice.feedbackComments, 'Latest feedback comments'),
  );
}
