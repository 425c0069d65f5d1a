// Applies pending SQL migrations to a node:sqlite database, bookkeeping them in `d1_migrations`
// exactly as `wrangler d1 migrations apply` does, so one migrations folder serves SQLite and D1.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseSync } from 'node:sqlite';

/** The folder of this package's migrations (`NNNN_name.sql`, applied in name order). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** One migration file. */
export interface Migration {
  /** File name, e.g. `0001_init.sql`; the key recorded in d1_migrations (as wrangler does). */
  name: string;
  sql: string;
}

/** Reads `*.sql` from a folder, sorted by name. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}

/**
 * Applies the migrations not yet recorded, each in its own transaction with its bookkeeping
 * row, and returns the names applied now.
 * @example migrate(db) // → ['0001_init.sql'] on a new database, [] afterwards
 */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = readMigrations()): string[] {
  // Same table, columns and defaults as wrangler's, so a database can move between the two.
  db.exec(`CREATE TABLE IF NOT EXISTS d1_migrations(
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT UNIQUE,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
  )`);
  const done = new Set(
    db
      .prepare('SELECT name FROM d1_migrations')
      .all()
      .map((r) => String(r.name)),
  );
  const record = db.prepare('INSERT INTO d1_migrations (name) VALUES (?)');
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.name)) continue;
    // IMMEDIATE takes the write lock first, so two processes opening one new file cannot both
    // apply the same migration.
    db.exec('BEGIN IMMEDIATE');
    try {
      const again = db.prepare('SELECT 1 FROM d1_migrations WHERE name = ?').get(m.name);
      if (!again) {
        db.exec(m.sql);
        record.run(m.name);
        applied.push(m.name);
      }
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw new Error(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return applied;
}
