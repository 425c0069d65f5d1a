// Attribution and people through the real Worker in workerd on D1: the Node tests' scenario
// (test/collector/attribution-fixture.ts), posted to /collect, must give the same figures.
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { AttributionReport } from '../../collector/report/attribution';
import type { CampaignReport } from '../../collector/report/campaigns';
import type { PeopleReport, PersonTimeline } from '../../collector/report/people';
import { attributionFixture, checkPurchases, credits } from '../collector/attribution-fixture';

const auth = { Authorization: `Bearer ${env.CJM_ADMIN_TOKEN}` };

describe('Worker: GET /api/sites/:site/attribution on D1', () => {
  it('answers the figures Node/SQLite answers', async () => {
    const fx = attributionFixture(Date.now());
    for (const p of fx.posts) {
      const res = await exports.default.fetch('http://cjm.test/collect', {
        method: 'POST',
        body: JSON.stringify(p.body),
        headers: p.headers,
      });
      expect(res.status, await res.clone().text()).toBe(202);
    }
    const get = async (q = '') => {
      const res = await exports.default.fetch(`http://cjm.test/api/sites/shop/attribution?from=${fx.from}&to=${Date.now() + 1000}${q}`, {
        headers: auth,
      });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as AttributionReport;
    };
    checkPurchases(await get());
    expect(credits((await get('&goal=newsletter_signup')).byChannel, 'lastTouch')).toEqual({ email: [1, 0] });
    const campaigns = await exports.default.fetch(`http://cjm.test/api/sites/shop/campaigns?from=${fx.from}`, { headers: auth });
    expect(
      ((await campaigns.json()) as CampaignReport).rows.map((r) => [r.name, r.visits, r.bounces, r.reachedDecision, r.purchases]),
    ).toEqual([
      ['(direct) / (none) / (not set)', 2, 0, 2, 2],
      ['newsletter / email / autumn', 2, 1, 0, 0],
      ['facebook / cpc / spring', 1, 0, 1, 0],
      ['google.com / organic / (not set)', 1, 0, 1, 1],
      ['twitter / social / (not set)', 1, 1, 0, 0],
    ]);
  });

  it('lists the people by current stage and shows one person’s timeline', async () => {
    const fx = attributionFixture(Date.now());
    for (const p of fx.posts)
      expect(
        (await exports.default.fetch('http://cjm.test/collect', { method: 'POST', body: JSON.stringify(p.body), headers: p.headers }))
          .status,
      ).toBe(202);
    const res = await exports.default.fetch(`http://cjm.test/api/sites/shop/people?from=${fx.from}&to=${Date.now() + 1000}`, {
      headers: auth,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const r = (await res.json()) as PeopleReport;
    expect(r.byStage.map((s) => s.people)).toEqual([0, 0, 4, 0, 0]);
    expect(r.people.map((p) => p.id)).toEqual(['p1', 'p2', 'p3', 'p4']);
    const abandoned = (await (
      await exports.default.fetch(`http://cjm.test/api/sites/shop/people?from=${fx.from}&abandoned=1`, { headers: auth })
    ).json()) as PeopleReport;
    expect(abandoned.people.map((p) => [p.id, p.abandonedAt?.step])).toEqual([['p3', 'add_to_cart']]);
    const t = (await (await exports.default.fetch('http://cjm.test/api/sites/shop/people/p1', { headers: auth })).json()) as PersonTimeline;
    expect(t.visits.map((v) => v.arrival.channel)).toEqual(['organic social', 'email', 'direct']);
  });
});
