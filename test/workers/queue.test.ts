// The optional Queues path: with a QUEUE binding /collect validates, enriches and enqueues
// (202, duplicates unknown so 0), and the Worker's queue() handler stores the rows in D1 with
// the same insert-or-ignore, so redelivered messages never duplicate a row.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { Queue, QueueSendBatchOptions, QueueSendOptions, MessageSendRequest } from '@cloudflare/workers-types';
import { describe, expect, it, vi } from 'vitest';
import worker from '../../collector/worker/main';
import type { WorkerEnv } from '../../collector/worker/main';
import { fromMessage, toMessages, type QueuedRows } from '../../collector/worker/queue';
import { EVENT_COLUMNS } from '../../collector/store/sql/columns';
import { event, row } from '../collector/fixtures';

function batchNow(events: Record<string, unknown>[]) {
  const now = Date.now();
  return { site: 'shop', sent: now, events: events.map((e) => ({ ...e, ts: now - 1000 })) };
}

/** A queue producer that keeps what is sent, so the test decides when the consumer runs. */
function recordingQueue() {
  const sent: QueuedRows[] = [];
  const queue = {
    async send(body: QueuedRows, _o?: QueueSendOptions) {
      sent.push(structuredClone(body));
    },
    async sendBatch(messages: Iterable<MessageSendRequest<QueuedRows>>, _o?: QueueSendBatchOptions) {
      for (const m of messages) sent.push(structuredClone(m.body));
    },
    async metrics() {
      return { backlogCount: 0, backlogBytes: 0 };
    },
  };
  return { sent, queue: queue as unknown as Queue<QueuedRows> };
}

