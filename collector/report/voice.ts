// The voice of the customer on the map: micro-survey answers per survey and stage (responses,
// counts per choice, mean, NPS, top-box share, the latest comments) and the latest feedback
// comments. Reads only `feedback` events (few, partial index); docs/report.md defines each
// figure under "Survey answers".
import type { Store } from '../store/types';
import type { FeedbackRow, Scope } from '../store/reads';
import { num } from './math';
import type { Count } from './counts';

/** Latest comments kept per survey and for feedback. */
export const MAX_COMMENTS = 20;

export interface Comment {
  time: number;
  stage: string | null;
  touchpoint: string | null;
  text: string;
  /** The survey's choice or scale value it came with, or the feedback score. */
  answer: string | null;
}

/** Answer figures of one group (a whole survey, or one stage of it). */
export interface AnswerFigures {
  responses: number;
  /** single/multiple: answers per choice ("Other" included), most first; a multiple answer counts each choice. */
  choices: Count[];
  /** scale: the mean value; null otherwise. */
  mean: number | null;
  /** 1–10 scale: % answering 9–10 minus % answering 1–6 (−100…100); null otherwise. */
  nps: number | null;
  /** 1–5 scale: share answering 4 or 5 (CSAT-style top-2 box); null otherwise. */
  topBox: number | null;
}

export interface SurveyAnswers extends AnswerFigures {
  survey: string;
  /** The question as last asked. */
  question: string;
  kind: string;
  /** 5 or 10 for a scale. */
  scale: number | null;
  /** Per stage the answers were given in, in the site's stage order. */
  stages: (AnswerFigures & { stage: string })[];
  /** Free-text answers and "Other" texts, newest first (at most {@link MAX_COMMENTS}). */
  comments: Comment[];
  /**
   * single/multiple: each choice against the measured channel of the answering visitor's first
   * visit (self-reported vs measured attribution, e.g. "how did you hear about us?"), most first.
   */
  firstTouch: { answer: string; channel: string; count: number }[];
}

/** Latest comments kept per stage for the map's emotion row. */
export const MAX_STAGE_COMMENTS = 5;

/** A stage's voice on the map's emotion row (docs/report.md, "Survey score"). */
export interface StageVoice {
  stage: string;
  /**
   * The survey score: the mean of every 1–5 and 1–10 scale answer given in this stage, each
   * normalised to 0–100 first ((value − 1) / (scale − 1) × 100: 1 → 0, the top → 100); null
   * without any.
   */
  score: number | null;
  /** Scale answers behind `score`. */
  scoreAnswers: number;
  /** Free-text and "Other" survey answers and feedback comments given here, newest first (at most {@link MAX_STAGE_COMMENTS}). */
  comments: (Comment & { source: string })[];
}

export interface VoiceReport {
  surveys: SurveyAnswers[];
  /** Feedback (1–5 buttons) comments, newest first (at most {@link MAX_COMMENTS}). */
  feedbackComments: Comment[];
  /** Per stage with answers or comments, in the site's order: the survey score and the latest comments. */
  stages: StageVoice[];
}

type Row = FeedbackRow;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Figures of a set of answers. */
function figures(rows: Row[], kind: string, scale: number | null): AnswerFigures {
  const choices = new Map<string, number>();
  const values: number[] = [];
  for (const r of rows) {
    if (kind === 'scale') {
      const v = Number(r.value);
      if (Number.isFinite(v) && v >= 1 && (!scale || v <= scale)) values.push(v);
    } else if (kind !== 'text') for (const c of (str(r.answer) ?? '').split('|').filter(Boolean)) choices.set(c, (choices.get(c) ?? 0) + 1);
  }
  const n = values.length;
  const share = (test: (v: number) => boolean) => values.filter(test).length / n;
  return {
    responses: rows.length,
    choices: [...choices].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
    mean: n ? values.reduce((a, b) => a + b, 0) / n : null,
    nps: n && scale === 10 ? Math.round((share((v) => v >= 9) - share((v) => v <= 6)) * 1000) / 10 : null,
    topBox: n && scale === 5 ? share((v) => v >= 4) : null,
  };
}

/**
 * Survey answers and feedback comments of a scope.
 * @example const voice = await voiceOfCustomer(store, { site: 'shop', from, to }, DEFAULT_STAGES);
 */
