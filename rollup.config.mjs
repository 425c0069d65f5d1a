// Builds the SDK: dist/cjm.js (minified IIFE for the script tag, exposes window.cjm) and
// dist/cjm.mjs (ESM for bundlers, with .d.ts types under dist/types).
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import resolve from '@rollup/plugin-node-resolve';

const minify = terser({
  ecma: 2020,
  compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
  mangle: { properties: false },
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

export default [
  {
    input: 'sdk/loader.ts',
    output: { file: 'dist/cjm.js', format: 'iife', plugins: [minify] },
    plugins: [resolve(), ts(false)],
  },
  {
    input: 'sdk/index.ts',
    output: { dir: 'dist', entryFileNames: 'cjm.mjs', chunkFileNames: 'cjm-[name].mjs', format: 'es', plugins: [minify] },
    plugins: [resolve(), ts(true)],
  },
];
