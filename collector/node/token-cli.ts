// `npm run token -- …`: creates, lists and revokes per-site API tokens (migration 0010) in the
// SQLite database, or prints the SQL that does it on D1. Only a token's SHA-256 is stored; the
// token is printed once, at creation.
import { DatabaseSync } from 'node:sqlite';
import { INSERT_TOKEN_SQL, newToken, ROLES, tokenHash, type Role } from '../auth/tokens';
import { openSqliteStore } from '../store/sqlite/store';

const SITE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export const USAGE = `usage: npm run token -- create --site <site> --role viewer|admin [--name <note>] [--sql]
       npm run token -- list [--site <site>]
       npm run token -- revoke <id>
The database is CJM_DB (default ./data/cjm.db). --sql prints the token and the command that
stores it on Cloudflare D1 (wrangler d1 execute), instead of writing to the SQLite file.`;

/** Parses `--key value` options and positional words. */
function parseArgs(args: readonly string[]): { words: string[]; opts: Record<string, string | true> } {
  const words: string[] = [];
  const opts: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) words.push(a);
    else if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('--')) opts[a.slice(2)] = args[++i]!;
    else opts[a.slice(2)] = true;
  }
  return { words, opts };
}

const sqlText = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`);

/**
 * Runs one command and returns what to print; throws an Error with a message for the user.
 * @example await runTokenCli(['create', '--site', 'shop', '--role', 'viewer'], './data/cjm.db', Date.now())
 */
export async function runTokenCli(args: readonly string[], dbPath: string, now: number): Promise<string> {
  const { words, opts } = parseArgs(args);
  const command = words[0];
  const str = (k: string) => (typeof opts[k] === 'string' ? (opts[k] as string) : undefined);
  if (command === 'create') {
    const site = str('site');
    const role = str('role') as Role | undefined;
    if (!site || !SITE.test(site)) throw new Error(`--site: a site id (1–64 of A-Z a-z 0-9 _ . : -) is required\n${USAGE}`);
    if (!role || !ROLES.includes(role))
      throw new Error(`--role: viewer (read: dashboard, report, export) or admin (also erasure) is required\n${USAGE}`);
    const name = str('name');
    if (name !== undefined && !/^[^"'$`\\\n]{1,100}$/.test(name))
      throw new Error('--name: a note of 1–100 characters without quotes, $, ` or \\');
    const token = newToken();
    const hash = await tokenHash(token);
    const row = [hash, hash.slice(0, 12), site, role, name ?? null, now] as const;
    const shown = `token (shown once; only its hash is stored): ${token}\nid: ${row[1]}  site: ${site}  role: ${role}`;
    if (opts.sql) {
      let sql = INSERT_TOKEN_SQL;
      row.forEach((v, i) => (sql = sql.replace(`?${i + 1}`, sqlText(v))));
      return `${shown}\nOn Cloudflare D1, store it with:\n  npx wrangler d1 execute DB --remote --command "${sql}"`;
    }
    await withDb(dbPath, (db) => db.prepare(INSERT_TOKEN_SQL).run(...row));
    return shown;
  }
  if (command === 'list') {
    const site = str('site');
    const rows = await withDb(dbPath, (db) =>
      site === undefined
        ? db.prepare('SELECT id, site, role, name, created FROM tokens ORDER BY site, created').all()
        : db.prepare('SELECT id, site, role, name, created FROM tokens WHERE site = ? ORDER BY created').all(site),
    );
    if (!rows.length) return 'no tokens (CJM_ADMIN_TOKEN is the super-admin of every site)';
    return rows
      .map((r) => `${r.id}  ${r.site}  ${r.role}  ${new Date(Number(r.created)).toISOString()}  ${r.name ?? ''}`.trimEnd())
      .join('\n');
  }
  if (command === 'revoke') {
    const id = words[1];
    if (!id || !/^[0-9a-f]{12}$/.test(id)) throw new Error(`revoke: give the token's id (12 hex digits, from list)\n${USAGE}`);
    const changes = await withDb(dbPath, (db) => Number(db.prepare('DELETE FROM tokens WHERE id = ?').run(id).changes));
    if (!changes) throw new Error(`revoke: no token with id ${id}`);
    return `revoked ${id}`;
  }
  throw new Error(USAGE);
}

/** Runs `work` on the database, migrated first (so the tokens table exists). */
async function withDb<T>(path: string, work: (db: DatabaseSync) => T): Promise<T> {
  await openSqliteStore(path, { readers: 0 }).close(); // applies pending migrations
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    return work(db);
  } finally {
    db.close();
  }
}
