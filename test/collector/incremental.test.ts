// The incremental rollups on SQLite: random deliveries through the store equal a rebuild from
// events (test/collector/incremental-property.ts; test/workers/incremental.test.ts runs it on D1).
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { storeWithRawDb, tempDir } from './helpers';
import { runIncrementalProperty } from './incremental-property';

const tmp = tempDir();
afterAll(tmp.cleanup);
let n = 0;

runIncrementalProperty(
  'sqlite',
  async () => {
    const path = join(tmp.dir, `incremental-${n++}.db`);
    return storeWithRawDb(path);
  },
  300,
);
