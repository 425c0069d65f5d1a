// The figures that read right (issue 13) through the real Worker in workerd on D1: the same
// people script as the Node test (test/collector/figures-fixture.ts) must give the same reach,
// entry, completion, current stages, funnel by visits and by people, and currencies.
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { JourneyReport } from '../../collector/report/types';
import { FIGURES_EXPECTED as X, figuresEvents, PEOPLE } from '../collector/figures-fixture';

const auth = { Authorization: `Bearer ${env.CJM_ADMIN_TOKEN}` };
const DAY = 86_400_000;

describe('Worker: figures that read right on D1', () => {
  it('answers what Node/SQLite answers for the people script', async () => {
    // Two days back from the real clock (the Worker's clock is not pinned; /collect takes 30 days); its own site.
    const d = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
    const events = figuresEvents(d);
    for (const who of PEOPLE) {
      const res = await exports.default.fetch('http://cjm.test/collect', {
        method: 'POST',
        body: JSON.stringify({ site: 'figures', events: events.filter((e) => e.visitor === who) }),
        headers: { 'content-type': 'text/plain' },
      });
      expect(res.status, await res.clone().text()).toBe(202);
    }
    const get = async (q = '') => {
      const res = await exports.default.fetch(`http://cjm.test/api/sites/figures/journey?from=${d}&to=${d + DAY}${q}`, { headers: auth });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as JourneyReport;
    };
    const r = await get();
    expect(r.totals.visitors).toBe(X.people);
    expect(r.stages.map((s) => s.visitors)).toEqual(X.visitors);
    expect(r.stages.map((s) => s.reachedOrLater)).toEqual(X.reachedOrLater);
    expect(r.stages.map((s) => s.entered)).toEqual(X.entered);
    expect(r.stages.map((s) => s.completionMeans)).toEqual(X.completionMeans);
    expect(r.stages.map((s) => s.completed)).toEqual(X.completed);
    for (const s of r.stages) expect(s.reach!).toBeLessThanOrEqual(1);
    expect(r.currentStages.map((c) => c.visitors)).toEqual(X.currentStages);
    expect(r.funnel.steps.map((s) => [s.step, s.reached, s.withStep, s.lost])).toEqual(X.funnelByVisits);
    expect(r.funnel.revenueByCurrency).toEqual(X.revenueByCurrency);
    expect(r.currency).toBeNull();
    const people = await get('&funnelBy=people');
    expect(people.funnel.steps.map((s) => [s.step, s.reached, s.withStep, s.lost])).toEqual(X.funnelByPeople);
    expect((await get('&channel=email')).currency).toBe('USD');
  });
});
