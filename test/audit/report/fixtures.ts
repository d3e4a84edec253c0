/**
 * A realistic audit of a delayed_job backend for report tests: violations of every
 * severity, an ERROR, a MUTED finding, passes, attacker-chosen names, and ten hourly runs.
 */
import { CHECKS } from "../../../lib/audit/checks/registry.js";
import { findingId } from "../../../lib/audit/findings/ids.js";
import { type AuditResult, emptyCounts, type Finding, outcomeOf, SEVERITIES, type Severity } from "../../../lib/audit/findings/model.js";
import type { HistoryRun, HtmlReportInput } from "../../../lib/audit/report/html.js";
import { ACCOUNT, config, REGION } from "../../support/builders.js";

const META = new Map<string, (typeof CHECKS)[number]["meta"]>(CHECKS.map((c) => [c.meta.id, c.meta]));

type Spec = Pick<Finding, "checkId" | "status" | "resource" | "message"> &
  Partial<Pick<Finding, "subject" | "evidence" | "change" | "severity">>;

export function finding(spec: Spec): Finding {
  const meta = META.get(spec.checkId);
  const f: Finding = {
    id: findingId(spec.checkId, spec.resource, spec.subject),
    checkId: spec.checkId,
    status: spec.status,
    severity: spec.severity ?? meta?.severity ?? "high",
    resource: spec.resource,
    message: spec.message,
    evidence: spec.evidence ?? {},
    remediation: meta?.remediation ?? "Fix it.",
    references: [...(meta?.references ?? [])],
  };
  if (spec.subject !== undefined) f.subject = spec.subject;
  if (spec.change !== undefined) f.change = spec.change;
  return f;
}

