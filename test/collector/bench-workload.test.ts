// The load benchmarks (npm run bench) are only meaningful if their batches are valid and their
// rows == accepted check catches a loss: checked here against the real schema, app and SQLite.
import { DatabaseSync } from 'node:sqlite';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { BATCH_EVENTS, BATCH_HEADERS, batchBodies } from '../../bench/batch';
import { checkStored } from '../../bench/stored';
import { BatchSchema } from '../../sdk/schema';
import { post, tempStore, testApp } from './helpers';

describe('bench workload', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('makes valid 20-event batches whose ids never repeat', () => {
    const next = batchBodies('t1');
    const ids = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const { key, body } = next();
      const parsed = v.safeParse(BatchSchema, JSON.parse(body));
      if (!parsed.success) throw new Error(`invalid bench batch: ${parsed.issues[0].message}`);
      const events = parsed.output.events;
      expect(events).toHaveLength(BATCH_EVENTS);
      for (const e of events) {
        expect(e.id.startsWith(`${key}-`)).toBe(true);
        ids.add(e.id);
      }
    }
    expect(ids.size).toBe(600 * BATCH_EVENTS);
  });

  it('is stored whole by the collector, and rows == accepted tells a lost or partial batch', async () => {
    const t = tempStore();
    cleanup = t.cleanup;
    const { app } = testApp(t.store, { now: Date.now });
    const next = batchBodies('t2');
    let accepted = 0;
    for (let i = 0; i < 3; i++) {
      const res = await post(app, next().body, BATCH_HEADERS);
      expect(res.status).toBe(202);
      const reply = (await res.json()) as { accepted: number; duplicates: number };
      expect(reply).toEqual({ accepted: BATCH_EVENTS, duplicates: 0 });
      accepted += reply.accepted;
    }
    // A batch stored but never answered (cut off at the end of a load run) is allowed whole…
    const cut = next();
    expect((await post(app, cut.body, BATCH_HEADERS)).status).toBe(202);
    const neverSent = next();
    expect(checkStored(t.path, accepted, [cut.key, neverSent.key], BATCH_EVENTS)).toMatchObject({
      rows: 4 * BATCH_EVENTS,
      unansweredStored: 1,
      partialBatches: 0,
      ok: true,
    });
    // …while an acknowledged batch missing from the file fails the check.
    expect(checkStored(t.path, accepted + BATCH_EVENTS, [cut.key], BATCH_EVENTS).ok).toBe(false);
    // …and so does an unanswered batch stored in part.
    const db = new DatabaseSync(t.path);
    db.prepare('DELETE FROM events WHERE id = ?').run(`${cut.key}-7`);
    db.close();
    expect(checkStored(t.path, accepted, [cut.key], BATCH_EVENTS)).toMatchObject({ partialBatches: 1, ok: false });
  });
});
