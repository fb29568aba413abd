import { defineConfig } from 'vitest/config';

// Three suites, one runner. Integration and e2e start real servers (Orthanc, the browser host,
// Chromium): they run one file at a time and with long timeouts, since these machines are small.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120000,
          hookTimeout: 180000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240000,
          hookTimeout: 300000,
          fileParallelism: false,
        },
      },
    ],
  },
});