export async function voiceOfCustomer(store: Store, scope: Scope, stageOrder: readonly string[]): Promise<VoiceReport> {
  const rows: Row[] = await store.reads.feedback(scope);

  const bySurvey = new Map<string, Row[]>();
  const feedbackComments: Comment[] = [];
  for (const r of rows) {
    const survey = r.name === 'survey' ? str(r.survey) : null;
    if (survey) bySurvey.set(survey, [...(bySurvey.get(survey) ?? []), r]);
    else if (r.name !== 'survey' && str(r.comment) && feedbackComments.length < MAX_COMMENTS)
      feedbackComments.push({
        time: num(r.time),
        stage: r.stage,
        touchpoint: r.touchpoint,
        text: str(r.comment)!,
        answer: r.score == null ? null : String(r.score),
      });
  }

  const rank = (s: string) => (stageOrder.includes(s) ? stageOrder.indexOf(s) : stageOrder.length);
  const surveys = [...bySurvey].map(([survey, list]): SurveyAnswers => {
    // Newest first: the latest question text and kind describe the survey.
    const kind = str(list[0]!.kind) ?? 'text';
    const scale = kind === 'scale' ? num(list.find((r) => r.scale != null)?.scale) || null : null;
    const stages = new Map<string, Row[]>();
    for (const r of list) stages.set(r.stage ?? '', [...(stages.get(r.stage ?? '') ?? []), r]);
    const comments: Comment[] = [];
    for (const r of list) {
      const text = kind === 'text' ? str(r.answer) : str(r.other);
      if (text && comments.length < MAX_COMMENTS)
        comments.push({
          time: num(r.time),
          stage: r.stage,
          touchpoint: r.touchpoint,
          text,
          answer: kind === 'text' ? null : kind === 'scale' ? String(r.value) : str(r.answer),
        });
    }
    const touches = new Map<string, number>();
    if (kind === 'single' || kind === 'multiple')
      for (const r of list)
        for (const answer of (str(r.answer) ?? '').split('|').filter(Boolean)) {
          const key = `${answer}\0${r.first_channel ?? '(unknown)'}`;
          touches.set(key, (touches.get(key) ?? 0) + 1);
        }
    return {
      survey,
      question: str(list[0]!.question) ?? survey,
      kind,
      scale,
      ...figures(list, kind, scale),
      stages: [...stages]
        .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
        .map(([stage, group]) => ({ stage, ...figures(group, kind, scale) })),
      comments,
      firstTouch: [...touches]
        .map(([key, count]) => {
          const [answer, channel] = key.split('\0') as [string, string];
          return { answer, channel, count };
        })
        .sort((a, b) => b.count - a.count || a.answer.localeCompare(b.answer) || a.channel.localeCompare(b.channel)),
    };
  });
  surveys.sort((a, b) => b.responses - a.responses || a.survey.localeCompare(b.survey));
  return { surveys, feedbackComments, stages: stageVoices(rows, rank) };
}

/** The map's emotion row: each stage's survey score and latest comments, from rows newest first. */
function stageVoices(rows: Row[], rank: (stage: string) => number): StageVoice[] {
  const by = new Map<string, { sum: number; n: number; comments: StageVoice['comments'] }>();
  for (const r of rows) {
    if (!r.stage) continue;
    const g = by.get(r.stage) ?? { sum: 0, n: 0, comments: [] };
    by.set(r.stage, g);
    const survey = r.name === 'survey' ? str(r.survey) : null;
    const kind = str(r.kind);
    const value = Number(r.value);
    const scale = Number(r.scale);
    if (survey && kind === 'scale' && (scale === 5 || scale === 10) && Number.isInteger(value) && value >= 1 && value <= scale) {
      g.sum += ((value - 1) / (scale - 1)) * 100;
      g.n++;
    }
    const text = survey ? (kind === 'text' ? str(r.answer) : str(r.other)) : r.name === 'survey' ? null : str(r.comment);
    if (text && g.comments.length < MAX_STAGE_COMMENTS) {
      const answer = survey
        ? kind === 'text'
          ? null
          : kind === 'scale'
            ? String(r.value)
            : str(r.answer)
        : r.score == null
          ? null
          : String(r.score);
      g.comments.push({
        time: num(r.time),
        stage: r.stage,
        touchpoint: r.touchpoint,
        text,
        answer,
        source: survey ? `survey:${survey}` : 'feedback',
      });
    }
  }
  return [...by]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([stage, g]) => ({ stage, score: g.n ? g.sum / g.n : null, scoreAnswers: g.n, comments: g.comments }));
}
