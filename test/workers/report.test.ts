// The journey report through the real Worker in workerd on D1: the same hand-built shop day
// as the Node test (test/collector/journey-fixture.ts), posted to /collect, must give the very
// report the Node/SQLite test checks — every figure, the CSV, and the filters.
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { JourneyReport } from '../../collector/report/types';
import { closeDiff, journeyFixture } from '../collector/journey-fixture';

const auth = { Authorization: `Bearer ${env.CJM_ADMIN_TOKEN}` };
const DAY = 86_400_000;

/** The fixture two days back from the real clock (the Worker's clock is not pinned; /collect takes 30 days). */
async function ingest() {
  const d = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
  const fx = journeyFixture(d, env.CJM_ADMIN_TOKEN);
  for (const p of fx.posts) {
    const res = await exports.default.fetch('http://cjm.test/collect', {
      method: 'POST',
      body: JSON.stringify(p.body),
      headers: { 'content-type': 'text/plain', ...p.headers },
    });
    expect(res.status, await res.clone().text()).toBe(202);
  }
  return fx;
}

const get = (path: string) => exports.default.fetch(`http://cjm.test${path}`, { headers: auth });

describe('Worker: GET /api/sites/:site/journey on D1', () => {
  it('answers exactly what Node/SQLite answers for the same events', async () => {
    const fx = await ingest();
    const res = await get(`/api/sites/shop/journey?from=${fx.query.from}&to=${fx.query.to}&minSessions=1`);
    expect(res.status, await res.clone().text()).toBe(200);
    const report = (await res.json()) as JourneyReport;
    for (const key of Object.keys(fx.expected) as (keyof JourneyReport)[]) expect(closeDiff(report[key], fx.expected[key], key)).toBeNull();
    // The rollups D1 keeps on insert are there (not only the events fallback).
    const rollups = await env.DB.prepare('SELECT COUNT(*) AS n FROM report_stages WHERE site = ?').bind('shop').first<{ n: number }>();
    expect(rollups!.n).toBeGreaterThan(0);
  });

  it('filters, the CSV and the refusals behave as on Node', async () => {
    const fx = await ingest();
    const q = `from=${fx.query.from}&to=${fx.query.to}&minSessions=1`;
    const direct = (await (await get(`/api/sites/shop/journey?${q}&channel=direct`)).json()) as JourneyReport;
    expect(direct.totals).toMatchObject({ visitors: 3, sessions: 3, pageviews: 5 });
    const evil = (await (
      await get(`/api/sites/shop/journey?${q}&channel=${encodeURIComponent("direct' OR '1'='1")}`)
    ).json()) as JourneyReport;
    expect(evil.totals.visitors).toBe(0);

    const csv = await get(`/api/sites/shop/journey.csv?${q}&table=stages`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).split('\r\n')[1]).toBe('awareness,4,4,6,1,4,0.6667,next-stage,2,0.5,0.5,0,4,2,0.5,1,,0,0.25');
    // The funnel by people, as on Node: A and C each once.
    const people = (await (await get(`/api/sites/shop/journey?${q}&funnelBy=people`)).json()) as JourneyReport;
    expect(people.funnel.steps.map((s) => [s.step, s.reached])).toEqual([
      ['view_item', 2],
      ['add_to_cart', 2],
      ['begin_checkout', 1],
      ['purchase', 1],
    ]);

    expect((await exports.default.fetch('http://cjm.test/api/sites/shop/journey')).status).toBe(401);
    expect((await get('/api/sites/shop/journey?pathSteps=99')).status).toBe(400);
  });
});
