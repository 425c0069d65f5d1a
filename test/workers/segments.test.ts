// Two segments side by side through the real Worker in workerd on D1: the Node test's figures
// (test/collector/segments-fixture.ts) for the attribution scenario.
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { attributionFixture } from '../collector/attribution-fixture';
import { checkSegments } from '../collector/segments-fixture';

describe('Worker: segments on D1', () => {
  it('answers the figures Node/SQLite answers', async () => {
    const now = Date.now();
    const fx = attributionFixture(now);
    for (const p of fx.posts)
      expect(
        (await exports.default.fetch('http://cjm.test/collect', { method: 'POST', body: JSON.stringify(p.body), headers: p.headers }))
          .status,
      ).toBe(202);
    await checkSegments((q) => {
      const csv = q.endsWith('&csv');
      return exports.default.fetch(
        `http://cjm.test/api/sites/shop/segments${csv ? '.csv' : ''}?from=${fx.from}&to=${now}${csv ? q.slice(0, -4) : q}`,
        { headers: { Authorization: `Bearer ${env.CJM_ADMIN_TOKEN}` } },
      );
    });
  });
});
