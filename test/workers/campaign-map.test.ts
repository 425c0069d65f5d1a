// Campaign filters and top campaigns through the real Worker in workerd on D1: the Node test's
// figures (test/collector/campaign-map-fixture.ts) for the attribution scenario.
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { attributionFixture } from '../collector/attribution-fixture';
import { checkCampaignMap, journeyOf } from '../collector/campaign-map-fixture';

const auth = { Authorization: `Bearer ${env.CJM_ADMIN_TOKEN}` };

describe('Worker: campaign filters and top campaigns on D1', () => {
  it('answers the figures Node/SQLite answers', async () => {
    const now = Date.now();
    const fx = attributionFixture(now);
    for (const p of fx.posts) {
      const res = await exports.default.fetch('http://cjm.test/collect', {
        method: 'POST',
        body: JSON.stringify(p.body),
        headers: p.headers,
      });
      expect(res.status, await res.clone().text()).toBe(202);
    }
    const get = (path: string) => exports.default.fetch(`http://cjm.test${path}`, { headers: auth });
    await checkCampaignMap((params = '') => journeyOf(get, `/api/sites/shop/journey?from=${fx.from}&to=${now}${params}`));
  });
});
