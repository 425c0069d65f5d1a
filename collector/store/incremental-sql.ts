// Incremental maintenance of the tables derived from `events` (sessions, visitors, visitor_stages
// and the report rollups), shared by the SQLite and D1 adapters. After a batch's rows are inserted, these
// statements fold only the NEWLY inserted rows (given by id; duplicates skipped by the insert
// are not among them) into the derived rows, with additive upserts, instead of rebuilding every
// touched session and visitor from all its events (journey-sql.ts refreshStatements, which stays
// the reference and what retention and erasure use). The aggregates are computed in SQL with the
// very expressions of the rebuild (report-sql.ts), over the new rows read back by primary key,
// so every column equals what a rebuild would give (test/collector/incremental.test.ts checks
// that on random deliveries). Columns that depend on order are re-read from `events` with one
// index seek each, never by scanning a session or visitor.
import { LINK_USER, type Statement } from './journey-sql';
import {
  ENGAGED,
  INTERACTIVE,
  HOUR_MS,
  PATH_COLUMNS,
  pathRowsSql,
  PURCHASE,
  REVENUE,
  SESSION_FACTS_COLUMNS,
  sessionFactsSql,
  STAGE_COLUMNS,
  STAGE_GROUP,
  STAGE_SELECT,
  TOUCH,
  TOUCHPOINT_COLUMNS,
  TOUCHPOINT_GROUP,
  TOUCHPOINT_SELECT,
  touchHoursAdd,
} from './report-sql';
import type { StoredEvent } from './types';

/**
 * The new rows of one batch, ?1 = site, ?2 = JSON array of their ids: a primary-key lookup per
 * id (CROSS JOIN keeps that order; with `id IN (…)` SQLite may rather scan a session index).
 */
const NEW = `(SELECT e.* FROM json_each(?2) j CROSS JOIN events e ON e.site = ?1 AND e.id = j.value)`;
/** Rows the report rollups take (report-sql.ts rollupStatementsFor keys them the same way). */
const ROLLED = `(session <> '' OR (session IS NULL AND visitor <> ''))`;
/** MIN of two values where NULL means "none" (SQLite's two-argument min() returns NULL then). */
const least = (a: string, b: string) => `COALESCE(min(${a}, ${b}), ${a}, ${b})`;

// Sessions: counts and sums added, bounds widened; the columns of the first event, the first and
// last page view re-read afterwards (each a seek at one end of events_site_session).
const SESSION_ADD = `
INSERT INTO sessions (site, session, started, ended, bot, events, pageviews, engaged_ms, interactions, purchases, revenue)
SELECT site, session, MIN(time), MAX(time), MAX(bot), COUNT(*), SUM(type = 'pageview'), ${ENGAGED},
  SUM(${INTERACTIVE}), SUM(${PURCHASE}), ${REVENUE}
FROM ${NEW} WHERE session <> '' GROUP BY session
ON CONFLICT (site, session) DO UPDATE SET
  started = min(started, excluded.started), ended = max(ended, excluded.ended), bot = max(bot, excluded.bot),
  events = events + excluded.events, pageviews = pageviews + excluded.pageviews, engaged_ms = engaged_ms + excluded.engaged_ms,
  interactions = interactions + excluded.interactions, purchases = purchases + excluded.purchases, revenue = revenue + excluded.revenue`;

const SESSION_ORDERED = `
UPDATE sessions SET
  (visitor, channel, source, medium, campaign, content, term, device, browser, os, country) = (
    SELECT visitor, channel, source, medium, campaign, content, term, device, browser, os, country
    FROM events INDEXED BY events_site_session WHERE site = sessions.site AND session = sessions.session ORDER BY time, id LIMIT 1),
  (landing, landing_stage) = (
    SELECT path, stage FROM events INDEXED BY events_site_session
    WHERE site = sessions.site AND session = sessions.session AND type = 'pageview' ORDER BY time, id LIMIT 1),
  exit = (SELECT path FROM events INDEXED BY events_site_session
    WHERE site = sessions.site AND session = sessions.session AND type = 'pageview' ORDER BY time DESC, id DESC LIMIT 1)
WHERE site = ?1 AND session IN (SELECT DISTINCT session FROM ${NEW} WHERE session <> '')`;

