// report_sessions (migration 0007) is a shortcut: the report takes the sessions lying wholly
// within a period from it instead of grouping their rollup rows. The oracle is the report with
// the shortcut switched off — every session marked mixed (uniform = 0), so all of them go
// through the rollup rows and events as before 0007 — on realistic traffic (the benchmark's
// generator) with sessions that cross hours, change channel, device or visitor mid-way, and
// events without a session, over periods aligned and not aligned to hours, with filters.
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthBatches } from '../../bench/report-data';
import { DEFAULT_STAGES } from '../../collector/journey/stages';
import { journeyReport, type ReportQuery } from '../../collector/report/index';
import type { StoredEvent } from '../../collector/store/types';
import { tempStore } from './helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const END = Date.UTC(2026, 0, 1);
const settings = { stages: DEFAULT_STAGES, targets: [{ stage: 'decision', metric: 'conversion' as const, min: 0.05 }] };

/** Deterministic noise (an LCG), so a failure replays. */
function noise(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** The generator's traffic, with some rows changed so that sessions are mixed or straddle hours. */
function traffic(): StoredEvent[][] {
  const r = noise(7);
  const out: StoredEvent[][] = [];
  for (const rows of synthBatches({ events: 12_000, end: END, days: 4, batchRows: 2_000, seed: 3 })) {
    for (const x of rows) {
      const p = r();
      if (p < 0.02) x.channel = ['direct', 'email', null][Math.floor(r() * 3)]!;
      else if (p < 0.03) x.device = 'tablet';
      else if (p < 0.035) x.country = 'XX';
      else if (p < 0.04) x.visitor = `shared-${Math.floor(r() * 4)}`;
      else if (p < 0.045) x.session = null;
      if (r() < 0.01) x.time += Math.floor(r() * 5 * HOUR); // a late straggler: the session spans hours
    }
    out.push(rows);
  }
  return out;
}

const queries: ReportQuery[] = [
  { from: END - 4 * DAY, to: END }, // everything, aligned
  { from: END - 3 * DAY + 17 * 60_000, to: END - 9 * 60_000, pathSteps: 6 }, // not aligned
  { from: END - 2 * DAY - 30 * 60_000, to: END - DAY + 30 * 60_000, channel: 'direct', pathFrom: '/products' },
  { from: END - 2 * DAY, to: END - DAY, device: 'mobile', pathTo: '/cart', funnelBy: 'people' },
  { from: END - 3 * DAY, to: END, persona: 'bargain-hunter' },
  { from: END - 3 * DAY + 17 * 60_000, to: END - 9 * 60_000, funnelBy: 'people' },
  { from: END - 3 * DAY + 5 * 60_000, to: END - 2 * DAY, country: 'DE' },
  { from: END - DAY - 40 * 60_000, to: END - DAY + 50 * 60_000 }, // one whole hour
  { from: END - DAY - 40 * 60_000, to: END - DAY - 10 * 60_000 }, // no whole hour
];

describe('report_sessions shortcut', () => {
  let t: ReturnType<typeof tempStore>;
  const before: unknown[] = [];
  beforeAll(async () => {
    t = tempStore();
    for (const rows of traffic()) await t.store.insert(rows);
    for (const q of queries) before.push(await journeyReport(t.store, 'shop', q, settings));
  }, 120_000);
  afterAll(() => t.cleanup());

  it('holds whole, mixed and multi-hour sessions (the comparison is not vacuous)', async () => {
    const [s] = await t.store.all(
      'SELECT SUM(uniform) AS whole, SUM(1 - uniform) AS mixed, SUM(last_hour > first_hour) AS long FROM report_sessions',
    );
    expect(Number(s!.whole)).toBeGreaterThan(500);
    expect(Number(s!.mixed)).toBeGreaterThan(50);
    expect(Number(s!.long)).toBeGreaterThan(50);
    const all = before[0] as Awaited<ReturnType<typeof journeyReport>>;
    expect(all.totals.sessions).toBeGreaterThan(1000);
    expect(all.funnel.steps.length).toBeGreaterThan(2);
    expect(all.paths.sequences.length).toBeGreaterThan(5);
    // Every completion has people who completed it (referrers, returning customers, buyers).
    for (const st of all.stages) expect(st.completed, st.stage).toBeGreaterThan(0);
  });

  it('gives the very report the rollups give without it, for every period and filter', async () => {
    const db = new DatabaseSync(t.path);
    try {
      db.exec('UPDATE report_sessions SET uniform = 0');
    } finally {
      db.close();
    }
    for (const [i, q] of queries.entries()) expect(await journeyReport(t.store, 'shop', q, settings), JSON.stringify(q)).toEqual(before[i]);
  });
});
