// The real, unmodified Plausible, Umami and Segment browser clients, as pages load them: npm
// packages bundled as they are (esbuild, no plugin, nothing rewritten) into one script each, and
// Umami's tracker read from the pinned `umami` package itself. Only their host is configured.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Umami's tracker comes from this release of the `umami` npm package (the last one published). */
export const UMAMI_VERSION = '2.10.0';

/**
 * Bundles `source` (an ES module importing npm packages) into one classic script.
 * @example await bundle("import { init } from '@plausible-analytics/tracker'; window.P = { init };")
 */
export async function bundle(source: string): Promise<string> {
  const out = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/**
 * `src/tracker/index.js` of the `umami` package at {@link UMAMI_VERSION}, the file its own
 * build turns into script.js (its rollup config only minifies it and replaces "/api/send" by
 * itself). The package is a whole Next.js app, far too heavy to install as a devDependency, so
 * `npm pack` fetches its tarball once (npm checks its integrity) into node_modules/.cache.
 */
export function umamiTracker(): string {
  const dir = join(ROOT, 'node_modules', '.cache', 'cjm-compat');
  const tgz = join(dir, `umami-${UMAMI_VERSION}.tgz`);
  if (!existsSync(tgz)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['pack', `umami@${UMAMI_VERSION}`, '--pack-destination', dir, '--silent'], { stdio: 'ignore', timeout: 120_000 });
  }
  const js = execFileSync('tar', ['-xzOf', tgz, 'package/src/tracker/index.js'], { maxBuffer: 1 << 20 }).toString();
  if (!js.includes('/api/send')) throw new Error(`umami ${UMAMI_VERSION}: src/tracker/index.js is not the tracker`);
  return js;
}

/** A file of an installed package (for version checks in test names). */
export const packageVersion = (name: string): string =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
