-- Migration number: 0001 — the events table (walking skeleton)
-- Plain SQLite, applied by `wrangler d1 migrations apply` on D1 and by store/sqlite/store.ts on Node;
-- both record it in d1_migrations.

CREATE TABLE IF NOT EXISTS events (
  site       TEXT    NOT NULL,
  id         TEXT    NOT NULL,
  type       TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  ts         INTEGER NOT NULL, -- client clock, epoch ms
  time       INTEGER NOT NULL, -- ts corrected for client clock skew; reports use this
  received   INTEGER NOT NULL, -- server clock when the batch arrived
  visitor    TEXT,
  session    TEXT,
  user_id    TEXT,
  url        TEXT,
  path       TEXT,
  title      TEXT,
  referrer   TEXT,
  stage      TEXT,
  touchpoint TEXT,
  channel    TEXT,
  persona    TEXT,
  props      TEXT,             -- JSON object
  device     TEXT,             -- desktop | mobile | tablet
  browser    TEXT,
  os         TEXT,
  country    TEXT,
  bot        INTEGER NOT NULL DEFAULT 0,
  txn        TEXT,             -- props.transaction_id of checkout/purchase
  -- Attribution, filled by a later issue; created now so that issue needs no table rewrite.
  source     TEXT,
  medium     TEXT,
  campaign   TEXT,
  content    TEXT,
  term       TEXT,
  landing    TEXT,
  PRIMARY KEY (site, id)
);

-- Reports and exports scan one site by time; id makes the (time, id) export order index-only.
CREATE INDEX IF NOT EXISTS events_site_time ON events (site, time, id);

-- A purchase resent under a new event id is still one purchase.
CREATE UNIQUE INDEX IF NOT EXISTS events_site_txn ON events (site, txn) WHERE txn IS NOT NULL;
