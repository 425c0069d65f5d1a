// Crash test (issue 16.4): the real collector with the ingest journal (child process) under load
// from several clients, killed with SIGKILL at a random moment, started again on the same files,
// several times; then started once more to let the folder catch up. Checks that every event
// answered 202 is stored (exactly once: the events table's key is (site, id)), and that every
// derived table equals a rebuild from the events. test/collector/journal.test.ts runs a short
// version in `npm test`; `npm run bench -- crash` a longer one (CJM_BENCH_CRASH_SECONDS, 60).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Statement } from '../collector/store/sql/journey';
import { rebuild, snapshot } from '../test/collector/incremental-property';
import { startServerProcess } from './child';

export interface CrashOptions {
  /** Kills (default 3). */
  rounds?: number;
  /** Load before each kill, ms: uniform in [min, max] (default 400–1200). */
  roundMs?: [number, number];
  /** Concurrent clients, each sending 10-event batches one after another (default 4). */
  clients?: number;
  /** Folder for the database and journal (default: a temp folder, removed after). */
  dir?: string;
  print?: (line: string) => void;
}

export interface CrashResult {
  rounds: number;
  /** Events answered 202 over all rounds. */
  acked: number;
  /** Acknowledged events not found after the catch-up (must be 0). */
  lost: number;
  /** Rows in events (≥ acked: a batch cut off by the kill may be stored unanswered). */
  rows: number;
  /** Every derived table equals a rebuild from the events. */
  derivedEqual: boolean;
  /** Sessions in the database (the check compared something). */
  sessions: number;
  /** Time the last start took to fold what the kills left in the journal, ms. */
  catchUpMs: number;
  ok: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the crash test; resolves to what it found.
 * @example const r = await runCrash({ rounds: 3, roundMs: [15_000, 25_000] });
 */
export async function runCrash(options: CrashOptions = {}): Promise<CrashResult> {
  const rounds = options.rounds ?? 3;
  const [minMs, maxMs] = options.roundMs ?? [400, 1200];
  const clients = options.clients ?? 4;
  const own = !options.dir;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'cjm-crash-'));
  const dbPath = join(dir, 'cjm.db');
  const journalDir = join(dir, 'journal');
  const acked = new Set<string>();
  let k = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const server = await startServerProcess('collector', [dbPath, journalDir]);
      let up = true;
      // Each client sends batches one after another; sessions and visitors repeat across batches.
      const client = async (c: number) => {
        while (up) {
          const ids = Array.from({ length: 10 }, () => `r${round}-${k++}`);
          const now = Date.now();
          const events = ids.map((id, i) => ({
            id,
            visitor: `v${c}-${k % 7}`,
            session: `s${c}-${k % 5}`,
            type: i % 3 ? 'event' : 'pageview',
            name: i % 3 ? 'click' : '/',
            ts: now - 1000,
          }));
          try {
            const res = await fetch(`${server.url}/collect`, { method: 'POST', body: JSON.stringify({ site: 'shop', sent: now, events }) });
            if (res.status === 202) for (const id of ids) acked.add(id);
            else await res.body?.cancel();
          } catch {
            return; // killed: an unanswered request may or may not be stored
          }
        }
      };
      const running = Array.from({ length: clients }, (_, c) => client(c));
      await sleep(minMs + Math.random() * (maxMs - minMs));
      process.kill(server.pid, 'SIGKILL');
      up = false;
      await Promise.all(running);
      // Once reaped (its exit seen), stop() only stops the sampler.
      for (;;) {
        try {
          process.kill(server.pid, 0);
          await sleep(20);
        } catch {
          break;
        }
      }
      await sleep(50);
      await server.stop().catch(() => {});
      options.print?.(`  round ${round + 1}: killed, ${acked.size} events acknowledged so far`);
    }
    // Start once more and let the folder catch up.
    const server = await startServerProcess('collector', [dbPath, journalDir]);
    const t0 = Date.now();
    try {
      for (; Date.now() - t0 < 120_000; await sleep(100)) {
        const h = (await (await fetch(`${server.url}/health`)).json()) as { fold: { batches: number } };
        if (h.fold.batches === 0) break;
      }
    } finally {
      await server.stop();
    }
    const catchUpMs = Date.now() - t0;

    const db = new DatabaseSync(dbPath);
    try {
      const stored = new Set((db.prepare('SELECT id FROM events').all() as { id: string }[]).map((r) => r.id));
      const lost = [...acked].filter((id) => !stored.has(id)).length;
      const raw = {
        async run(statements: Statement[]) {
          db.exec('BEGIN IMMEDIATE');
          for (const { sql, params } of statements) db.prepare(sql).run(...params);
          db.exec('COMMIT');
        },
        async all(sql: string) {
          return db.prepare(sql).all() as Record<string, unknown>[];
        },
      };
      const folded = await snapshot(raw);
      await rebuild(raw);
      const derivedEqual = JSON.stringify(folded) === JSON.stringify(await snapshot(raw));
      const sessions = folded.sessions?.length ?? 0;
      return {
        rounds,
        acked: acked.size,
        lost,
        rows: stored.size,
        derivedEqual,
        sessions,
        catchUpMs,
        ok: lost === 0 && derivedEqual && sessions > 0 && acked.size > 0,
      };
    } finally {
      db.close();
    }
  } finally {
    if (own) rmSync(dir, { recursive: true, force: true });
  }
}

/** `npm run bench -- crash`: the long variant, and its lines. */
export async function runCrashBench(seconds: number, print: (line: string) => void = console.log): Promise<CrashResult> {
  const per = (seconds * 1000) / 3;
  print(
    `Crash test: collector + journal, 4 clients, SIGKILL 3 times at a random moment in [0.5, 1.5] × ${(per / 1000).toFixed(0)} s of load, then a catch-up start`,
  );
  const r = await runCrash({ rounds: 3, roundMs: [per * 0.5, per * 1.5], print });
  print(
    `  ${r.acked} events acknowledged, ${r.lost} lost, ${r.rows} rows stored (each id once; ${r.rows - r.acked} from batches cut off unanswered), derived tables ${r.derivedEqual ? '=' : '≠'} rebuild over ${r.sessions} sessions; catch-up ${r.catchUpMs} ms`,
  );
  if (!r.ok) print('  PROBLEM: an acknowledged event is missing or a derived table differs from its rebuild');
  return r;
}
