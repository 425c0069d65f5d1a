// `npm run bench [-- section …]`: runs the benchmark sections in order, prints a summary table
// and writes every figure to bench-output/results.json. Each section compares against a
// baseline measured in the same run (a bare Hono app, a budget); none is a timed test.
// Settings (environment): CJM_BENCH_INGEST_SECONDS (10), CJM_BENCH_SECONDS (sustained, 60), CJM_BENCH_CRASH_SECONDS (60),
// CJM_BENCH_WORKER_SECONDS (5), CJM_BENCH_CONNECTIONS (10), CJM_BENCH_POSTGRES_EVENTS (1 M),
// CJM_BENCH_DATABASE_URL (Postgres; default a throwaway embedded server), CJM_BENCH_REPORT_EVENTS
// (report-load, 1 M). See docs/benchmarks.md.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runSizeBench, type SizeResult } from './bundle-size';
import { runAdversaryBench, type AdversaryResult } from './adversary-bench';
import { runIngestBench, type IngestResult } from './ingest';
import { runSustainedBench, type SustainedResult } from './sustained';
import type { WorkerBenchResult } from './worker';

const OUT_DIR = fileURLToPath(new URL('../bench-output/', import.meta.url));
const REPORT_BENCH = fileURLToPath(new URL('./report.ts', import.meta.url));

/** How a section ended. */
type Status = 'ok' | 'problems' | 'failed' | 'skipped';

interface SectionOutcome {
  status: Status;
  /** One line for the summary table. */
  headline: string;
  seconds: number;
  /** 1-minute load average when the section started: how busy the shared machine was. */
  loadBefore: number;
  result?: unknown;
  error?: string;
}

interface Section {
  name: string;
  /** Runs the section; resolves to its outcome without timing fields. */
  run(): Promise<Omit<SectionOutcome, 'seconds' | 'loadBefore'>>;
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0)) throw new Error(`${name} must be a positive number, not ${JSON.stringify(raw)}`);
  return n;
}

const settings = {
  ingestSeconds: envNumber('CJM_BENCH_INGEST_SECONDS', 10),
  sustainedSeconds: envNumber('CJM_BENCH_SECONDS', 60),
  crashSeconds: envNumber('CJM_BENCH_CRASH_SECONDS', 60),
  workerSeconds: envNumber('CJM_BENCH_WORKER_SECONDS', 5),
  connections: envNumber('CJM_BENCH_CONNECTIONS', 10),
};

const f = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const met = (yes: boolean) => (yes ? 'met' : 'NOT met');

