// Mutation testing of the pure modules (`npm run test:mutation`): every mutant the tests do not
// kill is a change to the code no test would notice. Scores are in the README.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: [
    "src/prompt/redact.ts",
    "src/comments/sanitize.ts",
    "src/comments/markdown.ts",
    "src/comments/fingerprint.ts",
    "src/github/incremental.ts",
    "src/personas/route.ts",
    "src/config/schema.ts",
    "src/diff/line-map.ts",
    "src/comments/validate.ts",
    "src/lookup/answer.ts",
    "src/lookup/definitions.ts",
    "src/personas/code-kinds.ts",
    "src/github/pr-state.ts",
    "src/events/command.ts",
    "src/checks/model-queries.ts",
    "src/checks/rules/queries/loading-choice.ts",
    "src/checks/rules/queries/helper-calls.ts",
    "src/checks/rules/queries/removed-loading.ts",
    "src/checks/rules/security/markdown.ts",
    "src/checks/rules/security/escape-import.ts",
  ],
  coverageAnalysis: "perTest",
  // Module-level constants (regex tables, schemas) would re-run the whole suite per mutant: hours on two cores.
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ["clear-text", "progress-append-only", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  thresholds: { high: 90, low: 80, break: null },
};
