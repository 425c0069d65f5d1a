-- Migration number: 0011 — indexes of the dashboard's first screen (see the SQLite 0011).
CREATE INDEX IF NOT EXISTS events_site_custom ON events (site, time, name, visitor, channel, device, country) WHERE type = 'event' AND bot = 0;
CREATE INDEX IF NOT EXISTS events_site_bots ON events (site, time) WHERE bot = 1;
