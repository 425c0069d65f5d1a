-- Migration number: 0006 — erasure tombstones (GDPR, docs/privacy.md)
-- An erasure (lifecycle-sql.ts eraseVisitorPlan) deletes a person's events, but events of that
-- person already received and not yet stored (waiting in the optional queue on Workers, or in
-- a /collect request still being processed) would be stored afterwards. So the erasure records,
-- in the same transaction, one row per erased visitor id and per user id involved, with the
-- erasure time; every insert skips a row whose visitor or user id has a tombstone at or after
-- the row's `received` time (counted as a duplicate). Not derived from `events`: retention and
-- erasure delete tombstones older than 15 days (lifecycle-sql.ts TOMBSTONE_MS).

CREATE TABLE IF NOT EXISTS erasures (
  site   TEXT NOT NULL,
  kind   TEXT NOT NULL CHECK (kind IN ('visitor', 'user')), -- which column of `events` `id` matches
  id     TEXT NOT NULL,
  erased INTEGER NOT NULL,                                   -- erasure time, epoch ms (server clock)
  PRIMARY KEY (site, kind, id)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS erasures_erased ON erasures (erased);
