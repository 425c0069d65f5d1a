// Attribution through the real Worker in workerd on D1: the Node test's scenario
// (test/collector/attribution-fixture.ts), posted to /collect, must give the same figures.
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { AttributionReport } from '../../collector/report/attribution';
import { attributionFixture, checkPurchases, credits } from '../collector/attribution-fixture';

const auth = { Authorization: `Bearer ${env.CJM_ADMIN_TOKEN}` };

describe('Worker: GET /api/sites/:site/attribution on D1', () => {
  it('answers the figures Node/SQLite answers', async () => {
    const fx = attributionFixture(Date.now());
    for (const p of fx.posts) {
      const res = await exports.default.fetch('http://cjm.test/collect', { method: 'POST', body: JSON.stringify(p.body), headers: p.headers });
      expect(res.status, await res.clone().text()).toBe(202);
    }
    const get = async (q = '') => {
      const res = await exports.default.fetch(`http://cjm.test/api/sites/shop/attribution?from=${fx.from}&to=${Date.now() + 1000}${q}`, { headers: auth });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as AttributionReport;
    };
    checkPurchases(await get());
    expect(credits((await get('&goal=newsletter_signup')).byChannel, 'lastTouch')).toEqual({ email: [1, 0] });
  });
});
