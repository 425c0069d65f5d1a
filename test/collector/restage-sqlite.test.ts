// Restaging on SQLite (test/collector/restage-contract.ts; test/workers/restage-d1.test.ts runs
// it on D1), and `npm run restage` spawned on a temp database.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { NOW, post, storeWithRawDb, tempDir, testApp, TOKEN } from './helpers';
import { runRestageContract, seedOldStages, type RestageRig } from './restage-contract';

const tmp = tempDir();
afterAll(tmp.cleanup);
let n = 0;

function rig(path = join(tmp.dir, `restage-${n++}.db`)): RestageRig {
  const { store, db } = storeWithRawDb(path);
  const { app } = testApp(store);
  return {
    store,
    now: NOW,
    db,
    // With the token: the script has a server-side event naming its channel.
    collect: (body, headers) => Promise.resolve(post(app, body, { ...headers, authorization: `Bearer ${TOKEN}` })),
    api: (path, init = {}, auth = true) =>
      Promise.resolve(app.request(path, { ...init, headers: auth ? { Authorization: `Bearer ${TOKEN}` } : {} })),
  };
}

runRestageContract('sqlite', async () => rig());

/** Runs the CLI as `npm run restage` does; resolves with its exit code and output. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'collector/cli/restage.ts', ...args], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, CJM_STAGES: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => ok({ code, out, err }));
  });
}

describe('npm run restage', () => {
  it('restages a database file in chunks, a dry run first, and prints what moved', async () => {
    const path = join(tmp.dir, 'cli.db');
    const r = rig(path);
    const fresh = await seedOldStages(r);
    await r.store.close();

    const dry = await cli(['--site', 'shop', '--include-unknown', '--dry-run', '--limit', '2'], { CJM_DB: path });
    expect(dry.err).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/dry run \(nothing written\)/);
    expect(dry.out).toMatch(/^shop: 5 visitors, \d+ events re-inferred, 12 would change \(3 chunks\)$/m);
    expect(dry.out).toMatch(/^ {2}retention → decision: 3$/m); // the thank-you page and its two pings
    const still = new DatabaseSync(path);
    expect(still.prepare("SELECT stage FROM events WHERE site = 'shop' AND id = 'b5'").get()).toEqual({ stage: 'retention' });
    still.close();

    const run = await cli(['--all-sites', '--include-unknown', '--limit', '2'], { CJM_DB: path });
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^shop: 5 visitors, \d+ events re-inferred, 12 changed \(3 chunks\)$/m);
    expect(run.out).toMatch(/^fresh: 5 visitors, \d+ events re-inferred, 0 changed/m);
    expect(run.out).toMatch(/^done: 12 events changed$/m);
    const db = new DatabaseSync(path);
    const got = db.prepare("SELECT id, stage FROM events WHERE site = 'shop' AND visitor IS NOT NULL ORDER BY id").all();
    db.close();
    expect(got).toEqual(
      [...fresh.values()]
        .filter((e) => e.visitor)
        .map((e) => ({ id: e.id, stage: e.stage }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    );
  }, 30_000);

  it('refuses a missing database, no site, and a bad limit', async () => {
    const missing = await cli(['--site', 'shop'], { CJM_DB: join(tmp.dir, 'nope', 'cjm.db') });
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no database at .*nope/);
    const none = await cli([], { CJM_DB: join(tmp.dir, 'cli.db') });
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/give --site <id> \(repeatable\) or --all-sites/);
    const limit = await cli(['--site', 'shop', '--limit', '0'], { CJM_DB: join(tmp.dir, 'cli.db') });
    expect(limit.code).toBe(2);
    expect(limit.err).toMatch(/--limit must be an integer/);
  }, 30_000);
});
