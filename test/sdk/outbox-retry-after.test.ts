// Retry-After must not synchronise retries. Found while chasing an "event lost" failure of
// test/e2e/faults-storage.test.ts ("two tabs while the collector fails every other request"):
// the event was not lost but late (retried 6 times, stored after 51 s, while the rig stopped
// waiting at 40 s; the rig now waits for the SDK's retry schedule). The proxy's log showed why
// the tail was long: the backoff's jitter only applied below Retry-After, so every batch told
// "retry in 2 s" retried exactly 2.00 s later, both tabs' failed batches came back in the same
// order round after round, and the same ones took the failing turns. Now the wait is
// Retry-After × 1–2, so pages refused together come back apart.
import { expect, it, vi } from 'vitest';
import { secondTab, settle, start, stored, useFakeClock } from './harness';

useFakeClock();

it('two tabs refused together with the same Retry-After retry at different moments, neither early', async () => {
  const a = await start({ pageviews: false }, [503, 503]);
  a.headers['Retry-After'] = '2';
  const b = await secondTab(a.site);
  a.sdk.track('from-a');
  b.track('from-b');
  vi.spyOn(Math, 'random').mockReturnValueOnce(0.1).mockReturnValueOnce(0.9);
  a.sdk.flush();
  b.flush();
  await settle();
  const now = Date.now();
  const waits = stored(a.site).map((entry) => entry.l - now);
  expect(waits).toHaveLength(2);
  for (const w of waits) {
    expect(w).toBeGreaterThanOrEqual(2000); // Retry-After wins over the shorter backoff
    expect(w).toBeLessThanOrEqual(4000);
  }
  expect(Math.abs(waits[0] - waits[1])).toBeGreaterThanOrEqual(1000); // not in lockstep
  // And both arrive, once each, when their own retry is due.
  await vi.advanceTimersByTimeAsync(4001);
  await settle();
  expect(
    a
      .events()
      .map((e) => e.name)
      .sort(),
  ).toEqual(['from-a', 'from-b']);
  expect(stored(a.site)).toHaveLength(0);
});
