// SIGBUS guard (issue 17.6). In WAL mode SQLite memory-maps `<db>-shm` (the wal-index). If that
// file stops being writable underneath the collector (`chattr +i`, as reproduced here) or is
// truncated, SQLite's next access to the mapping makes the kernel send SIGBUS, which kills Node
// at once: no JavaScript handler may run, so no log line. The database file itself is never
// mapped (`PRAGMA mmap_size = 0`, set at open), so only the -shm needs this.
// The guard checks the -shm before every access of the store (a stat and an access(2), a few µs)
// and every second while idle. Once it fails, the store refuses every call with an error that
// names the file and the cause (so /collect answers 503, or the journal keeps the batches, and
// /health reports it), and never touches the connection again — not even to close it — until
// the file is writable again (a truncated file never is: restart the collector).
import { accessSync, constants, statSync } from 'node:fs';

export interface ShmGuard {
  /** Throws when touching the database could crash the process (the error says why). */
  check(): void;
  /** The current problem, or null. */
  problem(): string | null;
  stop(): void;
}

/**
 * Watches `<dbPath>-shm` for the store of `dbPath` (a file database in WAL mode).
 * @example const guard = watchShm('/data/cjm.db', (m) => console.error(m)); guard.check();
 */
export function watchShm(dbPath: string, log: (message: string) => void = console.error, intervalMs = 1000): ShmGuard {
  const shm = `${dbPath}-shm`;
  let largest = 0; // the size seen: SQLite may have mapped that much
  let truncated: string | null = null; // for good: the mapping reaches past the end of the file
  let current: string | null = null;

  const inspect = (): string | null => {
    if (truncated) return truncated;
    let size: number;
    try {
      size = statSync(shm).size;
    } catch {
      return null; // deleted: SQLite keeps its mapping of the unlinked file, which stays safe
    }
    if (size < largest) {
      truncated = `the database's -shm file was truncated (${size} of ${largest} bytes) while in use; the collector no longer touches the database (that would crash it with SIGBUS): restart it`;
      return truncated;
    }
    largest = Math.max(largest, size);
    try {
      accessSync(shm, constants.W_OK);
    } catch (err) {
      return `the database's -shm file is not writable (${(err as NodeJS.ErrnoException).code ?? err}; immutable, read-only or permissions); the collector does not touch the database until it is writable again (that would crash it with SIGBUS)`;
    }
    return null;
  };

  const update = (): string | null => {
    const found = inspect();
    // The log names the file; the error (shown on the public /health) does not.
    if (found && found !== current) log(`cjm: SQLite database ${dbPath}: ${found} (${shm})`);
    if (!found && current) log(`cjm: SQLite database ${dbPath}: its ${shm} is writable again`);
    current = found;
    return found;
  };
  update();
  const timer = setInterval(update, intervalMs);
  timer.unref();

  return {
    check() {
      const found = update();
      if (found) throw new Error(found);
    },
    problem: () => current,
    stop: () => clearInterval(timer),
  };
}
