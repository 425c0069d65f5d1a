// Synthetic but realistic shop traffic for the report benchmark: visitors with several
// sessions over `days`, arriving by weighted channels, walking blog → products → cart →
// checkout → account → review pages, with engagement after every page view, clicks, checkout
// steps with values, pain points, feedback, identify with personas, bots, and server-side
// "backstage" events. Rows come out as the collector stores them (after ingest's journey
// assignment), in whole visitors, so they can go straight into store.insert().
import type { DeviceType, StoredEvent } from '../collector/store/types';

/** Options of {@link synthBatches}. */
export interface SynthOptions {
  /** Events to generate (stops after the visitor that reaches it). Default 1,000,000. */
  events?: number;
  site?: string;
  /** End of the traffic (epoch ms, exclusive). Default 2026-01-01T00:00Z. */
  end?: number;
  /** Days of traffic before `end`. Default 90. */
  days?: number;
  /** Rows per yielded batch (whole visitors; approximately). Default 20,000. */
  batchRows?: number;
  seed?: number;
}

const DAY = 86_400_000;

/** mulberry32: small, fast, deterministic. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Pick = <T>(items: readonly T[], weights?: readonly number[]) => T;

const CHANNELS = [
  {
    channel: 'organic search',
    source: 'google',
    medium: 'organic',
    referrer: 'https://www.google.com/',
    land: ['/blog/trail-running-tips', '/blog/choosing-shoes', '/products/trail-runner'],
  },
  { channel: 'direct', source: '(direct)', medium: '(none)', referrer: null, land: ['/', '/products'] },
  { channel: 'paid social', source: 'facebook', medium: 'cpc', referrer: 'https://m.facebook.com/', land: ['/landing/flash-sale'] },
  {
    channel: 'paid search',
    source: 'google',
    medium: 'cpc',
    referrer: 'https://www.google.com/',
    land: ['/products/trail-runner', '/pricing'],
  },
  { channel: 'email', source: 'newsletter', medium: 'email', referrer: null, land: ['/products', '/account/orders'] },
  {
    channel: 'organic social',
    source: 'reddit.com',
    medium: 'social',
    referrer: 'https://www.reddit.com/',
    land: ['/blog/trail-running-tips'],
  },
  {
    channel: 'referral',
    source: 'runnersworld.example',
    medium: 'referral',
    referrer: 'https://runnersworld.example/best-shoes',
    land: ['/products/road-racer', '/compare'],
  },
] as const;
const CHANNEL_WEIGHTS = [30, 22, 14, 10, 12, 7, 5];

const STAGE_OF: Record<string, string> = {
  '/': 'awareness',
  '/blog/trail-running-tips': 'awareness',
  '/blog/choosing-shoes': 'awareness',
  '/landing/flash-sale': 'awareness',
  '/products': 'consideration',
  '/products/trail-runner': 'consideration',
  '/products/road-racer': 'consideration',
  '/pricing': 'consideration',
  '/compare': 'consideration',
  '/reviews': 'consideration',
  '/cart': 'decision',
  '/checkout/account': 'decision',
  '/checkout/shipping': 'decision',
  '/checkout/payment': 'decision',
  '/checkout/thank-you': 'decision',
  '/account': 'retention',
  '/account/orders': 'retention',
  '/help': 'retention',
  '/review': 'advocacy',
  '/refer': 'advocacy',
};
/** Where a visitor goes next from a page (weighted). */
const NEXT: Record<string, [string[], number[]]> = {
  '/': [
    ['/products', '/blog/trail-running-tips', '/pricing', '/help'],
    [5, 2, 2, 1],
  ],
  '/blog/trail-running-tips': [
    ['/products/trail-runner', '/blog/choosing-shoes', '/'],
    [5, 3, 2],
  ],
  '/blog/choosing-shoes': [
    ['/products/road-racer', '/compare', '/'],
    [4, 3, 2],
  ],
  '/landing/flash-sale': [
    ['/products/trail-runner', '/pricing'],
    [6, 3],
  ],
  '/products': [
    ['/products/trail-runner', '/products/road-racer', '/compare'],
    [5, 4, 2],
  ],
  '/products/trail-runner': [
    ['/cart', '/reviews', '/pricing', '/compare'],
    [4, 3, 2, 1],
  ],
  '/products/road-racer': [
    ['/cart', '/reviews', '/compare'],
    [3, 3, 2],
  ],
  '/pricing': [
    ['/products/trail-runner', '/cart', '/compare'],
    [3, 2, 1],
  ],
  '/compare': [
    ['/products/trail-runner', '/products/road-racer', '/reviews'],
    [3, 3, 2],
  ],
  '/reviews': [
    ['/products/trail-runner', '/cart', '/help'],
    [3, 3, 1],
  ],
  '/cart': [
    ['/checkout/account', '/products', '/help'],
    [6, 2, 1],
  ],
  '/checkout/account': [
    ['/checkout/shipping', '/help'],
    [8, 1],
  ],
  '/checkout/shipping': [
    ['/checkout/payment', '/cart'],
    [8, 1],
  ],
  '/checkout/payment': [
    ['/checkout/thank-you', '/help', '/cart'],
    [7, 1, 1],
  ],
  '/checkout/thank-you': [
    ['/account/orders', '/refer', '/'],
    [3, 2, 2],
  ],
  '/account': [
    ['/account/orders', '/help'],
    [3, 1],
  ],
  '/account/orders': [
    ['/cart', '/review', '/help', '/products'],
    [3, 2, 1, 2],
  ],
  '/help': [
    ['/products', '/account', '/cart'],
    [2, 1, 1],
  ],
  '/review': [
    ['/refer', '/products'],
    [1, 2],
  ],
  '/refer': [
    ['/products', '/'],
    [1, 1],
  ],
};
const CLICKS: Record<string, string[]> = {
  '/products/trail-runner': ['Size guide', 'Compare models'],
  '/products/road-racer': ['Size guide'],
  '/compare': ['Compare models'],
  '/pricing': ['See plans'],
  '/blog/trail-running-tips': ['Share'],
  '/help': ['Support chat'],
};
const PERSONAS = ['bargain-hunter', 'trail-pro', 'researcher'];
const DEVICES: { device: DeviceType; browser: string; os: string }[] = [
  { device: 'desktop', browser: 'Chrome', os: 'Windows' },
  { device: 'mobile', browser: 'Safari', os: 'iOS' },
  { device: 'mobile', browser: 'Chrome', os: 'Android' },
  { device: 'tablet', browser: 'Safari', os: 'iOS' },
  { device: 'desktop', browser: 'Firefox', os: 'Linux' },
];
const COUNTRIES = ['DE', 'US', 'FR', 'GB', 'NL', 'AT'];
const PRICES = [89, 129, 149];

