// Size section of `npm run bench`: raw, gzip -9 and brotli (quality 11) bytes of every SDK build
// in dist/ (the script tag, the ESM build and lazily loaded chunks). `npm run size`
// (bench/size.mjs) prints the same figures for the script tag alone.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const DIST = fileURLToPath(new URL('../dist', import.meta.url));
/** Gzip budget of dist/cjm.js, the bytes every visitor downloads (the same figure as bench/size.mjs). */
export const SCRIPT_BUDGET_GZIP = 2500;

/** One file's sizes, bytes. */
export interface FileSize {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

/** What {@link runSizeBench} measured. */
export interface SizeResult {
  files: FileSize[];
  budgetGzip: number;
  /** dist/cjm.js within its gzip budget. */
  ok: boolean;
  problems: string[];
}

/**
 * Measures every `dist/*.js` and `dist/*.mjs` and prints a table.
 * @example const { files } = runSizeBench();
 */
export function runSizeBench(options: { print?: (line: string) => void } = {}): SizeResult {
  const print = options.print ?? console.log;
  const names = readdirSync(DIST)
    .filter((n) => /\.m?js$/.test(n))
    .sort((a, b) => (a === 'cjm.js' ? -1 : b === 'cjm.js' ? 1 : a.localeCompare(b)));
  const files = names.map((name): FileSize => {
    const raw = readFileSync(join(DIST, name));
    return {
      file: `dist/${name}`,
      raw: raw.length,
      gzip: gzipSync(raw, { level: 9 }).length,
      brotli: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
  const script = files.find((s) => s.file === 'dist/cjm.js');
  const problems: string[] = [];
  if (!script) problems.push('dist/cjm.js is missing: run npm run build');
  else if (script.gzip > SCRIPT_BUDGET_GZIP) problems.push(`dist/cjm.js is ${script.gzip} B gzip, over the ${SCRIPT_BUDGET_GZIP} B budget`);

  print(`SDK size (gzip -9, brotli q11; budget for dist/cjm.js ${SCRIPT_BUDGET_GZIP} B gzip)`);
  print('  file                        raw B   gzip B  brotli B');
  for (const s of files)
    print(`  ${s.file.padEnd(24)}${String(s.raw).padStart(9)}  ${String(s.gzip).padStart(7)}  ${String(s.brotli).padStart(8)}`);
  for (const p of problems) print(`  PROBLEM: ${p}`);
  return { files, budgetGzip: SCRIPT_BUDGET_GZIP, ok: problems.length === 0, problems };
}