async function post(overrides: Partial<WorkerEnv>, body: unknown): Promise<Response> {
  const ctx = createExecutionContext();
  const req = new Request('http://cjm.test/collect', { method: 'POST', body: JSON.stringify(body) });
  const res = await worker.fetch(req, { ...env, ...overrides } as WorkerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** Runs the Worker's queue() consumer on these message bodies, as Queues would deliver them. */
async function consume(bodies: QueuedRows[], attempts = 1) {
  const batch = createMessageBatch<QueuedRows>(
    'cjm-events',
    bodies.map((body, i) => ({ id: `m${attempts}-${i}`, timestamp: Date.now(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env as unknown as WorkerEnv);
  return getQueueResult(batch, ctx);
}

const ids = async () =>
  (await env.DB.prepare('SELECT id FROM events WHERE site = ? ORDER BY id').bind('shop').all<{ id: string }>()).results.map((r) => r.id);

describe('Worker with a QUEUE binding', () => {
  it('enqueues a valid batch (202, nothing in D1 yet); the consumer stores it once, however often delivered', async () => {
    const { sent, queue } = recordingQueue();
    const body = batchNow([event({ id: 'q1' }), event({ id: 'q2' }), event({ id: 'q3', type: 'event', name: 'click' })]);
    const res = await post({ QUEUE: queue }, body);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 3, duplicates: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.cols).toEqual([...EVENT_COLUMNS]);
    expect(await ids()).toEqual([]);

    const result = await consume(sent);
    expect(result.explicitAcks).toEqual(['m1-0']);
    expect(result.retryMessages).toEqual([]);
    expect(await ids()).toEqual(['q1', 'q2', 'q3']);

    // The client retries the same batch (it is enqueued again), and Queues redelivers the first message.
    expect(await (await post({ QUEUE: queue }, body)).json()).toEqual({ accepted: 3, duplicates: 0 });
    expect(sent).toHaveLength(2);
    expect((await consume(sent, 2)).explicitAcks).toEqual(['m2-0', 'm2-1']);
    expect(await ids()).toEqual(['q1', 'q2', 'q3']);
    const sessions = await env.DB.prepare('SELECT events FROM sessions WHERE site = ? AND session = ?').bind('shop', 's1').first('events');
    expect(sessions).toBe(3);
  });

  it('still validates before enqueueing: a bad batch is refused and nothing is sent', async () => {
    const { sent, queue } = recordingQueue();
    const res = await post({ QUEUE: queue }, batchNow([event({ id: 'bad', type: 'nonsense' })]));
    expect(res.status).toBe(400);
    expect(sent).toEqual([]);
  });

  it('answers 503 (retry) when the queue refuses the batch', async () => {
    const queue = { send: () => Promise.reject(new Error('queue down')), sendBatch: () => Promise.reject(new Error('queue down')) };
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await post({ QUEUE: queue as unknown as Queue<QueuedRows> }, batchNow([event({ id: 'd' })]));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });

  it('retries only the message that cannot be stored, and acks the others', async () => {
    const good = toMessages([row({ id: 'g1' }), row({ id: 'g2' })]);
    const poison = toMessages([{ ...row({ id: 'p1' }), name: null } as unknown as ReturnType<typeof row>]);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const result = await consume([...good, ...poison]);
    spy.mockRestore();
    expect(result.explicitAcks).toEqual(['m1-0']);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['m1-1']);
    expect(await ids()).toEqual(['g1', 'g2']);
  });

  it('retries a message that is not a cjm message, and stores the rest', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const result = await consume([{ hello: 'world' } as unknown as QueuedRows, ...toMessages([row({ id: 'fine' })])]);
    spy.mockRestore();
    expect(result.explicitAcks).toEqual(['m1-1']);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['m1-0']);
    expect(await ids()).toEqual(['fine']);
  });

  it('an erasure while a batch of the visitor waits in the queue: the consumer stores nothing of that person, and acks it', async () => {
    const { sent, queue } = recordingQueue();
    // The person's first visit is stored: visitor vE, identified as uE.
    const first = [
      event({ id: 'e1', visitor: 'vE', session: 'sE' }),
      event({ id: 'e2', visitor: 'vE', session: 'sE', type: 'identify', name: 'identify', user: 'uE' }),
    ];
    await post({ QUEUE: queue }, batchNow(first));
    await consume(sent.splice(0));
    expect(await ids()).toEqual(['e1', 'e2']);
    // Then, in the queue: more of vE, a server-side event for uE (no visitor), and someone else.
    const queued = [
      event({ id: 'e3', visitor: 'vE', session: 'sE', type: 'event', name: 'click' }),
      event({ id: 's1', user: 'uE', type: 'event', name: 'ticket_opened' }),
      event({ id: 'o1', visitor: 'vO', session: 'sO' }),
    ];
    expect(await (await post({ QUEUE: queue }, batchNow(queued))).json()).toEqual({ accepted: 3, duplicates: 0 });
    const erase = await worker.fetch(
      new Request('http://cjm.test/api/sites/shop/visitors/vE', {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${env.CJM_ADMIN_TOKEN}` },
      }),
      env as unknown as WorkerEnv,
      createExecutionContext(),
    );
    expect(await erase.json()).toEqual({ deleted: 2, visitors: ['vE'] });
    expect(await ids()).toEqual([]);

    const result = await consume(sent.splice(0));
    expect(result.explicitAcks).toEqual(['m1-0']);
    expect(result.retryMessages).toEqual([]);
    expect(await ids()).toEqual(['o1']);
    const visitors = await env.DB.prepare("SELECT visitor FROM visitors WHERE site = 'shop' ORDER BY visitor").all();
    expect(visitors.results).toEqual([{ visitor: 'vO' }]);
    const sessions = await env.DB.prepare("SELECT session FROM sessions WHERE site = 'shop' ORDER BY session").all();
    expect(sessions.results).toEqual([{ session: 'sO' }]);

    // The same browser comes back after the erasure: tracked again, as a new visitor.
    await new Promise((r) => setTimeout(r, 5)); // a later millisecond on workerd's clock
    await post({ QUEUE: queue }, batchNow([event({ id: 'e4', visitor: 'vE', session: 'sE2' })]));
    await consume(sent.splice(0));
    expect(await ids()).toEqual(['e4', 'o1']);
  });

  it('goes through a real local queue to the Worker consumer', async () => {
    const res = await post({ QUEUE: env.TEST_QUEUE }, batchNow([event({ id: 'l1' }), event({ id: 'l2' })]));
    expect(res.status).toBe(202);
    await vi.waitFor(async () => expect(await ids()).toEqual(['l1', 'l2']), { timeout: 10_000, interval: 50 });
  });
});

/** GET /health of the Worker with this queue bound. */
async function health(queue: Queue<QueuedRows>) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request('http://cjm.test/health'), { ...env, QUEUE: queue } as WorkerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return {
    status: res.status,
    body: (await res.json()) as {
      ok: boolean;
      fold: { source: string; batches: number; events: number; oldestMs: number; refused: number };
    },
  };
}

describe("the queue path's fold lag on /health (issue 16, as Node's journal shows it)", () => {
  it("counts the messages enqueued and not stored, their events and the oldest one's age, until the consumer stores them", async () => {
    const { sent, queue } = recordingQueue();
    expect((await health(queue)).body).toEqual({
      ok: true,
      store: 'ok',
      fold: { source: 'queue', batches: 0, events: 0, oldestMs: 0, refused: 0 },
    });
    await post({ QUEUE: queue }, batchNow([event({ id: 'h1' }), event({ id: 'h2' })]));
    await new Promise((r) => setTimeout(r, 20)); // a later millisecond: the oldest has an age
    await post({ QUEUE: queue }, batchNow([event({ id: 'h3' })]));
    expect(sent.every((m) => typeof m.key === 'string')).toBe(true);
    const waiting = await health(queue);
    expect(waiting.status).toBe(200);
    expect(waiting.body.fold).toMatchObject({ source: 'queue', batches: 2, events: 3, refused: 0 });
    expect(waiting.body.fold.oldestMs).toBeGreaterThanOrEqual(15);
    await consume(sent.slice(0, 1));
    expect((await health(queue)).body.fold).toMatchObject({ batches: 1, events: 1 });
    await consume(sent.slice(1), 2);
    expect((await health(queue)).body.fold).toMatchObject({ batches: 0, events: 0, oldestMs: 0 });
    // Stored pairs leave the ledger.
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM queue_ledger').first('n')).toBe(0);
  });

  it('a message failing its last delivery (past max_retries, dead-lettered by Queues) is counted as refused, not as waiting', async () => {
    const { sent, queue } = recordingQueue();
    await post({ QUEUE: queue }, batchNow([event({ id: 'x1' })]));
    const poisoned = { ...sent[0]!, rows: 'not rows' } as unknown as QueuedRows; // same key, body that cannot decode
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    await consume([poisoned], 3); // attempts 3 of 11: waiting still
    expect((await health(queue)).body.fold).toMatchObject({ batches: 1, refused: 0 });
    await consume([poisoned], 11); // the last delivery (max_retries 10)
    spy.mockRestore();
    expect((await health(queue)).body.fold).toMatchObject({ batches: 0, events: 0, refused: 1 });
  });

  it('through a real local queue: the lag goes back to zero once the consumer has stored the batch', async () => {
    const res = await post({ QUEUE: env.TEST_QUEUE }, batchNow([event({ id: 'r1' })]));
    expect(res.status).toBe(202);
    await vi.waitFor(async () => expect(await ids()).toEqual(['r1']), { timeout: 10_000, interval: 50 });
    await vi.waitFor(
      async () => expect((await health(env.TEST_QUEUE as Queue<QueuedRows>)).body.fold).toMatchObject({ batches: 0, events: 0 }),
      { timeout: 5_000, interval: 50 },
    );
  });
});

describe('queue messages', () => {
  it('split big batches under the message size limit and decode back to the same rows', () => {
    const rows = Array.from({ length: 100 }, (_, i) => row({ id: `big${i}`, props: JSON.stringify({ blob: 'é'.repeat(600) }) }));
    const messages = toMessages(rows, 20_000);
    expect(messages.length).toBeGreaterThan(5);
    for (const m of messages) expect(new TextEncoder().encode(JSON.stringify(m)).length).toBeLessThanOrEqual(20_000);
    expect(messages.flatMap(fromMessage)).toEqual(rows);
  });

  it('decode by column name, so messages from before a column was added still decode', () => {
    const r = row({ id: 'old', stage: 'decision' });
    const cols = EVENT_COLUMNS.filter((c) => c !== 'stage' && c !== 'bot');
    const decoded = fromMessage({ cols: [...cols], rows: [cols.map((c) => r[c])] });
    expect(decoded).toEqual([{ ...r, stage: null, bot: 0 }]);
  });
});
