/**
 * The findings of a recorded run in the AWS Security Finding Format (ASFF), as
 * Security Hub's BatchImportFindings takes them: one ASFF finding per finding id, under
 * the custom integration's default product of the account and region that imports them.
 * Pure: the same run, states and target give the same JSON. docs/security-hub.md explains
 * each choice; the limits below are the ASFF's (Security Hub user guide, "ASFF required
 * attributes" and BatchImportFindings), which the service enforces by rejecting a finding
 * (FailedFindings, ErrorCode InvalidInput) rather than by shortening it.
 *
 * Which account: with the default product ARN, Security Hub accepts a finding only from
 * the account named in its `AwsAccountId`. So `AwsAccountId` and the product ARN are the
 * importing (the auditor's) account and region, and the audited resource's own account
 * and region are in `Resources[]` (its ARN, `Region`) and `ProductFields`.
 *
 * States (Security Hub resets `Workflow.Status` to NEW by itself when a finding goes from
 * ARCHIVED to ACTIVE or from PASSED to FAILED/WARNING/NOT_AVAILABLE, and takes a
 * provider's `Workflow` only when it creates the finding):
 *   FAIL   → ACTIVE,   FAILED,        NEW        (a regression of an archived finding reopens it)
 *   ERROR  → ACTIVE,   NOT_AVAILABLE, NEW        (not observed is never compliant)
 *   MUTED  → ACTIVE,   FAILED,        SUPPRESSED (the control still fails; the risk was accepted)
 *   PASS   → ARCHIVED, PASSED,        RESOLVED   (every PASS, so a resolved finding that keeps
 *                                                 passing stays archived instead of flapping
 *                                                 back to ACTIVE, which would reset it to NEW)
 */
import type { AwsSecurityFinding, Partition, Resource, SeverityLabel } from "@aws-sdk/client-securityhub";
import packageJson from "../../../package.json" with { type: "json" };
import { CHECKS } from "../checks/registry.js";
import type { FindingState } from "../compare/changes.js";
import { controlLabels } from "../controls/mappings.js";
import type { AuditResult, Finding, ResourceType, Severity, Status } from "../findings/model.js";
import { findingBytes, MAX_FINDING_BYTES, productArn, type SecurityHubTarget } from "../notify/asff-batches.js";

export {
  asffBatches,
  MAX_BATCH_BYTES,
  MAX_BATCH_FINDINGS,
  MAX_FINDING_BYTES,
  productArn,
  type SecurityHubTarget,
} from "../notify/asff-batches.js";

export const ASFF_SCHEMA_VERSION = "2018-10-08";
export const ASFF_PRODUCT_NAME = "queue-auditor";

/** Character limits of the ASFF (user guide); Security Hub rejects a longer value. */
export const ASFF_LIMITS = {
  title: 256,
  description: 1024,
  recommendationText: 512,
  /** `Compliance.RelatedRequirements`: "You can provide up to 32 related requirements." */
  relatedRequirements: 32,
  /**
   * No length is published for one requirement; Prowler, the most used importer, keeps each
   * under 64 characters, and so do we (one CIS PostgreSQL title is longer and is shortened).
   */
  requirementLength: 64,
  /** `ProductFields`: up to 50 pairs, key up to 128 characters, value up to 2048. */
  productFields: 50,
  productFieldKey: 128,
  productFieldValue: 2048,
  /** `Resources[].Details.Other`: up to 50 pairs, key under 128, value under 1024 characters. */
  otherValue: 1023,
} as const;

export interface AsffInput {
  /** The run as recorded: findings with `change`, resolved findings included (as PASS). */
  result: AuditResult;
  target: SecurityHubTarget;
  /**
   * The stored state of each finding id after this run (`RecordedRun.states`): first and
   * last observation. Without it (no store) a finding is first observed in this run.
   */
  states?: Iterable<Pick<FindingState, "findingId" | "firstSeen" | "lastSeen">>;
  /** The product version in ProductFields; default package.json's. */
  toolVersion?: string;
}

const TITLES = new Map<string, string>(CHECKS.map((c) => [c.meta.id, c.meta.title]));

const SEVERITY_LABEL: Record<Severity, SeverityLabel> = {
  info: "INFORMATIONAL",
  low: "LOW",
  medium: "MEDIUM",
  high: "HIGH",
  critical: "CRITICAL",
};

interface StateMapping {
  compliance: "PASSED" | "FAILED" | "NOT_AVAILABLE";
  record: "ACTIVE" | "ARCHIVED";
  workflow: "NEW" | "RESOLVED" | "SUPPRESSED";
}

