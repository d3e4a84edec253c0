import { describe, expect, it } from "vitest";
import type { Finding } from "../../../lib/audit/findings/model.js";
import { OCSF_VERSION, type OcsfComplianceFinding, QUEUE_AUDITOR_STANDARD, renderOcsf, toOcsf } from "../../../lib/audit/report/ocsf.js";
import { finding, sampleResult } from "./fixtures.js";

/**
 * Attributes OCSF marks "requirement": "required" for a Compliance Finding, read from
 * github.com/ocsf/ocsf-schema:
 *   events/base_event.json                    activity_id, category_uid, class_uid, metadata, severity_id, time, type_uid
 *   events/findings/finding.json              finding_info
 *   events/findings/compliance_finding.json   compliance
 *   objects/metadata.json                     metadata.product, metadata.version
 *   objects/product.json                      product.name
 *   objects/finding_info.json                 finding_info.uid
 *   objects/compliance.json                   compliance.standards
 *   objects/remediation.json                  remediation.desc (when remediation is present)
 *   profiles/cloud.json + objects/cloud.json  cloud and cloud.provider (when the cloud profile is used)
 */
const REQUIRED_TOP = [
  "activity_id",
  "category_uid",
  "class_uid",
  "metadata",
  "severity_id",
  "time",
  "type_uid",
  "finding_info",
  "compliance",
];
const REQUIRED_NESTED = ["metadata.product.name", "metadata.version", "finding_info.uid", "compliance.standards", "remediation.desc"];
/** "recommended" attributes this exporter always fills, because consumers key on them. */
const ALWAYS_SET = ["message", "status_id", "finding_info.title", "compliance.control", "compliance.status_id", "resources"];

function at(event: object, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], event);
}

function only(f: Finding): OcsfComplianceFinding {
  const [event] = toOcsf(sampleResult([f]));
  if (!event) throw new Error("no event");
  return event;
}

const world = () =>
  finding({
    checkId: "sg-world-ingress",
    status: "FAIL",
    resource: {
      type: "AWS::EC2::SecurityGroup",
      id: "sg-0a1b2c3d4e5f60002",
      arn: "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0a1b2c3d4e5f60002",
      account: "111122223333",
      region: "eu-west-1",
    },
    subject: "0.0.0.0/0 tcp 5432",
    message: "sg-0a1b2c3d4e5f60002 lets anyone reach queue-db on port 5432.",
    evidence: { rule: { CidrIp: "0.0.0.0/0" } },
  });