const sg = (id: string) => ({
  type: "AWS::EC2::SecurityGroup" as const,
  id,
  arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${id}`,
  account: ACCOUNT,
  region: REGION,
});
const db = {
  type: "AWS::RDS::DBInstance" as const,
  id: "queue-db",
  arn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:queue-db`,
  account: ACCOUNT,
  region: REGION,
};
const cache = {
  type: "AWS::ElastiCache::ReplicationGroup" as const,
  id: "jobs-redis",
  arn: `arn:aws:elasticache:${REGION}:${ACCOUNT}:replicationgroup:jobs-redis`,
  account: ACCOUNT,
  region: REGION,
};
const table = { type: "PostgreSQL::Table" as const, id: "queue-db:public.delayed_jobs" };

/** A role name an attacker chose, to prove it renders as text. */
export const HOSTILE_ROLE = `<script>alert("pwned")</script>`;
export const HOSTILE_RULE = `<img src=x onerror=alert(1)> "quoted" & 'single'`;

export function sampleFindings(): Finding[] {
  return [
    finding({
      checkId: "sg-world-ingress",
      status: "FAIL",
      resource: sg("sg-0a1b2c3d4e5f60002"),
      subject: "0.0.0.0/0 tcp 5432",
      change: "new",
      message: "sg-0a1b2c3d4e5f60002 lets anyone on the internet (0.0.0.0/0) reach queue-db on port 5432.",
      evidence: {
        groupId: "sg-0a1b2c3d4e5f60002",
        rule: { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, CidrIp: "0.0.0.0/0", Description: HOSTILE_RULE },
      },
    }),
    finding({
      checkId: "sg-world-ingress",
      status: "FAIL",
      resource: sg("sg-0a1b2c3d4e5f60003"),
      subject: "::/0 tcp 6379",
      message: "sg-0a1b2c3d4e5f60003 lets anyone on the internet (::/0) reach jobs-redis on port 6379.",
      evidence: { groupId: "sg-0a1b2c3d4e5f60003", rule: { IpProtocol: "tcp", FromPort: 6379, ToPort: 6379, CidrIpv6: "::/0" } },
    }),
    finding({
      checkId: "cache-auth-disabled",
      status: "FAIL",
      resource: cache,
      message: "jobs-redis accepts connections without a password: neither an AUTH token nor an RBAC user group is set.",
      evidence: { AuthTokenEnabled: false, UserGroupIds: [] },
    }),
    finding({
      checkId: "pg-public-privilege",
      status: "FAIL",
      resource: table,
      subject: "PUBLIC",
      change: "regressed",
      message: "PUBLIC holds SELECT on public.delayed_jobs: every role that can log in can read the job queue.",
      evidence: { grantee: "PUBLIC", privileges: ["SELECT"], object: "public.delayed_jobs" },
    }),
    finding({
      checkId: "pg-unexpected-principal",
      status: "FAIL",
      resource: table,
      subject: HOSTILE_ROLE,
      message: `Login role ${HOSTILE_ROLE} is not in the policy but holds SELECT, UPDATE on public.delayed_jobs (through reporting).`,
      evidence: { role: HOSTILE_ROLE, privileges: ["SELECT", "UPDATE"], path: [HOSTILE_ROLE, "reporting"] },
    }),
    finding({
      checkId: "pg-excess-privilege",
      status: "FAIL",
      resource: table,
      subject: "app_web",
      message: "app_web holds DELETE, TRUNCATE on public.delayed_jobs beyond its allowed SELECT, INSERT.",
      evidence: { role: "app_web", allowed: ["SELECT", "INSERT"], excess: ["DELETE", "TRUNCATE"] },
    }),
    finding({
      checkId: "rds-tls-not-enforced",
      status: "FAIL",
      resource: db,
      message: "queue-db does not force TLS: rds.force_ssl is 0 in parameter group queue-pg14.",
      evidence: { parameterGroup: "queue-pg14", "rds.force_ssl": "0", engineVersion: "14.12" },
    }),
    finding({
      checkId: "cache-transit-encryption",
      status: "FAIL",
      resource: cache,
      message: "jobs-redis still accepts plaintext connections (TransitEncryptionMode is preferred).",
      evidence: { TransitEncryptionEnabled: true, TransitEncryptionMode: "preferred" },
    }),
    finding({
      checkId: "pg-runtime-role-owns-table",
      status: "FAIL",
      resource: table,
      subject: "app_worker",
      message: "public.delayed_jobs is owned by app_worker, not app_migrator: the worker can alter or drop the queue.",
      evidence: { owner: "app_worker", expected: "app_migrator" },
    }),
    finding({
      checkId: "rds-logs-not-exported",
      status: "FAIL",
      resource: db,
      message: "queue-db does not export its postgresql log to CloudWatch Logs.",
      evidence: { EnabledCloudwatchLogsExports: [] },
    }),
    finding({
      checkId: "rds-iam-auth-disabled",
      status: "FAIL",
      resource: db,
      message: "queue-db does not allow IAM database authentication.",
      evidence: { IAMDatabaseAuthenticationEnabled: false },
    }),
    finding({
      checkId: "sg-unapproved-cidr",
      status: "MUTED",
      resource: sg("sg-0a1b2c3d4e5f60004"),
      subject: "198.51.100.0/24 tcp 5432",
      message:
        "198.51.100.0/24 can reach queue-db on port 5432 and is not an approved range. Muted until 2027-03-31: VPN egress range, approved in CHG-1234",
      evidence: { cidr: "198.51.100.0/24", mute: { reason: "VPN egress range, approved in CHG-1234", expires: "2027-03-31" } },
    }),
    finding({
      checkId: "audit-error",
      status: "ERROR",
      severity: "high",
      resource: { type: "QueueAuditor::Source", id: "secretsmanager:DescribeSecret", account: ACCOUNT, region: REGION },
      subject: "AccessDeniedException",
      message:
        "secretsmanager:DescribeSecret could not be observed: access denied. Not evaluated: secret-rotation-disabled on queue-db/app.",
      evidence: {
        source: "secretsmanager:DescribeSecret",
        reason: "access denied",
        code: "AccessDeniedException",
        blocked: ["secret-rotation-disabled on queue-db/app"],
      },
    }),
    finding({
      checkId: "secret-rotation-disabled",
      status: "ERROR",
      resource: { type: "AWS::SecretsManager::Secret", id: "queue-db/app", account: ACCOUNT, region: REGION },
      message: "The rotation of queue-db/app could not be checked: DescribeSecret was denied.",
      evidence: { code: "AccessDeniedException" },
    }),
    finding({
      checkId: "rds-public-access",
      status: "PASS",
      resource: db,
      message: "queue-db is not publicly accessible.",
      evidence: { PubliclyAccessible: false },
    }),
    finding({
      checkId: "rds-storage-unencrypted",
      status: "PASS",
      resource: db,
      message: "queue-db encrypts its storage.",
      evidence: { StorageEncrypted: true },
    }),
    finding({
      checkId: "cache-at-rest-unencrypted",
      status: "PASS",
      resource: cache,
      message: "jobs-redis encrypts data at rest.",
      evidence: { AtRestEncryptionEnabled: true },
    }),
    finding({
      checkId: "sg-all-traffic",
      status: "PASS",
      resource: sg("sg-0a1b2c3d4e5f60002"),
      message: "sg-0a1b2c3d4e5f60002 has no all-traffic rule reaching a backend.",
      evidence: {},
    }),
    finding({
      checkId: "pg-public-schema-create",
      status: "PASS",
      resource: { type: "PostgreSQL::Schema", id: "queue-db:public" },
      message: "PUBLIC cannot create objects in schema public.",
      evidence: { publicCreate: false },
    }),
    finding({
      checkId: "pg-excess-privilege",
      status: "PASS",
      resource: table,
      subject: "app_worker",
      message: "app_worker holds exactly SELECT, INSERT, UPDATE, DELETE on public.delayed_jobs.",
      evidence: { role: "app_worker" },
    }),
    finding({
      checkId: "rds-master-password-unmanaged",
      status: "PASS",
      resource: db,
      message: "queue-db's master password is managed by Secrets Manager.",
      evidence: {},
    }),
  ];
}

export const STARTED = "2026-11-25T12:00:00.000Z";

export function sampleResult(findings = sampleFindings()): AuditResult {
  const counts = emptyCounts();
  for (const f of findings) counts[f.status] += 1;
  return {
    schemaVersion: 1,
    run: {
      id: "20261125T120000Z-5f3a9c1e",
      startedAt: STARTED,
      finishedAt: "2026-11-25T12:00:07.412Z",
      outcome: outcomeOf(findings),
      counts,
    },
    findings,
  };
}

/** Ten hourly runs before this one: violations rise, fall after a fix, and rise again. */
export function sampleHistory(): { runs: HistoryRun[] } {
  const shape: Partial<Record<Severity, number>>[] = [
    { critical: 0, high: 1, medium: 2, low: 1 },
    { critical: 0, high: 1, medium: 2, low: 1 },
    { critical: 1, high: 2, medium: 2, low: 1 },
    { critical: 2, high: 3, medium: 2, low: 1 },
    { critical: 2, high: 3, medium: 2, low: 1 },
    { critical: 1, high: 2, medium: 1, low: 1 },
    { critical: 0, high: 1, medium: 1, low: 1 },
    { critical: 0, high: 0, medium: 1, low: 1 },
    { critical: 2, high: 2, medium: 1, low: 1 },
    { critical: 3, high: 3, medium: 2, low: 1 },
  ];
  const runs = shape.map((bySeverity, i): HistoryRun => {
    const at = new Date(Date.parse(STARTED) - (shape.length - i) * 3_600_000 * 24).toISOString();
    const fail = SEVERITIES.reduce((n, s) => n + (bySeverity[s] ?? 0), 0);
    return {
      id: `${at.replace(/[-:]/g, "").replace(/\.\d+/, "")}-00000${i}`,
      startedAt: at,
      outcome: fail > 0 ? "violations" : "compliant",
      counts: { PASS: 14, FAIL: fail, ERROR: 0, MUTED: 1 },
      violationsBySeverity: bySeverity,
    };
  });
  return { runs };
}

export function sampleConfig() {
  return config({
    targets: { rds: ["queue-db"], elasticache: ["jobs-redis"] },
    network: { allowedCidrs: ["10.20.0.0/16"], allowedSecurityGroups: ["sg-0a1b2c3d4e5f60001"] },
    credentials: { maxAgeDays: 90, secrets: ["queue-db/app"] },
    postgres: [
      {
        name: "queue-db",
        connection: {
          host: "queue-db.c9akciq32.eu-west-1.rds.amazonaws.com",
          database: "app_production",
          user: "queue_auditor",
          password: { env: "QUEUE_AUDITOR_PG_PASSWORD" },
        },
        tables: ["public.delayed_jobs"],
        owner: "app_migrator",
        admins: ["postgres"],
        principals: { app_worker: ["SELECT", "INSERT", "UPDATE", "DELETE"], app_web: ["SELECT", "INSERT"] },
      },
    ],
    redis: [{ name: "jobs-redis", endpoint: { host: "jobs-redis.abc123.euw1.cache.amazonaws.com" }, tls: "required", auth: "required" }],
    checks: { disabled: [], severity: { "rds-logs-not-exported": "low" } },
    mutes: [
      {
        check: "sg-unapproved-cidr",
        resource: "sg-0a1b2c3d4e5f60004",
        subject: "198.51.100.0/24 tcp 5432",
        reason: "VPN egress range, approved in CHG-1234",
        expires: "2027-03-31",
      },
      {
        check: "rds-iam-auth-disabled",
        resource: "queue-db",
        reason: "Password auth until the IAM migration (PLAT-88)",
        expires: "2026-10-31",
      },
    ],
  });
}

export function sampleReportInput(): HtmlReportInput {
  return {
    result: sampleResult(),
    history: sampleHistory(),
    chain: { status: "intact", checkedRuns: 11 },
    config: sampleConfig(),
    generatedAt: "2026-11-25T12:00:09.000Z",
  };
}
