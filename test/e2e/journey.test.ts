// The journey in real Chromium, through the demo shop: a visitor from a paid-social campaign
// link buys (landing → product → cart → sign-up → shipping → payment → purchase, with a rage
// click, a failed payment form and a feedback score on the way), and a second visitor from a
// search engine bounces. Asserted from the NDJSON export of what was stored, then from the
// journey report (bounce, funnel, pain points and emotion) over the same two visits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { JourneyReport } from '../../collector/report/types';
import {
  captureLoaded,
  launchBrowser,
  PERSON_USER_AGENT,
  recordSent,
  startCollector,
  waitForStored,
  type ExportedEvent,
  type SentEvent,
  type SentLog,
  type TestCollector,
} from './helpers';

const SITE = 'shop';
const CAMPAIGN = '?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring_sale&utm_content=runner_video';
const INTERACTIVE = new Set(['event', 'checkout', 'feedback']);

let collector: TestCollector;
let browser: Browser;
/** The buyer's and the bouncer's stored events, oldest first. */
let buyer: ExportedEvent[];
let bouncer: ExportedEvent[];
let buyerSent: SentEvent[];
let transactionId: string;

async function newVisitor(): Promise<{ context: BrowserContext; page: Page; sent: SentLog }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 600 } });
  const sent = await recordSent(context, collector.url);
  const page = await context.newPage();
  return { context, page, sent };
}

/** Clicks something that navigates, and waits for the next page's load and capture. */
async function clickAndLoad(page: Page, selector: string, path: string): Promise<void> {
  await Promise.all([page.waitForURL((u) => u.pathname === path, { waitUntil: 'load' }), page.click(selector)]);
  await captureLoaded(page);
}

beforeAll(async () => {
  collector = await startCollector();
  browser = await launchBrowser({ userAgent: PERSON_USER_AGENT });

  // Visitor 1: the campaign link, to a purchase.
  const { context, page, sent } = await newVisitor();
  await page.goto(`${collector.url}/demo/spring-sale/${CAMPAIGN}`, { waitUntil: 'load' });
  await captureLoaded(page);
  await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
  await page.waitForFunction(() => scrollY > 0);
  await clickAndLoad(page, 'text=Shop the sale', '/demo/products/trail-runner/');
  await page.click('h1'); // a click on the page itself: <body data-cjm-checkout> steps go with the view only
  await clickAndLoad(page, '[data-add-to-cart]', '/demo/cart/');
  await clickAndLoad(page, '[data-checkout-button]', '/demo/checkout/account/');

  await page.fill('#create-account [name=email]', 'sam@example.com');
  await page.fill('#create-account [name=password]', 'correct horse');
  await page.selectOption('#create-account [name=persona]', 'bargain-hunter');
  await clickAndLoad(page, '#create-account button', '/demo/checkout/shipping/');

  await page.fill('#shipping [name=name]', 'Sam Berg');
  await page.fill('#shipping [name=street]', 'Maria-Theresien-Straße 1');
  await page.fill('#shipping [name=postcode]', '6020');
  await page.fill('#shipping [name=city]', 'Innsbruck');
  await clickAndLoad(page, '#shipping button', '/demo/checkout/payment/');

  // The PayPal button never gets anywhere: three quick clicks are a rage click.
  await page.click('[data-paypal]', { clickCount: 3, delay: 0 });
  // A card number that fails the Luhn check: the browser refuses the submit (form_error).
  await page.fill('#payment [name=card_name]', 'Sam Berg');
  await page.fill('#payment [name=card_number]', '4242 4242 4242 4241');
  await page.fill('#payment [name=card_expiry]', '12/39');
  await page.fill('#payment [name=card_cvc]', '123');
  await page.click('[data-pay-button]');
  await page.waitForFunction(() => document.querySelector('[data-payment-error]')!.textContent !== '');
  // …and says how it feels about that.
  await page.click('text=Having trouble paying? Tell us');
  await page.fill('[data-feedback-form] textarea', 'Card refused twice, PayPal does nothing');
  await page.click('[data-feedback-form] [data-cjm-feedback="2"]');
  await page.waitForFunction(() => document.querySelector('[data-feedback-result]')!.textContent !== '');

  await page.fill('#payment [name=card_number]', '4242 4242 4242 4242');
  await clickAndLoad(page, '[data-pay-button]', '/demo/thank-you/');
  transactionId = (await page.textContent('[data-order-id]'))!;
  // "How was checking out?": a button inside data-cjm-stage="decision".
  await page.click('[data-feedback-form] [data-cjm-feedback="5"]');
  await page.waitForFunction(() => document.querySelector('[data-feedback-result]')!.textContent !== '');
  // A reload sends the purchase again, with the same transaction_id.
  await page.reload({ waitUntil: 'load' });
  await page.goto('about:blank'); // pagehide: the last batch leaves with keepalive
  buyerSent = [...(await sent.byId()).values()];
  const purchases = buyerSent.filter((e) => e.name === 'purchase');
  expect(purchases).toHaveLength(2);
  buyer = await waitForStored(collector, SITE, buyerSent, { dropped: new Set([purchases[1].id]) });
  await context.close();

  // Visitor 2: from a Google result to the blog post, gone within a few seconds.
  const second = await newVisitor();
  await second.page.goto(`${collector.url}/demo/blog/layering/`, { waitUntil: 'load', referer: 'https://www.google.com/' });
  await second.page.goto('about:blank');
  bouncer = await waitForStored(collector, SITE, await second.sent.read());
  await second.context.close();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await collector?.close();
});

