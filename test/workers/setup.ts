// Before every workers test: an empty local D1 with the collector's migrations applied.
import { applyD1Migrations, reset } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach } from 'vitest';

beforeEach(async () => {
  await reset(); // drops all local storage, D1 included
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
});
