// Node-only: checks the SQLite path (CJM_DB) and creates its folder before anything is written
// there, so a wrong path fails with a message naming it and its cause, and nothing (the admin
// token included) lands outside the data folder.
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Returns the folder of the database file, created if missing; null for ':memory:'. Throws an
 * Error naming CJM_DB, the path and the cause when the path is a folder, its parent is a file,
 * or the folder cannot be created or written.
 * @example prepareDataDir('./data/cjm.db') // '/repo/data'
 */
export function prepareDataDir(dbPath: string): string | null {
  if (dbPath === ':memory:') return null;
  const file = resolve(dbPath);
  const dir = dirname(file);
  const fail = (cause: string): never => {
    throw new Error(`CJM_DB ${file}: ${cause}`);
  };
  const kind = kindOf(file);
  if (kind === 'dir') fail(`is a folder; give the database file inside it, e.g. CJM_DB=${resolve(file, 'cjm.db')}`);
  if (kind === 'other') fail('is not a regular file');
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    fail(`cannot create its folder ${dir} (${reason(err)})`);
  }
  if (kindOf(dir) !== 'dir') fail(`its folder ${dir} is not a folder`);
  try {
    // SQLite writes the -wal and -shm files beside the database, so the folder must be writable.
    accessSync(dir, constants.W_OK);
    if (kind === 'file') accessSync(file, constants.R_OK | constants.W_OK);
  } catch (err) {
    fail(`${kind === 'file' ? 'the file or ' : ''}its folder is not writable by this user (${reason(err)})`);
  }
  return dir;
}

function kindOf(path: string): 'none' | 'file' | 'dir' | 'other' {
  try {
    const s = statSync(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
  } catch (err) {
    if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return 'none'; // ENOTDIR: reported below
    throw new Error(`CJM_DB ${path}: cannot be read (${reason(err)})`, { cause: err });
  }
}

/** "permission denied (EACCES)" from a Node file-system error. */
export function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const text: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOTDIR: 'a part of the path is a file, not a folder',
    ENOSPC: 'no space left on the device',
    EEXIST: 'a file of that name exists',
  };
  return e.code && text[e.code] ? `${text[e.code]}, ${e.code}` : (e.message ?? String(err));
}
