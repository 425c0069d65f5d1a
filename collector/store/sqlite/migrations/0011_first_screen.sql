-- Migration number: 0011 — indexes of the dashboard's first screen
-- The custom events list (collector/report/custom-events.ts) groups a period's events of type
-- 'event' by name: this partial index holds just those (with the filter columns), so the list
-- reads them alone instead of every event of the period.
CREATE INDEX IF NOT EXISTS events_site_custom ON events (site, time, name, visitor, channel, device, country) WHERE type = 'event' AND bot = 0;
-- The count of bot events left out of a period (collector/report/bots.ts): only the bot rows.
CREATE INDEX IF NOT EXISTS events_site_bots ON events (site, time) WHERE bot = 1;
