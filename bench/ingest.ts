// Ingest benchmark: the real collector (startServer on a temp SQLite file) against a bare Hono
// app answering 204 to POST /collect, each in its own child process, driven over loopback by
// autocannon for the same time with fresh 20-event batches. The figure that matters is the
// ratio collector ÷ bare, measured in the same run on the same machine (target ≥ 0.5). A third
// server, the floor (bench/servers/floor.ts), only parses the body and inserts its rows into an
// events table like ours in one transaction: what durable per-request storage costs by itself.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BATCH_EVENTS } from './batch';
import { startServerProcess } from './child';
import { loadCollect, type LoadFigures } from './load';
import { checkStored, databaseBytes, storedLine, withTempDatabase, type StoredCheck } from './stored';

/** Options of {@link runIngestBench}. */
export interface IngestOptions {
  /** Seconds of measured load per server (default 10). */
  durationS?: number;
  /** Seconds of unmeasured load first, so both servers are JIT-warm (default 2). */
  warmupS?: number;
  /** Concurrent connections (default 10). */
  connections?: number;
  print?: (line: string) => void;
}

/** One server's figures. */
export interface TargetFigures extends LoadFigures {
  /** Server process CPU (user + system) per answered request, ms. */
  cpuMsPerRequest: number;
  /** Server RSS after start-up, before any load, bytes. */
  idleRssBytes: number;
  /** Server peak RSS (VmHWM) over warm-up and load, bytes. */
  peakRssBytes: number;
}

/** Everything {@link runIngestBench} measured and checked. */
export interface IngestResult {
  bare: TargetFigures;
  /** Ladder rung: parse + validate + enrich, answer 202 (bench/servers/validate.ts). */
  validate: TargetFigures;
  /** Ladder rung: the same plus the journal's durable append (fdatasync, group commit), answer 202. */
  append: TargetFigures;
  /** Parse + insert the rows into a bare events table, one transaction per request. */
  floor: TargetFigures;
  collector: TargetFigures;
  /** The collector with the ingest journal (CJM_JOURNAL): 202 once on disk, stored off the request path. */
  journal: TargetFigures & { foldLag: FoldLag; visible: Visible };
  /** Median 10 KB append + fdatasync in the temp folder, ms (bounds durable acks per second). */
  fsyncMs: number;
  /** collector ÷ bare. */
  ratios: {
    requestsPerS: number;
    p99Ms: number;
    cpuMsPerRequest: number;
    journalVsBare: number;
    validateVsBare: number;
    appendVsBare: number;
  };
  /** floor ÷ bare, and collector ÷ floor (req/s). */
  floorRatios: { floorVsBare: number; collectorVsFloor: number };
  /** Events the collector acknowledged (warm-up + measured) against the rows found in its file afterwards. */
  stored: StoredCheck & { duplicates: number; databaseBytes: number };
  /** The same check for the journal run (after its process drained the journal and exited). */
  journalStored: StoredCheck;
  /** Correctness: no errors, no non-2xx, rows == accepted, every event of every 202 accepted. */
  ok: boolean;
  problems: string[];
}

const TARGET_RATIO = 0.5;

/** The fold's lag as /health showed it every 250 ms under load (journal run). */
export interface FoldLag {
  samples: number;
  /** Oldest batch waiting, ms: the most seen and the 99th percentile of the samples. */
  maxOldestMs: number;
  p99OldestMs: number;
  maxEventsWaiting: number;
}

