-- Migration number: 0001 — the events table (walking skeleton)
-- Postgres translation of collector/store/sqlite/migrations/0001_init.sql, applied by
-- collector/store/postgres/migrate.ts and recorded in cjm_migrations. Times are epoch ms
-- (BIGINT); text compares byte by byte (COLLATE "C"), as SQLite's BINARY does, so keys sort and
-- range the same on both engines. Every key starts with `site` and no statement joins two
-- sites: the tables distribute by site as they are (docs/storage.md).

CREATE TABLE IF NOT EXISTS events (
  site       TEXT COLLATE "C" NOT NULL,
  id         TEXT COLLATE "C" NOT NULL,
  type       TEXT COLLATE "C" NOT NULL,
  name       TEXT COLLATE "C" NOT NULL,
  ts         BIGINT  NOT NULL, -- client clock, epoch ms
  time       BIGINT  NOT NULL, -- ts corrected for client clock skew; reports use this
  received   BIGINT  NOT NULL, -- server clock when the batch arrived
  visitor    TEXT COLLATE "C",
  session    TEXT COLLATE "C",
  user_id    TEXT COLLATE "C",
  url        TEXT COLLATE "C",
  path       TEXT COLLATE "C",
  title      TEXT COLLATE "C",
  referrer   TEXT COLLATE "C",
  stage      TEXT COLLATE "C",
  touchpoint TEXT COLLATE "C",
  channel    TEXT COLLATE "C",
  persona    TEXT COLLATE "C",
  props      TEXT COLLATE "C",  -- JSON object, as sent (parsed where read: props::json)
  device     TEXT COLLATE "C",  -- desktop | mobile | tablet
  browser    TEXT COLLATE "C",
  os         TEXT COLLATE "C",
  country    TEXT COLLATE "C",
  bot        INTEGER NOT NULL DEFAULT 0,
  txn        TEXT COLLATE "C",  -- props.transaction_id of checkout/purchase
  source     TEXT COLLATE "C",
  medium     TEXT COLLATE "C",
  campaign   TEXT COLLATE "C",
  content    TEXT COLLATE "C",
  term       TEXT COLLATE "C",
  landing    TEXT COLLATE "C",
  PRIMARY KEY (site, id)
);

-- Reports and exports scan one site by time; id makes the (time, id) export order index-only.
CREATE INDEX IF NOT EXISTS events_site_time ON events (site, time, id);

-- A purchase resent under a new event id is still one purchase.
CREATE UNIQUE INDEX IF NOT EXISTS events_site_txn ON events (site, txn) WHERE txn IS NOT NULL;
