// The journey report's time while ingest runs (issue 16.3): the full report over the report
// section's synthetic events (default 1 M, bench/report-data.ts), asked of the real collector
// (child process, with the ingest journal and its fold thread) through GET
// /api/sites/shop/journey, first on a quiet collector, then while autocannon loads /collect with
// the ingest section's 20-event batches. Prints the median and p95 of each, the ratio under load
// ÷ quiet and the 300 ms target. Runnable alone: `npx tsx bench/report-under-load.ts [events]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isEntry } from '../collector/node/is-entry';
import { openSqliteStore } from '../collector/store/sqlite/store';
import { startServerProcess } from './child';
import { loadCollect, type LoadFigures } from './load';
import { synthBatches } from './report-data';

export interface ReportUnderLoadOptions {
  /** Synthetic events in the database (default 1,000,000). */
  events?: number;
  /** Seconds of ingest load while the report runs (default 20). */
  loadS?: number;
  connections?: number;
  /** Keep the database in this file (reused as is when it holds events). Default: a temp file. */
  dbPath?: string;
  print?: (line: string) => void;
}

export interface ReportUnderLoadResult {
  events: number;
  quiet: Timings;
  underLoad: Timings;
  /** Median under load ÷ median quiet. */
  ratio: number;
  load: LoadFigures;
  /** Acknowledged → stored during the load (/health fold.visible), ms. */
  visibleP99Ms: number;
  summary: string;
}

interface Timings {
  runs: number;
  medianMs: number;
  p95Ms: number;
}

const DAY = 86_400_000;
const TARGET_MS = 300;
/** Same period as bench/report.ts: the last 30 of the 90 synthetic days, not hour-aligned. */
const END = Date.UTC(2026, 0, 1);
const TO = END - 17 * 60_000;
const FROM = TO - 30 * DAY;
/** The collector of bench/servers/collector.ts. */
const TOKEN = 'bench-admin-token-0123456789abcdef';

const timings = (ms: number[]): Timings => {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
  return { runs: s.length, medianMs: Math.round(at(0.5)), p95Ms: Math.round(at(0.95)) };
};

/** Fills `dbPath` with the synthetic traffic unless it holds events already. */
async function fill(dbPath: string, events: number, print: (line: string) => void): Promise<number> {
  const store = openSqliteStore(dbPath, { readers: 0 });
  try {
    let stored = Number((await store.all('SELECT COUNT(*) AS n FROM events'))[0]!.n);
    if (stored) return (print(`report under load: reusing ${stored} events in ${dbPath}`), stored);
    const t0 = performance.now();
    for (const rows of synthBatches({ events, end: END, days: 90, batchRows: 20_000 })) {
      stored += (await store.insert(rows)).inserted;
      if (stored % 200_000 < rows.length)
        print(`report under load: ${stored} events stored (${Math.round((performance.now() - t0) / 1000)} s)`);
    }
    return stored;
  } finally {
    await store.close();
  }
}

/**
 * Runs the benchmark; prints its lines and a summary.
 * @example const r = await runReportUnderLoad({ events: 100_000, loadS: 10 });
 */
export async function runReportUnderLoad(opts: ReportUnderLoadOptions = {}): Promise<ReportUnderLoadResult> {
  const print = opts.print ?? console.log;
  const dir = mkdtempSync(join(tmpdir(), 'cjm-report-load-'));
  const dbPath = opts.dbPath ?? join(dir, 'bench.db');
  try {
    const events = await fill(dbPath, opts.events ?? 1_000_000, print);
    const server = await startServerProcess('collector', [dbPath, join(dir, 'journal')]);
    try {
      const report = async () => {
        const t = performance.now();
        const res = await fetch(`${server.url}/api/sites/shop/journey?from=${FROM}&to=${TO}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        if (res.status !== 200) throw new Error(`report answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
        await res.arrayBuffer();
        return performance.now() - t;
      };
      await report(); // warm-up: statements prepared, pages cached
      const quietMs: number[] = [];
      for (let i = 0; i < 7; i++) quietMs.push(await report());
      const quiet = timings(quietMs);
      print(`report under load: quiet median ${quiet.medianMs} ms, p95 ${quiet.p95Ms} ms (${quiet.runs} runs)`);

      // The report runs back to back (250 ms apart) for as long as the ingest load lasts.
      const loadedMs: number[] = [];
      let loading = true;
      const load = loadCollect({
        url: server.url,
        durationS: opts.loadS ?? 20,
        connections: opts.connections ?? 10,
        runKey: `rl${Date.now().toString(36)}`,
      }).finally(() => (loading = false));
      await new Promise((r) => setTimeout(r, 1000)); // the load has started and the fold is busy
      while (loading) {
        loadedMs.push(await report());
        await new Promise((r) => setTimeout(r, 250));
      }
      const figures = await load;
      const health = (await (await fetch(`${server.url}/health`)).json()) as { fold?: { visible?: { p99Ms: number } } };
      const underLoad = timings(loadedMs);
      const ratio = underLoad.medianMs / quiet.medianMs;
      const summary = `report over ${events} events: quiet ${quiet.medianMs} ms, while ingest runs (${Math.round(figures.requestsPerS)} req/s, ${Math.round(figures.eventsPerS)} events/s, journal on) ${underLoad.medianMs} ms median, p95 ${underLoad.p95Ms} ms (${ratio.toFixed(2)}× quiet; target < ${TARGET_MS} ms ${underLoad.medianMs < TARGET_MS ? 'met' : 'NOT met'}); visible p99 ${health.fold?.visible?.p99Ms ?? NaN} ms; ${figures.non2xx} non-2xx, ${figures.errors} errors`;
      print(summary);
      return { events, quiet, underLoad, ratio, load: figures, visibleP99Ms: health.fold?.visible?.p99Ms ?? NaN, summary };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isEntry(import.meta.url)) {
  const events = process.argv[2] ? Number(process.argv[2]) : undefined;
  await runReportUnderLoad({
    ...(events ? { events } : {}),
    ...(process.env.CJM_BENCH_REPORT_DB ? { dbPath: process.env.CJM_BENCH_REPORT_DB } : {}),
  });
}
