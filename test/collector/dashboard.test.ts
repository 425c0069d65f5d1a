// @vitest-environment jsdom
// The dashboard's helpers in a DOM (jsdom): every user-supplied string becomes text, never
// markup (DOM builder, tooltips, the journey map), and figures are formatted for people.
import { afterEach, describe, expect, it } from 'vitest';
import { h } from '../../collector/dashboard/dom';
import { deltaBadge, duration, format, int, money, pct } from '../../collector/dashboard/format';
import { bounceSection } from '../../collector/dashboard/bounce';
import { funnelSection } from '../../collector/dashboard/funnel';
import { journeyMap } from '../../collector/dashboard/journey-map';
import { humanize, stepLabel } from '../../collector/dashboard/labels';
import { isoDate, period, readFilters, reportParams, writeFilters } from '../../collector/dashboard/state';
import { emotionTip, funnelTip, sankeyTip, tip } from '../../collector/dashboard/tooltips';
import { journeyReport, XSS_EVENT, XSS_PATH } from '../fixtures/journey-report';

/** No element the payloads could have created, anywhere under `el`. */
function expectInert(el: Element): void {
  expect(el.querySelectorAll('img, script, iframe, object').length).toBe(0);
  for (const node of el.querySelectorAll('*')) {
    for (const attr of node.getAttributeNames()) expect(attr.startsWith('on'), `${node.tagName} ${attr}`).toBe(false);
  }
}

afterEach(() => document.body.replaceChildren());

describe('dashboard DOM builder', () => {
  it('renders strings and numbers as text, payloads included', () => {
    const el = h('div', { class: 'x', title: XSS_EVENT }, XSS_EVENT, ' ', 42, null, false, [XSS_PATH]);
    document.body.append(el);
    expect(el.textContent).toBe(`${XSS_EVENT} 42${XSS_PATH}`);
    expect(el.getAttribute('title')).toBe(XSS_EVENT);
    expect(el.children.length).toBe(0);
    expectInert(document.body);
  });

  it('binds on* functions as listeners and never writes a string as an inline handler', () => {
    let clicks = 0;
    const el = h('button', { onclick: () => (clicks += 1), onmouseover: 'alert(1)' });
    el.click();
    expect(clicks).toBe(1);
    expect(el.hasAttribute('onclick')).toBe(false);
    expect(el.hasAttribute('onmouseover')).toBe(false);
  });

  it('sets styles through the CSSOM (no style attribute parsing of data)', () => {
    const el = h('span', { style: { width: '25%', '--stage': '#30123b' } });
    expect(el.style.width).toBe('25%');
    expect(el.style.getPropertyValue('--stage')).toBe('#30123b');
  });
});

describe('chart tooltips', () => {
  it('build text-only DOM for node, link, funnel and emotion tooltips', () => {
    const nodeTip = sankeyTip({ dataType: 'node', name: `3. ${XSS_EVENT}`, value: 9, data: { step: 3 } }, (n) => n.replace(/^\d+\. /, ''));
    const linkTip = sankeyTip({ dataType: 'edge', value: 9, data: { source: '2. /pricing', target: `3. ${XSS_EVENT}` } }, (n) =>
      n.replace(/^\d+\. /, ''),
    );
    const f = funnelTip(journeyReport.funnel.steps[1]!);
    const e = emotionTip(journeyReport.stages[2]!);
    const t = tip(XSS_PATH, [[XSS_EVENT, XSS_PATH]], '#000000');
    document.body.append(nodeTip, linkTip, f, e, t);
    expect(nodeTip.textContent).toBe(`${XSS_EVENT}Step 39 visits`);
    expect(linkTip.querySelector('.tip-title')!.textContent).toBe(`/pricing → ${XSS_EVENT}`);
    expect(f.textContent).toContain('Added to cart');
    expect(f.textContent).toContain('2 min');
    expect(e.textContent).toContain('2.6 of 5');
    expect(t.textContent).toBe(`${XSS_PATH}${XSS_EVENT}${XSS_PATH}`);
    expectInert(document.body);
  });
});