describe("OCSF export", () => {
  it("maps every finding to one Compliance Finding with the same uid", () => {
    const result = sampleResult();
    const events = toOcsf(result);
    expect(events).toHaveLength(result.findings.length);
    expect(events.map((e) => e.finding_info.uid)).toEqual(result.findings.map((f) => f.id));
  });

  it("fills every attribute the schema requires, with values of the schema's enums", () => {
    for (const event of toOcsf(sampleResult())) {
      for (const key of [...REQUIRED_TOP, ...REQUIRED_NESTED, ...ALWAYS_SET]) expect(at(event, key), key).toBeDefined();
      expect(event.class_uid).toBe(2003);
      expect(event.category_uid).toBe(2);
      expect([1, 2, 3]).toContain(event.activity_id);
      expect(event.type_uid).toBe(2003 * 100 + event.activity_id);
      expect([1, 2, 3, 4, 5]).toContain(event.severity_id);
      expect([1, 2, 3]).toContain(event.compliance.status_id);
      expect([1, 3, 4]).toContain(event.status_id);
      expect(Number.isInteger(event.time)).toBe(true);
      expect(event.metadata.version).toBe(OCSF_VERSION);
      expect(event.compliance.standards).toContain(QUEUE_AUDITOR_STANDARD);
      if (event.metadata.profiles.includes("cloud")) expect(event.cloud?.provider).toBe("AWS");
    }
  });

  it("gives the run's start as epoch milliseconds", () => {
    expect(only(world()).time).toBe(Date.parse("2026-11-25T12:00:00.000Z"));
  });

  it.each([
    ["critical", 5, "Critical"],
    ["high", 4, "High"],
    ["medium", 3, "Medium"],
    ["low", 2, "Low"],
    ["info", 1, "Informational"],
  ] as const)("maps severity %s to severity_id %i", (severity, id, caption) => {
    const event = only({ ...world(), severity });
    expect(event.severity_id).toBe(id);
    expect(event.severity).toBe(caption);
  });

  it.each([
    ["PASS", 1, "Pass", 4, "Resolved"],
    ["FAIL", 3, "Fail", 1, "New"],
    ["ERROR", 2, "Warning", 1, "New"],
    ["MUTED", 3, "Fail", 3, "Suppressed"],
  ] as const)(
    "maps %s to compliance status %i and finding status %i",
    (status, complianceId, complianceCaption, statusId, statusCaption) => {
      const event = only({ ...world(), status });
      expect(event.compliance).toMatchObject({ status_id: complianceId, status: complianceCaption });
      expect(event).toMatchObject({ status_id: statusId, status: statusCaption });
    },
  );

  it.each([
    [undefined, 1, "Create"],
    ["new", 1, "Create"],
    ["persisting", 2, "Update"],
    ["regressed", 2, "Update"],
    ["resolved", 3, "Close"],
  ] as const)("maps change %s to activity %i", (change, id, caption) => {
    const f = world();
    if (change) f.change = change;
    const event = only(f);
    expect(event).toMatchObject({
      activity_id: id,
      activity_name: caption,
      type_uid: 200300 + id,
      type_name: `Compliance Finding: ${caption}`,
    });
  });

  it("names the AWS resource by ARN, with its account, region and partition", () => {
    const event = only(world());
    expect(event.resources).toEqual([
      {
        uid: "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0a1b2c3d4e5f60002",
        name: "sg-0a1b2c3d4e5f60002",
        type: "AWS::EC2::SecurityGroup",
        region: "eu-west-1",
        cloud_partition: "aws",
        data: { subject: "0.0.0.0/0 tcp 5432" },
      },
    ]);
    expect(event.cloud).toEqual({
      provider: "AWS",
      region: "eu-west-1",
      account: { uid: "111122223333", type: "AWS Account", type_id: 10 },
    });
    expect(event.metadata.profiles).toEqual(["cloud"]);
  });

  it("leaves out the cloud profile for a database table it cannot place in an account", () => {
    const event = only(
      finding({
        checkId: "pg-public-privilege",
        status: "FAIL",
        resource: { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs" },
        subject: "PUBLIC",
        message: "PUBLIC can read.",
      }),
    );
    expect(event.cloud).toBeUndefined();
    expect(event.metadata.profiles).toEqual([]);
    expect(event.resources[0]).toMatchObject({ uid: "queue-db:public.delayed_jobs", type: "PostgreSQL::Table" });
  });

  it("carries the check as the control, Security Hub and CIS ids as requirements and every reference for remediation", () => {
    const event = only(
      finding({
        checkId: "sg-unapproved-cidr",
        status: "FAIL",
        resource: world().resource,
        subject: "203.0.113.0/24 tcp 5432",
        message: "m",
      }),
    );
    expect(event.compliance.control).toBe("sg-unapproved-cidr");
    // The references' Security Hub and CIS ids first, then the mapped framework controls.
    expect(event.compliance.requirements).toEqual([
      "AWS Security Hub EC2.18",
      "CIS AWS Foundations Benchmark 5.2",
      "SOC 2 CC6.6",
      "PCI DSS 4.0 1.3",
      "ISO/IEC 27001:2022 A.8.20",
      "ISO/IEC 27001:2022 A.8.22",
      "NIST SP 800-53 r5 SC-7",
    ]);
    expect(event.compliance.standards).toEqual([QUEUE_AUDITOR_STANDARD, "SOC 2", "PCI DSS 4.0", "ISO/IEC 27001:2022", "NIST SP 800-53 r5"]);
    expect(event.remediation.references).toEqual(["AWS Security Hub EC2.18", "CIS AWS Foundations Benchmark 5.2"]);
    expect(event.remediation.desc).toMatch(/allowedCidrs/);
    expect(event.finding_info.title).toBe("Backend port open to an unapproved network");
  });

  it("explains a mute in the status detail and keeps the evidence unmapped", () => {
    const f = {
      ...world(),
      status: "MUTED" as const,
      evidence: { cidr: "x", mute: { reason: "approved in CHG-1234", expires: "2027-03-31" } },
    };
    const event = only(f);
    expect(event.status_detail).toBe("Muted until 2027-03-31: approved in CHG-1234");
    expect(event.compliance.status_detail).toBe(event.status_detail);
    expect(event.unmapped).toMatchObject({ queue_auditor: { status: "MUTED", check_id: "sg-world-ingress", evidence: f.evidence } });
  });

  it("renders a JSON array that parses back to the same events", () => {
    const result = sampleResult();
    expect(JSON.parse(renderOcsf(result, { productVersion: "9.9.9" }))).toEqual(toOcsf(result, { productVersion: "9.9.9" }));
    expect(toOcsf(result, { productVersion: "9.9.9" })[0]?.metadata.product).toEqual({
      name: "queue-auditor",
      vendor_name: "queue-auditor",
      version: "9.9.9",
    });
  });
});
