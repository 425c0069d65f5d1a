-- Migration number: 0015 — goals declared through the admin API, and the engagement index (issue 14)
-- A goal is a custom event name or a page path (starting with '/') that the goals report counts
-- as a conversion: conversions, conversion rate, reached stage → did goal, attribution
-- (collector/report/goals.ts). Goals of CJM_GOALS live in the config, not here; this table holds
-- those added with POST /api/sites/:site/goals and removed with DELETE (collector/routes/goals.ts).
CREATE TABLE IF NOT EXISTS goals (
  site    TEXT    NOT NULL,
  goal    TEXT    NOT NULL, -- a custom event's name, or a page path ('/…')
  label   TEXT,             -- what the dashboard calls it (NULL: the goal itself)
  created INTEGER NOT NULL, -- epoch ms
  PRIMARY KEY (site, goal)
) WITHOUT ROWID;

-- Engaged time and scroll depth per stage and landing page (collector/report/engagement.ts) read
-- the period's `engagement` events (one per page view left: engaged_ms, scroll): this partial
-- index holds just those, with what the report reads, so it never walks the other events.
CREATE INDEX IF NOT EXISTS events_site_engagement ON events (site, time, stage, path, session, props, channel, device, country, visitor) WHERE type = 'engagement' AND bot = 0;
