// Incremental maintenance of the tables derived from `events` (sessions, visitors, visitor_stages
// and the report rollups), shared by the SQLite and D1 adapters. After a batch's rows are inserted, these
// statements fold only the NEWLY inserted rows (given by id; duplicates skipped by the insert
// are not among them) into the derived rows, with additive upserts, instead of rebuilding every
// touched session and visitor from all its events (sql/journey.ts refreshStatements, which stays
// the reference and what retention and erasure use). The aggregates are computed in SQL with the
// very expressions of the rebuild (sql/rollups.ts), over the new rows read back by primary key,
// so every column equals what a rebuild would give (test/collector/incremental.test.ts checks
// that on random deliveries). Columns that depend on order are kept with the (time, id) key of
// the event they came from (migration 0014) or re-read from `events` with one index seek each:
// no statement reads a session's or visitor's stored events beyond that, except a path rebuilt
// after a late step and a session's report row, both bounded by the session cap
// (collector/journey/session-cap.ts). So a batch costs what it holds (issue 16).
import { SQLITE_WRITE, type WriteDialect } from './dialect';
import { eventKey, journeySql } from './journey';
import type { Statement } from './statement';
import {
  HOUR_MS,
  INTERACTIVE,
  PATH_COLUMNS,
  PURCHASE,
  rollupSql,
  SESSION_FACTS_COLUMNS,
  STAGE_COLUMNS,
  STAGE_GROUP,
  TOUCH,
  TOUCHPOINT_COLUMNS,
  TOUCHPOINT_GROUP,
} from './rollups';
import type { StoredEvent } from '../types';

/** The incremental fold in one engine's dialect (built once per dialect). */
function incrementalSql(d: WriteDialect) {
  let built = cache.get(d);
  if (!built) cache.set(d, (built = buildIncrementalSql(d)));
  return built;
}
const cache = new Map<WriteDialect, ReturnType<typeof buildIncrementalSql>>();

