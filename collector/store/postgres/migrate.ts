// Applies the Postgres migrations (NNNN_name.sql, the numbers and names of the SQLite ones) and
// records them in `cjm_migrations`. Under a session advisory lock, so collectors starting at
// once against one database apply each migration once: the others wait, then find it done.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PoolClient } from 'pg';

/** The folder of the Postgres migrations. */
export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** One migration file. */
export interface PgMigration {
  /** File name, e.g. `0001_init.sql`: the key recorded in cjm_migrations. */
  name: string;
  sql: string;
}

/** Reads `*.sql` from a folder, sorted by name. */
export function readPgMigrations(dir: string = PG_MIGRATIONS_DIR): PgMigration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}

/** Advisory lock key of the migrator (any constant both collectors agree on: "cjm" + 1). */
const MIGRATION_LOCK = 0x636a6d01;

/**
 * Applies the migrations not yet recorded, each in its own transaction with its bookkeeping row,
 * and returns the names applied now.
 * @example await migratePostgres(client) // → ['0001_init.sql', …] on a new database, [] afterwards
 */
export async function migratePostgres(client: PoolClient, migrations: readonly PgMigration[] = readPgMigrations()): Promise<string[]> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS cjm_migrations (
      name       TEXT PRIMARY KEY,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const done = new Set((await client.query<{ name: string }>('SELECT name FROM cjm_migrations')).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql); // several statements: the simple protocol runs them in order
        await client.query('INSERT INTO cjm_migrations (name) VALUES ($1)', [m.name]);
        await client.query('COMMIT');
        applied.push(m.name);
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
