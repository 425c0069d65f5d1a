-- Migration number: 0016 — the fold lag of the Workers Queues path (issue 16): one row per queue
-- message enqueued and not yet stored, so /health can say how many events wait and since when,
-- as Node's journal does. The producer writes enqueued_at/events, the consumer done_at; either
-- may come first (the producer's write runs beside the send), so both upsert and a row is
-- deleted once it has both. Unused on Node (its journal keeps the lag in memory).
CREATE TABLE IF NOT EXISTS queue_ledger (
  key         TEXT PRIMARY KEY,
  site        TEXT,
  events      INTEGER,
  enqueued_at INTEGER,
  done_at     INTEGER,
  failed      INTEGER -- 1: the consumer gave up on it (its last delivery failed; Queues dead-letters it)
) WITHOUT ROWID;

-- /health reads the messages waiting and counts the refused ones: neither walks the other rows.
CREATE INDEX IF NOT EXISTS queue_ledger_waiting ON queue_ledger (enqueued_at) WHERE done_at IS NULL;
CREATE INDEX IF NOT EXISTS queue_ledger_refused ON queue_ledger (failed) WHERE failed = 1;
