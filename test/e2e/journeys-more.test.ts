// Journeys across visits, the remaining screens (issue 14) in real Chromium against a real
// collector: the attribution scenario's four people (test/collector/attribution-fixture.ts) and a
// fifth whose campaign name is markup, posted to /collect; the marketer signs in and sees each
// touchpoint's top campaign, filters by campaign (kept in the URL), and the later cards.
// Screenshots go to test-output/.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASH, pct } from '../../collector/dashboard/format';
import type { JourneyReport } from '../../collector/report/types';
import { attributionFixture } from '../collector/attribution-fixture';
import { engagementPosts } from '../collector/engagement-fixture';
import { UA } from '../collector/fixtures';
import { launchBrowser, startCollector, type TestCollector } from './helpers';

const XSS_CAMPAIGN = '<img src=x onerror=alert(4)>';
const XSS_LABEL = '<b onmouseover=alert(5)>Newsletter</b>';
let collector: TestCollector;
let browser: Browser;
const now = Date.now();
const fx = attributionFixture(now);

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${collector.url}${path}`, { headers: { Authorization: `Bearer ${collector.token}` } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

/** Signs in and waits for the map; logs page errors and dialogs (an alert would be an XSS). */
async function open(query = '', site = 'shop'): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`${collector.url}/${query}`);
  await page.fill('#login-site', site);
  await page.fill('#login-token', collector.token);
  await page.click('#login-submit');
  await page.waitForSelector('.touchpoints li');
  return { page, problems, close: () => context.close() };
}

beforeAll(async () => {
  collector = await startCollector();
  browser = await launchBrowser();
  const posts = [...fx.posts];
  const ts = fx.at(2.5);
  posts.push({
    body: {
      site: 'shop',
      sent: now,
      events: [
        {
          id: 'x5',
          type: 'pageview',
          name: '/blog/x',
          ts,
          visitor: 'p5',
          session: 'p5a',
          url: `https://shop.example/blog/x?utm_source=mail&utm_medium=email&utm_campaign=${encodeURIComponent(XSS_CAMPAIGN)}`,
        },
      ],
    },
    headers: { 'content-type': 'text/plain', 'user-agent': UA.chrome },
  });
  // Engagement: three visits on another site, so the scenario's figures above stay as they are.
  for (const e of engagementPosts(now)) posts.push({ ...e, body: { ...e.body, site: 'blog' } });
  for (const p of posts) {
    const res = await fetch(`${collector.url}/collect`, { method: 'POST', body: JSON.stringify(p.body), headers: p.headers });
    expect(res.status, await res.clone().text()).toBe(202);
  }
  for (const goal of [{ goal: 'newsletter_signup', label: XSS_LABEL }, { goal: '/products/a' }]) {
    const res = await fetch(`${collector.url}/api/sites/shop/goals`, {
      method: 'POST',
      body: JSON.stringify(goal),
      headers: { Authorization: `Bearer ${collector.token}`, 'content-type': 'application/json' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
  mkdirSync('test-output', { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await collector?.close();
});

describe('campaign context on the map', () => {
  it('shows each touchpoint’s top campaign as text, and filters by campaign through the URL (screenshot)', async () => {
    const r = await api<JourneyReport>(`/api/sites/shop/journey?from=${fx.from}&to=${now + 1000}`);
    const blog = r.stages.find((s) => s.stage === 'awareness')!.touchpoints.find((t) => t.touchpoint === '/blog/x')!;
    expect(blog.topCampaign).toEqual({ name: XSS_CAMPAIGN, visitors: 1, visits: 1, share: 0.5 }); // p5a of p1a (twitter, none) and p5a
    const { page, problems, close } = await open();
    const line = page.locator('.touchpoints li', { hasText: '/blog/x' }).first();
    await expect.poll(() => line.locator('.tp-campaign').textContent()).toBe(`Campaign ${XSS_CAMPAIGN} ${pct(0.5)}`);
    expect(await page.locator('.touchpoints img').count()).toBe(0);
    await page.locator('.map').first().screenshot({ path: 'test-output/map-top-campaign.png' });

    // The campaign menu lists the period's campaigns; choosing one narrows the map and the URL keeps it.
    await page.selectOption('#filter-campaign', 'autumn');
    await page.waitForURL((u) => u.searchParams.get('campaign') === 'autumn');
    await expect.poll(() => page.locator('.touchpoints li', { hasText: '/blog/x' }).count()).toBe(0);
    await page.reload();
    await page.waitForSelector('.touchpoints li');
    expect(await page.locator('#filter-campaign').inputValue()).toBe('autumn');
    await page.locator('form.filters').screenshot({ path: 'test-output/filters-campaign.png' });
    expect(problems).toEqual([]);
    await close();
  }, 60_000);
});

describe('goals declared without code', () => {
  it('lists the goals with their rates, and the attribution card’s picker shows a goal’s credits (screenshot)', async () => {
    const { page, problems, close } = await open();
    await page.waitForSelector('#goals table.goals');
    const rows = page.locator('#goals tbody tr');
    expect(await rows.count()).toBe(2);
    // By name: the page first; 5 people in the period (the 4 of the scenario and p5, who is in
    // awareness too: P1 and P4 of the 3 there went on to the page).
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual([
      '/products/a',
      '2',
      pct(2 / 5),
      pct(2 / 3),
      pct(0.5),
      pct(0),
      DASH,
      DASH,
      'Attribution',
    ]);
    expect(await rows.nth(1).locator('td').first().textContent()).toBe(XSS_LABEL);
    expect(await page.locator('#goals b').count()).toBe(0);
    await page.locator('#goals').screenshot({ path: 'test-output/goals.png' });

    // The picker: purchases first; choosing the sign-up credits P4's email visit.
    expect(await page.locator('#attribution-goal option').allTextContents()).toEqual(['Purchases', '/products/a', XSS_LABEL]);
    await page.selectOption('#attribution-goal', 'newsletter_signup');
    await page.waitForSelector('#attribution p:has-text("1 conversion")');
    expect(await page.locator('#attribution p', { hasText: /^1 conversion$/ }).count()).toBe(1); // not "1 conversions"
    // A goal has no revenue: credits without a money figure ("· 0.00"), its latest conversions.
    expect(await page.locator('#attribution table.attribution td .muted').count()).toBe(0);
    expect(await page.locator('#attribution details summary', { hasText: 'Latest conversions and their paths' }).count()).toBe(1);
    const email = page.locator('#attribution table.attribution tbody tr', { hasText: 'email' }).first();
    expect(await email.locator('td').nth(1).textContent()).toBe('1');
    expect(await page.locator('#attribution-goal').inputValue()).toBe('newsletter_signup');
    // Kept in the URL like the filters: the same link shows the same goal after a reload.
    expect(new URL(page.url()).searchParams.get('goal')).toBe('newsletter_signup');
    await page.reload();
    await page.waitForSelector('#attribution p:has-text("1 conversion")');
    expect(await page.locator('#attribution-goal').inputValue()).toBe('newsletter_signup');
    // The goals card's link does the same for the page goal.
    await rows.nth(0).locator('button').click();
    await expect.poll(() => page.locator('#attribution-goal').inputValue()).toBe('/products/a');
    await page.waitForSelector('#attribution p:has-text("2 conversions")');
    await page.locator('#attribution').screenshot({ path: 'test-output/attribution-goal.png' });
    expect(problems).toEqual([]);
    await close();
  }, 60_000);
});

describe('stages over time', () => {
  it('draws each stage’s reach per day beside visits and purchases, with the same figures as a table (screenshot)', async () => {
    const r = await api<JourneyReport>(`/api/sites/shop/journey?from=${fx.from}&to=${now + 1000}`);
    const { page, problems, close } = await open();
    await page.waitForSelector('#over-time .over-time-chart canvas');
    await page.click('#over-time summary');
    const rows = page.locator('#over-time table.over-time tbody tr');
    // The dashboard's period (last 30 days) lists every day; the API's days with people match its rows.
    for (const b of r.overTime.buckets.filter((x) => x.people > 0)) {
      const row = rows.filter({ has: page.locator('td:first-child', { hasText: b.start }) });
      expect(await row.locator('td').allTextContents()).toEqual([
        b.start,
        ...[b.visitors, b.visits, b.purchases, b.people].map(String),
        ...b.stages.map((s) => pct(s.reach)),
      ]);
    }
    expect(r.overTime.buckets.reduce((n, b) => n + b.purchases, 0)).toBe(3);
    await page.locator('#over-time').screenshot({ path: 'test-output/over-time.png' });
    expect(problems).toEqual([]);
    await close();
  }, 60_000);
});

describe('engaged time and scroll depth', () => {
  it('shows them per stage and per landing page (screenshot)', async () => {
    const { page, problems, close } = await open('', 'blog');
    await page.waitForSelector('#engagement table.engagement-landing');
    // The hand-computed figures of test/collector/engagement-fixture.ts.
    expect(await page.locator('#engagement table.engagement-stages tbody tr').first().locator('td').allTextContents()).toEqual([
      'Awareness',
      '2',
      '6 s',
      '50 %',
      pct(0.5),
    ]);
    expect(await page.locator('#engagement table.engagement-landing tbody tr').first().locator('td').allTextContents()).toEqual([
      '/a',
      '2',
      '21 s',
      '50 %',
      pct(0.5),
    ]);
    await page.locator('#engagement').screenshot({ path: 'test-output/engagement.png' });
    expect(problems).toEqual([]);
    await close();
  }, 60_000);
});

describe('two segments side by side', () => {
  it('compares email with direct as two columns, the API’s figures (screenshot)', async () => {
    const { page, problems, close } = await open();
    await page.waitForSelector('#segments #segment-a');
    await page.selectOption('#segment-a', 'channel:email');
    await page.selectOption('#segment-b', 'channel:direct');
    await page.click('#segments-compare');
    await page.waitForSelector('#segments table.segments');
    const head = await page.locator('#segments table.segments thead th').allTextContents();
    expect(head).toEqual(['', 'channel: email', 'channel: direct']);
    const rows = await page
      .locator('#segments table.segments tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows[0]).toEqual(['People', '3', '2']); // P1, P4 and P5 came by email; P1 and P4 direct
    expect(rows[2]).toEqual(['Purchases', '0', '2']);
    expect(rows.find((r) => r[0] === 'Decision: completion')).toEqual(['Decision: completion', DASH, pct(1)]);
    await page.locator('#segments').screenshot({ path: 'test-output/segments.png' });
    expect(problems).toEqual([]);
    await close();
  }, 60_000);
});

describe('paths per person across visits', () => {
  it('switches the Sankey to people, with the visit boundaries as steps, kept in the URL (screenshot)', async () => {
    const { page, problems, close } = await open();
    await page.waitForSelector('#paths #paths-by');
    await page.selectOption('#paths-by', 'person');
    await page.click('#paths button[type=submit]');
    await page.waitForURL((u) => u.searchParams.get('pathsBy') === 'person');
    const chart = page.locator('#paths .sankey-chart');
    await expect.poll(async () => (await chart.getAttribute('aria-label')) ?? '').toContain('(next visit)');
    // P1: the blog post (twitter), then the newsletter's product page, then the purchase visit.
    expect(await chart.getAttribute('aria-label')).toContain('/blog/x → (next visit) → /products/a → (next visit) → /products/a (1)');
    expect(await page.locator('#paths .legend').textContent()).toContain('ways people went');
    await page.locator('#paths').screenshot({ path: 'test-output/person-paths.png' });
    expect(problems).toEqual([]);
    await close();
  }, 60_000);
});
