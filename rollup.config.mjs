// Builds the SDK:
// - dist/cjm.js: minified IIFE for the script tag (exposes window.cjm);
// - dist/cjm.mjs: ESM for bundlers, with .d.ts types in dist/types;
// - dist/cjm-vitals.mjs: the web-vitals chunk, imported only when vitals are on (by the ESM
//   build as a split chunk, by the script tag from the collector's origin).
// Also the dashboard (dist/dashboard/, dist/_headers): see collector/dashboard/build.mjs.
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import resolve from '@rollup/plugin-node-resolve';
import { fileURLToPath } from 'node:url';
import { dashboard } from './collector/dashboard/build.mjs';

const minify = terser({
  ecma: 2020,
  compress: { passes: 3, unsafe: true, unsafe_arrows: true, unsafe_methods: true, pure_getters: true, toplevel: true },
  toplevel: true,
  format: { comments: false },
});

const ts = (declarations) =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['sdk/**/*.ts'],
    noEmit: false,
    declaration: declarations,
    declarationDir: declarations ? 'dist/types' : undefined,
    rootDir: '.',
    outDir: declarations ? 'dist' : undefined,
    noEmitOnError: true,
  });

/** The script tag cannot split chunks: it imports the vitals chunk by URL instead. */
const vitalsByScriptTag = {
  name: 'vitals-by-script-tag',
  resolveId(source, importer) {
    if (source === '../capture/vitals' || (source === './capture/vitals' && importer?.endsWith('tracker.ts')))
      return fileURLToPath(new URL('./sdk/capture/vitals-tag.ts', import.meta.url));
  },
};

export default [
  {
    input: 'sdk/loader.ts',
    output: { file: 'dist/cjm.js', format: 'iife', plugins: [minify] },
    plugins: [vitalsByScriptTag, resolve(), ts(false)],
  },
  {
    input: 'sdk/index.ts',
    output: { dir: 'dist', entryFileNames: 'cjm.mjs', chunkFileNames: 'cjm-[name].mjs', format: 'es', plugins: [minify] },
    plugins: [resolve(), ts(true)],
  },
  dashboard,
];
