-- Migration number: 0004 — covering indexes for the journey report's reads (see the SQLite 0004).
-- `props` is left out of the checkout index's key: a B-tree entry is limited to ~2.7 kB and a
-- purchase's props may be larger; INCLUDE keeps the index covering without that limit on order.
CREATE INDEX IF NOT EXISTS events_site_checkout ON events (site, time, session, name) INCLUDE (channel, device, country) WHERE type = 'checkout' AND bot = 0;
DROP INDEX IF EXISTS events_site_pain;
CREATE INDEX events_site_pain ON events (site, time, name, stage) INCLUDE (path, channel, device, country) WHERE type = 'pain' AND bot = 0;
CREATE INDEX IF NOT EXISTS events_site_purchase ON events (site, visitor, time) WHERE type = 'checkout' AND name = 'purchase' AND bot = 0;
