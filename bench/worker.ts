// Worker benchmark, all in local workerd (Miniflare) on loopback, bounded in time:
// 1. time per 20-event batch inside the Worker isolate (bench/worker-cpu.ts): the collector app
//    with inserts stubbed out (≈ the Worker's billed CPU: D1 is I/O in production), and with
//    real inserts into the local D1 (wall time; local D1 runs in the same workerd process);
// 2. requests/s of POST /collect (20 events, fresh ids every request, local D1) and GET /health
//    against a bare Hono Worker answering 204, with workerd's own CPU seconds per request read
//    from /proc. Run alone with `tsx bench/worker.ts [--duration S] [--connections N]`, or via
//    runWorkerBench() from bench/index.ts (`npm run bench`).
process.env.WRANGLER_SEND_METRICS = 'false';

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import type { CpuRequest, CpuResult } from './worker-cpu';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, '.wrangler', 'bench');
const COMPAT_DATE = '2026-11-01';
const TOKEN = 'bench-admin-token-0123456789abcdef';
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
/** Events per batch: what a page view plus a few interactions sends. */
const BATCH = 20;

/** Options of {@link runWorkerBench}. */
export interface WorkerBenchOptions {
  /** Seconds of load per HTTP target (default 5). */
  durationS?: number;
  /** Concurrent connections of the load generator (default 10). */
  connections?: number;
  /** Batches timed inside the isolate, per variant (default 500, after 100 for warm-up). */
  batches?: number;
  /** Where lines go (default console.log). */
  print?: (line: string) => void;
}

/** One HTTP target's figures. */
export interface HttpFigures {
  requestsPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** workerd process CPU (user + system) per request, ms; includes local D1 for /collect. */
  cpuMsPerRequest: number;
  requests: number;
  errors: number;
}

/** Everything {@link runWorkerBench} measured. */
export interface WorkerBenchResult {
  isolate: { appMsPerBatch: number; appWithD1MsPerBatch: number; batches: number };
  http: { bare: HttpFigures; health: HttpFigures; collect: HttpFigures };
  ratios: { collectVsBareRps: number; healthVsBareRps: number; collectVsBareCpu: number };
}

/** A /collect body of BATCH events whose ids contain `key` (unique per request). */
function batchBody(key: string | number): string {
  const now = Date.now();
  const events = Array.from({ length: BATCH }, (_, i) => ({
    id: `${key}-${i}`,
    type: i === 0 ? 'pageview' : i % 5 === 0 ? 'engagement' : 'event',
    name: i === 0 ? '/pricing' : i % 5 === 0 ? 'engagement' : 'click',
    ts: now - (BATCH - i) * 1000,
    visitor: `v${key}`,
    session: `s${key}`,
    url: 'https://shop.example/pricing?utm_source=news&utm_medium=email',
    title: 'Pricing',
    referrer: 'https://www.google.com/',
    props: i % 5 === 0 ? { engaged_ms: 4000 } : { label: 'Buy now', position: i },
  }));
  return JSON.stringify({ site: 'shop', sent: now, events });
}

/** Bundles the cjm Worker exactly as `wrangler deploy` would (no nodejs_compat), and the two bench Workers. */
async function bundle(): Promise<{ cjm: string; bare: string; cpu: string }> {
  mkdirSync(OUT, { recursive: true });
  execFileSync(join(ROOT, 'node_modules', '.bin', 'wrangler'), ['deploy', '--dry-run', '--outdir', join(OUT, 'cjm')], {
    cwd: ROOT,
    stdio: 'pipe',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  const esb = (entry: string, out: string) =>
    build({
      entryPoints: [join(ROOT, 'bench', entry)],
      outfile: join(OUT, out),
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['browser', 'module', 'main'],
      logLevel: 'error',
    });
  await esb('worker-bare.ts', 'bare.js');
  await esb('worker-cpu.ts', 'cpu.js');
  return { cjm: join(OUT, 'cjm', 'worker.js'), bare: join(OUT, 'bare.js'), cpu: join(OUT, 'cpu.js') };
}

/** The migrations as single statements (wrangler's own splitter, via the vitest plugin). */
async function migrationQueries(): Promise<string[]> {
  const { readD1Migrations } = await import('@cloudflare/vitest-plugin');
  return (await readD1Migrations(join(ROOT, 'collector', 'store', 'migrations'))).flatMap((m) => m.queries);
}

/** A local workerd running one Worker on a free loopback port, with a migrated in-memory D1. */
async function start(scriptPath: string, withDb: boolean): Promise<{ mf: Miniflare; url: string }> {
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: '127.0.0.1',
      port: 0,
      cf: false, // offline: do not fetch the request.cf template
      modules: true,
      scriptPath,
      compatibilityDate: COMPAT_DATE,
      // All load comes from one loopback client, which the default per-client limit (600/min)
      // would answer with 429 within a second: limits too high to refuse, as in the Node sections
      // (the limiter still runs, so its cost is included).
      bindings: { CJM_ADMIN_TOKEN: TOKEN, CJM_SITES: '', CJM_RATE_LIMIT: '999999999/min', CJM_SITE_RATE_LIMIT: '999999999/min' },
      ...(withDb ? { d1Databases: { DB: 'bench' }, d1Persist: false } : {}),
    }),
  );
  const url = (await mf.ready).toString().replace(/\/$/, '');
  if (withDb) {
    const db = await mf.getD1Database('DB');
    for (const q of await migrationQueries()) await db.prepare(q).run();
  }
  return { mf, url };
}

