// The store's state as /health reports it: the last write that failed for the storage's sake
// (not a batch refused for its data), until a write succeeds again, and, where the adapter has
// one, a cheap probe run at every /health.

/** A storage failure as /health shows it. */
export interface StorageProblem {
  /** The storage's message, e.g. "database or disk is full", "database is locked". */
  error: string;
  /** When it started failing (epoch ms). */
  since: number;
}

/** Tracks whether the last writes succeeded. One per app; runtime-neutral. */
export class StorageHealth {
  private problem: StorageProblem | null = null;

  /** A write committed: the storage works again. */
  succeeded(): void {
    this.problem = null;
  }

  /** A write failed for the storage's sake; keeps the time of the first failure in a row. */
  failed(err: unknown, at: number): void {
    this.problem = { error: firstLine(err), since: this.problem?.since ?? at };
  }

  /** The current problem, if the last write failed. */
  get current(): StorageProblem | null {
    return this.problem;
  }
}

/** An error's first line, short: safe to show on a public endpoint (SQLite messages name no path). */
export const firstLine = (err: unknown) =>
  String((err as Error)?.message ?? err)
    .split('\n')[0]!
    .slice(0, 200);

/**
 * What an error says without the wrappers that name the database (a file path, a host): the
 * first line of its innermost cause. For public endpoints (/health's `storeError`).
 */
export function rootMessage(err: unknown): string {
  let e = err;
  for (let depth = 0; depth < 8 && e instanceof Error && e.cause instanceof Error; depth++) e = e.cause;
  return firstLine(e);
}
