// Assembles the Worker's static assets (wrangler.jsonc `assets.directory`): the SDK build from
// dist/ at the root (/cjm.js, /cjm.mjs, /cjm-capture.mjs, /cjm-vitals.mjs), examples/ under /demo/, the dashboard
// (dist/dashboard/ at / and /dashboard/), and a _headers file that lets other origins load the
// SDK and gives the dashboard its CSP. Wrangler runs it before `dev` and
// `deploy` (the `build` block); the workers tests and the bench import assembleAssets().
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The default output folder, as named in wrangler.jsonc. */
export const ASSETS_DIR = join(ROOT, '.wrangler', 'assets');

// Same policy as collector/node/static.ts: CORP for <script>, CORS for type="module", an hour
// of browser cache.
const HEADERS = `/cjm*
  Cache-Control: public, max-age=3600
  Cross-Origin-Resource-Policy: cross-origin
  Access-Control-Allow-Origin: *
`;

/**
 * Rebuilds `out` from dist/ and examples/; runs `npm run build` first when dist/cjm.js is
 * missing. Returns the files copied from dist/.
 * @example assembleAssets() // → ['cjm-capture.mjs', 'cjm-vitals.mjs', 'cjm.js', 'cjm.mjs']
 */
export function assembleAssets({ root = ROOT, out = ASSETS_DIR } = {}) {
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'cjm.js'))) {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const sdk = readdirSync(dist)
    .filter((f) => /^cjm[A-Za-z0-9_.-]*\.m?js$/.test(f))
    .sort();
  for (const f of sdk) cpSync(join(dist, f), join(out, f));
  const examples = join(root, 'examples');
  if (existsSync(examples)) cpSync(examples, join(out, 'demo'), { recursive: true });
  // The dashboard: its page at / and its files under /dashboard/, with the security headers
  // the build wrote to dist/_headers.
  const dashboard = join(dist, 'dashboard');
  let headers = HEADERS;
  if (existsSync(join(dashboard, 'index.html'))) {
    cpSync(dashboard, join(out, 'dashboard'), { recursive: true });
    cpSync(join(dashboard, 'index.html'), join(out, 'index.html'));
    if (existsSync(join(dist, '_headers'))) headers += readFileSync(join(dist, '_headers'), 'utf8');
  }
  writeFileSync(join(out, '_headers'), headers);
  return sdk;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = assembleAssets();
  console.log(`cjm: worker assets in ${ASSETS_DIR}: ${files.join(', ')}${existsSync(join(ROOT, 'examples')) ? ', demo/' : ''}`);
}
