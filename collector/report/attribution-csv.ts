// The attribution report as CSV, with the journey report's cell quoting (csv.ts): one table per
// section (?table=…), or all of them, each under a `# name` line.
import { MODELS, type AttributionReport, type AttributionRow, type Distribution } from './attribution';
import { csvCell } from './csv';

type Cell = string | number | null;
type Table = { head: string[]; rows: Cell[][] };

/** Credits to 4 decimals, money to 2: what a spreadsheet needs, without float noise. */
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

const credits = (rows: AttributionRow[], label: string): Table => ({
  head: [label, 'conversionsTouched', ...MODELS.flatMap((m) => [`${m}Conversions`, `${m}Revenue`])],
  rows: rows.map((r) => [r.name, r.touched, ...MODELS.flatMap((m) => [round(r[m].conversions, 4), round(r[m].revenue, 2)])]),
});
const dist = (d: Distribution, label: string): Table => ({
  head: [label, 'conversions'],
  rows: [
    ...d.buckets.map((b) => [b.label, b.count] as Cell[]),
    ['mean', d.mean === null ? null : round(d.mean, 2)],
    ['median', d.median === null ? null : round(d.median, 2)],
  ],
});

export const ATTRIBUTION_TABLES = {
  channels: (r: AttributionReport) => credits(r.byChannel, 'channel'),
  campaigns: (r: AttributionReport) => credits(r.byCampaign, 'source / medium / campaign'),
  visits: (r: AttributionReport) => dist(r.visitsToConvert, 'visits'),
  days: (r: AttributionReport) => dist(r.daysToConvert, 'days'),
  conversions: (r: AttributionReport): Table => ({
    head: ['time', 'visitor', 'value', 'currency', 'visits', 'firstTouch', 'lastTouch', 'path'],
    rows: r.recent.map((c) => [
      new Date(c.time).toISOString(),
      c.visitor,
      round(c.value, 2),
      c.currency,
      c.touches.length,
      c.touches[0]!.channel,
      c.touches.at(-1)!.channel,
      c.touches.map((t) => `${t.channel}${t.campaign ? ` (${t.campaign})` : ''}`).join(' > '),
    ]),
  }),
};
export type AttributionTable = keyof typeof ATTRIBUTION_TABLES;

const render = (t: Table) => [t.head, ...t.rows].map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';

export function attributionCsv(r: AttributionReport, table?: AttributionTable): string {
  if (table) return render(ATTRIBUTION_TABLES[table](r));
  return (Object.keys(ATTRIBUTION_TABLES) as AttributionTable[])
    .map((name) => `# ${name}\r\n${render(ATTRIBUTION_TABLES[name](r))}`)
    .join('\r\n');
}
