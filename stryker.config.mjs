// @ts-check
/**
 * Mutation testing (StrykerJS): `npm run mutation` (scripts/mutation.ts) runs it one area at
 * a time; docs/mutation.md says how to read and keep the score.
 *
 * Scope: the checks with their access models (postgres/access, mysql/access, redis/acl),
 * change tracking and alerts (compare/) and the evidence chain (store/chain.ts) — the code
 * whose one-line slips turn a finding silent.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const area = process.env.MUTATION_AREA ?? "mutation";

export default {
  testRunner: "vitest",
  vitest: {
    // The engine's in-process tests, without the live-server ones (see that file).
    configFile: "vitest.mutation.config.ts",
    // Dry-run only the test files that import the mutated code.
    related: true,
  },
  // Each mutant runs only the tests that executed its code in the dry run.
  coverageAnalysis: "perTest",
  // The machine is shared: one test runner; scripts/mutation.ts also runs it under `nice`.
  concurrency: 1,
  // Re-test only mutants whose code or covering tests changed since the last run.
  // scripts/mutation.ts gives each area its own file under reports/mutation/ (gitignored).
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  mutate: [
    "lib/audit/checks/**/*.ts",
    "lib/audit/compare/**/*.ts",
    "lib/audit/store/chain.ts",
    // Declarations only: no behaviour to mutate.
    "!lib/audit/checks/types.ts",
  ],
  // Static mutants (module-level constants such as a check's metadata) are run too: every
  // test of the area runs against them, with the modules re-imported.
  ignoreStatic: false,
  ignorePatterns: ["cdk.out", ".queue-auditor", "test-artifacts", "reports", "bench/results.json", ".stryker-tmp"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  // Generous: at nice 15 on a busy machine a mutant's few milliseconds of tests can wait
  // seconds for a core, and each timeout restarts the test runner (costly under load).
  timeoutMS: 30000,
  timeoutFactor: 2,
  thresholds: { high: 90, low: 80, break: null },
  reporters: ["clear-text", "progress", "html", "json"],
  // scripts/mutation.ts names the area it runs; a bare `stryker run` writes "mutation.*".
  htmlReporter: { fileName: `reports/mutation/${area}.html` },
  jsonReporter: { fileName: `reports/mutation/${area}.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
};
