// Goals through the real Worker in workerd on D1 (migration 0015): added, listed with their
// figures and removed through the admin API, the Node test's hand-computed checks
// (test/collector/goals-fixture.ts) on the attribution scenario.
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { attributionFixture } from '../collector/attribution-fixture';
import { checkGoals } from '../collector/goals-fixture';

describe('Worker: goals on D1', () => {
  it('adds, lists, computes and removes goals as on SQLite', async () => {
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
    await checkGoals(
      (method, path, body) =>
        exports.default.fetch(`http://cjm.test${path}`, {
          method,
          headers: { Authorization: `Bearer ${env.CJM_ADMIN_TOKEN}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        }),
      `from=${fx.from}&to=${now}`,
    );
  });
});
