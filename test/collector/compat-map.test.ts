// The framework-free mappers of foreign clients (collector/compat/): the rows of docs/compat.md's
// tables, one by one, and the props sanitizer that must never refuse an event. What the real
// clients send end to end is in test/e2e/compat-*.test.ts.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { mapPlausible } from '../../collector/compat/plausible';
import { sanitizeProps } from '../../collector/compat/props';
import { mapSegment, SEGMENT_ECOMMERCE } from '../../collector/compat/segment';
import { MappingError } from '../../collector/compat/types';
import { mapUmami } from '../../collector/compat/umami';
import { toToken } from '../../collector/compat/identity';
import { isCheckoutName } from '../../collector/journey/stages';
import { PropsSchema } from '../../sdk/schema';

describe('sanitizeProps', () => {
  it('flattens, joins, cuts and drops so that the schema accepts the result, keeping types', () => {
    const input = JSON.parse(
      `{"__proto__": {"x": 1}, "constructor": 1, "n": 3, "ok": true, "nil": null, "deep": {"a": {"b": "c"}}, "list": ["a", 2],
        "objs": [{"a": 1}], "long": "${'x'.repeat(600)}", "${'k'.repeat(70)}": 1, "nan": "NaN",
        ${Array.from({ length: 40 }, (_, i) => `"f${i}": ${i}`).join(', ')}}`,
    ) as unknown;
    const out = sanitizeProps(input)!;
    expect(v.safeParse(PropsSchema, out).success).toBe(true);
    expect(out).toMatchObject({ n: 3, ok: true, nil: null, 'deep.a.b': 'c', list: 'a, 2', nan: 'NaN' });
    expect(out.long).toHaveLength(500);
    expect(Object.keys(out)).not.toContain('objs');
    expect(Object.keys(out)).toHaveLength(32);
    expect(Object.keys(out).some((k) => k.startsWith('__') || k === 'constructor' || k.length > 64)).toBe(false);
  });

  it("keeps the mapper's own props first and e-commerce items as flat records", () => {
    const out = sanitizeProps({ value: 'nope', items: [{ item_id: 'a', price: 2, meta: { color: 'red' } }] }, { value: 5 });
    expect(out).toEqual({ value: 5, items: [{ item_id: 'a', price: 2, 'meta.color': 'red' }] });
  });
});

describe('Plausible', () => {
  it('maps a page view with a hash route and a comma list of sites', () => {
    const m = mapPlausible({
      n: 'pageview',
      u: 'https://a.example/app?q=1#/cart',
      d: 'a.example, b.example',
      r: 'https://x.example/',
      h: 1,
      w: 1280,
    });
    expect(m.sites).toEqual(['a.example', 'b.example']);
    expect(m.event).toEqual({
      type: 'pageview',
      name: '/app#/cart',
      url: 'https://a.example/app?q=1#/cart',
      path: '/app#/cart',
      referrer: 'https://x.example/',
    });
  });

  it('long keys, JSON-string props, interactive false; without d the site is the host of u', () => {
    const m = mapPlausible({ name: 'Video', url: 'http://b.example:8080/v', meta: '{"len": 30}', interactive: false, referrer: '' });
    expect(m.sites).toEqual(['b.example:8080']);
    expect(m.event).toEqual({
      type: 'event',
      name: 'Video',
      url: 'http://b.example:8080/v',
      path: '/v',
      props: { interactive: false, len: 30 },
    });
  });

  it('engagement is never a custom event; revenue becomes a purchase', () => {
    expect(mapPlausible({ n: 'engagement', u: 'https://a.example/', d: 'a', e: 4200, sd: 55, p: { x: 1 } }).event).toMatchObject({
      type: 'engagement',
      name: 'engagement',
      props: { engaged_ms: 4200, scroll: 55 },
    });
    expect(
      mapPlausible({ n: 'Buy', u: 'https://a.example/', d: 'a', $: { amount: '9.90', currency: 'EUR' }, p: { transaction_id: 7 } }).event,
    ).toMatchObject({
      type: 'checkout',
      name: 'purchase',
      props: { value: 9.9, currency: 'EUR', transaction_id: 7, source_event: 'Buy' },
    });
  });

  it('refuses what has no name, no URL or is not an object, naming each field', () => {
    const errors = (b: unknown) => {
      try {
        mapPlausible(b);
      } catch (err) {
        return (err as MappingError).errors;
      }
      return undefined;
    };
    expect(errors({ u: 'https://a.example/' })).toEqual({ name: 'is required (n or name)' });
    expect(errors({ n: 'pageview', u: '/relative' })).toEqual({ url: 'is not a URL' });
    expect(errors([1])).toEqual({ body: 'must be a JSON object' });
  });
});

