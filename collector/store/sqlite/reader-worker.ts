// One read connection of the SQLite store's reader pool (collector/store/sqlite/readers.ts), in a
// worker thread: opens the database file read-only and answers each { id, sql, params } with the
// rows or the error. No relative imports (types only), so Node loads this file as it is (type
// stripping) as well as under tsx, whose loader a worker inherits through execArgv.
import { constants, DatabaseSync, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { ReaderReply, ReaderRequest, ReaderSetup } from './readers';

const { path, busyTimeoutMs, readActions, cacheMb } = workerData as ReaderSetup;
const allowed = new Set(readActions);
const db = new DatabaseSync(path, { readOnly: true, timeout: busyTimeoutMs });
// A report reads tens of MB of rollup pages again on every run: SQLite's 2 MB default cache
// would re-read them from the OS each time (system time ~15 % of a report over 1M events).
db.exec(`PRAGMA cache_size = ${-Math.max(2, Math.round(cacheMb)) * 1024}`);
// The connection is read-only; statements are still prepared under the main connection's
// authorizer (reads only), so whatever the SQL, it is refused as it would be there.
const prepared = new Map<string, StatementSync>();
const prepare = (sql: string) => {
  let stmt = prepared.get(sql);
  if (stmt) return stmt;
  db.setAuthorizer((action) => (allowed.has(action) ? constants.SQLITE_OK : constants.SQLITE_DENY));
  try {
    stmt = db.prepare(sql);
  } finally {
    db.setAuthorizer(null);
  }
  prepared.set(sql, stmt);
  return stmt;
};

const port = parentPort!;
port.on('message', (msg: ReaderRequest | null) => {
  if (msg === null) {
    // close(): requests already answered; closing here (not by terminate) lets the main
    // connection, closed last, checkpoint and remove the WAL file.
    db.close();
    port.close();
    return;
  }
  let reply: ReaderReply;
  try {
    reply = { id: msg.id, rows: prepare(msg.sql).all(...msg.params) as Record<string, unknown>[] };
  } catch (err) {
    const e = err as { message?: unknown; code?: unknown; errcode?: unknown; errstr?: unknown };
    reply = { id: msg.id, error: { message: String(e?.message ?? err), code: e?.code, errcode: e?.errcode, errstr: e?.errstr } };
  }
  port.postMessage(reply);
});
