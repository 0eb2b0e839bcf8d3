import { defineConfig } from 'vitest/config';

// The unit tests alone, for `npm run mutate` (stryker.config.mjs): the integration tests run real
// processes for minutes, and the deploy checks validate examples/, not the mutated modules.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    exclude: ['test/unit/deploy/**', '**/node_modules/**'],
    // The round trips through bash, Java and Python take a minute or more on a busy machine.
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
