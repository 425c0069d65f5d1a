// Storage errors name the database file and the likely cause, from real SQLite failures: a
// missing folder, a file that is not a database, a read-only connection, and the Node entry
// refusing a CJM_DB that is a folder without writing anything beside it.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer } from '../../collector/node/server';
import { sqliteError } from '../../collector/store/sqlite/errors';
import { openSqliteStore } from '../../collector/store/sqlite/store';
import { tempDir } from './helpers';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe('SQLite errors', () => {
  it('a file in a missing folder: the path and "its folder is missing"', () => {
    const path = join(tmp.dir, 'missing', 'cjm.db');
    expect(() => openSqliteStore(path)).toThrow(
      `SQLite database ${path}: opening failed: unable to open database file (the file cannot be created or opened: its folder is missing or not writable, or the path is a folder)`,
    );
  });

  it('a file that is not a database: the path and "is CJM_DB the right file?"', () => {
    const path = join(tmp.dir, 'notes.txt');
    writeFileSync(path, 'these are not the tables you are looking for\n'.repeat(100));
    expect(() => openSqliteStore(path)).toThrow(
      new RegExp(`^SQLite database ${path}: opening failed: file is not a database \\(.*is CJM_DB the right file\\?\\)$`),
    );
  });

  it('a read-only database: the path and "read-only for this user"', () => {
    const path = join(tmp.dir, 'ro.db');
    new DatabaseSync(path).exec('CREATE TABLE t (x)');
    const ro = new DatabaseSync(path, { readOnly: true });
    let err: unknown;
    try {
      ro.exec('INSERT INTO t VALUES (1)');
    } catch (e) {
      err = e;
    }
    ro.close();
    expect(sqliteError(path, err, 'storing a batch').message).toBe(
      `SQLite database ${path}: storing a batch failed: attempt to write a readonly database (the file, its -wal/-shm files or their folder are read-only for this user)`,
    );
  });
});

describe('startServer with a wrong database path', () => {
  it('CJM_DB naming a folder: refused before anything is written, no admin-token beside it', async () => {
    const folder = join(tmp.dir, 'data');
    mkdirSync(folder);
    await expect(startServer({ port: 0, dbPath: folder, print: () => {} })).rejects.toThrow(`CJM_DB ${folder}: is a folder`);
    expect(readdirSync(tmp.dir)).toEqual(['data']);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('a database that fails to open leaves no admin-token behind', async () => {
    const path = join(tmp.dir, 'data', 'cjm.db');
    mkdirSync(join(tmp.dir, 'data'));
    writeFileSync(path, 'not sqlite'.repeat(100));
    await expect(startServer({ port: 0, dbPath: path, print: () => {} })).rejects.toThrow(
      `SQLite database ${path}: opening failed: file is not a database`,
    );
    expect(existsSync(join(tmp.dir, 'data', 'admin-token'))).toBe(false);
  });
});
