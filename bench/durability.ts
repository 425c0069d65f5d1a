// What CJM_DURABILITY=full costs (issue 17): the same inserts on SQLite with synchronous = NORMAL
// (the default) and FULL, on a temp file on this machine's disk. Two loads: one 20-event batch
// at a time (each its own commit, the worst case for FULL: one fsync per request), and 10
// concurrent batches (group commit: one fsync serves several requests).
// Runnable alone: `npx tsx bench/durability.ts [batches]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../collector/store/sqlite/store';
import { synthBatches } from './report-data';

async function timeInserts(durability: 'normal' | 'full', batches: number, concurrent: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cjm-durability-'));
  const store = openSqliteStore(join(dir, 'cjm.db'), { durability, readers: 0 });
  try {
    const rows = [...synthBatches({ events: batches * 20, batchRows: 20 })].flat();
    const t0 = performance.now();
    for (let i = 0; i < batches; i += concurrent) {
      const group = [];
      for (let j = i; j < Math.min(batches, i + concurrent); j++) group.push(store.insert(rows.slice(j * 20, j * 20 + 20)));
      await Promise.all(group);
    }
    return (performance.now() - t0) / batches;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Milliseconds per 20-event batch, per durability and load. */
export async function runDurabilityBench(batches = 1000) {
  const out: Record<string, { normalMs: number; fullMs: number; ratio: number }> = {};
  for (const concurrent of [1, 10]) {
    const normalMs = await timeInserts('normal', batches, concurrent);
    const fullMs = await timeInserts('full', batches, concurrent);
    out[concurrent === 1 ? 'oneAtATime' : 'tenConcurrent'] = {
      normalMs: +normalMs.toFixed(3),
      fullMs: +fullMs.toFixed(3),
      ratio: +(fullMs / normalMs).toFixed(2),
    };
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await runDurabilityBench(process.argv[2] ? Number(process.argv[2]) : undefined), null, 2));
}
