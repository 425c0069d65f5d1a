// The optional Cloudflare Queues path: /collect validates and enriches as always (ingest()),
// then a Store whose insert() enqueues; the Worker's queue() handler stores the rows in D1.
// Both sides are idempotent on (site, id), so redelivered messages never duplicate a row.
import type { Message, MessageBatch, Queue } from '@cloudflare/workers-types';
import { EVENT_COLUMNS } from '../store/sql/columns';
import type { InsertResult, Store, StoredEvent } from '../store/types';

/**
 * One queue message: enriched rows as arrays of column values. The column names travel with
 * them, so a message enqueued before a deploy that adds a column still decodes afterwards.
 */
export interface QueuedRows {
  cols: string[];
  rows: unknown[][];
}

/** Largest message body we build, bytes of JSON (Queues allows 128 KB per message). */
export const MAX_MESSAGE_BYTES = 120_000;
/** Largest sendBatch() payload, bytes (Queues allows 256 KB and 100 messages per call). */
const MAX_SEND_BATCH_BYTES = 240_000;
const MAX_SEND_BATCH_MESSAGES = 100;
/** Seconds before a message that could not be stored is delivered again. */
const RETRY_DELAY_S = 30;

const encoder = new TextEncoder();
const byteLength = (s: string) => encoder.encode(s).length;

/** Splits rows into message bodies of at most `maxBytes` of JSON each. */
export function toMessages(rows: readonly StoredEvent[], maxBytes = MAX_MESSAGE_BYTES): QueuedRows[] {
  const cols = [...EVENT_COLUMNS];
  const overhead = byteLength(JSON.stringify({ cols, rows: [] }));
  const out: QueuedRows[] = [];
  let current: unknown[][] = [];
  let size = overhead;
  for (const row of rows) {
    const values = EVENT_COLUMNS.map((c) => row[c] ?? null);
    const bytes = byteLength(JSON.stringify(values)) + 1;
    if (current.length && size + bytes > maxBytes) {
      out.push({ cols, rows: current });
      current = [];
      size = overhead;
    }
    current.push(values);
    size += bytes;
  }
  if (current.length) out.push({ cols, rows: current });
  return out;
}

/** Decodes a message body back into rows; a column the message lacks becomes null. */
export function fromMessage(body: QueuedRows): StoredEvent[] {
  if (!Array.isArray(body?.cols) || !Array.isArray(body.rows) || !body.rows.every(Array.isArray)) {
    throw new TypeError('expected {cols: string[], rows: unknown[][]}');
  }
  const index = new Map(body.cols.map((c, i) => [c, i]));
  return body.rows.map((values) => {
    const row: Record<string, unknown> = {};
    for (const c of EVENT_COLUMNS) {
      const i = index.get(c);
      row[c] = i === undefined ? null : (values[i] ?? null);
    }
    // bot is NOT NULL DEFAULT 0 in the table; an old message without it means "not a bot".
    row.bot ??= 0;
    return row as unknown as StoredEvent;
  });
}

/** Sends rows as few messages and sendBatch() calls as the Queues limits allow. */
async function enqueue(queue: Queue<QueuedRows>, rows: readonly StoredEvent[]): Promise<void> {
  const messages = toMessages(rows);
  if (messages.length === 1) {
    await queue.send(messages[0]!, { contentType: 'json' });
    return;
  }
  // Several sendBatch() calls are not atomic together; a client retrying after a failure
  // resends everything, which the consumer's insert-or-ignore absorbs.
  let group: { body: QueuedRows; contentType: 'json' }[] = [];
  let bytes = 0;
  for (const body of messages) {
    const size = byteLength(JSON.stringify(body));
    if (group.length && (bytes + size > MAX_SEND_BATCH_BYTES || group.length === MAX_SEND_BATCH_MESSAGES)) {
      await queue.sendBatch(group);
      group = [];
      bytes = 0;
    }
    group.push({ body, contentType: 'json' });
    bytes += size;
  }
  if (group.length) await queue.sendBatch(group);
}

/**
 * A Store for the app whose insert() enqueues the rows instead of writing them; everything
 * else reads `store` (D1). Duplicates are not known until the consumer runs, so insert() answers
 * `{inserted: rows.length, duplicates: 0}`: /collect then replies 202 with `accepted` =
 * events enqueued, and `duplicates` = 0 always.
 * @example createApp({ store: queueingStore(env.QUEUE, openD1Store(env.DB)), config })
 */
export function queueingStore(queue: Queue<QueuedRows>, store: Store): Store {
  // Every other method (journey context, exports, reports) reads D1 as usual; adapters are
  // plain objects of closures, so spreading keeps them working.
  return {
    ...store,
    async insert(rows) {
      if (rows.length) await enqueue(queue, rows);
      return { inserted: rows.length, duplicates: 0 };
    },
  };
}

/**
 * The queue consumer: stores every message's rows in one transaction and acks them. If that
 * fails, it tries message by message, so one bad message (retried, then dead-lettered by
 * Queues) cannot hold back the others.
 * @example async queue(batch, env) { await consumeBatch(batch, openD1Store(env.DB)); }
 */
export async function consumeBatch(
  batch: MessageBatch<QueuedRows>,
  store: Store,
  log: (message: string, error: unknown) => void = console.error,
): Promise<InsertResult> {
  const retry = (m: Message<QueuedRows>, why: string, err: unknown) => {
    log(`cjm: queue message ${m.id} (attempt ${m.attempts}): ${why}`, err);
    m.retry({ delaySeconds: RETRY_DELAY_S });
  };
  const decoded: { m: Message<QueuedRows>; rows: StoredEvent[] }[] = [];
  for (const m of batch.messages) {
    try {
      decoded.push({ m, rows: fromMessage(m.body) });
    } catch (err) {
      retry(m, 'not a cjm message', err);
    }
  }
  try {
    const result = await store.insert(decoded.flatMap((d) => d.rows));
    for (const { m } of decoded) m.ack();
    return result;
  } catch (err) {
    log('cjm: storing a queue batch failed; retrying message by message', err);
  }
  const total = { inserted: 0, duplicates: 0 };
  for (const { m, rows } of decoded) {
    try {
      const r = await store.insert(rows);
      total.inserted += r.inserted;
      total.duplicates += r.duplicates;
      m.ack();
    } catch (err) {
      retry(m, 'storing failed', err);
    }
  }
  return total;
}
