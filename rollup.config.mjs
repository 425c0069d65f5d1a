// Builds the SDK:
// - dist/cjm.js: minified IIFE for the script tag (exposes window.cjm);
// - dist/cjm.mjs: ESM for bundlers, with .d.ts types in dist/types;
// - dist/cjm-capture.mjs (sdk/capture/tag-chunk.ts): what the script tag loads lazily, beside cjm.js: clicks, forms, JS
//   errors, site search and checkout steps of page views (the ESM build bundles it in);
// - dist/cjm-vitals.mjs: the web-vitals chunk, imported only when vitals are on (by the ESM
//   build as a split chunk, by cjm-capture.mjs from beside itself);
// - dist/cjm-survey.mjs: survey triggers and widget, self-contained, imported from beside
//   itself by cjm-capture.mjs (and the ESM build) only when the collector defines surveys.
// Also the dashboard (dist/dashboard/, dist/_headers): see collector/dashboard/build.mjs.
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import resolve from '@rollup/plugin-node-resolve';
import { fileURLToPath } from 'node:url';
import { dashboard } from './collector/dashboard/build.mjs';

// inline: 1 inlines only simple functions: a few bytes smaller everywhere (cjm.js 2,503 → 2,494 B
// gzip with the early survey calls, which it made room for).
const minify = terser({
  ecma: 2020,
  compress: { passes: 3, inline: 1, unsafe: true, unsafe_arrows: true, unsafe_methods: true, pure_getters: true, toplevel: true },
  toplevel: true,
  format: { comments: false },
});

const ts = (declarations, include = []) =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['sdk/**/*.ts', ...include],
    noEmit: false,
    declaration: declarations,
    declarationDir: declarations ? 'dist/types' : undefined,
    rootDir: '.',
    outDir: declarations ? 'dist' : undefined,
    noEmitOnError: true,
  });

/** The script tag cannot split chunks: it imports cjm-capture.mjs by URL instead. */
const captureByScriptTag = {
  name: 'capture-by-script-tag',
  resolveId(source, importer) {
    if (source === './capture/lazy' && importer?.endsWith('tracker.ts'))
      return fileURLToPath(new URL('./sdk/capture/lazy-tag.ts', import.meta.url));
  },
};
const isVitals = (id) => /[\\/]vitals(\.ts)?$/.test(id);
const isSurvey = (id) => /[\\/]survey([\\/]chunk)?(\.ts)?$/.test(id);
const isDebug = (id) => /[\\/]debug(\.ts)?$/.test(id);
const lazyPaths = (id) => (isVitals(id) ? './cjm-vitals.mjs' : isSurvey(id) ? './cjm-survey.mjs' : isDebug(id) ? './cjm-debug.mjs' : id);

export default [
  {
    input: 'sdk/loader.ts',
    // No "use strict" prologue: the code is strict-safe either way, and it costs bytes.
    output: { file: 'dist/cjm.js', format: 'iife', strict: false, plugins: [minify] },
    plugins: [captureByScriptTag, resolve(), ts(false)],
  },
  {
    input: 'sdk/capture/tag-chunk.ts',
    // Its web-vitals import stays a dynamic import of the ESM build's cjm-vitals.mjs beside it.
    external: (id) => isVitals(id) || isSurvey(id) || isDebug(id),
    output: { file: 'dist/cjm-capture.mjs', format: 'es', paths: lazyPaths, plugins: [minify] },
    plugins: [resolve(), ts(false)],
  },
  {
    input: 'sdk/survey/chunk.ts',
    output: { file: 'dist/cjm-survey.mjs', format: 'es', plugins: [minify] },
    // It shares the collector's page signals, stage mapping and channel table (one definition).
    plugins: [resolve(), ts(false, ['collector/journey/**/*.ts'])],
  },
  {
    input: 'sdk/index.ts',
    // The survey chunk is the standalone cjm-survey.mjs above, not a split chunk.
    external: isSurvey,
    output: { dir: 'dist', paths: lazyPaths, entryFileNames: 'cjm.mjs', chunkFileNames: 'cjm-[name].mjs', format: 'es', plugins: [minify] },
    plugins: [resolve(), ts(true)],
  },
  dashboard,
];
