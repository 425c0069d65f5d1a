// The collector's stage rules (docs/journey.md "Stages"): an action's name, then its page's
// signals (hint, URL keywords, site search), retention for returning customers, else awareness.
import { describe, expect, it } from 'vitest';
import { inferRole, inferStage, stageOf, type StageInput } from '../../collector/journey/stages';
import { pathRole } from '../../collector/journey/page-signals';

const ev = (over: Partial<StageInput>): StageInput => ({ type: 'pageview', name: '/', path: '/', url: null, hint: null, ...over });
const page = (path: string, hint: string | null = null, url: string | null = null) => ev({ name: path, path, hint, url });

describe('stage by event name', () => {
  it.each([
    ['view_item', 'checkout', 'consideration'],
    ['view_item_list', 'event', 'consideration'],
    ['add_to_cart', 'event', 'decision'],
    ['begin_checkout', 'checkout', 'decision'],
    ['sign_up', 'checkout', 'decision'],
    ['purchase', 'checkout', 'decision'],
    ['refund', 'checkout', 'retention'],
    ['reorder', 'event', 'retention'],
    ['login', 'event', 'retention'],
    ['account', 'event', 'retention'],
    ['support_contact', 'event', 'retention'],
    ['ticket_solved', 'event', 'retention'],
    ['order_shipped', 'event', 'retention'],
    ['review', 'event', 'advocacy'],
    ['share', 'event', 'advocacy'],
    ['referral', 'event', 'advocacy'],
  ])('%s (%s) → %s', (name, type, stage) => {
    expect(inferStage(ev({ name, type, path: '/about' }), false)).toBe(stage);
  });

  it('a purchase by a returning customer is retention', () => {
    expect(inferStage(ev({ name: 'purchase', type: 'checkout' }), true)).toBe('retention');
  });

  it('a name without a rule takes its page’s stage', () => {
    expect(inferStage(ev({ type: 'event', name: 'newsletter', path: '/pricing' }), false)).toBe('consideration');
    expect(inferStage(ev({ type: 'event', name: 'newsletter', path: '/' }), false)).toBe('awareness');
  });
});

describe('page-level events never move a stage', () => {
  it.each(['engagement', 'pain', 'vital', 'feedback'])('%s takes its page’s stage, whatever its name', (type) => {
    // A js_error named like a retention signal, on a product page: still the product page's stage.
    expect(inferStage(ev({ type, name: 'login', path: '/products/tent' }), false)).toBe('consideration');
    expect(inferStage(ev({ type, name: 'share', path: '/checkout/thank-you' }), false)).toBe('decision');
  });
});

describe('stage by page signals', () => {
  it('the page-type hint from markup comes first', () => {
    expect(inferStage(page('/tent-2p', 'product'), false)).toBe('consideration');
    expect(inferStage(page('/summer', 'list'), false)).toBe('consideration');
    expect(inferStage(page('/questions', 'faq'), false)).toBe('consideration');
    expect(inferStage(page('/products/tent', 'article'), false)).toBe('awareness'); // markup beats the URL
    expect(inferStage(page('/step-2', 'checkout'), false)).toBe('decision');
    expect(inferStage(page('/bag-view', 'cart'), false)).toBe('decision');
    expect(inferStage(page('/blog/x', 'unknown-future-hint'), false)).toBe('awareness'); // ignored
  });

  it.each([
    ['/', null],
    ['/about', null],
    ['/blog/layering', 'awareness'],
    ['/id/artikel/tips', 'awareness'],
    ['/news/2026', 'awareness'],
    ['/products/trail-runner', 'consideration'],
    ['/p/123', 'consideration'],
    ['/item/9', 'consideration'],
    ['/shop', 'consideration'],
    ['/category/tents', 'consideration'],
    ['/collections/summer', 'consideration'],
    ['/pricing', 'consideration'],
    ['/plans', 'consideration'],
    ['/compare', 'consideration'],
    ['/products/tent/reviews', 'consideration'],
    ['/de/produkte/zelt', 'consideration'],
    ['/fr/produits/tente.html', 'consideration'],
    ['/cart', 'decision'],
    ['/basket', 'decision'],
    ['/keranjang', 'decision'],
    ['/checkout/payment', 'decision'],
    ['/bayar', 'decision'],
    ['/thank-you', 'decision'],
    ['/de/warenkorb', 'decision'],
    ['/checkout/account', 'decision'], // a checkout flow's pages, however they are named
    ['/cart/login', 'decision'],
    ['/account', 'retention'],
    ['/account/login', 'retention'],
    ['/masuk', 'retention'],
    ['/orders/123', 'retention'],
    ['/support', 'retention'],
    ['/help/returns', 'retention'],
    ['/review/tent', 'advocacy'],
    ['/refer', 'advocacy'],
    ['/blog/products-we-love', 'awareness'], // a whole segment, not a word inside one
    ['/PRODUCTS/Tent', 'consideration'],
    ['/categoría/zapatos', 'consideration'], // accents folded
    ['/pt/preços', 'consideration'],
    ['/categoria/zapatos', 'consideration'],
  ])('path %s → %s', (path, role) => {
    expect(pathRole(path)).toBe(role);
  });

  it('a site search is consideration', () => {
    expect(inferStage(page('/', null, 'https://shop.example/?q=tent'), false)).toBe('consideration');
    expect(inferStage(page('/', null, 'https://shop.example/?s=tent'), false)).toBe('consideration');
    expect(inferStage(page('/', null, 'https://shop.example/?search=tent'), false)).toBe('consideration');
    expect(inferStage(page('/', null, 'https://shop.example/?q='), false)).toBe('awareness');
    expect(inferStage(page('/', null, 'https://shop.example/?utm_source=x'), false)).toBe('awareness');
  });

  it('a page with no signal is awareness', () => {
    expect(inferStage(page('/about'), false)).toBe('awareness');
  });
});

describe('returning customers', () => {
  it('a later visit after a purchase is retention, unless the page says decision or advocacy', () => {
    expect(inferRole(page('/'), true)).toBe('retention');
    expect(inferRole(page('/blog/x'), true)).toBe('retention');
    expect(inferRole(page('/products/tent'), true)).toBe('retention');
    expect(inferRole(page('/cart'), true)).toBe('decision');
    expect(inferRole(page('/review/tent'), true)).toBe('advocacy');
  });
});

describe('the site’s own stage list', () => {
  it('maps a role to the nearest earlier stage the list has', () => {
    const three = ['awareness', 'consideration', 'decision'];
    expect(stageOf('retention', three)).toBe('decision');
    expect(stageOf('advocacy', three)).toBe('decision');
    expect(inferStage(ev({ type: 'event', name: 'review' }), false, three)).toBe('decision');
    expect(inferStage(ev({ type: 'checkout', name: 'purchase' }), true, three)).toBe('decision');
  });

  it('a list naming none of the default stages gets its first stage', () => {
    expect(inferStage(page('/x'), false, ['acquisition', 'onboarding', 'engagement'])).toBe('acquisition');
    expect(inferStage(page('/cart'), false, ['acquisition', 'onboarding', 'engagement'])).toBe('acquisition');
  });
});
