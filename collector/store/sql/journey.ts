// SQL of the journey tables, shared by the SQLite and D1 adapters (both speak SQLite): the
// statements that refresh `sessions`, `visitors` and `visitor_stages` from `events`, link an identified
// visitor's earlier events, and read what ingest needs to know before storing a batch.
import type { JourneyContext, JourneyKeys, SessionTail, StoredEvent } from '../types';
import { SQLITE_WRITE, type WriteDialect } from './dialect';
import type { Statement } from './statement';
import { INTERACTIVE, PURCHASE, rollupSql } from './rollups';

export type { Statement } from './statement';

/**
 * An event's place in (time, id) order as one sortable string (migration 0014): what the
 * derived rows keep of the event that gave a landing page, exit page, user id or persona.
 */
export const eventKey = (t = '', d: WriteDialect = SQLITE_WRITE) => `${d.timeKey(`${t}time`)} || ${t}id`;

export type ContextKind = 'purchase' | 'session' | 'tail' | 'user';

/** The journey tables' SQL in one engine's dialect (built once per dialect; the exports below are SQLite's). */
export function journeySql(d: WriteDialect) {
  let built = cache.get(d);
  if (!built) cache.set(d, (built = buildJourneySql(d)));
  return built;
}
const cache = new Map<WriteDialect, ReturnType<typeof buildJourneySql>>();

