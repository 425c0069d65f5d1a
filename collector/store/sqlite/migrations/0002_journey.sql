-- Migration number: 0002 — journey tables derived from events
-- `sessions` and `visitors` are refreshed from `events` for every session and visitor a batch
-- touches (collector/store/sql/journey.ts), so they are exact whatever the order or
-- repetition of deliveries, and the reports read them instead of scanning every event.

CREATE INDEX IF NOT EXISTS events_site_session ON events (site, session, time);
CREATE INDEX IF NOT EXISTS events_site_visitor ON events (site, visitor, time);
CREATE INDEX IF NOT EXISTS events_site_user ON events (site, user_id) WHERE user_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS sessions (
  site          TEXT    NOT NULL,
  session       TEXT    NOT NULL,
  visitor       TEXT,
  started       INTEGER NOT NULL, -- time of the first event
  ended         INTEGER NOT NULL, -- time of the last event
  landing       TEXT,             -- path of the first page view
  landing_stage TEXT,             -- stage of the first page view
  exit          TEXT,             -- path of the last page view
  channel       TEXT,
  source        TEXT,
  medium        TEXT,
  campaign      TEXT,
  content       TEXT,
  term          TEXT,
  device        TEXT,
  browser       TEXT,
  os            TEXT,
  country       TEXT,
  bot           INTEGER NOT NULL DEFAULT 0,
  events        INTEGER NOT NULL DEFAULT 0,
  pageviews     INTEGER NOT NULL DEFAULT 0,
  engaged_ms    INTEGER NOT NULL DEFAULT 0,
  interactions  INTEGER NOT NULL DEFAULT 0, -- events, checkout steps, feedback, rage clicks
  purchases     INTEGER NOT NULL DEFAULT 0,
  revenue       REAL    NOT NULL DEFAULT 0,
  PRIMARY KEY (site, session)
);
CREATE INDEX IF NOT EXISTS sessions_site_started ON sessions (site, started);

CREATE TABLE IF NOT EXISTS visitors (
  site       TEXT    NOT NULL,
  visitor    TEXT    NOT NULL,
  user_id    TEXT,             -- latest identify
  persona    TEXT,             -- latest persona named by identify or the page
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  stage      TEXT,             -- current stage: the stage of the visitor's latest event
  sessions   INTEGER NOT NULL DEFAULT 0,
  purchases  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site, visitor)
);
CREATE INDEX IF NOT EXISTS visitors_site_user ON visitors (site, user_id) WHERE user_id IS NOT NULL;
