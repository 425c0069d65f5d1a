// Test harness for the SDK in jsdom: a fresh copy of the SDK modules per test, a fake
// collector (fetch) whose answers each test scripts, and the batches it received.
import { afterEach, beforeEach, vi } from 'vitest';
import type { Batch, WireEvent } from '../../sdk/schema';
import type { Options } from '../../sdk/core/config';
import type { SiteSurveys } from '../../sdk/survey-schema';

export interface Harness {
  sdk: typeof import('../../sdk/index');
  site: string;
  /** Batches the fake collector received for this test's site, in order. */
  batches: Batch[];
  /** All events received, in order. */
  events(): WireEvent[];
  /** HTTP statuses the fake collector answers with, in order; then 202. 0 = network error. */
  replies: number[];
  headers: Record<string, string>;
}

let counter = 0;

/** Starts a fresh SDK for a unique site id (trackers of earlier tests keep running in jsdom). */
export const start = async (options: Partial<Options> = {}, replies: number[] = [], surveys?: SiteSurveys): Promise<Harness> => {
  vi.resetModules();
  const site = `t${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const h: Harness = {
    sdk: await import('../../sdk/index'),
    site,
    batches: [],
    events: () => h.batches.flatMap((b) => b.events),
    replies,
    headers: {},
  };
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string | URL, init?: RequestInit) => {
      // GET /surveys/<site> (sdk/capture/surveys.ts): this test's surveys, or none.
      if (!init)
        return Response.json(String(url).endsWith(`/surveys/${site}`) && surveys ? surveys : { capDays: 7, stages: [], surveys: [] });
      const batch = JSON.parse(init.body as string) as Batch;
      if (batch.site != site) return new Response(null, { status: 202 }); // an earlier test's tracker
      const status = h.replies.length ? h.replies.shift()! : 202;
      if (process.env.DEBUG_FETCH)
        console.log(
          'fetch',
          Date.now(),
          status,
          batch.events.map((e) => e.name),
        );
      if (status == 0) throw new TypeError('Failed to fetch');
      if (status < 300) h.batches.push(batch);
      return new Response(null, { status, headers: h.headers });
    }),
  );
  h.sdk.init({ site, endpoint: 'http://collector.test/collect', flushInterval: 1000, ...options });
  return h;
};

/** Lets pending promise callbacks (fetch replies) run. */
export const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** Events of this test's site still waiting in localStorage. */
export const stored = (site: string) =>
  Object.keys(localStorage)
    .filter((k) => k.startsWith(`cjm_e_${site}:`))
    .map((k) => JSON.parse(localStorage.getItem(k)!));

export const hide = () => {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
};

export const show = () => {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
};

/**
 * Fake timers (setTimeout and Date) and a visible page around every test of the calling file;
 * call once at its top level. Real timers, globals and spies are restored after each test.
 */
export function useFakeClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    show();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
}

/** A second SDK instance ("tab") on the same site and storage (jsdom's one localStorage) as the harness's first. */
export const secondTab = async (site: string) => {
  vi.resetModules();
  const sdk = await import('../../sdk/index');
  sdk.init({ site, endpoint: 'http://collector.test/collect', pageviews: false, flushInterval: 1000 });
  return sdk;
};