function buildJourneySql(d: WriteDialect) {
  const { ENGAGED, REVENUE, rollupStatementsFor } = rollupSql(d);
  const key = (t = '') => eventKey(t, d);
  const ix = d.indexedBy;

  const REFRESH_SESSION = `
WITH s AS (SELECT * FROM events WHERE site = ?1 AND session = ?2),
first AS (SELECT * FROM s ORDER BY time, id LIMIT 1),
agg AS (
  SELECT MIN(time) AS started, MAX(time) AS ended, MAX(bot) AS bot, COUNT(*) AS events,
    ${d.sumIf(`type = 'pageview'`)} AS pageviews,
    ${ENGAGED} AS engaged_ms,
    ${d.sumIf(INTERACTIVE)} AS interactions,
    ${d.sumIf(PURCHASE)} AS purchases,
    ${REVENUE} AS revenue
  FROM s
)
INSERT INTO sessions (site, session, visitor, started, ended, landing, landing_stage, landing_at, exit, exit_at, channel, source, medium,
  campaign, content, term, device, browser, os, country, bot, events, pageviews, engaged_ms, interactions, purchases, revenue)
SELECT ?1, ?2, first.visitor, agg.started, agg.ended,
  (SELECT path FROM s WHERE type = 'pageview' ORDER BY time, id LIMIT 1),
  (SELECT stage FROM s WHERE type = 'pageview' ORDER BY time, id LIMIT 1),
  (SELECT ${key()} FROM s WHERE type = 'pageview' ORDER BY time, id LIMIT 1),
  (SELECT path FROM s WHERE type = 'pageview' ORDER BY time DESC, id DESC LIMIT 1),
  (SELECT ${key()} FROM s WHERE type = 'pageview' ORDER BY time DESC, id DESC LIMIT 1),
  first.channel, first.source, first.medium, first.campaign, first.content, first.term,
  first.device, first.browser, first.os, first.country,
  agg.bot, agg.events, agg.pageviews, agg.engaged_ms, agg.interactions, agg.purchases, agg.revenue
FROM first, agg WHERE true
ON CONFLICT (site, session) DO UPDATE SET
  visitor = excluded.visitor, started = excluded.started, ended = excluded.ended, landing = excluded.landing,
  landing_stage = excluded.landing_stage, landing_at = excluded.landing_at, exit = excluded.exit, exit_at = excluded.exit_at, channel = excluded.channel, source = excluded.source,
  medium = excluded.medium, campaign = excluded.campaign, content = excluded.content, term = excluded.term,
  device = excluded.device, browser = excluded.browser, os = excluded.os, country = excluded.country, bot = excluded.bot,
  events = excluded.events, pageviews = excluded.pageviews, engaged_ms = excluded.engaged_ms,
  interactions = excluded.interactions, purchases = excluded.purchases, revenue = excluded.revenue`;

  const REFRESH_VISITOR = `
WITH v AS (SELECT * FROM events WHERE site = ?1 AND visitor = ?2)
INSERT INTO visitors (site, visitor, user_id, user_id_at, persona, persona_at, first_seen, last_seen, stage, sessions, purchases)
SELECT ?1, ?2,
  (SELECT user_id FROM v WHERE user_id IS NOT NULL ORDER BY time DESC, id DESC LIMIT 1),
  (SELECT ${key()} FROM v WHERE user_id IS NOT NULL ORDER BY time DESC, id DESC LIMIT 1),
  (SELECT persona FROM v WHERE persona IS NOT NULL ORDER BY time DESC, id DESC LIMIT 1),
  (SELECT ${key()} FROM v WHERE persona IS NOT NULL ORDER BY time DESC, id DESC LIMIT 1),
  MIN(time), MAX(time),
  (SELECT stage FROM v ORDER BY time DESC, id DESC LIMIT 1),
  COUNT(DISTINCT session), ${d.sumIf(PURCHASE)}
FROM v WHERE true HAVING COUNT(*) > 0 -- a visitor without events (all erased) gets no row
ON CONFLICT (site, visitor) DO UPDATE SET
  user_id = excluded.user_id, user_id_at = excluded.user_id_at, persona = excluded.persona, persona_at = excluded.persona_at, first_seen = excluded.first_seen,
  last_seen = excluded.last_seen, stage = excluded.stage, sessions = excluded.sessions, purchases = excluded.purchases`;

  /**
   * The distinct stages of the visitor's events (migration 0005). Adds only: where events were
   * deleted, the caller deletes the visitor's rows first (sql/lifecycle.ts rederive).
   */
  const REFRESH_VISITOR_STAGES = `
INSERT INTO visitor_stages (site, visitor, stage)
SELECT DISTINCT site, visitor, stage FROM events WHERE site = ?1 AND visitor = ?2 AND stage IS NOT NULL
ON CONFLICT DO NOTHING`;

  /**
   * The sessions the visitor has events in (migration 0014). Adds only: where events were deleted,
   * the caller deletes the visitor's rows first (sql/lifecycle.ts rederive). Through the visitor's
   * index: with `session IS NOT NULL` the planner would otherwise walk the site's session index,
   * every event of the site per visitor (retention of 16 k visitors took 75 s instead of 2 s).
   */
  const REFRESH_VISITOR_SESSIONS = `
INSERT INTO visitor_sessions (site, visitor, session)
SELECT DISTINCT site, visitor, session FROM events${ix('events_site_visitor')} WHERE site = ?1 AND visitor = ?2 AND session IS NOT NULL
ON CONFLICT DO NOTHING`;

  /**
   * `identify` links the visitor's earlier, anonymous events to the user: through the index of the
   * events still without one (migration 0014), so each event is linked once and a visitor's linked
   * history is never walked again.
   */
  const LINK_USER = `UPDATE events${ix('events_site_visitor_anon')} SET user_id = ?3 WHERE site = ?1 AND visitor = ?2 AND user_id IS NULL`;

  /**
   * Statements that link identified visitors, then rebuild every session and visitor the rows
   * name (and their report rollups) from all their events. Insert no longer runs these: it folds
   * only the new rows in (sql/incremental.ts); they are the reference that does (its property
   * test compares the two) and what retention and erasure use after deleting events.
   */
  function refreshStatements(rows: readonly StoredEvent[]): Statement[] {
    const out: Statement[] = [];
    const seen = new Set<string>();
    const once = (key: string, s: Statement) => {
      if (!seen.has(key)) (out.push(s), seen.add(key));
    };
    for (const r of rows)
      if (r.type === 'identify' && r.visitor && r.user_id)
        once(`u\0${r.site}\0${r.visitor}\0${r.user_id}`, { sql: LINK_USER, params: [r.site, r.visitor, r.user_id] });
    for (const r of rows) if (r.session) once(`s\0${r.site}\0${r.session}`, { sql: REFRESH_SESSION, params: [r.site, r.session] });
    for (const r of rows)
      if (r.visitor) {
        once(`v\0${r.site}\0${r.visitor}`, { sql: REFRESH_VISITOR, params: [r.site, r.visitor] });
        once(`vs\0${r.site}\0${r.visitor}`, { sql: REFRESH_VISITOR_STAGES, params: [r.site, r.visitor] });
        once(`vss\0${r.site}\0${r.visitor}`, { sql: REFRESH_VISITOR_SESSIONS, params: [r.site, r.visitor] });
      }
    for (const s of rollupStatementsFor(rows)) out.push(s); // the report rollups (migration 0003); no spread: the list may be long
    return out;
  }

  /** D1 binds at most 100 parameters per statement: IN lists are split into chunks of this size. */
  const CHUNK = 90;

  const chunks = <T>(list: readonly T[]): T[][] => {
    const out: T[][] = [];
    for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
    return out;
  };
  const inList = (n: number, offset = 1) => Array.from({ length: n }, (_, i) => `?${i + offset + 1}`).join(', ');

  /** The queries behind {@link JourneyContext}, each tagged with what its rows mean. */
  function contextQueries(site: string, keys: JourneyKeys): { kind: ContextKind; stmt: Statement }[] {
    const out: { kind: ContextKind; stmt: Statement }[] = [];
    // Each visitor's first purchase: one seek in the partial index of purchases (migration 0004),
    // whatever the visitor's history; the bare columns come from the row MIN() picked.
    for (const ids of chunks(keys.visitors))
      out.push({
        kind: 'purchase',
        stmt: {
          sql: `SELECT visitor, MIN(time) AS time, ${d.ofMin('session', 'time', 'session')} FROM events${ix('events_site_purchase')}
          WHERE site = ?1 AND visitor IN (${inList(ids.length)}) AND type = 'checkout' AND name = 'purchase' AND bot = 0 GROUP BY visitor`,
          params: [site, ...ids],
        },
      });
    for (const ids of chunks(keys.sessions))
      out.push({
        kind: 'session',
        stmt: {
          sql: `SELECT session, channel, source, medium, campaign, content, term, landing FROM sessions WHERE site = ?1 AND session IN (${inList(ids.length)})`,
          params: [site, ...ids],
        },
      });
    // Each session's parts (itself and its continuations `<session>~<n>`, session-cap.ts): the
    // session by key and its continuations by one key range.
    if (keys.sessions.length)
      out.push({
        kind: 'tail',
        stmt: {
          sql: `SELECT j.value AS root, s.session, s.events FROM ${d.jsonEach('?2', 'j')} ${d.crossJoin} sessions s ON s.site = ?1 AND s.session = j.value
          UNION ALL SELECT j.value, s.session, s.events FROM ${d.jsonEach('?2', 'j')} ${d.crossJoin} sessions s
            ON s.site = ?1 AND s.session > j.value || '~' AND s.session < j.value || '~:'`,
          params: [site, JSON.stringify(keys.sessions)],
        },
      });
    for (const ids of chunks(keys.users))
      out.push({
        kind: 'user',
        stmt: {
          sql: `SELECT user_id, visitor FROM visitors WHERE site = ?1 AND user_id IN (${inList(ids.length)}) ORDER BY last_seen`,
          params: [site, ...ids],
        },
      });
    return out;
  }

  return {
    REFRESH_SESSION,
    REFRESH_VISITOR,
    REFRESH_VISITOR_STAGES,
    REFRESH_VISITOR_SESSIONS,
    LINK_USER,
    refreshStatements,
    contextQueries,
  };
}

