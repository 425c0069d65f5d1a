-- Migration number: 0016 — the Workers Queues path's ledger (SQLite/D1 0016). Postgres is
-- reached from Node, whose ingest journal keeps the fold lag in memory: nothing to create. The
-- file keeps the numbering the same on every engine.
SELECT 1;