describe('a purchase from a paid-social campaign', () => {
  it('stores every event the pages sent exactly once, in one visit by one visitor', () => {
    const ids = buyer.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(buyerSent.length - 1); // all but the repeated purchase
    expect(new Set(buyer.map((e) => e.visitor))).toEqual(new Set([buyer[0].visitor]));
    expect(new Set(buyer.map((e) => e.session))).toEqual(new Set([buyer[0].session]));
    expect(buyer[0].visitor).toMatch(/^[\w-]{8,}$/);
    // A person, not a bot: counted in the journey report.
    for (const e of buyer) expect([e.bot, e.device, e.browser], `${e.type} ${e.name} ${e.path}`).toEqual([false, 'desktop', 'Chrome']);
    expect(buyer.every((e) => e.stage && e.touchpoint)).toBe(true);
  });

  it('gives the session the channel "paid social", its campaign and its landing page', () => {
    for (const e of buyer) {
      expect(e).toMatchObject({
        channel: 'paid social',
        source: 'facebook',
        medium: 'paid_social',
        campaign: 'spring_sale',
        content: 'runner_video',
        landing: '/demo/spring-sale/',
      });
    }
  });

  it('records the pages in order, each with its stage', () => {
    const views = buyer.filter((e) => e.type === 'pageview').map((e) => [e.path, e.stage]);
    expect(views).toEqual([
      ['/demo/spring-sale/', 'awareness'], // no signal
      ['/demo/products/trail-runner/', 'consideration'], // schema.org Product, URL keyword
      ['/demo/cart/', 'decision'],
      ['/demo/checkout/account/', 'decision'],
      ['/demo/checkout/shipping/', 'decision'],
      ['/demo/checkout/payment/', 'decision'],
      ['/demo/thank-you/', 'decision'], // URL keyword
      ['/demo/thank-you/', 'decision'], // the reload: the same visit, so not retention
    ]);
  });

  it('records each checkout step once, in funnel order, in the decision stage from the cart on', () => {
    const steps = buyer.filter((e) => e.type === 'checkout').map((e) => [e.name, e.stage, e.path, e.touchpoint]);
    expect(steps).toEqual([
      // <body data-cjm-checkout>: looking at a product is consideration; the page is the touchpoint
      ['view_item', 'consideration', '/demo/products/trail-runner/', '/demo/products/trail-runner/'],
      ['add_to_cart', 'decision', '/demo/products/trail-runner/', 'Add to cart'], // button inside data-cjm-stage="decision"
      ['view_cart', 'decision', '/demo/cart/', '/demo/cart/'], // data-checkout URL rule (the step)
      ['begin_checkout', 'decision', '/demo/cart/', 'Checkout'], // link
      ['sign_up', 'decision', '/demo/checkout/account/', 'create-account'], // form: its id is the touchpoint
      ['add_shipping_info', 'decision', '/demo/checkout/shipping/', 'shipping'], // form
      ['add_payment_info', 'decision', '/demo/checkout/payment/', 'payment'], // form, once: the refused submit sent none
      ['purchase', 'decision', '/demo/thank-you/', '/demo/thank-you/'], // cjm.track, first purchase → decision by name
    ]);
    const byName = Object.fromEntries(buyer.filter((e) => e.type === 'checkout').map((e) => [e.name, e]));
    expect(byName.add_to_cart.props).toMatchObject({ item_id: 'trail-runner', value: 129, currency: 'EUR', quantity: 1 });
    expect(byName.begin_checkout.props).toMatchObject({ value: 129, currency: 'EUR' });
    expect(byName.add_shipping_info.props).toMatchObject({ shipping_tier: 'standard' });
    expect(byName.add_payment_info.props).toMatchObject({ payment_type: 'card' });
  });

  it('stores the purchase once although the reloaded thank-you page sent it twice', () => {
    const purchases = buyer.filter((e) => e.name === 'purchase');
    expect(purchases).toHaveLength(1);
    expect(purchases[0].txn).toBe(transactionId);
    expect(purchases[0].props).toEqual({
      transaction_id: transactionId,
      value: 129,
      currency: 'EUR',
      shipping: 0,
      items: [{ item_id: 'trail-runner', item_name: 'Ridgeline Trail Runner', price: 129, quantity: 1 }],
    });
    const sentPurchases = buyerSent.filter((e) => e.name === 'purchase');
    expect(sentPurchases.map((e) => (e.props as { transaction_id: string }).transaction_id)).toEqual([transactionId, transactionId]);
  });

  it('links the visitor to the new account and its persona from sign-up on', () => {
    const identify = buyer.find((e) => e.type === 'identify')!;
    expect(identify.props).toEqual({ persona: 'bargain-hunter' });
    expect(identify.user).toMatch(/^u_/);
    const after = buyer.filter((e) => e.time > identify.time && e.type !== 'engagement');
    expect(after.length).toBeGreaterThan(5);
    for (const e of after) expect(e.user).toBe(identify.user);
  });

  it('sends one engagement event per page view, with engaged time and scroll depth', () => {
    const views = buyer.filter((e) => e.type === 'pageview');
    const engagement = buyer.filter((e) => e.type === 'engagement');
    expect(engagement.length).toBe(views.length);
    for (const e of engagement) {
      expect(e.props!.engaged_ms).toBeGreaterThan(0);
      expect(e.props!.scroll).toBeGreaterThan(0);
      expect(e.props!.scroll).toBeLessThanOrEqual(100);
    }
    const landing = engagement.find((e) => e.path === '/demo/spring-sale/')!;
    expect(landing).toMatchObject({ stage: 'awareness', props: { scroll: 100 } });
  });

  it('records the rage click, the failed payment form and the feedback at the payment touchpoint', () => {
    const pains = buyer.filter((e) => e.type === 'pain');
    expect(pains.map((e) => [e.name, e.stage, e.touchpoint, e.path])).toEqual([
      ['rage_click', 'decision', 'Pay with PayPal', '/demo/checkout/payment/'],
      ['form_error', 'decision', 'payment', '/demo/checkout/payment/'],
    ]);
    expect(pains[1].props).toEqual({ form: 'payment', field: 'card_number' });

    const feedback = buyer.filter((e) => e.type === 'feedback');
    expect(feedback).toHaveLength(2);
    expect(feedback[0]).toMatchObject({
      stage: 'decision',
      touchpoint: 'payment: having trouble?',
      path: '/demo/checkout/payment/',
      props: { score: 2, comment: 'Card refused twice, PayPal does nothing' },
    });
  });

  it('keeps the feedback and the pings of the thank-you page in its stage, decision: not retention on the visit of the purchase', () => {
    const [, afterPurchase] = buyer.filter((e) => e.type === 'feedback');
    expect(afterPurchase).toMatchObject({
      stage: 'decision',
      stage_inferred: true,
      touchpoint: 'checkout: how was it?',
      path: '/demo/thank-you/',
      props: { score: 5 },
    });
    const engagement = buyer.filter((e) => e.type === 'engagement' && e.path === '/demo/thank-you/');
    expect(engagement.length).toBeGreaterThan(0);
    for (const e of engagement) expect(e.stage).toBe('decision');
  });

  it('is not a bounce: many page views and interactive events', () => {
    expect(buyer.filter((e) => e.type === 'pageview').length).toBeGreaterThan(1);
    expect(buyer.some((e) => INTERACTIVE.has(e.type))).toBe(true);
  });
});

