// The journey report as CSV: one table per section (?table=…), or all of them one after
// another, each under a `# name` line and separated by a blank line. RFC 4180 quoting, CRLF
// line ends, and text cells that a spreadsheet would run as a formula (= + - @, tab, CR) are
// prefixed with ' (OWASP "CSV injection"); numbers stay numbers.
import type { JourneyReport } from './types';

type Cell = string | number | boolean | null | undefined;
type Table = { head: string[]; rows: Cell[][] };

/**
 * Quotes one cell. A spreadsheet opening the file may split it on `;` or a tab (German and
 * French Excel use `;`), where our quotes no longer start a field: so a formula start (= + - @,
 * tab, CR) is defused with ' not only at the cell's start but after every `,` `;` tab or line
 * break in it (and the spaces or quotes after one), and every cell holding one of those or a quote is
 * quoted (OWASP "CSV injection").
 */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value).replace(/(?<=(?:^|[,;\t\r\n])[ "]*)(?=[=+\-@\t\r])/g, "'");
  return /[",;\t\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const line = (cells: Cell[]) => cells.map(csvCell).join(',');
const counts = (list: { name: string; count: number }[]) => list.map((c) => `${c.name}: ${c.count}`).join('; ');

/** Rounds to `digits` decimals; -0 (a tiny negative rounded) becomes 0, so no cell reads "-0". */
const round =
  (digits: number) =>
  (v: number | null | undefined): number | null | undefined =>
    v === null || v === undefined ? v : Math.round(v * 10 ** digits) / 10 ** digits || 0;
/** CSV numbers (docs/report.md, CSV): rates to 4 decimals, money and means to 2, times in whole ms; counts as they are. */
const rate = round(4);
const money = round(2);
const mean = round(2);
const ms = round(0);
type Rounding = (v: number | null | undefined) => number | null | undefined;
const asIs: Rounding = (v) => v;
/** How each totals and stage figure is rounded, by name. */
const ROUNDING: Record<string, Rounding> = {
  bounceRate: rate,
  conversionRate: rate,
  reach: rate,
  completion: rate,
  conversion: rate,
  frustration: rate,
  revenue: money,
  touchpointsPerPurchase: mean,
  medianVisitsToPurchase: mean,
  feedbackMean: mean,
};
const rounded = (name: string, v: number | null | undefined) => (ROUNDING[name] ?? asIs)(v);

/** Every table of a report, by name, in the order of the "all tables" CSV. */
export const CSV_TABLES = {
  totals: (r: JourneyReport): Table => ({
    head: ['metric', 'value'],
    rows: [
      ...Object.entries(r.totals).map(([k, v]): Cell[] => [k, rounded(k, v)]),
      // Revenue's currency: the one named by every purchase, or "several" with the revenue of each.
      ['currency', r.currency ?? (r.funnel.revenueByCurrency.length > 1 ? 'several' : '')],
      ...(r.funnel.revenueByCurrency.length > 1
        ? r.funnel.revenueByCurrency.map((c): Cell[] => [`revenue ${c.currency || '(none)'}`, money(c.revenue)])
        : []),
    ],
  }),
  stages: (r: JourneyReport): Table => ({
    head: [
      'stage',
      'visitors',
      'sessions',
      'reachedOrLater',
      'reach',
      'entered',
      'enteredShare',
      'completionMeans',
      'completed',
      'completion',
      'dropOff',
      'medianTimeToReachMs',
      'landingSessions',
      'bounces',
      'bounceRate',
      'painPoints',
      'feedbackMean',
      'feedbackCount',
      'frustration',
    ],
    rows: r.stages.map((s) => [
      s.stage,
      s.visitors,
      s.sessions,
      s.reachedOrLater,
      rate(s.reach),
      s.entered,
      rate(s.enteredShare),
      s.completionMeans,
      s.completed,
      rate(s.completion),
      rate(s.dropOff),
      ms(s.medianTimeToReachMs),
      s.landingSessions,
      s.bounces,
      rate(s.bounceRate),
      s.painPoints.total,
      mean(s.emotion.feedbackMean),
      s.emotion.feedbackCount,
      rate(s.emotion.frustration),
    ]),
  }),
  current: (r: JourneyReport): Table => ({
    head: ['stage', 'visitors', 'share'],
    rows: r.currentStages.map((c) => [c.stage, c.visitors, rate(c.share)]),
  }),
  touchpoints: (r: JourneyReport): Table => ({
    head: [
      'stage',
      'touchpoint',
      'events',
      'sessions',
      'channels',
      'topCampaign',
      'topCampaignVisitors',
      'topCampaignVisits',
      'topCampaignShare',
    ],
    rows: r.stages.flatMap((s) =>
      s.touchpoints.map((t) => [
        s.stage,
        t.touchpoint,
        t.events,
        t.sessions,
        counts(t.channels),
        t.topCampaign?.name ?? null,
        t.topCampaign?.visitors ?? null,
        t.topCampaign?.visits ?? null,
        rate(t.topCampaign?.share ?? null),
      ]),
    ),
  }),
  channels: (r: JourneyReport): Table => ({
    head: ['stage', 'channel', 'sessions', 'share'],
    rows: r.stages.flatMap((s) => s.channels.map((c) => [s.stage, c.name, c.count, rate(c.share)])),
  }),
  pains: (r: JourneyReport): Table => ({
    head: ['stage', 'kind', 'count', 'worstPages'],
    rows: r.stages.flatMap((s) => s.painPoints.byKind.map((k) => [s.stage, k.kind, k.count, counts(k.worstPages)])),
  }),
  landing: (r: JourneyReport): Table => ({
    head: ['path', 'sessions', 'bounces', 'bounceRate', 'confidentRate'],
    rows: r.bounceByLanding.map((b) => [b.path, b.sessions, b.bounces, rate(b.bounceRate), rate(b.confidentRate)]),
  }),
  funnel: (r: JourneyReport): Table => ({
    head: ['step', 'by', 'reached', 'withStep', 'fromStart', 'lost', 'dropOff', 'medianMsFromPrevious', 'value'],
    rows: r.funnel.steps.map((s) => [
      s.step,
      r.funnel.by,
      s.reached,
      s.withStep,
      rate(s.fromStart),
      s.lost,
      rate(s.dropOff),
      ms(s.medianMsFromPrevious),
      money(s.value),
    ]),
  }),
  abandoned: (r: JourneyReport): Table => ({
    head: ['next', 'sessions'],
    rows: r.funnel.abandonedNext.map((c) => [c.name, c.count]),
  }),
  paths: (r: JourneyReport): Table => ({
    head: ['sessions', ...Array.from({ length: r.paths.steps }, (_, i) => `step${i + 1}`)],
    rows: r.paths.sequences.map((s) => [s.sessions, ...s.steps]),
  }),
  comparison: (r: JourneyReport): Table => ({
    head: ['stage', 'metric', 'current', 'previous', 'change'],
    rows: [
      ...Object.entries(r.comparison.totals).map(([k, d]) => [
        '(all)',
        k,
        rounded(k, d.current),
        rounded(k, d.previous),
        rounded(k, d.change),
      ]),
      ...r.comparison.stages.flatMap((s) =>
        (['visitors', 'reach', 'completion', 'bounceRate', 'feedbackMean', 'frustration'] as const).map((k) => [
          s.stage,
          k,
          rounded(k, s[k].current),
          rounded(k, s[k].previous),
          rounded(k, s[k].change),
        ]),
      ),
    ],
  }),
  targets: (r: JourneyReport): Table => ({
    head: ['stage', 'metric', 'min', 'max', 'measured', 'met', 'gap'],
    rows: r.targets.map((t) => [
      t.stage,
      t.metric,
      rounded(t.metric, t.min),
      rounded(t.metric, t.max),
      rounded(t.metric, t.measured),
      t.met ? 'yes' : 'no',
      rounded(t.metric, t.gap),
    ]),
  }),
  surveys: (r: JourneyReport): Table => ({
    head: ['survey', 'question', 'stage', 'responses', 'choice', 'count', 'mean', 'nps', 'topBox'],
    rows: r.voice.surveys.flatMap((s) =>
      [{ ...s, stage: '(all)' }, ...s.stages].flatMap((g) =>
        g.choices.length
          ? g.choices.map((c) => [s.survey, s.question, g.stage, g.responses, c.name, c.count, g.mean, g.nps, g.topBox])
          : [[s.survey, s.question, g.stage, g.responses, null, null, g.mean, g.nps, g.topBox]],
      ),
    ),
  }),
  attribution: (r: JourneyReport): Table => ({
    head: ['survey', 'answer', 'firstTouchChannel', 'count'],
    rows: r.voice.surveys.flatMap((s) => s.firstTouch.map((f) => [s.survey, f.answer, f.channel, f.count])),
  }),
  comments: (r: JourneyReport): Table => ({
    head: ['source', 'time', 'stage', 'touchpoint', 'answer', 'comment'],
    rows: [
      ...r.voice.surveys.flatMap((s) =>
        s.comments.map((c) => [`survey:${s.survey}`, new Date(c.time).toISOString(), c.stage, c.touchpoint, c.answer, c.text]),
      ),
      ...r.voice.feedbackComments.map((c) => ['feedback', new Date(c.time).toISOString(), c.stage, c.touchpoint, c.answer, c.text]),
    ],
  }),
  /** The map's emotion row: each stage's survey score (0–100) and its answers. */
  scores: (r: JourneyReport): Table => ({
    head: ['stage', 'surveyScore', 'scoreAnswers'],
    rows: r.voice.stages.map((s) => [s.stage, mean(s.score), s.scoreAnswers]),
  }),
  // One row per day (or week): visitors, visits, purchases, and per stage its people, people
  // there or further, and reach (over-time.ts).
  overTime: (r: JourneyReport): Table => ({
    head: [
      'start',
      'unit',
      'visitors',
      'visits',
      'purchases',
      'revenue',
      'people',
      ...r.stageNames.flatMap((s) => [`${s} reached`, `${s} reachedOrLater`, `${s} reach`]),
    ],
    rows: r.overTime.buckets.map((b) => [
      b.start,
      r.overTime.unit,
      b.visitors,
      b.visits,
      b.purchases,
      money(b.revenue),
      b.people,
      ...b.stages.flatMap((s) => [s.reached, s.reachedOrLater, rate(s.reach)]),
    ]),
  }),
} as const;

export type CsvTable = keyof typeof CSV_TABLES;
/** Other names the dashboard or users may use for a table. */
export const CSV_ALIASES: Readonly<Record<string, CsvTable>> = { bounce: 'landing' };

const render = (t: Table) => [line(t.head), ...t.rows.map(line)].join('\r\n') + '\r\n';

/** One table, or (no name) all of them, each under a `# name` line, separated by blank lines. */
export function reportCsv(report: JourneyReport, table?: CsvTable): string {
  if (table) return render(CSV_TABLES[table](report));
  return (Object.keys(CSV_TABLES) as CsvTable[]).map((name) => `# ${name}\r\n${render(CSV_TABLES[name](report))}`).join('\r\n');
}
