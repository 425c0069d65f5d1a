// The collector's journey rules end to end through POST /collect: channel per session, stage
// by name and page signals, checkout normalisation, identify linking, server-side events, and the
// derived sessions/visitors tables with the bounce definition (docs/journey.md).
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../collector/store/types';
import { batch, event, NOW, TOKEN, post, rows, tempStore, testApp, UA } from './helpers';

let store: Store;
let path: string;
let cleanup: () => Promise<void>;
let app: ReturnType<typeof testApp>['app'];

beforeEach(() => {
  ({ store, path, cleanup } = tempStore());
  ({ app } = testApp(store));
});
afterEach(() => cleanup());

const send = async (...events: ReturnType<typeof event>[]) => {
  // Events naming a channel come from a server-side sender, with the token.
  const server: Record<string, string> = events.some((e) => e.channel !== undefined) ? { authorization: `Bearer ${TOKEN}` } : {};
  const res = await post(app, batch(events), { 'user-agent': UA.chrome, ...server });
  expect(res.status, await res.clone().text()).toBe(202);
  return (await res.json()) as { accepted: number; duplicates: number };
};
const table = (name: 'sessions' | 'visitors') => {
  const db = new DatabaseSync(path);
  try {
    return db.prepare(`SELECT * FROM ${name} ORDER BY 1, 2`).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
};
const t = (s: number) => NOW - 3_600_000 + s * 1000;

describe('channel of a session', () => {
  it('comes from the landing URL and referrer, and every event of the session carries it', async () => {
    await send(
      event({
        id: 'a',
        ts: t(0),
        url: 'https://shop.example/?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring',
        referrer: 'https://l.facebook.com/',
      }),
      event({ id: 'b', ts: t(5), type: 'event', name: 'cta', url: 'https://shop.example/', referrer: 'https://l.facebook.com/' }),
    );
    await send(event({ id: 'c', ts: t(9), url: 'https://shop.example/product/1', referrer: 'https://shop.example/' }));
    const stored = await rows(store);
    expect(stored.map((r) => [r.id, r.channel, r.source, r.medium, r.campaign, r.landing])).toEqual([
      ['a', 'paid social', 'facebook', 'paid_social', 'spring', '/'],
      ['b', 'paid social', 'facebook', 'paid_social', 'spring', '/'],
      ['c', 'paid social', 'facebook', 'paid_social', 'spring', '/'],
    ]);
    expect(table('sessions')[0]).toMatchObject({
      channel: 'paid social',
      source: 'facebook',
      landing: '/',
      exit: '/product/1',
      pageviews: 2,
    });
  });

  it('a server-side event keeps the channel it names', async () => {
    await send(event({ id: 'srv', visitor: 'v1', session: undefined, channel: 'support', type: 'event', name: 'ticket_solved' }));
    expect((await rows(store))[0]).toMatchObject({ channel: 'support', touchpoint: 'ticket_solved', stage: 'retention' });
  });
});

describe('stages the SDK left open', () => {
  it('by name and page signals; page-level events keep their page’s stage; retention only on a later visit', async () => {
    await send(
      event({ id: 'p1', ts: t(0), name: '/', url: 'https://shop.example/' }),
      event({ id: 'p2', ts: t(10), name: '/products/tent', url: 'https://shop.example/products/tent' }),
      event({ id: 'v1', ts: t(11), type: 'checkout', name: 'view_item', url: 'https://shop.example/products/tent', props: { value: 10 } }),
      event({ id: 'c1', ts: t(20), type: 'event', name: 'add_to_cart', url: 'https://shop.example/products/tent', props: { value: 10 } }),
      event({ id: 'e1', ts: t(21), type: 'pain', name: 'js_error', url: 'https://shop.example/products/tent' }),
      event({ id: 'p3', ts: t(30), name: '/about', url: 'https://shop.example/about' }),
      event({ id: 'p4', ts: t(35), name: '/pay', url: 'https://shop.example/pay', hint: 'checkout' }),
      event({
        id: 'b1',
        ts: t(40),
        type: 'event',
        name: 'purchase',
        url: 'https://shop.example/pay',
        props: { value: 10, transaction_id: 'T1' },
      }),
      event({ id: 'p5', ts: t(45), name: '/thank-you', url: 'https://shop.example/thank-you' }),
      event({
        id: 'g1',
        ts: t(50),
        type: 'engagement',
        name: 'engagement',
        url: 'https://shop.example/thank-you',
        props: { engaged_ms: 9000 },
      }),
      event({ id: 'f1', ts: t(55), type: 'feedback', name: 'feedback', url: 'https://shop.example/thank-you', props: { score: 5 } }),
    );
    // A later visit: a returning customer is in retention; a second purchase is retention; a
    // review is advocacy; an explicit stage wins.
    await send(
      event({ id: 'p6', ts: t(900), session: 's2', name: '/', url: 'https://shop.example/' }),
      event({ id: 'b2', ts: t(910), session: 's2', type: 'checkout', name: 'purchase', props: { value: 5, transaction_id: 'T2' } }),
      event({ id: 'r1', ts: t(920), session: 's2', type: 'event', name: 'review' }),
      event({ id: 'p7', ts: t(930), session: 's2', name: '/blog', url: 'https://shop.example/blog', stage: 'awareness' }),
    );
    const stored = await rows(store);
    const stages = Object.fromEntries(stored.map((r) => [r.id, [r.type, r.stage]]));
    expect(stages).toEqual({
      p1: ['pageview', 'awareness'],
      p2: ['pageview', 'consideration'],
      v1: ['checkout', 'consideration'], // looking at a product is research
      c1: ['checkout', 'decision'],
      e1: ['pain', 'consideration'], // its page's stage
      p3: ['pageview', 'awareness'], // no signal: not the furthest stage so far
      p4: ['pageview', 'decision'], // the page declares a checkout step
      b1: ['checkout', 'decision'],
      p5: ['pageview', 'decision'], // the thank-you page of this visit: not retention
      g1: ['engagement', 'decision'],
      f1: ['feedback', 'decision'],
      p6: ['pageview', 'retention'],
      b2: ['checkout', 'retention'],
      r1: ['event', 'advocacy'],
      p7: ['pageview', 'awareness'], // explicit
    });
    expect(Object.fromEntries(stored.map((r) => [r.id, r.stage_inferred]))).toMatchObject({ p1: 1, p4: 1, p7: 0 });
    expect(stored.find((r) => r.id === 'p4')?.hint).toBe('checkout');
    expect(table('visitors')[0]).toMatchObject({ visitor: 'v1', sessions: 2, purchases: 2 });
  });

  it('a visitor who bought in the same batch’s earlier visit is a returning customer in the later one', async () => {
    await send(
      event({ id: 'b1', ts: t(0), session: 's1', type: 'checkout', name: 'purchase', props: { value: 5, transaction_id: 'T9' } }),
      event({ id: 'p1', ts: t(1), session: 's1', name: '/', url: 'https://shop.example/' }),
      event({ id: 'p2', ts: t(2000), session: 's2', name: '/', url: 'https://shop.example/' }),
    );
    const stages = Object.fromEntries((await rows(store)).map((r) => [r.id, r.stage]));
    expect(stages).toEqual({ b1: 'decision', p1: 'awareness', p2: 'retention' });
  });

  it('uses the site stage list (CJM_STAGES)', async () => {
    ({ app } = testApp(store, {
      config: { adminToken: 'test-admin-token-0123456789abcdef', stages: ['acquisition', 'onboarding', 'engagement'] },
    }));
    await send(event({ id: 'x', name: '/' }));
    expect((await rows(store))[0].stage).toBe('acquisition');
  });
});

describe('checkout', () => {
  it('GA4 names sent as plain events are checkout steps; a purchase resent under a new id is stored once', async () => {
    await send(event({ id: 'buy1', type: 'event', name: 'purchase', props: { value: 129, currency: 'EUR', transaction_id: 'T-9' } }));
    const again = await send(
      event({ id: 'buy2', type: 'event', name: 'purchase', props: { value: 129, currency: 'EUR', transaction_id: 'T-9' } }),
    );
    expect(again).toEqual({ accepted: 0, duplicates: 1 });
    const stored = await rows(store);
    expect(stored.map((r) => [r.id, r.type, r.txn])).toEqual([['buy1', 'checkout', 'T-9']]);
    expect(table('sessions')[0]).toMatchObject({ purchases: 1, revenue: 129 });
  });
});

describe('people', () => {
  it('identify links the visitor’s earlier events and sets the persona; server-side events for the user join the visitor', async () => {
    await send(event({ id: 'before', ts: t(0) }), event({ id: 'also-before', ts: t(1), type: 'event', name: 'cta' }));
    await send(event({ id: 'id', ts: t(2), type: 'identify', name: 'identify', user: 'u-1', props: { persona: 'bargain-hunter' } }));
    await send(
      event({
        id: 'shipped',
        ts: t(3),
        visitor: undefined,
        session: undefined,
        user: 'u-1',
        channel: 'store',
        type: 'event',
        name: 'order_shipped',
      }),
    );
    const stored = await rows(store);
    expect(stored.map((r) => [r.id, r.visitor, r.user_id])).toEqual([
      ['before', 'v1', 'u-1'],
      ['also-before', 'v1', 'u-1'],
      ['id', 'v1', 'u-1'],
      ['shipped', 'v1', 'u-1'],
    ]);
    expect(table('visitors')).toEqual([expect.objectContaining({ visitor: 'v1', user_id: 'u-1', persona: 'bargain-hunter' })]);
  });
});

describe('sessions and the bounce definition', () => {
  const bounced = () =>
    Object.fromEntries(
      table('sessions').map((s) => [s.session, s.pageviews === 1 && (s.engaged_ms as number) < 10_000 && s.interactions === 0]),
    );

  it('one page view, under 10 s engaged, nothing done → bounce; anything more → not', async () => {
    await send(
      // s-bounce: one page, 5 s engaged
      event({ session: 's-bounce', visitor: 'v1', ts: t(0) }),
      event({
        session: 's-bounce',
        visitor: 'v1',
        ts: t(5),
        type: 'engagement',
        name: 'engagement',
        props: { engaged_ms: 5000, scroll: 20 },
      }),
      // s-read: one page, 12 s engaged (in two parts)
      event({ session: 's-read', visitor: 'v2', ts: t(0) }),
      event({
        session: 's-read',
        visitor: 'v2',
        ts: t(6),
        type: 'engagement',
        name: 'engagement',
        props: { engaged_ms: 6000, scroll: 50 },
      }),
      event({
        session: 's-read',
        visitor: 'v2',
        ts: t(12),
        type: 'engagement',
        name: 'engagement',
        props: { engaged_ms: 6000, scroll: 90 },
      }),
      // s-click: one page, 2 s, a click
      event({ session: 's-click', visitor: 'v3', ts: t(0) }),
      event({ session: 's-click', visitor: 'v3', ts: t(1), type: 'event', name: 'outbound', props: { url: 'https://x.example/' } }),
      // s-two: two pages, 3 s
      event({ session: 's-two', visitor: 'v4', ts: t(0) }),
      event({ session: 's-two', visitor: 'v4', ts: t(3), name: '/b', url: 'https://shop.example/b' }),
      // s-error: one page, a JS error (not an interaction), 1 s
      event({ session: 's-error', visitor: 'v5', ts: t(0) }),
      event({ session: 's-error', visitor: 'v5', ts: t(1), type: 'pain', name: 'js_error', props: { message: 'x' } }),
    );
    expect(bounced()).toEqual({ 's-bounce': true, 's-click': false, 's-error': true, 's-read': false, 's-two': false });
  });

  it('a retried batch does not count twice', async () => {
    const body = [
      event({ session: 's9', ts: t(0) }),
      event({ session: 's9', ts: t(4), type: 'engagement', name: 'engagement', props: { engaged_ms: 4000 } }),
    ];
    await send(...body);
    expect(await send(...body)).toEqual({ accepted: 0, duplicates: 2 });
    expect(table('sessions')[0]).toMatchObject({ events: 2, pageviews: 1, engaged_ms: 4000 });
  });
});
