// The script tag's data-* attributes (sdk/loader.ts). Found in review: data-site="123" was
// parsed as the number 123, which the collector refuses as a site id (every batch dropped), and
// a value like data-x="1.2.3" looked like a number, failed JSON.parse and skipped init.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Batch } from '../../sdk/schema';
import { settle } from './harness';

let sent: Batch[];
beforeEach(() => {
  sent = [];
  vi.stubGlobal('fetch', async (_u: string, init: RequestInit) => {
    sent.push(JSON.parse(init.body as string));
    return new Response(null, { status: 202 });
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  Object.defineProperty(document, 'currentScript', { configurable: true, get: () => null });
});

/** Runs the script-tag build as if loaded by `<script src=… data-…>` with these attributes. */
const load = async (data: Record<string, string>) => {
  delete (window as { cjm?: unknown }).cjm;
  const script = document.createElement('script');
  script.src = 'http://collector.test/cjm.js';
  Object.assign(script.dataset, data);
  Object.defineProperty(document, 'currentScript', { configurable: true, get: () => script });
  vi.resetModules();
  await import('../../sdk/loader');
  return (window as unknown as { cjm: { track(n: string): void; flush(): void } }).cjm;
};

it('keeps a numeric-looking site id (and persona) as text, and still parses numbers, booleans and rules', async () => {
  const site = String(100000 + Math.floor(Math.random() * 900000));
  const cjm = await load({ site, persona: '42', batchSize: '2', pageviews: 'false', stages: '{"/":"awareness"}' });
  cjm.track('one');
  expect(sent).toHaveLength(0);
  cjm.track('two'); // data-batch-size="2" is the number 2: a full batch goes at once
  await settle();
  expect(sent).toHaveLength(1);
  expect(sent[0].site).toBe(site);
  expect(typeof sent[0].site).toBe('string');
  expect(sent[0].events.map((e) => [e.name, e.persona, e.stage])).toEqual([
    ['one', '42', 'awareness'],
    ['two', '42', 'awareness'],
  ]); // data-pageviews="false" is the boolean false: no page view
});

it('a malformed value does not stop init: left out (its default applies), or text for a text option', async () => {
  const site = 'malformed-' + Math.random().toString(36).slice(2, 8);
  const cjm = await load({ site, x: '1.2.3', batchSize: '1.2.3', persona: '{oops', pageviews: 'false' });
  cjm.track('still-works');
  cjm.flush();
  await settle();
  expect(sent.map((b) => [b.site, b.events.map((e) => [e.name, e.persona])])).toEqual([[site, [['still-works', '{oops']]]]);
});
