// The report on D1 is the report on SQLite (issue 15): the seeded traffic of the Node
// report-equality test (test/collector/report-traffic.ts), posted through /collect of the same
// app on the local D1 with the same pinned clock, must answer every report URL with the very
// bytes Node's SQLite answers. workerd cannot run node:sqlite, so SQLite's answers come as their
// hashes from a fixture that the Node test checks is current
// (test/collector/report-equality-postgres.test.ts; CJM_UPDATE_FIXTURES=1 rewrites it).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../collector/app';
import { createRefusalLog } from '../../collector/limits/refusal-log';
import { openD1Store } from '../../collector/store/sqlite/d1';
import fixture from '../collector/report-equality.fixture.json' with { type: 'json' };
import { answerHashes, reportTraffic, reportUrls } from '../collector/report-traffic';

describe('report equality: D1 answers what SQLite answers for the same traffic', () => {
  it('every report URL of both sites, byte for byte', async () => {
    const token = 'd1-equality-token-0123456789abcdef';
    const app = createApp({
      store: openD1Store(env.DB),
      config: { adminToken: token },
      now: () => fixture.now,
      log: () => {},
      refusals: createRefusalLog({ print: () => {} }),
      country: (c) => c.req.header('x-country'),
    });
    for (const p of reportTraffic(fixture.seed, fixture.end)) {
      const res = await app.request('/collect', {
        method: 'POST',
        body: JSON.stringify(p.body),
        headers: { 'content-type': 'text/plain', ...p.headers },
      });
      expect(res.status, await res.clone().text()).toBe(202);
    }
    const get = async (url: string) => app.request(url, { headers: { Authorization: `Bearer ${token}` } });
    const hashes = await answerHashes(get, fixture.end);
    expect(Object.keys(hashes)).toEqual([...reportUrls(fixture.end, 'shop'), ...reportUrls(fixture.end, 'blog')]);
    const differing = Object.keys(hashes).filter((url) => hashes[url] !== (fixture.hashes as Record<string, string>)[url]);
    // On a difference, the first differing answer's start says where to look.
    const first = differing[0] ? (await (await get(differing[0])).text()).slice(0, 400) : '';
    expect(differing, first).toEqual([]);
  }, 120_000);
});
