// Sustained ingest: the real collector (child process, temp SQLite file) under bounded load for
// a fixed time (60 s by default), over loopback. Reports throughput and how it holds up as the
// database grows, the error count (must be 0), the collector's peak RSS, and checks that the
// rows in the file equal the events the collector acknowledged.
import { BATCH_EVENTS } from './batch';
import { startServerProcess } from './child';
import { loadCollect, type LoadFigures } from './load';
import { checkStored, databaseBytes, storedLine, withTempDatabase, type StoredCheck } from './stored';

/** Options of {@link runSustainedBench}. */
export interface SustainedOptions {
  /** Seconds of load (default 60). */
  durationS?: number;
  /** Concurrent connections (default 10). */
  connections?: number;
  print?: (line: string) => void;
}

/** Throughput and memory over one slice of the run. */
export interface Window {
  fromS: number;
  toS: number;
  requestsPerS: number;
  /** Collector RSS at the end of the window, bytes. */
  rssBytes: number;
}

/** Everything {@link runSustainedBench} measured and checked. */
export interface SustainedResult {
  load: LoadFigures;
  /** Collector CPU (user + system) per answered request, ms. */
  cpuMsPerRequest: number;
  idleRssBytes: number;
  /** Peak RSS (VmHWM, sampled every 250 ms and at the end), bytes. */
  peakRssBytes: number;
  windows: Window[];
  /** Last window's req/s ÷ first window's: below 1 means ingest slows down as the database grows. */
  lastVsFirstWindow: number;
  stored: StoredCheck & { databaseBytes: number };
  /** Correctness: no errors, no non-2xx, no duplicates, rows == accepted. */
  ok: boolean;
  problems: string[];
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const f = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/**
 * Runs the sustained-ingest benchmark and prints its figures.
 * @example const result = await runSustainedBench({ durationS: 20 });
 */
export async function runSustainedBench(options: SustainedOptions = {}): Promise<SustainedResult> {
  const durationS = options.durationS ?? 60;
  const connections = options.connections ?? 10;
  const print = options.print ?? console.log;
  // Six windows (10 s each at the default duration), at least a second each.
  const windowS = Math.max(1, Math.round(durationS / 6));

  return withTempDatabase(async (dbFile) => {
    const server = await startServerProcess('collector', [dbFile]);
    let load: LoadFigures;
    let cpuS: number;
    let idleRssBytes: number;
    let peakRssBytes: number;
    const ticks: { s: number; answered: number; rss: number }[] = [];
    try {
      idleRssBytes = server.rssBytes();
      const cpu0 = server.cpuSeconds();
      load = await loadCollect({
        url: server.url,
        durationS,
        connections,
        runKey: `s${Date.now().toString(36)}`,
        onTick: (answered) => ticks.push({ s: ticks.length + 1, answered, rss: server.rssBytes() }),
      });
      cpuS = server.cpuSeconds() - cpu0;
      peakRssBytes = server.peakRssBytes();
    } finally {
      await server.stop();
    }
    const stored = { ...checkStored(dbFile, load.accepted, load.unanswered, BATCH_EVENTS), databaseBytes: databaseBytes(dbFile) };

    // autocannon may tick once more as it stops: keep the seconds of the run.
    ticks.splice(Math.floor(durationS));
    const windows: Window[] = [];
    for (let from = 0; from < ticks.length; from += windowS) {
      const end = ticks[Math.min(from + windowS, ticks.length) - 1]!;
      const before = from ? ticks[from - 1]!.answered : 0;
      windows.push({ fromS: from, toS: end.s, requestsPerS: (end.answered - before) / (end.s - from), rssBytes: end.rss });
    }
    const lastVsFirstWindow = windows.length > 1 ? windows.at(-1)!.requestsPerS / windows[0]!.requestsPerS : NaN;

    const problems: string[] = [];
    if (load.non2xx) problems.push(`${load.non2xx} non-2xx answers (${JSON.stringify(load.statuses)})`);
    if (load.errors) problems.push(`${load.errors} connection errors or timeouts`);
    if (load.duplicates) problems.push(`${load.duplicates} events reported as duplicates (ids are unique)`);
    if (!stored.ok) problems.push(`rows ≠ accepted: ${storedLine(stored)}`);

    print(
      `Sustained ingest on Node (loopback, ${durationS} s, ${connections} connections, ${BATCH_EVENTS}-event batches, one growing SQLite file)`,
    );
    print(
      `  ${f(load.requestsPerS)} req/s = ${f(load.eventsPerS)} events/s, p50 ${f(load.p50Ms, 1)} ms, p99 ${f(load.p99Ms, 1)} ms, collector CPU ${f((cpuS * 1000) / load.requests, 3)} ms/req`,
    );
    print(`  errors ${load.errors}, non-2xx ${load.non2xx}; collector RSS ${mb(idleRssBytes)} idle, peak ${mb(peakRssBytes)}`);
    print(
      `  req/s per ${windowS} s window: ${windows.map((w) => f(w.requestsPerS)).join(' → ')} (last ÷ first ${f(lastVsFirstWindow, 2)})`,
    );
    print(`  stored: ${storedLine(stored)}, database ${mb(stored.databaseBytes)}`);
    for (const p of problems) print(`  PROBLEM: ${p}`);
    return {
      load,
      cpuMsPerRequest: load.requests ? (cpuS * 1000) / load.requests : NaN,
      idleRssBytes,
      peakRssBytes,
      windows,
      lastVsFirstWindow,
      stored,
      ok: problems.length === 0,
      problems,
    };
  });
}
