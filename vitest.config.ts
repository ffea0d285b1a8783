import { defineConfig } from 'vitest/config';

// Two projects: unit tests run in parallel; integration tests (*.int.test.ts) share one moto
// server, which is reset before each file, so they run one file at a time.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    // The tests run on Node 20 on purpose (the documented minimum); the SDK's notice about its
    // future Node 22 requirement would otherwise repeat in every worker.
    // Handlers log as this service unless a test names its own (Powertools' default is
    // "service_undefined").
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_SERVICE_NAME: 'test' },
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
