// The data-lifecycle contract (retention, erasure) on the SQLite adapter, and both at a size
// above the ~12–15 k sessions where a run used to throw (issue 17: one spread of every
// statement). Larger sizes (1 M events, 100 k sessions) are in bench/lifecycle.ts.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../collector/store/sqlite/store';
import type { StoredEvent } from '../../collector/store/types';
import { NOW, row, tempDir } from './helpers';
import { runLifecycleContract } from './lifecycle-contract';

const tmp = tempDir();
afterAll(tmp.cleanup);
let n = 0;

runLifecycleContract('sqlite', () => openSqliteStore(join(tmp.dir, `lifecycle-${n++}.db`)));
// Retention a few events per transaction: every step's cutoff (mid-hour ones too) must leave
// the derived tables as a rebuild would.
runLifecycleContract('sqlite, retention in steps of 2', () => openSqliteStore(join(tmp.dir, `lifecycle-${n++}.db`), { retentionStep: 2 }));

describe('retention and erasure at scale (sqlite)', () => {
  const MIN = 60_000;
  const DAY = 24 * 60 * MIN;
  const HOUR = 60 * MIN;
  const cut = NOW - 30 * DAY;
  const VISITORS = 16_000;

  /**
   * Per visitor: a session straddling the cutoff (one event before, one after) and a session a
   * day later, identified as one shared user id; plus a server-side event under that user id. So
   * retention rebuilds 16 k sessions and 16 k returning visitors, and erasing the user id then
   * erases 16 k visitors.
   */
  function world(): StoredEvent[] {
    const rows: StoredEvent[] = [];
    const at = (t: number, over: Partial<StoredEvent>) => row({ time: t, ts: t, received: t, ...over });
    for (let i = 0; i < VISITORS; i++) {
      const v = `v${i}`;
      const t = cut - 20 * MIN + (i % 600) * 1000;
      rows.push(at(t, { id: `a${i}`, visitor: v, session: `s${i}`, path: '/a', touchpoint: '/a', stage: 'awareness' }));
      rows.push(
        at(cut + 5 * MIN + i, {
          id: `b${i}`,
          visitor: v,
          session: `s${i}`,
          type: 'event',
          name: 'click',
          touchpoint: 'Buy',
          stage: 'consideration',
        }),
      );
      rows.push(
        at(cut + DAY + i, { id: `c${i}`, visitor: v, session: `t${i}`, path: '/c', touchpoint: '/c', stage: 'decision', user_id: 'u1' }),
      );
    }
    rows.push(at(cut - DAY, { id: 'srv', visitor: 'user:u1', session: null, user_id: 'u1', type: 'event', name: 'ticket' }));
    return rows;
  }

  const count = async (sql: string, params: (string | number)[] = []) => Number((await store.all(sql, params))[0]!.n);
  let store: ReturnType<typeof openSqliteStore>;
  beforeAll(async () => {
    store = openSqliteStore(join(tmp.dir, 'scale.db'), { readers: 0 });
    const rows = world();
    for (let i = 0; i < rows.length; i += 2000) await store.insert(rows.slice(i, i + 2000));
  }, 60_000);
  afterAll(() => store.close());

  // The full rebuild oracle (the contract above) costs more than the run at this size: these
  // are the invariants it implies, checked in SQL.
  it('retention deletes every expired event of 16 k straddling sessions, in steps, and rebuilds what is derived', async () => {
    const t0 = performance.now();
    expect((await store.deleteBefore(cut)).deleted).toBe(VISITORS + 1);
    expect(performance.now() - t0).toBeLessThan(30_000); // bounded: ~2 s here
    expect(await count('SELECT COUNT(*) AS n FROM events WHERE time < ?1', [cut])).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM events')).toBe(2 * VISITORS);
    // Each straddling session now starts after the cutoff and holds its one remaining event.
    expect(await count('SELECT COUNT(*) AS n FROM sessions WHERE started >= ?1 AND events = 1', [cut])).toBe(2 * VISITORS);
    expect(await count('SELECT COUNT(*) AS n FROM sessions')).toBe(2 * VISITORS);
    expect(await count('SELECT COUNT(*) AS n FROM visitors WHERE first_seen >= ?1 AND sessions = 2', [cut])).toBe(VISITORS);
    expect(await count(`SELECT COUNT(*) AS n FROM visitor_stages WHERE stage = 'awareness'`)).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM report_sessions')).toBe(2 * VISITORS);
    expect(await count(`SELECT COUNT(*) AS n FROM report_sessions WHERE reached LIKE '%awareness%'`)).toBe(0);
    for (const t of ['report_stages', 'report_touchpoints', 'report_paths', 'report_touch_hours'])
      expect(await count(`SELECT COUNT(*) AS n FROM ${t} WHERE hour < ?1`, [Math.floor(cut / HOUR)])).toBe(0);
    expect(await count('SELECT SUM(events) AS n FROM report_stages')).toBe(2 * VISITORS);
    expect(await count('SELECT SUM(touches) AS n FROM report_touch_hours')).toBe(2 * VISITORS);
  }, 60_000);

  it('erasure of a user id linked to 16 k visitors erases them all', async () => {
    const { deleted, visitors } = await store.eraseVisitor('shop', 'u1');
    expect(deleted).toBe(2 * VISITORS);
    expect(visitors.length).toBe(VISITORS);
    for (const t of [
      'events',
      'sessions',
      'visitors',
      'visitor_stages',
      'report_stages',
      'report_touchpoints',
      'report_sessions',
      'report_paths',
      'report_touch_hours',
    ])
      expect(await count(`SELECT COUNT(*) AS n FROM ${t}`)).toBe(0);
  }, 60_000);
});
