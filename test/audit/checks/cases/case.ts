/**
 * The shape of the in-memory cases every registered check must have (the meta-test,
 * test/audit/checks/cases.test.ts, demands them): one situation the check must FAIL and
 * one it must PASS, each built the way an audit builds its input — the config through the
 * schema (`config()` of test/support/builders.ts), AWS data shaped like the API's
 * responses, probe observations shaped like the probes' — and judged by the registered
 * check itself.
 *
 * Adding a check: add its entry to the file of its family here (cases/<family>.ts for
 * lib/audit/checks/<family>/); a new family adds its file and one line in cases/index.ts.
 */
import type { AuditContext } from "../../../../lib/audit/checks/types.js";

export interface CheckCase {
  /** The situation, in one sentence: what an engineer would see on the estate. */
  given: string;
  /** The audit context, built through `context()` of test/support/builders.ts. */
  context: () => AuditContext;
  /** The resource whose verdict the case is about (`ResourceRef.id`). */
  resource: string;
  /** Its subject (role, user, source), where the check names one. */
  subject?: string;
}

/** A check that judges: it must FAIL the first situation and PASS (and only PASS) the second. */
export interface VerdictCases {
  fail: CheckCase;
  pass: CheckCase;
}

/**
 * A check that only reports what could not be observed (audit-error): it must give ERROR
 * for the first situation and say nothing at all for the second. Only the checks the
 * meta-test lists as ERROR-only may use this form.
 */
export interface ErrorOnlyCases {
  error: CheckCase;
  silent: Omit<CheckCase, "resource" | "subject">;
}

export type CheckCases = VerdictCases | ErrorOnlyCases;

/** One family's cases, keyed by check id. */
export type FamilyCases = Readonly<Record<string, CheckCases>>;
