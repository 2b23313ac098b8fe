import { defineConfig } from 'vitest/config';

const shared = {
  testTimeout: 60_000,
  hookTimeout: 240_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    // Two cores: more workers only make the Elasticsearch node and the browser fight for them.
    maxWorkers: 2,
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          ...shared,
          name: 'engines',
          include: [
            'test/contract/**/*.test.ts',
            'test/integration/**/*.test.ts',
            'test/e2e/**/*.test.ts',
            'test/fuzz/**/*.test.ts',
          ],
          // Starts the Elasticsearch test node unless ELASTICSEARCH_URL points at a cluster.
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