// Visitors: a session counts once per visitor, so a new row's session adds one only if no
// earlier stored row has it for this visitor (a seek in the session's own events).
const VISITOR_ADD = `
INSERT INTO visitors (site, visitor, first_seen, last_seen, sessions, purchases)
SELECT site, visitor, MIN(time), MAX(time),
  COUNT(DISTINCT CASE WHEN session IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM events o INDEXED BY events_site_session
    WHERE o.site = n.site AND o.session = n.session AND o.visitor = n.visitor AND o.id NOT IN (SELECT value FROM json_each(?2))) THEN session END),
  SUM(${PURCHASE})
FROM ${NEW} n WHERE visitor <> '' GROUP BY visitor
ON CONFLICT (site, visitor) DO UPDATE SET
  first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
  sessions = sessions + excluded.sessions, purchases = purchases + excluded.purchases`;

// The stages a visitor reached (migration 0005): a new row's stage is added if not there yet.
const VISITOR_STAGES_ADD = `
INSERT INTO visitor_stages (site, visitor, stage)
SELECT DISTINCT site, visitor, stage FROM ${NEW} WHERE visitor <> '' AND stage IS NOT NULL
ON CONFLICT DO NOTHING`;

/**
 * The latest non-null `col` of the visitor: it can only have changed if a new row carries one,
 * and then it is the latest among the rows from the latest such new row's time on (a short
 * backward walk of events_site_visitor). `n` (see VISITOR_ORDERED) gives, per visitor, that time
 * (`${col}_from`, NULL when no new row carries one) and whether its earlier rows identify just
 * linked (LINK_USER changed stored rows): then its latest user id is re-read outright (after the
 * link, the latest row has one).
 */
const latest = (col: 'user_id' | 'persona', linked: boolean) => {
  const bounded = `COALESCE((SELECT e.${col} FROM events e INDEXED BY events_site_visitor
      WHERE e.site = visitors.site AND e.visitor = visitors.visitor AND e.${col} IS NOT NULL AND e.time >= n.${col}_from
      ORDER BY e.time DESC, e.id DESC LIMIT 1), ${col})`;
  if (!linked) return bounded;
  return `CASE WHEN n.linked THEN (SELECT e.${col} FROM events e INDEXED BY events_site_visitor
      WHERE e.site = visitors.site AND e.visitor = visitors.visitor AND e.${col} IS NOT NULL ORDER BY e.time DESC, e.id DESC LIMIT 1)
    ELSE ${bounded} END`;
};

// `n`: one row per visitor of the new rows (and per linked visitor, ?3), grouped once over the
// batch and joined to visitors by primary key (a bound looked up per visitor in the new rows
// would read the whole batch once per visitor: quadratic in the batch size). The site comes
// from `n` too: with `visitors.site = ?1` the planner walks every visitor of the site instead.
const VISITOR_ORDERED = `
UPDATE visitors SET
  user_id = ${latest('user_id', true)},
  persona = ${latest('persona', false)},
  stage = (SELECT stage FROM events INDEXED BY events_site_visitor
    WHERE site = visitors.site AND visitor = visitors.visitor ORDER BY time DESC, id DESC LIMIT 1)
FROM (SELECT ?1 AS site, visitor, MAX(user_id_from) AS user_id_from, MAX(persona_from) AS persona_from, MAX(linked) AS linked FROM (
    SELECT visitor, CASE WHEN user_id IS NOT NULL THEN time END AS user_id_from, CASE WHEN persona IS NOT NULL THEN time END AS persona_from, 0 AS linked
    FROM ${NEW} WHERE visitor <> ''
    UNION ALL SELECT value, NULL, NULL, 1 FROM json_each(?3))
  GROUP BY visitor) AS n
WHERE visitors.site = n.site AND visitors.visitor = n.visitor`;

