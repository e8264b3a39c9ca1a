import { defineConfig } from 'vitest/config';
// Before any AWS SDK client exists, here and in every worker: no Node 20 support notice.
import './local/sdk-notice.ts';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // One DynamoDB Local for the whole run; every test file makes its own table in it.
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time even on two cores: much of a test's time is spent waiting on DynamoDB
    // Local (another process), so a second worker fills it (vitest's default is cores - 1).
    maxWorkers: 2,
  },
});
