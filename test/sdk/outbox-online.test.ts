// Back online: what failed while offline is sent at once, not when its backoff ends (which by
// then may be up to a minute away).
import { expect, it, vi } from 'vitest';
import { settle, start, stored, useFakeClock } from './harness';

useFakeClock();

it('the online event sends the events backing off after network errors at once, each once', async () => {
  const h = await start({ pageviews: false }, [0, 0, 0, 0]); // offline: fetch fails four times
  h.sdk.track('while-offline');
  h.sdk.flush();
  await settle();
  for (let i = 1; i < 4; i++) {
    await vi.advanceTimersByTimeAsync(stored(h.site)[0].l - Date.now() + 1);
    await settle();
  }
  const [entry] = stored(h.site);
  expect(entry.a).toBe(4);
  expect(entry.l - Date.now()).toBeGreaterThan(3000); // the next try is 4–8 s away
  dispatchEvent(new Event('online'));
  await settle();
  expect(h.events().map((e) => e.name)).toEqual(['while-offline']);
  expect(stored(h.site)).toHaveLength(0);
  await vi.advanceTimersByTimeAsync(20_000); // the old backoff timer finds nothing left to send
  await settle();
  expect(h.events()).toHaveLength(1);
});

it("on the online event each tab sends its own events, not the other's too", async () => {
  const a = await start({ pageviews: false }, [0]);
  const requests = () =>
    vi.mocked(fetch).mock.calls.filter(([, init]) => init?.body && JSON.parse(init.body as string).site == a.site).length;
  a.sdk.track('from-a');
  a.sdk.flush();
  await settle();
  expect(stored(a.site)[0].a).toBe(1);
  vi.resetModules(); // tab B, on the same storage; both tabs get the event
  const b = await import('../../sdk/index');
  b.init({ site: a.site, endpoint: 'http://collector.test/collect', pageviews: false });
  await settle();
  expect(requests()).toBe(1);
  dispatchEvent(new Event('online'));
  await settle();
  expect(requests()).toBe(2); // tab A's retry only: B leaves A's event to A
  expect(a.events().map((e) => e.name)).toEqual(['from-a']);
});
