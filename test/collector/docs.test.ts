// The documentation's examples run against the collector, so the docs cannot drift from the code.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Store } from '../../collector/store/types';
import { NOW, TOKEN, post, rows, tempStore, testApp } from './helpers';

let store: Store;
let cleanup: () => Promise<void>;
beforeEach(() => ({ store, cleanup } = tempStore()));
afterEach(() => cleanup());

it('the server-side curl example of docs/protocol.md is accepted and joins the identified visitor', async () => {
  const doc = readFileSync('docs/protocol.md', 'utf8');
  const body = doc.match(/-d '(\{[\s\S]*?\})'\n/)![1].replace(`'"$(date +%s000)"'`, String(NOW - 1000));
  const { app } = testApp(store);
  // The user was identified in the browser first.
  await post(app, { site: 'shop', sent: NOW, events: [{ id: 'idf', type: 'identify', name: 'identify', ts: NOW - 5000, visitor: 'v-browser', user: 'u_42' }] });
  expect(doc).toContain('-H "Authorization: Bearer $CJM_ADMIN_TOKEN"');
  const res = await post(app, body, { 'content-type': 'application/json', 'user-agent': 'curl/8.5.0', authorization: `Bearer ${TOKEN}` });
  expect(res.status).toBe(202);
  const shipped = (await rows(store)).find((r) => r.id == 'ship-T-1001')!;
  expect(shipped).toMatchObject({ visitor: 'v-browser', user_id: 'u_42', channel: 'store', stage: 'retention', bot: 0 });
});
