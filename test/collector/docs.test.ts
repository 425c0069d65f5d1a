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
  await post(app, {
    site: 'shop',
    sent: NOW,
    events: [{ id: 'idf', type: 'identify', name: 'identify', ts: NOW - 5000, visitor: 'v-browser', user: 'u_42' }],
  });
  expect(doc).toContain('-H "Authorization: Bearer $CJM_ADMIN_TOKEN"');
  const res = await post(app, body, { 'content-type': 'application/json', 'user-agent': 'curl/8.5.0', authorization: `Bearer ${TOKEN}` });
  expect(res.status).toBe(202);
  const shipped = (await rows(store)).find((r) => r.id == 'ship-T-1001')!;
  expect(shipped).toMatchObject({ visitor: 'v-browser', user_id: 'u_42', channel: 'store', stage: 'retention', bot: 0 });
});

it('docs/attributes.md documents every option of sdk/core/config.ts, by attribute and option name', () => {
  const source = readFileSync('sdk/core/config.ts', 'utf8');
  const body = source.match(/export interface Options \{([\s\S]*?)\n\}/)![1]!;
  const options = [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]!);
  expect(options.length).toBeGreaterThanOrEqual(15);
  const doc = readFileSync('docs/attributes.md', 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('| `data-'));
  const missing = options.filter((option) => {
    const attribute = `data-${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    // The row of that attribute (`data-x` or `data-x="false"`), naming the option in its second column.
    const row = rows.find((l) => l.startsWith(`| \`${attribute}\``) || l.startsWith(`| \`${attribute}=`));
    return !row || !new RegExp(`^\\| [^|]+ \\| \`${option}[\`:]`).test(row);
  });
  expect(missing).toEqual([]);
  // And the comment of each option names the same attribute the docs do.
  for (const option of options) expect(body, option).toContain(`data-${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
});

it('the README lists the export endpoint outside the Cloudflare section', () => {
  const readme = readFileSync('README.md', 'utf8');
  const beforeCloudflare = readme.slice(0, readme.indexOf('## Deploy to Cloudflare'));
  expect(beforeCloudflare).toMatch(/\| `GET \/api\/sites\/:site\/events` \| \*\*export\*\*/);
  for (const route of [
    'POST /collect',
    'GET /health',
    'GET /api/sites/:site/journey',
    'GET /api/sites/:site/journey.csv',
    'DELETE /api/sites/:site/visitors/:id',
  ]) {
    expect(beforeCloudflare, route).toContain(`| \`${route}\``);
  }
});

it('the server-side curl of docs/protocol.md, sent as is by a user never identified: counted, not a bot, a visitor of its own', async () => {
  const doc = readFileSync('docs/protocol.md', 'utf8');
  const body = doc.match(/-d '(\{[\s\S]*?\})'\n/)![1].replace(`'"$(date +%s000)"'`, String(NOW - 1000));
  const { app } = testApp(store);
  // With the token the docs' curl sends (only a token-authenticated sender may name a channel).
  expect(
    (await post(app, body, { 'content-type': 'application/json', 'user-agent': 'curl/8.5.0', authorization: `Bearer ${TOKEN}` })).status,
  ).toBe(202);
  expect((await rows(store))[0]).toMatchObject({ visitor: 'user:u_42', channel: 'store', stage: 'retention', bot: 0 });
  // A page view from curl without a channel is a bot, as the table there says.
  const pv = {
    site: 'shop',
    sent: NOW,
    events: [{ id: 'pv', type: 'pageview', name: '/', ts: NOW - 500, visitor: 'v1', session: 's1', url: 'https://shop.example/' }],
  };
  expect((await post(app, pv, { 'user-agent': 'curl/8.5.0' })).status).toBe(202);
  expect((await rows(store)).find((r) => r.id === 'pv')).toMatchObject({ bot: 1 });
  expect(doc).toContain('| a page view with `curl` and no `channel` | bot |');
});
