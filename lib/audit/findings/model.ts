/**
 * The finding model of CONTRACTS.md ("JSON result"). Plain data only: these values
 * travel between Lambdas, into DynamoDB and into reports unchanged.
 */

export const STATUSES = ["PASS", "FAIL", "ERROR", "MUTED"] as const;
export type Status = (typeof STATUSES)[number];

/** Ordered from most to least severe; the order is used for thresholds (`--fail-on`). */
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CHANGES = ["new", "persisting", "resolved", "regressed"] as const;
export type Change = (typeof CHANGES)[number];

export type Outcome = "compliant" | "violations" | "incomplete";

export const RESOURCE_TYPES = [
  "AWS::EC2::SecurityGroup",
  "AWS::RDS::DBInstance",
  "AWS::RDS::DBCluster",
  "AWS::ElastiCache::ReplicationGroup",
  "AWS::ElastiCache::CacheCluster",
  "AWS::ElastiCache::ServerlessCache",
  "AWS::SecretsManager::Secret",
  "PostgreSQL::Table",
  "PostgreSQL::Schema",
  "PostgreSQL::Database",
  "Redis::Endpoint",
  "Redis::User",
  "MySQL::Table",
  "MySQL::Server",
  "AWS::EC2::Subnet",
  "AWS::EC2::NetworkAcl",
  "AWS::EC2::RouteTable",
  "AWS::Logs::LogGroup",
  /** What an `audit-error` is about: an account/region inventory or a config target. */
  "QueueAuditor::Source",
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export interface ResourceRef {
  type: ResourceType;
  /** The AWS identifier (GroupId, DBInstanceIdentifier, …) or TARGET[:SCHEMA[.TABLE]]. */
  id: string;
  arn?: string;
  account?: string;
  region?: string;
}

/** Why something could not be observed. Carried by ERROR results; becomes an `audit-error`. */
export interface ObservationError {
  /** What was not observed: an offline file path or an API call such as `rds:DescribeDBParameters`. */
  source: string;
  /** One sentence: what went wrong. */
  reason: string;
  /** AWS error code, errno or SQLSTATE where there is one. */
  code?: string;
  /**
   * A stable name for `source` where the source is a path that depends on how the inventory
   * directory was spelled (the file's path inside its partition); finding ids use it.
   */
  ref?: string;
  account?: string;
  region?: string;
}

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
}

export interface AuditResult {
  schemaVersion: 1;
  run: RunSummary;
  findings: Finding[];
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is as severe as `threshold` or more. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) <= severityRank(threshold);
}

export function emptyCounts(): Record<Status, number> {
  return { PASS: 0, FAIL: 0, ERROR: 0, MUTED: 0 };
}

export function outcomeOf(findings: readonly Pick<Finding, "status">[]): Outcome {
  if (findings.some((f) => f.status === "ERROR")) return "incomplete";
  if (findings.some((f) => f.status === "FAIL")) return "violations";
  return "compliant";
}
