// Issue 14's further sections on Postgres (test/helpers/postgres.ts runs a real server): top
// campaigns and the campaign filters of the map, goals (added and removed through the API, so
// the port's goal writes too), stages over time, engaged time and scroll, two segments side by
// side and paths per person. Each scenario is posted to a SQLite store and a Postgres one through
// /collect; the hand-computed checks pass on Postgres (the campaign map's through its sections:
// the journey endpoint's existing sections are another branch's), and every section answers the
// same on both, over periods and filters. (NOW is on the hour, so the scenario's periods are
// whole hours; partial hours on Postgres wait for the existing sections' shared building blocks
// — sessionSplit's and touchpointEnds' rows from events — to speak its dialect.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STAGES } from '../../collector/journey/stages';
import { coreFacts } from '../../collector/report/core';
import { engagementReport } from '../../collector/report/engagement';
import { goalsReport } from '../../collector/report/goals';
import { overTime } from '../../collector/report/over-time';
import { personPaths } from '../../collector/report/person-paths';
import { segmentSummaries } from '../../collector/report/segments';
import { stageDetails } from '../../collector/report/stages';
import { openPostgresStore } from '../../collector/store/postgres/store';
import type { Scope } from '../../collector/store/reads';
import type { Store } from '../../collector/store/types';
import { freshDatabase } from '../helpers/postgres';
import { attributionFixture } from './attribution-fixture';
import { checkEngagement, engagementPosts } from './engagement-fixture';
import { checkGoals } from './goals-fixture';
import { NOW, tempStore, testApp, TOKEN } from './helpers';
import { checkPersonPaths } from './person-paths-fixture';
import { checkSegments } from './segments-fixture';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const stages = DEFAULT_STAGES;
const fx = attributionFixture(NOW);
const auth = { authorization: `Bearer ${TOKEN}` };

interface Side {
  store: Store;
  app: ReturnType<typeof testApp>['app'];
  close: () => Promise<void>;
}

/** A SQLite and a Postgres store, each behind its own app, with `posts` sent to both. */
async function both(posts: { body: unknown; headers: Record<string, string> }[]): Promise<[Side, Side]> {
  const sqlite = tempStore();
  const pg = await openPostgresStore(await freshDatabase(), { poolSize: 4 });
  const sides: [Side, Side] = [
    { store: sqlite.store, app: testApp(sqlite.store).app, close: sqlite.cleanup },
    { store: pg, app: testApp(pg).app, close: () => pg.close() },
  ];
  for (const { app } of sides)
    for (const p of posts) {
      const res = await app.request('/collect', { method: 'POST', body: JSON.stringify(p.body), headers: p.headers });
      expect(res.status, await res.clone().text()).toBe(202);
    }
  return sides;
}

/** Each section of a scope on one store, as the report shapes it. */
async function sections(store: Store, scope: Scope) {
  const ot = overTime(scope, stages);
  const core = coreFacts(store, scope, stages, false, ot.sink);
  const goals = [
    { goal: 'newsletter_signup', label: null, declared: 'api' as const },
    { goal: '/products/a', label: null, declared: 'api' as const },
    { goal: 'add_to_cart', label: null, declared: 'api' as const },
  ];
  const [, trend] = await Promise.all([core, ot.figures(store, core)]);
  return {
    touchpoints: [...(await stageDetails(store, scope)).touchpoints],
    overTime: trend,
    goals: await goalsReport(store, scope, stages, goals),
    personPaths: await personPaths(store, scope),
    segments: await segmentSummaries(store, scope, stages, [{ channel: 'email' }, { campaign: 'autumn', device: 'desktop' }]),
    engagement: await engagementReport(store, scope, stages),
  };
}

