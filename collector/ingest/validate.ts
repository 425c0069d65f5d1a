// Turns a request body into a checked Batch, or throws an ApiError whose message says exactly
// what is wrong (and where), so SDK authors and server-side senders can fix it.
import * as v from 'valibot';
import { BatchSchema, LIMITS, type Batch } from '../../sdk/schema';
import { ApiError } from '../errors';

/** Most issues listed in one 400 reply; the first one is also the `error` message. */
const MAX_ISSUES = 10;
/** Longest issue message: valibot quotes the received value, which may be huge. */
const MAX_MESSAGE = 200;

const DAY = 24 * 3600 * 1000;

/**
 * Parses and validates a `POST /collect` body.
 * - malformed JSON, not an object, schema violation, `ts` out of range → 400
 * - more than LIMITS.events events → 413, so a sender splits the batch rather than dropping it
 * - a site id not in `sites` (when `sites` is non-empty) → 403
 * @param received server time the request arrived; stands in for a missing `sent`
 * @example parseBatch('{"site":"shop","events":[…]}', Date.now())
 */
export function parseBatch(body: string, received: number, sites?: readonly string[]): Batch {
  if (!body.trim()) throw new ApiError(400, 'empty body: expected a JSON batch {"site", "sent", "events": [...]}');
  let input: unknown;
  try {
    // The reviver costs 5× the parse (it is called for every value): only when a body may hold
    // an unpaired surrogate, raw or escaped (\uD800–\uDFFF; a false alarm only costs time).
    input = isWellFormed(body) && !SURROGATE_ESCAPE.test(body) ? JSON.parse(body) : JSON.parse(body, wellFormed);
  } catch (err) {
    throw new ApiError(400, `malformed JSON: ${(err as Error).message}`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ApiError(400, 'body must be a JSON object {"site", "sent", "events": [...]}');
  }
  // Checked before the schema so that the status is 413 (split and resend), not 400 (drop).
  const events = (input as { events?: unknown }).events;
  if (Array.isArray(events) && events.length > LIMITS.events) {
    throw new ApiError(413, `too many events: ${events.length} in one batch, at most ${LIMITS.events}; split it`);
  }

  const parsed = v.safeParse(BatchSchema, input);
  if (!parsed.success) {
    const issues = parsed.issues.slice(0, MAX_ISSUES).map(describeIssue);
    throw new ApiError(400, issues[0]!, { issues });
  }
  const batch = parsed.output;

  if (sites?.length && !sites.includes(batch.site)) {
    throw new ApiError(403, `site: "${batch.site}" is not accepted by this collector (see CJM_SITES)`);
  }
  checkTimes(batch, received);
  return batch;
}

// In a `u` regex a surrogate pair is one code point (not Cs), so these match unpaired ones only.
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;
/** String.prototype.isWellFormed (ES2024: Node 20+, workerd); the lib stays ES2022 for the SDK. */
const isWellFormed = (s: string) => (s as string & { isWellFormed(): boolean }).isWellFormed();
/** A JSON escape of a surrogate code unit (paired or not). */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * JSON.parse reviver: an unpaired surrogate (a string cut in the middle of an emoji, or a
 * hostile "\ud800") cannot be stored as UTF-8, so SQLite would silently turn it into U+FFFD.
 * Doing that here instead makes the stored row equal the validated event, and keeps the event:
 * refusing it would drop real page titles that a browser truncated mid-character.
 */
const wellFormed = (_key: string, value: unknown): unknown =>
  typeof value === 'string' && LONE_SURROGATE.test(value) ? value.replace(LONE_SURROGATES, '\ufffd') : value;

/**
 * Rejects the whole batch when an event's `ts` is far from `sent`: a partial batch is never stored.
 * Because time = ts + (received - sent), this also bounds every corrected time to
 * [received - 30 days, received + 5 min], whatever `sent` a client claims.
 */
function checkTimes(batch: Batch, received: number): void {
  const sent = batch.sent ?? received;
  batch.events.forEach((e, i) => {
    if (e.ts < sent - LIMITS.maxAgeMs) {
      const days = Math.floor((sent - e.ts) / DAY);
      throw new ApiError(400, `events[${i}].ts: ${e.ts} is ${days} days before the batch was sent (at most ${LIMITS.maxAgeMs / DAY} days)`);
    }
    if (e.ts > sent + LIMITS.maxAheadMs) {
      const s = Math.ceil((e.ts - sent) / 1000);
      throw new ApiError(400, `events[${i}].ts: ${e.ts} is ${s} s after the batch was sent (at most ${LIMITS.maxAheadMs / 1000} s)`);
    }
  });
}

/** `events[3].ts: Invalid type: Expected number but received "x"` */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = formatPath(issue.path ?? []);
  const message = issue.message.length > MAX_MESSAGE ? `${issue.message.slice(0, MAX_MESSAGE)}…` : issue.message;
  return path ? `${path}: ${message}` : message;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

function formatPath(path: readonly { key: unknown }[]): string {
  let out = '';
  for (const { key } of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENT.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key)).slice(0, 80)}]`;
  }
  return out;
}
