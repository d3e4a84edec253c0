/**
 * Setup file of the mutation runs only (vitest.mutation.config.ts), run before each test file.
 *
 * The mutation runs keep one test worker alive between mutants (`isolate: false`): starting a
 * fresh worker and importing zod, the AWS SDK and the check registry again cost seconds per
 * mutant. Dropping our own modules from the registry here makes each test file import them
 * afresh (the transform is cached; only their top-level code runs again), so:
 * - a module-level mutant (a check's metadata, a constant table) is in the code the test
 *   imports: Stryker's setup file, which runs before this one, has already set it active;
 * - no memo from an earlier mutant's run (the access models' WeakMaps keyed by a shared
 *   fixture) can leak into this one.
 * Packages under node_modules stay loaded: no mutant is in them.
 */
import { vi } from "vitest";

vi.resetModules();
