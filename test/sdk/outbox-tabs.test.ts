// Two tabs of one site share the persisted outbox. Found by test/e2e/faults-storage.test.ts:
// when both tabs flushed at the same moment, each sent the other's fresh events too (storage
// reaches other tabs' processes with a delay, so a lease written by one tab may not be seen
// yet by the other). A tab now leaves another tab's fresh events to it and takes them over
// only once they are old enough that their tab must be gone.
import { expect, it, vi } from 'vitest';
import { secondTab, settle, start, stored, useFakeClock } from './harness';

useFakeClock();

it("a tab does not send another tab's fresh events; their own tab does, once", async () => {
  const a = await start({ pageviews: false });
  a.sdk.track('from-a');
  const b = await secondTab(a.site);
  b.track('from-b');
  b.flush();
  await settle();
  expect(a.events().map((e) => e.name)).toEqual(['from-b']);
  await vi.advanceTimersByTimeAsync(1000); // tab A's own flush interval
  await settle();
  expect(a.events().map((e) => e.name)).toEqual(['from-b', 'from-a']);
  expect(stored(a.site)).toHaveLength(0);
});

it('a tab takes over the events of a tab that is gone, once they are old', async () => {
  const a = await start({ pageviews: false }, [0]); // tab A's only attempt fails…
  a.sdk.track('orphan');
  a.sdk.flush();
  await settle();
  expect(stored(a.site)[0].a).toBe(1);
  vi.resetModules(); // …and tab A is gone: its timers would still run in jsdom, so stop them
  vi.clearAllTimers();
  const b = await secondTab(a.site);
  await vi.advanceTimersByTimeAsync(16_000);
  await settle();
  expect(a.events().map((e) => e.name)).toEqual(['orphan']);
  expect(stored(a.site)).toHaveLength(0);
  b.flush();
});

it("a tab leaves another tab's retry to it, and takes it over only a while after it was due", async () => {
  const a = await start({ pageviews: false }, [503]);
  a.sdk.track('retry');
  a.sdk.flush();
  await settle();
  const [entry] = stored(a.site);
  expect(entry.a).toBe(1);
  vi.clearAllTimers(); // tab A is gone before its retry
  const b = await secondTab(a.site);
  await vi.advanceTimersByTimeAsync(entry.l - Date.now() + 100);
  await settle();
  expect(a.events()).toHaveLength(0); // due, but tab A's to retry for a while
  await vi.advanceTimersByTimeAsync(5000);
  await settle();
  expect(a.events().map((e) => e.name)).toEqual(['retry']);
  b.flush();
});