describe('a visitor from a search engine who leaves at once', () => {
  it('arrives on the organic-search channel at the blog post, in the awareness stage', () => {
    expect(bouncer.length).toBeGreaterThan(0);
    for (const e of bouncer) {
      expect(e).toMatchObject({ channel: 'organic search', source: 'google.com', landing: '/demo/blog/layering/', stage: 'awareness' });
    }
    expect(new Set(bouncer.map((e) => e.visitor)).size).toBe(1);
    expect(bouncer[0].visitor).not.toBe(buyer[0].visitor);
  });

  it('is a bounce by the published definition: one page view, under 10 s engaged, nothing interactive', () => {
    expect(bouncer.filter((e) => e.type === 'pageview')).toHaveLength(1);
    const engaged = bouncer.filter((e) => e.type === 'engagement').reduce((ms, e) => ms + Number(e.props!.engaged_ms), 0);
    expect(engaged).toBeLessThan(10_000);
    expect(bouncer.filter((e) => INTERACTIVE.has(e.type) || e.name === 'rage_click')).toEqual([]);
  });
});

describe('the journey report over these two visits', () => {
  /** GET /api/sites/shop/journey (collector/routes/journey.ts); every landing page ranked. */
  async function report(): Promise<JourneyReport> {
    const res = await fetch(`${collector.url}/api/sites/${SITE}/journey?minSessions=1`, {
      headers: { Authorization: `Bearer ${collector.token}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as JourneyReport;
  }

  it('counts one bounce in two sessions, by landing page and by landing stage', async () => {
    const r = await report();
    expect(r.totals).toMatchObject({ sessions: 2, visitors: 2, bounceRate: 0.5, purchases: 1, revenue: 129, conversionRate: 0.5 });
    const byPath = Object.fromEntries(r.bounceByLanding.map((l) => [l.path, [l.sessions, l.bounces, l.bounceRate]]));
    expect(byPath).toEqual({ '/demo/blog/layering/': [1, 1, 1], '/demo/spring-sale/': [1, 0, 0] });
    expect(r.bounceByLanding[0].path).toBe('/demo/blog/layering/'); // the worst first
    const awareness = r.stages.find((s) => s.stage === 'awareness')!;
    expect([awareness.landingSessions, awareness.bounces, awareness.bounceRate]).toEqual([2, 1, 0.5]);
  });

  it('shows the buyer in every funnel step, with the revenue of the one purchase', async () => {
    const { funnel } = await report();
    expect(funnel.steps.map((s) => [s.step, s.reached])).toEqual(
      ['view_item', 'add_to_cart', 'view_cart', 'begin_checkout', 'sign_up', 'add_shipping_info', 'add_payment_info', 'purchase'].map(
        (s) => [s, 1],
      ),
    );
    expect(funnel.steps.slice(1).every((s) => s.dropOff === 0)).toBe(true);
    expect(funnel).toMatchObject({ purchases: 1, revenue: 129, abandoned: 0 });
  });

  it('puts the rage click, the form error and both feedback scores in the decision stage', async () => {
    const decision = (await report()).stages.find((s) => s.stage === 'decision')!;
    expect(Object.fromEntries(decision.painPoints.byKind.map((k) => [k.kind, k.count]))).toMatchObject({ rage_click: 1, form_error: 1 });
    expect(decision.painPoints.byKind.find((k) => k.kind === 'form_error')!.worstPages).toEqual([
      { name: '/demo/checkout/payment/', count: 1 },
    ]);
    expect(decision.emotion).toMatchObject({ feedbackMean: 3.5, feedbackCount: 2, frustration: 1 });
  });
});
