// What the mappers of foreign clients (plausible.ts, umami.ts, segment.ts) produce: cjm events
// still without the parts that need hashing, the clock or the store (ids, visitor, session),
// which compat/ingest.ts settles before the events go through the same ingest as /collect.
import type { EventType, Props } from '../../sdk/schema';

/** One cjm event as a foreign message maps to it. */
export interface Draft {
  type: EventType;
  name: string;
  /** Client time, epoch ms; arrival when left out. */
  ts?: number;
  url?: string;
  path?: string;
  title?: string;
  referrer?: string;
  user?: string;
  props?: Props;
  /** The sender's own event id (Segment messageId): used verbatim if a cjm token, else hashed. */
  id?: string;
  /** The sender's own visitor id (Segment anonymousId): verbatim if a cjm token, else hashed. */
  visitor?: string;
}

/** A foreign body that cannot be mapped: answered 400 with `errors` naming each field. */
export class MappingError extends Error {
  constructor(readonly errors: Readonly<Record<string, string>>) {
    super(
      Object.entries(errors)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; '),
    );
    this.name = 'MappingError';
  }
}

/** `s` cut to `max` characters; undefined for non-strings and empty strings. */
export const str = (s: unknown, max: number): string | undefined => (typeof s === 'string' && s !== '' ? s.slice(0, max) : undefined);

/** Path of an absolute or root-relative URL (null when it has none). */
export function pathOf(url: string | undefined, hash = false): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url, 'http://relative.invalid');
    return (u.pathname + (hash ? u.hash : '')).slice(0, 1024) || undefined;
  } catch {
    return undefined;
  }
}
