-- Migration number: 0002 — journey tables derived from events (see the SQLite 0002).

CREATE INDEX IF NOT EXISTS events_site_user ON events (site, user_id) WHERE user_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS sessions (
  site          TEXT COLLATE "C" NOT NULL,
  session       TEXT COLLATE "C" NOT NULL,
  visitor       TEXT COLLATE "C",
  started       BIGINT NOT NULL, -- time of the first event
  ended         BIGINT NOT NULL, -- time of the last event
  landing       TEXT COLLATE "C", -- path of the first page view
  landing_stage TEXT COLLATE "C", -- stage of the first page view
  exit          TEXT COLLATE "C", -- path of the last page view
  channel       TEXT COLLATE "C",
  source        TEXT COLLATE "C",
  medium        TEXT COLLATE "C",
  campaign      TEXT COLLATE "C",
  content       TEXT COLLATE "C",
  term          TEXT COLLATE "C",
  device        TEXT COLLATE "C",
  browser       TEXT COLLATE "C",
  os            TEXT COLLATE "C",
  country       TEXT COLLATE "C",
  bot           INTEGER NOT NULL DEFAULT 0,
  events        BIGINT NOT NULL DEFAULT 0,
  pageviews     BIGINT NOT NULL DEFAULT 0,
  engaged_ms    BIGINT NOT NULL DEFAULT 0,
  interactions  BIGINT NOT NULL DEFAULT 0, -- events, checkout steps, feedback, rage clicks
  purchases     BIGINT NOT NULL DEFAULT 0,
  revenue       DOUBLE PRECISION NOT NULL DEFAULT 0,
  PRIMARY KEY (site, session)
);
CREATE INDEX IF NOT EXISTS sessions_site_started ON sessions (site, started);

CREATE TABLE IF NOT EXISTS visitors (
  site       TEXT COLLATE "C" NOT NULL,
  visitor    TEXT COLLATE "C" NOT NULL,
  user_id    TEXT COLLATE "C", -- latest identify
  persona    TEXT COLLATE "C", -- latest persona named by identify or the page
  first_seen BIGINT NOT NULL,
  last_seen  BIGINT NOT NULL,
  stage      TEXT COLLATE "C", -- current stage: the stage of the visitor's latest event
  sessions   BIGINT NOT NULL DEFAULT 0,
  purchases  BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (site, visitor)
);
CREATE INDEX IF NOT EXISTS visitors_site_user ON visitors (site, user_id) WHERE user_id IS NOT NULL;
