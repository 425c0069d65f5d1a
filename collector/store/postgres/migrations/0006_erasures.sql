-- Migration number: 0006 — erasure tombstones (GDPR, docs/privacy.md; see the SQLite 0006).
CREATE TABLE IF NOT EXISTS erasures (
  site   TEXT COLLATE "C" NOT NULL,
  kind   TEXT COLLATE "C" NOT NULL CHECK (kind IN ('visitor', 'user')),
  id     TEXT COLLATE "C" NOT NULL,
  erased BIGINT NOT NULL, -- erasure time, epoch ms (server clock)
  PRIMARY KEY (site, kind, id)
);
CREATE INDEX IF NOT EXISTS erasures_erased ON erasures (erased);