/**
 * Yields batches of stored rows until `events` rows have been produced.
 * @example for (const rows of synthBatches({ events: 10_000 })) await store.insert(rows);
 */
export function* synthBatches(options: SynthOptions = {}): Generator<StoredEvent[]> {
  const total = options.events ?? 1_000_000;
  const site = options.site ?? 'shop';
  const end = options.end ?? Date.UTC(2026, 0, 1);
  const days = options.days ?? 90;
  const batchRows = options.batchRows ?? 20_000;
  const rand = rng(options.seed ?? 42);
  const pick: Pick = (items, weights) => {
    if (!weights) return items[Math.floor(rand() * items.length)]!;
    let r = rand() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < items.length; i++) if ((r -= weights[i]!) < 0) return items[i]!;
    return items[items.length - 1]!;
  };
  const start = end - days * DAY;

  let produced = 0;
  let batch: StoredEvent[] = [];
  let n = 0;
  let orders = 0;

  for (let v = 0; produced < total; v++) {
    const visitor = `v${v.toString(36)}`;
    const dev = pick(DEVICES, [50, 25, 15, 6, 4]);
    const country = pick(COUNTRIES, [35, 25, 12, 12, 10, 6]);
    const bot = rand() < 0.02 ? 1 : 0;
    const persona = rand() < 0.3 ? pick(PERSONAS) : null;
    const sessions = 1 + Math.floor(-Math.log(1 - rand()) * 1.2);
    let t = start + Math.floor(rand() * days * DAY);
    let purchases = 0;
    let reached = 0;

    for (let s = 0; s < sessions && t < end; s++) {
      const session = `${visitor}.${s}`;
      const acq = pick(CHANNELS, CHANNEL_WEIGHTS);
      let page: string = purchases > 0 && acq.channel === 'email' ? '/account/orders' : pick(acq.land);
      const bounce = rand() < 0.35;
      const pages = bounce ? 1 : 2 + Math.floor(rand() * 7);
      let cart = 0;
      const base = {
        site,
        visitor,
        session,
        user_id: null,
        referrer: null as string | null,
        channel: acq.channel,
        persona: null as string | null,
        device: dev.device,
        browser: dev.browser,
        os: dev.os,
        country,
        bot: bot as 0 | 1,
        txn: null as string | null,
        source: acq.source,
        medium: acq.medium,
        campaign: acq.channel.startsWith('paid') ? 'spring-sale' : null,
        content: null,
        term: null,
        landing: page,
        stage_inferred: 0 as const,
        hint: null,
      };
      const emit = (
        type: StoredEvent['type'],
        name: string,
        stage: string,
        touchpoint: string,
        props: Record<string, unknown> | null,
        path = page,
      ) => {
        n++;
        t += 500 + Math.floor(rand() * 4000);
        batch.push({
          ...base,
          id: `e${n.toString(36)}`,
          type,
          name,
          ts: t,
          time: t,
          received: t + 200,
          url: `https://shop.example${path}`,
          path,
          title: null,
          stage,
          touchpoint,
          props: props ? JSON.stringify(props) : null,
        });
      };

      for (let p = 0; p < pages && t < end; p++) {
        const stage = STAGE_OF[page]!;
        const idx = ['awareness', 'consideration', 'decision', 'retention', 'advocacy'].indexOf(stage);
        reached = Math.max(reached, idx);
        emit('pageview', page, stage, page, null);
        if (p === 0) batch[batch.length - 1]!.referrer = acq.referrer;
        if (page.startsWith('/products/')) emit('checkout', 'view_item', 'decision', page, { value: pick(PRICES), currency: 'EUR' });
        if (!bounce && CLICKS[page] && rand() < 0.4) emit('event', 'click', stage, pick(CLICKS[page]!), null);
        if (page.startsWith('/products/') && rand() < 0.35) {
          cart = pick(PRICES);
          emit('checkout', 'add_to_cart', 'decision', 'Add to cart', { value: cart, currency: 'EUR' });
        }
        if (page === '/cart')
          emit('checkout', cart ? 'begin_checkout' : 'view_cart', 'decision', 'Checkout', cart ? { value: cart } : null);
        if (page === '/checkout/account' && purchases === 0 && rand() < 0.6)
          emit('checkout', 'sign_up', 'decision', 'Create account', null);
        if (page === '/checkout/shipping') emit('checkout', 'add_shipping_info', 'decision', 'Continue to payment', { value: cart || 129 });
        if (page === '/checkout/payment') emit('checkout', 'add_payment_info', 'decision', 'Pay now', { value: cart || 129 });
        if (page === '/checkout/thank-you') {
          const value = cart || pick(PRICES);
          orders++;
          emit('checkout', 'purchase', purchases > 0 ? 'retention' : 'decision', 'Pay now', {
            value,
            currency: 'EUR',
            transaction_id: `T${orders}`,
          });
          batch[batch.length - 1]!.txn = `T${orders}`;
          purchases++;
          if (rand() < 0.2) {
            const pv = rand() < 0.5 ? 'identify' : null;
            if (pv) {
              emit('identify', 'identify', stage, page, persona ? { persona } : null);
              batch[batch.length - 1]!.persona = persona;
              batch[batch.length - 1]!.user_id = `u${v}`;
            }
          }
        }
        if (page === '/account/orders' && rand() < 0.3) emit('event', 'reorder', 'retention', 'Order again', null);
        if (page === '/review') emit('event', 'review', 'advocacy', 'Write a review', { rating: 4 });
        if (page === '/refer') emit('event', 'referral', 'advocacy', 'Invite a friend', null);
        // Obstacles, more of them in the checkout.
        const checkout = page.startsWith('/checkout/') || page === '/cart';
        if (rand() < 0.03) emit('pain', 'js_error', stage, page, { message: 'TypeError: x is undefined' });
        if (rand() < (checkout ? 0.06 : 0.015)) emit('pain', 'rage_click', stage, page, null);
        if (checkout && rand() < 0.08) emit('pain', 'form_error', stage, page, { field: 'card' });
        if (rand() < 0.02) emit('pain', 'poor_vital', stage, page, { metric: 'LCP', value: 4800 });
        if (rand() < 0.03) emit('feedback', 'feedback', stage, page, { score: 1 + Math.floor(rand() * 5) });
        const engaged = bounce ? Math.floor(rand() * 9000) : 5000 + Math.floor(rand() * 60000);
        emit('engagement', 'engagement', stage, page, { engaged_ms: engaged, scroll: Math.floor(rand() * 100) });
        const [next, weights] = NEXT[page]!;
        page = pick(next, weights);
        t += 5000 + Math.floor(rand() * 60000);
      }
      // Backstage: the shop's server reports the shipment a day later (no session).
      if (purchases > 0 && t + DAY < end && rand() < 0.5) {
        n++;
        batch.push({
          ...base,
          session: null,
          channel: 'backstage',
          source: null,
          medium: null,
          campaign: null,
          landing: null,
          device: null,
          browser: null,
          os: null,
          id: `e${n.toString(36)}`,
          type: 'event',
          name: 'order_shipped',
          ts: t + DAY,
          time: t + DAY,
          received: t + DAY,
          url: null,
          path: null,
          title: null,
          referrer: null,
          stage: 'retention',
          touchpoint: 'order_shipped',
          props: null,
          bot: 0,
        });
      }
      t += Math.floor(rand() * 10 * DAY);
    }
    produced = n;
    if (batch.length >= batchRows) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
