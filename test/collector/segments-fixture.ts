// Two segments side by side (docs/report.md "Segments") on the attribution scenario
// (attribution-fixture.ts), runtime-neutral: the Node test (SQLite) and the workerd one (D1).
import { expect } from 'vitest';
import type { SegmentSummary } from '../../collector/report/segments';

type Get = (query: string) => Response | Promise<Response>;

/**
 * email: p1b (P1, /products/a, consideration) and p4a (P4, /, awareness, sign-up); direct: p1c
 * and p4b (P1 and P4 on /products/a, each buys: 100 + 30).
 */
export async function checkSegments(get: Get): Promise<void> {
  const res = await get('&a=channel:email&b=channel:direct');
  expect(res.status, await res.clone().text()).toBe(200);
  const [email, direct] = ((await res.json()) as { segments: SegmentSummary[] }).segments as [SegmentSummary, SegmentSummary];
  expect([email.label, email.visitors, email.sessions, email.purchases, email.revenue, email.conversionRate]).toEqual([
    'channel: email',
    2,
    2,
    0,
    0,
    0,
  ]);
  expect([direct.label, direct.visitors, direct.sessions, direct.purchases, direct.revenue, direct.conversionRate]).toEqual([
    'channel: direct',
    2,
    2,
    2,
    130,
    1,
  ]);
  const rows = (s: SegmentSummary) => s.stages.slice(0, 3).map((x) => [x.stage, x.reachedOrLater, x.reach, x.entered, x.completion]);
  expect(rows(email)).toEqual([
    ['awareness', 2, 1, 1, 0], // P4 (awareness, no later stage in email visits) and P1 (further)
    ['consideration', 1, 0.5, 1, 0], // P1, who bought in a direct visit, not here
    ['decision', 0, 0, 0, null],
  ]);
  expect(rows(direct)).toEqual([
    ['awareness', 2, 1, 0, null],
    ['consideration', 2, 1, 2, 1],
    ['decision', 2, 1, 0, 1], // both bought
  ]);
  const csv = await (await get('&a=channel:email&b=channel:direct&csv')).text();
  expect(csv.split('\r\n').slice(0, 5)).toEqual([
    'figure,stage,channel: email,channel: direct',
    'visitors,,2,2',
    'sessions,,2,2',
    'purchases,,0,2',
    'revenue,,0,130',
  ]);
  // Bad segments: 400 naming the parameter.
  for (const [q, name] of [
    ['&a=channel:email', 'b'],
    ['&a=chanel:email&b=channel:direct', 'a'],
    ['&a=channel:email&b=channel:', 'b'],
  ] as const) {
    const bad = await get(q);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error.startsWith(`${name}:`)).toBe(true);
  }
}