describe('issue 14 sections on Postgres (attribution scenario)', () => {
  let sqlite: Side;
  let pg: Side;
  beforeAll(async () => {
    [sqlite, pg] = await both(fx.posts);
  }, 60_000);
  afterAll(async () => {
    await sqlite?.close();
    await pg?.close();
  });
  const get = (path: string) => pg.app.request(path, { headers: auth });

  it('top campaigns and the campaign values of the filter menus: the hand-computed figures, as on SQLite', async () => {
    const scope: Scope = { site: 'shop', from: fx.from, to: fx.to };
    const listed = (await stageDetails(pg.store, scope)).touchpoints;
    const top = (stage: string, touchpoint: string) => listed.get(stage)!.find((t) => t.touchpoint === touchpoint)?.topCampaign;
    // As campaign-map-fixture.ts: p1b of p1b, p1c, p4b; p4a; p3a; the direct and twitter visits have none.
    expect(top('consideration', '/products/a')).toEqual({ name: 'autumn', visitors: 1, visits: 1, share: 1 / 3 });
    expect(top('awareness', '/')).toEqual({ name: 'autumn', visitors: 1, visits: 1, share: 1 });
    expect(top('decision', '/products/c')).toEqual({ name: 'spring', visitors: 1, visits: 1, share: 1 });
    expect(top('decision', '/products/a')).toBeNull();
    expect(top('awareness', '/blog/x')).toBeNull();
    const values = async (store: Store) => {
      const d = await store.reads.dimensions('shop', fx.from, fx.to);
      const list = (v: unknown[]) =>
        v
          .filter((x) => x !== null)
          .map(String)
          .sort();
      return [list(d.sources), list(d.mediums), list(d.campaigns), list(d.contents), list(d.terms)];
    };
    const [a, b] = await Promise.all([values(sqlite.store), values(pg.store)]);
    expect(b).toEqual(a);
    expect(b[2]).toEqual(['autumn', 'spring']);
  });

  it('goals added, listed, computed and removed through the API', async () => {
    await checkGoals(
      (method, path, body) =>
        pg.app.request(path, {
          method,
          headers: { ...auth, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        }),
      `from=${fx.from}&to=${fx.to}`,
    );
  });

  it('segments side by side and paths per person: the hand-computed figures', async () => {
    await checkSegments((q) => {
      const csv = q.endsWith('&csv');
      return get(`/api/sites/shop/segments${csv ? '.csv' : ''}?from=${fx.from}&to=${fx.to}${csv ? q.slice(0, -4) : q}`);
    });
    await checkPersonPaths((q) => {
      const csv = q.endsWith('&csv');
      return get(`/api/sites/shop/person-paths${csv ? '.csv' : ''}?from=${fx.from}&to=${fx.to}${csv ? q.slice(0, -4) : q}`);
    });
  });

  it.each([
    ['the scenario’s period', fx.from, fx.to, {}],
    ['whole hours only', Math.floor(fx.from / HOUR) * HOUR, Math.floor(NOW / HOUR) * HOUR, {}],
    ['120 days (weekly buckets)', NOW - 120 * DAY, NOW, {}],
    ['filtered by campaign', fx.from, fx.to, { campaign: 'autumn' }],
    ['filtered by source and medium', fx.from, fx.to, { source: 'newsletter', medium: 'email' }],
    ['filtered by channel', fx.from, fx.to, { channel: 'direct' }],
  ])('every section answers the same as on SQLite: %s', async (_, from, to, filters) => {
    const scope: Scope = { site: 'shop', from, to, ...filters };
    const [a, b] = await Promise.all([sections(sqlite.store, scope), sections(pg.store, scope)]);
    expect(b).toEqual(a);
  });
});

describe('engaged time and scroll depth on Postgres', () => {
  let sqlite: Side;
  let pg: Side;
  beforeAll(async () => {
    [sqlite, pg] = await both(engagementPosts(NOW));
  }, 60_000);
  afterAll(async () => {
    await sqlite?.close();
    await pg?.close();
  });
  const period = `from=${NOW - 2 * HOUR}&to=${NOW}`;

  it('answers the hand-computed figures, filtered too, and the CSV tables', async () => {
    const get = (path: string) => pg.app.request(path, { headers: auth });
    await checkEngagement(
      async (q) => {
        const res = await get(`/api/sites/shop/engagement?${period}${q}`);
        expect(res.status, await res.clone().text()).toBe(200);
        return res.json();
      },
      async (q) => (await get(`/api/sites/shop/engagement.csv?${period}${q}`)).text(),
    );
  });

  it.each([
    ['the visits’ period', NOW - 2 * HOUR, NOW, {}],
    ['whole hours', Math.floor(NOW / HOUR) * HOUR - 2 * HOUR, Math.floor(NOW / HOUR) * HOUR, {}],
    ['partial hours', NOW - 61 * 60_000, NOW - 30 * 60_000 + 7_000, {}],
    ['filtered by campaign', NOW - 2 * HOUR, NOW, { campaign: 'spring' }],
  ])('answers the same as on SQLite: %s', async (_, from, to, filters) => {
    const scope: Scope = { site: 'shop', from, to, ...filters };
    const [a, b] = await Promise.all([engagementReport(sqlite.store, scope, stages), engagementReport(pg.store, scope, stages)]);
    expect(b).toEqual(a);
    expect(a.stages.length + a.landing.length).toBeGreaterThan(0);
  });
});
