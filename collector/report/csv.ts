// The journey report as CSV: one table per section (?table=…), or all of them one after
// another, each under a `# name` line and separated by a blank line. RFC 4180 quoting, CRLF
// line ends, and text cells that a spreadsheet would run as a formula (= + - @, tab, CR) are
// prefixed with ' (OWASP "CSV injection"); numbers stay numbers.
import type { JourneyReport } from './types';

type Cell = string | number | boolean | null | undefined;
type Table = { head: string[]; rows: Cell[][] };

/** Quotes one cell. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const line = (cells: Cell[]) => cells.map(csvCell).join(',');
const counts = (list: { name: string; count: number }[]) => list.map((c) => `${c.name}: ${c.count}`).join('; ');

/** Every table of a report, by name, in the order of the "all tables" CSV. */
export const CSV_TABLES = {
  totals: (r: JourneyReport): Table => ({
    head: ['metric', 'value'],
    rows: Object.entries(r.totals).map(([k, v]) => [k, v]),
  }),
  stages: (r: JourneyReport): Table => ({
    head: ['stage', 'visitors', 'sessions', 'reach', 'conversion', 'dropOff', 'medianTimeToReachMs', 'landingSessions', 'bounces', 'bounceRate', 'painPoints', 'feedbackMean', 'feedbackCount', 'frustration'],
    rows: r.stages.map((s) => [s.stage, s.visitors, s.sessions, s.reach, s.conversion, s.dropOff, s.medianTimeToReachMs, s.landingSessions, s.bounces, s.bounceRate, s.painPoints.total, s.emotion.feedbackMean, s.emotion.feedbackCount, s.emotion.frustration]),
  }),
  touchpoints: (r: JourneyReport): Table => ({
    head: ['stage', 'touchpoint', 'events', 'sessions', 'channels'],
    rows: r.stages.flatMap((s) => s.touchpoints.map((t) => [s.stage, t.touchpoint, t.events, t.sessions, counts(t.channels)])),
  }),
  channels: (r: JourneyReport): Table => ({
    head: ['stage', 'channel', 'sessions', 'share'],
    rows: r.stages.flatMap((s) => s.channels.map((c) => [s.stage, c.name, c.count, c.share])),
  }),
  pains: (r: JourneyReport): Table => ({
    head: ['stage', 'kind', 'count', 'worstPages'],
    rows: r.stages.flatMap((s) => s.painPoints.byKind.map((k) => [s.stage, k.kind, k.count, counts(k.worstPages)])),
  }),
  landing: (r: JourneyReport): Table => ({
    head: ['path', 'sessions', 'bounces', 'bounceRate', 'confidentRate'],
    rows: r.bounceByLanding.map((b) => [b.path, b.sessions, b.bounces, b.bounceRate, b.confidentRate]),
  }),
  funnel: (r: JourneyReport): Table => ({
    head: ['step', 'sessions', 'fromStart', 'dropOff', 'medianMsFromPrevious', 'value'],
    rows: r.funnel.steps.map((s) => [s.step, s.sessions, s.fromStart, s.dropOff, s.medianMsFromPrevious, s.value]),
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
      ...Object.entries(r.comparison.totals).map(([k, d]) => ['(all)', k, d.current, d.previous, d.change]),
      ...r.comparison.stages.flatMap((s) =>
        (['visitors', 'conversion', 'bounceRate', 'feedbackMean', 'frustration'] as const).map((k) => [s.stage, k, s[k].current, s[k].previous, s[k].change]),
      ),
    ],
  }),
  targets: (r: JourneyReport): Table => ({
    head: ['stage', 'metric', 'min', 'max', 'measured', 'met', 'gap'],
    rows: r.targets.map((t) => [t.stage, t.metric, t.min, t.max, t.measured, t.met ? 'yes' : 'no', t.gap]),
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
      ...r.voice.surveys.flatMap((s) => s.comments.map((c) => [`survey:${s.survey}`, new Date(c.time).toISOString(), c.stage, c.touchpoint, c.answer, c.text])),
      ...r.voice.feedbackComments.map((c) => ['feedback', new Date(c.time).toISOString(), c.stage, c.touchpoint, c.answer, c.text]),
    ],
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
