// When the database write fails, /collect answers 503 with Retry-After and stores nothing of the
// batch, so the SDK's retry is the only copy that lands. Failures are real SQLite failures on a
// real file: a trigger that aborts on one event in the middle of a batch, one that aborts the
// session refresh after every event row was written, and a write lock held by another connection.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../collector/store/sqlite/store';
import type { Store } from '../../collector/store/types';
import { batch, event, post, tempDir, testApp } from './helpers';

let dir: { dir: string; cleanup: () => void };
let path: string;
let store: Store;
let other: DatabaseSync; // a second connection: the saboteur
let app: ReturnType<typeof testApp>['app'];
let logged: unknown[];

beforeEach(() => {
  dir = tempDir();
  path = join(dir.dir, 'cjm.db');
  store = openSqliteStore(path, { busyTimeoutMs: 100 });
  other = new DatabaseSync(path);
  ({ app, logged } = testApp(store));
});
afterEach(async () => {
  other.close();
  await store.close();
  dir.cleanup();
});

/** Everything stored, table by table, to compare before and after a failed write. */
function snapshot(): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of [
    'events',
    'sessions',
    'visitors',
    'visitor_stages',
    'report_stages',
    'report_touchpoints',
    'report_paths',
    'report_sessions',
    'report_touch_hours',
  ]) {
    out[t] = other.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all();
  }
  return out;
}

const batchOf = () =>
  batch([
    event({ id: 'b1', type: 'pageview', name: '/pricing' }),
    event({ id: 'b2', type: 'event', name: 'click' }),
    event({ id: 'boom', type: 'event', name: 'add_to_cart' }),
    event({ id: 'b3', type: 'checkout', name: 'purchase', props: { transaction_id: 'T1', value: 10 } }),
  ]);

async function expect503(body: unknown) {
  const res = await post(app, body);
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('30');
  expect(res.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
  expect(await res.json()).toEqual({ error: 'storage unavailable' });
}

describe('storage failure during POST /collect', () => {
  beforeEach(async () => {
    // A visitor and session that already exist, so the failed batch would also have updated them.
    expect((await post(app, batch([event({ id: 'a0', name: '/' })]))).status).toBe(202);
  });

  it('an insert aborting mid-batch: 503, no row of the batch, nothing derived changed; the retry stores all', async () => {
    const before = snapshot();
    other.exec(`CREATE TRIGGER fail_on_boom BEFORE INSERT ON events WHEN NEW.id = 'boom'
      BEGIN SELECT RAISE(ABORT, 'injected: disk I/O error'); END`);
    await expect503(batchOf());
    expect(snapshot()).toEqual(before);
    expect(String(logged[0])).toContain('injected: disk I/O error');
    expect(String(logged[0])).toContain(`SQLite database ${path}: storing a batch failed`);

    other.exec('DROP TRIGGER fail_on_boom');
    const retry = await post(app, batchOf());
    expect(retry.status).toBe(202);
    expect(await retry.json()).toEqual({ accepted: 4, duplicates: 0 });
    expect(
      other
        .prepare('SELECT id FROM events ORDER BY id')
        .all()
        .map((r) => r.id),
    ).toEqual(['a0', 'b1', 'b2', 'b3', 'boom']);
    expect(other.prepare("SELECT events, purchases FROM sessions WHERE session = 's1'").get()).toEqual({ events: 5, purchases: 1 });
  });

  it('the session refresh failing after every event row was written: still 503 and nothing stored', async () => {
    const before = snapshot();
    other.exec(`CREATE TRIGGER fail_refresh BEFORE UPDATE ON sessions
      BEGIN SELECT RAISE(ABORT, 'injected: refresh failed'); END`);
    await expect503(batchOf());
    expect(snapshot()).toEqual(before);
    other.exec('DROP TRIGGER fail_refresh');
    expect((await post(app, batchOf())).status).toBe(202);
  });

  it('the database locked by another writer past the busy timeout: 503 and /health 503, then stored once it is free', async () => {
    const before = snapshot();
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect503(batchOf());
    } finally {
      other.exec('ROLLBACK');
    }
    expect(snapshot()).toEqual(before);
    expect(String(logged[0])).toMatch(/locked|busy/i);
    // /health says so until a write succeeds again.
    const failing = await app.request('/health');
    expect(failing.status).toBe(503);
    expect(await failing.json()).toMatchObject({ ok: false, storage: { error: expect.stringMatching(/locked|busy/i) } });
    expect(await (await post(app, batchOf())).json()).toEqual({ accepted: 4, duplicates: 0 });
    const health = await app.request('/health');
    expect([health.status, await health.json()]).toEqual([200, { ok: true }]);
  });
});