const SECTIONS: Section[] = [
  {
    name: 'size',
    async run() {
      const r: SizeResult = runSizeBench();
      const script = r.files.find((s) => s.file === 'dist/cjm.js');
      const others = r.files.filter((s) => s !== script).map((s) => `${s.file.slice(5)} ${s.gzip}`);
      return {
        status: r.ok ? 'ok' : 'problems',
        headline: `cjm.js ${script?.gzip ?? '?'} B gzip / ${script?.brotli ?? '?'} B br (budget ${r.budgetGzip}); ${others.join(', ')} B gzip`,
        result: r,
      };
    },
  },
  {
    name: 'ingest',
    async run() {
      const r: IngestResult = await runIngestBench({ durationS: settings.ingestSeconds, connections: settings.connections });
      return {
        status: r.ok ? 'ok' : 'problems',
        headline: `collector ${f(r.collector.requestsPerS)} req/s vs bare ${f(r.bare.requestsPerS)}: ${f(r.ratios.requestsPerS, 3)} (target ≥ 0.5 ${met(r.ratios.requestsPerS >= 0.5)}); ladder ÷ bare: validate ${f(r.ratios.validateVsBare, 3)}, durable append ${f(r.ratios.appendVsBare, 3)}, with journal ${f(r.ratios.journalVsBare, 3)} (${met(r.ratios.journalVsBare >= 0.5)}); visible p99 ${f(r.journal.visible.p99Ms)} ms (≤ 1000 ${met(r.journal.visible.p99Ms <= 1000)}); floor ${f(r.floor.requestsPerS)} req/s, p99 ${f(r.collector.p99Ms, 1)} ms, rows ${r.stored.ok ? '=' : '≠'} accepted`,
        result: r,
      };
    },
  },
  {
    name: 'adversary',
    async run() {
      const r: AdversaryResult = await runAdversaryBench();
      return {
        status: r.ok ? 'ok' : 'problems',
        headline: `honest median ${f(r.honest.quietMedianMs, 1)} ms quiet → ${f(r.honest.loadedMedianMs, 1)} ms under attack: ${f(r.ratios.loadedVsQuiet, 2)}× (target ≤ 2 ${met(r.ratios.loadedVsQuiet <= 2)}); attack batch on ${r.shape.sessions}×${r.shape.eventsPerSession} stored ÷ on none ${f(r.ratios.bigVsEmpty, 2)} (≤ 2 ${met(r.ratios.bigVsEmpty <= 2)})`,
        result: r,
      };
    },
  },
  {
    name: 'sustained',
    async run() {
      const r: SustainedResult = await runSustainedBench({ durationS: settings.sustainedSeconds, connections: settings.connections });
      return {
        status: r.ok ? 'ok' : 'problems',
        headline: `${f(r.load.requestsPerS)} req/s (${f(r.load.eventsPerS)} events/s) over ${r.load.durationS} s, last÷first window ${f(r.lastVsFirstWindow, 2)}, errors ${r.load.errors + r.load.non2xx}, peak RSS ${mb(r.peakRssBytes)}, rows ${r.stored.ok ? '=' : '≠'} accepted`,
        result: r,
      };
    },
  },
  {
    name: 'crash',
    async run() {
      const { runCrashBench } = await import('./crash');
      const r = await runCrashBench(settings.crashSeconds);
      return {
        status: r.ok ? 'ok' : 'problems',
        headline: `3 × SIGKILL under load (${settings.crashSeconds} s): ${r.acked} acknowledged, ${r.lost} lost, derived ${r.derivedEqual ? '=' : '≠'} rebuild`,
        result: r,
      };
    },
  },
  {
    name: 'worker',
    async run() {
      const { runWorkerBench } = await import('./worker');
      const run = () => runWorkerBench({ durationS: settings.workerSeconds, connections: settings.connections });
      let r: WorkerBenchResult;
      try {
        r = await run();
      } catch (err) {
        // wrangler's build step rebuilds .wrangler/assets; when another process (a workers test
        // run in this checkout) rebuilds it at the same moment, rmSync fails with ENOTEMPTY.
        if (!String((err as Error).message).includes('ENOTEMPTY')) throw err;
        console.log('worker: .wrangler/assets was being rebuilt by another process; trying once more');
        r = await run();
      }
      const errors = r.http.bare.errors + r.http.health.errors + r.http.collect.errors;
      return {
        status: errors === 0 ? 'ok' : 'problems',
        headline: `in-isolate ${f(r.isolate.appMsPerBatch, 3)} ms/batch (target < 1 ms ${met(r.isolate.appMsPerBatch < 1)}), /collect ÷ bare req/s ${f(r.ratios.collectVsBareRps, 3)}, errors ${errors}`,
        result: r,
      };
    },
  },
  {
    name: 'lifecycle',
    async run() {
      const { runLifecycleBench } = await import('./lifecycle');
      const r = await runLifecycleBench();
      return { status: r.ok ? 'ok' : 'problems', headline: r.summary, result: r };
    },
  },
  {
    name: 'durability',
    async run() {
      const { runDurabilityBench } = await import('./durability');
      const r = await runDurabilityBench();
      return {
        status: 'ok',
        headline: `CJM_DURABILITY=full ÷ normal, ms per 20-event batch: one at a time ${r.oneAtATime!.fullMs} ÷ ${r.oneAtATime!.normalMs} = ${r.oneAtATime!.ratio}×, 10 concurrent ${r.tenConcurrent!.fullMs} ÷ ${r.tenConcurrent!.normalMs} = ${r.tenConcurrent!.ratio}×`,
        result: r,
      };
    },
  },
  {
    name: 'report',
    async run() {
      // bench/report.ts is written separately; until it lands this section has nothing to run.
      if (!existsSync(REPORT_BENCH)) {
        console.log('skipped: not present (bench/report.ts)');
        return { status: 'skipped', headline: 'skipped: not present (bench/report.ts)' };
      }
      const mod = (await import(pathToFileURL(REPORT_BENCH).href)) as { runReportBench?: () => Promise<unknown> };
      if (typeof mod.runReportBench !== 'function') throw new Error('bench/report.ts does not export runReportBench()');
      const r = await mod.runReportBench();
      // Its `ok` is the < 300 ms target, which the summary states; like every other missed
      // target, that is printed, not a failure of the bench.
      const summary = (r as { summary?: unknown } | null)?.summary;
      return {
        status: 'ok',
        headline: typeof summary === 'string' ? summary : 'ran (figures in its output and results.json)',
        result: r,
      };
    },
  },
  {
    name: 'report-load',
    async run() {
      // The report over 1 M events while ingest runs (issue 16.3), through the collector's HTTP API.
      const { runReportUnderLoad } = await import('./report-under-load');
      const r = await runReportUnderLoad({ events: envNumber('CJM_BENCH_REPORT_EVENTS', 1_000_000), connections: settings.connections });
      const ok = r.load.non2xx === 0 && r.load.errors === 0;
      return { status: ok ? 'ok' : 'problems', headline: r.summary, result: r };
    },
  },
  {
    name: 'postgres',
    async run() {
      // The report timing on Postgres beside SQLite (bench/report-postgres.ts), same traffic.
      const { runPostgresBench } = await import('./report-postgres');
      const r = await runPostgresBench({ events: envNumber('CJM_BENCH_POSTGRES_EVENTS', 1_000_000) });
      return { status: 'ok', headline: r.summary, result: r };
    },
  },
];

