import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing running; `integration` talks to a real PostgreSQL
// (TEST_DATABASE_URL, else 127.0.0.1:5432), real HTTP and real subprocesses.
// Files named *.chaos.test.ts crash services they start themselves and run alone, last.
export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    // Only acts while coverage runs: the Node processes a test starts record their coverage too.
    setupFiles: ['test/support/coverage/child-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      // v8's, plus the processes the tests start (the CLI, serve, the worker): test/support/coverage/.
      provider: 'custom',
      customProviderModule: 'test/support/coverage/provider.ts',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary', 'json'],
      reportsDirectory: 'coverage',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts', 'test/**/*.chaos.test.ts'],
          // Pure code: the files share a worker's module cache instead of each importing zod, the
          // config schema and the gates afresh (the unit run is judged on its wall clock, §1.2.1).
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['test/**/*.int.test.ts'] },
      },
      {
        // Crashes and restarts a throwaway PostgreSQL of its own (test/support/throwaway-postgres.ts),
        // never the shared server. Still runs alone, after every other project has finished: its
        // recovery timings (503 while down, leads flowing again after) are judged on a quiet machine.
        extends: true,
        test: {
          name: 'chaos',
          include: ['test/**/*.chaos.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
