// `npm start` as a new user meets it: the real start command (scripts/start.mjs, what the
// package's start script runs) spawned as a process. A second start listens within 3 s (no
// rebuild of an up-to-date dist/), and every mistake — a bad variable, a busy port, a database
// path that is a folder, a too-old Node — stops it within 3 s with a message naming what to change.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_INPUTS, BUILD_OUTPUTS, staleBuild } from '../../collector/node/build-state';
import { startOptionsFromEnv } from '../../collector/node/env-options';
import { nodeProblem } from '../../scripts/node-version.mjs';
import { tempDir } from './helpers';

const ROOT = join(import.meta.dirname, '..', '..');
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

interface Run {
  out: string;
  code: number | null;
  /** ms from spawn to the "listening" line (undefined if it never came). */
  listeningAfter?: number;
  url?: string;
  stop(): Promise<number | null>;
}

/** Spawns the start command with `env` and waits until it listens or exits. */
function start(env: Record<string, string>, node = process.execPath, timeoutMs = 120_000): Promise<Run> {
  const started = Date.now();
  const child = spawn(node, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: { ...process.env, CJM_ADMIN_TOKEN: '', CJM_SITES: '', CJM_DB: join(tmp.dir, 'data', 'cjm.db'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = {
    out: '',
    code: null,
    stop: () =>
      new Promise((ok) => {
        if (child.exitCode !== null) return ok(child.exitCode);
        child.once('exit', ok);
        child.kill('SIGTERM');
      }),
  };
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), fail(new Error(`no answer in ${timeoutMs} ms: ${run.out}`))), timeoutMs);
    const read = (d: Buffer) => {
      run.out += d;
      const m = /listening on (http:\/\/\S+)/.exec(run.out);
      if (m && run.listeningAfter === undefined) {
        run.listeningAfter = Date.now() - started;
        run.url = m[1];
        clearTimeout(timer);
        ok(run);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      run.code = code;
      clearTimeout(timer);
      ok(run);
    });
  });
}

const elapsed = async (f: () => Promise<Run>) => {
  const t = Date.now();
  const run = await f();
  return { run, ms: Date.now() - t };
};

describe('npm start', () => {
  it('is the checked start script', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe('node scripts/start.mjs');
  });

  it('a second start does not rebuild and answers /health within 3 s', async () => {
    const first = await start({ PORT: '0' }); // builds only if dist/ is missing or stale
    expect(first.url, first.out).toBeDefined();
    expect(await first.stop()).toBe(0);
    const second = await start({ PORT: '0' });
    try {
      expect(second.out).not.toContain('building');
      expect(second.listeningAfter, second.out).toBeLessThan(3000);
      expect(await (await fetch(`${second.url}/health`)).json()).toMatchObject({ ok: true });
    } finally {
      expect(await second.stop()).toBe(0);
    }
    console.log(`second npm start listening after ${second.listeningAfter} ms`);
  }, 180_000);

  it.each([
    ['CJM_TARGETS', 'bad', /CJM_TARGETS is not JSON/],
    ['CJM_RATE_LIMIT', 'lots', /CJM_RATE_LIMIT must look like 600\/min/],
    ['CJM_ORIGINS', 'shop=shop.example', /CJM_ORIGINS: "shop.example" \(site shop\) is not an origin/],
    ['CJM_RETENTION_DAYS', 'a year', /CJM_RETENTION_DAYS must be a whole number/],
    ['CJM_TRUST_PROXY', 'maybe', /CJM_TRUST_PROXY must be 1 or 0/],
    ['CJM_ADMIN_TOKEN', 'short', /CJM_ADMIN_TOKEN must be at least 16 characters/],
    ['CJM_STAGES', 'a,b,a', /CJM_STAGES names a stage twice/],
    ['PORT', 'http', /PORT must be a number from 0 to 65535/],
  ])('%s=%s fails within 3 s naming the variable, before any build', async (name, value, message) => {
    const { run, ms } = await elapsed(() => start({ [name]: value }));
    expect(run.code).toBe(1);
    expect(run.out).toMatch(message);
    expect(run.out).not.toContain('building');
    expect(ms).toBeLessThan(3000);
    expect(existsSync(join(tmp.dir, 'data')), 'nothing written').toBe(false);
  });

  it('a busy port fails within 3 s and says to set PORT', async () => {
    const busy: Server = createServer();
    await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok));
    const port = (busy.address() as AddressInfo).port;
    try {
      const { run, ms } = await elapsed(() => start({ PORT: String(port) }));
      expect(run.code).toBe(1);
      expect(run.out).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(run.out).toMatch(/PORT=\d+ npm start/);
      expect(ms).toBeLessThan(3000);
    } finally {
      busy.close();
    }
  });

  it('CJM_DB pointing at a folder fails naming it, and writes nothing next to it', async () => {
    const folder = join(tmp.dir, 'db-folder');
    mkdirSync(folder);
    const run = await start({ PORT: '0', CJM_DB: folder });
    expect(run.code).toBe(1);
    expect(run.out).toContain(`CJM_DB ${folder}: is a folder; give the database file inside it, e.g. CJM_DB=${join(folder, 'cjm.db')}`);
    expect(existsSync(join(tmp.dir, 'admin-token'))).toBe(false);
    expect(existsSync(join(folder, 'admin-token'))).toBe(false);
  });

  it('CJM_DB below a file fails naming the path and the cause', async () => {
    writeFileSync(join(tmp.dir, 'plain'), 'x');
    const run = await start({ PORT: '0', CJM_DB: join(tmp.dir, 'plain', 'cjm.db') });
    expect(run.code).toBe(1);
    expect(run.out).toContain(`CJM_DB ${join(tmp.dir, 'plain', 'cjm.db')}: cannot create its folder ${join(tmp.dir, 'plain')}`);
  });

  it('warns about an unknown CJM_* variable with the name it probably meant', () => {
    const { warnings } = startOptionsFromEnv({ CJM_SITE: 'shop', CJM_URL: 'http://x' });
    expect(warnings).toEqual([expect.stringMatching(/^CJM_SITE is not a variable the collector reads \(did you mean CJM_SITES\?\)/)]);
  });
});

