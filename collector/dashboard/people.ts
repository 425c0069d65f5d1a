// People: where each person is now (their current stage), who abandoned a checkout, and one
// person's journey as a timeline across visits (report/people.ts; docs/report.md "People").
// Every value is text (dom.ts); the person id is the browser's pseudonymous visitor id.
import type { PeopleReport, Person, PersonTimeline, TimelineEvent } from '../report/people';
import { h, replace, type Child } from './dom';
import { int } from './format';
import { card, empty } from './layout';

/** What the people card asks its owner to load. */
export interface PeopleActions {
  /** Load the list again with another stage / abandoned choice or page. */
  list(choice: { stage?: string; abandoned?: boolean; page?: number }): void;
  /** Load one person's timeline. */
  person(id: string): Promise<PersonTimeline>;
}

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const arrival = (a: { channel: string | null; campaign: string | null; landing: string | null } | null) =>
  a ? `${a.channel ?? '(none)'}${a.campaign ? ` · ${a.campaign}` : ''}${a.landing ? ` → ${a.landing}` : ''}` : '—';

function eventLine(e: TimelineEvent): HTMLElement {
  let detail = e.detail
    ? Object.entries(e.detail)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join(', ')
    : '';
  let what = e.type === 'pageview' ? (e.path ?? e.name) : e.type === e.name ? e.type : `${e.type} ${e.name}`;
  if (e.type === 'engagement') {
    // "engaged 12 s, scrolled 80 %" reads better than the raw props.
    const ms = Number(e.detail?.engaged_ms ?? 0);
    what = `engaged ${Math.round(ms / 1000)} s${e.detail?.scroll !== undefined ? `, scrolled ${String(e.detail.scroll)} %` : ''}`;
    detail = '';
  }
  return h(
    'li',
    { class: `tl-event tl-${e.type}` },
    h('span', { class: 'muted' }, when(e.time).slice(11), ' '),
    h('span', { class: 'stage-tag' }, e.stage ?? '—'),
    ' ',
    what,
    e.touchpoint && e.touchpoint !== what && e.type !== 'pageview' ? h('span', { class: 'muted' }, ` · ${e.touchpoint}`) : null,
    detail ? h('span', { class: 'muted' }, ` (${detail})`) : null,
  );
}

/** One person's journey: a block per visit, and the backstage lane. */
export function timelineView(t: PersonTimeline): HTMLElement {
  return h(
    'div',
    { class: 'timeline' },
    h('h3', null, `Person ${t.visitors.join(' + ')} · now in ${t.stage ?? '—'}`),
    t.truncated ? h('p', { class: 'muted' }, 'Only the latest events are shown.') : null,
    h(
      'ol',
      { class: 'tl-visits' },
      t.visits.map((v, i) =>
        h(
          'li',
          { class: 'tl-visit' },
          h(
            'p',
            null,
            h('strong', null, `Visit ${i + 1}`),
            ` · ${when(v.arrival.time)} · ${arrival(v.arrival)}`,
            v.device ? ` · ${v.device}` : '',
          ),
          h('ol', { class: 'tl-events' }, v.events.map(eventLine)),
        ),
      ),
    ),
    t.backstage.length
      ? h(
          'div',
          { class: 'tl-backstage' },
          h('h4', null, 'Backstage (server-side events)'),
          h(
            'ol',
            { class: 'tl-events' },
            t.backstage.map((e) => h('li', null, `${when(e.time)} · ${e.channel ?? ''} · ${e.name}`)),
          ),
        )
      : null,
  );
}

/** The people card. */
export function peopleSection(r: PeopleReport, actions: PeopleActions, csv: Child): HTMLElement {
  const panel = h('div', { class: 'timeline-panel', 'aria-live': 'polite' });
  const open = async (p: Person) => {
    replace(panel, h('p', { class: 'muted' }, 'Loading…'));
    try {
      replace(panel, timelineView(await actions.person(p.id)));
    } catch (err) {
      replace(panel, empty(`Could not load this person: ${(err as Error).message}`));
    }
  };
  const tabs = h(
    'div',
    { class: 'stage-tabs', role: 'group', 'aria-label': 'Current stage' },
    h(
      'button',
      { type: 'button', class: !r.query.stage && !r.query.abandoned ? 'tab active' : 'tab', onclick: () => actions.list({}) },
      `Everyone (${int(r.byStage.reduce((n, s) => n + s.people, 0))})`,
    ),
    r.byStage.map((s) =>
      h(
        'button',
        { type: 'button', class: r.query.stage === s.stage ? 'tab active' : 'tab', onclick: () => actions.list({ stage: s.stage }) },
        `${s.stage} (${int(s.people)})`,
      ),
    ),
    h(
      'button',
      { type: 'button', class: r.query.abandoned ? 'tab active' : 'tab', onclick: () => actions.list({ abandoned: true }) },
      'Abandoned a checkout',
    ),
  );
  const pages = Math.ceil(r.total / 50);
  const table = r.people.length
    ? h(
        'table',
        { class: 'data people' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Person', 'Now in', r.query.abandoned ? 'Stopped at' : 'First came from', 'Last seen', 'Visits', 'Purchases'].map((t, i) =>
              h('th', { class: i > 3 ? 'num' : null }, t),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          r.people.map((p) =>
            h(
              'tr',
              null,
              h(
                'td',
                null,
                h(
                  'button',
                  { type: 'button', class: 'link', title: 'Show this person’s journey', onclick: () => void open(p) },
                  p.id.slice(0, 12),
                ),
                p.persona ? h('span', { class: 'muted' }, ` ${p.persona}`) : null,
              ),
              h('td', null, p.stage ?? '—'),
              h(
                'td',
                null,
                r.query.abandoned && p.abandonedAt ? `${p.abandonedAt.step} · ${when(p.abandonedAt.time)}` : arrival(p.firstTouch),
              ),
              h('td', null, when(p.lastSeen)),
              h('td', { class: 'num' }, int(p.visits)),
              h('td', { class: 'num' }, int(p.purchases)),
            ),
          ),
        ),
      )
    : empty(r.query.abandoned ? 'Nobody abandoned a checkout in this period.' : 'Nobody here in this period.');
  const pager =
    pages > 1
      ? h(
          'p',
          { class: 'pager' },
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              disabled: r.query.page === 0,
              onclick: () => actions.list({ stage: r.query.stage, abandoned: r.query.abandoned, page: r.query.page - 1 }),
            },
            '← Newer',
          ),
          ` page ${r.query.page + 1} of ${pages} `,
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              disabled: r.query.page + 1 >= pages,
              onclick: () => actions.list({ stage: r.query.stage, abandoned: r.query.abandoned, page: r.query.page + 1 }),
            },
            'Older →',
          ),
        )
      : null;
  return card(
    'people',
    'People',
    'Where each person is now: the furthest stage they have reached (ever), for the people seen in this period. Pick someone to see their journey across visits and browsers.',
    csv,
    tabs,
    table,
    pager,
    panel,
  );
}