describe('journey map', () => {
  it('draws one column per stage in the site order, with figures and the payloads as text', () => {
    const map = journeyMap(journeyReport, true);
    document.body.append(map.el);
    const heads = [...document.querySelectorAll('.stage-head .stage-name')].map((e) => e.textContent);
    expect(heads).toEqual(['Awareness', 'Consideration', 'Decision', 'Retention', 'Advocacy']);
    const cell = (row: string, stage: string) => document.querySelector(`.cell[data-row="${row}"][data-stage="${stage}"]`)!.textContent;
    expect(cell('visitors', 'awareness')).toContain('1,240');
    // Reach over everyone in the journey, with who entered here.
    expect(cell('visitors', 'consideration')).toContain('reach 52 %');
    expect(cell('visitors', 'consideration')).toContain('entered here: 100 (8.1 %)');
    expect(cell('now', 'retention')).toContain('82');
    // Completion with what it means beside it.
    expect(cell('conversion', 'consideration')).toContain('38 %');
    expect(cell('conversion', 'consideration')).toContain('went on to Decision or later');
    expect(cell('conversion', 'decision')).toContain('41 %bought');
    expect(cell('conversion', 'decision')).toContain('95 of 230 people');
    expect(document.querySelector('.cell[data-row="conversion"][data-stage="decision"] .big')!.getAttribute('title')).toBe(
      'Decision: 41 % bought',
    );
    expect(cell('conversion', 'retention')).toContain('bought again or came back');
    expect(cell('conversion', 'advocacy')).toContain('39 %referred someone');
    expect(cell('bounce', 'awareness')).toContain('690 of 1,450 visits');
    expect(cell('touchpoints', 'awareness')).toContain(XSS_EVENT);
    expect(cell('pain', 'awareness')).toContain(XSS_PATH);
    expect(cell('targets', 'decision')).toContain('8.7 pts short');
    expect(document.querySelectorAll('.targets .missed').length).toBe(3);
    // The comparison badges: decision's conversion fell 5.7 points.
    expect(cell('conversion', 'decision')).toContain('▼ −5.7 pts');
    expectInert(document.body);
  });

  it('keeps a column for a configured stage without data', () => {
    const report = { ...journeyReport, stageNames: [...journeyReport.stageNames, 'loyalty'] };
    document.body.append(journeyMap(report, false).el);
    expect(document.querySelectorAll('.stage-head').length).toBe(6);
    expect(document.querySelector('.cell[data-row="touchpoints"][data-stage="loyalty"]')!.textContent).toBe('No touchpoints');
    expect(document.querySelector('.cell[data-row="conversion"][data-stage="loyalty"]')!.textContent).toBe('Last stage');
  });
});

describe('formatting', () => {
  it('formats counts, rates, money and durations for people', () => {
    expect(int(1234567)).toBe('1,234,567');
    expect(int(null)).toBe('—');
    expect(pct(0.4765)).toBe('48 %');
    expect(pct(0.0485)).toBe('4.9 %');
    expect(pct(0)).toBe('0 %');
    expect(pct(-0.00001)).toBe('0 %'); // never "-0 %"
    expect(pct(0.0999)).toBe('10 %');
    expect(pct(null)).toBe('—');
    expect(money(11874.5)).toBe('11,874.50');
    expect(duration(0)).toBe('at once');
    expect(duration(450)).toBe('< 1 s');
    expect(duration(45_000)).toBe('45 s');
    expect(duration(4 * 60_000)).toBe('4 min');
    expect(duration(130 * 60_000)).toBe('2 h 10 min');
    expect(duration((2 * 24 + 3) * 3_600_000)).toBe('2 d 3 h');
    expect(format('score', 4.06)).toBe('4.1');
  });

  it('shows changes as ▲/▼ with relative % for counts and points for rates, coloured by direction', () => {
    const up = deltaBadge({ current: 1240, previous: 1105, change: 135 }, 'count', true)!;
    expect(up.textContent).toBe('▲ +12.2 %');
    expect(up.className).toBe('delta good');
    const bounceDown = deltaBadge({ current: 0.412, previous: 0.447, change: -0.035 }, 'rate', false)!;
    expect(bounceDown.textContent).toBe('▼ −3.5 pts');
    expect(bounceDown.className).toBe('delta good');
    expect(deltaBadge({ current: 3, previous: 3, change: 0 }, 'ratio', false)!.className).toBe('delta flat');
    expect(deltaBadge({ current: null, previous: 2, change: null }, 'count', true)).toBeNull();
  });

  it('names checkout steps and stages in plain words', () => {
    expect(stepLabel('add_to_cart')).toBe('Added to cart');
    expect(stepLabel('custom_step')).toBe('Custom step');
    expect(humanize('post-purchase')).toBe('Post purchase');
  });
});

