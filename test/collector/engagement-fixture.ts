// Engaged time and scroll depth (docs/report.md "Engagement"), runtime-neutral so the Node test
// (SQLite) and the workerd one (D1) post the same visits and check the same hand-computed figures.
import { expect } from 'vitest';
import type { EngagementReport } from '../../collector/report/engagement';
import { UA } from './fixtures';

const MIN = 60_000;

/**
 * Three visits an hour before `now`: v1 lands on /a (awareness: 10 s, scroll 80 %) then /b
 * (consideration: 30 s, 50 %); v2 lands on /a (2 s, 20 %); v3 comes from campaign `spring`, lands
 * on /b (60 s, 100 %).
 */
export function engagementPosts(now: number): { body: Record<string, unknown>; headers: Record<string, string> }[] {
  let n = 0;
  const t0 = now - 60 * MIN;
  const view = (visitor: string, session: string, at: number, path: string, stage: string, ms: number, scroll: number, query = '') => {
    const url = `https://shop.example${path}${query}`;
    return [
      { id: `en${++n}`, type: 'pageview', name: path, ts: t0 + at * MIN, visitor, session, url, stage },
      {
        id: `en${++n}`,
        type: 'engagement',
        name: 'engagement',
        ts: t0 + at * MIN + ms,
        visitor,
        session,
        url,
        stage,
        props: { engaged_ms: ms, scroll },
      },
    ];
  };
  const post = (events: unknown[]) => ({
    body: { site: 'shop', sent: now, events },
    headers: { 'content-type': 'text/plain', 'user-agent': UA.chrome },
  });
  return [
    post([...view('v1', 's1', 0, '/a', 'awareness', 10_000, 80), ...view('v1', 's1', 1, '/b', 'consideration', 30_000, 50)]),
    post(view('v2', 's2', 5, '/a', 'awareness', 2_000, 20)),
    post(view('v3', 's3', 10, '/b', 'consideration', 60_000, 100, '?utm_source=news&utm_medium=email&utm_campaign=spring')),
  ];
}

/** Checks the figures of the period holding the three visits, all of them and with `campaign=spring`. */
export async function checkEngagement(
  get: (query: string) => Promise<EngagementReport>,
  csv: (query: string) => Promise<string>,
): Promise<void> {
  const r = await get('');
  expect(r.stages.map((s) => [s.stage, s.views, s.engagedMs, s.meanEngagedMs, s.meanScroll, s.deepScrollShare])).toEqual([
    ['awareness', 2, 12_000, 6_000, 50, 0.5], // /a twice: 10 s at 80 %, 2 s at 20 %
    ['consideration', 2, 90_000, 45_000, 75, 0.5], // /b: 30 s at 50 %, 60 s at 100 %
  ]);
  expect(r.landing.map((l) => [l.landing, l.visits, l.engagedMs, l.meanEngagedMs, l.scrollViews, l.meanScroll, l.deepScrollShare])).toEqual(
    [
      ['/a', 2, 42_000, 21_000, 2, 50, 0.5], // v1's visit 40 s in all, v2's 2 s; /a itself scrolled 80 and 20
      ['/b', 1, 60_000, 60_000, 1, 100, 1],
    ],
  );
  const spring = await get('&campaign=spring');
  expect([spring.stages.map((s) => [s.stage, s.views]), spring.landing.map((l) => [l.landing, l.visits])]).toEqual([
    [['consideration', 1]],
    [['/b', 1]],
  ]);
  expect(await csv('&table=landing')).toBe(
    'landing,visits,engagedMs,meanEngagedMs,scrollViews,meanScroll,deepScrollShare\r\n/a,2,42000,21000,2,50,0.5\r\n/b,1,60000,60000,1,100,1\r\n',
  );
  expect((await csv('')).split('\r\n')[1]).toBe('awareness,2,12000,6000,50,0.5');
}
