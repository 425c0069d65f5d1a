// Debug mode (data-debug / init({ debug: true })): the console says why events do not reach the
// report — a batch the collector refused (with its status and error), a batch that could not be
// sent, an opted-out browser, a browser that looks like a bot — and nothing without it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { settle, start } from './harness';

const said = (warn: { mock: { calls: unknown[][] } }): string[] => warn.mock.calls.map((c) => c.join(' '));

/** Waits until the debug chunk (imported by capture) has wrapped the harness's fetch. */
const debugLoaded = () => vi.waitFor(() => expect(vi.isMockFunction(window.fetch)).toBe(false), { timeout: 5000 });

describe('debug mode', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    localStorage.removeItem('cjm_optout');
  });

  it('says when the collector refuses a batch, with its status, and when a batch could not be sent', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const h = await start({ debug: true }, [403, 0]);
    await debugLoaded();
    h.sdk.track('signup');
    h.sdk.flush();
    await vi.waitFor(() => expect(said(warn).some((m) => /cjm debug: the collector refused \d+ events: 403/.test(m))).toBe(true));
    h.sdk.track('again');
    h.sdk.flush();
    await vi.waitFor(() => expect(said(warn).some((m) => m.includes('could not send'))).toBe(true), { timeout: 5000 });
  });

  it('says that this browser opted out', async () => {
    localStorage.setItem('cjm_optout', '1');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await start({ debug: true });
    await vi.waitFor(() => expect(said(warn).some((m) => m.includes('opted out'))).toBe(true), { timeout: 5000 });
  });

  it('says nothing without debug mode', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const h = await start({}, [403]);
    h.sdk.track('signup');
    h.sdk.flush();
    for (let i = 0; i < 5; i++) await settle();
    await new Promise((r) => setTimeout(r, 200));
    expect(said(warn).filter((m) => m.includes('cjm'))).toEqual([]);
  });

  it('says Do-Not-Track / GPC turned tracking off', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    Object.defineProperty(navigator, 'doNotTrack', { value: '1', configurable: true });
    try {
      await start({ debug: true });
      expect(said(warn)).toContain('cjm: off (DNT/GPC)');
    } finally {
      Object.defineProperty(navigator, 'doNotTrack', { value: null, configurable: true });
    }
  });
});
