// People (issue 14): a pseudonymous list of the people active in a period, by their current
// stage, with their first touch, last visit, visits and purchases; the people who abandoned a
// checkout, with the step they stopped at; and one person's journey as a timeline across
// visits (and across browsers linked by identify). Everything reads `visitors`,
// `visitor_stages`, `sessions` and `events` as they are, so an erasure removes a person at once.
// docs/report.md "People" defines every field.
import type { Store } from '../store/types';
import { num, Sql } from './sql';

/** People per page of the list. */
export const PEOPLE_PAGE = 50;
/** Events of one person's timeline (the latest). */
export const TIMELINE_EVENTS = 2000;
/** Checkout steps after which leaving without buying is an abandoned checkout. */
const CART_STEPS = ['add_to_cart', 'view_cart', 'begin_checkout', 'sign_up', 'add_shipping_info', 'add_payment_info'];

export interface PeopleQuery {
  from: number;
  to: number;
  /** Only people whose current stage is this one. */
  stage?: string;
  persona?: string;
  /** Only people who abandoned a checkout in the period. */
  abandoned?: boolean;
  /** Page of the list, from 0. */
  page: number;
}

/** How a visit arrived. */
export interface Arrival {
  channel: string | null;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  landing: string | null;
  time: number;
}

export interface Person {
  /** The browser's pseudonymous visitor id (never the user id or anything typed). */
  id: string;
  /** The furthest stage, in the site's order, of any of their events ever. */
  stage: string | null;
  persona: string | null;
  /** Whether identify linked them to a user id (not shown). */
  identified: boolean;
  firstSeen: number;
  lastSeen: number;
  visits: number;
  purchases: number;
  /** Their first visit ever. */
  firstTouch: Arrival | null;
  /** With `abandoned`: the last checkout step they reached and when, and its value. */
  abandonedAt?: { step: string; time: number; value: number | null };
}

export interface PeopleReport {
  site: string;
  query: PeopleQuery;
  /** People active in the period (with the persona filter) by current stage, in the site's order. */
  byStage: { stage: string; people: number }[];
  /** People matching the query. */
  total: number;
  people: Person[];
}

/** SQL: the index of the furthest of a visitor's stages in `stages` (-1 for none). */
const currentStageSql = (q: Sql, site: string, visitor: string, stages: readonly string[]) =>
  `(SELECT COALESCE(MAX(CASE s.stage ${stages.map((st, i) => `WHEN ${q.p(st)} THEN ${i}`).join(' ')} END), -1)
    FROM visitor_stages s WHERE s.site = ${site} AND s.visitor = ${visitor})`;

const str = (v: unknown): string | null => (v == null || v === '' ? null : String(v));

/**
 * The people of `site` active in the period (any event between `from` and `to`; bots left out),
 * by current stage, and one page of them (latest visit first).
 */
