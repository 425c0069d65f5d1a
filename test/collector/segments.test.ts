// Two segments side by side on SQLite (docs/report.md "Segments"): hand-computed figures in
// segments-fixture.ts, the same checks on D1 in test/workers/segments.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSegment } from '../../collector/report/segments';
import type { Store } from '../../collector/store/types';
import { attributionFixture } from './attribution-fixture';
import { NOW, tempStore, testApp, TOKEN } from './helpers';
import { checkSegments } from './segments-fixture';

let store: Store;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];
const fx = attributionFixture(NOW);

beforeAll(async () => {
  ({ store, cleanup } = tempStore());
  ({ app } = testApp(store));
  for (const p of fx.posts)
    expect((await app.request('/collect', { method: 'POST', body: JSON.stringify(p.body), headers: p.headers })).status).toBe(202);
});
afterAll(() => cleanup());

describe('segments', () => {
  it('reads key:value lists and says what is wrong with the others', () => {
    expect(parseSegment('channel:email,device:mobile')).toEqual({ channel: 'email', device: 'mobile' });
    expect(parseSegment('campaign:a:b')).toEqual({ campaign: 'a:b' });
    expect(parseSegment('')).toMatch(/empty/);
    expect(parseSegment('channel:x,channel:y')).toMatch(/twice/);
    expect(parseSegment('pathFrom:/x')).toMatch(/not key:value/);
  });

  it('gives two journey summaries side by side, and their CSV', async () => {
    await checkSegments((q) => {
      const csv = q.endsWith('&csv');
      return app.request(`/api/sites/shop/segments${csv ? '.csv' : ''}?from=${fx.from}&to=${fx.to}${csv ? q.slice(0, -4) : q}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
    });
  });
});
