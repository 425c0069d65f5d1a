// The data-lifecycle contract (retention, erasure) on the Postgres adapter.
import { postgresStoreWithRawDb } from '../helpers/postgres';
import { runLifecycleContract } from './lifecycle-contract';

runLifecycleContract('postgres', async () => (await postgresStoreWithRawDb()).store);
runLifecycleContract('postgres, retention in steps of 2', async () => (await postgresStoreWithRawDb({ retentionStep: 2 })).store);
