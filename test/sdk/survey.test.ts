// Micro-surveys in the browser (jsdom): each trigger fires when and only when it should, the
// caps (per survey, per visit, per N days), sampling, targeting and consent hold, the widget is
// keyboard-usable and renders text only, and an answer is one feedback event.
import { beforeEach, describe, expect, it } from 'vitest';
import type { SiteSurveys, Survey } from '../../sdk/survey-schema';
import { settle, start, type Harness } from './harness';

type Def = Omit<Survey, 'site'>;
const heard: Def = {
  id: 'heard',
  question: 'How did you hear about us?',
  type: 'single',
  choices: ['Search', 'Friend'],
  other: true,
  trigger: { on: 'purchase' },
};
const site = (surveys: Def[], capDays = 7): SiteSurveys => ({
  capDays,
  stages: ['awareness', 'consideration', 'decision', 'retention', 'advocacy'],
  surveys,
});

const widget = () => document.querySelector<HTMLElement>('.cjm-survey');
/** Waits (real time) until `fn` holds: the config fetch and the chunk import are asynchronous. */
const until = async (fn: () => unknown, ms = 3000) => {
  for (const end = Date.now() + ms; !fn();) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};
/** Lets the surveys start (config fetched, chunk loaded) and any due one show. */
const ready = async () => {
  for (let i = 0; i < 10; i++) {
    await settle();
    await new Promise((r) => setTimeout(r, 20));
  }
};
const answers = async (h: Harness) => {
  h.sdk.flush();
  await settle();
  return h.events().filter((e) => e.type == 'feedback' && e.name == 'survey');
};
const key = (k: string, shiftKey = false) =>
  document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true, cancelable: true }));
const newVisit = () => localStorage.setItem('cjm_s', JSON.stringify(['another-visit', Date.now()]));

beforeEach(() => {
  document.head.innerHTML = '';
  document.body.innerHTML = '<button id="outside">outside</button>';
  history.replaceState(null, '', '/');
  localStorage.clear();
});

describe('triggers', () => {
  it('after a purchase tracked before the chunk arrived (found in the outbox), and not before', async () => {
    history.replaceState(null, '', '/thank-you/');
    const h = await start({}, [], site([heard]));
    h.sdk.track('add_to_cart');
    await ready();
    expect(widget()).toBeNull();
    h.sdk.track('purchase', { transaction_id: 'T1', value: 10 });
    await until(widget);
    expect(widget()!.getAttribute('data-cjm-survey-id')).toBe('heard');
  });

  it('purchase tracked before the surveys started shows it too', async () => {
    const h = await start({}, [], site([heard]));
    h.sdk.track('purchase', { transaction_id: 'T2' }); // still in the outbox when the chunk starts
    await until(widget);
    expect(h.events().length).toBe(0); // not sent yet: flushInterval
  });

  it('after N pages in a stage, on the Nth only', async () => {
    const h = await start({}, [], site([{ ...heard, trigger: { on: 'pages', count: 2, stage: 'consideration' } }]));
    await ready();
    history.pushState(null, '', '/products/tent'); // consideration #1
    history.pushState(null, '', '/blog/post'); // awareness
    await ready();
    expect(widget()).toBeNull();
    history.pushState(null, '', '/products/jacket'); // consideration #2
    await until(widget);
    void h;
  });

  it('after N seconds on a page of a stage', async () => {
    history.replaceState(null, '', '/cart/');
    await start({}, [], site([{ ...heard, trigger: { on: 'seconds', count: 1, stage: 'decision' } }]));
    await ready();
    expect(widget()).toBeNull();
    await until(widget, 3000);
  });

  it('on a custom event, by name', async () => {
    const h = await start({}, [], site([{ ...heard, trigger: { on: 'event', name: 'signup' } }]));
    await ready();
    h.sdk.track('newsletter');
    await ready();
    expect(widget()).toBeNull();
    h.sdk.track('signup');
    await until(widget);
  });

  it('on exit intent (pointer leaving through the top), not on other mouseouts', async () => {
    await start({}, [], site([{ ...heard, trigger: { on: 'exit' }, stages: ['decision'] }]));
    await ready();
    document.dispatchEvent(new MouseEvent('mouseout', { clientY: -2, bubbles: true })); // awareness page: not targeted
    expect(widget()).toBeNull();
    history.pushState(null, '', '/checkout/payment');
    document.body.dispatchEvent(new MouseEvent('mouseout', { clientY: 200, bubbles: true, relatedTarget: document.body }));
    expect(widget()).toBeNull();
    document.dispatchEvent(new MouseEvent('mouseout', { clientY: -2, bubbles: true }));
    expect(widget()).not.toBeNull();
  });

  it('on checkout abandonment: back to browsing after starting checkout without buying', async () => {
    const h = await start({}, [], site([{ ...heard, trigger: { on: 'abandon' } }]));
    await ready();
    history.pushState(null, '', '/products/tent');
    h.sdk.track('begin_checkout');
    history.pushState(null, '', '/checkout/payment'); // still checking out
    expect(widget()).toBeNull();
    history.pushState(null, '', '/blog/post'); // gave up
    expect(widget()).not.toBeNull();
  });

  it('by API only (cjm.survey); unknown ids do nothing', async () => {
    const h = await start({}, [], site([{ ...heard, trigger: { on: 'api' } }]));
    h.sdk.track('purchase');
    await ready();
    expect(widget()).toBeNull();
    h.sdk.survey('nope');
    await ready();
    expect(widget()).toBeNull();
    h.sdk.survey('heard');
    await until(widget);
  });

  it('from a data-cjm-survey button', async () => {
    await start({}, [], site([{ ...heard, trigger: { on: 'api' } }]));
    await ready();
    document.body.insertAdjacentHTML('beforeend', '<button data-cjm-survey="heard">Feedback?</button>');
    (document.querySelector('[data-cjm-survey]') as HTMLElement).click();
    expect(widget()).not.toBeNull();
  });
});

