import { defineConfig } from 'vitest/config';

// Two projects: unit tests run in parallel; integration tests (*.int.test.ts) share one moto
// server, which is reset before each file, so they run one file at a time.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/helpers/moto-global-setup.ts'],
          setupFiles: ['test/helpers/moto-reset.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
});