describe('checkout funnel and bounce sections', () => {
  it('counts each step with the later ones, shows what was lost, and switches between visits and people', () => {
    const switched: string[] = [];
    const f = funnelSection(journeyReport.funnel, null, (by) => switched.push(by));
    document.body.append(f.el);
    const rows = [...document.querySelectorAll('#funnel tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent));
    expect(rows[1]!.slice(0, 4)).toEqual(['Added to cart', '250', '52 %', '230 · 48 %']);
    expect(document.querySelector('#funnel thead')!.textContent).toContain('Visits at this step or later');
    expect(document.querySelector('#funnel .legend')!.textContent).toContain('A step repeated counts once');
    (document.querySelector('[data-funnel-by="people"]') as HTMLButtonElement).click();
    (document.querySelector('[data-funnel-by="visits"]') as HTMLButtonElement).click(); // already on: no reload
    expect(switched).toEqual(['people']);
    expect(document.querySelector('#funnel .fact.revenue')!.textContent).toBe('RevenueEUR 11,874.50');
  });

  it('shows several currencies each on its own', () => {
    const funnel = {
      ...journeyReport.funnel,
      revenueByCurrency: [
        { currency: 'EUR', purchases: 90, revenue: 11000 },
        { currency: 'USD', purchases: 6, revenue: 874.5 },
      ],
    };
    document.body.append(funnelSection(funnel, null).el);
    expect(document.querySelector('#funnel .fact.revenue')!.textContent).toBe(
      'Revenue (several currencies, not added up)EUR 11,000.00 · USD 874.50',
    );
  });

  it('lets the bounce ranking list every page, or only busier ones', () => {
    const chosen: number[] = [];
    document.body.append(bounceSection(journeyReport.bounceByLanding, 1, null, (n) => chosen.push(n)));
    const select = document.querySelector('#min-sessions') as HTMLSelectElement;
    expect(select.value).toBe('1');
    expect([...select.options].map((o) => o.textContent)).toContain('every page');
    select.value = '10';
    select.dispatchEvent(new Event('change'));
    expect(chosen).toEqual([10]);
  });
});

describe('filters in the URL', () => {
  it('round-trips the filters through the query string, leaving defaults out', () => {
    history.replaceState(null, '', '/?site=shop&range=custom&from=2026-11-01&to=2026-11-07&channel=email&compare=1&steps=4');
    const f = readFilters();
    expect(f).toMatchObject({
      site: 'shop',
      range: 'custom',
      from: '2026-11-01',
      to: '2026-11-07',
      channel: 'email',
      compare: true,
      steps: 4,
      pathMode: 'landing',
    });
    writeFilters({ ...f, range: '30', channel: '' });
    expect(location.search).toBe('?site=shop&steps=4&compare=1');
    history.replaceState(null, '', '/?site=shop&funnelBy=people&minSessions=5');
    const g = readFilters();
    expect(g).toMatchObject({ funnelBy: 'people', minSessions: 5 });
    expect(reportParams(g)).toMatchObject({ funnelBy: 'people', minSessions: 5 });
    expect(readFilters('?funnelBy=carts&minSessions=0')).toMatchObject({ funnelBy: 'visits', minSessions: 1 });
    // The attribution card's goal: purchases unless the URL names a goal.
    expect(readFilters('?site=shop').goal).toBe('purchase');
    writeFilters({ ...readFilters('?site=shop'), goal: 'newsletter' });
    expect(location.search).toBe('?site=shop&goal=newsletter');
    expect(readFilters().goal).toBe('newsletter');
  });

  it('turns the period into [from, to) in local calendar days', () => {
    const now = new Date(2026, 10, 23, 15, 30).getTime();
    const last7 = period({ ...readFilters(''), range: '7' }, now);
    expect(isoDate(last7.from)).toBe('2026-11-17');
    expect(last7.to).toBe(new Date(2026, 10, 24).getTime());
    const custom = period({ ...readFilters(''), range: 'custom', from: '2026-11-01', to: '2026-11-07' }, now);
    expect(custom).toEqual({ from: new Date(2026, 10, 1).getTime(), to: new Date(2026, 10, 8).getTime() });
    const params = reportParams(
      { ...readFilters(''), range: 'custom', from: '2026-11-01', to: '2026-11-07', pathMode: 'to', touchpoint: '/cart' },
      now,
    );
    expect(params).toMatchObject({ from: custom.from, to: custom.to, pathTo: '/cart', pathFrom: undefined, pathSteps: 5 });
  });
});
