-- Migration number: 0007 — one report row per session (see the SQLite 0007).
-- The SQLite migration also fills the new tables from the rollups of existing data; a Postgres
-- database has every migration from its start, so there is nothing to fill here.
CREATE TABLE IF NOT EXISTS report_sessions (
  site          TEXT COLLATE "C" NOT NULL,
  first_hour    BIGINT NOT NULL,
  session       TEXT COLLATE "C" NOT NULL,
  last_hour     BIGINT NOT NULL,
  visitor       TEXT COLLATE "C" NOT NULL,
  channel       TEXT COLLATE "C" NOT NULL,
  device        TEXT COLLATE "C" NOT NULL,
  country       TEXT COLLATE "C" NOT NULL,
  uniform       INTEGER NOT NULL,
  reached       TEXT COLLATE "C" NOT NULL,
  touches       BIGINT NOT NULL,
  pageviews     BIGINT NOT NULL,
  interactions  BIGINT NOT NULL,
  engaged_ms    BIGINT NOT NULL,
  purchases     BIGINT NOT NULL,
  revenue       DOUBLE PRECISION NOT NULL,
  landing       TEXT COLLATE "C",
  landing_stage TEXT COLLATE "C",
  steps         TEXT COLLATE "C" NOT NULL,
  checkout      TEXT COLLATE "C",
  checkout_last BIGINT,
  checkout_next TEXT COLLATE "C",
  summary       TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (site, first_hour, session)
);
CREATE UNIQUE INDEX IF NOT EXISTS report_sessions_session ON report_sessions (site, session);
CREATE INDEX IF NOT EXISTS report_sessions_last ON report_sessions (site, last_hour, first_hour);
CREATE INDEX IF NOT EXISTS events_session_checkout ON events (site, session, name, time) WHERE type = 'checkout' AND bot = 0;
CREATE INDEX IF NOT EXISTS report_sessions_mixed ON report_sessions (site, last_hour, first_hour) WHERE uniform = 0;
CREATE INDEX IF NOT EXISTS visitors_site_seen ON visitors (site, last_seen, first_seen, visitor, persona);

CREATE TABLE IF NOT EXISTS report_touch_hours (
  site        TEXT COLLATE "C" NOT NULL,
  stage       TEXT COLLATE "C" NOT NULL,
  touchpoint  TEXT COLLATE "C" NOT NULL,
  channel     TEXT COLLATE "C" NOT NULL,
  hour        BIGINT NOT NULL,
  rollup_rows BIGINT NOT NULL,
  touches     BIGINT NOT NULL,
  PRIMARY KEY (site, stage, touchpoint, channel, hour)
);
CREATE INDEX IF NOT EXISTS report_touch_hours_empty ON report_touch_hours (site) WHERE touches = 0;
