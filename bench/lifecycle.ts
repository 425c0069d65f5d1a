// Retention and erasure at scale (issue 17): 1,000,000 synthetic events over 90 days (the report
// benchmark's traffic, bench/report-data.ts) in a temp SQLite file, then
//  1. retention keeping the last 45 days (half the events, tens of thousands of sessions and
//     returning visitors to rebuild), while a writer inserts one small batch every 20 ms: the
//     run's time and the longest an insert waited (how long /collect would stall);
//  2. erasure of one user id linked to 100,000 sessions' visitors (set by SQL on their events).
// Runnable alone: `npx tsx bench/lifecycle.ts [events]`; bench/index.ts calls runLifecycleBench().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../collector/store/sqlite/store';
import type { StoredEvent } from '../collector/store/types';
import { synthBatches } from './report-data';

const DAY = 86_400_000;
const round = (ms: number) => Math.round(ms);

export interface LifecycleBenchOptions {
  /** Events to generate (default 1,000,000). */
  events?: number;
  /** Sessions whose visitors the erased user id is linked to (default 100,000, at most all). */
  eraseSessions?: number;
  print?: (line: string) => void;
}

/**
 * Runs the benchmark; `ok` when retention left no expired event and erasure left nothing of the
 * user, without an error.
 * @example const r = await runLifecycleBench({ events: 200_000 });
 */
export async function runLifecycleBench(opts: LifecycleBenchOptions = {}) {
  const events = opts.events ?? 1_000_000;
  const print = opts.print ?? console.log;
  const dir = mkdtempSync(join(tmpdir(), 'cjm-lifecycle-bench-'));
  const file = join(dir, 'bench.db');
  const store = openSqliteStore(file, { readers: 0 });
  try {
    const end = Date.UTC(2026, 0, 1);
    let t0 = performance.now();
    let stored = 0;
    for (const rows of synthBatches({ events, end, days: 90, batchRows: 20_000 })) stored += (await store.insert(rows)).inserted;
    const count = async (sql: string, params: (string | number)[] = []) => Number((await store.all(sql, params))[0]!.n);
    const sessions = await count('SELECT COUNT(*) AS n FROM sessions');
    print(`lifecycle bench: ${stored} events, ${sessions} sessions stored in ${Math.round((performance.now() - t0) / 1000)} s`);

    // 1. Retention with a writer alongside.
    const cut = end - 45 * DAY;
    const expired = await count('SELECT COUNT(*) AS n FROM events WHERE time < ?1', [cut]);
    const straddling = await count('SELECT COUNT(*) AS n FROM sessions WHERE started < ?1 AND ended >= ?1', [cut]);
    const returning = await count('SELECT COUNT(*) AS n FROM visitors WHERE first_seen < ?1 AND last_seen >= ?1', [cut]);
    let writing = true;
    let waits: number[] = [];
    let seq = 0;
    const writer = (async () => {
      while (writing) {
        const t = Date.now();
        const row: StoredEvent = {
          site: 'shop',
          id: `w${seq++}`,
          type: 'pageview',
          name: '/',
          ts: t,
          time: t,
          received: t,
          visitor: `wv${seq}`,
          session: `ws${seq}`,
          user_id: null,
          url: null,
          path: '/',
          title: null,
          referrer: null,
          stage: null,
          touchpoint: '/',
          channel: 'direct',
          persona: null,
          props: null,
          device: null,
          browser: null,
          os: null,
          country: null,
          bot: 0,
          txn: null,
          source: null,
          medium: null,
          campaign: null,
          content: null,
          term: null,
          landing: null,
          stage_inferred: 0,
          hint: null,
        };
        const s = performance.now();
        await store.insert([row]);
        waits.push(performance.now() - s);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    t0 = performance.now();
    const { deleted } = await store.deleteBefore(cut);
    const retentionMs = performance.now() - t0;
    writing = false;
    await writer;
    const left = await count('SELECT COUNT(*) AS n FROM events WHERE time < ?1', [cut]);
    waits = waits.sort((a, b) => a - b);
    const retention = {
      expired,
      deleted,
      left,
      straddlingSessions: straddling,
      returningVisitors: returning,
      ms: round(retentionMs),
      inserts: waits.length,
      insertWaitMaxMs: round(waits[waits.length - 1] ?? 0),
      insertWaitP99Ms: round(waits[Math.floor(waits.length * 0.99)] ?? 0),
    };
    print(
      `lifecycle bench: retention deleted ${deleted} of ${expired} expired events (${straddling} straddling sessions, ${returning} returning visitors) in ${retention.ms} ms; ${left} left; ${waits.length} inserts alongside waited at most ${retention.insertWaitMaxMs} ms (p99 ${retention.insertWaitP99Ms} ms)`,
    );

    // 2. Erasure of a user id linked to many sessions' visitors.
    const want = opts.eraseSessions ?? 100_000;
    const raw = new DatabaseSync(file);
    raw.exec('PRAGMA busy_timeout = 5000');
    raw
      .prepare(
        `UPDATE events SET user_id = 'bench-user' WHERE site = 'shop' AND session IN (SELECT session FROM sessions WHERE site = 'shop' ORDER BY session LIMIT ?)`,
      )
      .run(want);
    raw.close();
    const linked = await count(`SELECT COUNT(DISTINCT session) AS n FROM events WHERE user_id = 'bench-user'`);
    const linkedEvents = await count(
      `SELECT COUNT(*) AS n FROM events WHERE visitor IN (SELECT visitor FROM events WHERE user_id = 'bench-user')`,
    );
    t0 = performance.now();
    const erased = await store.eraseVisitor('shop', 'bench-user');
    const erasureMs = performance.now() - t0;
    const remaining = await count(`SELECT COUNT(*) AS n FROM events WHERE user_id = 'bench-user'`);
    const erasure = {
      linkedSessions: linked,
      linkedEvents,
      deleted: erased.deleted,
      visitors: erased.visitors.length,
      remaining,
      ms: round(erasureMs),
    };
    print(
      `lifecycle bench: erasure of a user id on ${linked} sessions (${erased.visitors.length} visitors) deleted ${erased.deleted} of ${linkedEvents} events in ${erasure.ms} ms; ${remaining} left`,
    );

    const ok = left === 0 && deleted === expired && remaining === 0 && erased.deleted === linkedEvents;
    const summary = `retention ${deleted} events / ${straddling + returning} rebuilt sessions+visitors in ${retention.ms} ms (insert wait max ${retention.insertWaitMaxMs} ms); erasure of ${linked} sessions in ${erasure.ms} ms${ok ? '' : ' — CHECK FAILED'}`;
    return { ok, events: stored, sessions, retention, erasure, summary };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = process.argv[2] ? Number(process.argv[2]) : undefined;
  const r = await runLifecycleBench({ events: n, eraseSessions: n ? Math.round(n / 10) : undefined });
  console.log(r.summary);
  if (!r.ok) process.exitCode = 1;
}
