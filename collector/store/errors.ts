// Which storage failures are the data's fault, so the same rows would fail every time (a
// constraint), and which are the storage's (locked, full, read-only, I/O, D1 unavailable): the
// first must be refused for good (4xx), the second retried (503). SQLite and D1 word them alike.

/** SQLite's messages for rows that can never be stored as they are. */
const PERMANENT =
  /\b(?:NOT NULL|CHECK|UNIQUE|FOREIGN KEY|PRIMARY KEY) constraint failed\b|\bdatatype mismatch\b|\bstring or blob too big\b/i;

/**
 * The reason a storage error is permanent (e.g. "NOT NULL constraint failed"), or null when it
 * may pass on retry. Anything not known to be permanent counts as transient: retrying a
 * permanent failure costs requests, dropping a transient one would lose events.
 * @example permanentFailure(new Error('NOT NULL constraint failed: sessions.revenue')) // 'NOT NULL constraint failed'
 */
export function permanentFailure(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const match = PERMANENT.exec(String((e as Error).message ?? e));
    if (match) return match[0];
    // Postgres: SQLSTATE class 22 (data exception) and 23 (integrity constraint violation).
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^2[23]/.test(code)) return String((e as Error).message).split('\n')[0]!;
  }
  return null;
}
