// The header's note on what the report may not show yet (issue 16): with the ingest journal
// (CJM_JOURNAL) events are stored a moment after they are acknowledged, and /health says how
// far behind the store is (on Workers, the queue's lag from its D1 ledger); it also says when
// storing fails.
import { count } from './format';

/** What GET /health answers (the fold only with the journal). */
export interface Health {
  ok: boolean;
  store?: string;
  fold?: { batches: number; events: number; oldestMs: number };
}

/**
 * How far behind the report may be before the header says so, ms: under load a few batches are
 * always waiting for a fraction of a second, which is not worth a note.
 */
export const FOLD_NOTICE_MS = 3000;

/** The note for the header, or '' when the report is up to date (or behind by less than FOLD_NOTICE_MS). */
export function foldNotice(health: Health): string {
  if (!health.ok && health.store === 'failing') {
    const n = health.fold?.events ?? 0;
    const waiting = n ? `; ${count(n, 'event')} ${n === 1 ? 'waits' : 'wait'} in the journal` : '';
    return `Storage is failing: new events are not in the report${waiting}.`;
  }
  const fold = health.fold;
  if (!fold || fold.events === 0 || fold.oldestMs < FOLD_NOTICE_MS) return '';
  const s = fold.oldestMs / 1000;
  return `${count(fold.events, 'event')} not in the report yet (oldest ${s < 10 ? s.toFixed(1) : Math.round(s)} s).`;
}

/** Fetches /health and returns its note ('' when it cannot be read: the report is what matters). */
export async function fetchFoldNotice(): Promise<string> {
  try {
    const res = await fetch('/health');
    return foldNotice((await res.json()) as Health);
  } catch {
    return '';
  }
}
