/**
 * How the meta-test judges a case: what the registered check returned on the case's
 * context, compared with what the case says it must return. Each function returns why the
 * case does not hold (one line an engineer can act on), or undefined when it holds.
 */
import type { Check } from "../../../../lib/audit/checks/types.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import type { CheckCase } from "./case.js";

const show = (r: CheckResult) => `${r.status} ${r.resource.id}${r.subject !== undefined ? ` (${r.subject})` : ""}`;
const about = (c: Pick<CheckCase, "resource" | "subject">) => (r: CheckResult) =>
  r.resource.id === c.resource && (c.subject === undefined || r.subject === c.subject);
const named = (c: Pick<CheckCase, "resource" | "subject">) => `${c.resource}${c.subject !== undefined ? ` (${c.subject})` : ""}`;

function verdicts(check: Check, c: Pick<CheckCase, "context">): CheckResult[] {
  const results = check.evaluate(c.context());
  const foreign = results.filter((r) => r.checkId !== check.meta.id);
  if (foreign.length > 0) throw new Error(`${check.meta.id} returned results of ${foreign.map((r) => r.checkId).join(", ")}`);
  // The catalog's resource type is what Security Hub and the report say a finding is about.
  const declared: readonly string[] = [check.meta.resourceType].flat();
  const undeclared = results.filter((r) => !declared.includes(r.resource.type));
  if (undeclared.length > 0)
    throw new Error(
      `${check.meta.id} judged ${undeclared.map((r) => r.resource.type).join(", ")}, which its meta.resourceType (${declared.join(", ")}) does not declare`,
    );
  return results;
}

/** The check must FAIL the case's resource (and subject). */
export function failProblem(check: Check, c: CheckCase): string | undefined {
  const results = verdicts(check, c);
  if (results.some((r) => r.status === "FAIL" && about(c)(r))) return undefined;
  return `${check.meta.id} did not FAIL ${named(c)} given ${c.given}; it returned [${results.map(show).join(", ")}]`;
}

/** The check must PASS the case's resource (and subject), and return nothing but PASS. */
export function passProblem(check: Check, c: CheckCase): string | undefined {
  const results = verdicts(check, c);
  const other = results.filter((r) => r.status !== "PASS");
  if (other.length === 0 && results.some(about(c))) return undefined;
  return `${check.meta.id} did not PASS only ${named(c)} given ${c.given}; it returned [${results.map(show).join(", ")}]`;
}

/** An ERROR-only check must give ERROR for the case's resource. */
export function errorProblem(check: Check, c: CheckCase): string | undefined {
  const results = verdicts(check, c);
  if (results.some((r) => r.status === "ERROR" && about(c)(r))) return undefined;
  return `${check.meta.id} gave no ERROR for ${named(c)} given ${c.given}; it returned [${results.map(show).join(", ")}]`;
}

/** An ERROR-only check must say nothing when everything was observed. */
export function silentProblem(check: Check, c: Pick<CheckCase, "given" | "context">): string | undefined {
  const results = verdicts(check, c);
  if (results.length === 0) return undefined;
  return `${check.meta.id} was not silent given ${c.given}; it returned [${results.map(show).join(", ")}]`;
}
