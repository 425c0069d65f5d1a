// Enrichment: skew-corrected time, derived path, device/browser/os, bot flag, country — and
// that the client IP never reaches storage.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrich, normaliseCountry, parseUserAgent, pathOf } from '../../collector/ingest/enrich';
import { nodeCountry } from '../../collector/node/client-ip';
import type { Store } from '../../collector/store/types';
import type { Batch } from '../../sdk/schema';
import { NOW, TOKEN, UA, batch, event, post, rows, tempStore, testApp } from './helpers';

describe('enrich() units', () => {
  it('parses device, browser and os', () => {
    expect(parseUserAgent(UA.iphone)).toEqual({ device: 'mobile', browser: 'Safari', os: 'iOS', bot: false });
    expect(parseUserAgent(UA.ipad)).toEqual({ device: 'tablet', browser: 'Safari', os: 'iOS', bot: false });
    expect(parseUserAgent(UA.chrome)).toEqual({ device: 'desktop', browser: 'Chrome', os: 'Windows', bot: false });
    expect(parseUserAgent(UA.googlebot)).toMatchObject({ device: null, bot: true });
    expect(parseUserAgent(undefined)).toEqual({ device: null, browser: null, os: null, bot: false });
    expect(parseUserAgent('\u0000garbage')).toMatchObject({ device: null, browser: null });
  });

  it('answers the same for a User-Agent seen before, however many others came between, and a caller cannot change the cached answer', () => {
    const first = parseUserAgent(UA.iphone);
    first.device = 'desktop';
    first.bot = true;
    expect(parseUserAgent(UA.iphone)).toEqual({ device: 'mobile', browser: 'Safari', os: 'iOS', bot: false });
    for (let i = 0; i < 1200; i++) expect(parseUserAgent(`${UA.googlebot} ${i}`).bot).toBe(true);
    expect(parseUserAgent(UA.iphone)).toEqual({ device: 'mobile', browser: 'Safari', os: 'iOS', bot: false });
    expect(parseUserAgent(`${UA.chrome} ${'x'.repeat(2000)}`)).toMatchObject({ device: 'desktop', browser: 'Chrome', os: 'Windows' });
  });

  it('normalises country codes', () => {
    expect(normaliseCountry('de')).toBe('DE');
    expect(normaliseCountry(' FR ')).toBe('FR');
    expect(normaliseCountry('XX')).toBeNull(); // Cloudflare: unknown
    expect(normaliseCountry('T1')).toBeNull(); // Cloudflare: Tor
    expect(normaliseCountry('Germany')).toBeNull();
    expect(normaliseCountry(undefined)).toBeNull();
  });

  it('derives the path from absolute and relative URLs', () => {
    expect(pathOf('https://shop.example/a/b?q=1#top')).toBe('/a/b');
    expect(pathOf('/cart?x=1')).toBe('/cart');
    expect(pathOf(undefined)).toBeNull();
  });

  it('stores an empty referrer (a page opened directly) as no referrer, like an absent one', () => {
    const b: Batch = { site: 's', events: [event({ referrer: '' }), event({}), event({ referrer: 'https://www.google.com/' })] };
    expect(enrich(b, { received: 10_000 }).map((r) => r.referrer)).toEqual([null, null, 'https://www.google.com/']);
  });

  it('corrects client clock skew: time = ts + (received - sent)', () => {
    const b: Batch = { site: 's', sent: 1_000, events: [event({ ts: 400 }), event({ ts: 1_000 })] };
    const out = enrich(b, { received: 10_000 });
    expect(out.map((r) => [r.ts, r.time, r.received])).toEqual([
      [400, 9_400, 10_000],
      [1_000, 10_000, 10_000],
    ]);
  });
});

describe('enrichment through POST /collect', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: ReturnType<typeof testApp>['app'];
  beforeEach(() => {
    ({ store, cleanup } = tempStore());
    ({ app } = testApp(store));
  });
  afterEach(async () => {
    await cleanup();
  });

  it('flags bots but stores their events', async () => {
    expect((await post(app, batch([event({ id: 'crawl' })]), { 'user-agent': UA.googlebot })).status).toBe(202);
    expect((await rows(store))[0]).toMatchObject({ id: 'crawl', bot: 1 });
  });

  it('does not flag server-side events (they name a channel) sent from HTTP libraries', async () => {
    await post(app, batch([event({ id: 'srv', user: 'u1', channel: 'support' }), event({ id: 'script', ts: NOW - 10 })]), {
      'user-agent': 'node',
      authorization: `Bearer ${TOKEN}`,
    });
    expect((await rows(store)).map((r) => [r.id, r.bot])).toEqual([
      ['srv', 0],
      ['script', 1],
    ]);
  });

  it('stores device, browser, os and a path derived from url', async () => {
    await post(app, batch([event({ url: 'https://shop.example/cart?step=2' })]), { 'user-agent': UA.ipad });
    expect((await rows(store))[0]).toMatchObject({ device: 'tablet', browser: 'Safari', os: 'iOS', path: '/cart', bot: 0 });
  });

  it('keeps a path the sender gave', async () => {
    await post(app, batch([event({ url: 'https://shop.example/a', path: '/virtual/step-1' })]));
    expect((await rows(store))[0]!.path).toBe('/virtual/step-1');
  });

  it('takes the country from CF-IPCountry, else X-Country', async () => {
    await post(app, batch([event({ id: 'cf' })]), { 'cf-ipcountry': 'ch', 'x-country': 'FR' });
    await post(app, batch([event({ id: 'x', ts: NOW - 10 })]), { 'x-country': 'fr' });
    await post(app, batch([event({ id: 'none', ts: NOW - 5 })]));
    expect((await rows(store)).map((r) => [r.id, r.country])).toEqual([
      ['cf', 'CH'],
      ['x', 'FR'],
      ['none', null],
    ]);
  });

  it('ignores X-Country and CF-IPCountry unless a trusted party sets them (issue 17)', async () => {
    // The app's default, and Node without CJM_TRUST_PROXY: any client could claim any country.
    const { app: untrusted } = testApp(store, { country: undefined });
    await post(untrusted, batch([event({ id: 'claimed' })]), { 'cf-ipcountry': 'KP', 'x-country': 'KP' });
    expect(nodeCountry(false)).toBeUndefined();
    const { app: behindProxy } = testApp(store, { country: nodeCountry(true) });
    await post(behindProxy, batch([event({ id: 'proxied', ts: NOW - 10 })]), { 'x-country': 'ch' });
    expect((await rows(store)).map((r) => [r.id, r.country])).toEqual([
      ['claimed', null],
      ['proxied', 'CH'],
    ]);
  });

  it('never stores the client IP, whatever header carries it', async () => {
    const ips = ['203.0.113.77', '2001:db8::beef', '198.51.100.23'];
    await post(app, batch([event()]), {
      'x-forwarded-for': `${ips[0]}, 10.0.0.1`,
      'x-real-ip': ips[0]!,
      'cf-connecting-ip': ips[1]!,
      forwarded: `for=${ips[2]}`,
      'true-client-ip': ips[2]!,
      'user-agent': UA.chrome,
    });
    const [stored] = await rows(store);
    const text = JSON.stringify(stored);
    for (const ip of [...ips, '10.0.0.1']) expect(text).not.toContain(ip);
    expect(Object.keys(stored!).some((k) => /ip/i.test(k))).toBe(false);
  });
});
