// The optional Cloudflare Queues path: /collect validates and enriches as always (ingest()),
// then a Store whose insert() enqueues; the Worker's queue() handler stores the rows in D1.
// Both sides are idempotent on (site, id), so redelivered messages never duplicate a row.
import type { D1Database, Message, MessageBatch, Queue } from '@cloudflare/workers-types';
import { EVENT_COLUMNS } from '../store/sql/columns';
import type { InsertResult, Store, StoredEvent } from '../store/types';

/**
 * One queue message: enriched rows as arrays of column values. The column names travel with
 * them, so a message enqueued before a deploy that adds a column still decodes afterwards.
 */
export interface QueuedRows {
  cols: string[];
  rows: unknown[][];
  /** The message's row in the D1 queue_ledger (fold lag on /health); absent in older messages. */
  key?: string;
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

/** Sends the messages with as few send()/sendBatch() calls as the Queues limits allow. */
async function enqueue(queue: Queue<QueuedRows>, messages: readonly QueuedRows[]): Promise<void> {
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
export function queueingStore(
  queue: Queue<QueuedRows>,
  store: Store,
  options: { ledger?: D1Database; now?: () => number; log?: (message: string, error: unknown) => void } = {},
): Store {
  const { ledger } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? console.error;
  // Every other method (journey context, exports, reports) reads D1 as usual; adapters are
  // plain objects of closures, so spreading keeps them working.
  const queueing: Store = {
    ...store,
    // What ingest calls: the context from D1, the rows made of it enqueued (the consumer's insert
    // stores them as they are).
    async insertAssigned(site, keys, assign) {
      return queueing.insert(assign(await store.journeyContext(site, keys)));
    },
    async insert(rows) {
      if (!rows.length) return { inserted: 0, duplicates: 0 };
      const messages = toMessages(rows);
      if (!ledger) {
        await enqueue(queue, messages);
        return { inserted: rows.length, duplicates: 0 };
      }
      for (const m of messages) m.key = crypto.randomUUID();
      // The ledger row is written beside the send, not before it (no extra round trip on the
      // request); the lag is informative, so its failure is logged, not the request's.
      const noted = ledgerEnqueued(ledger, messages, now()).then(
        () => true,
        (err: unknown) => (log('cjm: queue ledger write failed (/health lag undercounts)', err), false),
      );
      try {
        await enqueue(queue, messages);
      } catch (err) {
        if (await noted) await ledgerForget(ledger, messages).catch(() => {});
        throw err;
      }
      await noted;
      return { inserted: rows.length, duplicates: 0 };
    },
  };
  return queueing;
}

/** Messages older than this in the ledger are not counted (past any queue's retention). */
const LEDGER_HORIZON_MS = 14 * 86_400_000;
/** Drops a message's row once both sides wrote it (by key: the cost does not grow with the table). */
const DONE_PAIR = 'DELETE FROM queue_ledger WHERE key = ? AND enqueued_at IS NOT NULL AND done_at IS NOT NULL AND failed IS NULL';

/** Producer side: one row per message (upsert: the consumer may have marked it done already). */
async function ledgerEnqueued(db: D1Database, messages: readonly QueuedRows[], at: number): Promise<void> {
  const upsert = db.prepare(
    'INSERT INTO queue_ledger (key, site, events, enqueued_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET site = excluded.site, events = excluded.events, enqueued_at = excluded.enqueued_at',
  );
  const siteAt = EVENT_COLUMNS.indexOf('site');
  const done = db.prepare(DONE_PAIR);
  await db.batch([
    ...messages.map((m) => upsert.bind(m.key!, String(m.rows[0]?.[siteAt] ?? ''), m.rows.length, at)),
    ...messages.map((m) => done.bind(m.key!)),
  ]);
}

async function ledgerForget(db: D1Database, messages: readonly QueuedRows[]): Promise<void> {
  const del = db.prepare('DELETE FROM queue_ledger WHERE key = ?');
  await db.batch(messages.map((m) => del.bind(m.key!)));
}

/** Consumer side: the messages stored (or given up on, `failed`), then the pairs complete are dropped. */
async function ledgerDone(db: D1Database, keys: readonly string[], at: number, failed = false): Promise<void> {
  if (!keys.length) return;
  const upsert = db.prepare(
    'INSERT INTO queue_ledger (key, done_at, failed) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET done_at = excluded.done_at, failed = excluded.failed',
  );
  const done = db.prepare(DONE_PAIR);
  await db.batch([...keys.map((k) => upsert.bind(k, at, failed ? 1 : null)), ...keys.map((k) => done.bind(k))]);
}

/**
 * GET /health on Workers with the queue: the same `fold` fields as Node's journal, from the D1
 * ledger: messages enqueued and not stored yet, their events, the oldest one's age, and the
 * messages the consumer gave up on (left to Queues' dead-letter queue).
 * @example createApp({ …, health: () => queueHealth(env.DB) })
 */
export async function queueHealth(db: D1Database, now: number = Date.now()) {
  const waiting = await db
    .prepare(
      'SELECT COUNT(*) AS batches, COALESCE(SUM(events), 0) AS events, MIN(enqueued_at) AS oldest FROM queue_ledger WHERE enqueued_at > ? AND done_at IS NULL',
    )
    .bind(now - LEDGER_HORIZON_MS)
    .first<{ batches: number; events: number; oldest: number | null }>();
  const refused = await db.prepare('SELECT COUNT(*) AS n FROM queue_ledger WHERE failed = 1').first<{ n: number }>();
  const oldestMs = waiting?.oldest ? Math.max(0, now - waiting.oldest) : 0;
  return {
    ok: true,
    store: 'ok',
    fold: { source: 'queue', batches: waiting?.batches ?? 0, events: waiting?.events ?? 0, oldestMs, refused: refused?.n ?? 0 },
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
  options: { ledger?: D1Database; maxRetries?: number; now?: () => number } = {},
): Promise<InsertResult> {
  const { ledger } = options;
  const now = options.now ?? Date.now;
  const gaveUp: string[] = [];
  const retry = (m: Message<QueuedRows>, why: string, err: unknown) => {
    log(`cjm: queue message ${m.id} (attempt ${m.attempts}): ${why}`, err);
    // Its last delivery: Queues moves it to the dead-letter queue; the ledger counts it as refused.
    if (options.maxRetries !== undefined && m.attempts > options.maxRetries && typeof m.body?.key === 'string') gaveUp.push(m.body.key);
    m.retry({ delaySeconds: RETRY_DELAY_S });
  };
  const stored: string[] = [];
  const ack = (m: Message<QueuedRows>) => {
    m.ack();
    if (typeof m.body?.key === 'string') stored.push(m.body.key);
  };
  try {
    return await consumeMessages(batch, store, log, retry, ack);
  } finally {
    if (ledger) {
      await ledgerDone(ledger, stored, now()).catch((err: unknown) => log('cjm: queue ledger update failed', err));
      await ledgerDone(ledger, gaveUp, now(), true).catch((err: unknown) => log('cjm: queue ledger update failed', err));
    }
  }
}

async function consumeMessages(
  batch: MessageBatch<QueuedRows>,
  store: Store,
  log: (message: string, error: unknown) => void,
  retry: (m: Message<QueuedRows>, why: string, err: unknown) => void,
  ack: (m: Message<QueuedRows>) => void,
): Promise<InsertResult> {
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
    for (const { m } of decoded) ack(m);
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
      ack(m);
    } catch (err) {
      retry(m, 'storing failed', err);
    }
  }
  return total;
}