describe('a permanent storage failure during POST /collect (issue 17)', () => {
  beforeEach(() => {
    // A real constraint failure, the same on every attempt: inserting event 'boom' writes a NULL
    // into a NOT NULL column.
    other.exec(`CREATE TABLE poison (x NOT NULL);
      CREATE TRIGGER poison_boom BEFORE INSERT ON events WHEN NEW.id = 'boom' BEGIN INSERT INTO poison VALUES (NULL); END`);
  });

  it('answers 422 naming the cause, not 503 + Retry-After, and stores nothing of the batch', async () => {
    const before = snapshot();
    const res = await post(app, batchOf());
    expect(res.status).toBe(422);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(((await res.json()) as { error: string }).error).toBe(
      'batch cannot be stored: NOT NULL constraint failed; it would fail again, do not resend it as is',
    );
    expect(snapshot()).toEqual(before);
    expect(String(logged[0])).toContain('NOT NULL constraint failed: poison.x'); // the whole cause, for the operator
  });

  it('sent one by one (what the SDK does after a 4xx), every event but the bad one is stored', async () => {
    const statuses: Record<string, number> = {};
    for (const e of batchOf().events as { id: string }[]) statuses[e.id] = (await post(app, batch([e]))).status;
    expect(statuses).toEqual({ b1: 202, b2: 202, boom: 422, b3: 202 });
    expect(
      other
        .prepare('SELECT id FROM events ORDER BY id')
        .all()
        .map((r) => r.id),
    ).toEqual(['b1', 'b2', 'b3']);
  });
});

describe('GET /health reports the store (issue 17: it said ok while storage failed)', () => {
  const health = async () => {
    const res = await app.request('/health');
    return { status: res.status, body: (await res.json()) as { ok: boolean; storage?: { error: string; since: string } } };
  };

  it('503 naming the error while writes fail, until one succeeds again', async () => {
    expect(await health()).toEqual({ status: 200, body: { ok: true } });
    other.exec(`CREATE TRIGGER fail_io BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'injected: database or disk is full'); END`);
    await expect503(batchOf());
    const failing = await health();
    expect(failing.status).toBe(503);
    expect(failing.body).toEqual({
      ok: false,
      storage: { error: expect.stringContaining('injected: database or disk is full'), since: expect.any(String) },
    });
    other.exec('DROP TRIGGER fail_io');
    expect((await post(app, batchOf())).status).toBe(202);
    expect(await health()).toEqual({ status: 200, body: { ok: true } });
  });

  it('503 when the write lock cannot be taken (the probe), before any write failed', async () => {
    other.exec('BEGIN IMMEDIATE');
    try {
      const locked = await health();
      expect(locked.status).toBe(503);
      expect(locked.body.storage!.error).toMatch(/locked|busy/i);
    } finally {
      other.exec('ROLLBACK');
    }
    expect((await health()).status).toBe(200);
  });

  it('a batch refused for its data (422) does not make the store unhealthy', async () => {
    other.exec(`CREATE TABLE poison2 (x NOT NULL);
      CREATE TRIGGER poison2_boom BEFORE INSERT ON events WHEN NEW.id = 'boom' BEGIN INSERT INTO poison2 VALUES (NULL); END`);
    expect((await post(app, batchOf())).status).toBe(422);
    expect((await health()).status).toBe(200);
  });
});