/** Acknowledged → stored (visible in the report) over the batches the folder stored during the load: /health `fold.visible`. */
export interface Visible {
  batches: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Polls /health every 250 ms until stopped; resolves to the fold lag seen. */
function sampleFoldLag(url: string): { stop(): Promise<FoldLag> } {
  const oldest: number[] = [];
  let maxEvents = 0;
  let on = true;
  const run = (async () => {
    while (on) {
      try {
        const h = (await (await fetch(`${url}/health`)).json()) as { fold?: { oldestMs: number; events: number } };
        if (h.fold) (oldest.push(h.fold.oldestMs), (maxEvents = Math.max(maxEvents, h.fold.events)));
      } catch {
        // a refused poll under load: skip the sample
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      on = false;
      await run;
      const sorted = [...oldest].sort((a, b) => a - b);
      return {
        samples: sorted.length,
        maxOldestMs: sorted.at(-1) ?? NaN,
        p99OldestMs: sorted[Math.floor(sorted.length * 0.99)] ?? NaN,
        maxEventsWaiting: maxEvents,
      };
    },
  };
}

async function measure(
  name: 'bare' | 'collector' | 'floor' | 'validate',
  args: string[],
  o: Required<Omit<IngestOptions, 'print'>>,
): Promise<{ figures: TargetFigures; warm: LoadFigures; foldLag?: FoldLag; visible?: Visible }> {
  const server = await startServerProcess(name, args);
  try {
    const idleRssBytes = server.rssBytes();
    const run = `${name[0]}${Date.now().toString(36)}`;
    const warm = await loadCollect({ url: server.url, durationS: o.warmupS, connections: o.connections, runKey: `${run}w` });
    const cpu0 = server.cpuSeconds();
    const lag = args[1] ? sampleFoldLag(server.url) : null;
    const load = await loadCollect({ url: server.url, durationS: o.durationS, connections: o.connections, runKey: `${run}m` });
    const cpuS = server.cpuSeconds() - cpu0;
    const foldLag = await lag?.stop();
    // Read right after the load, before the drain at stop: the delays of the batches stored under load.
    const visible = lag ? ((await (await fetch(`${server.url}/health`)).json()) as { fold: { visible: Visible } }).fold.visible : undefined;
    const figures: TargetFigures = {
      ...load,
      cpuMsPerRequest: load.requests ? (cpuS * 1000) / load.requests : NaN,
      idleRssBytes,
      peakRssBytes: server.peakRssBytes(),
    };
    return { figures, warm, ...(foldLag ? { foldLag } : {}), ...(visible ? { visible } : {}) };
  } finally {
    await server.stop();
  }
}

/** Median time of one 10 KB append + fdatasync in the temp folder, ms: what bounds durable acks. */
async function fsyncMs(): Promise<number> {
  return withTempDatabase(async (dbFile) => {
    const fd = openSync(join(dbFile, '..', 'probe.log'), 'a');
    const buf = Buffer.alloc(10_000, 120);
    const times: number[] = [];
    try {
      for (let i = 0; i < 30; i++) {
        const t = performance.now();
        writeSync(fd, buf);
        fdatasyncSync(fd);
        times.push(performance.now() - t);
      }
    } finally {
      closeSync(fd);
    }
    return times.sort((a, b) => a - b)[15]!;
  });
}

const met = (yes: boolean) => (yes ? 'met' : 'NOT met');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const f = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/**
 * Runs the ingest benchmark and prints its table; resolves to the figures.
 * @example const result = await runIngestBench({ durationS: 5 });
 */
export async function runIngestBench(options: IngestOptions = {}): Promise<IngestResult> {
  const o = { durationS: options.durationS ?? 10, warmupS: options.warmupS ?? 2, connections: options.connections ?? 10 };
  const print = options.print ?? console.log;

  const bare = (await measure('bare', [], o)).figures;
  const validate = (await measure('validate', [], o)).figures;
  const append = await withTempDatabase(async (dbFile) => (await measure('validate', [`${dbFile}.journal`], o)).figures);
  const floor = await withTempDatabase(async (dbFile) => (await measure('floor', [dbFile], o)).figures);
  const { collector, stored, warmProblems } = await withTempDatabase(async (dbFile) => {
    const { figures, warm } = await measure('collector', [dbFile], o);
    // The collector process has exited: every write is final.
    const check = checkStored(dbFile, warm.accepted + figures.accepted, [...warm.unanswered, ...figures.unanswered], BATCH_EVENTS);
    return {
      collector: figures,
      warmProblems: warm.non2xx + warm.errors,
      stored: { ...check, duplicates: warm.duplicates + figures.duplicates, databaseBytes: databaseBytes(dbFile) },
    };
  });

  const { journal, journalStored } = await withTempDatabase(async (dbFile) => {
    const { figures, warm, foldLag, visible } = await measure('collector', [dbFile, `${dbFile}.journal`], o);
    const check = checkStored(dbFile, warm.accepted + figures.accepted, [...warm.unanswered, ...figures.unanswered], BATCH_EVENTS);
    return { journal: { ...figures, foldLag: foldLag!, visible: visible! }, journalStored: check };
  });

  const syncMs = await fsyncMs();
  const ratios = {
    validateVsBare: validate.requestsPerS / bare.requestsPerS,
    appendVsBare: append.requestsPerS / bare.requestsPerS,
    journalVsBare: journal.requestsPerS / bare.requestsPerS,
    requestsPerS: collector.requestsPerS / bare.requestsPerS,
    p99Ms: collector.p99Ms / bare.p99Ms,
    cpuMsPerRequest: collector.cpuMsPerRequest / bare.cpuMsPerRequest,
  };
  const floorRatios = {
    floorVsBare: floor.requestsPerS / bare.requestsPerS,
    collectorVsFloor: collector.requestsPerS / floor.requestsPerS,
  };
  const problems: string[] = [];
  if (!journalStored.ok) problems.push(`journal: ${journalStored.rows} rows stored, ${journalStored.accepted} events accepted`);
  for (const [name, t] of [
    ['bare', bare],
    ['validate', validate],
    ['append', append],
    ['floor', floor],
    ['collector', collector],
    ['journal', journal],
  ] as const) {
    if (t.non2xx) problems.push(`${name}: ${t.non2xx} non-2xx answers (${JSON.stringify(t.statuses)})`);
    if (t.errors) problems.push(`${name}: ${t.errors} connection errors or timeouts`);
  }
  if (warmProblems) problems.push(`collector: ${warmProblems} failed answers during warm-up`);
  if (stored.duplicates) problems.push(`collector: ${stored.duplicates} events reported as duplicates (ids are unique)`);
  if (collector.accepted !== (collector.requests - collector.non2xx) * BATCH_EVENTS)
    problems.push(
      `collector: accepted ${collector.accepted} events of ${(collector.requests - collector.non2xx) * BATCH_EVENTS} sent in 2xx-answered batches`,
    );
  if (!stored.ok)
    problems.push(
      `collector: ${stored.rows} rows stored, ${stored.accepted} events accepted, ${stored.unansweredStored} whole and ${stored.partialBatches} partial unanswered batches stored`,
    );

  print(
    `Ingest on Node (loopback, ${o.durationS} s per server after ${o.warmupS} s warm-up, ${o.connections} connections, ${BATCH_EVENTS}-event batches, fresh ids per request)`,
  );
  print('  speed ladder               req/s  ÷ bare   events/s  p50 ms  p99 ms  CPU ms/req  idle RSS  peak RSS  non-2xx  errors');
  const row = (name: string, t: TargetFigures) =>
    print(
      `  ${name.padEnd(25)}${f(t.requestsPerS).padStart(7)}  ${f(t.requestsPerS / bare.requestsPerS, 3).padStart(5)}  ${f(t.eventsPerS).padStart(9)}  ${f(t.p50Ms, 1).padStart(6)}  ${f(t.p99Ms, 1).padStart(6)}  ${f(t.cpuMsPerRequest, 3).padStart(10)}  ${mb(t.idleRssBytes).padStart(8)}  ${mb(t.peakRssBytes).padStart(8)}  ${String(t.non2xx).padStart(7)}  ${String(t.errors).padStart(6)}`,
    );
  row('bare Hono 204', bare);
  row('parse + validate (202)', validate);
  row('+ durable append (fsync)', append);
  row('floor (parse + insert)', floor);
  row('collector + journal', journal);
  row('collector, no journal', collector);
  print(
    `  collector ÷ bare: req/s ${f(ratios.requestsPerS, 3)} (target ≥ ${TARGET_RATIO}: ${ratios.requestsPerS >= TARGET_RATIO ? 'met' : 'NOT met'}), p99 ${f(ratios.p99Ms, 1)}×, CPU/req ${f(ratios.cpuMsPerRequest, 1)}×`,
  );
  print(
    `  collector + journal ÷ bare: req/s ${f(ratios.journalVsBare, 3)} (target ≥ ${TARGET_RATIO}: ${met(ratios.journalVsBare >= TARGET_RATIO)}; every 202 on disk); ÷ durable append ${f(journal.requestsPerS / append.requestsPerS, 3)}; stored after drain: ${storedLine(journalStored)}`,
  );
  print(
    `  events visible in the report (202 → stored) under this load, journal on: p50 ${f(journal.visible.p50Ms)} ms, p99 ${f(journal.visible.p99Ms)} ms, max ${f(journal.visible.maxMs)} ms over ${journal.visible.batches} batches (target p99 ≤ 1000: ${met(journal.visible.p99Ms <= 1000)}); oldest batch waiting (/health every 250 ms) p99 ${f(journal.foldLag.p99OldestMs)} ms, max ${f(journal.foldLag.maxOldestMs)} ms, at most ${journal.foldLag.maxEventsWaiting} events waiting`,
  );
  print(
    `  fsync: one 10 KB append + fdatasync takes ${f(syncMs, 1)} ms (median of 30) here, so ${o.connections} connections get at most ~${f((o.connections * 1000) / syncMs)} durable acks/s (group commit shares a sync among the requests waiting)`,
  );
  print(`  floor ÷ bare: req/s ${f(floorRatios.floorVsBare, 3)}; collector ÷ floor: req/s ${f(floorRatios.collectorVsFloor, 3)}`);
  print(`  stored: ${storedLine(stored)}, database ${mb(stored.databaseBytes)}`);
  for (const p of problems) print(`  PROBLEM: ${p}`);
  return {
    bare,
    validate,
    append,
    floor,
    collector,
    journal,
    fsyncMs: syncMs,
    ratios,
    floorRatios,
    stored,
    journalStored,
    ok: problems.length === 0,
    problems,
  };
}
