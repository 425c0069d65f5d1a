// People (issue 14): a pseudonymous list of the people active in a period, by their current
// stage, with their first touch, last visit, visits and purchases; the people who abandoned a
// checkout, with the step they stopped at; and one person's journey as a timeline across
// visits (and across browsers linked by identify). Everything reads `visitors`,
// `visitor_stages`, `sessions` and `events` as they are, so an erasure removes a person at once.
// docs/report.md "People" defines every field.
import type { Store } from '../store/types';
import { num } from './math';

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

const str = (v: unknown): string | null => (v == null || v === '' ? null : String(v));

/**
 * The people of `site` active in the period (any event between `from` and `to`; bots left out),
 * by current stage, and one page of them (latest visit first).
 */
export async function peopleReport(store: Store, site: string, stages: readonly string[], query: PeopleQuery): Promise<PeopleReport> {
  const rows = await store.reads.people(site, stages, {
    from: query.from,
    to: query.to,
    ...(query.stage !== undefined ? { stage: stages.indexOf(query.stage) } : {}),
    ...(query.persona !== undefined ? { persona: query.persona } : {}),
    ...(query.abandoned ? { abandonedAfter: CART_STEPS } : {}),
    limit: PEOPLE_PAGE,
    offset: query.page * PEOPLE_PAGE,
  });
  const counts = new Map(rows.counts.map((c) => [c.rank, c.people]));
  const total = rows.total;
  const people: Person[] = [];
  for (const r of rows.page) {
    const person: Person = {
      id: r.visitor,
      stage: stages[r.rank] ?? null,
      persona: str(r.persona),
      identified: r.identified === 1,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
      visits: r.sessions,
      purchases: r.purchases,
      firstTouch: null,
    };
    if (query.abandoned) person.abandonedAt = { step: String(r.step), time: r.at, value: r.value == null ? null : Number(r.value) };
    people.push(person);
  }
  // First touches of the page's people: each one's first visit (sessions_site_visitor).
  if (people.length) {
    const first = await store.reads.firstVisits(
      site,
      people.map((p) => p.id),
    );
    const byVisitor = new Map(first.map((r) => [String(r.visitor), r]));
    for (const p of people) {
      const r = byVisitor.get(p.id);
      if (r)
        p.firstTouch = {
          channel: str(r.channel),
          source: str(r.source),
          medium: str(r.medium),
          campaign: str(r.campaign),
          landing: str(r.landing),
          time: num(r.started),
        };
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
export async function personTimeline(
  store: Store,
  site: string,
  visitor: string,
  stages: readonly string[],
): Promise<PersonTimeline | null> {
  // The person: this visitor and the visitors linked to it by a user id.
  const linked = await store.reads.linkedVisitors(site, visitor);
  const visitors = [...new Set([visitor, ...linked])].sort();
  const { events, sessions, stages: reached } = await store.reads.person(site, visitors, TIMELINE_EVENTS + 1);
  if (!events.length) return null;
  const truncated = events.length > TIMELINE_EVENTS;
  const shown = truncated ? events.slice(1) : events;
  const visits = new Map<string, TimelineVisit>();
  for (const r of sessions)
    visits.set(String(r.session), {
      session: String(r.session),
      visitor: String(r.visitor),
      arrival: {
        channel: str(r.channel),
        source: str(r.source),
        medium: str(r.medium),
        campaign: str(r.campaign),
        landing: str(r.landing),
        time: num(r.started),
      },
      device: str(r.device),
      events: [],
    });
  const backstage: PersonTimeline['backstage'] = [];
  for (const r of shown) {
    if (num(r.bot) === 1) continue;
    const ev: TimelineEvent = {
      time: num(r.time),
      type: String(r.type),
      name: String(r.name),
      path: str(r.path),
      stage: str(r.stage),
      touchpoint: str(r.touchpoint),
      detail: detail(String(r.type), r.props),
    };
    const visit = r.session == null ? undefined : visits.get(String(r.session));
    if (visit) visit.events.push(ev);
    else backstage.push({ ...ev, channel: str(r.channel) });
  }
  const ranks = reached.map((r) => stages.indexOf(r)).filter((i) => i >= 0);
  return {
    site,
    visitors,
    stage: ranks.length ? stages[Math.max(...ranks)]! : null,
    visits: [...visits.values()].filter((x) => x.events.length),
    backstage,
    truncated,
  };
}
