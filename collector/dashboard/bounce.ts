// Bounce rate by landing page, ranked so that a page with many bounced visits comes before a
// tiny page with a high rate by chance.
import type { LandingBounce } from '../report/types';
import { BAD } from './charts';
import { h, type Child } from './dom';
import { int, pct } from './format';
import { card, empty } from './layout';

/** Choices of the least visits a landing page needs to be listed; 1 (the default) lists every page of a small shop. */
export const MIN_SESSIONS_CHOICES = [1, 2, 5, 10, 20, 50, 100] as const;

/** The "at least N visits" menu. */
function minimumMenu(minSessions: number, onMinimum: (n: number) => void): HTMLElement {
  const choices = new Set<number>([...MIN_SESSIONS_CHOICES, minSessions]);
  const select = h(
    'select',
    { id: 'min-sessions' },
    [...choices]
      .sort((a, b) => a - b)
      .map((n) => h('option', { value: String(n), selected: n === minSessions }, n === 1 ? 'every page' : `${n}+ visits`)),
  );
  select.addEventListener('change', () => onMinimum(Number(select.value)));
  return h('label', { class: 'field inline' }, h('span', null, 'Show'), select);
}

/** The ranked bounce table; `onMinimum` changes the least visits a page needs to be listed. */
export function bounceSection(
  rows: LandingBounce[],
  minSessions: number,
  csv: Child,
  onMinimum: (n: number) => void = () => {},
): HTMLElement {
  const legend = [
    'Which landing page loses the most visitors at once. Ranked by the bounce rate we are 95 % sure of (',
    h('i', null, 'at least'),
    minSessions > 1
      ? `), so small pages do not outrank busy ones. Pages with fewer than ${minSessions} visits are left out.`
      : '), so small pages do not outrank busy ones.',
  ];
  const actions = [minimumMenu(minSessions, onMinimum), csv];
  if (!rows.length)
    return card(
      'bounce',
      'Bounce rate by landing page',
      legend,
      actions,
      empty(minSessions > 1 ? `No landing page has ${minSessions} visits or more: show more pages.` : 'No landing pages in this period.'),
    );
  return card(
    'bounce',
    'Bounce rate by landing page',
    legend,
    actions,
    h(
      'table',
      { class: 'data bounce' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['#', 'Landing page', 'Visits', 'Bounces', 'Bounce rate', 'At least'].map((t, i) => h('th', { class: i > 1 ? 'num' : null }, t)),
        ),
      ),
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
              h(
                'span',
                { class: 'meter inline', 'aria-hidden': 'true' },
                h('span', { style: { width: `${r.bounceRate * 100}%`, background: BAD } }),
              ),
              pct(r.bounceRate),
            ),
            h('td', { class: 'num muted' }, pct(r.confidentRate)),
          ),
        ),
      ),
    ),
  );
}
