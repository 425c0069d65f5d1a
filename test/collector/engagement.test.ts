// Engaged time and scroll depth per stage and landing page (docs/report.md "Engagement") on
// SQLite, posted through /collect; the same checks run on D1 in test/workers/engagement.test.ts.
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngagementReport } from '../../collector/report/engagement';
import type { Store } from '../../collector/store/types';
import { checkEngagement, engagementPosts } from './engagement-fixture';
import { NOW, tempStore, testApp, TOKEN } from './helpers';

let store: Store;
let path: string;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];
const period = `from=${NOW - 2 * 3_600_000}&to=${NOW}`;
const get = (path: string) => app.request(path, { headers: { authorization: `Bearer ${TOKEN}` } });

beforeAll(async () => {
  ({ store, path, cleanup } = tempStore());
  ({ app } = testApp(store));
  for (const p of engagementPosts(NOW))
    expect((await app.request('/collect', { method: 'POST', body: JSON.stringify(p.body), headers: p.headers })).status).toBe(202);
});
afterAll(() => cleanup());

describe('GET /api/sites/:site/engagement', () => {
  it('answers the hand-computed figures, filtered too, and the CSV tables', async () => {
    await checkEngagement(
      async (q) => {
        const res = await get(`/api/sites/shop/engagement?${period}${q}`);
        expect(res.status, await res.clone().text()).toBe(200);
        return (await res.json()) as EngagementReport;
      },
      async (q) => (await get(`/api/sites/shop/engagement.csv?${period}${q}`)).text(),
    );
  });

  it('reads the engagement events through their partial index (migration 0015)', async () => {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const sql = `SELECT COUNT(*) FROM events WHERE site = 'shop' AND type = 'engagement' AND bot = 0 AND time >= 0 AND time < ${NOW}`;
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
      expect(plan).toContain('events_site_engagement');
    } finally {
      db.close();
    }
  });

  it('refuses what is not a parameter of it, and an unknown CSV table', async () => {
    expect((await get('/api/sites/shop/engagement?pathSteps=3')).status).toBe(400);
    const res = await get('/api/sites/shop/engagement.csv?table=people');
    expect([res.status, ((await res.json()) as { error: string }).error.startsWith('table')]).toEqual([400, true]);
  });
});
