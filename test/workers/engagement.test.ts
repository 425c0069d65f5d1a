// Engaged time and scroll depth through the real Worker in workerd on D1 (migration 0015's
// index): the Node test's visits and hand-computed figures (test/collector/engagement-fixture.ts).
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { EngagementReport } from '../../collector/report/engagement';
import { checkEngagement, engagementPosts } from '../collector/engagement-fixture';

const auth = { Authorization: `Bearer ${env.CJM_ADMIN_TOKEN}` };

describe('Worker: engagement on D1', () => {
  it('answers the figures Node/SQLite answers', async () => {
    const now = Date.now();
    for (const p of engagementPosts(now)) {
      const res = await exports.default.fetch('http://cjm.test/collect', {
        method: 'POST',
        body: JSON.stringify(p.body),
        headers: p.headers,
      });
      expect(res.status, await res.clone().text()).toBe(202);
    }
    const period = `from=${now - 2 * 3_600_000}&to=${now}`;
    await checkEngagement(
      async (q) => {
        const res = await exports.default.fetch(`http://cjm.test/api/sites/shop/engagement?${period}${q}`, { headers: auth });
        expect(res.status, await res.clone().text()).toBe(200);
        return (await res.json()) as EngagementReport;
      },
      async (q) => (await exports.default.fetch(`http://cjm.test/api/sites/shop/engagement.csv?${period}${q}`, { headers: auth })).text(),
    );
  });
});
