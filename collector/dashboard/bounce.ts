// Bounce rate by landing page, ranked so that a page with many bounced visits comes before a
// tiny page with a high rate by chance.
import type { LandingBounce } from '../report/types';
import { BAD } from './charts';
import { h, type Child } from './dom';
import { int, pct } from './format';
import { card, empty } from './layout';

/** The ranked bounce table. */
export function bounceSection(rows: LandingBounce[], minSessions: number, csv: Child): HTMLElement {
  const legend = [
    'Which landing page loses the most visitors at once. Ranked by the bounce rate we are 95 % sure of (',
    h('i', null, 'at least'),
    `), so small pages do not outrank busy ones. Pages with fewer than ${minSessions} visits are left out.`,
  ];
  if (!rows.length) return card('bounce', 'Bounce rate by landing page', legend, csv, empty('No landing page has enough visits yet.'));
  return card(
    'bounce',
    'Bounce rate by landing page',
    legend,
    csv,
    h(
      'table',
      { class: 'data bounce' },
      h('thead', null, h('tr', null, ['#', 'Landing page', 'Visits', 'Bounces', 'Bounce rate', 'At least'].map((t, i) => h('th', { class: i > 1 ? 'num' : null }, t)))),
      h(
        'tbody',
        null,
        rows.map((r, i) =>
          h(
            'tr',
            null,
            h('td', { class: 'rank' }, i + 1),
            h('td', { class: 'page' }, h('span', { class: 'clip', title: r.path }, r.path)),
            h('td', { class: 'num' }, int(r.sessions)),
            h('td', { class: 'num' }, int(r.bounces)),
            h(
              'td',
              { class: 'num rate' },
              h('span', { class: 'meter inline', 'aria-hidden': 'true' }, h('span', { style: { width: `${r.bounceRate * 100}%`, background: BAD } })),
              pct(r.bounceRate),
            ),
            h('td', { class: 'num muted' }, pct(r.confidentRate)),
          ),
        ),
      ),
    ),
  );
}