export async function peopleReport(store: Store, site: string, stages: readonly string[], query: PeopleQuery): Promise<PeopleReport> {
  const q = new Sql();
  const s = q.p(site);
  const persona = query.persona !== undefined ? ` AND v.persona = ${q.p(query.persona)}` : '';
  const abandoned = query.abandoned
    ? `, ab AS (SELECT visitor, name AS step, MAX(time) AS at, CAST(json_extract(props, '$.value') AS REAL) AS value FROM events INDEXED BY events_site_checkout
         WHERE site = ${s} AND time >= ${q.p(query.from)} AND time < ${q.p(query.to)} AND type = 'checkout' AND bot = 0 AND visitor IS NOT NULL GROUP BY visitor)`
    : '';
  // Active in the period: seen from `from` on and first seen before `to` (visitors_site_seen),
  // with a visit that is not a bot's; then the current stage of each, once.
  const join = query.abandoned ? `JOIN ab ON ab.visitor = p.visitor AND ab.step IN (${CART_STEPS.map((x) => q.p(x)).join(', ')})` : '';
  const where = query.stage !== undefined ? `p.rank = ${q.p(stages.indexOf(query.stage))}` : 'true';
  const rows = await q.run(
    store,
    `WITH p AS MATERIALIZED (
       SELECT v.visitor, v.persona, v.user_id IS NOT NULL AS identified, v.first_seen, v.last_seen, v.sessions, v.purchases,
         ${currentStageSql(q, s, 'v.visitor', stages)} AS rank
       FROM visitors v WHERE v.site = ${s} AND v.last_seen >= ${q.p(query.from)} AND v.first_seen < ${q.p(query.to)}${persona}
         AND EXISTS (SELECT 1 FROM sessions x WHERE x.site = ${s} AND x.visitor = v.visitor AND x.bot = 0)
     )${abandoned}
     SELECT 'count' AS kind, rank, COUNT(*) AS n, NULL AS visitor, NULL AS persona, NULL AS identified, NULL AS first_seen, NULL AS last_seen,
       NULL AS sessions, NULL AS purchases, NULL AS step, NULL AS at, NULL AS value FROM p GROUP BY rank
     UNION ALL
     SELECT 'total', NULL, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM p ${join} WHERE ${where}
     UNION ALL
     SELECT * FROM (SELECT 'person', p.rank, NULL, p.visitor, p.persona, p.identified, p.first_seen, p.last_seen, p.sessions, p.purchases,
         ${query.abandoned ? 'ab.step, ab.at, ab.value' : 'NULL, NULL, NULL'}
       FROM p ${join} WHERE ${where}
       ORDER BY ${query.abandoned ? 'ab.at' : 'p.last_seen'} DESC, p.visitor LIMIT ${PEOPLE_PAGE} OFFSET ${q.p(query.page * PEOPLE_PAGE)})`,
  );
  const counts = new Map<number, number>();
  let total = 0;
  const people: Person[] = [];
  for (const r of rows) {
    if (r.kind === 'count') counts.set(num(r.rank), num(r.n));
    else if (r.kind === 'total') total = num(r.n);
    else {
      const person: Person = {
        id: String(r.visitor),
        stage: stages[num(r.rank)] ?? null,
        persona: str(r.persona),
        identified: num(r.identified) === 1,
        firstSeen: num(r.first_seen),
        lastSeen: num(r.last_seen),
        visits: num(r.sessions),
        purchases: num(r.purchases),
        firstTouch: null,
      };
      if (query.abandoned) person.abandonedAt = { step: String(r.step), time: num(r.at), value: r.value == null ? null : Number(r.value) };
      people.push(person);
    }
  }
  // First touches of the page's people: each one's first visit (sessions_site_visitor).
  if (people.length) {
    const f = new Sql();
    const first = await f.run(
      store,
      `SELECT visitor, MIN(started) AS started, channel, source, medium, campaign, landing FROM sessions INDEXED BY sessions_site_visitor
       WHERE site = ${f.p(site)} AND visitor IN (SELECT value FROM json_each(${f.p(JSON.stringify(people.map((p) => p.id)))})) GROUP BY visitor`,
    );
    const byVisitor = new Map(first.map((r) => [String(r.visitor), r]));
    for (const p of people) {
      const r = byVisitor.get(p.id);
      if (r) p.firstTouch = { channel: str(r.channel), source: str(r.source), medium: str(r.medium), campaign: str(r.campaign), landing: str(r.landing), time: num(r.started) };
    }
  }
  return {
    site,
    query,
    byStage: stages.map((stage, i) => ({ stage, people: counts.get(i) ?? 0 })),
    total,
    people,
  };
}

/** One event of a timeline. */
export interface TimelineEvent {
  time: number;
  type: string;
  name: string;
  path: string | null;
  stage: string | null;
  touchpoint: string | null;
  /** What the event says for a marketer: the feedback score and comment, a pain point's message, a checkout value, a search term… */
  detail: Record<string, unknown> | null;
}

/** One visit of a person: how it arrived and what happened, in order. */
export interface TimelineVisit {
  session: string;
  visitor: string;
  arrival: Arrival;
  device: string | null;
  events: TimelineEvent[];
}

export interface PersonTimeline {
  site: string;
  /** The visitor asked for, and every browser linked to it by the same user id. */
  visitors: string[];
  stage: string | null;
  visits: TimelineVisit[];
  /** Events without a visit (server-side "backstage": order shipped, ticket solved…), in their own lane. */
  backstage: (TimelineEvent & { channel: string | null })[];
  /** True when the person has more events than the timeline shows (the latest are shown). */
  truncated: boolean;
}

