// Delivery under network faults, in real Chromium: the SDK from dist/cjm.js on a test page,
// the fault proxy between the page and a real collector. Every event the page produced must
// be stored exactly once (compared id by id with the export), whatever the proxy breaks.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitFor } from './helpers';
import { compare, expectExactlyOnce, outboxSize, scenario, settle, siteId, startRig, type Rig, type Scenario } from './faults-rig';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.close();
});
beforeEach(() => rig.proxy.setMode('pass'));

/** The largest attempt count among the page's stored outbox entries. */
const attempts = (page: Page, site: string) =>
  page.evaluate((prefix) => {
    let max = 0;
    for (const k of Object.keys(localStorage)) if (k.startsWith(prefix)) max = Math.max(max, JSON.parse(localStorage.getItem(k)!).a);
    return max;
  }, `cjm_e_${site}:`);

/** Tracks `rounds` groups of events a little apart, so batches and retries interleave. */
const trackInRounds = async (s: Scenario, page: Page, rounds: number, perRound: number) => {
  for (let i = 0; i < rounds; i++) {
    await s.track(page, perRound);
    await page.waitForTimeout(150);
  }
};

describe('delivery under faults (real Chromium, fault proxy, real collector)', { timeout: 180_000 }, () => {
  // settle() waits for the SDK's retries: up to 150 s
  it('no fault: every event stored once (baseline)', async () => {
    const started = Date.now();
    const s = await scenario(rig, siteId('pass'));
    const page = await s.open();
    await trackInRounds(s, page, 3, 4);
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    expect(o.faulted).toBe(0);
    expect(o.retries).toBe(0);
    await s.context.close();
  });

  it.each(['503', 'drop'] as const)('collector answering %s to every other request', async (mode) => {
    const started = Date.now();
    const s = await scenario(rig, siteId(`every-other-${mode}`));
    rig.proxy.setMode(mode);
    const page = await s.open();
    await trackInRounds(s, page, 4, 4);
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    expect(o.redundant).toBe(0); // no reply was lost, so nothing was sent after it arrived
    expect(o.faulted).toBeGreaterThan(0);
    await s.context.close();
  });

  it('collector answering 429 with Retry-After to every other request: the SDK waits that long', async () => {
    const started = Date.now();
    const s = await scenario(rig, siteId('every-other-429'));
    rig.proxy.setMode('429');
    const page = await s.open();
    await trackInRounds(s, page, 4, 4);
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    expect(o.redundant).toBe(0); // no reply was lost, so nothing was sent after it arrived
    expect(o.faulted).toBeGreaterThan(0);
    // Each refused batch comes back no sooner than Retry-After (2 s; the SDK's own first
    // backoff would be 0.5–1 s).
    const batches = rig.proxy.batches.filter((b) => b.ids.some((id) => s.produced.has(id)));
    const waits = batches
      .filter((b) => b.status === 429)
      .map((b) => batches.find((later) => later.at > b.at && later.ids.includes(b.ids[0]))!.at - b.at);
    expect(waits.length).toBeGreaterThan(0);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1900);
    await s.context.close();
  });

  it('connection dropped after the collector stored the batch: resent, stored once', async () => {
    const started = Date.now();
    const s = await scenario(rig, siteId('drop-reply'));
    rig.proxy.setMode('drop-reply');
    const page = await s.open();
    await trackInRounds(s, page, 4, 4);
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    expect(o.redundant).toBeGreaterThan(0); // the lost replies made the SDK send those ids again
    await s.context.close();
  });

  it('browser offline for a while, then back online', async () => {
    const started = Date.now();
    const s = await scenario(rig, siteId('offline'));
    const page = await s.open();
    await s.track(page, 3);
    await s.context.setOffline(true);
    await trackInRounds(s, page, 3, 3);
    // Offline long enough for at least two failed attempts.
    await waitFor(async () => (await attempts(page, s.site)) >= 2, 20_000, { message: 'two failed attempts while offline' });
    expect(await outboxSize(page, s.site)).toBeGreaterThan(0);
    await s.context.setOffline(false);
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    expect(o.redundant).toBe(0); // no reply was lost, so nothing was sent after it arrived
    expect(await outboxSize(page, s.site)).toBe(0);
    await s.context.close();
  });

  it('navigating away while a batch is in flight: the next page resends it, stored once', async () => {
    const started = Date.now();
    const s = await scenario(rig, siteId('leave-in-flight'));
    rig.proxy.setMode('hold');
    const page = await s.open();
    await s.track(page, 5); // with the page view: a full batch, sent at once
    await waitFor(() => rig.proxy.held() >= 1, 10_000, { message: 'a batch in flight' });
    await page.click('#next');
    await page.waitForURL(/-2\.html$/);
    await page.waitForFunction(() => !('q' in (window as unknown as { cjm: object }).cjm));
    rig.proxy.setMode('pass'); // the held batch reaches the collector; its reply reaches no page
    await s.track(page, 2);
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    await s.context.close();
  });

  it('closing the tab while a batch is in flight: the next visit resends it, stored once', async () => {
    const started = Date.now();
    const s = await scenario(rig, siteId('close-in-flight'));
    rig.proxy.setMode('hold');
    const first = await s.open();
    await s.track(first, 5);
    await waitFor(() => rig.proxy.held() >= 1, 10_000, { message: 'a batch in flight' });
    await first.close();
    rig.proxy.setMode('drop'); // the first held request is dropped, the second forwarded
    await waitFor(() => rig.proxy.held() === 0 && rig.proxy.inFlight() === 0, 10_000, { message: 'held requests handled' });
    rig.proxy.setMode('pass');
    const second = await s.open();
    await s.track(second, 2);
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    expect(await outboxSize(second, s.site)).toBe(0);
    await s.context.close();
  });

  it('navigating away while the collector is down: delivered once it is back', async () => {
    const started = Date.now();
    const s = await scenario(rig, siteId('leave-while-down'));
    rig.proxy.setMode('down');
    const page = await s.open();
    await s.track(page, 6);
    await waitFor(async () => (await attempts(page, s.site)) >= 1, 10_000, { message: 'a failed attempt' });
    await page.click('#next');
    await page.waitForURL(/-2\.html$/);
    await page.waitForFunction(() => !('q' in (window as unknown as { cjm: object }).cjm));
    await s.track(page, 2);
    rig.proxy.setMode('pass');
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    expect(o.redundant).toBe(0); // no reply was lost, so nothing was sent after it arrived
    await s.context.close();
  });

  it('collector down for the whole first visit, up on the second', async () => {
    const started = Date.now();
    const s = await scenario(rig, siteId('down-first-visit'));
    rig.proxy.setMode('down');
    const first = await s.open();
    await trackInRounds(s, first, 3, 4);
    await waitFor(async () => (await attempts(first, s.site)) >= 2, 15_000, { message: 'failed attempts' });
    await first.close();
    expect((await compare(rig, s, started)).delivered).toBe(0);
    rig.proxy.setMode('pass');
    const second = await s.open();
    await s.track(second, 2);
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    expect(o.redundant).toBe(0); // no reply was lost, so nothing was sent after it arrived
    await s.context.close();
  });
});
