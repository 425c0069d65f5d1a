-- Migration number: 0003 — rollups and indexes of the journey report
-- Three tables derived from `events` (non-bot rows only), one row per hour of a session, so a
-- report reads tens of thousands of rollup rows instead of a million events. They are
-- rebuilt from `events` for every session a batch touches, in the insert transaction
-- (collector/store/sql/rollups.ts), so they are exact whatever the order or repetition of
-- deliveries. A report takes whole hours from them and the partial hours at the ends of its
-- period from `events` (collector/report/sql.ts), so every figure is exact to the millisecond.
-- Keys hold '' for a missing value (a WITHOUT ROWID key cannot hold NULL); events without a
-- session (server-side) are rolled up per visitor under session ''.

-- Per hour, session, stage and segment: what the stage figures and totals need.
CREATE TABLE IF NOT EXISTS report_stages (
  site         TEXT    NOT NULL,
  hour         INTEGER NOT NULL, -- time / 3600000, rounded down
  session      TEXT    NOT NULL,
  visitor      TEXT    NOT NULL,
  stage        TEXT    NOT NULL,
  channel      TEXT    NOT NULL,
  device       TEXT    NOT NULL,
  country      TEXT    NOT NULL,
  first_time   INTEGER NOT NULL, -- first event of the group
  events       INTEGER NOT NULL,
  touches      INTEGER NOT NULL, -- page views and actions (pageview, event, checkout)
  pageviews    INTEGER NOT NULL,
  interactions INTEGER NOT NULL, -- event, checkout, feedback, rage_click (docs/journey.md, bounce)
  engaged_ms   INTEGER NOT NULL,
  pains        INTEGER NOT NULL,
  feedbacks    INTEGER NOT NULL,
  feedback_sum REAL    NOT NULL,
  purchases    INTEGER NOT NULL,
  revenue      REAL    NOT NULL,
  first_view   TEXT,             -- earliest page view: 'time(15 digits)|id' || char(31) || path
  PRIMARY KEY (site, hour, session, visitor, stage, channel, device, country)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS report_stages_session ON report_stages (site, session, visitor);

-- Per hour, session, stage and touchpoint: the touchpoint ranking.
CREATE TABLE IF NOT EXISTS report_touchpoints (
  site       TEXT    NOT NULL,
  hour       INTEGER NOT NULL,
  session    TEXT    NOT NULL,
  visitor    TEXT    NOT NULL,
  stage      TEXT    NOT NULL,
  touchpoint TEXT    NOT NULL,
  channel    TEXT    NOT NULL,
  device     TEXT    NOT NULL,
  country    TEXT    NOT NULL,
  touches    INTEGER NOT NULL,
  PRIMARY KEY (site, hour, session, visitor, stage, touchpoint, channel, device, country)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS report_touchpoints_session ON report_touchpoints (site, session, visitor);

-- Per hour and session: its touchpoints in order, for the paths.
CREATE TABLE IF NOT EXISTS report_paths (
  site       TEXT    NOT NULL,
  hour       INTEGER NOT NULL,
  session    TEXT    NOT NULL,
  visitor    TEXT    NOT NULL,
  channel    TEXT    NOT NULL,
  device     TEXT    NOT NULL,
  country    TEXT    NOT NULL,
  first_time INTEGER NOT NULL,
  steps      TEXT    NOT NULL, -- JSON array of touchpoints, in (time, id) order
  PRIMARY KEY (site, hour, session, visitor, channel, device, country)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS report_paths_session ON report_paths (site, session, visitor);

-- Funnel, pain points and feedback read their (few) events by type and time. Partial indexes,
-- so no query that names another type (e.g. the sessions refresh) is steered onto them.
-- The checkout one also covers the funnel's (session, name, time) reads.
CREATE INDEX IF NOT EXISTS events_site_checkout ON events (site, time, session, name) WHERE type = 'checkout';
CREATE INDEX IF NOT EXISTS events_site_pain ON events (site, time) WHERE type = 'pain';
CREATE INDEX IF NOT EXISTS events_site_feedback ON events (site, time) WHERE type = 'feedback';
-- Visits before the first purchase: a buyer's sessions.
CREATE INDEX IF NOT EXISTS sessions_site_visitor ON sessions (site, visitor, started);

-- The sessions/visitors refresh (journey-sql.ts) reads one session's or visitor's events in
-- (time, id) order. With id in these keys the index gives that order, so SQLite takes it
-- instead of walking the whole site in events_site_time order for every session refreshed.
DROP INDEX IF EXISTS events_site_session;
CREATE INDEX events_site_session ON events (site, session, time, id);
DROP INDEX IF EXISTS events_site_visitor;
CREATE INDEX events_site_visitor ON events (site, visitor, time, id);
