-- Migration number: 0005 — the stages each visitor has reached
-- Ingest asks, for every batch, which stages the batch's visitors reached before (to infer a
-- stage by progress, docs/journey.md). Grouping all of a visitor's events for that read grew
-- with the visitor's history; this table holds just the distinct (visitor, stage) pairs, from
-- every event with a visitor and a stage (bots included, as the read always took them). Their
-- purchases are `visitors.purchases`. Kept on insert with the new rows only
-- (collector/store/sql/incremental.ts) and rebuilt with `visitors` by retention and erasure
-- (journey-sql.ts refreshStatements, lifecycle-sql.ts).

CREATE TABLE IF NOT EXISTS visitor_stages (
  site    TEXT NOT NULL,
  visitor TEXT NOT NULL,
  stage   TEXT NOT NULL,
  PRIMARY KEY (site, visitor, stage)
) WITHOUT ROWID;

INSERT INTO visitor_stages (site, visitor, stage)
SELECT DISTINCT site, visitor, stage FROM events WHERE visitor <> '' AND stage IS NOT NULL
ON CONFLICT DO NOTHING;
