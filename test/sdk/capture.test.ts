// Journey capture in the browser: stages, touchpoints, checkout steps, forms, engagement,
// frustration signals, feedback, consent.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WireEvent } from '../../sdk/schema';
import { hide, settle, show, start, stored, type Harness } from './harness';

const sent = async (h: Harness) => {
  h.sdk.flush();
  await settle();
  return h.events();
};
const named = async (h: Harness, name: string) => (await sent(h)).filter((e) => e.name == name);
const click = (el: Element, x = 10, y = 10) =>
  el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, clientX: x, clientY: y }));

beforeEach(() => {
  show();
  document.head.innerHTML = '';
  document.body.innerHTML = '';
  for (const a of [...document.body.attributes]) document.body.removeAttribute(a.name);
  history.replaceState(null, '', '/');
  localStorage.clear();
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('journey stage precedence', () => {
  const setup = async () => {
    history.replaceState(null, '', '/blog/post');
    document.head.innerHTML = '<meta name="cjm:stage" content="consideration">';
    document.body.innerHTML =
      '<section data-cjm-stage="decision"><button data-cjm-event="cta">Buy</button></section><button id="plain" data-cjm-event="plain">x</button>';
    return start({ stages: { '/blog/*': 'awareness' } });
  };

  it('explicit track({stage}) beats everything', async () => {
    const h = await setup();
    h.sdk.stage('retention');
    h.sdk.track('x', { stage: 'advocacy', a: 1 });
    const [e] = await named(h, 'x');
    expect(e.stage).toBe('advocacy');
    expect(e.props).toEqual({ a: 1 }); // stage is a field, not a prop
  });

  it('cjm.stage() holds for the rest of the page view, over the element', async () => {
    const h = await setup();
    h.sdk.stage('retention');
    click(document.querySelector('[data-cjm-event=cta]')!);
    expect((await named(h, 'cta'))[0].stage).toBe('retention');
    history.pushState(null, '', '/blog/other'); // a new view forgets it
    h.sdk.track('after');
    expect((await named(h, 'after'))[0].stage).toBe('consideration');
  });

  it('element (or ancestor) data-cjm-stage beats the page meta', async () => {
    const h = await setup();
    click(document.querySelector('[data-cjm-event=cta]')!);
    expect((await named(h, 'cta'))[0].stage).toBe('decision');
  });

  it('page meta beats URL rules', async () => {
    const h = await setup();
    click(document.getElementById('plain')!);
    expect((await named(h, 'plain'))[0].stage).toBe('consideration');
  });

  it('URL rules apply last; exact paths win over patterns; no rule leaves it to the collector', async () => {
    history.replaceState(null, '', '/pricing');
    const h = await start({ stages: { '/pri*': 'awareness', '/pricing': 'consideration', '/checkout/*': 'decision' } });
    history.pushState(null, '', '/checkout/payment');
    history.pushState(null, '', '/about');
    const stages = (await sent(h)).filter((e) => e.type == 'pageview').map((e) => e.stage);
    expect(stages).toEqual(['consideration', 'decision', undefined]);
  });
});

describe('touchpoints and auto-capture', () => {
  it('custom click events carry data-cjm-prop-* props (numbers as numbers) and the element as touchpoint', async () => {
    document.body.innerHTML =
      '<div data-cjm-touchpoint="hero banner"><a href="/x" data-cjm-event="promo" data-cjm-prop-plan="pro" data-cjm-prop-price="9.5">Go <b>pro</b></a></div><button data-cjm-event="b">  Add to cart </button>';
    const h = await start();
    click(document.querySelector('b')!);
    click(document.querySelector('button')!, 200, 200);
    const [promo] = await named(h, 'promo');
    expect(promo.props).toEqual({ plan: 'pro', price: 9.5 });
    expect(promo.touchpoint).toBe('hero banner');
    expect((await named(h, 'b'))[0].touchpoint).toBe('Add to cart');
  });

  it('outbound links and file downloads', async () => {
    document.body.innerHTML =
      '<a id=o href="https://other.example/page">out</a><a id=d href="/files/guide.pdf">pdf</a><a id=i href="/inside">in</a><a id=m href="mailto:a@b.c">mail</a>';
    const h = await start();
    for (const id of ['o', 'd', 'i', 'm']) {
      const a = document.getElementById(id)!;
      a.addEventListener('click', (e) => e.preventDefault());
      click(a, Math.random() * 1000, Math.random() * 1000);
    }
    const events = (await sent(h)).filter((e) => e.type == 'event');
    expect(events.map((e) => [e.name, e.props?.url])).toEqual([
      ['outbound', 'https://other.example/page'],
      ['download', 'http://localhost:3000/files/guide.pdf'],
    ]);
  });

  it('nothing inside data-cjm-ignore is captured', async () => {
    document.body.innerHTML = '<div data-cjm-ignore><button data-cjm-event="secret">x</button></div>';
    const h = await start();
    click(document.querySelector('button')!);
    expect(await named(h, 'secret')).toEqual([]);
  });

  it('site search terms from the configured query parameter', async () => {
    history.replaceState(null, '', '/search?query=trail+shoes');
    const h = await start();
    expect((await named(h, 'search'))[0].props).toEqual({ term: 'trail shoes' });
    history.pushState(null, '', '/find?k=socks');
    const h2 = await start({ search: 'k' });
    expect((await named(h2, 'search'))[0].props).toEqual({ term: 'socks' });
  });
});

describe('checkout steps', () => {
  it('by API, by data-cjm-checkout on body, button and form, and by URL rule', async () => {
    history.replaceState(null, '', '/product/1');
    document.body.dataset.cjmCheckout = 'view_item';
    document.body.setAttribute('data-cjm-prop-value', '129');
    document.body.innerHTML =
      '<button data-cjm-checkout="add_to_cart" data-cjm-prop-item_id="p1">Add</button><form data-cjm-checkout="add_shipping_info" data-cjm-prop-shipping_tier="express"><input name=zip></form>';
    const h = await start({ checkout: { '/checkout/payment': 'add_payment_info' } });
    click(document.querySelector('button')!);
    document.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    history.pushState(null, '', '/checkout/payment');
    h.sdk.track('purchase', { value: 129, currency: 'EUR', transaction_id: 'T1', items: [{ item_id: 'p1', price: 129, quantity: 1 }] });
    const steps = (await sent(h)).filter((e) => /^(view_item|add_|purchase)/.test(e.name));
    expect(steps.map((e) => [e.name, e.props])).toEqual([
      ['view_item', { value: 129 }],
      ['add_to_cart', { item_id: 'p1' }],
      ['add_shipping_info', { shipping_tier: 'express' }],
      ['add_payment_info', {}],
      ['purchase', { value: 129, currency: 'EUR', transaction_id: 'T1', items: [{ item_id: 'p1', price: 129, quantity: 1 }] }],
    ]);
  });
});

describe('forms', () => {
  const form = () => {
    document.body.innerHTML = '<form id="signup"><input name="email" required><input name="secret" value=""><button>Go</button></form>';
    return document.querySelector('form')!;
  };

  it('start, submit — and never a field value', async () => {
    const f = form();
    const h = await start();
    const input = f.querySelector<HTMLInputElement>('[name=secret]')!;
    input.value = 'hunter2';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('input', { bubbles: true }));
    f.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    const events = (await sent(h)).filter((e) => e.name.startsWith('form_'));
    expect(events.map((e) => [e.name, e.props, e.touchpoint])).toEqual([
      ['form_start', { form: 'signup' }, 'signup'],
      ['form_submit', { form: 'signup' }, 'signup'],
    ]);
    expect(JSON.stringify(h.batches)).not.toContain('hunter2');
  });

  it('abandon when the page is hidden after a start without submit', async () => {
    const f = form();
    const h = await start();
    f.querySelector('input')!.dispatchEvent(new Event('input', { bubbles: true }));
    hide();
    hide(); // once only
    expect((await named(h, 'form_abandon')).length).toBe(1);
  });

  it('failed validation is a pain point, once per submit attempt', async () => {
    const f = form();
    const h = await start();
    f.requestSubmit(); // email is required and empty: `invalid` fires, `submit` does not
    const pains = (await sent(h)).filter((e) => e.type == 'pain');
    expect(pains.map((e) => [e.name, e.props])).toEqual([['form_error', { form: 'signup', field: 'email' }]]);
    expect(await named(h, 'form_submit')).toEqual([]);
  });
});

describe('engagement', () => {
  it('sends engaged time and scroll depth when hidden, and on SPA navigation for the page left', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    try {
      vi.spyOn(document, 'hasFocus').mockReturnValue(true);
      const h = await start();
      vi.advanceTimersByTime(4000);
      history.pushState(null, '', '/second');
      vi.advanceTimersByTime(3000);
      hide();
      await settle();
      const eng = h.events().filter((e) => e.type == 'engagement');
      expect(eng.map((e) => [new URL(e.url!).pathname, e.props?.engaged_ms])).toEqual([
        ['/', 4000],
        ['/second', 3000],
      ]);
      expect(typeof eng[0].props?.scroll).toBe('number');
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not count time while the page is hidden or unfocused', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    try {
      const focus = vi.spyOn(document, 'hasFocus').mockReturnValue(true);
      const h = await start();
      vi.advanceTimersByTime(1000);
      focus.mockReturnValue(false);
      window.dispatchEvent(new Event('blur'));
      vi.advanceTimersByTime(60_000);
      hide();
      await settle();
      expect(h.events().find((e) => e.type == 'engagement')!.props?.engaged_ms).toBe(1000);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('frustration signals', () => {
  it('three clicks on one spot within a second are one rage click', async () => {
    document.body.innerHTML = '<button id=size>Size guide</button>';
    const h = await start();
    const b = document.getElementById('size')!;
    for (let i = 0; i < 5; i++) click(b, 100 + i, 100);
    click(b, 400, 400); // far away: not part of it
    const rage = (await sent(h)).filter((e) => e.name == 'rage_click');
    expect(rage).toHaveLength(1);
    expect(rage[0].type).toBe('pain');
    expect(rage[0].touchpoint).toBe('Size guide');
  });

  it('clicks spread out in time or space are not rage', async () => {
    document.body.innerHTML = '<button>x</button>';
    const h = await start();
    const b = document.querySelector('button')!;
    click(b, 0, 0);
    click(b, 100, 0);
    click(b, 200, 0);
    expect(await named(h, 'rage_click')).toEqual([]);
  });

  it('JS errors and unhandled rejections, truncated and deduplicated per page', async () => {
    const h = await start();
    for (let i = 0; i < 3; i++) window.dispatchEvent(new ErrorEvent('error', { message: 'boom' }));
    window.dispatchEvent(new ErrorEvent('error', { message: 'x'.repeat(1000) }));
    const rejection = new Event('unhandledrejection') as Event & { reason: unknown };
    rejection.reason = new Error('nope');
    window.dispatchEvent(rejection);
    window.dispatchEvent(new Event('error')); // a failed <img>: not a script error
    const errors = await named(h, 'js_error');
    expect(errors.map((e) => (e.props?.message as string).length)).toEqual([4, 300, 4]);
    expect(errors[2].props?.message).toBe('nope');
    expect(errors.every((e) => e.type == 'pain')).toBe(true);
  });

  it('a promise rejected without a reason is still a JS error', async () => {
    const h = await start();
    window.dispatchEvent(new Event('unhandledrejection')); // Promise.reject()
    expect((await named(h, 'js_error')).map((e) => e.props?.message)).toEqual(['undefined']);
  });
});

describe('feedback', () => {
  it('cjm.feedback(score, {comment, touchpoint}) and declarative buttons', async () => {
    document.body.innerHTML =
      '<form data-cjm-touchpoint="help: find answers"><textarea data-cjm-comment></textarea><button type=button data-cjm-feedback="2">2</button></form>';
    const h = await start();
    h.sdk.feedback(4, { comment: 'quick', touchpoint: 'support chat' });
    h.sdk.feedback(9); // out of range: ignored
    document.querySelector('textarea')!.value = 'could not find sizes';
    click(document.querySelector('button')!);
    const fb = (await sent(h)).filter((e) => e.type == 'feedback');
    expect(fb.map((e) => [e.props?.score, e.props?.comment, e.touchpoint])).toEqual([
      [4, 'quick', 'support chat'],
      [2, 'could not find sizes', 'help: find answers'],
    ]);
  });
});

describe('people and consent', () => {
  it('identify sets the user on later events; the persona comes from traits or the option', async () => {
    const h = await start({ persona: 'researcher' });
    h.sdk.identify('u-1', { persona: 'bargain-hunter' });
    h.sdk.track('after');
    const events = await sent(h);
    const id = events.find((e) => e.type == 'identify')!;
    expect(id.props).toEqual({ persona: 'bargain-hunter' });
    expect(events.find((e) => e.name == 'after')!.user).toBe('u-1');
    expect(events[0].persona).toBe('researcher');
  });

  it.each([
    ['doNotTrack', '1'],
    ['globalPrivacyControl', true],
  ])('sends nothing when %s is set, unless dnt: false', async (key, value) => {
    Object.defineProperty(navigator, key, { configurable: true, get: () => value });
    try {
      const h = await start();
      h.sdk.track('x');
      expect(await sent(h)).toEqual([]);
      const h2 = await start({ dnt: false });
      h2.sdk.track('x');
      expect((await sent(h2)).map((e: WireEvent) => e.name)).toContain('x');
    } finally {
      Object.defineProperty(navigator, key, { configurable: true, get: () => undefined });
    }
  });

  it('optOut persists across page loads and drops queued events; optIn resumes', async () => {
    const h = await start({}, [0, 0, 0]);
    h.sdk.track('queued');
    h.sdk.optOut();
    expect(stored(h.site)).toEqual([]);
    h.sdk.track('while-out');
    const again = await start();
    again.sdk.track('next-page');
    expect(await sent(again)).toEqual([]);
    again.sdk.optIn();
    again.sdk.track('back');
    expect((await sent(again)).map((e) => e.name)).toEqual(['back']);
  });

  it('cookieless mode keeps nothing in storage and still sends', async () => {
    const h = await start({ cookieless: true });
    h.sdk.track('x');
    expect(Object.keys(localStorage).filter((k) => k.startsWith('cjm'))).toEqual([]);
    expect((await sent(h)).map((e) => e.name)).toEqual(['/', 'x']);
  });
});
