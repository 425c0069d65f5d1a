// The size of an SQLite database on disk, for CJM_MAX_DB_MB: the file plus its WAL.
import { statSync } from 'node:fs';

const size = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/** Bytes of `path` and `path-wal` (0 for a missing file). */
export const fileBytes = (path: string): number => size(path) + size(`${path}-wal`);
