import { defineConfig } from 'vitest/config';

// `npm run bench`: one run that prints throughput beside the raw runtime
// call. It asserts nothing about time; it is not part of `npm test`.
const conditions = ['@nemo/source'];
export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['bench/**/*.bench-run.ts'],
    testTimeout: 900_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
