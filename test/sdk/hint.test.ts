// The page-type hint (docs/journey.md, "Page type hints from markup"): each source, their
// precedence, SPA views, malformed markup, and every event of a page view carrying its view's
// hint, URL and page stage.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WireEvent } from '../../sdk/schema';
import type { Options } from '../../sdk/core/config';
import { hide, settle, show, start, type Harness } from './harness';

type Window = { dataLayer?: unknown };
const w = window as unknown as Window;

const sent = async (h: Harness) => {
  h.sdk.flush();
  await settle();
  return h.events();
};
const pageviews = async (h: Harness) => (await sent(h)).filter((e) => e.type == 'pageview');
/** Lets an SPA view's hint (worked out after the current task) arrive. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve));
const ld = (json: unknown) => `<script type="application/ld+json">${typeof json == 'string' ? json : JSON.stringify(json)}</script>`;

/** The hint of the landing page view of a page with this markup (head, body) and options. */
const landing = async (head: string, body = '', options: Partial<Options> = {}) => {
  document.head.innerHTML = head;
  document.body.innerHTML = body;
  const [pv] = await pageviews(await start(options));
  return pv.hint;
};

beforeEach(() => {
  show();
  document.head.innerHTML = '';
  document.body.innerHTML = '';
  for (const a of [...document.body.attributes]) document.body.removeAttribute(a.name);
  history.replaceState(null, '', '/');
  localStorage.clear();
  delete w.dataLayer;
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('sources', () => {
  it('a checkout step the page declares: body, meta or URL rule; view_cart is the cart', async () => {
    document.body.setAttribute('data-cjm-checkout', 'begin_checkout');
    expect(await landing('')).toBe('checkout');
    document.body.setAttribute('data-cjm-checkout', 'view_cart');
    expect(await landing('')).toBe('cart');
    document.body.removeAttribute('data-cjm-checkout');
    expect(await landing('<meta data-cjm-checkout="add_payment_info">')).toBe('checkout');
    history.replaceState(null, '', '/basket');
    expect(await landing('', '', { checkout: { '/basket': 'view_cart' } })).toBe('cart');
    history.replaceState(null, '', '/pay/card');
    expect(await landing('', '', { checkout: { '/pay/*': 'add_payment_info' } })).toBe('checkout');
  });

  it('a declared step that names a page type gives it; one that names none means checkout', async () => {
    for (const [step, hint] of [
      ['view_item', 'product'],
      ['view_item_list', 'list'],
      ['purchase', 'checkout'],
      ['add_to_cart', 'checkout'],
      ['sign_up', 'checkout'],
    ]) {
      document.body.setAttribute('data-cjm-checkout', step);
      expect(await landing(''), step).toBe(hint);
    }
  });

  it('GA4 dataLayer pushes: GTM objects and gtag arguments', async () => {
    const expected: [string, string][] = [
      ['view_item', 'product'],
      ['view_item_list', 'list'],
      ['view_cart', 'cart'],
      ['begin_checkout', 'checkout'],
      ['add_shipping_info', 'checkout'],
      ['add_payment_info', 'checkout'],
      ['purchase', 'checkout'],
    ];
    for (const [event, hint] of expected) {
      w.dataLayer = [
        { 'gtm.start': 1, event: 'gtm.js' },
        { ecommerce: null },
        { event, ecommerce: { items: [{ item_name: 'Article of clothing' }] } },
      ];
      expect(await landing(''), event).toBe(hint);
    }
    for (const [event, hint] of expected) {
      w.dataLayer = [];
      function gtag(..._args: unknown[]) {
        // eslint-disable-next-line prefer-rest-params
        (w.dataLayer as unknown[]).push(arguments);
      }
      gtag('js', new Date());
      gtag('config', 'G-XXXX');
      gtag('event', event, { items: [{ item_id: 'p1' }] });
      expect(await landing(''), `gtag ${event}`).toBe(hint);
    }
    // Other pushes name no page type.
    w.dataLayer = [{ event: 'add_to_cart' }, { event: 'select_item' }, { event: 'page_view' }];
    expect(await landing('')).toBeUndefined();
  });

  it('schema.org JSON-LD: @type as a string, a URL, an array, inside @graph', async () => {
    expect(
      await landing(
        ld({ '@context': 'https://schema.org', '@type': 'Product', name: 'Trail runner', offers: { '@type': 'Offer', price: 129 } }),
      ),
    ).toBe('product');
    expect(await landing(ld({ '@type': 'https://schema.org/Product' }))).toBe('product');
    expect(await landing(ld({ '@type': ['Product', 'Thing'] }))).toBe('product');
    expect(await landing(ld({ '@type': 'Offer', price: 5 }))).toBe('product');
    expect(
      await landing(ld({ '@graph': [{ '@type': 'WebSite' }, { '@type': 'BreadcrumbList', itemListElement: [] }, { '@type': 'Product' }] })),
    ).toBe('product');
    expect(await landing(ld([{ '@type': 'Organization' }, { '@type': 'BlogPosting', headline: 'x' }]))).toBe('article');
    expect(await landing(ld({ '@type': 'ItemList', itemListElement: [{ '@type': 'ListItem', item: { '@type': 'Product' } }] }))).toBe(
      'list',
    );
    expect(await landing(ld({ '@type': 'CollectionPage' }))).toBe('list');
    expect(await landing(ld({ '@type': 'OfferCatalog' }))).toBe('list');
    expect(await landing(ld({ '@type': 'FAQPage', mainEntity: [{ '@type': 'Question' }] }))).toBe('faq');
    expect(await landing(ld({ '@type': 'NewsArticle' }))).toBe('article');
    expect(await landing(ld({ '@type': 'Article' }))).toBe('article');
    // Types that are no page type, and words in values, name nothing.
    expect(await landing(ld({ '@type': 'Organization', name: 'Product Offer Article', description: 'purchase' }))).toBeUndefined();
    expect(await landing(ld({ '@type': 'BreadcrumbList' }) + ld({ '@type': 'ProductModel' }))).toBeUndefined();
  });

  it('microdata itemtype, in document order', async () => {
    expect(await landing('', '<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Boots</span></div>')).toBe(
      'product',
    );
    expect(
      await landing(
        '',
        '<ul itemscope itemtype="http://schema.org/ItemList"><li itemscope itemtype="http://schema.org/Product"></li></ul>',
      ),
    ).toBe('list');
    expect(await landing('', '<article itemscope itemtype="https://schema.org/BlogPosting"></article>')).toBe('article');
  });

  it('og:type product and article', async () => {
    expect(await landing('<meta property="og:type" content="product">')).toBe('product');
    expect(await landing('<meta property="og:type" content="product.item">')).toBe('product');
    expect(await landing('<meta property="og:type" content="article">')).toBe('article');
    expect(await landing('<meta property="og:type" content="website">')).toBeUndefined();
  });

  it('nothing found: no hint on the wire', async () => {
    const [pv] = await pageviews(await start());
    expect('hint' in pv).toBe(false);
  });
});

describe('precedence', () => {
  it('declared step > dataLayer > JSON-LD and microdata > og:type', async () => {
    const og = '<meta property="og:type" content="article">';
    const product = ld({ '@type': 'Product' });
    expect(await landing(og + product)).toBe('product');
    w.dataLayer = [{ event: 'view_item_list' }];
    expect(await landing(og + product)).toBe('list');
    document.body.setAttribute('data-cjm-checkout', 'begin_checkout');
    w.dataLayer = [{ event: 'view_item_list' }];
    expect(await landing(og + product)).toBe('checkout');
  });

  it('between schema.org types, the first in the page wins: the main entity comes first', async () => {
    // A product page with a related-products list after it: a product.
    expect(await landing(ld({ '@type': 'Product' }) + ld({ '@type': 'ItemList', itemListElement: [{ '@type': 'Product' }] }))).toBe(
      'product',
    );
    // A category page: an ItemList around its Products, or a CollectionPage.
    expect(await landing(ld({ '@type': 'ItemList', itemListElement: [{ '@type': 'ListItem', item: { '@type': 'Product' } }] }))).toBe(
      'list',
    );
    expect(
      await landing(
        '',
        '<main itemscope itemtype="https://schema.org/CollectionPage"><div itemscope itemtype="https://schema.org/Product"></div></main>',
      ),
    ).toBe('list');
    // JSON-LD in the head comes before microdata in the body.
    expect(await landing(ld({ '@type': 'FAQPage' }), '<div itemscope itemtype="https://schema.org/Product"></div>')).toBe('faq');
  });

  it('between dataLayer pushes, the first one of the view wins', async () => {
    w.dataLayer = [{ event: 'view_item' }, { event: 'view_item_list' }];
    expect(await landing('')).toBe('product');
  });
});

describe('malformed markup', () => {
  it('never throws, and the page view goes out with what could be read', async () => {
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent) => errors.push(e.error);
    window.addEventListener('error', onError);
    try {
      // Broken JSON-LD: its @type is still read.
      expect(await landing(ld('{"@type": "Product", "name": "Boo'))).toBe('product');
      expect(await landing(ld('not json at all {{{') + ld(''))).toBeUndefined();
      // dataLayer not an array, or with odd entries.
      w.dataLayer = 5;
      expect(await landing('')).toBeUndefined();
      w.dataLayer = 'view_item';
      expect(await landing('')).toBeUndefined();
      w.dataLayer = [null, undefined, 3, 'event', ['event'], { event: null }, { event: {} }, Object.create(null)];
      expect(await landing(ld({ '@type': 'Article' }))).toBe('article');
      // An entry that throws when read, or cannot be made text: that source adds nothing.
      const throwing = Object.defineProperty({}, 'event', {
        get: () => {
          throw new Error('boom');
        },
      });
      w.dataLayer = [throwing];
      expect(await landing(ld({ '@type': 'Product' }))).toBe('product');
      w.dataLayer = [{ event: Symbol('x') }];
      expect(await landing(ld({ '@type': 'FAQPage' }))).toBe('faq');
      // A dataLayer whose every read throws.
      document.head.innerHTML = '';
      Object.defineProperty(window, 'dataLayer', {
        configurable: true,
        get: () => {
          throw new Error('no');
        },
      });
      const [pv] = await pageviews(await start());
      expect(pv.type).toBe('pageview');
      expect(pv.hint).toBeUndefined();
    } finally {
      delete w.dataLayer;
      window.removeEventListener('error', onError);
    }
    expect(errors).toEqual([]);
  });
});

describe('SPA views', () => {
  it('an SPA view reads the markup as rendered after the URL changed, and only the pushes made since', async () => {
    document.head.innerHTML = ld({ '@type': 'ItemList' });
    w.dataLayer = [{ event: 'view_item_list' }];
    const h = await start();
    // A router that changes the URL first and renders the new view (markup, pushes) right after.
    history.pushState(null, '', '/p/boots');
    document.head.innerHTML = ld({ '@type': 'Product' });
    await nextTask();
    // While the product is shown, a recommendations list scrolls into view: the product's push.
    (w.dataLayer as unknown[]).push({ event: 'view_item_list' });
    // A view whose markup names nothing and that pushes nothing: no hint (not the list's).
    history.pushState(null, '', '/about');
    document.head.innerHTML = '';
    await nextTask();
    history.pushState(null, '', '/cart');
    (w.dataLayer as unknown[]).push({ event: 'view_cart' });
    await nextTask();
    const views = await pageviews(h);
    expect(views.map((e) => [e.name, e.hint])).toEqual([
      ['/', 'list'],
      ['/p/boots', 'product'],
      ['/about', undefined],
      ['/cart', 'cart'],
    ]);
  });

  it('a loaded page’s <body data-cjm-checkout> is not an SPA view’s; URL rules are', async () => {
    document.body.setAttribute('data-cjm-checkout', 'view_cart');
    const h = await start({ checkout: { '/checkout/*': 'begin_checkout' } });
    history.pushState(null, '', '/somewhere');
    await nextTask();
    history.pushState(null, '', '/checkout/address');
    await nextTask();
    expect((await pageviews(h)).map((e) => [e.name, e.hint])).toEqual([
      ['/', 'cart'],
      ['/somewhere', undefined],
      ['/checkout/address', 'checkout'],
    ]);
  });

  it('events queued before the SPA view’s hint was known get it too', async () => {
    const h = await start({ flushInterval: 60_000 });
    history.pushState(null, '', '/p/boots');
    document.head.innerHTML = ld({ '@type': 'Product' });
    h.sdk.track('early'); // same task as the navigation: before the hint
    await nextTask();
    h.sdk.track('later');
    const events = (await sent(h)).filter((e) => e.url!.endsWith('/p/boots'));
    expect(events.map((e) => [e.name, e.hint])).toEqual([
      ['/p/boots', 'product'],
      ['early', 'product'],
      ['later', 'product'],
    ]);
  });
});

describe('an event sent before its view’s hint was known', () => {
  it('goes without it, once: the hint is not sent again', async () => {
    vi.spyOn(document, 'hasFocus').mockReturnValue(false); // no engagement event in between
    const h = await start({ batchSize: 2 });
    history.pushState(null, '', '/p/boots'); // page view 2 fills the batch: sent at once
    document.head.innerHTML = ld({ '@type': 'Product' });
    await settle();
    await nextTask();
    h.sdk.track('after');
    const events = await sent(h);
    expect(events.map((e) => [e.name, e.hint])).toEqual([
      ['/', undefined],
      ['/p/boots', undefined],
      ['after', 'product'],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
  });
});

describe('page-level events carry their page view’s hint, URL and page stage', () => {
  it('engagement, clicks, errors, feedback, forms and custom events', async () => {
    vi.spyOn(document, 'hasFocus').mockReturnValue(true);
    document.head.innerHTML = ld({ '@type': 'Product' }) + '<meta name="cjm:stage" content="consideration">';
    document.body.innerHTML =
      '<button data-cjm-event="share">Share</button><button data-cjm-feedback="4">🙂</button><form id="f"><input name="q"></form>';
    const h = await start();
    document.querySelector<HTMLElement>('[data-cjm-event]')!.click();
    document.querySelector<HTMLElement>('[data-cjm-feedback]')!.click();
    document.querySelector('input')!.dispatchEvent(new Event('input', { bubbles: true }));
    window.dispatchEvent(new ErrorEvent('error', { message: 'boom' }));
    h.sdk.track('custom');
    h.sdk.feedback(2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    hide();
    await settle();
    const events = h.events();
    expect(events.map((e) => e.name).sort()).toEqual(
      ['/', 'custom', 'engagement', 'feedback', 'feedback', 'form_abandon', 'form_start', 'js_error', 'share'].sort(),
    );
    for (const e of events)
      expect([e.name, e.hint, e.stage, e.url]).toEqual([e.name, 'product', 'consideration', 'http://localhost:3000/']);
  });

  it('the engagement of a view left by SPA navigation is the left view’s: URL, hint, page stage', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    try {
      vi.spyOn(document, 'hasFocus').mockReturnValue(true);
      history.replaceState(null, '', '/shoes');
      document.head.innerHTML = ld({ '@type': 'ItemList' }) + '<meta name="cjm:stage" content="awareness">';
      const h = await start({ stages: { '/p/*': 'consideration' } });
      vi.advanceTimersByTime(3000);
      // The router has already swapped the markup when the URL changes.
      document.head.innerHTML = ld({ '@type': 'Product' });
      history.pushState(null, '', '/p/boots');
      vi.advanceTimersByTime(2000);
      hide();
      await settle();
      const engagement = h.events().filter((e) => e.type == 'engagement');
      const at = (e: WireEvent) => [new URL(e.url!).pathname, e.hint, e.stage, e.props?.engaged_ms];
      expect(engagement.map(at)).toEqual([
        ['/shoes', 'list', 'awareness', 3000],
        ['/p/boots', 'product', 'consideration', 2000],
      ]);
      expect(
        h
          .events()
          .filter((e) => e.type == 'pageview')
          .map(at),
      ).toEqual([
        ['/shoes', 'list', 'awareness', undefined],
        ['/p/boots', 'product', 'consideration', undefined],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });
});
