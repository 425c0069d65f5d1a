// `npm run bench adversary`: issue 16's adversarial client against the collector app on a temp
// SQLite file (in process, like test/collector/adversary.test.ts, with bigger numbers). It
// fills `sessions` sessions of one visitor with just under the session cap each, then alternates
// quiet and attacked windows of honest requests; it also times the same attack batches against
// a site with nothing stored, so the two attack costs show whether a batch's cost depends on
// what is stored. Targets: honest median under attack ≤ 2× quiet; attack on big ÷ on empty ≤ 2.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../collector/app';
import { MAX_SESSION_EVENTS } from '../collector/journey/session-cap';
import { openSqliteStore } from '../collector/store/sqlite/store';
import { attackBody, fillBodies } from './adversary';
import { BATCH_HEADERS, batchBodies } from './batch';

export interface AdversaryResult {
  shape: { sessions: number; eventsPerSession: number; attackEveryMs: number };
  fillS: number;
  honest: { quietMedianMs: number; quietP90Ms: number; loadedMedianMs: number; loadedP90Ms: number };
  attack: { onBigMedianMs: number; onEmptyMedianMs: number; sent: number };
  ratios: { loadedVsQuiet: number; bigVsEmpty: number };
  ok: boolean;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runAdversaryBench(
  o: { sessions?: number; rounds?: number; attackEveryMs?: number; print?: (l: string) => void } = {},
): Promise<AdversaryResult> {
  const print = o.print ?? console.log;
  const shape = { sessions: o.sessions ?? 20, eventsPerSession: MAX_SESSION_EVENTS - 50 };
  const attackEveryMs = o.attackEveryMs ?? 500;
  const dir = mkdtempSync(join(tmpdir(), 'cjm-adversary-'));
  const store = openSqliteStore(join(dir, 'cjm.db'));
  const now = Date.now();
  const app = createApp({
    store,
    config: { adminToken: 'a'.repeat(32), rateLimits: { client: null, site: null } },
    now: () => now,
    log: () => {},
  });
  const send = async (body: string) => {
    const t = performance.now();
    const res = await app.request('/collect', { method: 'POST', body, headers: BATCH_HEADERS });
    if (res.status !== 202) throw new Error(`/collect answered ${res.status}: ${await res.text()}`);
    return performance.now() - t;
  };
  try {
    const t0 = performance.now();
    for (const body of fillBodies('shop', now, shape)) await send(body);
    const fillS = (performance.now() - t0) / 1000;
    print(`filled ${shape.sessions} sessions × ${shape.eventsPerSession} events in ${fillS.toFixed(1)} s`);
    const honest = batchBodies('honest');
    for (let i = 0; i < 20; i++) await send(honest().body);

    const quiet: number[] = [];
    const loaded: number[] = [];
    const onBig: number[] = [];
    const onEmpty: number[] = [];
    const honestFor = async (ms: number, into: number[]) => {
      for (const end = performance.now() + ms; performance.now() < end; await sleep(20)) into.push(await send(honest().body));
    };
    for (let round = 0, n = 0; round < (o.rounds ?? 5); round++) {
      await honestFor(2000, quiet);
      let attacking = true;
      const adversary = (async () => {
        while (attacking) (onBig.push(await send(attackBody('shop', now, shape, n++))), await sleep(attackEveryMs));
      })();
      await honestFor(2000, loaded);
      attacking = false;
      await adversary;
    }
    // The same batches against a site with nothing stored.
    for (let n = 0; n < onBig.length; n++) onEmpty.push(await send(attackBody('empty', now, shape, n)));

    const r: AdversaryResult = {
      shape: { ...shape, attackEveryMs },
      fillS,
      honest: {
        quietMedianMs: quantile(quiet, 0.5),
        quietP90Ms: quantile(quiet, 0.9),
        loadedMedianMs: quantile(loaded, 0.5),
        loadedP90Ms: quantile(loaded, 0.9),
      },
      attack: { onBigMedianMs: quantile(onBig, 0.5), onEmptyMedianMs: quantile(onEmpty, 0.5), sent: onBig.length },
      ratios: { loadedVsQuiet: quantile(loaded, 0.5) / quantile(quiet, 0.5), bigVsEmpty: quantile(onBig, 0.5) / quantile(onEmpty, 0.5) },
      ok: false,
    };
    r.ok = r.ratios.loadedVsQuiet <= 2 && r.ratios.bigVsEmpty <= 2;
    print(
      `honest median ${r.honest.quietMedianMs.toFixed(1)} ms quiet, ${r.honest.loadedMedianMs.toFixed(1)} ms under attack (p90 ${r.honest.quietP90Ms.toFixed(1)} / ${r.honest.loadedP90Ms.toFixed(1)}); ` +
        `attack batch ${r.attack.onBigMedianMs.toFixed(1)} ms into the filled sessions vs ${r.attack.onEmptyMedianMs.toFixed(1)} ms into nothing`,
    );
    return r;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