describe('Umami', () => {
  it('resolves ≤ 2.15 path-only URLs against the Origin when its host is the hostname, else https://hostname', () => {
    const p = { website: 'w', hostname: 'shop.example', url: '/caf%C3%A9?x=1', referrer: '/prev', title: 'Caf%C3%A9%20%26%20more' };
    expect(mapUmami({ type: 'event', payload: p }, 'http://shop.example:3000').events[0]).toMatchObject({
      type: 'pageview',
      name: '/caf%C3%A9',
      url: 'http://shop.example:3000/caf%C3%A9?x=1',
      referrer: 'http://shop.example:3000/prev',
      title: 'Café & more',
    });
    expect(mapUmami({ type: 'event', payload: p }, 'https://elsewhere.example').events[0]!.url).toBe('https://shop.example/caf%C3%A9?x=1');
  });

  it('identify with id marks the user; performance becomes vitals and pains; seconds become ms', () => {
    const id = mapUmami(
      { type: 'identify', payload: { website: 'w', id: 42, data: { persona: 'fan' }, timestamp: 1_700_000_000 } },
      undefined,
    );
    expect(id.events).toEqual([{ type: 'identify', name: 'identify', user: '42', ts: 1_700_000_000_000, props: { persona: 'fan' } }]);
    const perf = mapUmami(
      { type: 'performance', payload: { website: 'w', url: 'https://a.example/', lcp: 2600, cls: 0.3, ttfb: 100 } },
      undefined,
    );
    expect(perf.events.map((e) => [e.type, e.name, e.props!.rating])).toEqual([
      ['vital', 'LCP', 'needs-improvement'],
      ['pain', 'poor_vital', 'poor'],
      ['vital', 'TTFB', 'good'],
    ]);
  });

  it('refuses other types, link/pixel payloads and a missing website; server senders name ip and userAgent', () => {
    expect(() => mapUmami({ type: 'click', payload: { website: 'w' } }, undefined)).toThrow(MappingError);
    expect(() => mapUmami({ type: 'event', payload: { link: 'l1' } }, undefined)).toThrow(/link and pixel/);
    expect(() => mapUmami({ type: 'event', payload: { url: '/' } }, undefined)).toThrow(/website/);
    expect(mapUmami({ type: 'event', payload: { website: 'w', ip: '198.51.100.1', userAgent: 'UA' } }, undefined)).toMatchObject({
      ip: '198.51.100.1',
      userAgent: 'UA',
    });
  });
});

describe('Segment', () => {
  it('maps every spec v2 e-commerce event to a GA4 step cjm knows', () => {
    for (const step of Object.values(SEGMENT_ECOMMERCE)) expect(isCheckoutName(step), step).toBe(true);
    const m = mapSegment({
      type: 'track',
      event: 'Product Added',
      anonymousId: 'a',
      properties: { sku: 'S1', name: 'Mug', price: '4.5', quantity: 2, coupon: 'X' },
    });
    expect('event' in m && m.event).toMatchObject({
      type: 'checkout',
      name: 'add_to_cart',
      props: {
        value: 9,
        coupon: 'X',
        source_event: 'Product Added',
        items: [{ item_id: 'S1', item_name: 'Mug', price: 4.5, quantity: 2 }],
      },
    });
  });

  it('page fields from properties or context.page; campaign added as utm_*; path type when the body has none', () => {
    const m = mapSegment(
      {
        anonymousId: 'a',
        name: 'Home',
        properties: { title: 'T', plan: 'x' },
        context: {
          page: { url: 'https://a.example/p', referrer: 'https://r.example/' },
          campaign: { source: 'nl', medium: 'email', name: 'spring' },
          userAgent: 'UA',
        },
        sentAt: '2026-01-01T00:00:00Z',
      },
      'page',
    );
    expect(m).toMatchObject({
      event: {
        type: 'pageview',
        name: '/p',
        url: 'https://a.example/p?utm_source=nl&utm_medium=email&utm_campaign=spring',
        referrer: 'https://r.example/',
        title: 'T',
        props: { page_name: 'Home', plan: 'x' },
      },
      userAgent: 'UA',
      sent: Date.parse('2026-01-01T00:00:00Z'),
    });
  });

  it('drops messages without ids or event name; identify drops PII traits; alias identifies the previous id', () => {
    expect(mapSegment({ type: 'track', event: 'x' })).toEqual({ drop: 'needs userId or anonymousId' });
    expect(mapSegment({ type: 'track', userId: 'u' })).toEqual({ drop: 'track needs an event name' });
    const id = mapSegment({ type: 'identify', userId: 7, traits: { email: 'a@b', name: 'A', plan: 'p', address: { city: 'c' } } });
    expect('event' in id && id.event).toEqual({ type: 'identify', name: 'identify', user: '7', props: { plan: 'p' } });
    const alias = mapSegment({ type: 'alias', userId: 'u', previousId: 'anon-1' });
    expect('event' in alias && alias.event).toMatchObject({ type: 'identify', user: 'u', visitor: 'anon-1' });
  });

  it('keeps valid messageIds as ids and hashes the others deterministically', async () => {
    expect(await toToken('ajs-next-1700000000000-5f1c2a8e-0b7d-4e3f-a1c2-0d9e8f7a6b5c')).toBe(
      'ajs-next-1700000000000-5f1c2a8e-0b7d-4e3f-a1c2-0d9e8f7a6b5c',
    );
    const odd = 'message id with spaces / slashes';
    expect(await toToken(odd)).toBe(await toToken(odd));
    expect(await toToken(odd)).toMatch(/^h-[0-9a-f]{32}$/);
  });
});
