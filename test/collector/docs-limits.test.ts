// docs/limits.md and docs/privacy.md cannot drift from the code: every variable the collector
// reads is documented, every LIMITS value appears, and every stored column is described.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { NODE_VARIABLES } from '../../collector/node/env-options';
import { EVENT_COLUMNS } from '../../collector/store/sql/columns';
import { DEFAULT_RATE_LIMITS } from '../../collector/settings';
import { AMOUNT_PROPS, LIMITS } from '../../sdk/schema';

const limits = readFileSync('docs/limits.md', 'utf8');
const privacy = readFileSync('docs/privacy.md', 'utf8');

it('docs/limits.md names every CJM_* variable the collector reads (config.ts, node.ts, node/env-options.ts)', () => {
  const sources = ['collector/config.ts', 'collector/node/server.ts'].map((f) => readFileSync(f, 'utf8')).join('\n');
  const vars = [...new Set([...(sources.match(/\bCJM_[A-Z_]+\b/g) ?? []), ...NODE_VARIABLES])].sort();
  expect(vars.length).toBeGreaterThanOrEqual(9);
  for (const v of vars) expect(limits, v).toContain(`\`${v}\``);
});

it('docs/limits.md states every LIMITS value and the default rate limits', () => {
  const fmt = (n: number) => n.toLocaleString('en-US');
  expect(limits).toContain(`${LIMITS.bodyBytes / 1024} KB (${fmt(LIMITS.bodyBytes)} bytes`);
  expect(limits).toContain(`1–${LIMITS.events}`);
  expect(limits).toContain(`≤ ${LIMITS.props} keys; key 1–${LIMITS.keyLength} characters`);
  expect(limits).toContain(`string ≤ ${LIMITS.valueLength} characters`);
  expect(limits).toContain(`array of ≤ ${LIMITS.items} flat objects`);
  expect(limits).toContain(`${LIMITS.maxAgeMs / 86_400_000} days before and ${LIMITS.maxAheadMs / 60_000} minutes after`);
  expect(limits).toContain(`(±${LIMITS.amount.toExponential().replace('+', '')})`);
  expect(limits).toContain(`from −${fmt(LIMITS.quantity)} to ${fmt(LIMITS.quantity)}`);
  expect(limits).toContain(`from 0 to ${fmt(LIMITS.engagedMs)} (a day)`);
  for (const p of AMOUNT_PROPS) expect(limits).toContain(`\`${p}\``);
  expect(limits).toContain(`\`${DEFAULT_RATE_LIMITS.client!.limit}/min\``);
  expect(limits).toContain(`\`${DEFAULT_RATE_LIMITS.site!.limit}/min\``);
});

it('docs/privacy.md describes every column of events', () => {
  const table = privacy.slice(privacy.indexOf('## What is stored per event'), privacy.indexOf('## What is never stored'));
  for (const c of EVENT_COLUMNS) expect(table, c).toMatch(new RegExp('`' + c + '`'));
});
