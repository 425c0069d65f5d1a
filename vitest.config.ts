// One `vitest run` for everything: SDK unit tests in jsdom, collector tests on Node and in
// workerd, and end-to-end tests that drive real Chromium against a real collector.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One PostgreSQL server for the whole run (the Postgres engine's tests; each file makes a database).
    globalSetup: ['test/helpers/postgres.ts'],
    projects: [
      { test: { name: 'sdk', include: ['test/sdk/**/*.test.ts'], environment: 'jsdom' } },
      { test: { name: 'collector', include: ['test/collector/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      // The Worker (collector/worker/main.ts) in workerd, on a local D1 (@cloudflare/vitest-plugin).
      'test/workers/vitest.config.ts',
    ],
  },
});
