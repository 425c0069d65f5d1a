-- Migration number: 0007 — one report row per session
-- The journey report's core figures group a period's report_stages rows (one per hour, stage
-- and segment of a session) by session: a sort of every row of the period, ~150 ms per period
-- over 1 M events (docs/report.md). This table holds that grouping, one row per session, kept
-- by insert from the session's report_stages rows (collector/store/sql/rollups.ts
-- SESSION_FACTS): a report takes the sessions lying wholly within the whole hours of its
-- period, with one visitor, channel, device and country, as they are (a range scan on
-- first_hour), and groups only the rest (sessions crossing the period's ends, mixed ones and
-- events without a session) from the rollups as before. Non-bot rows only, like the rollups.

CREATE TABLE IF NOT EXISTS report_sessions (
  site          TEXT    NOT NULL,
  first_hour    INTEGER NOT NULL, -- hour of its first report_stages row
  session       TEXT    NOT NULL, -- never '' (events without a session have no row here)
  last_hour     INTEGER NOT NULL, -- hour of its last report_stages row
  visitor       TEXT    NOT NULL, -- the least of its rows' values ('' when missing) …
  channel       TEXT    NOT NULL,
  device        TEXT    NOT NULL,
  country       TEXT    NOT NULL,
  uniform       INTEGER NOT NULL, -- … and 1 when all its rows have the same visitor, channel, device and country
  reached       TEXT    NOT NULL, -- JSON object: stage → time of its first event in that stage
  touches       INTEGER NOT NULL,
  pageviews     INTEGER NOT NULL,
  interactions  INTEGER NOT NULL,
  engaged_ms    INTEGER NOT NULL,
  purchases     INTEGER NOT NULL,
  revenue       REAL    NOT NULL,
  landing       TEXT,             -- path of its earliest page view (NULL: none)
  landing_stage TEXT,             -- stage of that page view
  steps         TEXT    NOT NULL, -- JSON array: its touchpoints (its report_paths rows' steps, joined in order)
  checkout      TEXT,             -- JSON object: checkout event name → time of its first one (NULL: none)
  checkout_last INTEGER,          -- time of its last checkout event
  checkout_next TEXT,             -- touchpoint of its first page view or action after that (NULL: none)
  summary       TEXT    NOT NULL, -- JSON array the core figures read: visitor, 1, channel, bounced (one page view, under 10 s engaged, no interaction), landing, landing stage, reached
  PRIMARY KEY (site, first_hour, session)
) WITHOUT ROWID;
-- Refreshing one session finds its row by name.
CREATE UNIQUE INDEX IF NOT EXISTS report_sessions_session ON report_sessions (site, session);
-- Sessions crossing an hour h (first_hour < h <= last_hour): a range from last_hour >= h.
CREATE INDEX IF NOT EXISTS report_sessions_last ON report_sessions (site, last_hour, first_hour);

-- A session's checkout events (its row's checkout facts are refreshed from them): few per
-- session, so the refresh reads a few index entries instead of every event of the session.
CREATE INDEX IF NOT EXISTS events_session_checkout ON events (site, session, name, time) WHERE type = 'checkout' AND bot = 0;
-- The sessions that may have several channels in a period (the touchpoint ranking corrects its
-- per-channel sums for them): the few mixed ones overlapping it.
CREATE INDEX IF NOT EXISTS report_sessions_mixed ON report_sessions (site, last_hour, first_hour) WHERE uniform = 0;
-- Time to reach a stage counts from each visitor's first event: the first_seen of the visitors
-- seen in a period, as one index range (visitors active since its start), not a lookup each;
-- with persona, the filter menu lists the personas of a period from the index alone.
CREATE INDEX IF NOT EXISTS visitors_site_seen ON visitors (site, last_seen, first_seen, visitor, persona);

-- Existing data: the same SELECT as report-sql.ts SESSION_FACTS, over every session.
INSERT INTO report_sessions (site, first_hour, session, last_hour, visitor, channel, device, country, uniform, reached,
  touches, pageviews, interactions, engaged_ms, purchases, revenue, landing, landing_stage, steps, checkout, checkout_last, checkout_next, summary)
SELECT site, first_hour, session, last_hour, visitor, channel, device, country, uniform, reached, touches, pageviews, interactions, engaged_ms, purchases, revenue, landing, landing_stage, steps, checkout, checkout_last, checkout_next,
  '[' || json_quote(visitor) || ',1,' || json_quote(channel) || ',' || (pageviews = 1 AND engaged_ms < 10000 AND interactions = 0) || ',' || json_quote(landing) || ',' || json_quote(landing_stage) || ',' || reached || ']'
