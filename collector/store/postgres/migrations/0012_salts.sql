-- Migration number: 0012 — daily salts of the visitor hash of id-less clients (see the SQLite 0012).
CREATE TABLE IF NOT EXISTS salts (
  day  BIGINT PRIMARY KEY, -- UTC day: epoch ms / 86 400 000, rounded down
  salt TEXT NOT NULL       -- 16 random bytes, hex
);
