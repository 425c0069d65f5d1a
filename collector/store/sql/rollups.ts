// SQL of the report rollups (migration 0003), shared by the SQLite and D1 adapters and by the
// report itself: the same SELECT builds a rollup row from `events` on insert and, at report
// time, the rows of the partial hours at the ends of a period (collector/store/sql/reads/query.ts), so
// both halves of a figure are computed by one definition.
import { LIMITS } from '../../../sdk/schema';
import {
  BOUNCE_ENGAGED_MS,
  ENGAGEMENT_TYPE,
  FEEDBACK_SCORE,
  HOUR_MS,
  INTERACTIVE_NAMES,
  INTERACTIVE_TYPES,
  PAIN_KINDS,
  PURCHASE_EVENT,
  TOUCH_TYPES,
} from '../../metrics';
import { SQLITE_WRITE, type WriteDialect } from './dialect';
import type { Statement } from './statement';
import type { StoredEvent } from '../types';

export { BOUNCE_ENGAGED_MS, HOUR_MS } from '../../metrics';

const quoted = (list: readonly string[]) => list.map((k) => `'${k}'`).join(', ');

/**
 * A bounce (docs/journey.md; collector/metrics.ts): exactly one page view, under
 * BOUNCE_ENGAGED_MS engaged, no interactive event — over columns of those names (sessions, report_sessions).
 */
export const bouncedSql = (pageviews = 'pageviews', engaged = 'engaged_ms', interactions = 'interactions') =>
  `(${pageviews} = 1 AND ${engaged} < ${BOUNCE_ENGAGED_MS} AND ${interactions} = 0)`;

/** Page views and actions: the events that have a touchpoint in the report's sense (metrics.ts TOUCH_TYPES). */
export const TOUCH = `type IN (${quoted(TOUCH_TYPES)})`;
/** docs/journey.md, bounce: what counts as the customer doing something (metrics.ts). */
export const INTERACTIVE = `(type IN (${quoted(INTERACTIVE_TYPES)})${INTERACTIVE_NAMES.map((n) => ` OR name = '${n}'`).join('')})`;
export const PURCHASE = `(type = '${PURCHASE_EVENT.type}' AND name = '${PURCHASE_EVENT.name}')`;
/** The pain points the report counts (docs/journey.md, pain points; metrics.ts). */
export { PAIN_KINDS } from '../../metrics';
export const PAIN = `(type = 'pain' AND name IN (${quoted(PAIN_KINDS)}))`;

/** Columns of report_stages, in table order. */
export const STAGE_COLUMNS =
  'site, hour, session, visitor, stage, channel, device, country, first_time, events, touches, pageviews, interactions, engaged_ms, pains, feedbacks, feedback_sum, purchases, revenue, first_view';
export const STAGE_GROUP = 'GROUP BY 1, 2, 3, 4, 5, 6, 7, 8';
/** Columns of report_touchpoints. */
export const TOUCHPOINT_COLUMNS = 'site, hour, session, visitor, stage, touchpoint, channel, device, country, touches';
export const TOUCHPOINT_GROUP = 'GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9';
/** Columns of report_paths. */
export const PATH_COLUMNS = 'site, hour, session, visitor, channel, device, country, first_time, steps';
/** Columns of report_sessions (migration 0007), in table order. */
export const SESSION_FACTS_COLUMNS =
  'site, first_hour, session, last_hour, visitor, channel, device, country, uniform, reached, touches, pageviews, interactions, engaged_ms, purchases, revenue, landing, landing_stage, steps, checkout, checkout_last, checkout_next, summary';
/** Columns of report_touch_hours (migration 0007). */
export const TOUCH_HOUR_COLUMNS = 'site, stage, touchpoint, channel, hour, rollup_rows, touches';
const TOUCH_HOUR_KEY = 'site, stage, touchpoint, channel, hour';

/** The grouping columns every rollup shares ('' for a missing value). */
const KEY = `site, time / ${HOUR_MS} AS hour, COALESCE(session, '') AS session, COALESCE(visitor, '') AS visitor`;
const SEGMENT = `COALESCE(channel, '') AS channel, COALESCE(device, '') AS device, COALESCE(country, '') AS country`;
const BY_SESSION = `site = ?1 AND session = ?2`;
const BY_VISITOR = `site = ?1 AND session IS NULL AND visitor = ?2`;