FROM (SELECT f.site AS site, MIN(h0) AS first_hour, f.session AS session, MAX(h1) AS last_hour, MIN(v1) AS visitor, MIN(c1) AS channel, MIN(d1) AS device, MIN(k1) AS country,
  MIN(v1) = MAX(v2) AND MIN(c1) = MAX(c2) AND MIN(d1) = MAX(d2) AND MIN(k1) = MAX(k2) AS uniform,
  json_group_object(stage, t ORDER BY stage) AS reached,
  SUM(touches) AS touches, SUM(pageviews) AS pageviews, SUM(interactions) AS interactions, SUM(engaged_ms) AS engaged_ms,
  SUM(purchases) AS purchases, SUM(revenue) AS revenue,
  substr(MIN(fv), instr(MIN(fv), char(31)) + 1) AS landing, substr(MIN(fvs), instr(MIN(fvs), char(31)) + 1) AS landing_stage,
  COALESCE((SELECT '[' || group_concat(substr(p.steps, 2, length(p.steps) - 2), ',' ORDER BY p.first_time, p.hour, p.visitor, p.channel, p.device, p.country) || ']'
    FROM report_paths p INDEXED BY report_paths_session WHERE p.site = f.site AND p.session = f.session), '[]') AS steps,
  c.checkout AS checkout, c.last AS checkout_last,
  (SELECT touchpoint FROM events INDEXED BY events_site_session WHERE site = f.site AND session = f.session AND bot = 0 AND type IN ('pageview', 'event', 'checkout')
    AND time > c.last ORDER BY time, id LIMIT 1) AS checkout_next
FROM (SELECT site, session, stage, MIN(hour) AS h0, MAX(hour) AS h1,
    MIN(visitor) AS v1, MAX(visitor) AS v2, MIN(channel) AS c1, MAX(channel) AS c2,
    MIN(device) AS d1, MAX(device) AS d2, MIN(country) AS k1, MAX(country) AS k2, MIN(first_time) AS t,
    SUM(touches) AS touches, SUM(pageviews) AS pageviews, SUM(interactions) AS interactions, SUM(engaged_ms) AS engaged_ms,
    SUM(purchases) AS purchases, SUM(revenue) AS revenue,
    MIN(first_view) AS fv, substr(MIN(first_view), 1, instr(MIN(first_view), char(31))) || stage AS fvs
  FROM report_stages WHERE session <> '' GROUP BY site, session, stage) f
LEFT JOIN (SELECT site, session, NULLIF(json_group_object(name, t ORDER BY name), '{}') AS checkout, MAX(last) AS last FROM (
    SELECT site, session, name, MIN(time) AS t, MAX(time) AS last FROM events
    WHERE session <> '' AND type = 'checkout' AND bot = 0 GROUP BY site, session, name) GROUP BY site, session) c ON c.site = f.site AND c.session = f.session
GROUP BY f.site, f.session);

-- The touchpoint ranking of an unfiltered report: per (stage, touchpoint, channel) and hour, the
-- report_touchpoints rows with a session (one per session, unless it spans hours or is mixed:
-- the report takes those extra rows off) and their touches. Kept by insert (additively, rows
-- counted as report_touchpoints gains them) and by the rollup rebuild (a session's or visitor's
-- rows taken off, then added back); in key order, so a period's sum per key needs no sort. It
-- replaces report_touchpoints_rank (0004), which held one entry per touchpoint row of all time.
CREATE TABLE IF NOT EXISTS report_touch_hours (
  site        TEXT    NOT NULL,
  stage       TEXT    NOT NULL,
  touchpoint  TEXT    NOT NULL,
  channel     TEXT    NOT NULL,
  hour        INTEGER NOT NULL,
  rollup_rows INTEGER NOT NULL, -- report_touchpoints rows with a session
  touches     INTEGER NOT NULL, -- their touches, and those of the rows without a session
  PRIMARY KEY (site, stage, touchpoint, channel, hour)
) WITHOUT ROWID;
-- Keys whose rows a rebuild took away (deleted right after).
CREATE INDEX IF NOT EXISTS report_touch_hours_empty ON report_touch_hours (site) WHERE touches = 0;
INSERT INTO report_touch_hours (site, stage, touchpoint, channel, hour, rollup_rows, touches)
SELECT site, stage, touchpoint, channel, hour, COUNT(*) FILTER (WHERE session <> ''), SUM(touches)
FROM report_touchpoints GROUP BY site, stage, touchpoint, channel, hour;
DROP INDEX IF EXISTS report_touchpoints_rank;