export const ASFF_STATES: Record<Status, StateMapping> = {
  FAIL: { compliance: "FAILED", record: "ACTIVE", workflow: "NEW" },
  ERROR: { compliance: "NOT_AVAILABLE", record: "ACTIVE", workflow: "NEW" },
  MUTED: { compliance: "FAILED", record: "ACTIVE", workflow: "SUPPRESSED" },
  PASS: { compliance: "PASSED", record: "ARCHIVED", workflow: "RESOLVED" },
};

/** Our resource types to the ASFF's (`Other` where the ASFF has none: databases' own objects, endpoints). */
const RESOURCE_TYPE: Partial<Record<ResourceType, string>> = {
  "AWS::EC2::SecurityGroup": "AwsEc2SecurityGroup",
  "AWS::EC2::Subnet": "AwsEc2Subnet",
  "AWS::EC2::NetworkAcl": "AwsEc2NetworkAcl",
  "AWS::RDS::DBInstance": "AwsRdsDbInstance",
  "AWS::RDS::DBCluster": "AwsRdsDbCluster",
  "AWS::ElastiCache::ReplicationGroup": "AwsElastiCacheReplicationGroup",
  "AWS::ElastiCache::CacheCluster": "AwsElastiCacheCacheCluster",
  "AWS::SecretsManager::Secret": "AwsSecretsManagerSecret",
  "AWS::::Account": "AwsAccount",
};

const PARTITIONS: readonly Partition[] = ["aws", "aws-cn", "aws-us-gov"];

