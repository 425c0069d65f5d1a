// Batching, flush triggers, the persisted outbox and its caps, retry with backoff.
import { describe, expect, it, vi } from 'vitest';
import { hide, settle, show, start, stored, useFakeClock } from './harness';

useFakeClock();

describe('batching', () => {
  it('sends after flushInterval, in one batch, with ids, visitor and session', async () => {
    const h = await start({ batchSize: 10 });
    h.sdk.track('a');
    h.sdk.track('b');
    expect(h.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(h.batches).toHaveLength(1);
    const [pv, a, b] = h.batches[0].events;
    expect([pv.type, a.name, b.name]).toEqual(['pageview', 'a', 'b']);
    expect(new Set([pv.id, a.id, b.id]).size).toBe(3);
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.visitor).toBe(pv.visitor);
    expect(a.session).toBe(pv.session);
    expect(h.batches[0].site).toBe(h.site);
    expect(typeof h.batches[0].sent).toBe('number');
    expect(stored(h.site)).toHaveLength(0); // acknowledged events leave the outbox
  });

  it('sends at once when batchSize events are waiting', async () => {
    const h = await start({ batchSize: 3 });
    h.sdk.track('a');
    expect(h.batches).toHaveLength(0);
    h.sdk.track('b'); // pageview + a + b = 3
    await settle();
    expect(h.batches).toHaveLength(1);
    expect(h.batches[0].events).toHaveLength(3);
  });

  it('flushes when the page is hidden and on pagehide', async () => {
    const h = await start();
    h.sdk.track('before-hide');
    hide();
    await settle();
    expect(h.events().map((e) => e.name)).toContain('before-hide');
    show();
    h.sdk.track('before-pagehide');
    window.dispatchEvent(new Event('pagehide'));
    await settle();
    expect(h.events().map((e) => e.name)).toContain('before-pagehide');
  });

  it('flush() sends now', async () => {
    const h = await start();
    h.sdk.track('x');
    h.sdk.flush();
    await settle();
    expect(h.events().map((e) => e.name)).toEqual([expect.stringMatching(/^\//), 'x']);
  });
});

describe('persisted outbox', () => {
  it('writes every event to storage before sending, and keeps unsent ones for the next page', async () => {
    const h = await start({}, [0, 0, 0, 0, 0, 0]);
    h.sdk.track('offline');
    expect(stored(h.site).map((e) => e.e.name)).toContain('offline');
    h.sdk.flush();
    await settle();
    expect(stored(h.site)).toHaveLength(2); // network error: kept

    // "Next page load": a new SDK instance for the same site delivers them once leases expire.
    vi.resetModules();
    const sdk2 = await import('../../sdk/index');
    h.replies.length = 0;
    sdk2.init({ site: h.site, endpoint: 'http://collector.test/collect', pageviews: false });
    await vi.advanceTimersByTimeAsync(61_000);
    await settle();
    expect(h.events().map((e) => e.name)).toContain('offline');
    expect(stored(h.site)).toHaveLength(0);
  });

  it('caps the outbox by events, dropping the oldest first', async () => {
    const h = await start({ maxEvents: 5, batchSize: 100 }, Array(50).fill(0));
    for (let i = 0; i < 12; i++) h.sdk.track('e' + i);
    const names = stored(h.site).map((e) => e.e.name);
    expect(names).toHaveLength(5);
    expect(names).toEqual(['e7', 'e8', 'e9', 'e10', 'e11']);
  });

  it('caps the outbox by bytes', async () => {
    const h = await start({ maxBytes: 4000, batchSize: 100 }, Array(50).fill(0));
    for (let i = 0; i < 20; i++) h.sdk.track('e' + i, { pad: 'x'.repeat(200) });
    const kept = stored(h.site);
    expect(JSON.stringify(kept).length).toBeLessThanOrEqual(4000);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.at(-1).e.name).toBe('e19');
  });

  it('never throws when storage is full, and still delivers from memory', async () => {
    const setItem = vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    try {
      const h = await start();
      expect(() => h.sdk.track('while-full')).not.toThrow();
      h.sdk.flush();
      await settle();
      expect(h.events().map((e) => e.name)).toContain('while-full');
    } finally {
      setItem.mockRestore();
    }
  });
});

describe('retry', () => {
  it.each([500, 503, 429, 0])('retries after %s with backoff, resending the same ids', async (status) => {
    const h = await start({}, [status, status]);
    h.sdk.track('x');
    h.sdk.flush();
    await settle();
    expect(h.batches).toHaveLength(0);
    expect(stored(h.site)[0].a).toBe(1);
    await vi.advanceTimersByTimeAsync(1000); // first backoff is 0.5–1 s
    await settle();
    expect(h.batches).toHaveLength(0); // second attempt failed as scripted
    expect(stored(h.site)[0].a).toBe(2);
    await vi.advanceTimersByTimeAsync(999);
    await settle();
    // second backoff is 1–2 s: may or may not have fired; after 2 s more it must have.
    await vi.advanceTimersByTimeAsync(2000);
    await settle();
    expect(h.batches).toHaveLength(1);
    const ids = h.events().map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(stored(h.site)).toHaveLength(0);
  });

  it('backs off exponentially, up to a minute', async () => {
    const h = await start({}, Array(12).fill(503));
    h.sdk.flush();
    await settle();
    const leases: number[] = [];
    for (let i = 0; i < 10; i++) {
      const [entry] = stored(h.site);
      leases.push(entry.l - Date.now());
      await vi.advanceTimersByTimeAsync(entry.l - Date.now() + 1);
      await settle();
    }
    expect(leases[0]).toBeLessThanOrEqual(1000);
    expect(leases[3]).toBeGreaterThanOrEqual(4000); // 2^3 s × jitter ≥ 0.5
    expect(Math.max(...leases)).toBeLessThanOrEqual(60_000);
  });

  it('honours Retry-After on 429', async () => {
    const h = await start({}, [429]);
    h.headers['Retry-After'] = '30';
    h.sdk.flush();
    await settle();
    // At least Retry-After, at most twice it (jitter, so that refused pages do not come back together).
    const wait = stored(h.site)[0].l - Date.now();
    expect(wait).toBeGreaterThanOrEqual(30_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    await vi.advanceTimersByTimeAsync(wait - 1000);
    await settle();
    expect(h.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1001);
    await settle();
    expect(h.batches).toHaveLength(1);
  });

  it('does not retry a single event refused with 400', async () => {
    const h = await start({ pageviews: false }, [400]);
    h.sdk.track('bad');
    h.sdk.flush();
    await settle();
    expect(stored(h.site)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(120_000);
    await settle();
    expect(h.batches).toHaveLength(0);
  });

  it('resends a refused batch one event at a time so only the bad event is lost', async () => {
    const h = await start({ pageviews: false }, [400, 202, 400, 202]);
    h.sdk.track('good1');
    h.sdk.track('bad');
    h.sdk.track('good2');
    h.sdk.flush();
    await settle();
    await vi.advanceTimersByTimeAsync(10);
    await settle();
    expect(h.events().map((e) => e.name)).toEqual(['good1', 'good2']);
    expect(h.batches.every((b) => b.events.length == 1)).toBe(true);
    expect(stored(h.site)).toHaveLength(0);
  });

  it('leases in-flight events so a second flush does not send them twice', async () => {
    const h = await start();
    h.sdk.track('x');
    h.sdk.flush();
    h.sdk.flush();
    await settle();
    const ids = h.events().map((e) => e.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });
});
