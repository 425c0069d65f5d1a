// Batching while earlier events back off. Found by test/e2e/faults.test.ts: once a batch was
// waiting to be retried, the outbox counted it towards the batch size, so every new event was
// sent at once in a request of its own, hitting a failing collector once per event.
import { expect, it, vi } from 'vitest';
import { settle, start, stored, useFakeClock } from './harness';

useFakeClock();

it('events queued while a batch backs off are still sent together', async () => {
  const h = await start({ pageviews: false, batchSize: 3 }, [503]);
  const requests = () =>
    vi.mocked(fetch).mock.calls.filter(([, init]) => init?.body && JSON.parse(init.body as string).site == h.site).length;
  h.sdk.track('a');
  h.sdk.track('b');
  h.sdk.track('c'); // a full batch: sent at once, refused with 503, backing off
  await settle();
  expect(requests()).toBe(1);
  h.sdk.track('d');
  h.sdk.track('e');
  await settle();
  expect(requests()).toBe(1); // d and e wait for the flush interval (or a full batch)
  await vi.advanceTimersByTimeAsync(3000);
  await settle();
  expect(h.batches.map((b) => b.events.map((e) => e.name))).toEqual(
    expect.arrayContaining([
      ['d', 'e'],
      ['a', 'b', 'c'],
    ]),
  );
  expect(requests()).toBe(3);
  expect(stored(h.site)).toHaveLength(0);
});

// Found by test/e2e/faults-storage.test.ts's proxy log: a failed batch of 5 was retried as a
// request of 1 event and another of 4 a millisecond later, because each event's new lease was
// Date.now() + wait read per event, and the clock ticked in between. Against a collector that
// fails every other request, the split made more requests and more retry chains.
it('a failed batch is retried whole, in one request, even when the clock ticks while it is rescheduled', async () => {
  const h = await start({ pageviews: false, batchSize: 3 }, [503]);
  const requests = () =>
    vi.mocked(fetch).mock.calls.filter(([, init]) => init?.body && JSON.parse(init.body as string).site == h.site).length;
  const now = Date.now.bind(Date);
  let tick = 0;
  const clock = vi.spyOn(Date, 'now').mockImplementation(() => now() + tick++); // 1 ms per read
  h.sdk.track('a');
  h.sdk.track('b');
  h.sdk.track('c');
  await settle();
  clock.mockRestore();
  expect(requests()).toBe(1);
  const leases = stored(h.site).map((e) => e.l);
  expect(new Set(leases).size).toBe(1); // one lease for the batch
  await vi.advanceTimersByTimeAsync(Math.max(...leases) - Date.now() + 1);
  await settle();
  expect(requests()).toBe(2);
  expect(h.batches.map((b) => b.events.map((e) => e.name))).toEqual([['a', 'b', 'c']]);
});
