// The Node collector on Postgres (CJM_DATABASE_URL; a real server from test/helpers/postgres.ts)
// with real Chromium: two visits through the demo shop are stored once each, the export, the
// journey report and the dashboard answer,
// a replay of the very batches the pages sent stores nothing, retention deletes what lies before
// a cutoff and erasure the rest, and /health tells the store works.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { freshDatabase } from '../helpers/postgres';
import {
  exportEvents,
  launchBrowser,
  PERSON_USER_AGENT,
  recordSent,
  startCollector,
  waitForStored,
  type ExportedEvent,
  type SentEvent,
  type TestCollector,
} from './helpers';

const SITE = 'shop';
let collector: TestCollector;
let browser: Browser;

/** One visit: a landing page and a product page, then away; what the pages sent and what was stored. */
async function visit(path: string): Promise<{ sent: SentEvent[]; stored: ExportedEvent[] }> {
  const context = await browser.newContext();
  const log = await recordSent(context, collector.url);
  const page = await context.newPage();
  await page.goto(`${collector.url}${path}`, { waitUntil: 'load' });
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/demo/products/trail-runner/', { waitUntil: 'load' }),
    page.click('text=Shop the sale'),
  ]);
  await page.goto('about:blank'); // pagehide: the last batch leaves
  const sent = await log.read();
  const stored = await waitForStored(collector, SITE, sent);
  await context.close();
  return { sent, stored };
}

const auth = () => ({ Authorization: `Bearer ${collector.token}` });

beforeAll(async () => {
  collector = await startCollector({ databaseUrl: await freshDatabase() });
  browser = await launchBrowser({ userAgent: PERSON_USER_AGENT });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await collector?.close();
});

it('stores a Chromium visit once, replays store nothing, retention and erasure delete what they must', async () => {
  const health = await fetch(`${collector.url}/health`);
  expect(health.status).toBe(200);

  const first = await visit('/demo/spring-sale/?utm_source=facebook&utm_medium=paid_social');
  const second = await visit('/demo/spring-sale/');
  expect(first.stored.length).toBe(new Set(first.sent.map((e) => e.id)).size);
  expect(first.stored.length).toBeGreaterThanOrEqual(2);
  expect(new Set(first.stored.map((e) => e.visitor)).size).toBe(1);
  expect(first.stored[0]!.visitor).not.toBe(second.stored[0]!.visitor);
  expect(first.stored.map((e) => [e.type, e.path, e.channel])).toEqual(first.stored.map((e) => [e.type, e.path, 'paid social']));
  const all = await exportEvents(collector, SITE);
  expect(all.map((e) => e.id).sort()).toEqual([...first.stored, ...second.stored].map((e) => e.id).sort());

  // The journey report answers from Postgres with both visits in it, and the dashboard draws it.
  const journey = await fetch(`${collector.url}/api/sites/${SITE}/journey?minSessions=1`, { headers: auth() });
  expect(journey.status).toBe(200);
  const report = (await journey.json()) as { totals: { visitors: number; sessions: number; pageviews: number }; stageNames: string[] };
  expect(report.totals).toMatchObject({ visitors: 2, sessions: 2 });
  expect(report.totals.pageviews).toBe(all.filter((e) => e.type === 'pageview').length);
  const dashboard = await browser.newPage();
  await dashboard.goto(`${collector.url}/`);
  await dashboard.fill('#login-site', SITE);
  await dashboard.fill('#login-token', collector.token);
  await dashboard.click('#login-submit');
  await dashboard.waitForSelector('.map .stage-head');
  expect(await dashboard.textContent('[data-kpi="visitors"] .kpi-value')).toBe('2');
  await dashboard.close();

  // The very events again, as a client retrying would send them: every one is a duplicate.
  const replay = await fetch(`${collector.url}/collect`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': PERSON_USER_AGENT },
    body: JSON.stringify({ site: SITE, sent: Date.now(), events: first.sent }),
  });
  expect(replay.status).toBe(202);
  expect(await replay.json()).toEqual({ accepted: 0, duplicates: first.sent.length });
  expect((await exportEvents(collector, SITE)).length).toBe(all.length);

  // Retention: everything before the second visit's first event goes, the second visit stays.
  const cut = Math.min(...second.stored.map((e) => e.time));
  await collector.server.store.deleteBefore(cut, SITE);
  const kept = await exportEvents(collector, SITE);
  expect(kept.map((e) => e.id).sort()).toEqual(second.stored.map((e) => e.id).sort());

  // Erasure of the second visitor: nothing of theirs is left, and a replay of their events is refused as erased.
  const erase = await fetch(`${collector.url}/api/sites/${SITE}/visitors/${encodeURIComponent(second.stored[0]!.visitor!)}`, {
    method: 'DELETE',
    headers: auth(),
  });
  expect(erase.status).toBe(200);
  expect(await erase.json()).toMatchObject({ deleted: second.stored.length });
  expect(await exportEvents(collector, SITE)).toEqual([]);
  const again = await fetch(`${collector.url}/collect`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': PERSON_USER_AGENT },
    body: JSON.stringify({ site: SITE, sent: Date.now(), events: second.sent.map((e) => ({ ...e, id: `${e.id}x` })) }),
  });
  expect(again.status).toBe(202);
  expect(await exportEvents(collector, SITE)).not.toEqual([]); // received after the erasure: a new start
  expect((await fetch(`${collector.url}/health`)).status).toBe(200);
}, 120_000);
