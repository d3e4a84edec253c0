/**
 * OCSF export: each finding as an OCSF 1.3.0 Compliance Finding (class 2003), so a SIEM
 * or Amazon Security Lake can ingest the audit without a bespoke parser. The mapping
 * is documented in docs/report.md.
 */
import packageJson from "../../../package.json" with { type: "json" };
import { CHECKS } from "../checks/registry.js";
import type { AuditResult, Change, Finding, Severity, Status } from "../findings/model.js";
import { controlLabel, findingControls } from "./controls.js";

export const OCSF_VERSION = "1.3.0";
export const OCSF_CLASS_UID = 2003;
export const OCSF_CATEGORY_UID = 2;
/**
 * The control baseline every check belongs to. `compliance.standards` adds each framework
 * the check maps to (SOC 2, PCI DSS 4.0, …) and `compliance.requirements` their controls as
 * `FRAMEWORK control`, after the Security Hub and CIS ids of the references (OCSF 1.3
 * Compliance object: `control`, `standards`, `requirements`, `status_id`, `status_detail`).
 */
export const QUEUE_AUDITOR_STANDARD = "queue-auditor: Secure Access to Job Queue Backend";

const TITLES = new Map<string, string>(CHECKS.map((c) => [c.meta.id, c.meta.title]));

/** OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
export const OCSF_SEVERITY: Record<Severity, { id: number; caption: string }> = {
  info: { id: 1, caption: "Informational" },
  low: { id: 2, caption: "Low" },
  medium: { id: 3, caption: "Medium" },
  high: { id: 4, caption: "High" },
  critical: { id: 5, caption: "Critical" },
};

/** compliance.status_id: 1 Pass, 2 Warning ("did not yield a result due to missing information"), 3 Fail. */
export const OCSF_COMPLIANCE_STATUS: Record<Status, { id: number; caption: string }> = {
  PASS: { id: 1, caption: "Pass" },
  ERROR: { id: 2, caption: "Warning" },
  FAIL: { id: 3, caption: "Fail" },
  // The control still fails; the acceptance of the risk is the finding status (Suppressed).
  MUTED: { id: 3, caption: "Fail" },
};

/**
 * Finding status_id (the triage lifecycle): 1 New, 3 Suppressed, 4 Resolved. A PASS is
 * "Resolved" as Security Hub marks passed controls; we never claim 2 In Progress, since
 * nobody's review is known to us.
 */
export const OCSF_FINDING_STATUS: Record<Status, { id: number; caption: string }> = {
  FAIL: { id: 1, caption: "New" },
  ERROR: { id: 1, caption: "New" },
  MUTED: { id: 3, caption: "Suppressed" },
  PASS: { id: 4, caption: "Resolved" },
};

/** activity_id: 1 Create, 2 Update, 3 Close. Without history (no `change`) every finding is created. */
export function ocsfActivity(change: Change | undefined): { id: number; caption: string } {
  switch (change) {
    case "persisting":
    case "regressed":
      return { id: 2, caption: "Update" };
    case "resolved":
      return { id: 3, caption: "Close" };
    default:
      return { id: 1, caption: "Create" };
  }
}

export interface OcsfOptions {
  /** The product version written to metadata.product.version; defaults to package.json's. */
  productVersion?: string;
}

interface OcsfResource {
  uid: string;
  name: string;
  type: string;
  region?: string;
  cloud_partition?: string;
  data?: Record<string, unknown>;
}

export interface OcsfComplianceFinding {
  activity_id: number;
  activity_name: string;
  category_uid: number;
  category_name: string;
  class_uid: number;
  class_name: string;
  type_uid: number;
  type_name: string;
  time: number;
  severity_id: number;
  severity: string;
  status_id: number;
  status: string;
  status_detail?: string;
  message: string;
  metadata: {
    version: string;
    product: { name: string; vendor_name: string; version: string };
    uid: string;
    correlation_uid: string;
    profiles: string[];
    log_name: string;
  };
  finding_info: {
    uid: string;
    title: string;
    desc: string;
    types: string[];
    created_time: number;
    product_uid: string;
  };
  compliance: {
    control: string;
    standards: string[];
    requirements: string[];
    status_id: number;
    status: string;
    status_detail?: string;
  };
  resources: OcsfResource[];
  cloud?: { provider: string; region?: string; account?: { uid: string; type: string; type_id: number } };
  remediation: { desc: string; references: string[] };
  unmapped: Record<string, unknown>;
}

/** The finding's own fix first (what to run for exactly this resource), then the check's general advice. */
function remediationDesc(f: Finding): string {
  if (!f.fix || f.status === "PASS") return f.remediation;
  const commands = f.fix.commands.length > 0 ? `\n${f.fix.commands.join("\n")}` : "";
  return `${f.fix.text}${commands}\n\nGeneral advice: ${f.remediation}`;
}

