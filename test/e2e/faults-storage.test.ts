// Delivery when the persisted outbox itself is shared or broken, in real Chromium: two tabs
// of one site sharing the queue, localStorage full, nearly full, or unavailable (private mode,
// blocked storage). The page must keep working and every event be stored exactly once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectExactlyOnce, scenario, settle, siteId, startRig, type Rig } from './faults-rig';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.close();
});
beforeEach(() => rig.proxy.setMode('pass'));

/** Fills this origin's localStorage to the last character (once per origin), keeping `free` characters. */
const fillStorage = (free: number) => `(() => {
  try {
    if (localStorage.getItem('filler0') !== null) return;
    let chunk = 'x'.repeat(1 << 20), i = 0;
    while (chunk.length) {
      try { localStorage.setItem('filler' + i++, chunk); } catch { chunk = chunk.slice(0, chunk.length >> 1); }
    }
    if (${free}) localStorage.setItem('filler0', localStorage.getItem('filler0').slice(${free}));
  } catch {}
})();`;

/** Private mode / blocked storage: merely reading window.localStorage throws. */
const BLOCK_STORAGE = `Object.defineProperty(window, 'localStorage', {
  configurable: true,
  get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
});`;

/** The page's own script still runs: a click updates the button. */
const pageStillWorks = async (page: Page) => {
  const before = Number(await page.textContent('#work'));
  await page.click('#work');
  expect(Number(await page.textContent('#work'))).toBe(before + 1);
};

describe('delivery with a shared or broken outbox (real Chromium)', { timeout: 180_000 }, () => {
  // settle() waits for the SDK's retries: up to 150 s
  it('two tabs of one site share the persisted queue: every id sent and stored once', async () => {
    const started = Date.now();
    const s = await scenario(rig, siteId('two-tabs'));
    const [a, b] = [await s.open(), await s.open()];
    for (let i = 0; i < 4; i++) {
      await Promise.all([s.track(a, 3), s.track(b, 3)]);
      await a.waitForTimeout(200);
    }
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    expect(o.redundant).toBe(0); // no double send: the lease keeps one tab off the other's batch
    await s.context.close();
  });

  it('two tabs while the collector fails every other request: stored once', async () => {
    const started = Date.now();
    const s = await scenario(rig, siteId('two-tabs-503'));
    rig.proxy.setMode('503');
    const [a, b] = [await s.open(), await s.open()];
    for (let i = 0; i < 4; i++) {
      await Promise.all([s.track(a, 3), s.track(b, 3)]);
      await a.waitForTimeout(200);
    }
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    expect(o.redundant).toBe(0);
    await s.context.close();
  });

  it('localStorage full: no page error, the page works, the live session is delivered', async () => {
    const started = Date.now();
    const s = await scenario(rig, siteId('storage-full'), {}, [fillStorage(0)]);
    const page = await s.open();
    expect(await page.evaluate(() => localStorage.length)).toBeGreaterThan(1); // really full
    await s.track(page, 4);
    await pageStillWorks(page);
    await s.track(page, 4);
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    expect(o.redundant).toBe(0);
    await s.context.close();
  });

  it('localStorage nearly full, with faults: no event sent or stored twice', async () => {
    const started = Date.now();
    const s = await scenario(rig, siteId('storage-nearly-full'), {}, [fillStorage(1500)]);
    rig.proxy.setMode('503');
    const page = await s.open();
    for (let i = 0; i < 4; i++) {
      await s.track(page, 4);
      await page.waitForTimeout(150);
    }
    await pageStillWorks(page);
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    expect(o.redundant).toBe(0);
    await s.context.close();
  });

  it('localStorage unavailable: no page error, the page works, the live session is delivered', async () => {
    const started = Date.now();
    const s = await scenario(rig, siteId('storage-unavailable'), {}, [BLOCK_STORAGE]);
    rig.proxy.setMode('503'); // and retries work from memory
    const page = await s.open();
    expect(
      await page.evaluate(() => {
        try {
          return !!localStorage;
        } catch {
          return 'throws';
        }
      }),
    ).toBe('throws');
    await s.track(page, 4);
    await pageStillWorks(page);
    await s.track(page, 4);
    const o = await settle(rig, s, started);
    expectExactlyOnce(s, o);
    expect(o.redundant).toBe(0);
    await s.context.close();
  });
});
