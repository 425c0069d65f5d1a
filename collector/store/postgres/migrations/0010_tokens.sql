-- Migration number: 0010 — per-site API tokens (see the SQLite 0010).
CREATE TABLE IF NOT EXISTS tokens (
  hash TEXT COLLATE "C" PRIMARY KEY,
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  site TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL CHECK (role IN ('viewer', 'admin')),
  name TEXT,
  created BIGINT NOT NULL
);
