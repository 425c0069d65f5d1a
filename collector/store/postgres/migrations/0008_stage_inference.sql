-- Migration number: 0008 — what stage inference needs to be replayed (see the SQLite 0008).
ALTER TABLE events ADD COLUMN IF NOT EXISTS stage_inferred INTEGER;
ALTER TABLE events ADD COLUMN IF NOT EXISTS hint TEXT COLLATE "C";