/** CPU seconds (user + system) of this process's workerd children, from /proc. */
function workerdCpuSeconds(): number {
  const hz = 100; // USER_HZ on Linux
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is state, [1] ppid, [11] utime, [12] stime (stat(5) fields 3, 4, 14, 15).
      if (Number(fields[1]) === process.pid && stat.includes('(workerd)')) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended while we looked
    }
  }
  return ticks / hz;
}

/** Loads one URL for `durationS` seconds; `body(n)` makes the n-th request's body. */
async function load(
  url: string,
  method: 'GET' | 'POST',
  durationS: number,
  connections: number,
  body?: (n: number) => string,
): Promise<HttpFigures> {
  let n = 0;
  const cpu0 = workerdCpuSeconds();
  const result = await autocannon({
    url,
    method,
    connections,
    duration: durationS,
    headers: { 'content-type': 'text/plain', 'user-agent': UA },
    requests: [
      {
        method,
        setupRequest: (req) => (body ? { ...req, body: body(n++) } : req),
      },
    ],
  });
  const cpu = workerdCpuSeconds() - cpu0;
  const requests = result.requests.total;
  return {
    requestsPerS: requests / durationS,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMsPerRequest: requests ? (cpu * 1000) / requests : NaN,
    requests,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

const f = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/**
 * Runs the whole Worker benchmark and prints a summary; resolves to the figures.
 * @example const result = await runWorkerBench({ durationS: 3 });
 */
export async function runWorkerBench(options: WorkerBenchOptions = {}): Promise<WorkerBenchResult> {
  const durationS = options.durationS ?? 5;
  const connections = options.connections ?? 10;
  const batches = options.batches ?? 500;
  const print = options.print ?? console.log;
  const scripts = await bundle();

  // 1. Inside the isolate.
  const probe = await start(scripts.cpu, true);
  let isolate: WorkerBenchResult['isolate'];
  try {
    const run = async (store: CpuRequest['store'], count: number, prefix: string): Promise<CpuResult> => {
      const req: CpuRequest = { store, userAgent: UA, bodies: Array.from({ length: count }, (_, i) => batchBody(`${prefix}${i}`)) };
      const res = await fetch(probe.url, { method: 'POST', body: JSON.stringify(req) });
      if (!res.ok) throw new Error(`cpu probe: ${res.status} ${await res.text()}`);
      return (await res.json()) as CpuResult;
    };
    await run('memory', 100, 'warm-m');
    await run('d1', 100, 'warm-d');
    const app = await run('memory', batches, 'm');
    const withD1 = await run('d1', batches, 'd');
    isolate = { appMsPerBatch: app.perBatchMs, appWithD1MsPerBatch: withD1.perBatchMs, batches };
  } finally {
    await probe.mf.dispose();
  }

  // 2. Over HTTP, one target at a time, so each has both cores to itself and the load generator.
  const bareW = await start(scripts.bare, false);
  let bare: HttpFigures;
  try {
    bare = await load(`${bareW.url}/collect`, 'POST', durationS, connections, () => batchBody('bare'));
  } finally {
    await bareW.mf.dispose();
  }
  const cjmW = await start(scripts.cjm, true);
  let health: HttpFigures;
  let collect: HttpFigures;
  try {
    health = await load(`${cjmW.url}/health`, 'GET', durationS, connections);
    const run = Date.now().toString(36);
    collect = await load(`${cjmW.url}/collect`, 'POST', durationS, connections, (n) => batchBody(`${run}-${n}`));
  } finally {
    await cjmW.mf.dispose();
  }

  const ratios = {
    collectVsBareRps: collect.requestsPerS / bare.requestsPerS,
    healthVsBareRps: health.requestsPerS / bare.requestsPerS,
    collectVsBareCpu: collect.cpuMsPerRequest / bare.cpuMsPerRequest,
  };

  print(
    `Worker bench (local workerd via Miniflare, loopback, ${durationS} s per HTTP target, ${connections} connections, ${BATCH}-event batches)`,
  );
  print(`  in-isolate, per batch (${batches} batches, performance.now() framed by D1 round trips):`);
  print(`    collector app, inserts stubbed (≈ Worker CPU) ${f(isolate.appMsPerBatch, 3)} ms   (target < 1 ms)`);
  print(`    collector app + local D1 insert (wall)        ${f(isolate.appWithD1MsPerBatch, 3)} ms`);
  print('  over HTTP:                     req/s     p50 ms  p99 ms  workerd CPU ms/req  errors');
  const row = (name: string, h: HttpFigures) =>
    print(
      `    ${name.padEnd(27)}${f(h.requestsPerS, 0).padStart(7)}  ${f(h.p50Ms, 1).padStart(8)}  ${f(h.p99Ms, 1).padStart(6)}  ${f(h.cpuMsPerRequest, 3).padStart(18)}  ${h.errors}`,
    );
  row('bare Hono 204 (POST)', bare);
  row('cjm GET /health', health);
  row('cjm POST /collect (D1)', collect);
  print(
    `  ratios: /collect vs bare req/s ${f(ratios.collectVsBareRps, 3)}, /health vs bare req/s ${f(ratios.healthVsBareRps, 3)}, /collect vs bare CPU/req ${f(ratios.collectVsBareCpu, 1)}×`,
  );
  return { isolate, http: { bare, health, collect }, ratios };
}

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runWorkerBench({ durationS: arg('duration'), connections: arg('connections'), batches: arg('batches') }).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
