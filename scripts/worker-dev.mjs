// `npm run dev:worker [-- wrangler dev flags]`: builds what is stale, applies the D1 migrations to the local
// database, then runs `wrangler dev` (local workerd, offline) with every flag given. Without
// an admin token (--var CJM_ADMIN_TOKEN:…, .dev.vars, .env or $CJM_ADMIN_TOKEN) it uses one
// kept in .wrangler/admin-token, generated on first run, like `npm start` does.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// CLOUDFLARE_CF_FETCH_ENABLED=false: workerd's request.cf is a local placeholder instead of one
// fetched from workers.cloudflare.com (offline, that fetch prints an ENOTFOUND stack trace).
const env = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...process.env };
const args = process.argv.slice(2);
const wrangler = join(ROOT, 'node_modules', '.bin', 'wrangler');

/** Flags (with their value) that must reach `d1 migrations apply` too, so it migrates the database `dev` opens. */
const SHARED = new Set(['--config', '-c', '--env', '-e', '--persist-to']);
const shared = [];
for (let i = 0; i < args.length; i++) {
  const [flag] = args[i].split('=');
  if (!SHARED.has(flag)) continue;
  shared.push(args[i]);
  if (!args[i].includes('=') && i + 1 < args.length) shared.push(args[++i]);
}

/** The token given as `--var CJM_ADMIN_TOKEN:…` (or `--var=…`), if any. */
const varToken = args
  .map((a, i) => (a === '--var' ? args[i + 1] : a.startsWith('--var=') ? a.slice(6) : undefined))
  .find((v) => v?.startsWith('CJM_ADMIN_TOKEN:'))
  ?.slice('CJM_ADMIN_TOKEN:'.length);
// A short token is fine for a local try-out (`--var CJM_ADMIN_TOKEN:secret`); the Worker refuses
// one unless told this is local development, so a deployment can never run with it.
const short = varToken !== undefined && varToken.trim().length < 16;
if (short)
  console.warn('cjm: CJM_ADMIN_TOKEN is shorter than 16 characters: accepted for local development only (a deployed Worker refuses it)');
const hasToken = () =>
  varToken !== undefined ||
  ['.dev.vars', '.env'].some((f) => existsSync(join(ROOT, f)) && /^\s*CJM_ADMIN_TOKEN\s*=/m.test(readFileSync(join(ROOT, f), 'utf8')));

const extra = short ? ['--var', 'CJM_ALLOW_SHORT_TOKEN:1'] : [];
if (!hasToken()) {
  let token = process.env.CJM_ADMIN_TOKEN?.trim();
  let note = 'from CJM_ADMIN_TOKEN';
  if (!token) {
    const file = join(ROOT, '.wrangler', 'admin-token');
    if (existsSync(file)) {
      token = readFileSync(file, 'utf8').trim();
      note = `read from ${file}`;
    } else {
      token = randomBytes(24).toString('hex');
      mkdirSync(join(ROOT, '.wrangler'), { recursive: true });
      writeFileSync(file, `${token}\n`, { mode: 0o600 });
      note = `generated and saved in ${file}`;
    }
  }
  console.log(`cjm: admin token (${note}): ${token}`);
  extra.push('--var', `CJM_ADMIN_TOKEN:${token}`);
}

// Like npm start: build the SDK and dashboard only when dist/ is missing or older than its sources.
const { register } = await import('tsx/esm/api');
register();
const { buildIfStale } = await import('../collector/node/build-state.ts');
try {
  buildIfStale(ROOT);
} catch (err) {
  console.error(`cjm: ${err.message}`);
  process.exit(1);
}

// stdin is not a terminal, so wrangler applies without asking "Ok to proceed?". Its output (a
// table per migration) is kept back and summed up in one line, or shown whole if it fails.
const migrate = spawnSync(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', ...shared], {
  cwd: ROOT,
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
});
if (migrate.status !== 0) {
  process.stdout.write(migrate.stdout ?? '');
  process.stderr.write(migrate.stderr ?? '');
  console.error(`cjm: applying the D1 migrations to the local database failed (exit ${migrate.status ?? migrate.signal})`);
  process.exit(migrate.status ?? 1);
}
console.log(`cjm: local D1: ${migrationSummary(migrate.stdout ?? '')}`);

const dev = spawn(wrangler, ['dev', ...extra, ...args], { cwd: ROOT, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** "applied 2 migrations (0008_x.sql, 0009_y.sql)" or "migrations up to date", from wrangler's output. */
function migrationSummary(out) {
  const applied = [...new Set([...out.matchAll(/(\d{4}_[\w.-]+\.sql)\s*│\s*✅/g)].map((m) => m[1]))];
  return applied.length
    ? `applied ${applied.length} migration${applied.length > 1 ? 's' : ''} (${applied.join(', ')})`
    : 'migrations up to date';
}
