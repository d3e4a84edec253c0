/** Builders for CheckResults, so every check phrases verdicts the same way. */
import type { CheckResult, ObservationError, ResourceRef } from "../findings/model.js";
import type { InventoryPartition } from "../inventory/types.js";
import type { CheckId } from "./ids.js";

type Evidence = Record<string, unknown>;

export function pass(checkId: CheckId, resource: ResourceRef, message: string, evidence: Evidence = {}): CheckResult {
  return { checkId, status: "PASS", resource, message, evidence };
}

export function fail(
  checkId: CheckId,
  resource: ResourceRef,
  subject: string | undefined,
  message: string,
  evidence: Evidence = {},
): CheckResult {
  const result: CheckResult = { checkId, status: "FAIL", resource, message, evidence };
  if (subject !== undefined) result.subject = subject;
  return result;
}

/** An ERROR verdict: the check could not be evaluated because `cause` was not observed. */
export function unobserved(checkId: CheckId, resource: ResourceRef, cause: ObservationError, what: string, subject?: string): CheckResult {
  const result: CheckResult = {
    checkId,
    status: "ERROR",
    resource,
    message: `Could not evaluate ${what}: ${cause.reason} (${cause.source}).`,
    evidence: { source: cause.source, reason: cause.reason, ...(cause.code ? { code: cause.code } : {}) },
    cause,
  };
  if (subject !== undefined) result.subject = subject;
  return result;
}

/** The instant time-based checks judge by: the capture time of the data, else the run's clock. */
export function asOf(partition: Pick<InventoryPartition, "capturedAt">, now: Date): Date {
  if (partition.capturedAt) {
    const captured = new Date(partition.capturedAt);
    if (!Number.isNaN(captured.getTime())) return captured;
  }
  return now;
}

const DAY_MS = 86_400_000;

/** Whole days between an ISO timestamp and `at`; undefined when the timestamp is unusable. */
export function ageInDays(timestamp: string | undefined, at: Date): number | undefined {
  if (!timestamp) return undefined;
  const t = new Date(timestamp).getTime();
  if (Number.isNaN(t)) return undefined;
  return Math.floor((at.getTime() - t) / DAY_MS);
}