/** At most `max` characters, an ellipsis saying where it was cut. */
export function bounded(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** A non-empty value (the ASFF's NonEmptyString) of at most `max` characters. */
function nonEmpty(text: string | undefined, max: number, fallback: string): string {
  const t = text?.trim() ? text : fallback;
  return bounded(t, max);
}

function partitionOf(arn: string | undefined, fallback: string): Partition | undefined {
  const p = arn?.split(":")[1] ?? fallback;
  return PARTITIONS.find((known) => known === p);
}

function resourceOf(f: Finding, target: SecurityHubTarget): Resource {
  const r = f.resource;
  const other: Record<string, string> = { resourceType: r.type, resourceId: bounded(r.id, ASFF_LIMITS.otherValue) };
  if (r.account) other.account = r.account;
  if (f.subject !== undefined) other.subject = bounded(f.subject, ASFF_LIMITS.otherValue);
  const resource: Resource = {
    Type: RESOURCE_TYPE[r.type] ?? "Other",
    Id: nonEmpty(r.arn ?? r.id, ASFF_LIMITS.productFieldValue, f.id),
    Details: { Other: other },
  };
  // An AWS resource's partition is in its ARN; a database's own object has none to claim.
  const partition = r.arn || r.account || r.region ? partitionOf(r.arn, target.partition) : undefined;
  if (partition) resource.Partition = partition;
  if (r.region) resource.Region = r.region;
  return resource;
}

/** The finding's own fix (what to run for exactly this resource) when it has one, else the check's advice. */
function recommendation(f: Finding): { Text: string; Url?: string } {
  const fix = f.status !== "PASS" && f.fix ? [f.fix.text, ...f.fix.commands].join("\n") : undefined;
  const text = nonEmpty(fix ?? f.remediation, ASFF_LIMITS.recommendationText, "See the check's documentation.");
  const url = f.references.find((ref) => /^https:\/\/\S+$/.test(ref));
  return url ? { Text: text, Url: url } : { Text: text };
}

function requirements(checkId: string): string[] {
  return [...new Set(controlLabels(checkId).map((label) => bounded(label, ASFF_LIMITS.requirementLength)))].slice(
    0,
    ASFF_LIMITS.relatedRequirements,
  );
}

const EVIDENCE_KEY = "queue-auditor/evidence";
const TRUNCATED_KEY = "queue-auditor/evidenceTruncated";

function productFields(f: Finding, result: AuditResult, version: string): Record<string, string> {
  const fields: Record<string, string> = {
    "queue-auditor/findingId": f.id,
    "queue-auditor/checkId": f.checkId,
    "queue-auditor/status": f.status,
    "queue-auditor/runId": result.run.id,
    "queue-auditor/version": version,
  };
  if (f.change) fields["queue-auditor/change"] = f.change;
  if (f.resource.account) fields["queue-auditor/resourceAccount"] = f.resource.account;
  if (f.resource.region) fields["queue-auditor/resourceRegion"] = f.resource.region;
  if (f.subject !== undefined) fields["queue-auditor/subject"] = f.subject;
  const mute = f.evidence?.mute as { reason?: unknown; expires?: unknown } | undefined;
  if (f.status === "MUTED" && typeof mute?.reason === "string")
    fields["queue-auditor/mute"] = `until ${String(mute.expires)}: ${mute.reason}`;
  const evidence = JSON.stringify(f.evidence ?? {});
  fields[EVIDENCE_KEY] = evidence;
  for (const [key, value] of Object.entries(fields)) fields[key] = bounded(value, ASFF_LIMITS.productFieldValue);
  // Say so when the evidence was cut: the whole of it stays in the store (`queue-auditor history`).
  if ([...evidence].length > ASFF_LIMITS.productFieldValue) {
    fields[TRUNCATED_KEY] =
      `shortened to ${ASFF_LIMITS.productFieldValue} of ${[...evidence].length} characters; the full evidence is in the audit's store`;
  }
  return fields;
}

/**
 * Keeps the finding under MAX_FINDING_BYTES: the field limits bound it in characters, but a
 * character can be four bytes. The evidence goes first, then the subject's copies, each cut
 * in half until it fits; whatever was cut says so in ProductFields.
 */
function withinSize(finding: AwsSecurityFinding): AwsSecurityFinding {
  const fields = finding.ProductFields ?? {};
  for (const key of [EVIDENCE_KEY, "queue-auditor/subject"]) {
    while (findingBytes(finding) > MAX_FINDING_BYTES && (fields[key]?.length ?? 0) > 1) {
      const value = fields[key] ?? "";
      fields[key] = bounded(value, Math.max(1, Math.floor([...value].length / 2)));
      if (key === EVIDENCE_KEY)
        fields[TRUNCATED_KEY] = `shortened to fit the 240 KB finding limit; the full evidence is in the audit's store`;
    }
  }
  return finding;
}

/** One finding in ASFF. */
export function toAsffFinding(
  f: Finding,
  result: AuditResult,
  target: SecurityHubTarget,
  state?: Pick<FindingState, "firstSeen" | "lastSeen">,
  toolVersion: string = packageJson.version,
): AwsSecurityFinding {
  const mapped = ASFF_STATES[f.status];
  const firstSeen = state?.firstSeen ?? result.run.startedAt;
  const lastSeen = state?.lastSeen ?? result.run.startedAt;
  // A PASS is informational, as Security Hub's own controls report a passed check.
  const label = f.status === "PASS" ? "INFORMATIONAL" : SEVERITY_LABEL[f.severity];
  const types = ["Software and Configuration Checks/Industry and Regulatory Standards"];
  const finding: AwsSecurityFinding = {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: `queue-auditor/${f.id}`,
    ProductArn: productArn(target),
    ProductName: ASFF_PRODUCT_NAME,
    CompanyName: ASFF_PRODUCT_NAME,
    GeneratorId: f.checkId,
    AwsAccountId: target.account,
    Types: types,
    FirstObservedAt: firstSeen,
    LastObservedAt: lastSeen,
    CreatedAt: firstSeen,
    UpdatedAt: result.run.finishedAt,
    Severity: { Label: label, Original: f.severity },
    // Security Hub takes later changes of severity and types only from FindingProviderFields.
    FindingProviderFields: { Severity: { Label: label, Original: f.severity }, Types: types },
    Title: nonEmpty(TITLES.get(f.checkId) ?? f.checkId, ASFF_LIMITS.title, f.checkId),
    Description: nonEmpty(f.message, ASFF_LIMITS.description, f.checkId),
    Remediation: { Recommendation: recommendation(f) },
    ProductFields: productFields(f, result, toolVersion),
    Resources: [resourceOf(f, target)],
    Compliance: { Status: mapped.compliance, RelatedRequirements: requirements(f.checkId) },
    Workflow: { Status: mapped.workflow },
    RecordState: mapped.record,
  };
  return withinSize(finding);
}

/**
 * Every finding of the run in ASFF, in the run's order. Resolved findings are in the
 * recorded result as PASS with `change: resolved` (also those that departed the run), so
 * each is sent once more, archived.
 */
export function toAsff(input: AsffInput): AwsSecurityFinding[] {
  const states = new Map<string, Pick<FindingState, "firstSeen" | "lastSeen">>();
  for (const s of input.states ?? []) states.set(s.findingId, s);
  return input.result.findings.map((f) => toAsffFinding(f, input.result, input.target, states.get(f.id), input.toolVersion));
}

/** `--format asff`: the findings as BatchImportFindings gets them (its `Findings`, unbatched). */
export function renderAsff(input: AsffInput): string {
  return `${JSON.stringify(toAsff(input), null, 2)}\n`;
}
