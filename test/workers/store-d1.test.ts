// The shared Store contract on the D1 adapter, inside workerd on a local D1 (setup.ts empties
// and migrates it before every test).
import { env } from 'cloudflare:workers';
import { openD1Store } from '../../collector/store/sqlite/d1';
import { runStoreContract } from '../collector/store-contract';

runStoreContract('d1', () => openD1Store(env.DB));
// Small pages and statements, so paging and multi-statement batches are exercised too.
runStoreContract('d1 (3-row pages, 2 rows per statement)', () => openD1Store(env.DB, { pageSize: 3, rowsPerStatement: 2 }));
