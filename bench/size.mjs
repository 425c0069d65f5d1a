// Prints the size of the script-tag build, the figure every SDK change is judged by.
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const BUDGET_GZIP = 2500;
for (const file of process.argv.slice(2).length ? process.argv.slice(2) : ['dist/cjm.js', 'dist/cjm.mjs']) {
  const raw = readFileSync(file);
  const gzip = gzipSync(raw, { level: 9 }).length;
  const brotli = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`${file}: ${raw.length} B raw, ${gzip} B gzip -9, ${brotli} B brotli`);
  if (file.endsWith('cjm.js') && gzip > BUDGET_GZIP) {
    console.error(`over budget: ${gzip} B gzip > ${BUDGET_GZIP} B`);
    process.exitCode = 1;
  }
}
