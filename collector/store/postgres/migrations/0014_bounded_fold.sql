-- Migration number: 0014 — what the incremental fold needs so a batch costs what the batch holds
-- (see the SQLite 0014). Keys are lpad(time, 15, '0') || '|' || id, which sort as (time, id) does.
CREATE TABLE IF NOT EXISTS visitor_sessions (
  site    TEXT COLLATE "C" NOT NULL,
  visitor TEXT COLLATE "C" NOT NULL,
  session TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (site, visitor, session)
);
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS landing_at TEXT COLLATE "C";
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS exit_at TEXT COLLATE "C";
ALTER TABLE visitors ADD COLUMN IF NOT EXISTS user_id_at TEXT COLLATE "C";
ALTER TABLE visitors ADD COLUMN IF NOT EXISTS persona_at TEXT COLLATE "C";
CREATE INDEX IF NOT EXISTS events_site_visitor_anon ON events (site, visitor) WHERE user_id IS NULL;
