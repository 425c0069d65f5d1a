// The session cap (issue 16): a session holds at most MAX_SESSION_EVENTS events. The events after
// that go on in a continuation, session id `<session>~2`, then `~3` … (ids from the wire never
// hold `~`), each capped the same way. Nothing is dropped: a continuation is a visit of its own
// (same visitor and channel, docs/limits.md), and what a batch costs to store stays bounded
// whatever a client sends into one session (a path rebuilt after a late event, the session's
// report row: collector/store/sql/incremental.ts).
import type { SessionTail, StoredEvent } from '../store/types';

/** Events per session (and per continuation) at most; docs/limits.md. */
export const MAX_SESSION_EVENTS = 1000;

/** The session id of part `part` (1 = the session itself) of `session`. */
export const sessionPart = (session: string, part: number) => (part === 1 ? session : `${session}~${part}`);

/**
 * Moves the rows beyond the cap into continuations, in time order (so a session keeps its first
 * events). `tails` gives, per session id of the rows, its latest part stored and how many
 * events that part holds. Concurrent batches into one session may each see the same count, so
 * a part can exceed the cap by a batch per concurrent request; the next batch starts a new part.
 */
export function capSessions(
  rows: readonly StoredEvent[],
  tails: ReadonlyMap<string, SessionTail> = new Map(),
  max = MAX_SESSION_EVENTS,
): StoredEvent[] {
  const state = new Map<string, SessionTail>();
  const out = rows.map((r) => ({ ...r }));
  for (const r of [...out].sort((a, b) => a.time - b.time)) {
    if (!r.session) continue;
    let t = state.get(r.session);
    if (!t) state.set(r.session, (t = { ...(tails.get(r.session) ?? { part: 1, events: 0 }) }));
    if (t.events >= max) ((t.part += 1), (t.events = 0));
    t.events += 1;
    r.session = sessionPart(r.session, t.part);
  }
  return out;
}
