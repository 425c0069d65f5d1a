-- Per-site API tokens (issue 17): a read-only `viewer` (dashboard, report, export) or an `admin`
-- (also erasure) of one site. Only the SHA-256 of a token is stored; the token itself is shown
-- once, by `npm run token -- create` (or for D1 as the SQL to run with wrangler). CJM_ADMIN_TOKEN
-- stays the super-admin of every site and is never stored here.
CREATE TABLE IF NOT EXISTS tokens (
  -- Hex SHA-256 of the token: what a request's token is looked up by.
  hash TEXT PRIMARY KEY,
  -- The first 12 hex digits of the hash: names the token in listings and `revoke` (not secret).
  id TEXT NOT NULL UNIQUE,
  site TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'admin')),
  -- A note saying whose or what for ("agency dashboard").
  name TEXT,
  created INTEGER NOT NULL
);
