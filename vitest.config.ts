import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript source under this condition, so
// tests run against src/ without a build step.
const conditions = ['@nemo/source'];
const resolve = { conditions };

export default defineConfig({
  resolve,
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'services/*/src/**/*.test.ts',
            'operator/src/**/*.test.ts',
            'hack/**/*.test.ts',
            'frontend/src/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['services/*/src/**/*.int.test.ts', 'services/*/test/**/*.int.test.ts'],
          globalSetup: ['hack/vitest/servers.global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // The built UI (npm run build -w frontend) in Debian's chromium, against `npm start`
          // spawned for the run: every service, Gemma and MiniLM included, on real PostgreSQL and Redis.
          name: 'browser',
          include: ['frontend/test/**/*.test.ts'],
          globalSetup: ['hack/vitest/platform.global-setup.ts'],
          // Gemma answers in seconds on an idle 2-core machine, and ten times slower on a busy one.
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // The built UI's weight and start-up in chromium (`npm run bench -w frontend`): a static
          // server, so no platform is started for it.
          name: 'ui-bench',
          include: [],
          benchmark: { include: ['frontend/bench/**/*.bench.ts'] },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts', 'operator/test/**/*.int.test.ts'],
          globalSetup: ['e2e/setup/cluster-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // Model benchmarks (`npm run bench -w services/llm`, `-w services/inference`): they print
          // throughput beside the raw runtime call and assert nothing about time.
          name: 'model-bench',
          include: ['services/*/bench/**/*.bench-run.ts'],
          testTimeout: 900_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          // Benchmarks on the real control plane: `npm run bench -w operator`, never part of npm test.
          name: 'operator-bench',
          include: ['operator/bench/**/*.bench.test.ts'],
          globalSetup: ['e2e/setup/cluster-global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
