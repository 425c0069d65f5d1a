// The stage details' rows: the top touchpoints of each stage with their sessions' channels, and
// the pain points per stage, kind and page.
import { HOUR_MS, PAIN_KINDS } from '../../../metrics';
import { isFiltered } from '../../../filters';
import type { PainRow, Scope, TouchpointRow } from '../../reads';
import { eventsOfType, filterSql, num, split, Sql, touchpointEnds, type Run } from './query';

/** The `top` touchpoints of each stage, with the channels of their sessions. */
export async function touchpoints(q: Sql, run: Run, scope: Scope, top: number): Promise<TouchpointRow[]> {
  // Events and distinct sessions per stage, touchpoint and channel (cc). The whole hours are
  // counted from report_touch_hours, in its key order (no sort; with a filter, from the
  // touchpoint rows of the period's hours and a sort of the few left); the partial hours at the ends
  // (few rows, from events) add their sessions that the whole hours do not already have for
  // the same stage, touchpoint and channel. Per stage and touchpoint, the sessions are the sum
  // over channels less the extra channels of the sessions that have several: those are among
  // the sessions with several visitors, channels, devices or countries (report_sessions
  // uniform = 0, a partial index) that overlap the period; one with a single channel in the
  // period adds nothing to the correction.
  const { hours, raw } = split(scope.from, scope.to);
  const site = q.p(scope.site);
  const h = hours ? [q.p(hours[0]), q.p(hours[1])] : null;
  const seen = (channel: boolean) =>
    h
      ? `NOT EXISTS (SELECT 1 FROM report_touchpoints p${q.d.indexedBy('report_touchpoints_session')} WHERE p.site = ${site} AND p.session = r.session
           AND p.stage = r.stage AND p.touchpoint = r.touchpoint${channel ? ' AND p.channel = r.channel' : ''}
           AND p.hour >= ${h[0]} AND p.hour < ${h[1]}${filterSql(q, scope, 'rollup')})`
      : 'TRUE';
  const hasRaw = raw.length > 0 || !hours;
  const filtered = isFiltered(scope);
  // The sessions with several visitors, channels, devices or countries overlapping the period.
  const mixed = `SELECT session FROM report_sessions${q.d.indexedBy('report_sessions_mixed')} WHERE site = ${site} AND uniform = 0
    AND last_hour >= ${q.p(Math.floor(scope.from / HOUR_MS))} AND first_hour <= ${q.p(Math.floor((scope.to - 1) / HOUR_MS))}`;
  const ccParts: string[] = [];
  if (h) {
    // Rows, not distinct sessions (no temporary table per group): a session has one row per
    // stage, touchpoint and channel unless it spans hours or changes visitor, device or country
    // (report_sessions tells which: few); those rows beyond its first are taken off.
    // (The mixed ones overlapping the period's ends too: they have no rows in the whole hours.)
    const several = `SELECT session FROM report_sessions${q.d.indexedBy('report_sessions_last')} WHERE site = ${site} AND last_hour >= ${h[0]} AND first_hour < ${h[1]} AND last_hour > first_hour
      UNION ${mixed}`;
    ccParts.push(
      filtered
        ? `SELECT stage, touchpoint, channel, SUM(touches) AS events, COUNT(*) FILTER (WHERE session <> '') AS n FROM report_touchpoints
            WHERE site = ${site} AND hour >= ${h[0]} AND hour < ${h[1]}${filterSql(q, scope, 'rollup')} GROUP BY stage, touchpoint, channel`
        : `SELECT stage, touchpoint, channel, SUM(touches) AS events, SUM(rollup_rows) AS n FROM report_touch_hours
            WHERE site = ${site} AND hour >= ${h[0]} AND hour < ${h[1]} GROUP BY stage, touchpoint, channel`,
      `SELECT stage, touchpoint, channel, 0, -SUM(k) FROM (SELECT stage, touchpoint, channel, COUNT(*) - 1 AS k FROM report_touchpoints${q.d.indexedBy('report_touchpoints_session')}
        WHERE site = ${site} AND session IN (${several}) AND hour >= ${h[0]} AND hour < ${h[1]}${filterSql(q, scope, 'rollup')} GROUP BY stage, touchpoint, channel, session)
        GROUP BY stage, touchpoint, channel`,
    );
  }
  if (hasRaw)
    ccParts.push(`SELECT stage, touchpoint, channel, SUM(touches) AS events, COUNT(DISTINCT CASE WHEN session <> '' AND ${seen(true)} THEN session END) AS n
      FROM r GROUP BY stage, touchpoint, channel`);
  const xParts: string[] = [];
  if (h)
    xParts.push(`SELECT stage, touchpoint, channel, session FROM report_touchpoints${q.d.indexedBy('report_touchpoints_session')}
      WHERE site = ${site} AND session IN (${mixed}) AND hour >= ${h[0]} AND hour < ${h[1]}${filterSql(q, scope, 'rollup')}`);
  if (hasRaw) xParts.push(`SELECT stage, touchpoint, channel, session FROM r WHERE session IN (${mixed})`);
  const a = `x AS (SELECT stage, touchpoint, SUM(k) AS extra FROM (SELECT stage, touchpoint, COUNT(DISTINCT channel) - 1 AS k FROM (${xParts.join(' UNION ALL ')})
         GROUP BY stage, touchpoint, session) GROUP BY stage, touchpoint),
    a AS (SELECT stage, touchpoint, SUM(events) AS events,
            SUM(n) - COALESCE((SELECT extra FROM x WHERE x.stage = cc.stage AND x.touchpoint = cc.touchpoint), 0) AS sessions
          FROM cc GROUP BY stage, touchpoint)`;
  const rows = await q.run(
    run,
    `WITH ${
      hasRaw
        ? `r AS MATERIALIZED (SELECT stage, touchpoint, channel, session, SUM(touches) AS touches FROM (${touchpointEnds(q, scope)})
      GROUP BY stage, touchpoint, channel, session),`
        : ''
    }
    cc AS MATERIALIZED (SELECT stage, touchpoint, channel, SUM(events) AS events, SUM(n) AS n FROM (${ccParts.join(' UNION ALL ')}) GROUP BY stage, touchpoint, channel),
    ${a},
    c AS (SELECT stage, touchpoint, channel, n FROM cc WHERE n > 0),
    top AS (SELECT * FROM (SELECT a.*, ROW_NUMBER() OVER (PARTITION BY stage ORDER BY events DESC, touchpoint) AS rn FROM a) WHERE rn <= ${top})
    SELECT top.stage AS stage, top.touchpoint AS touchpoint, top.events AS events, top.sessions AS sessions, top.rn AS rn, c.channel AS channel, c.n AS n
    FROM top LEFT JOIN c ON c.stage = top.stage AND c.touchpoint = top.touchpoint
    ORDER BY stage, rn, n DESC, channel`,
  );
  return rows.map((r) => ({
    stage: String(r.stage),
    touchpoint: String(r.touchpoint),
    events: num(r.events),
    sessions: num(r.sessions),
    channel: r.channel == null ? null : String(r.channel),
    channelSessions: num(r.n),
  }));
}

/** Pain events per stage, kind and page. */
export async function pains(q: Sql, run: Run, scope: Scope): Promise<PainRow[]> {
  const rows = await q.run(
    run,
    `SELECT stage, name AS kind, page, COUNT(*) AS n FROM (${eventsOfType(q, scope, 'pain', "COALESCE(stage, '') AS stage, name, COALESCE(path, '') AS page")})
     WHERE name IN (${PAIN_KINDS.map((k) => q.p(k)).join(', ')}) GROUP BY 1, 2, 3`,
  );
  return rows.map((r) => ({ stage: String(r.stage), kind: String(r.kind), page: String(r.page), events: num(r.n) }));
}
