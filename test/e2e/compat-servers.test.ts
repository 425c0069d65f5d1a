// Drop-in ingestion from servers: the real @umami/node and @segment/analytics-node, unmodified,
// only their host pointed at a cjm collector on 127.0.0.1; plus the Umami ≥ 2.16 tracker's
// requests and a /api/batch import replayed over HTTP (no ≥ 2.16 tracker is published on npm:
// those bodies are written from its source, and labelled so), and the HTTP answers themselves.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Analytics } from '@segment/analytics-node';
import { Umami } from '@umami/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageVersion } from './compat-clients';
import { exportEvents, PERSON_USER_AGENT, startCollector, waitFor, type TestCollector } from './helpers';

let collector: TestCollector;
beforeAll(async () => {
  collector = await startCollector();
});
afterAll(async () => {
  await collector?.close();
});

const rowsOf = async (site: string) => (await exportEvents(collector, site)).sort((a, b) => a.time - b.time || a.ts - b.ts);

describe(`@umami/node ${packageVersion('@umami/node')}`, () => {
  it('stores its page views, events and identify once each, never as bots', async () => {
    const website = '0b5f3a9e-7c1d-4e2b-9a8f-6d4c3b2a1f0e';
    const umami = new Umami({ websiteId: website, hostUrl: collector.url });
    const answers = [
      await umami.track({
        url: '/pricing?utm_source=partner&utm_medium=referral',
        hostname: 'shop.example',
        title: 'Pricing',
        referrer: '',
      }),
      // Nested data, as Umami itself accepts (its typings say flat values only).
      await umami.track('signup', { plan: 'pro', seats: 4, address: { city: 'Lyon' }, tags: ['a', 'b'] } as unknown as Record<
        string,
        string
      >),
      await umami.identify({ persona: 'researcher' }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const rows = await rowsOf(website);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      type: 'pageview',
      name: '/pricing',
      url: 'https://shop.example/pricing?utm_source=partner&utm_medium=referral',
      title: 'Pricing',
      source: 'partner',
      medium: 'referral',
    });
    // Nested data flattened to dotted keys, arrays joined, numbers kept.
    expect(rows[1]).toMatchObject({
      type: 'event',
      name: 'signup',
      props: { plan: 'pro', seats: 4, 'address.city': 'Lyon', tags: 'a, b' },
    });
    expect(rows[2]).toMatchObject({ type: 'identify', persona: 'researcher' });
    expect(rows.every((r) => r.bot === false)).toBe(true);
    expect(new Set(rows.map((r) => r.session)).size).toBe(1);
  });
});

