import type { CheckId } from "../checks/ids.js";
import { checkMeta } from "../checks/registry.js";
import type { Finding } from "../findings/model.js";
import type { FindingState } from "./changes.js";

/**
 * A violation that a complete run no longer found — fixed (the rule was removed, the grant
 * revoked, while the check still observed the resource) or gone (the resource left scope) — is reported in that run as a PASS under its own finding id, with
 * `change: resolved`: its subject has no PASS finding of its own, so without this the
 * resolution would show only as a missing line.
 */
export function resolvedFinding(state: FindingState): Finding {
  const meta = checkMeta(state.checkId as CheckId);
  return {
    id: state.findingId,
    checkId: state.checkId,
    status: "PASS",
    severity: state.severity,
    resource: state.resource,
    ...(state.subject !== undefined ? { subject: state.subject } : {}),
    message: state.resolvedBy === "fixed" ? `Fixed: ${state.message}` : `No longer in the audit's scope: ${state.message}`,
    evidence: {
      resolvedBy: state.resolvedBy ?? "absent",
      openSince: state.openSince ?? null,
      lastSeenFailing: state.lastSeen,
      lastRunId: state.lastRunId,
    },
    remediation: meta.remediation,
    references: [...meta.references],
    change: "resolved",
  };
}
