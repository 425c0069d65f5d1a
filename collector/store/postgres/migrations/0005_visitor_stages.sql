-- Migration number: 0005 — the stages each visitor has reached (see the SQLite 0005).
CREATE TABLE IF NOT EXISTS visitor_stages (
  site    TEXT COLLATE "C" NOT NULL,
  visitor TEXT COLLATE "C" NOT NULL,
  stage   TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (site, visitor, stage)
);

INSERT INTO visitor_stages (site, visitor, stage)
SELECT DISTINCT site, visitor, stage FROM events WHERE visitor <> '' AND stage IS NOT NULL
ON CONFLICT DO NOTHING;
