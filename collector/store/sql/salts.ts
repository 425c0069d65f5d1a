// The daily salt of the visitor hash (migration 0012), the same SQL on SQLite and D1: today's
// salt is created by whichever process asks first (the others keep it), older ones are deleted,
// and a straggler asking for a day already rotated away gets the newest salt, never a new one.
import { SQLITE_WRITE, type WriteDialect } from './dialect';
import type { Statement } from './statement';

/** ?1 = day, ?2 = a fresh random salt (kept only if that day has none and no later day exists). */
export const SALT_STATEMENTS = (day: number, fresh: string, d: WriteDialect = SQLITE_WRITE): Statement[] => [
  {
    sql: `INSERT INTO salts (day, salt) SELECT ${d.typed('?1', 'BIGINT')}, ?2 WHERE NOT EXISTS (SELECT 1 FROM salts WHERE day >= ?1)`,
    params: [day, fresh],
  },
  { sql: 'DELETE FROM salts WHERE day < (SELECT MAX(day) FROM salts)', params: [] },
];

/** The salt of day ?1, or the newest one after it. */
export const SALT_READ: Statement = { sql: 'SELECT salt FROM salts WHERE day >= ?1 ORDER BY day LIMIT 1', params: [] };

/** 16 random bytes as hex. */
export const randomSalt = (): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
