// The data-lifecycle contract (retention, erasure) on the SQLite adapter.
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore } from '../../collector/store/sqlite';
import { tempDir } from './helpers';
import { runLifecycleContract } from './lifecycle-contract';

const tmp = tempDir();
afterAll(tmp.cleanup);
let n = 0;

runLifecycleContract('sqlite', () => openSqliteStore(join(tmp.dir, `lifecycle-${n++}.db`)));
