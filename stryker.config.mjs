// `npm run mutate`: mutation testing of the core modules with the unit tests (not part of `npm test`).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // related: a mutant that runs at module load (a table, a schema) runs only the test files that import its file.
  vitest: { configFile: 'vitest.stryker.config.mts', related: true },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: ['src/output/**/*.ts', 'src/render/formats/**/*.ts', 'src/data/**/*.ts', 'src/config/**/*.ts', 'src/retry/**/*.ts'],
  coverageAnalysis: 'perTest',
  // A mutant in module-level code (the config schema, the message tables) reruns every test file
  // that imports its file: hours here. Such mutants are left out of the score; unit tests check them.
  ignoreStatic: true,
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false },
  thresholds: { high: 90, low: 85, break: null },
  timeoutMS: 10000,
  // The first run of every unit test, one file at a time, takes several minutes on a busy machine.
  dryRunTimeoutMinutes: 30,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