async function main(): Promise<void> {
  const asked = process.argv.slice(2).filter((a) => a !== '--');
  const unknown = asked.filter((a) => !SECTIONS.some((s) => s.name === a));
  if (unknown.length) {
    console.error(`unknown section(s): ${unknown.join(', ')}; choose from ${SECTIONS.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  const chosen = asked.length ? SECTIONS.filter((s) => asked.includes(s.name)) : SECTIONS;

  const startedAt = new Date().toISOString();
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryBytes: totalmem(),
    node: process.version,
    sqlite: process.versions.sqlite,
    loadAverageAtStart: loadavg(),
  };
  console.log(
    `cjm bench: ${chosen.map((s) => s.name).join(', ')} on ${machine.cpus} CPUs, Node ${machine.node}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const outcomes: Record<string, SectionOutcome> = {};
  for (const section of chosen) {
    console.log(`\n== ${section.name} ==`);
    const loadBefore = loadavg()[0]!;
    const t0 = performance.now();
    let outcome: Omit<SectionOutcome, 'seconds' | 'loadBefore'>;
    try {
      outcome = await section.run();
    } catch (err) {
      // The first lines say what failed; the whole stack goes to results.json.
      console.error(
        `${section.name} failed: ${String((err as Error).message ?? err)
          .split('\n')
          .slice(0, 12)
          .join('\n')}`,
      );
      outcome = {
        status: 'failed',
        headline: `failed: ${(err as Error).message?.split('\n')[0]}`,
        error: String((err as Error).stack ?? err),
      };
    }
    outcomes[section.name] = { ...outcome, seconds: (performance.now() - t0) / 1000, loadBefore };
  }

  mkdirSync(OUT_DIR, { recursive: true });
  const resultsFile = `${OUT_DIR}results.json`;
  writeFileSync(
    resultsFile,
    `${JSON.stringify({ startedAt, finishedAt: new Date().toISOString(), machine: { ...machine, loadAverageAtEnd: loadavg() }, settings, sections: outcomes }, null, 2)}\n`,
  );

  console.log('\n== summary ==');
  console.log(`section    status    load  secs  figures`);
  for (const [name, o] of Object.entries(outcomes))
    console.log(
      `${name.padEnd(10)} ${o.status.padEnd(8)} ${o.loadBefore.toFixed(1).padStart(5)} ${f(o.seconds).padStart(5)}  ${o.headline}`,
    );
  console.log(`(load = 1-minute load average at the section's start, on ${machine.cpus} CPUs; figures in ${resultsFile})`);
  if (Object.values(outcomes).some((o) => o.status === 'problems' || o.status === 'failed')) process.exitCode = 1;
}

await main();
