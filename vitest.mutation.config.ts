import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * The tests Stryker runs against each mutant (`npm run mutation`, stryker.config.mjs).
 *
 * Only the engine's in-process tests: the CLI and Lambda tests mostly spawn processes
 * (a child process never sees the active mutant, so they cannot kill one) and the
 * live-server tests rebuild their databases in `beforeAll` for every mutant that one of
 * their tests covers, which turns minutes into hours on a shared 2-core machine. Their
 * behaviour is pinned by in-memory tests beside them; a mutant only they would kill shows
 * up as surviving here and is listed in docs/mutation.md.
 */
export const LIVE_SERVER_TESTS = [
  "test/audit/probes/**",
  // Any test against a real server (the *.live.test.ts convention).
  "**/*.live.test.ts",
  "test/audit/checks/mysql/live.test.ts",
  "test/audit/checks/postgres/escalation.test.ts",
  "test/audit/checks/postgres/live.test.ts",
  "test/audit/checks/postgres/routes.test.ts",
  "test/audit/checks/redis/access-live.test.ts",
  "test/audit/checks/redis/acl/commands.test.ts",
  "test/audit/checks/redis/templates.test.ts",
  "test/audit/fix/plan-postgres.test.ts",
  "test/audit/fix/plan-redis-aws.test.ts",
];

/**
 * In-memory, but too slow to run per mutant: the bench-size PostgreSQL model (500 roles, 200
 * tables) covers every mutant of lib/audit/checks/postgres and costs seconds of CPU each time,
 * 20–30 s a mutant on the shared machine. It pins the whole model by digest, which says that
 * something changed, not what: the behaviour its digest covers is pinned by the in-memory
 * tests beside it, and `npm test` still runs it.
 */
export const TOO_SLOW_PER_MUTANT = ["test/audit/checks/postgres/access/large-catalog.test.ts"];

export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ["test/audit/**/*.test.ts"],
      exclude: ["**/node_modules/**", ...LIVE_SERVER_TESTS, ...TOO_SLOW_PER_MUTANT],
      // One worker for every mutant, with our modules imported afresh for each test file:
      // about a second a mutant instead of eight (test/support/mutation-fresh-modules.ts).
      isolate: false,
      setupFiles: ["test/support/mutation-fresh-modules.ts"],
    },
  }),
);
