/**
 * The finding model of the JSON result: what checks return (CheckResult) and what a run
 * records (Finding, AuditResult). Plain data only: these values travel between Lambdas,
 * into DynamoDB and into reports unchanged. The vocabulary it shares with the lower
 * stages (resources, observation errors, severities) lives in ../model/ and is
 * re-exported here.
 */
import type { ObservationError } from "../model/observation.js";
import type { ResourceRef } from "../model/resource.js";
import type { Severity } from "../model/severity.js";

export type { ObservationError } from "../model/observation.js";
export { RESOURCE_TYPES, type ResourceRef, type ResourceType } from "../model/resource.js";
export { atLeast, SEVERITIES, type Severity, severityRank } from "../model/severity.js";

export const STATUSES = ["PASS", "FAIL", "ERROR", "MUTED"] as const;
export type Status = (typeof STATUSES)[number];

export const CHANGES = ["new", "persisting", "resolved", "regressed"] as const;
export type Change = (typeof CHANGES)[number];

export type Outcome = "compliant" | "violations" | "incomplete";

export const FIX_KINDS = ["sql", "aws-cli", "redis-acl", "manual"] as const;
export type FixKind = (typeof FIX_KINDS)[number];

/**
 * The fix for one finding (CONTRACTS extension), built from that finding's own values: its
 * resource, subject, port, role path. `remediation` stays the check's general advice.
 */
export interface Fix {
  text: string;
  /** Commands to run in order; empty when the fix is manual. */
  commands: string[];
  kind: FixKind;
}

/** What a check's evaluate function returns: a verdict on one resource (and subject). */
export interface CheckResult {
  checkId: string;
  status: "PASS" | "FAIL" | "ERROR";
  resource: ResourceRef;
  subject?: string;
  message: string;
  evidence: Record<string, unknown>;
  /** For ERROR results: what could not be observed. */
  cause?: ObservationError;
  /** For FAIL (and ERROR) results: the fix for this finding. */
  fix?: Fix;
  /**
   * Raises this result above the check's severity when the finding is worse than the
   * check's usual case (write access to a job payload column is code execution on the
   * workers). A `checks.severity` override in the config still wins.
   */
  severity?: Severity;
}

export interface MuteApplied {
  reason: string;
  expires: string;
}

export interface Finding {
  id: string;
  checkId: string;
  status: Status;
  severity: Severity;
  resource: ResourceRef;
  subject?: string;
  message: string;
  evidence: Record<string, unknown>;
  remediation: string;
  references: string[];
  /** The fix for this finding (FAIL, ERROR, MUTED); absent on PASS. */
  fix?: Fix;
  change?: Change;
}

export interface RunSummary {
  id: string;
  startedAt: string;
  finishedAt: string;
  outcome: Outcome;
  counts: Record<Status, number>;
  /** FAIL findings per severity (an extension of the contract: lets history chart violations without reading findings). */
  violationsBySeverity?: Partial<Record<Severity, number>>;
  /** The queue-auditor version that recorded the run (absent on runs recorded before it was kept). */
  toolVersion?: string;
  /** SHA-256 of the canonical JSON of the validated config the run was judged by. */
  configHash?: string;
}

export interface AuditResult {
  schemaVersion: 1;
  run: RunSummary;
  findings: Finding[];
}

export function emptyCounts(): Record<Status, number> {
  return { PASS: 0, FAIL: 0, ERROR: 0, MUTED: 0 };
}

export function outcomeOf(findings: readonly Pick<Finding, "status">[]): Outcome {
  if (findings.some((f) => f.status === "ERROR")) return "incomplete";
  if (findings.some((f) => f.status === "FAIL")) return "violations";
  return "compliant";
}