// Report rollups: the very SELECT lists of the rebuild (report-sql.ts), over the new rows.
const STAGES_ADD = `
INSERT INTO report_stages (${STAGE_COLUMNS})
SELECT ${STAGE_SELECT} FROM ${NEW} WHERE bot = 0 AND ${ROLLED} ${STAGE_GROUP}
ON CONFLICT (site, hour, session, visitor, stage, channel, device, country) DO UPDATE SET
  first_time = min(first_time, excluded.first_time), events = events + excluded.events, touches = touches + excluded.touches,
  pageviews = pageviews + excluded.pageviews, interactions = interactions + excluded.interactions,
  engaged_ms = engaged_ms + excluded.engaged_ms, pains = pains + excluded.pains, feedbacks = feedbacks + excluded.feedbacks,
  feedback_sum = feedback_sum + excluded.feedback_sum, purchases = purchases + excluded.purchases,
  revenue = revenue + excluded.revenue, first_view = ${least('first_view', 'excluded.first_view')}`;

// report_touch_hours (migration 0007), before TOUCHPOINTS_ADD: the new rows' touches, and one
// row more for each of their report_touchpoints groups with a session that is not stored yet.
const TOUCH_HOURS_ADD = touchHoursAdd(`
SELECT site, stage, touchpoint, channel, hour,
  SUM(session <> '' AND NOT EXISTS (SELECT 1 FROM report_touchpoints t WHERE t.site = g.site AND t.hour = g.hour AND t.session = g.session
    AND t.visitor = g.visitor AND t.stage = g.stage AND t.touchpoint = g.touchpoint AND t.channel = g.channel AND t.device = g.device AND t.country = g.country)),
  SUM(touches)
FROM (SELECT ${TOUCHPOINT_SELECT} FROM ${NEW} WHERE bot = 0 AND ${TOUCH} AND ${ROLLED} ${TOUCHPOINT_GROUP}) g
WHERE true GROUP BY site, stage, touchpoint, channel, hour`);

const TOUCHPOINTS_ADD = `
INSERT INTO report_touchpoints (${TOUCHPOINT_COLUMNS})
SELECT ${TOUCHPOINT_SELECT} FROM ${NEW} WHERE bot = 0 AND ${TOUCH} AND ${ROLLED} ${TOUCHPOINT_GROUP}
ON CONFLICT (site, hour, session, visitor, stage, touchpoint, channel, device, country) DO UPDATE SET
  touches = touches + excluded.touches`;

/** The stored touch events of a report_paths row's group (`r` = the row), `o` = events. */
const pathGroup = (index: 'events_site_session' | 'events_site_visitor', r: string) => `
  events o INDEXED BY ${index} WHERE o.site = ${r}.site AND ${
    index === 'events_site_session' ? `o.session = ${r}.session AND COALESCE(o.visitor, '') = ${r}.visitor` : `o.visitor = ${r}.visitor AND o.session IS NULL`
  } AND o.time >= ${r}.hour * ${HOUR_MS} AND o.time < (${r}.hour + 1) * ${HOUR_MS}
  AND COALESCE(o.channel, '') = ${r}.channel AND COALESCE(o.device, '') = ${r}.device AND COALESCE(o.country, '') = ${r}.country
  AND o.bot = 0 AND o.${TOUCH}`;