describe('caps, sampling, targeting, consent', () => {
  it('once per person per survey, never twice in one visit, a global cap of N days', async () => {
    const two = [heard, { ...heard, id: 'again', trigger: { on: 'event', name: 'signup' } } as Def];
    const h = await start({}, [], site(two));
    await ready();
    h.sdk.track('purchase');
    await until(widget);
    key('Escape'); // dismissed still counts as shown
    expect(widget()).toBeNull();
    h.sdk.track('purchase');
    h.sdk.track('signup'); // another survey, same visit
    await ready();
    expect(widget()).toBeNull();
    newVisit();
    h.sdk.track('signup'); // a new visit, but within the 7-day global cap
    await ready();
    expect(widget()).toBeNull();

    const h2 = await start({}, [], site(two, 0)); // no global cap: the new visit may show "again"
    await ready();
    newVisit();
    h2.sdk.track('signup');
    await until(widget);
    expect(widget()!.getAttribute('data-cjm-survey-id')).toBe('again');
  });

  it('caps hold across page loads (a new SDK on the same storage)', async () => {
    const h = await start({}, [], site([heard], 0));
    h.sdk.track('purchase');
    await until(widget);
    widget()!.querySelector<HTMLButtonElement>('.cjm-close')!.click();
    newVisit();
    const h2 = await start({ site: h.site }, [], site([heard], 0));
    h2.sdk.track('purchase');
    await ready();
    expect(widget()).toBeNull();
  });

  it('sampling 0 % never shows it automatically; targeting by path, stage and persona', async () => {
    const h = await start(
      { persona: 'fan' },
      [],
      site(
        [
          { ...heard, id: 's0', sample: 0 },
          { ...heard, id: 'path', paths: ['/shop/*'] },
          { ...heard, id: 'persona', personas: ['bargain-hunter'] },
          { ...heard, id: 'stage', stages: ['retention'] },
        ],
        0,
      ),
    );
    await ready();
    h.sdk.track('purchase');
    await ready();
    expect(widget()).toBeNull();
    history.pushState(null, '', '/shop/tent');
    h.sdk.track('purchase');
    await until(widget);
    expect(widget()!.getAttribute('data-cjm-survey-id')).toBe('path');
    expect(JSON.parse(localStorage.getItem(`cjm_sv_${h.site}`)!).sampled).toEqual({ s0: false, path: true });
  });

  it('never for an opted-out visitor, nor with Do-Not-Track', async () => {
    const h = await start({}, [], site([{ ...heard, trigger: { on: 'api' } }]));
    await ready();
    h.sdk.optOut();
    h.sdk.survey('heard');
    await ready();
    expect(widget()).toBeNull();

    Object.defineProperty(navigator, 'doNotTrack', { configurable: true, get: () => '1' });
    try {
      const h2 = await start({}, [], site([{ ...heard, trigger: { on: 'api' } }]));
      await ready();
      h2.sdk.survey('heard');
      await ready();
      expect(widget()).toBeNull();
    } finally {
      Object.defineProperty(navigator, 'doNotTrack', { configurable: true, get: () => null });
    }
  });
});

