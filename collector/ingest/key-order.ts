// Batches that share a session or visitor are stored in the order they arrived, each after the
// one before it has been stored: a batch's journey (its session's channel, a returning
// customer's stage) is read from what is stored, so a page's batch that arrives while the
// previous page's is still being stored must wait for it, or it would see a session without a
// past ("direct"). Batches of other sessions and visitors do not wait for each other, so a
// busy site keeps its concurrency (and SQLite its group commits). Per process: the journal's
// folder stores one batch at a time anyway.

const tails = new Map<string, Promise<void>>();

/**
 * Runs `work` after every earlier call that shares one of `keys` has settled, and before any
 * later one that does; calls with no key in common run concurrently.
 * @example await inKeyOrder([`shop\0s-1`, `shop\0v-1`], () => storeBatch())
 */
export async function inKeyOrder<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
  const before = keys.map((k) => tails.get(k)).filter((p): p is Promise<void> => !!p);
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  // Registered before the first await, so a batch arriving meanwhile queues behind this one.
  for (const k of keys) tails.set(k, mine);
  try {
    await Promise.all(before);
    return await work();
  } finally {
    done();
    for (const k of keys) if (tails.get(k) === mine) tails.delete(k);
  }
}