// Paths: a group's new steps are appended when none of its stored steps comes at or after the
// first new one (the usual case: a session's events arrive in order); otherwise that one row's
// steps are rebuilt from its hour of events, in (time, id) order.
const PATHS_ADD = `
INSERT INTO report_paths (${PATH_COLUMNS}) ${pathRowsSql(ROLLED, NEW)}
ON CONFLICT (site, hour, session, visitor, channel, device, country) DO UPDATE SET
  first_time = min(first_time, excluded.first_time),
  steps = CASE
    WHEN excluded.session <> '' AND NOT EXISTS (SELECT 1 FROM ${pathGroup('events_site_session', 'excluded')}
        AND o.time >= excluded.first_time AND o.id NOT IN (SELECT value FROM json_each(?2)))
      THEN substr(steps, 1, length(steps) - 1) || ',' || substr(excluded.steps, 2)
    WHEN excluded.session = '' AND NOT EXISTS (SELECT 1 FROM ${pathGroup('events_site_visitor', 'excluded')}
        AND o.time >= excluded.first_time AND o.id NOT IN (SELECT value FROM json_each(?2)))
      THEN substr(steps, 1, length(steps) - 1) || ',' || substr(excluded.steps, 2)
    WHEN excluded.session <> '' THEN (SELECT json_group_array(COALESCE(o.touchpoint, '')) OVER (ORDER BY o.time, o.id
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM ${pathGroup('events_site_session', 'excluded')} LIMIT 1)
    ELSE (SELECT json_group_array(COALESCE(o.touchpoint, '')) OVER (ORDER BY o.time, o.id
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM ${pathGroup('events_site_visitor', 'excluded')} LIMIT 1)
  END`;

// One report row per session (migration 0007): regrouped from the session's report_stages and
// report_paths rows (a few, read by session) once STAGES_ADD and PATHS_ADD have folded the new
// rows in. REPLACE:
// the key holds first_hour, which a late earlier event moves; the unique (site, session) index
// then drops the old row.
const SESSION_FACTS_ADD = `
INSERT OR REPLACE INTO report_sessions (${SESSION_FACTS_COLUMNS})
${sessionFactsSql(`site = ?1 AND session IN (SELECT DISTINCT session FROM ${NEW} WHERE bot = 0 AND session <> '')`)}`;

/**
 * Statements to run after a batch's rows were inserted, in the same transaction: link
 * identified visitors (for every identify row of the batch, stored now or before, as the
 * rebuild path does), then fold the newly inserted rows into sessions, visitors and rollups.
 * @param rows every row of the batch (for identify)
 * @param newRows the rows the insert stored (not the duplicates it skipped)
 */
export function incrementalStatements(rows: readonly StoredEvent[], newRows: readonly StoredEvent[]): Statement[] {
  const out: Statement[] = [];
  const links = new Set<string>();
  const linked = new Map<string, Set<string>>(); // site → visitors
  for (const r of rows)
    if (r.type === 'identify' && r.visitor && r.user_id) {
      const key = `${r.site}\0${r.visitor}\0${r.user_id}`;
      if (links.has(key)) continue;
      links.add(key);
      out.push({ sql: LINK_USER, params: [r.site, r.visitor, r.user_id] });
      let s = linked.get(r.site);
      if (!s) linked.set(r.site, (s = new Set()));
      s.add(r.visitor);
    }
  const ids = new Map<string, string[]>(); // site → new ids
  for (const r of newRows) {
    let list = ids.get(r.site);
    if (!list) ids.set(r.site, (list = []));
    list.push(r.id);
  }
  for (const site of new Set([...ids.keys(), ...linked.keys()])) {
    const newIds = JSON.stringify(ids.get(site) ?? []);
    const linkedVisitors = JSON.stringify([...(linked.get(site) ?? [])]);
    if (ids.has(site)) {
      out.push({ sql: SESSION_ADD, params: [site, newIds] }, { sql: SESSION_ORDERED, params: [site, newIds] });
      out.push({ sql: VISITOR_ADD, params: [site, newIds] }, { sql: VISITOR_STAGES_ADD, params: [site, newIds] });
    }
    out.push({ sql: VISITOR_ORDERED, params: [site, newIds, linkedVisitors] });
    if (ids.has(site))
      for (const sql of [STAGES_ADD, TOUCH_HOURS_ADD, TOUCHPOINTS_ADD, PATHS_ADD, SESSION_FACTS_ADD]) out.push({ sql, params: [site, newIds] });
  }
  return out;
}