/** Security Hub control ids and CIS items are requirements; guides and docs are only references. */
function isRequirement(reference: string): boolean {
  return /^(AWS Security Hub|CIS )/.test(reference);
}

function partitionOf(arn: string | undefined): string | undefined {
  return arn?.split(":")[1];
}

function statusDetail(f: Finding): string | undefined {
  const mute = f.evidence?.mute as { reason?: unknown; expires?: unknown } | undefined;
  if (f.status === "MUTED" && typeof mute?.reason === "string") return `Muted until ${String(mute.expires)}: ${mute.reason}`;
  if (f.status === "ERROR") return "Not observed: the check could not be evaluated.";
  return undefined;
}

function resourceOf(f: Finding): OcsfResource {
  const r = f.resource;
  const resource: OcsfResource = { uid: r.arn ?? r.id, name: r.id, type: r.type };
  if (r.region) resource.region = r.region;
  const partition = partitionOf(r.arn);
  if (partition) resource.cloud_partition = partition;
  if (f.subject !== undefined) resource.data = { subject: f.subject };
  return resource;
}

export function findingToOcsf(f: Finding, result: AuditResult, productVersion: string): OcsfComplianceFinding {
  const time = Date.parse(result.run.startedAt);
  const activity = ocsfActivity(f.change);
  const severity = OCSF_SEVERITY[f.severity];
  const compliance = OCSF_COMPLIANCE_STATUS[f.status];
  const status = OCSF_FINDING_STATUS[f.status];
  const detail = statusDetail(f);
  const controls = findingControls(f);
  // Resources outside AWS (a PostgreSQL table, a Redis endpoint) carry no account or region: no cloud profile for them.
  const inCloud = Boolean(f.resource.account || f.resource.region);
  const event: OcsfComplianceFinding = {
    activity_id: activity.id,
    activity_name: activity.caption,
    category_uid: OCSF_CATEGORY_UID,
    category_name: "Findings",
    class_uid: OCSF_CLASS_UID,
    class_name: "Compliance Finding",
    type_uid: OCSF_CLASS_UID * 100 + activity.id,
    type_name: `Compliance Finding: ${activity.caption}`,
    time,
    severity_id: severity.id,
    severity: severity.caption,
    status_id: status.id,
    status: status.caption,
    message: f.message,
    metadata: {
      version: OCSF_VERSION,
      product: { name: "queue-auditor", vendor_name: "queue-auditor", version: productVersion },
      uid: `${result.run.id}/${f.id}`,
      correlation_uid: result.run.id,
      profiles: inCloud ? ["cloud"] : [],
      log_name: "queue-auditor findings",
    },
    finding_info: {
      uid: f.id,
      title: TITLES.get(f.checkId) ?? f.checkId,
      desc: f.message,
      types: ["Software and Configuration Checks/Industry and Regulatory Standards", f.checkId],
      created_time: time,
      product_uid: f.checkId,
    },
    compliance: {
      control: f.checkId,
      standards: [QUEUE_AUDITOR_STANDARD, ...new Set(controls.map((ref) => ref.framework))],
      requirements: [...f.references.filter(isRequirement), ...controls.map(controlLabel)],
      status_id: compliance.id,
      status: compliance.caption,
    },
    resources: [resourceOf(f)],
    remediation: { desc: remediationDesc(f), references: [...f.references] },
    unmapped: {
      queue_auditor: {
        status: f.status,
        severity: f.severity,
        check_id: f.checkId,
        ...(f.subject !== undefined ? { subject: f.subject } : {}),
        ...(f.change !== undefined ? { change: f.change } : {}),
        run_id: result.run.id,
        evidence: f.evidence,
        controls,
        ...(f.fix && f.status !== "PASS" ? { fix: f.fix } : {}),
      },
    },
  };
  if (detail) {
    event.status_detail = detail;
    event.compliance.status_detail = detail;
  }
  if (inCloud) {
    event.cloud = { provider: "AWS" };
    if (f.resource.region) event.cloud.region = f.resource.region;
    if (f.resource.account) event.cloud.account = { uid: f.resource.account, type: "AWS Account", type_id: 10 };
  }
  return event;
}

export function toOcsf(result: AuditResult, opts: OcsfOptions = {}): OcsfComplianceFinding[] {
  const version = opts.productVersion ?? packageJson.version;
  return result.findings.map((f) => findingToOcsf(f, result, version));
}

/** A JSON array, one Compliance Finding per finding (what `--format ocsf` prints). */
export function renderOcsf(result: AuditResult, opts: OcsfOptions = {}): string {
  return `${JSON.stringify(toOcsf(result, opts), null, 2)}\n`;
}