/** Props worth showing on a timeline, by event type. */
const DETAIL_KEYS: Record<string, string[]> = {
  feedback: ['score', 'comment'],
  pain: ['message', 'field', 'metric', 'value'],
  checkout: ['value', 'currency', 'transaction_id', 'item_id'],
  event: ['value', 'term', 'q', 'method', 'network', 'plan', 'item_id', 'rating'],
  engagement: ['engaged_ms', 'scroll'],
};

function detail(type: string, props: unknown): Record<string, unknown> | null {
  if (typeof props !== 'string') return null;
  let all: Record<string, unknown>;
  try {
    all = JSON.parse(props) as Record<string, unknown>;
  } catch {
    return null;
  }
  const out: Record<string, unknown> = {};
  for (const k of DETAIL_KEYS[type] ?? []) if (all[k] !== undefined && typeof all[k] !== 'object') out[k] = all[k];
  return Object.keys(out).length ? out : null;
}

/**
 * One person's journey: their visits (oldest first) with each visit's arrival and events, and
 * the backstage events; null when the person has no events (unknown, or erased).
 */
export async function personTimeline(store: Store, site: string, visitor: string, stages: readonly string[]): Promise<PersonTimeline | null> {
  const q = new Sql();
  const s = q.p(site);
  const v = q.p(visitor);
  // The person: this visitor and the visitors linked to it by a user id (index lookups only).
  const linked = await q.run(
    store,
    `SELECT visitor FROM visitors WHERE site = ${s} AND visitor = ${v}
     UNION SELECT w.visitor FROM visitors u CROSS JOIN visitors w ON w.site = u.site AND w.user_id = u.user_id
       WHERE u.site = ${s} AND u.visitor = ${v} AND u.user_id IS NOT NULL`,
  );
  const visitors = [...new Set([visitor, ...linked.map((r) => String(r.visitor))])].sort();
  const e = new Sql();
  const list = e.p(JSON.stringify(visitors));
  const es = e.p(site);
  const [events, sessions, reached] = await Promise.all([
    e.run(
      store,
      `SELECT * FROM (SELECT visitor, session, time, id, type, name, path, stage, touchpoint, channel, props, bot FROM events INDEXED BY events_site_visitor
         WHERE site = ${es} AND visitor IN (SELECT value FROM json_each(${list})) ORDER BY time DESC, id DESC LIMIT ${TIMELINE_EVENTS + 1})
       ORDER BY time, id`,
    ),
    store.all(
      `SELECT session, visitor, started, channel, source, medium, campaign, landing, device FROM sessions INDEXED BY sessions_site_visitor
       WHERE site = ?1 AND visitor IN (SELECT value FROM json_each(?2)) ORDER BY started, session`,
      [site, JSON.stringify(visitors)],
    ),
    store.all(`SELECT DISTINCT stage FROM visitor_stages WHERE site = ?1 AND visitor IN (SELECT value FROM json_each(?2))`, [site, JSON.stringify(visitors)]),
  ]);
  if (!events.length) return null;
  const truncated = events.length > TIMELINE_EVENTS;
  const shown = truncated ? events.slice(1) : events;
  const visits = new Map<string, TimelineVisit>();
  for (const r of sessions)
    visits.set(String(r.session), {
      session: String(r.session),
      visitor: String(r.visitor),
      arrival: { channel: str(r.channel), source: str(r.source), medium: str(r.medium), campaign: str(r.campaign), landing: str(r.landing), time: num(r.started) },
      device: str(r.device),
      events: [],
    });
  const backstage: PersonTimeline['backstage'] = [];
  for (const r of shown) {
    if (num(r.bot) === 1) continue;
    const ev: TimelineEvent = { time: num(r.time), type: String(r.type), name: String(r.name), path: str(r.path), stage: str(r.stage), touchpoint: str(r.touchpoint), detail: detail(String(r.type), r.props) };
    const visit = r.session == null ? undefined : visits.get(String(r.session));
    if (visit) visit.events.push(ev);
    else backstage.push({ ...ev, channel: str(r.channel) });
  }
  const ranks = reached.map((r) => stages.indexOf(String(r.stage))).filter((i) => i >= 0);
  return {
    site,
    visitors,
    stage: ranks.length ? stages[Math.max(...ranks)]! : null,
    visits: [...visits.values()].filter((x) => x.events.length),
    backstage,
    truncated,
  };
}