/** The rollup SQL in one engine's dialect (built once per dialect; the exports below are SQLite's). */
export function rollupSql(d: WriteDialect) {
  let built = cache.get(d);
  if (!built) cache.set(d, (built = buildRollupSql(d)));
  return built;
}
const cache = new Map<WriteDialect, ReturnType<typeof buildRollupSql>>();

function buildRollupSql(d: WriteDialect) {
  /** A feedback event's score as a number. */
  const SCORE = d.jsonNumber('props', 'score', 'REAL');
  // COALESCE: json_type() is NULL for a feedback without props or score, and a NULL here would
  // make SUM() NULL and fail report_stages' NOT NULL (a 503 for a valid event; found by fuzzing).
  const FEEDBACK = `COALESCE(type = 'feedback' AND ${d.jsonIsNumber('props', 'score')} AND ${SCORE} BETWEEN ${FEEDBACK_SCORE.min} AND ${FEEDBACK_SCORE.max}, ${d.false})`;
  const amount = (key: string) => d.clamp(`-${LIMITS.amount}`, LIMITS.amount, d.jsonNumber('props', key, 'REAL'));
  const ENGAGED = `COALESCE(SUM(CASE WHEN type = '${ENGAGEMENT_TYPE}' THEN ${d.clamp(0, LIMITS.engagedMs, d.jsonNumber('props', 'engaged_ms', 'INTEGER'))} END), 0)`;
  const REVENUE = `COALESCE(SUM(CASE WHEN ${PURCHASE} THEN ${amount('value')} END), 0)`;
  const ix = d.indexedBy;

  const STAGE_SELECT = `${KEY}, COALESCE(stage, '') AS stage, ${SEGMENT},
  MIN(time) AS first_time, COUNT(*) AS events,
  ${d.sumIf(TOUCH)} AS touches, ${d.sumIf(`type = 'pageview'`)} AS pageviews, ${d.sumIf(INTERACTIVE)} AS interactions,
  ${ENGAGED} AS engaged_ms,
  ${d.sumIf(PAIN)} AS pains, ${d.sumIf(FEEDBACK)} AS feedbacks,
  COALESCE(SUM(CASE WHEN ${FEEDBACK} THEN ${SCORE} END), 0) AS feedback_sum,
  ${d.sumIf(PURCHASE)} AS purchases,
  ${REVENUE} AS revenue,
  MIN(CASE WHEN type = 'pageview' THEN ${d.timeKey('time')} || id || ${d.unitSeparator} || COALESCE(path, name) END) AS first_view`;
  const TOUCHPOINT_SELECT = `${KEY}, COALESCE(stage, '') AS stage, COALESCE(touchpoint, '') AS touchpoint, ${SEGMENT}, COUNT(*) AS touches`;

  const pathRowsSql = (where: string, from = 'events') => `SELECT DISTINCT site, hour, session, visitor, channel, device, country,
    MIN(time) OVER w AS first_time, ${d.jsonGroupArray('touchpoint', ' OVER w')} AS steps
  FROM (SELECT ${KEY}, ${SEGMENT}, time, id, COALESCE(touchpoint, '') AS touchpoint FROM ${from} WHERE ${where} AND bot = 0 AND ${TOUCH})
  WINDOW w AS (PARTITION BY site, hour, session, visitor, channel, device, country ORDER BY time, id
    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`;

  const us = d.unitSeparator;
  const sessionFactsSql = (
    where: string,
  ) => `SELECT site, first_hour, session, last_hour, visitor, channel, device, country, uniform, reached, touches, pageviews, interactions, engaged_ms, purchases, revenue, landing, landing_stage, steps, checkout, checkout_last, checkout_next,
  '[' || ${d.jsonQuote('visitor')} || ',1,' || ${d.jsonQuote('channel')} || ',' || ${d.asInt(bouncedSql())} || ',' || ${d.jsonQuote('landing')} || ',' || ${d.jsonQuote('landing_stage')} || ',' || reached || ']'
FROM (SELECT f.site AS site, MIN(h0) AS first_hour, f.session AS session, MAX(h1) AS last_hour, MIN(v1) AS visitor, MIN(c1) AS channel, MIN(d1) AS device, MIN(k1) AS country,
  ${d.asInt('MIN(v1) = MAX(v2) AND MIN(c1) = MAX(c2) AND MIN(d1) = MAX(d2) AND MIN(k1) = MAX(k2)')} AS uniform,
  ${d.jsonGroupObject('stage', 't', 'stage')} AS reached,
  SUM(touches) AS touches, SUM(pageviews) AS pageviews, SUM(interactions) AS interactions, SUM(engaged_ms) AS engaged_ms,
  SUM(purchases) AS purchases, SUM(revenue) AS revenue,
  substr(MIN(fv), ${d.instr('MIN(fv)', us)} + 1) AS landing, substr(MIN(fvs), ${d.instr('MIN(fvs)', us)} + 1) AS landing_stage,
  COALESCE((SELECT '[' || ${d.stringAggOrdered('substr(p.steps, 2, length(p.steps) - 2)', `','`, 'p.first_time, p.hour, p.visitor, p.channel, p.device, p.country')} || ']'
    FROM report_paths p${ix('report_paths_session')} WHERE p.site = f.site AND p.session = f.session), '[]') AS steps,
  ${d.bare('c.checkout')} AS checkout, ${d.bare('c.last')} AS checkout_last,
  (SELECT touchpoint FROM events${ix('events_site_session')} WHERE site = f.site AND session = f.session AND bot = 0 AND ${TOUCH}
    AND time > ${d.bare('c.last')} ORDER BY time, id LIMIT 1) AS checkout_next
FROM (SELECT site, session, stage, MIN(hour) AS h0, MAX(hour) AS h1,
    MIN(visitor) AS v1, MAX(visitor) AS v2, MIN(channel) AS c1, MAX(channel) AS c2,
    MIN(device) AS d1, MAX(device) AS d2, MIN(country) AS k1, MAX(country) AS k2, MIN(first_time) AS t,
    SUM(touches) AS touches, SUM(pageviews) AS pageviews, SUM(interactions) AS interactions, SUM(engaged_ms) AS engaged_ms,
    SUM(purchases) AS purchases, SUM(revenue) AS revenue,
    MIN(first_view) AS fv, substr(MIN(first_view), 1, ${d.instr('MIN(first_view)', us)}) || stage AS fvs
  FROM report_stages${ix('report_stages_session')} WHERE ${where} AND session <> '' GROUP BY site, session, stage) f
LEFT JOIN (SELECT session, NULLIF(${d.jsonGroupObject('name', 't', 'name')}, '{}') AS checkout, MAX(last) AS last FROM (
    SELECT session, name, MIN(time) AS t, MAX(time) AS last FROM events${ix('events_session_checkout')}
    WHERE ${where} AND type = 'checkout' AND bot = 0 GROUP BY session, name) GROUP BY session) c ON c.session = f.session
GROUP BY f.site, f.session)`;

  const o = d.old('report_touch_hours');
  const touchHoursAdd = (select: string) => `INSERT INTO report_touch_hours (${TOUCH_HOUR_COLUMNS}) ${select}
ON CONFLICT (${TOUCH_HOUR_KEY}) DO UPDATE SET rollup_rows = ${o}rollup_rows + excluded.rollup_rows, touches = ${o}touches + excluded.touches`;
  const touchHoursOf = (where: string) => `SELECT ${TOUCH_HOUR_KEY}, COUNT(*) FILTER (WHERE session <> ''), SUM(touches)
  FROM report_touchpoints${ix('report_touchpoints_session')} WHERE ${where} GROUP BY ${TOUCH_HOUR_KEY}`;

  // INDEXED BY: without statistics SQLite would rather walk the site's whole primary key.
  // report_touch_hours: the touchpoint rows' share taken off before they are rebuilt and added
  // back after (rollupStatements then deletes the keys left without rows).
  const rebuild = (where: string, rollupWhere: string): string[] => [
    `DELETE FROM report_stages${ix('report_stages_session')} WHERE ${rollupWhere}`,
    `INSERT INTO report_stages (${STAGE_COLUMNS}) SELECT ${STAGE_SELECT} FROM events WHERE ${where} AND bot = 0 ${STAGE_GROUP}`,
    `UPDATE report_touch_hours SET rollup_rows = rollup_rows - o.r, touches = touches - o.t
   FROM (SELECT ${TOUCH_HOUR_KEY}, COUNT(*) FILTER (WHERE session <> '') AS r, SUM(touches) AS t
     FROM report_touchpoints${ix('report_touchpoints_session')} WHERE ${rollupWhere} GROUP BY ${TOUCH_HOUR_KEY}) AS o
   WHERE report_touch_hours.site = o.site AND report_touch_hours.stage = o.stage AND report_touch_hours.touchpoint = o.touchpoint
     AND report_touch_hours.channel = o.channel AND report_touch_hours.hour = o.hour`,
    `DELETE FROM report_touchpoints${ix('report_touchpoints_session')} WHERE ${rollupWhere}`,
    `INSERT INTO report_touchpoints (${TOUCHPOINT_COLUMNS}) SELECT ${TOUCHPOINT_SELECT} FROM events WHERE ${where} AND bot = 0 AND ${TOUCH} ${TOUCHPOINT_GROUP}`,
    touchHoursAdd(touchHoursOf(rollupWhere)),
    `DELETE FROM report_paths${ix('report_paths_session')} WHERE ${rollupWhere}`,
    `INSERT INTO report_paths (${PATH_COLUMNS}) ${pathRowsSql(where)}`,
  ];
  const SESSION_REBUILD = [
    ...rebuild(BY_SESSION, `site = ?1 AND session = ?2`),
    `DELETE FROM report_sessions${ix('report_sessions_session')} WHERE site = ?1 AND session = ?2`,
    `INSERT INTO report_sessions (${SESSION_FACTS_COLUMNS}) ${sessionFactsSql('site = ?1 AND session = ?2')}`,
  ];
  const VISITOR_REBUILD = rebuild(BY_VISITOR, `site = ?1 AND session = '' AND visitor = ?2`);
  const PRUNE_TOUCH_HOURS = `DELETE FROM report_touch_hours${ix('report_touch_hours_empty')} WHERE site = ?1 AND touches = 0`;

  const rollupStatements = (site: string, sessions: Iterable<string>, sessionlessVisitors: Iterable<string> = []): Statement[] => {
    const out: Statement[] = [];
    for (const s of new Set(sessions)) for (const sql of SESSION_REBUILD) out.push({ sql, params: [site, s] });
    for (const v of new Set(sessionlessVisitors)) for (const sql of VISITOR_REBUILD) out.push({ sql, params: [site, v] });
    if (out.length) out.push({ sql: PRUNE_TOUCH_HOURS, params: [site] });
    return out;
  };

  // The same rebuild for a whole list of sessions (or session-less visitors) at once, the list a
  // JSON array in ?2: a constant number of statements whatever its length, which is what retention
  // and erasure need (collector/store/sql/lifecycle.ts) when they rebuild thousands of sessions.
  const IN_LIST = `IN (SELECT value FROM ${d.jsonEach('?2')})`;
  const SESSIONS_REBUILD = [
    ...rebuild(`site = ?1 AND session ${IN_LIST}`, `site = ?1 AND session ${IN_LIST}`),
    `DELETE FROM report_sessions${ix('report_sessions_session')} WHERE site = ?1 AND session ${IN_LIST}`,
    `INSERT INTO report_sessions (${SESSION_FACTS_COLUMNS}) ${sessionFactsSql(`site = ?1 AND session ${IN_LIST}`)}`,
  ];
  const VISITORS_REBUILD = rebuild(
    `site = ?1 AND session IS NULL AND visitor ${IN_LIST}`,
    `site = ?1 AND session = '' AND visitor ${IN_LIST}`,
  );

  const rollupListStatements = (site: string, sessions: readonly string[], sessionlessVisitors: readonly string[] = []): Statement[] => {
    const out: Statement[] = [];
    if (sessions.length) for (const sql of SESSIONS_REBUILD) out.push({ sql, params: [site, JSON.stringify(sessions)] });
    if (sessionlessVisitors.length)
      for (const sql of VISITORS_REBUILD) out.push({ sql, params: [site, JSON.stringify(sessionlessVisitors)] });
    if (out.length) out.push({ sql: PRUNE_TOUCH_HOURS, params: [site] });
    return out;
  };

  const rollupStatementsFor = (rows: readonly StoredEvent[]): Statement[] => {
    const bySite = new Map<string, { sessions: Set<string>; visitors: Set<string> }>();
    for (const r of rows) {
      let s = bySite.get(r.site);
      if (!s) bySite.set(r.site, (s = { sessions: new Set(), visitors: new Set() }));
      if (r.session) s.sessions.add(r.session);
      else if (r.visitor) s.visitors.add(r.visitor);
    }
    return [...bySite].flatMap(([site, s]) => rollupStatements(site, s.sessions, s.visitors));
  };

  return {
    SCORE,
    FEEDBACK,
    amount,
    ENGAGED,
    REVENUE,
    STAGE_SELECT,
    TOUCHPOINT_SELECT,
    pathRowsSql,
    sessionFactsSql,
    touchHoursAdd,
    rollupStatements,
    rollupListStatements,
    rollupStatementsFor,
  };
}

