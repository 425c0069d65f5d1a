// SQLite's own messages ("unable to open database file", "file is not a database", "attempt to
// write a readonly database") name neither the file nor a likely cause; this adds both.

/** The likely cause of SQLite's most common failures, by its message. */
const HINTS: readonly [RegExp, string][] = [
  [/unable to open database file/i, 'the file cannot be created or opened: its folder is missing or not writable, or the path is a folder'],
  [
    /file is not a database|database disk image is malformed/i,
    'the file is not an SQLite database, or is damaged: is CJM_DB the right file?',
  ],
  [/readonly database/i, 'the file, its -wal/-shm files or their folder are read-only for this user'],
  [/database is locked|busy/i, 'another process holds a write lock on it'],
  [/disk I\/O error/i, 'the disk failed to read or write (full, removed, or a network file system SQLite cannot lock)'],
  [/database or disk is full/i, 'the disk is full'],
];

/**
 * An Error saying which database file failed, doing what, SQLite's message and the likely
 * cause; the original is its `cause`.
 * @example throw sqliteError('/srv/cjm.db', err, 'opening')
 * // "SQLite database /srv/cjm.db: opening failed: unable to open database file (the file cannot …)"
 */
export function sqliteError(path: string, err: unknown, doing: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  const hint = HINTS.find(([re]) => re.test(message))?.[1];
  return new Error(`SQLite database ${path}: ${doing} failed: ${message}${hint ? ` (${hint})` : ''}`, { cause: err });
}
