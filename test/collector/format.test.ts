// One formatter for the tree: Prettier with .prettierrc.json (code, styles, configs; docs and
// migrations are kept as written, see .prettierignore). `npm run format` fixes what this finds.
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';

it('every file is formatted as Prettier formats it (npm run format)', () => {
  let unformatted = '';
  try {
    execFileSync(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--list-different', '.'], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    unformatted = e.stdout || e.stderr || String(err);
  }
  expect(unformatted, 'run `npm run format`').toBe('');
}, 60_000);
