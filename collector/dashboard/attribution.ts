// Attribution across visits: which channels and campaigns get the credit for the period's
// purchases under four models side by side, how many visits and days a purchase takes, and
// the latest buyers' paths (report/attribution.ts; docs/report.md "Attribution").
import type { AttributionReport, AttributionRow, Distribution, Model } from '../report/attribution';
import { h, type Child } from './dom';
import { count, int, money, one } from './format';
import { card, empty } from './layout';

const MODEL_NAMES: [Model, string, string][] = [
  ['firstTouch', 'First touch', 'all the credit to the first visit in the window: how people found you'],
  ['lastTouch', 'Last touch', 'all the credit to the visit of the purchase'],
  ['linear', 'Linear', 'equal shares to every visit'],
  ['positionBased', 'Position-based', '40 % first, 40 % last, 20 % shared by the visits between'],
];

/** Credits with two decimals (shares of purchases), money with the report's currency. */
const credit = (n: number) => (Number.isInteger(n) ? int(n) : n.toFixed(2));

/** `currency`: the revenue's prefix, or null for a goal (no revenue: only the credits are shown). */
function creditTable(rows: AttributionRow[], label: string, currency: string | null): HTMLElement {
  return h(
    'table',
    { class: 'data attribution' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, label),
        h(
          'th',
          { class: 'num', title: `${currency === null ? 'conversions' : 'purchases'} with at least one visit of this row in their window` },
          'In the path of',
        ),
        MODEL_NAMES.map(([, name, why]) => h('th', { class: 'num', title: why }, name)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((r) =>
        h(
          'tr',
          null,
          h('td', null, h('span', { class: 'clip', title: r.name }, r.name)),
          h('td', { class: 'num' }, int(r.touched)),
          MODEL_NAMES.map(([m]) =>
            h(
              'td',
              { class: 'num' },
              credit(r[m].conversions),
              currency === null ? null : h('span', { class: 'muted' }, ` · ${currency}${money(r[m].revenue)}`),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * "1 visit", "2.5 visits", "0 days (same day)", "5 hours", "under an hour": a figure with its
 * unit, as a sentence reads it. Part of a day is told in hours: "0 days" for 40 minutes reads
 * like a bug.
 */
function amount(n: number | null, unit: 'visits' | 'days'): string {
  if (n === null) return one(n);
  if (unit === 'days' && n > 0 && n < 1) {
    const hours = Math.round(n * 24);
    return hours < 1 ? 'under an hour' : `${hours} hour${hours === 1 ? '' : 's'}`;
  }
  const text = `${one(n)} ${one(n) === '1' ? unit.slice(0, -1) : unit}`;
  return unit === 'days' && n === 0 ? `${text} (same day)` : text;
}

function distribution(d: Distribution, title: string, unit: 'visits' | 'days'): HTMLElement {
  const max = Math.max(1, ...d.buckets.map((b) => b.count));
  return h(
    'div',
    { class: 'distribution' },
    h('h3', null, title),
    h(
      'table',
      { class: 'data' },
      h(
        'tbody',
        null,
        d.buckets.map((b) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, b.label),
            h('td', { class: 'num' }, int(b.count)),
            h(
              'td',
              { class: 'bar' },
              h('span', { class: 'meter inline', 'aria-hidden': 'true' }, h('span', { style: { width: `${(b.count / max) * 100}%` } })),
            ),
          ),
        ),
      ),
    ),
    h('p', { class: 'muted' }, `mean ${amount(d.mean, unit)}, median ${amount(d.median, unit)}`),
  );
}

/**
 * The attribution card. `channelFiltered`: the page's channel filter does not apply here;
 * `picker`: the goal picker (goals.ts), beside the CSV button.
 */
export function attributionSection(r: AttributionReport, csv: Child, channelFiltered: boolean, picker: Child = null): HTMLElement {
  const purchases = r.query.goal === 'purchase';
  const legend: Child[] = [
    purchases ? 'Each purchase' : `Each person’s first “${r.query.goal}” (a goal)`,
    ` with the visits of the ${r.query.lookbackDays} days before it (by the same browser). `,
    'Hover a model for how it shares the credit.',
    channelFiltered ? ' Not filtered by channel: the models compare channels.' : '',
  ];
  const actions = [picker, csv];
  if (r.conversions === 0)
    return card(
      'attribution',
      'Attribution across visits',
      legend,
      actions,
      empty(purchases ? 'No purchases in this period.' : 'No conversions of this goal in this period.'),
    );
  // A goal has no revenue: its conversions are shown without a money figure ("· 0.00").
  const currency = purchases ? (r.currency ? `${r.currency} ` : '') : null;
  return card(
    'attribution',
    'Attribution across visits',
    legend,
    actions,
    h(
      'p',
      null,
      count(r.conversions, purchases ? 'purchase' : 'conversion'),
      currency === null ? '' : `, ${currency}${money(r.revenue)}`,
      r.currencies.length ? ` (in ${r.currencies.join(', ')}: not one currency)` : '',
    ),
    creditTable(r.byChannel, 'Channel', currency),
    h('details', null, h('summary', null, 'By campaign (source / medium / campaign)'), creditTable(r.byCampaign, 'Campaign', currency)),
    h(
      'div',
      { class: 'distributions' },
      distribution(r.visitsToConvert, purchases ? 'Visits to purchase' : 'Visits to the goal', 'visits'),
      distribution(r.daysToConvert, purchases ? 'Days from first visit to purchase' : 'Days from first visit to the goal', 'days'),
    ),
    h(
      'details',
      null,
      h('summary', null, purchases ? 'Latest purchases and their paths' : 'Latest conversions and their paths'),
      h(
        'ol',
        { class: 'paths-list' },
        r.recent.map((c) =>
          h(
            'li',
            null,
            `${new Date(c.time).toISOString().slice(0, 16).replace('T', ' ')} · ${currency === null ? '' : `${currency}${money(c.value)} · `}`,
            c.touches.map((t) => `${t.channel}${t.campaign ? ` (${t.campaign})` : ''}`).join(' → '),
          ),
        ),
      ),
    ),
  );
}
