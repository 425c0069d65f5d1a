-- Migration number: 0015 — goals declared through the admin API, and the engagement index (issue 14)
-- (see the SQLite 0015). A goal is a custom event name or a page path ('/…') the goals report
-- counts as a conversion; CJM_GOALS' goals live in the config, this table holds the API's.
CREATE TABLE IF NOT EXISTS goals (
  site    TEXT COLLATE "C" NOT NULL,
  goal    TEXT COLLATE "C" NOT NULL, -- a custom event's name, or a page path ('/…')
  label   TEXT,                      -- what the dashboard calls it (NULL: the goal itself)
  created BIGINT NOT NULL,           -- epoch ms
  PRIMARY KEY (site, goal)
);

-- Engaged time and scroll depth per stage and landing page (collector/report/engagement.ts) read
-- the period's `engagement` events: this partial index holds just those, with what the report reads.
CREATE INDEX IF NOT EXISTS events_site_engagement ON events (site, time) INCLUDE (stage, path, session, props, channel, device, country, visitor) WHERE type = 'engagement' AND bot = 0;
