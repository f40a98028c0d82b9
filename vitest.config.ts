import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    globalSetup: ['test/support/globalSetup.ts'],
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summaryReporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: one Temporal server and one PostgreSQL are shared by every file.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
