// `npm run dev:worker` as a new user meets it, offline: the real script (scripts/worker-dev.mjs)
// with wrangler dev and workerd on a free port and a temp local D1. One line for the migrations
// (not a table per migration), no ENOTFOUND stack trace from fetching request.cf, and /health.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { tempDir } from './helpers';

const ROOT = join(import.meta.dirname, '..', '..');
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => ok(port));
    });
  });

/** The environment without the user's own request.cf settings: the script's default is tested. */
function withoutCfSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  delete env.CLOUDFLARE_CF_FETCH_ENABLED;
  delete env.CLOUDFLARE_CF_FETCH_PATH;
  delete env.NODE_ENV; // vitest's NODE_ENV=test would make miniflare skip the fetch by itself
  return env;
}

/** Runs the script until wrangler says Ready (or exits); returns its output and stops it. */
async function devWorker(port: number): Promise<{ out: string; health: unknown }> {
  // Its own process group, so stopping it stops wrangler and workerd too.
  const child = spawn(
    process.execPath,
    [
      'scripts/worker-dev.mjs',
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      '--persist-to',
      join(tmp.dir, 'state'),
      '--var',
      'CJM_ADMIN_TOKEN:0123456789abcdef0123',
    ],
    {
      cwd: ROOT,
      env: withoutCfSettings({ ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    await new Promise<void>((ok, fail) => {
      const timer = setInterval(() => out.includes('Ready on') && (clearInterval(timer), ok()), 100);
      child.once('exit', (code) => (clearInterval(timer), fail(new Error(`exited ${code}: ${out}`))));
    });
    const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    return { out, health };
  } finally {
    const exited = new Promise((ok) => child.once('exit', ok));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

it('starts quietly: one migrations line, no ENOTFOUND, then "up to date" on the next start', async () => {
  const first = await devWorker(await freePort());
  expect(first.health).toMatchObject({ ok: true });
  expect(first.out).toMatch(/^cjm: local D1: applied \d+ migrations \(0001_init\.sql, .*\)$/m);
  expect(first.out).not.toContain('┌'); // no migration tables
  expect(first.out).not.toMatch(/ENOTFOUND|Unable to fetch the `Request.cf` object/);
  const second = await devWorker(await freePort());
  expect(second.out).toContain('cjm: local D1: migrations up to date');
}, 180_000);
