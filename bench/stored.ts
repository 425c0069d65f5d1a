// Counts what the collector really wrote, by opening its SQLite file after the collector
// process has exited (so no write can still be in flight): the benchmarks' rows == accepted check.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** Rows in the events table of an SQLite file. */
export function countStoredEvents(dbFile: string): number {
  const db = new DatabaseSync(dbFile, { readOnly: true });
  try {
    return Number((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
  } finally {
    db.close();
  }
}

/** What {@link checkStored} found. */
export interface StoredCheck {
  /** Rows in the file. */
  rows: number;
  /** Events the collector acknowledged in 202 answers. */
  accepted: number;
  /** Batches cut off by the end of the load, never answered, and how many of them were stored (whole). */
  unansweredBatches: number;
  unansweredStored: number;
  /** Batches stored in part: must be 0 (a batch is stored all or none). */
  partialBatches: number;
  /** rows == accepted + events of stored unanswered batches, and no partial batch. */
  ok: boolean;
}

/**
 * Checks that every acknowledged event is stored once and nothing else is: the rows must be the
 * accepted events plus, possibly, whole batches that were in flight when the load stopped.
 */
export function checkStored(dbFile: string, accepted: number, unanswered: readonly string[], batchEvents: number): StoredCheck {
  const rows = countStoredEvents(dbFile);
  const db = new DatabaseSync(dbFile, { readOnly: true });
  let unansweredStored = 0;
  let partialBatches = 0;
  try {
    const byKey = db.prepare("SELECT count(*) AS n FROM events WHERE id LIKE ? ESCAPE '\\'");
    for (const key of unanswered) {
      const n = Number((byKey.get(`${key.replace(/[\\%_]/g, '\\$&')}-%`) as { n: number }).n);
      if (n === batchEvents) unansweredStored++;
      else if (n !== 0) partialBatches++;
    }
  } finally {
    db.close();
  }
  return {
    rows,
    accepted,
    unansweredBatches: unanswered.length,
    unansweredStored,
    partialBatches,
    ok: partialBatches === 0 && rows === accepted + unansweredStored * batchEvents,
  };
}

/** "N rows = N accepted (+ k cut-off batches)": the rows == accepted check in words. */
export function storedLine(s: StoredCheck): string {
  const cut = s.unansweredBatches ? ` + ${s.unansweredStored} of ${s.unansweredBatches} batches cut off unanswered at the end` : '';
  return `${s.rows} rows ${s.ok ? '=' : '≠'} ${s.accepted} accepted${cut}${s.partialBatches ? `, ${s.partialBatches} PARTIAL batches` : ''}`;
}

/** Size of the database file plus its WAL, bytes. */
export function databaseBytes(dbFile: string): number {
  const size = (f: string) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };
  return size(dbFile) + size(`${dbFile}-wal`);
}

/**
 * Runs `fn` with the path of a fresh SQLite file in a temp folder, removed afterwards.
 * @example const rows = await withTempDatabase(async (file) => { …; return countStoredEvents(file); });
 */
export async function withTempDatabase<T>(fn: (dbFile: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'cjm-bench-'));
  try {
    return await fn(join(dir, 'cjm.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
