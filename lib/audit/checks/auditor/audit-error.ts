import type { CheckResult } from "../../findings/model.js";
import type { ScopeGap } from "../../scope/types.js";
import type { Check } from "../types.js";

/**
 * The auditor's own failures. Most of its findings are made by the engine from the causes
 * of every ERROR verdict (one per thing not observed); evaluate reports what scope
 * resolution could not resolve, from the gaps it returned.
 */
export const auditError: Check = {
  meta: {
    id: "audit-error",
    title: "Part of the audit could not be completed",
    severity: "high",
    resourceType: "QueueAuditor::Source",
    rationale:
      "What the auditor could not observe is not known to be compliant. A gap in the evidence must be as visible as a violation, or a broken auditor looks like a clean estate.",
    remediation:
      "Fix what the finding names: grant the missing IAM action, export the missing file, open the network path to the database or endpoint, or correct the target id in the config.",
    references: [],
  },
  evaluate(ctx) {
    return ctx.scope.gaps.map(gapResult);
  },
};

export function gapResult(gap: ScopeGap): CheckResult {
  return {
    checkId: "audit-error",
    status: "ERROR",
    resource: gap.resource,
    subject: gap.subject,
    message: gap.message,
    evidence: {},
    cause: gap.cause,
  };
}
