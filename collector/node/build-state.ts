// Node-only: is the SDK and dashboard build (dist/) missing or older than its sources? `npm start`
// rebuilds only then, so a second start listens in about a second instead of after a full build.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What `npm run build` writes; a missing one means the build has to run. */
export const BUILD_OUTPUTS = [
  'dist/cjm.js',
  'dist/cjm.mjs',
  'dist/cjm-capture.mjs',
  'dist/cjm-vitals.mjs',
  'dist/types/sdk/index.d.ts',
  'dist/dashboard/app.js',
  'dist/dashboard/app.css',
  'dist/dashboard/index.html',
  'dist/_headers',
];

/** What the build reads: folders (walked) and files. The dashboard also reads the report's types. */
export const BUILD_INPUTS = [
  'sdk',
  'collector/dashboard',
  'collector/report/types.ts',
  'rollup.config.mjs',
  'tsconfig.json',
  'package-lock.json',
];

/**
 * Why the build must run (a missing output, or the newest source newer than the oldest output),
 * or null when dist/ is up to date. Compares modification times: cheap, and `git pull` or an
 * edit sets them.
 * @example staleBuild('/repo') // 'sdk/tracker.ts changed after dist/cjm.js was built'
 */
export function staleBuild(root: string): string | null {
  let oldest: { file: string; ms: number } | undefined;
  for (const file of BUILD_OUTPUTS) {
    const ms = mtime(join(root, file));
    if (ms === undefined) return `${file} is missing`;
    if (!oldest || ms < oldest.ms) oldest = { file, ms };
  }
  let newest: { file: string; ms: number } | undefined;
  for (const input of BUILD_INPUTS) {
    for (const file of walk(join(root, input))) {
      const ms = mtime(file)!;
      if (!newest || ms > newest.ms) newest = { file, ms };
    }
  }
  return newest && oldest && newest.ms > oldest.ms ? `${relative(root, newest.file)} changed after ${oldest.file} was built` : null;
}

/**
 * Runs the build (rollup, in this terminal) when {@link staleBuild} says so; throws when it fails.
 * @returns whether it built
 */
export function buildIfStale(root: string, print: (line: string) => void = console.log): boolean {
  const why = staleBuild(root);
  if (!why) return false;
  print(`cjm: building the SDK and dashboard (${why}) …`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [join(root, 'node_modules', 'rollup', 'dist', 'bin', 'rollup'), '-c', '--silent'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (run.status !== 0) throw new Error('the build failed (npm run build shows why)');
  print(`cjm: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

function mtime(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function* walk(path: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') yield path;
    return; // a missing input is not a reason to build
  }
  for (const e of entries) {
    const full = join(path, e.name);
    if (e.isDirectory()) yield* walk(full);
    else if (e.isFile()) yield full;
  }
}
