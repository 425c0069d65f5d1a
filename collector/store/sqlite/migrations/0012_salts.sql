-- Migration number: 0012 — daily salts of the visitor hash of id-less clients
-- Plausible and Umami clients send no visitor id: the drop-in endpoints (collector/compat/)
-- hash (salt, site, IP, User-Agent) instead. The salt must be the same in every process and
-- Worker isolate of a collector, so it lives here: one random salt per UTC day, the older ones
-- deleted as soon as a newer one exists, after which yesterday's hashes cannot be tied to an IP.
CREATE TABLE IF NOT EXISTS salts (
  day  INTEGER PRIMARY KEY, -- UTC day: epoch ms / 86 400 000, rounded down
  salt TEXT    NOT NULL     -- 16 random bytes, hex
);
