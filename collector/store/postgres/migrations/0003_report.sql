-- Migration number: 0003 — rollups and indexes of the journey report (see the SQLite 0003).
-- Keys hold '' for a missing value; events without a session are rolled up per visitor under
-- session ''.

CREATE TABLE IF NOT EXISTS report_stages (
  site         TEXT COLLATE "C" NOT NULL,
  hour         BIGINT NOT NULL, -- time / 3600000, rounded down
  session      TEXT COLLATE "C" NOT NULL,
  visitor      TEXT COLLATE "C" NOT NULL,
  stage        TEXT COLLATE "C" NOT NULL,
  channel      TEXT COLLATE "C" NOT NULL,
  device       TEXT COLLATE "C" NOT NULL,
  country      TEXT COLLATE "C" NOT NULL,
  first_time   BIGINT NOT NULL,
  events       BIGINT NOT NULL,
  touches      BIGINT NOT NULL,
  pageviews    BIGINT NOT NULL,
  interactions BIGINT NOT NULL,
  engaged_ms   BIGINT NOT NULL,
  pains        BIGINT NOT NULL,
  feedbacks    BIGINT NOT NULL,
  feedback_sum DOUBLE PRECISION NOT NULL,
  purchases    BIGINT NOT NULL,
  revenue      DOUBLE PRECISION NOT NULL,
  first_view   TEXT COLLATE "C", -- earliest page view: 'time(15 digits)|id' || chr(31) || path
  PRIMARY KEY (site, hour, session, visitor, stage, channel, device, country)
);
CREATE INDEX IF NOT EXISTS report_stages_session ON report_stages (site, session, visitor);

CREATE TABLE IF NOT EXISTS report_touchpoints (
  site       TEXT COLLATE "C" NOT NULL,
  hour       BIGINT NOT NULL,
  session    TEXT COLLATE "C" NOT NULL,
  visitor    TEXT COLLATE "C" NOT NULL,
  stage      TEXT COLLATE "C" NOT NULL,
  touchpoint TEXT COLLATE "C" NOT NULL,
  channel    TEXT COLLATE "C" NOT NULL,
  device     TEXT COLLATE "C" NOT NULL,
  country    TEXT COLLATE "C" NOT NULL,
  touches    BIGINT NOT NULL,
  PRIMARY KEY (site, hour, session, visitor, stage, touchpoint, channel, device, country)
);
CREATE INDEX IF NOT EXISTS report_touchpoints_session ON report_touchpoints (site, session, visitor);

CREATE TABLE IF NOT EXISTS report_paths (
  site       TEXT COLLATE "C" NOT NULL,
  hour       BIGINT NOT NULL,
  session    TEXT COLLATE "C" NOT NULL,
  visitor    TEXT COLLATE "C" NOT NULL,
  channel    TEXT COLLATE "C" NOT NULL,
  device     TEXT COLLATE "C" NOT NULL,
  country    TEXT COLLATE "C" NOT NULL,
  first_time BIGINT NOT NULL,
  steps      TEXT COLLATE "C" NOT NULL, -- JSON array of touchpoints, in (time, id) order
  PRIMARY KEY (site, hour, session, visitor, channel, device, country)
);
CREATE INDEX IF NOT EXISTS report_paths_session ON report_paths (site, session, visitor);

CREATE INDEX IF NOT EXISTS events_site_pain ON events (site, time) WHERE type = 'pain';
CREATE INDEX IF NOT EXISTS events_site_feedback ON events (site, time) WHERE type = 'feedback';
CREATE INDEX IF NOT EXISTS sessions_site_visitor ON sessions (site, visitor, started);
-- One session's or visitor's events in (time, id) order.
CREATE INDEX IF NOT EXISTS events_site_session ON events (site, session, time, id);
CREATE INDEX IF NOT EXISTS events_site_visitor ON events (site, visitor, time, id);
