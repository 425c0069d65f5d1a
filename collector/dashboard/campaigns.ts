// Campaigns: the period's visits by source / medium / campaign, compared on what a marketer
// compares them by (report/campaigns.ts; docs/report.md "Campaigns").
import type { CampaignKey, CampaignReport } from '../report/campaigns';
import { h, type Child } from './dom';
import { int, money, pct } from './format';
import { card, empty } from './layout';

/** Every breakdown the API has (the Record type makes the list complete), with its label. */
const LABELS: Record<CampaignKey, string> = {
  campaign: 'Source / medium / campaign',
  source: 'Source',
  medium: 'Medium',
  content: 'Content (utm_content)',
  term: 'Term (utm_term)',
  channel: 'Channel',
  landing: 'Landing page',
  device: 'Device',
  browser: 'Browser',
  os: 'Operating system',
  country: 'Country',
};

/** The campaigns and segments card; `onBy` reloads it broken down by another key. */
export function campaignsSection(r: CampaignReport, csv: Child, currency: string, onBy: (by: CampaignKey) => void): HTMLElement {
  const legend =
    'Visits that started in the period, by where they came from (utm_* tags, or the referrer) or by who made them. “Reached decision”: people with such a visit that got to the decision stage in it; “With JS errors”: visits that hit one — where the journey breaks.';
  const select = h(
    'select',
    { 'aria-label': 'Break down by', onchange: (e: Event) => onBy((e.target as HTMLSelectElement).value as CampaignKey) },
    (Object.keys(LABELS) as CampaignKey[]).map((k) => h('option', { value: k, selected: k === r.query.by }, LABELS[k])),
  );
  if (!r.rows.length) return card('campaigns', 'Campaigns and segments', legend, [select, csv], empty('No visits in this period.'));
  return card(
    'campaigns',
    'Campaigns and segments',
    legend,
    [select, csv],
    h(
      'table',
      { class: 'data campaigns' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          [
            LABELS[r.query.by],
            'Visitors',
            'Visits',
            'Bounce rate',
            'Reached decision',
            'Purchases',
            'Revenue',
            'Conversion',
            'With JS errors',
          ].map((t, i) => h('th', { class: i ? 'num' : null }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        r.rows.map((x) =>
          h(
            'tr',
            null,
            h('td', null, h('span', { class: 'clip', title: x.name }, x.name)),
            h('td', { class: 'num' }, int(x.visitors)),
            h('td', { class: 'num' }, int(x.visits)),
            h('td', { class: 'num' }, pct(x.bounceRate)),
            h('td', { class: 'num' }, int(x.reachedDecision)),
            h('td', { class: 'num' }, int(x.purchases)),
            h('td', { class: 'num' }, `${currency}${money(x.revenue)}`),
            h('td', { class: 'num' }, pct(x.conversionRate)),
            h('td', { class: 'num' }, int(x.errorVisits)),
          ),
        ),
      ),
    ),
  );
}
