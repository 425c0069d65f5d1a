// The incremental rollups on Postgres: random deliveries through the store equal a rebuild from
// events (test/collector/incremental-property.ts).
import { postgresStoreWithRawDb } from '../helpers/postgres';
import { runIncrementalProperty } from './incremental-property';

runIncrementalProperty('postgres', async () => postgresStoreWithRawDb(), 60);
