// The import graph of sdk/ and collector/ (dpdm, type imports included): no module imports
// itself through others, and the report reaches storage only through the port's types, so an
// engine (SQLite, D1, Postgres) can change without the report noticing.
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { globFiles, parseCircular, parseDependencyTree, type DependencyTree } from 'dpdm';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const rel = (id: string) => relative(ROOT, id).replaceAll('\\', '/');

let tree: DependencyTree;

beforeAll(async () => {
  const files = [...(await globFiles('sdk/**/*.ts', ROOT)), ...(await globFiles('collector/**/*.ts', ROOT))];
  tree = await parseDependencyTree(files, { context: ROOT, tsconfig: resolve(ROOT, 'tsconfig.json'), transform: false });
}, 60_000);

describe('import graph', () => {
  it('has no circles in sdk/ and collector/ (static imports, type-only ones included)', () => {
    const circles = parseCircular(tree, true).map((c) => c.map(rel).join(' -> '));
    expect(circles).toEqual([]);
  });

  it('has no circles through dynamic imports either', () => {
    expect(parseCircular(tree, false).map((c) => c.map(rel).join(' -> '))).toEqual([]);
  });

  it('lets collector/report/ reach storage only through the port types (store/types.ts, store/reads.ts)', () => {
    const allowed = new Set(['collector/store/types.ts', 'collector/store/reads.ts']);
    const bad: string[] = [];
    for (const [file, deps] of Object.entries(tree)) {
      const from = rel(file);
      if (!from.startsWith('collector/report/') || !deps) continue;
      for (const d of deps) {
        const to = d.id ? rel(d.id) : d.request;
        if (to.startsWith('collector/store/') && !allowed.has(to)) bad.push(`${from} imports ${to}`);
      }
      // Only types cross: every import from the store is `import type` (or `export type`).
      for (const line of readFileSync(file, 'utf8').split('\n'))
        if (/^(import|export)\b(?!\s+type\b).*from '\.\.\/store\//.test(line)) bad.push(`${from}: ${line.trim()}`);
    }
    expect(bad).toEqual([]);
  });

  it('keeps SQL and table names out of collector/report/', () => {
    const bad: string[] = [];
    for (const file of Object.keys(tree)) {
      const from = rel(file);
      if (!from.startsWith('collector/report/')) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\b(SELECT|INDEXED BY|json_each|json_extract|group_concat|store\.all)\b/g))
        bad.push(`${from}: ${m[0]}`);
    }
    expect(bad).toEqual([]);
  });
});
