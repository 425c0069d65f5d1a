// The journey report over 1,000,000 synthetic events on SQLite (target: full report < 300 ms).
// Generates realistic shop traffic (bench/report-data.ts) into a temp SQLite file through the
// store's own insert (so every rollup the real path keeps is filled the same way), then times
// the full report — all sections plus the previous period — over the last 30 of 90 days, then
// each section alone (bench/report-sections.ts), the across-visits endpoints too.
// Runnable alone: `npx tsx bench/report.ts [events]`; bench/index.ts calls runReportBench().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_STAGES } from '../collector/journey/stages';
import { journeyReport } from '../collector/report/index';
import { openSqliteStore } from '../collector/store/sqlite/store';
import { synthBatches } from './report-data';
import { timeSections } from './report-sections';
import { isEntry } from '../collector/node/is-entry';

export interface ReportBenchOptions {
  /** Events to generate (default 1,000,000). */
  events?: number;
  /** Timed report runs after one warm-up (default 7). */
  runs?: number;
  /** Target for the median, ms (default 300). */
  targetMs?: number;
  /** Progress lines (default console.log). */
  print?: (line: string) => void;
  /**
   * Keep the database in this file (default: a temp file, deleted after). A file that already
   * holds events is reused as is, so report changes can be re-timed without regenerating.
   */
  dbPath?: string;
}

const DAY = 86_400_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Runs the benchmark and returns its figures; prints one summary line at the end.
 * @example const { reportMs } = await runReportBench({ events: 100_000 });
 */
export async function runReportBench(opts: ReportBenchOptions = {}) {
  const events = opts.events ?? 1_000_000;
  const runs = opts.runs ?? 7;
  const targetMs = opts.targetMs ?? 300;
  const print = opts.print ?? console.log;
  const dir = opts.dbPath ? null : mkdtempSync(join(tmpdir(), 'cjm-report-bench-'));
  const store = openSqliteStore(opts.dbPath ?? join(dir!, 'bench.db'));
  try {
    const end = Date.UTC(2026, 0, 1);
    const t0 = performance.now();
    let stored = Number((await store.all('SELECT COUNT(*) AS n FROM events'))[0]!.n);
    const reused = stored > 0;
    if (reused) print(`report bench: reusing ${stored} events in ${opts.dbPath}`);
    else
      for (const rows of synthBatches({ events, end, days: 90, batchRows: 20_000 })) {
        stored += (await store.insert(rows)).inserted;
        if (stored % 200_000 < rows.length)
          print(`report bench: ${stored} events stored (${Math.round((performance.now() - t0) / 1000)} s)`);
      }
    const insertMs = performance.now() - t0;
    const [counts] = await store.all(
      `SELECT (SELECT COUNT(*) FROM sessions) AS sessions, (SELECT COUNT(*) FROM visitors) AS visitors,
        (SELECT COUNT(*) FROM report_stages) AS stageRows, (SELECT COUNT(*) FROM report_touchpoints) AS touchpointRows, (SELECT COUNT(*) FROM report_paths) AS pathRows`,
    );

    // The last 30 days (and, for the comparison, the 30 before), not aligned to hours on purpose
    // (a real "last 30 days" ends now), so the partial hours at both ends come from events.
    const to = end - 17 * 60_000;
    const query = { from: to - 30 * DAY, to, pathSteps: 5, minSessions: 5 };
    const settings = {
      stages: DEFAULT_STAGES,
      targets: [
        { stage: 'decision', metric: 'conversion' as const, min: 0.05 },
        { stage: 'awareness', metric: 'bounceRate' as const, max: 0.4 },
      ],
    };
    const time = async (q: typeof query & { channel?: string }) => {
      const t = performance.now();
      const r = await journeyReport(store, 'shop', q, settings);
      return { ms: performance.now() - t, r };
    };
    const warm = await time(query); // warms the page cache and the prepared statements
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push((await time(query)).ms);
    const sorted = [...samples].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[sorted.length >> 1]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    const filtered = await time({ ...query, channel: 'paid social' });
    // Each section alone (bench/report-sections.ts), so a slow one is named.
    const sections = await timeSections(store, { site: 'shop', from: query.from, to: query.to });
    for (const [name, ms] of Object.entries(sections)) print(`  ${name.padEnd(48)} ${ms.toFixed(1).padStart(8)} ms`);

    const result = {
      events: stored,
      sessions: Number(counts?.sessions),
      visitors: Number(counts?.visitors),
      rollupRows: { stages: Number(counts?.stageRows), touchpoints: Number(counts?.touchpointRows), paths: Number(counts?.pathRows) },
      insertMs: reused ? null : Math.round(insertMs),
      insertEventsPerSec: reused ? null : Math.round(stored / (insertMs / 1000)),
      reportMs: { median: round(median), p95: round(percentile(sorted, 95)), min: round(sorted[0]!), runs, samples: samples.map(round) },
      filteredReportMs: round(filtered.ms),
      sectionMs: sections,
      period: {
        from: query.from,
        to: query.to,
        visitors: warm.r.totals.visitors,
        sessions: warm.r.totals.sessions,
        purchases: warm.r.totals.purchases,
      },
      targetMs,
      ok: median < targetMs,
      summary: '',
    };
    result.summary = `report over ${stored.toLocaleString('en')} events: median ${result.reportMs.median} ms, p95 ${result.reportMs.p95} ms (target < ${targetMs} ms: ${result.ok ? 'met' : 'NOT met'}); filtered ${result.filteredReportMs} ms; ${reused ? 'database reused' : `insert ${Math.round(insertMs / 1000)} s (${result.insertEventsPerSec} events/s)`}`;
    print(result.summary);
    return result;
  } finally {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (isEntry(import.meta.url)) {
  // npx tsx bench/report.ts [events] [db file to keep and reuse]
  const events = process.argv[2] ? Number(process.argv[2]) : undefined;
  runReportBench({ events, dbPath: process.argv[3] }).then(
    (r) => console.log(JSON.stringify({ ...r, reportMs: { ...r.reportMs, samples: undefined } })),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
