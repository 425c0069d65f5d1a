// Rollup build of the dashboard (rollup.config.mjs includes it): collector/dashboard/main.ts
// with the ECharts parts it imports → dist/dashboard/app.js, plus index.html and app.css beside
// it, and dist/_headers (Cloudflare's static-assets headers file) with the dashboard's
// security headers from security-headers.json, the same ones Node sends.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import resolve from '@rollup/plugin-node-resolve';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const read = (file) => readFileSync(here(file), 'utf8');
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** The paths the dashboard answers: the page at / and its files under /dashboard/. */
export const DASHBOARD_PATHS = ['/', '/index.html', '/dashboard/*'];

/** dist/_headers: every dashboard path with every header of security-headers.json. */
export function headersFile() {
  const headers = JSON.parse(read('security-headers.json'));
  const lines = Object.entries(headers).map(([k, v]) => `  ${k}: ${v}`);
  return `${DASHBOARD_PATHS.map((p) => `${p}\n${lines.join('\n')}\n`).join('')}`;
}

// ECharts guards its development warnings with `process.env.NODE_ENV`, which does not exist in
// a browser: fix it to "production" so terser drops those branches (what @rollup/plugin-replace
// would do, without another dependency).
const production = {
  name: 'node-env-production',
  transform(code, id) {
    if (!id.includes('node_modules') || !code.includes('process.env.NODE_ENV')) return null;
    return { code: code.replaceAll('process.env.NODE_ENV', '"production"'), map: null };
  },
};

const assets = {
  name: 'dashboard-assets',
  generateBundle() {
    for (const file of ['index.html', 'app.css']) this.emitFile({ type: 'asset', fileName: file, source: read(file) });
  },
  writeBundle() {
    mkdirSync(DIST, { recursive: true });
    writeFileSync(`${DIST}_headers`, headersFile());
  },
};

/** The rollup config of the dashboard bundle. */
export const dashboard = {
  input: 'collector/dashboard/main.ts',
  output: {
    file: 'dist/dashboard/app.js',
    format: 'iife',
    plugins: [terser({ ecma: 2020, compress: { passes: 2 }, format: { comments: false } })],
  },
  plugins: [
    production,
    resolve(),
    typescript({
      tsconfig: './tsconfig.json',
      include: ['collector/dashboard/**/*.ts', 'collector/report/types.ts', 'collector/metrics.ts', 'collector/filters.ts'],
      noEmit: false,
      declaration: false,
      noEmitOnError: true,
    }),
    assets,
  ],
};