describe('the Node version check', () => {
  it('says how to get Node 24 in one line', () => {
    expect(nodeProblem('24.1.0')).toBeNull();
    expect(nodeProblem('22.13.0')).toBeNull();
    expect(nodeProblem('23.4.0')).toBeNull();
    expect(nodeProblem('22.12.0')).toMatch(/needs Node 22\.13 or newer/);
    expect(nodeProblem('v20.20.2')).toContain('npm install -g --prefix "$HOME/.node24" node@24 && export PATH="$HOME/.node24/bin:$PATH"');
  });

  // The machine's system Node (Debian's, 20.x here) runs the real start command.
  const system = ['/usr/bin/node', '/bin/node'].find((p) => existsSync(p));
  const systemMajor = system ? Number(spawnSync(system, ['-p', 'process.versions.node.split(".")[0]']).stdout.toString()) : 0;
  it.runIf(systemMajor > 0 && systemMajor < 22)('an old Node on PATH gets the sentence, not a stack trace', async () => {
    const run = await start({ PORT: '0' }, system);
    expect(run.code).toBe(1);
    expect(run.out).toContain('this needs Node 22.13 or newer (for node:sqlite); this is Node');
    expect(run.out).toContain('npm install -g --prefix "$HOME/.node24" node@24');
    expect(run.out).not.toMatch(/\n\s+at /);
  });
});

describe('staleBuild', () => {
  it('asks for a build when an output is missing or a source is newer', () => {
    const root = tmp.dir;
    const put = (file: string, seconds: number) => {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), '');
      utimesSync(join(root, file), seconds, seconds);
    };
    for (const f of ['sdk/tracker.ts', 'collector/dashboard/main.ts', 'rollup.config.mjs']) put(f, 1000);
    expect(staleBuild(root)).toBe('dist/cjm.js is missing');
    for (const f of BUILD_OUTPUTS) put(f, 2000);
    expect(staleBuild(root)).toBeNull();
    put('sdk/tracker.ts', 3000);
    expect(staleBuild(root)).toBe('sdk/tracker.ts changed after dist/cjm.js was built');
    expect(BUILD_INPUTS).toContain('sdk');
  });
});