describe('the widget', () => {
  const open = async (d: Def) => {
    const h = await start({}, [], site([{ ...d, trigger: { on: 'api' } }]));
    await ready();
    document.getElementById('outside')!.focus();
    h.sdk.survey(d.id);
    await until(widget);
    return h;
  };

  it('is a labelled dialog that takes focus, traps Tab, closes on Escape and gives focus back', async () => {
    await open(heard);
    const box = widget()!;
    expect(box.getAttribute('role')).toBe('dialog');
    expect(box.getAttribute('aria-modal')).toBe('true');
    expect(document.getElementById(box.getAttribute('aria-labelledby')!)!.textContent).toBe(heard.question);
    expect(getComputedStyle(box).position).toBe('fixed'); // never shifts the page's layout
    const first = document.activeElement as HTMLInputElement;
    expect(first.value).toBe('Search');
    key('Tab', true); // Shift+Tab from the first control: the last one (close)
    expect(document.activeElement!.getAttribute('aria-label')).toBe('Close');
    key('Tab'); // and round again
    expect(document.activeElement).toBe(first);
    key('Escape');
    expect(widget()).toBeNull();
    expect(document.activeElement!.id).toBe('outside');
  });

  it('renders question, choices and answers as text; "Other" text is kept; the answer is one feedback event', async () => {
    const evil = '<img src=x onerror="window.pwned=1">';
    const h = await open({ ...heard, question: evil, choices: [evil, 'Friend'] });
    const box = widget()!;
    expect(box.querySelector('img')).toBeNull();
    expect(box.querySelector('legend')!.textContent).toBe(evil);
    box.querySelector<HTMLInputElement>('input[value="Other"]')!.click();
    box.querySelector<HTMLInputElement>('input[type=text]')!.value = evil;
    box.querySelector<HTMLButtonElement>('.cjm-send')!.click();
    expect(box.querySelector('[role=status]')!.textContent).toBe('Thank you!');
    const [a, ...more] = await answers(h);
    expect(more).toEqual([]);
    expect(a.props).toEqual({ survey: 'heard', question: evil, kind: 'single', answer: 'Other', other: evil });
    expect(document.querySelector('img')).toBeNull();
    expect((window as { pwned?: number }).pwned).toBeUndefined();
  });

  it('asks for an answer before sending; a 1–10 scale with labelled ends sends its value; multiple choice joins with |', async () => {
    const nps: Def = {
      id: 'nps',
      question: 'Recommend us?',
      type: 'scale',
      scale: 10,
      low: 'Never',
      high: 'Surely',
      trigger: { on: 'api' },
    };
    const h = await open(nps);
    const box = widget()!;
    expect(box.querySelectorAll('input[type=radio]').length).toBe(10);
    expect(box.querySelector('.cjm-ends')!.textContent).toBe('1 = Never10 = Surely');
    box.querySelector<HTMLButtonElement>('.cjm-send')!.click();
    expect(box.querySelector('[role=status]')!.textContent).toMatch(/choose an answer/);
    box.querySelector<HTMLInputElement>('input[value="9"]')!.click();
    box.querySelector<HTMLButtonElement>('.cjm-send')!.click();
    expect((await answers(h)).map((e) => e.props)).toEqual([
      { survey: 'nps', question: 'Recommend us?', kind: 'scale', value: 9, scale: 10 },
    ]);

    document.body.innerHTML = '<button id="outside">outside</button>';
    const many: Def = {
      id: 'why',
      question: 'What stopped you?',
      type: 'multiple',
      choices: ['Price', 'Shipping', 'Trust'],
      trigger: { on: 'api' },
    };
    const h2 = await open(many);
    for (const v of ['Price', 'Trust']) widget()!.querySelector<HTMLInputElement>(`input[value="${v}"]`)!.click();
    widget()!.querySelector<HTMLButtonElement>('.cjm-send')!.click();
    expect((await answers(h2))[0].props).toMatchObject({ kind: 'multiple', answer: 'Price|Trust' });
  });
});