function buildIncrementalSql(d: WriteDialect) {
  const { ENGAGED, REVENUE, STAGE_SELECT, TOUCHPOINT_SELECT, pathRowsSql, sessionFactsSql, touchHoursAdd } = rollupSql(d);
  const { LINK_USER } = journeySql(d);
  const ix = d.indexedBy;
  const us = d.unitSeparator;

  /**
   * The new rows of one batch, ?1 = site, ?2 = JSON array of their ids: a primary-key lookup per
   * id (CROSS JOIN keeps that order; with `id IN (…)` SQLite may rather scan a session index).
   */
  const NEW = `(SELECT e.* FROM ${d.jsonEach('?2', 'j')} ${d.crossJoin} events e ON e.site = ?1 AND e.id = j.value)`;
  /** Rows the report rollups take (sql/rollups.ts rollupStatementsFor keys them the same way). */
  const ROLLED = `(session <> '' OR (session IS NULL AND visitor <> ''))`;
  /** MIN of two values where NULL means "none" (SQLite's two-argument min() returns NULL then). */
  const least = (a: string, b: string) => `COALESCE(${d.min(a, b)}, ${a}, ${b})`;

  // Sessions: counts and sums added, bounds widened; the landing and exit pages replaced when a new
  // page view comes before (after) the one they came from, by key. `edge` packs a page view's key,
  // path and stage into one string whose MIN / MAX is the first / last page view of the new rows.
  const edge = (agg: 'MIN' | 'MAX') =>
    `${agg}(CASE WHEN type = 'pageview' THEN ${eventKey('', d)} || ${us} || ${d.jsonArray('path', 'stage')} END)`;
  const keyOf = (packed: string) => `substr(${packed}, 1, ${d.instr(packed, us)} - 1)`;
  const partOf = (packed: string, i: number) => d.jsonIndex(`substr(${packed}, ${d.instr(packed, us)} + 1)`, i);
  const S = d.old('sessions');
  const SESSION_ADD = `
INSERT INTO sessions (site, session, started, ended, bot, events, pageviews, engaged_ms, interactions, purchases, revenue,
  landing, landing_stage, landing_at, exit, exit_at)
SELECT site, session, started, ended, bot, events, pageviews, engaged_ms, interactions, purchases, revenue,
  ${partOf('first', 0)}, ${partOf('first', 1)}, ${keyOf('first')}, ${partOf('last', 0)}, ${keyOf('last')}
FROM (SELECT site, session, MIN(time) AS started, MAX(time) AS ended, MAX(bot) AS bot, COUNT(*) AS events, ${d.sumIf(`type = 'pageview'`)} AS pageviews,
    ${ENGAGED} AS engaged_ms, ${d.sumIf(INTERACTIVE)} AS interactions, ${d.sumIf(PURCHASE)} AS purchases, ${REVENUE} AS revenue,
    ${edge('MIN')} AS first, ${edge('MAX')} AS last
  FROM ${NEW} WHERE session <> '' GROUP BY ${d.groupAlso('site')}session)
WHERE true
ON CONFLICT (site, session) DO UPDATE SET
  started = ${d.min(`${S}started`, 'excluded.started')}, ended = ${d.max(`${S}ended`, 'excluded.ended')}, bot = ${d.max(`${S}bot`, 'excluded.bot')},
  events = ${S}events + excluded.events, pageviews = ${S}pageviews + excluded.pageviews, engaged_ms = ${S}engaged_ms + excluded.engaged_ms,
  interactions = ${S}interactions + excluded.interactions, purchases = ${S}purchases + excluded.purchases, revenue = ${S}revenue + excluded.revenue,
  landing = CASE WHEN excluded.landing_at < COALESCE(${S}landing_at, '~') THEN excluded.landing ELSE ${S}landing END,
  landing_stage = CASE WHEN excluded.landing_at < COALESCE(${S}landing_at, '~') THEN excluded.landing_stage ELSE ${S}landing_stage END,
  landing_at = ${least(`${S}landing_at`, 'excluded.landing_at')},
  exit = CASE WHEN excluded.exit_at > COALESCE(${S}exit_at, '') THEN excluded.exit ELSE ${S}exit END,
  exit_at = NULLIF(${d.max(`COALESCE(${S}exit_at, '')`, `COALESCE(excluded.exit_at, '')`)}, '')`;

  // The columns of the session's first event: one seek at the start of events_site_session.
  const SESSION_ORDERED = `
UPDATE sessions SET
  (visitor, channel, source, medium, campaign, content, term, device, browser, os, country) = (
    SELECT visitor, channel, source, medium, campaign, content, term, device, browser, os, country
    FROM events${ix('events_site_session')} WHERE site = sessions.site AND session = sessions.session ORDER BY time, id LIMIT 1)
WHERE site = ?1 AND session IN (SELECT DISTINCT session FROM ${NEW} WHERE session <> '')`;

  // Visitors: a session counts once per visitor, so a new row's session adds one only if the
  // visitor has no events in it yet (visitor_sessions, migration 0014: a primary-key lookup), which
  // VISITOR_SESSIONS_ADD then records.
  const V = d.old('visitors');
  const VISITOR_ADD = `
INSERT INTO visitors (site, visitor, first_seen, last_seen, sessions, purchases)
SELECT site, visitor, MIN(time), MAX(time),
  COUNT(DISTINCT CASE WHEN session IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM visitor_sessions o WHERE o.site = n.site AND o.visitor = n.visitor AND o.session = n.session) THEN session END),
  ${d.sumIf(PURCHASE)}
FROM ${NEW} n WHERE visitor <> '' GROUP BY ${d.groupAlso('site')}visitor
ON CONFLICT (site, visitor) DO UPDATE SET
  first_seen = ${d.min(`${V}first_seen`, 'excluded.first_seen')}, last_seen = ${d.max(`${V}last_seen`, 'excluded.last_seen')},
  sessions = ${V}sessions + excluded.sessions, purchases = ${V}purchases + excluded.purchases`;

  const VISITOR_SESSIONS_ADD = `
INSERT INTO visitor_sessions (site, visitor, session)
SELECT DISTINCT site, visitor, session FROM ${NEW} WHERE visitor <> '' AND session IS NOT NULL
ON CONFLICT DO NOTHING`;

  // The stages a visitor reached (migration 0005): a new row's stage is added if not there yet.
  const VISITOR_STAGES_ADD = `
INSERT INTO visitor_stages (site, visitor, stage)
SELECT DISTINCT site, visitor, stage FROM ${NEW} WHERE visitor <> '' AND stage IS NOT NULL
ON CONFLICT DO NOTHING`;

  /**
   * The latest non-null `col` of the visitor and its key: the new rows' latest one (`n.new_${col}`,
   * packed as in `edge`) replaces the stored one if its key is greater. A visitor whose earlier
   * rows identify just linked (LINK_USER changed stored rows: `n.linked`) has a user id on every
   * row, so its latest row gives it (one seek).
   */
  const latest = (col: 'user_id' | 'persona') => {
    const newer = `${keyOf(`n.new_${col}`)} > COALESCE(visitors.${col}_at, '')`;
    let value = `CASE WHEN ${newer} THEN ${partOf(`n.new_${col}`, 0)} ELSE visitors.${col} END`;
    let key = `CASE WHEN ${newer} THEN ${keyOf(`n.new_${col}`)} ELSE visitors.${col}_at END`;
    if (col === 'user_id') {
      const last = (what: string) => `(SELECT ${what} FROM events e${ix('events_site_visitor')}
      WHERE e.site = visitors.site AND e.visitor = visitors.visitor ORDER BY e.time DESC, e.id DESC LIMIT 1)`;
      value = `CASE WHEN ${d.truthy('n.linked')} THEN ${last('e.user_id')} ELSE ${value} END`;
      key = `CASE WHEN ${d.truthy('n.linked')} THEN ${last(eventKey('e.', d))} ELSE ${key} END`;
    }
    return `${col} = ${value}, ${col}_at = ${key}`;
  };
  const packed = (col: string) => `MAX(CASE WHEN ${col} IS NOT NULL THEN ${eventKey('', d)} || ${us} || ${d.jsonArray(col)} END)`;

  // `n`: one row per visitor of the new rows (and per linked visitor, ?3), grouped once over the
  // batch and joined to visitors by primary key. The site comes from `n` too: with
  // `visitors.site = ?1` the planner walks every visitor of the site instead. The stage is the
  // latest row's (one seek).
  const VISITOR_ORDERED = `
UPDATE visitors SET
  ${latest('user_id')},
  ${latest('persona')},
  stage = (SELECT stage FROM events${ix('events_site_visitor')}
    WHERE site = visitors.site AND visitor = visitors.visitor ORDER BY time DESC, id DESC LIMIT 1)
FROM (SELECT ?1 AS site, visitor, MAX(new_user_id) AS new_user_id, MAX(new_persona) AS new_persona, MAX(linked) AS linked FROM (
    SELECT visitor, ${packed('user_id')} AS new_user_id, ${packed('persona')} AS new_persona, 0 AS linked
    FROM ${NEW} WHERE visitor <> '' GROUP BY visitor
    UNION ALL SELECT value, NULL, NULL, 1 FROM ${d.jsonEach('?3')})
  GROUP BY visitor) AS n
WHERE visitors.site = n.site AND visitors.visitor = n.visitor`;

  // Report rollups: the very SELECT lists of the rebuild (sql/rollups.ts), over the new rows.
  const R = d.old('report_stages');
  const STAGES_ADD = `
INSERT INTO report_stages (${STAGE_COLUMNS})
SELECT ${STAGE_SELECT} FROM ${NEW} WHERE bot = 0 AND ${ROLLED} ${STAGE_GROUP}
ON CONFLICT (site, hour, session, visitor, stage, channel, device, country) DO UPDATE SET
  first_time = ${d.min(`${R}first_time`, 'excluded.first_time')}, events = ${R}events + excluded.events, touches = ${R}touches + excluded.touches,
  pageviews = ${R}pageviews + excluded.pageviews, interactions = ${R}interactions + excluded.interactions,
  engaged_ms = ${R}engaged_ms + excluded.engaged_ms, pains = ${R}pains + excluded.pains, feedbacks = ${R}feedbacks + excluded.feedbacks,
  feedback_sum = ${R}feedback_sum + excluded.feedback_sum, purchases = ${R}purchases + excluded.purchases,
  revenue = ${R}revenue + excluded.revenue, first_view = ${least(`${R}first_view`, 'excluded.first_view')}`;

  // report_touch_hours (migration 0007), before TOUCHPOINTS_ADD: the new rows' touches, and one
  // row more for each of their report_touchpoints groups with a session that is not stored yet.
  const TOUCH_HOURS_ADD = touchHoursAdd(`
SELECT site, stage, touchpoint, channel, hour,
  ${d.sumIf(`session <> '' AND NOT EXISTS (SELECT 1 FROM report_touchpoints t WHERE t.site = g.site AND t.hour = g.hour AND t.session = g.session
    AND t.visitor = g.visitor AND t.stage = g.stage AND t.touchpoint = g.touchpoint AND t.channel = g.channel AND t.device = g.device AND t.country = g.country)`)},
  SUM(touches)
FROM (SELECT ${TOUCHPOINT_SELECT} FROM ${NEW} WHERE bot = 0 AND ${TOUCH} AND ${ROLLED} ${TOUCHPOINT_GROUP}) g
WHERE true GROUP BY site, stage, touchpoint, channel, hour`);

  const TOUCHPOINTS_ADD = `
INSERT INTO report_touchpoints (${TOUCHPOINT_COLUMNS})
SELECT ${TOUCHPOINT_SELECT} FROM ${NEW} WHERE bot = 0 AND ${TOUCH} AND ${ROLLED} ${TOUCHPOINT_GROUP}
ON CONFLICT (site, hour, session, visitor, stage, touchpoint, channel, device, country) DO UPDATE SET
  touches = ${d.old('report_touchpoints')}touches + excluded.touches`;

  /** The stored touch events of a report_paths row's group (`r` = the row), `o` = events. */
  const pathGroup = (index: 'events_site_session' | 'events_site_visitor', r: string) => `
  events o${ix(index)} WHERE o.site = ${r}.site AND ${
    index === 'events_site_session'
      ? `o.session = ${r}.session AND COALESCE(o.visitor, '') = ${r}.visitor`
      : `o.visitor = ${r}.visitor AND o.session IS NULL`
  } AND o.time >= ${r}.hour * ${HOUR_MS} AND o.time < (${r}.hour + 1) * ${HOUR_MS}
  AND COALESCE(o.channel, '') = ${r}.channel AND COALESCE(o.device, '') = ${r}.device AND COALESCE(o.country, '') = ${r}.country
  AND o.bot = 0 AND o.${TOUCH}`;

  // Paths: a group's new steps are appended when none of its stored steps comes at or after the
  // first new one (the usual case: a session's events arrive in order); otherwise that one row's
  // steps are rebuilt from its hour of events, in (time, id) order.
  const P = d.old('report_paths');
  const PATHS_ADD = `
INSERT INTO report_paths (${PATH_COLUMNS}) ${pathRowsSql(ROLLED, NEW)}
ON CONFLICT (site, hour, session, visitor, channel, device, country) DO UPDATE SET
  first_time = ${d.min(`${P}first_time`, 'excluded.first_time')},
  steps = CASE
    WHEN excluded.session <> '' AND NOT EXISTS (SELECT 1 FROM ${pathGroup('events_site_session', 'excluded')}
        AND o.time >= excluded.first_time AND o.id NOT IN (SELECT value FROM ${d.jsonEach('?2')}))
      THEN substr(${P}steps, 1, length(${P}steps) - 1) || ',' || substr(excluded.steps, 2)
    WHEN excluded.session = '' AND NOT EXISTS (SELECT 1 FROM ${pathGroup('events_site_visitor', 'excluded')}
        AND o.time >= excluded.first_time AND o.id NOT IN (SELECT value FROM ${d.jsonEach('?2')}))
      THEN substr(${P}steps, 1, length(${P}steps) - 1) || ',' || substr(excluded.steps, 2)
    WHEN excluded.session <> '' THEN (SELECT ${d.jsonGroupArray(
      `COALESCE(o.touchpoint, '')`,
      ` OVER (ORDER BY o.time, o.id
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`,
    )} FROM ${pathGroup('events_site_session', 'excluded')} LIMIT 1)
    ELSE (SELECT ${d.jsonGroupArray(
      `COALESCE(o.touchpoint, '')`,
      ` OVER (ORDER BY o.time, o.id
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`,
    )} FROM ${pathGroup('events_site_visitor', 'excluded')} LIMIT 1)
  END`;

  // One report row per session (migration 0007): regrouped from the session's report_stages and
  // report_paths rows (a few, read by session) once STAGES_ADD and PATHS_ADD have folded the new
  // rows in. REPLACE:
  // the key holds first_hour, which a late earlier event moves; the unique (site, session) index
  // then drops the old row.
  const SESSION_FACTS_ADD = `
${d.insertOrReplace} INTO report_sessions (${SESSION_FACTS_COLUMNS})
${sessionFactsSql(`site = ?1 AND session IN (SELECT DISTINCT session FROM ${NEW} WHERE bot = 0 AND session <> '')`)}${d.replaceOn('site, session', SESSION_FACTS_COLUMNS)}`;

  return {
    LINK_USER,
    SESSION_ADD,
    SESSION_ORDERED,
    VISITOR_ADD,
    VISITOR_SESSIONS_ADD,
    VISITOR_STAGES_ADD,
    VISITOR_ORDERED,
    STAGES_ADD,
    TOUCH_HOURS_ADD,
    TOUCHPOINTS_ADD,
    PATHS_ADD,
    SESSION_FACTS_ADD,
  };
}

/**
 * Statements to run after a batch's rows were inserted, in the same transaction: link
 * identified visitors (for every identify row of the batch, stored now or before, as the
 * rebuild path does), then fold the newly inserted rows into sessions, visitors and rollups.
 * @param rows every row of the batch (for identify)
 * @param newRows the rows the insert stored (not the duplicates it skipped)
 */
export function incrementalStatements(
  rows: readonly StoredEvent[],
  newRows: readonly StoredEvent[],
  d: WriteDialect = SQLITE_WRITE,
): Statement[] {
  const q = incrementalSql(d); // cached per dialect
  const out: Statement[] = [];
  const links = new Set<string>();
  const linked = new Map<string, Set<string>>(); // site → visitors
  for (const r of rows)
    if (r.type === 'identify' && r.visitor && r.user_id) {
      const key = `${r.site}\0${r.visitor}\0${r.user_id}`;
      if (links.has(key)) continue;
      links.add(key);
      out.push({ sql: q.LINK_USER, params: [r.site, r.visitor, r.user_id] });
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
      out.push({ sql: q.SESSION_ADD, params: [site, newIds] }, { sql: q.SESSION_ORDERED, params: [site, newIds] });
      out.push(
        { sql: q.VISITOR_ADD, params: [site, newIds] },
        { sql: q.VISITOR_SESSIONS_ADD, params: [site, newIds] },
        { sql: q.VISITOR_STAGES_ADD, params: [site, newIds] },
      );
    }
    out.push({ sql: q.VISITOR_ORDERED, params: [site, newIds, linkedVisitors] });
    if (ids.has(site))
      for (const sql of [q.STAGES_ADD, q.TOUCH_HOURS_ADD, q.TOUCHPOINTS_ADD, q.PATHS_ADD, q.SESSION_FACTS_ADD])
        out.push({ sql, params: [site, newIds] });
  }
  return out;
}