const sqlite = rollupSql(SQLITE_WRITE);
/** A feedback event with a usable score (a number from 1 to 5). */
export const SCORE = sqlite.SCORE;
export const FEEDBACK = sqlite.FEEDBACK;
/**
 * An event's amount of money in prop `key` (`value`, …) as SQL: the edge bounds it (LIMITS.amount,
 * sdk/schema.ts); clamped here too, so a row stored before that bound (or by hand) cannot turn
 * a sum into Infinity (null in JSON) or fail an insert with NaN.
 */
export const amount = sqlite.amount;
/** Sums of a group's engaged time and of its purchases' value (sessions and report_stages); bounded as {@link amount}. */
export const ENGAGED = sqlite.ENGAGED;
export const REVENUE = sqlite.REVENUE;
/** SELECT list of a report_stages row, over `events` rows grouped by {@link STAGE_GROUP}. */
export const STAGE_SELECT = sqlite.STAGE_SELECT;
/** SELECT list of a report_touchpoints row, over touch events grouped by {@link TOUCHPOINT_GROUP}. */
export const TOUCHPOINT_SELECT = sqlite.TOUCHPOINT_SELECT;
/**
 * A query of report_paths rows over the touch events of `from` (`events`, or a subquery of its
 * rows) matching `where`:
 * each group's touchpoints in (time, id) order. A window with ORDER BY guarantees the order
 * of json_group_array, which a plain GROUP BY does not.
 */
