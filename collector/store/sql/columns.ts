// The column list of the `events` table in one place, so every adapter builds its INSERT from
// the same names and a new StoredEvent field cannot be forgotten (the type check below fails).
import type { StoredEvent } from '../types';

/** Every column of `events`, in table order. */
export const EVENT_COLUMNS = [
  'site',
  'id',
  'type',
  'name',
  'ts',
  'time',
  'received',
  'visitor',
  'session',
  'user_id',
  'url',
  'path',
  'title',
  'referrer',
  'stage',
  'touchpoint',
  'channel',
  'persona',
  'props',
  'device',
  'browser',
  'os',
  'country',
  'bot',
  'txn',
  'source',
  'medium',
  'campaign',
  'content',
  'term',
  'landing',
  'stage_inferred',
  'hint', // migration 0008
] as const satisfies readonly (keyof StoredEvent)[];

// Compile-time proof that EVENT_COLUMNS names every StoredEvent field.
type Missing = Exclude<keyof StoredEvent, (typeof EVENT_COLUMNS)[number]>;
const complete: [Missing] extends [never] ? true : Missing = true;
void complete;
