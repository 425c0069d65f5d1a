// The outbox when localStorage is nearly full. Found by test/e2e/faults-storage.test.ts: an
// event stored while there was room, whose next write (a lease, a backoff) no longer fitted,
// lived on twice, the new state in memory and the old one in storage, and was sent twice in
// one batch. A write that storage refuses now also removes the stale stored copy.
import { expect, it, vi } from 'vitest';
import { settle, start, useFakeClock } from './harness';

useFakeClock();

it('an event whose later writes no longer fit in storage is sent once per batch', async () => {
  const setItem = Storage.prototype.setItem;
  // Room for each event's first write only: every rewrite of an outbox entry is over quota.
  vi.spyOn(Storage.prototype, 'setItem').mockImplementation(function (this: Storage, key: string, value: string) {
    if (key.startsWith('cjm_e_') && this.getItem(key) !== null) throw new DOMException('full', 'QuotaExceededError');
    setItem.call(this, key, value);
  });
  const h = await start({ pageviews: false }, [503]);
  h.sdk.track('x');
  h.sdk.flush();
  await settle();
  await vi.advanceTimersByTimeAsync(2000); // past the first backoff
  await settle();
  expect(h.events().map((e) => e.name)).toEqual(['x']);
  expect(Object.keys(localStorage).filter((k) => k.startsWith(`cjm_e_${h.site}:`))).toEqual([]);
});
