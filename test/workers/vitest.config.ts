// The `workers` vitest project (vitest.config.ts lists this file): the real Worker
// (collector/worker/main.ts, from wrangler.jsonc) in workerd through @cloudflare/vitest-plugin, on a
// local D1 and a local queue, offline.
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineProject } from 'vitest/config';
import { assembleAssets } from '../../scripts/worker-assets.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export default defineProject({
  root: ROOT,
  plugins: [
    cloudflareTest(async () => {
      // wrangler.jsonc serves .wrangler/assets; wrangler's `build` step does not run here.
      assembleAssets();
      return {
        wrangler: { configPath: `${ROOT}/wrangler.jsonc` },
        miniflare: {
          bindings: {
            CJM_ADMIN_TOKEN: 'workers-test-token-0123456789abcdef',
            TEST_MIGRATIONS: await readD1Migrations(`${ROOT}/collector/store/sqlite/migrations`),
          },
          // A real local queue whose consumer is the Worker's queue() handler. Bound under
          // another name than QUEUE, so the direct path stays the default; a test hands it to
          // the Worker as QUEUE to exercise the queue path.
          queueProducers: { TEST_QUEUE: 'cjm-test-events' },
          queueConsumers: { 'cjm-test-events': { maxBatchSize: 100, maxBatchTimeout: 0.05 } },
        },
      };
    }),
  ],
  test: {
    name: 'workers',
    include: ['test/workers/**/*.test.ts'],
    setupFiles: ['test/workers/setup.ts'],
    // Every test starts from an empty, migrated D1 (setup.ts), and all files share that one
    // database: run them one after another.
    fileParallelism: false,
  },
});