export const pathRowsSql = sqlite.pathRowsSql;
/**
 * report_sessions rows of the sessions whose report_stages rows match `where` (on
 * report_stages_session: site and session): grouped per stage first (first time in it), then per
 * session; its touchpoints are its report_paths rows' steps joined in order (the paths report
 * merges consecutive repeats); its checkout facts (what the funnel needs of a session: first
 * time per checkout name, last checkout event, the touchpoint after it) come from its checkout
 * events (events_session_checkout) and one seek for the touchpoint. `summary` is the session as the
 * core figures read it (collector/report/core.ts): a JSON array of visitor, 1, channel, bounced,
 * landing path, landing stage and `reached`, put together here once rather than at every report. Non-bot events only, like the rollups. Run after those sessions' report_stages
 * and report_paths rows changed. Migration 0007 fills the table with this very SELECT.
 */
export const sessionFactsSql = sqlite.sessionFactsSql;
/** Adds to report_touch_hours the given per-(key, hour) rows and touches (a SELECT of TOUCH_HOUR_COLUMNS). */
export const touchHoursAdd = sqlite.touchHoursAdd;
/**
 * Statements that rebuild the rollups of the given sessions, and of the given visitors'
 * events without a session, from `events`. Run them in the transaction that changed those
 * events (insert; also any delete of events, e.g. a GDPR erasure).
 */
export const rollupStatements = sqlite.rollupStatements;
/**
 * {@link rollupStatements} for lists of any length: the same rebuild, one statement per step for
 * all the given sessions and session-less visitors together (they are passed as JSON).
 */
export const rollupListStatements = sqlite.rollupListStatements;
/** The rollup statements for the sessions and session-less visitors a batch of rows touches. */
export const rollupStatementsFor = sqlite.rollupStatementsFor;

const WRITES = /\b(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|ATTACH|DETACH|PRAGMA|VACUUM|REINDEX|ANALYZE)\b/i;

/**
 * Refuses SQL that is not a single read-only query (the adapters' `all` is for reads only):
 * it must start with SELECT or WITH, name no writing statement and hold no `;` followed by more
 * text (not even in a comment). The SQL text is always our own; values travel as parameters.
 */
export function assertReadOnly(sql: string): void {
  if (!/^\s*(SELECT|WITH)\b/i.test(sql) || WRITES.test(sql) || /;\s*\S/.test(sql)) {
    throw new Error(`store.all() runs read-only queries only: ${sql.slice(0, 60)}…`);
  }
}