const sqlite = journeySql(SQLITE_WRITE);
export const { REFRESH_SESSION, REFRESH_VISITOR, REFRESH_VISITOR_STAGES, REFRESH_VISITOR_SESSIONS, LINK_USER } = sqlite;
/**
 * Statements that link identified visitors, then rebuild every session and visitor the rows
 * name (and their report rollups) from all their events (SQLite; journeySql(d) for another engine).
 */
export const refreshStatements = sqlite.refreshStatements;
/** The queries behind {@link JourneyContext}, each tagged with what its rows mean (SQLite). */
export const contextQueries = sqlite.contextQueries;

/** Folds the rows of {@link contextQueries} into a {@link JourneyContext}. */
export function buildContext(results: { kind: ContextKind; rows: Record<string, unknown>[] }[]): JourneyContext {
  const tails = new Map<string, SessionTail>();
  const ctx: JourneyContext = { firstPurchases: new Map(), sessions: new Map(), sessionTails: tails, userVisitors: new Map() };
  const str = (v: unknown) => (v == null ? null : String(v));
  for (const { kind, rows } of results)
    for (const r of rows) {
      if (kind === 'purchase') {
        ctx.firstPurchases.set(String(r.visitor), { time: Number(r.time), session: str(r.session) });
      } else if (kind === 'tail') {
        const root = String(r.root);
        const part = r.session === root ? 1 : Number(String(r.session).slice(root.length + 1));
        if (Number.isInteger(part) && part >= (tails.get(root)?.part ?? 0)) tails.set(root, { part, events: Number(r.events) });
      } else if (kind === 'session') {
        ctx.sessions.set(String(r.session), {
          channel: str(r.channel),
          source: str(r.source),
          medium: str(r.medium),
          campaign: str(r.campaign),
          content: str(r.content),
          term: str(r.term),
          landing: str(r.landing),
        });
      } else {
        ctx.userVisitors.set(String(r.user_id), String(r.visitor)); // ordered by last_seen: the latest wins
      }
    }
  return ctx;
}
