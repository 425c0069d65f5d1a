-- Migration number: 0004 — covering indexes for the journey report's reads (no new data)
-- The funnel and the pain points read a period's checkout / pain events that are not from bots.
-- Partial indexes on exactly those rows, holding every column those queries read (with the
-- filters' channel, device and country), so they are answered from the index without one table
-- lookup per event (bot was not in the 0003 ones). Same names as in 0003: nothing else reads
-- them. Not visitor: a query for one visitor's purchases must keep events_site_visitor (the
-- planner, without statistics, would scan a covering index of the whole site instead).
DROP INDEX IF EXISTS events_site_checkout;
CREATE INDEX events_site_checkout ON events (site, time, session, name, props, channel, device, country) WHERE type = 'checkout' AND bot = 0;
DROP INDEX IF EXISTS events_site_pain;
CREATE INDEX events_site_pain ON events (site, time, name, stage, path, channel, device, country) WHERE type = 'pain' AND bot = 0;
-- The touchpoint ranking counts distinct sessions per stage and touchpoint, and per stage,
-- touchpoint and channel. In this order SQLite groups and counts them as it reads the index,
-- instead of sorting the period's rows (the largest rollup) twice. (It reads the site's whole
-- history, so a filtered report, with far fewer rows to sort, keeps the hour range instead.)
CREATE INDEX IF NOT EXISTS report_touchpoints_rank ON report_touchpoints (site, stage, touchpoint, channel, session, hour, touches);
-- Visits before the first purchase: each buyer's first purchase ever, one index entry away.
CREATE INDEX IF NOT EXISTS events_site_purchase ON events (site, visitor, time) WHERE type = 'checkout' AND name = 'purchase' AND bot = 0;
