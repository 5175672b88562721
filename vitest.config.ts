import { defineConfig } from 'vitest/config';

// Server tests run against a real PostgreSQL (TEST_DATABASE_URL, set by scripts/test.sh): the global setup
// migrates a template database once, and every test file gets its own copy of it.
export default defineConfig({
  test: {
    include: ['server/src/**/*.test.ts', 'server/test/**/*.test.ts', 'web/src/**/*.test.ts'],
    exclude: ['e2e/**', '**/node_modules/**'],
    globalSetup: ['server/test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
