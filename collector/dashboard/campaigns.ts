// Campaigns: the period's visits by source / medium / campaign, compared on what a marketer
// compares them by (report/campaigns.ts; docs/report.md "Campaigns").
import type { CampaignReport } from '../report/campaigns';
import { h, type Child } from './dom';
import { int, money, pct } from './format';
import { card, empty } from './layout';

export function campaignsSection(r: CampaignReport, csv: Child, currency: string): HTMLElement {
  const legend = 'Visits that started in the period, by where they came from (utm_source / utm_medium / utm_campaign, or the referrer). “Reached decision”: people with such a visit that got to the decision stage in it.';
  if (!r.rows.length) return card('campaigns', 'Campaigns', legend, csv, empty('No visits in this period.'));
  return card(
    'campaigns',
    'Campaigns',
    legend,
    csv,
    h(
      'table',
      { class: 'data campaigns' },
      h('thead', null, h('tr', null, ['Source / medium / campaign', 'Visitors', 'Visits', 'Bounce rate', 'Reached decision', 'Purchases', 'Revenue', 'Conversion'].map((t, i) => h('th', { class: i ? 'num' : null }, t)))),
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
          ),
        ),
      ),
    ),
  );
}
