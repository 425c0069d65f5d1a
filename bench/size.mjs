// Prints the size of the script-tag build, the figure every SDK change is judged by: dist/cjm.js
// (loaded by every visitor, eagerly; its budget), then cjm-capture.mjs, which it loads lazily right
// after (clicks, forms, errors, search, checkout steps), and their sum; then cjm-survey.mjs, which
// capture loads only when the collector defines surveys for the site. cjm-vitals.mjs loads only
// with data-vitals and is left out. Other files given as arguments are measured instead.
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const BUDGET_GZIP = 2500;
const args = process.argv.slice(2);
const sizes = (file) => {
  const raw = readFileSync(file);
  const gzip = gzipSync(raw, { level: 9 }).length;
  const brotli = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { raw: raw.length, gzip, brotli };
};
const line = (name, s) => console.log(`${name}: ${s.raw} B raw, ${s.gzip} B gzip -9, ${s.brotli} B brotli`);

const measured = {};
for (const file of args.length ? args : ['dist/cjm.js', 'dist/cjm-capture.mjs', 'dist/cjm.mjs', 'dist/cjm-survey.mjs'])
  line(file, (measured[file] = sizes(file)));
const eager = measured['dist/cjm.js'];
const lazy = measured['dist/cjm-capture.mjs'];
if (eager && lazy)
  line('script tag, eager + lazy (cjm.js + cjm-capture.mjs)', {
    raw: eager.raw + lazy.raw,
    gzip: eager.gzip + lazy.gzip,
    brotli: eager.brotli + lazy.brotli,
  });
if (eager && eager.gzip > BUDGET_GZIP) {
  console.error(`over budget: dist/cjm.js ${eager.gzip} B gzip > ${BUDGET_GZIP} B`);
  process.exitCode = 1;
}
