// The fold thread (started by fold-thread.ts through fold-worker-entry.mjs): opens its own connection to the store and stores
// each group of journaled rows it is sent (ingest storeEnriched), one at a time, answering
// { id } or { id, error }. Errors the batch's data causes are marked `refused`, so the folder
// sets that batch aside instead of retrying it.
import { parentPort, workerData } from 'node:worker_threads';
import { storeEnriched } from '../ingest';
import type { FoldReply, FoldRequest, FoldThreadSetup } from './fold-thread';
import { rootMessage } from '../store/health';
import { refusedFor } from './folder';
import { openStore } from './open-store';

const setup = workerData as FoldThreadSetup;
const port = parentPort!;
const reply = (message: FoldReply) => port.postMessage(message);

try {
  const store = await openStore(setup.store, true);
  // One group at a time, in the order sent: the folder awaits each answer before the next.
  let queue = Promise.resolve();
  port.on('message', (msg: FoldRequest) => {
    queue = queue.then(async () => {
      if (msg === null) {
        await store.close();
        port.close();
        return;
      }
      try {
        await storeEnriched(msg.rows, store, setup.stages);
        reply({ id: msg.id });
      } catch (err) {
        reply({
          id: msg.id,
          error: { message: String((err as Error)?.message ?? err), cause: rootMessage(err), refused: refusedFor(err) },
        });
      }
    });
  });
  reply({ ready: true });
} catch (err) {
  reply({ startError: String((err as Error)?.message ?? err) });
  port.close();
}
