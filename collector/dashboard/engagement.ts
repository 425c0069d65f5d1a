// Engaged time and scroll depth per stage and per landing page (report/engagement.ts;
// docs/report.md "Engagement"): two small tables, every name as text.
import type { EngagementReport } from '../report/engagement';
import { h, type Child } from './dom';
import { duration, int, pct } from './format';
import { stageLabel } from './labels';
import { card, empty } from './layout';

const scroll = (x: number | null) => (x === null ? '—' : `${Math.round(x)} %`);

/** The engagement card; `csv` holds its two download buttons. */
export function engagementSection(r: EngagementReport, csv: Child | Child[]): HTMLElement {
  const legend =
    'Engaged time: while the page was visible and focused. Scroll: the deepest point reached on the page (one measure per page view left); deep = at least 75 %. Landing pages: the visits that started there, their engaged time in all and how far the landing page itself was scrolled.';
  if (!r.stages.length && !r.landing.length)
    return card(
      'engagement',
      'Engaged time and scroll depth',
      legend,
      csv,
      empty('No engagement measured in this period (it comes with the capture bundle of the script tag).'),
    );
  return card(
    'engagement',
    'Engaged time and scroll depth',
    legend,
    csv,
    h(
      'table',
      { class: 'data engagement-stages' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Stage', 'Page views', 'Engaged per view', 'Mean scroll', 'Deep scroll'].map((t, i) => h('th', { class: i ? 'num' : null }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        r.stages.map((s) =>
          h(
            'tr',
            null,
            h('td', null, s.stage ? stageLabel(s.stage) : '(no stage)'),
            h('td', { class: 'num' }, int(s.views)),
            h('td', { class: 'num' }, duration(s.meanEngagedMs)),
            h('td', { class: 'num' }, scroll(s.meanScroll)),
            h('td', { class: 'num' }, pct(s.deepScrollShare)),
          ),
        ),
      ),
    ),
    h(
      'table',
      { class: 'data engagement-landing' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Landing page', 'Visits', 'Engaged per visit', 'Landing page scroll', 'Deep scroll'].map((t, i) =>
            h('th', { class: i ? 'num' : null }, t),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        r.landing.map((l) =>
          h(
            'tr',
            null,
            h('td', null, h('span', { class: 'clip', title: l.landing }, l.landing)),
            h('td', { class: 'num' }, int(l.visits)),
            h('td', { class: 'num' }, duration(l.meanEngagedMs)),
            h('td', { class: 'num' }, scroll(l.meanScroll)),
            h('td', { class: 'num' }, pct(l.deepScrollShare)),
          ),
        ),
      ),
    ),
  );
}
