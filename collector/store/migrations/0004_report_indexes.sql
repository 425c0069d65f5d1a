-- Migration number: 0004 — covering indexes for the journey report's reads (no new data)
-- The funnel and the pain points read a period's checkout / pain events that are not from bots.
-- Partial indexes on exactly those rows, holding every column those queries read, so they are
-- answered from the index without one table lookup per event (bot was not in the 0003 ones).
-- Same names as in 0003: nothing else reads them.
DROP INDEX IF EXISTS events_site_checkout;
CREATE INDEX events_site_checkout ON events (site, time, session, name, props) WHERE type = 'checkout' AND bot = 0;
DROP INDEX IF EXISTS events_site_pain;
CREATE INDEX events_site_pain ON events (site, time, name, stage, path) WHERE type = 'pain' AND bot = 0;
-- The touchpoint ranking counts distinct sessions per stage and touchpoint, and per stage,
-- touchpoint and channel. In this order SQLite groups and counts them as it reads the index,
-- instead of sorting the period's rows (the largest rollup) twice.
CREATE INDEX IF NOT EXISTS report_touchpoints_rank ON report_touchpoints (site, stage, touchpoint, channel, session, hour, touches);
