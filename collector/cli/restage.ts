// `npm run restage -- --site shop [--all-sites] [--include-unknown] [--dry-run] [--limit 500]`:
// re-infers the stored events' stages with today's rules on the Node collector's SQLite file
// (CJM_DB, stages CJM_STAGES, as the collector reads them) and brings every derived table in
// line, one transaction per chunk of visitors, so it can run beside a live collector.
// docs/journey.md, "Restaging stored events". On Workers: POST /api/sites/:site/restage.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSites } from '../config';
import { RESTAGE_CHUNK, RESTAGE_MAX_CHUNK, type RestageOptions, type StageMove } from '../store/sql/restage';
import { openSqliteStore } from '../store/sqlite/store';
import type { Store } from '../store/types';
import { isEntry } from '../node/is-entry';

/** What restaging one site did, over all its chunks. */
export interface SiteSummary {
  site: string;
  visitors: number;
  events: number;
  changed: number;
  chunks: number;
  moves: StageMove[];
}

/**
 * Restages `site` chunk after chunk until the last, reporting each chunk to `progress`.
 * @example const summary = await restageSite(store, 'shop', { includeUnknown: true });
 */
export async function restageSite(
  store: Store,
  site: string,
  options: Omit<RestageOptions, 'after'> = {},
  progress: (done: SiteSummary) => void = () => {},
): Promise<SiteSummary> {
  const sum: SiteSummary = { site, visitors: 0, events: 0, changed: 0, chunks: 0, moves: [] };
  const moves = new Map<string, StageMove>();
  let after: string | null = null;
  do {
    const r = await store.restage(site, { ...options, after });
    sum.chunks++;
    sum.visitors += r.visitors;
    sum.events += r.events;
    sum.changed += r.changed;
    for (const m of r.moves) {
      const key = `${m.from}\0${m.to}`;
      const total = moves.get(key) ?? { ...m, events: 0 };
      total.events += m.events;
      moves.set(key, total);
    }
    sum.moves = [...moves.values()].sort((a, b) => b.events - a.events);
    progress(sum);
    after = r.next;
  } while (after !== null);
  return sum;
}

const USAGE = `usage: npm run restage -- (--site <id> … | --all-sites) [--include-unknown] [--dry-run] [--limit <visitors>] [--db <file>]
  Re-infers the stages of stored events with today's rules and rebuilds sessions, visitors and
  report rollups. Database: --db, else CJM_DB, else ./data/cjm.db; stages: CJM_STAGES.
  --include-unknown  also events stored before migration 0008 (their stage may have been set by
                     the page: only for sites that set no stages themselves)
  --dry-run          count what would change, write nothing
  --limit            visitors per transaction (default ${RESTAGE_CHUNK})`;

/** Runs the command line; returns the exit code. Output goes to `print`, errors to `fail`. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, print = console.log, fail = console.error): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        site: { type: 'string', multiple: true },
        'all-sites': { type: 'boolean' },
        'include-unknown': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        limit: { type: 'string' },
        db: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail(`cjm restage: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    print(USAGE);
    return 0;
  }
  const sites = values.site ?? [];
  if (!sites.length === !values['all-sites']) {
    fail(`cjm restage: give --site <id> (repeatable) or --all-sites\n${USAGE}`);
    return 2;
  }
  const limit = values.limit === undefined ? RESTAGE_CHUNK : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > RESTAGE_MAX_CHUNK) {
    fail(`cjm restage: --limit must be an integer from 1 to ${RESTAGE_MAX_CHUNK}, not ${JSON.stringify(values.limit)}`);
    return 2;
  }
  const dbPath = resolve(values.db ?? (env.CJM_DB || './data/cjm.db'));
  // Opening would create an empty database: a wrong path is an error, not "nothing to do".
  if (!existsSync(dbPath)) {
    fail(`cjm restage: no database at ${dbPath} (set CJM_DB or --db)`);
    return 1;
  }
  const stages = parseSites(env.CJM_STAGES);
  const options: Omit<RestageOptions, 'after'> = {
    limit,
    includeUnknown: !!values['include-unknown'],
    dryRun: !!values['dry-run'],
    ...(stages.length ? { stages } : {}),
  };

  const store = openSqliteStore(dbPath, { readers: 0 });
  try {
    const list = values['all-sites'] ? await store.reads.sites() : sites;
    print(
      `cjm restage: ${dbPath}, ${list.length} site(s)${options.dryRun ? ', dry run (nothing written)' : ''}${options.includeUnknown ? ', including events stored before migration 0008' : ''}`,
    );
    let changed = 0;
    for (const site of list) {
      const sum = await restageSite(store, site, options, (s) => {
        if (s.chunks % 10 === 0) print(`  ${site}: ${s.visitors} visitors, ${s.changed} of ${s.events} events changed so far`);
      });
      changed += sum.changed;
      print(
        `${site}: ${sum.visitors} visitors, ${sum.events} events re-inferred, ${sum.changed} ${options.dryRun ? 'would change' : 'changed'} (${sum.chunks} chunks)`,
      );
      for (const m of sum.moves) print(`  ${m.from ?? '(none)'} → ${m.to}: ${m.events}`);
    }
    print(`done: ${changed} events ${options.dryRun ? 'would change' : 'changed'}`);
    return 0;
  } catch (err) {
    fail(`cjm restage: ${(err as Error).message} (the chunk that failed changed nothing; run again to go on)`);
    return 1;
  } finally {
    await store.close();
  }
}

if (isEntry(import.meta.url)) void main(process.argv.slice(2), process.env).then((code) => process.exit(code));