describe('Umami ≥ 2.16 tracker requests (replayed; written from the tracker source, no such release on npm)', () => {
  it('answers JSON with a cache token, accepts it back, and marks the user from payload.id', async () => {
    const website = '7d2e4f6a-1b3c-4d5e-8f9a-0b1c2d3e4f5a';
    const send = async (type: string, payload: Record<string, unknown>, cache?: string) => {
      const res = await fetch(`${collector.url}/api/send`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': PERSON_USER_AGENT,
          origin: 'https://blog.example',
          ...(cache !== undefined ? { 'x-umami-cache': cache } : {}),
        },
        body: JSON.stringify({ type, payload: { website, hostname: 'blog.example', screen: '1920x1080', language: 'en-US', ...payload } }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://blog.example');
      const body = (await res.json()) as Record<string, unknown>;
      expect(typeof body.cache).toBe('string');
      expect(body).not.toHaveProperty('disabled');
      return body.cache as string;
    };
    const c1 = await send('event', {
      url: 'https://blog.example/post?utm_source=hn',
      title: 'A post',
      referrer: 'https://news.ycombinator.com/',
    });
    const c2 = await send('identify', { url: 'https://blog.example/post', title: 'A post', id: 'reader-9', data: { persona: 'fan' } }, c1);
    await send(
      'event',
      { url: 'https://blog.example/post', title: 'A post', name: 'subscribe', id: 'reader-9', tag: 'b-variant', data: { list: 'weekly' } },
      '',
    );
    await send('performance', { url: 'https://blog.example/post', lcp: 1200, inp: 650, cls: 0.02 }, JSON.stringify({ cache: c2 }));
    await send('event', { url: 'https://blog.example/post', title: 'A post' }, 'not-a-token-we-issued');

    const rows = await rowsOf(website);
    expect(rows.map((r) => `${r.type}:${r.name}`).sort()).toEqual(
      ['event:subscribe', 'identify:identify', 'pageview:/post', 'pageview:/post', 'pain:poor_vital', 'vital:CLS', 'vital:LCP'].sort(),
    );
    expect(rows[0]).toMatchObject({
      url: 'https://blog.example/post?utm_source=hn',
      referrer: 'https://news.ycombinator.com/',
      source: 'hn',
    });
    expect(rows.find((r) => r.type === 'identify')).toMatchObject({ user: 'reader-9', persona: 'fan' });
    expect(rows.find((r) => r.name === 'subscribe')).toMatchObject({ user: 'reader-9', props: { list: 'weekly', tag: 'b-variant' } });
    expect(rows.find((r) => r.type === 'pain')).toMatchObject({ props: { metric: 'INP', value: 650, rating: 'poor' } });
    expect(new Set(rows.map((r) => r.visitor)).size).toBe(1); // the same person before and after identify
    expect(new Set(rows.map((r) => r.session)).size).toBe(1);
  });

  it('/api/batch stores each element as /api/send would, timestamps in seconds, one bad element alone refused', async () => {
    const website = '3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f';
    const t = Math.floor(Date.now() / 1000) - 3600;
    const item = (payload: Record<string, unknown>, type = 'event') => ({
      type,
      payload: { website, hostname: 'docs.example', ...payload },
    });
    const res = await fetch(`${collector.url}/api/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': PERSON_USER_AGENT },
      body: JSON.stringify([
        item({ url: '/guide', title: 'Guide', timestamp: t }),
        item({ url: '/guide', name: 'copy_code', data: { lang: 'ts' }, timestamp: t + 5 }),
        item({ link: 'x' }, 'link'),
        item({ url: '/pricing', name: 'buy', data: { revenue: 99, currency: 'USD', order_id: 'B-1' }, timestamp: t + 60 }),
      ]),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { size: number; processed: number; errors: number; details: { index: number }[]; cache: string };
    expect(body).toMatchObject({ size: 4, processed: 3, errors: 1 });
    expect(body.details.map((d) => d.index)).toEqual([2]);
    const rows = await rowsOf(website);
    expect(rows.map((r) => r.ts)).toEqual([t * 1000, (t + 5) * 1000, (t + 60) * 1000]);
    expect(rows[0]).toMatchObject({ type: 'pageview', url: 'https://docs.example/guide', title: 'Guide' });
    expect(rows[2]).toMatchObject({
      type: 'checkout',
      name: 'purchase',
      txn: 'B-1',
      props: { value: 99, currency: 'USD', source_event: 'buy' },
    });
  });
});

/** A proxy in front of the collector whose first /v1/batch answer is lost (the client sees 503). */
async function losingFirstAnswer(target: string): Promise<{ url: string; collectorStatuses: number[]; close(): Promise<void> }> {
  const collectorStatuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const up = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (c: Buffer) => body.push(c));
        answer.on('end', () => {
          collectorStatuses.push(answer.statusCode ?? 0);
          if (collectorStatuses.length === 1) {
            res.writeHead(503, { 'content-type': 'text/plain' }).end('gateway lost the answer');
          } else {
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(body));
          }
        });
      });
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    collectorStatuses,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

describe(`@segment/analytics-node ${packageVersion('@segment/analytics-node')}`, () => {
  it('stores messages with their messageId, anonymousId, userId and timestamp; a retried batch stores nothing new', async () => {
    const proxy = await losingFirstAnswer(collector.url);
    const analytics = new Analytics({ writeKey: 'seg-node', host: proxy.url, flushAt: 20, flushInterval: 200, maxRetries: 3 });
    const ids: string[] = [];
    const at = new Date(Date.now() - 60_000);
    const done = (err: unknown, ctx?: { event: { messageId?: string } }) => {
      if (err) throw err;
      ids.push(ctx!.event.messageId!);
    };
    analytics.page(
      {
        anonymousId: 'anon-42',
        name: 'Home',
        properties: { url: 'https://shop.example/?utm_source=mail&utm_medium=email', path: '/', title: 'Home' },
        timestamp: at,
      },
      done,
    );
    analytics.track(
      { anonymousId: 'anon-42', event: 'Product Viewed', properties: { product_id: 'sku-9', price: 5, currency: 'EUR' }, timestamp: at },
      done,
    );
    analytics.identify(
      { anonymousId: 'anon-42', userId: 'user-42', traits: { persona: 'loyal', email: 'a@b.c', firstName: 'Al', plan: 'gold' } },
      done,
    );
    analytics.track(
      {
        userId: 'user-42',
        event: 'Order Completed',
        properties: { order_id: 'N-1', total: 30, currency: 'EUR', products: [{ sku: 'sku-9', price: 5, quantity: 6 }] },
      },
      done,
    );
    analytics.track({ userId: 'user-42', event: 'order_shipped', properties: { carrier: 'ups' } }, done);
    analytics.group({ userId: 'user-42', groupId: 'acme', traits: { plan: 'team' } }, done);
    await analytics.closeAndFlush({ timeout: 20_000 });
    await proxy.close();

    expect(ids).toHaveLength(6);
    expect(proxy.collectorStatuses).toEqual([200, 200]); // the same batch twice, both accepted
    const rows = await rowsOf('seg-node');
    expect(rows).toHaveLength(6);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    const byName = (name: string) => rows.find((r) => r.name === name)!;
    expect(byName('/')).toMatchObject({
      type: 'pageview',
      visitor: 'anon-42',
      ts: at.getTime(),
      url: 'https://shop.example/?utm_source=mail&utm_medium=email',
      title: 'Home',
      source: 'mail',
      medium: 'email',
      props: { page_name: 'Home' },
    });
    expect(byName('view_item')).toMatchObject({
      type: 'checkout',
      ts: at.getTime(),
      props: { value: 5, source_event: 'Product Viewed', items: [{ item_id: 'sku-9', price: 5 }] },
    });
    expect(byName('identify')).toMatchObject({
      visitor: 'anon-42',
      user: 'user-42',
      persona: 'loyal',
      props: { persona: 'loyal', plan: 'gold' },
    });
    expect(Object.keys(byName('identify').props ?? {})).not.toContain('email');
    // userId only: a cjm server-side event, joined to the visitor the user was identified on.
    expect(byName('purchase')).toMatchObject({
      visitor: 'anon-42',
      user: 'user-42',
      txn: 'N-1',
      props: { value: 30, items: [{ item_id: 'sku-9', quantity: 6 }] },
    });
    expect(byName('order_shipped')).toMatchObject({ visitor: 'anon-42', props: { carrier: 'ups' } });
    expect(byName('group')).toMatchObject({ type: 'event', props: { group_id: 'acme', plan: 'team' } });
    expect(rows.every((r) => r.bot === false && r.device === null)).toBe(true);
  });

  it('accepts a ~90 KB batch whole (over-long properties cut)', async () => {
    const analytics = new Analytics({ writeKey: 'seg-big', host: collector.url, flushAt: 3, flushInterval: 200 });
    for (let i = 0; i < 3; i++)
      analytics.track({ anonymousId: 'anon-big', event: `big_${i}`, properties: { blob: 'x'.repeat(30_000), i } });
    await analytics.closeAndFlush({ timeout: 20_000 });
    const rows = await waitFor(async () => {
      const r = await rowsOf('seg-big');
      return r.length === 3 && r;
    });
    expect(rows.map((r) => r.name).sort()).toEqual(['big_0', 'big_1', 'big_2']);
    expect(rows.every((r) => (r.props?.blob as string).length === 500)).toBe(true);
  });
});

describe('HTTP answers of the drop-in endpoints', () => {
  it('preflights name the headers the clients send; admin routes stay protected', async () => {
    for (const path of ['/api/event', '/api/send', '/api/batch', '/v1/batch', '/v1/t', '/v1/b']) {
      const res = await fetch(`${collector.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-umami-cache',
        },
      });
      expect(res.status, path).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
      expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
      expect(res.headers.get('access-control-allow-headers')).toMatch(/X-Umami-Cache/);
      expect(res.headers.get('access-control-max-age')).toBe('86400');
    }
    expect((await fetch(`${collector.url}/api/sites/seg-node/events`)).status).toBe(401);
  });

  it('answers 400 naming the field, ignores /v1/m, refuses OAuth bearer tokens', async () => {
    const bad = await fetch(`${collector.url}/api/event`, {
      method: 'POST',
      body: JSON.stringify({ n: 'pageview', u: 'not a url', d: 'x.example' }),
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe('*');
    expect(await bad.json()).toMatchObject({ errors: { url: 'is not a URL' } });
    expect((await fetch(`${collector.url}/api/send`, { method: 'POST', body: '{"type":"event","payload":{}}' })).status).toBe(400);
    expect((await fetch(`${collector.url}/v1/batch`, { method: 'POST', body: '{"batch":' })).status).toBe(400);
    const m = await fetch(`${collector.url}/v1/m`, {
      method: 'POST',
      body: JSON.stringify({ series: [{ type: 'Counter', metric: 'analytics_js.invoke', value: 1 }] }),
    });
    expect(m.status).toBe(200);
    const oauth = await fetch(`${collector.url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: 'Bearer abc' },
      body: JSON.stringify({ batch: [] }),
    });
    expect(oauth.status).toBe(401);
  });
});
