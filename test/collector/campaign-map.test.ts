// Campaign context on the journey map (docs/report.md "Journey map", "Filters"): source, medium,
// campaign, content and term as filters of the journey report, and each touchpoint's top
// campaign, computed by hand for the attribution scenario's four people (attribution-fixture.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignReport } from '../../collector/report/campaigns';
import type { Store } from '../../collector/store/types';
import { attributionFixture } from './attribution-fixture';
import { NOW, tempStore, testApp, TOKEN } from './helpers';
import { checkCampaignMap, journeyOf } from './campaign-map-fixture';

let store: Store;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];
const fx = attributionFixture(NOW);
const auth = { authorization: `Bearer ${TOKEN}` };

const get = (path: string) => app.request(path, { headers: auth });
const journey = (params = '') => journeyOf(get, `/api/sites/shop/journey?from=${fx.from}&to=${fx.to}${params}`);

beforeAll(async () => {
  ({ store, cleanup } = tempStore());
  ({ app } = testApp(store));
  for (const p of fx.posts) {
    const res = await app.request('/collect', { method: 'POST', body: JSON.stringify(p.body), headers: p.headers });
    expect(res.status, await res.clone().text()).toBe(202);
  }
});
afterAll(() => cleanup());

describe('campaign filters and top campaigns', () => {
  it('answers the hand-computed figures', async () => {
    await checkCampaignMap(journey);
  });

  it('lists the campaign values of the period for the filter menus', async () => {
    const r = await journey();
    expect(r.dimensions.campaigns).toEqual(['autumn', 'spring']);
    expect(r.dimensions.sources).toEqual(['(direct)', 'facebook', 'google.com', 'newsletter', 'twitter']);
    expect(r.dimensions.mediums).toEqual(['(none)', 'cpc', 'email', 'organic', 'social']);
  });

  it('a value nobody has gives an empty map, not an error; bound values stay data', async () => {
    for (const v of ["x' OR 1=1 --", '<script>alert(1)</script>']) {
      const r = await journey(`&campaign=${encodeURIComponent(v)}`);
      expect([r.totals.visitors, r.totals.sessions, r.stages.every((s) => s.touchpoints.length === 0)]).toEqual([0, 0, true]);
    }
  });

  it('refuses an over-long value with a 400 naming the field', async () => {
    const res = await get(`/api/sites/shop/journey?term=${'x'.repeat(301)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('term');
  });

  it('the touchpoints CSV carries the top campaign and its share', async () => {
    const text = await (await get(`/api/sites/shop/journey.csv?from=${fx.from}&to=${fx.to}&table=touchpoints`)).text();
    expect(text.split('\r\n')[0]).toBe(
      'stage,touchpoint,events,sessions,channels,topCampaign,topCampaignVisitors,topCampaignVisits,topCampaignShare',
    );
    expect(text).toMatch(/,\/products\/a,\d+,\d+,[^\r\n]*,autumn,1,1,0\.3333\r\n/);
  });

  it('the campaigns table and the custom events take the same filters; attribution and people refuse them', async () => {
    const c = (await (await get(`/api/sites/shop/campaigns?from=${fx.from}&by=source&medium=email`)).json()) as CampaignReport;
    expect(c.rows.map((r) => [r.name, r.visits])).toEqual([['newsletter', 2]]);
    const events = await get(`/api/sites/shop/custom-events/newsletter_signup?from=${fx.from}&campaign=spring`);
    expect(events.status).toBe(200);
    for (const path of ['attribution', 'people']) {
      const res = await get(`/api/sites/shop/${path}?campaign=autumn`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('campaign');
    }
  });
});
