/**
 * The run as Security Hub gets it (ASFF): one finding per finding id under the importing
 * account's default product, states mapped so that a resolved finding is archived and a
 * regression reopens it, every value within the ASFF's limits, and the request valid
 * against the AWS CLI's own model of BatchImportFindings.
 */
import type { AwsSecurityFinding } from "@aws-sdk/client-securityhub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../../lib/audit/findings/model.js";
import { recordRun } from "../../../lib/audit/record.js";
import {
  ASFF_LIMITS,
  asffBatches,
  MAX_BATCH_BYTES,
  MAX_FINDING_BYTES,
  productArn,
  renderAsff,
  toAsff,
  toAsffFinding,
} from "../../../lib/audit/report/asff.js";
import { RenderContextError, renderResult } from "../../../lib/audit/report/index.js";
import type { DynamoStore } from "../../../lib/audit/store/dynamo-store.js";
import { botocoreAvailable, inputProblems } from "../../support/botocore-models.js";
import { finding, memoryStore, POLICY, result } from "../store/helpers.js";
import { sampleResult } from "./fixtures.js";

/** The auditor's account and region: where the findings are imported. */
const TARGET = { partition: "aws", account: "999988887777", region: "eu-central-1" };
const PRODUCT = "arn:aws:securityhub:eu-central-1:999988887777:product/999988887777/default";

const bytes = (f: AwsSecurityFinding) => Buffer.byteLength(JSON.stringify(f), "utf8");

describe("ASFF: the product and the finding", () => {
  it("imports into the custom integration's default product of the importing account and region", () => {
    expect(productArn(TARGET)).toBe(PRODUCT);
    expect(productArn({ partition: "aws-cn", account: "123456789012", region: "cn-north-1" })).toBe(
      "arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default",
    );
  });

  it("writes a failing finding in full: stable id, check as generator, controls as related requirements, the fix as remediation", () => {
    const f = finding({
      id: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
      severity: "critical",
      resource: {
        type: "AWS::EC2::SecurityGroup",
        id: "sg-0a1b2c3d4e5f60001",
        arn: "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0a1b2c3d4e5f60001",
        account: "111122223333",
        region: "eu-west-1",
      },
      fix: {
        text: "Remove the world-open rule.",
        commands: ["aws ec2 revoke-security-group-ingress --group-id sg-0a1b2c3d4e5f60001 --ip-permissions …"],
        kind: "aws-cli",
      },
      references: ["AWS Security Hub EC2.19", "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"],
      change: "new",
    });
    const run = result("run-2", "2026-11-25T12:00:00.000Z", [f]);
    run.run.finishedAt = "2026-11-25T12:00:05.000Z";
    const asff = toAsffFinding(f, run, TARGET, { firstSeen: "2026-11-24T12:00:00.000Z", lastSeen: "2026-11-25T12:00:00.000Z" }, "9.9.9");
    expect(asff).toEqual({
      SchemaVersion: "2018-10-08",
      Id: "queue-auditor/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
      ProductArn: PRODUCT,
      ProductName: "queue-auditor",
      CompanyName: "queue-auditor",
      GeneratorId: "sg-world-ingress",
      AwsAccountId: "999988887777",
      Types: ["Software and Configuration Checks/Industry and Regulatory Standards"],
      FirstObservedAt: "2026-11-24T12:00:00.000Z",
      LastObservedAt: "2026-11-25T12:00:00.000Z",
      CreatedAt: "2026-11-24T12:00:00.000Z",
      UpdatedAt: "2026-11-25T12:00:05.000Z",
      Severity: { Label: "CRITICAL", Original: "critical" },
      FindingProviderFields: {
        Severity: { Label: "CRITICAL", Original: "critical" },
        Types: ["Software and Configuration Checks/Industry and Regulatory Standards"],
      },
      Title: "Backend port open to the internet",
      Description: "Security group sg-0a1b2c3d4e5f60001 admits 0.0.0.0/0 on 6379.",
      Remediation: {
        Recommendation: {
          Text: "Remove the world-open rule.\naws ec2 revoke-security-group-ingress --group-id sg-0a1b2c3d4e5f60001 --ip-permissions …",
          Url: "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
        },
      },
      ProductFields: {
        "queue-auditor/findingId": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "queue-auditor/checkId": "sg-world-ingress",
        "queue-auditor/status": "FAIL",
        "queue-auditor/runId": "run-2",
        "queue-auditor/version": "9.9.9",
        "queue-auditor/change": "new",
        "queue-auditor/resourceAccount": "111122223333",
        "queue-auditor/resourceRegion": "eu-west-1",
        "queue-auditor/subject": "0.0.0.0/0 tcp 6379",
        "queue-auditor/evidence": '{"ipPermissions":[{"fromPort":6379,"toPort":6379,"cidr":"0.0.0.0/0"}]}',
      },
      Resources: [
        {
          Type: "AwsEc2SecurityGroup",
          Id: "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0a1b2c3d4e5f60001",
          Partition: "aws",
          Region: "eu-west-1",
          Details: {
            Other: {
              resourceType: "AWS::EC2::SecurityGroup",
              resourceId: "sg-0a1b2c3d4e5f60001",
              account: "111122223333",
              subject: "0.0.0.0/0 tcp 6379",
            },
          },
        },
      ],
      Compliance: {
        Status: "FAILED",
        RelatedRequirements: [
          "SOC 2 CC6.6",
          "PCI DSS 4.0 1.3",
          "ISO/IEC 27001:2022 A.8.20",
          "ISO/IEC 27001:2022 A.8.22",
          "NIST SP 800-53 r5 SC-7",
          "PCI DSS 4.0 1.4.1",
          "CIS AWS Foundations 3.0 5.2",
          "CIS AWS Foundations 3.0 5.3",
        ],
      },
      Workflow: { Status: "NEW" },
      RecordState: "ACTIVE",
    } satisfies AwsSecurityFinding);
  });

  it("maps each status to a compliance status, a record state and a first workflow status", () => {
    const at = (status: Finding["status"]) => {
      const f = finding({ id: `id-${status}`, status });
      const a = toAsffFinding(f, result("r", "2026-11-25T12:00:00.000Z", [f]), TARGET);
      return [a.Compliance?.Status, a.RecordState, a.Workflow?.Status, a.Severity?.Label];
    };
    expect(at("FAIL")).toEqual(["FAILED", "ACTIVE", "NEW", "CRITICAL"]);
    // Not observed is never compliant: NOT_AVAILABLE stays active.
    expect(at("ERROR")).toEqual(["NOT_AVAILABLE", "ACTIVE", "NEW", "CRITICAL"]);
    // A muted violation still fails its control; the risk was accepted.
    expect(at("MUTED")).toEqual(["FAILED", "ACTIVE", "SUPPRESSED", "CRITICAL"]);
    expect(at("PASS")).toEqual(["PASSED", "ARCHIVED", "RESOLVED", "INFORMATIONAL"]);
  });

  it("names resources outside AWS as Other, without a partition or region they do not have", () => {
    const f = finding({
      id: "t",
      checkId: "pg-public-privilege",
      resource: { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs" },
      subject: "PUBLIC",
    });
    const [resource] = toAsffFinding(f, result("r", "2026-11-25T12:00:00.000Z", [f]), TARGET).Resources ?? [];
    expect(resource).toEqual({
      Type: "Other",
      Id: "queue-db:public.delayed_jobs",
      Details: { Other: { resourceType: "PostgreSQL::Table", resourceId: "queue-db:public.delayed_jobs", subject: "PUBLIC" } },
    });
  });

  it("carries the mute's reason and expiry", () => {
    const f = finding({ id: "m", status: "MUTED", evidence: { mute: { reason: "vendor VPN, ticket SEC-12", expires: "2026-12-31" } } });
    const fields = toAsffFinding(f, result("r", "2026-11-25T12:00:00.000Z", [f]), TARGET).ProductFields ?? {};
    expect(fields["queue-auditor/mute"]).toBe("until 2026-12-31: vendor VPN, ticket SEC-12");
  });
});

describe("ASFF across recorded runs: resolved findings archived, regressions reopened", () => {
  let store: DynamoStore;
  beforeAll(async () => {
    ({ store } = await memoryStore());
  });
  afterAll(async () => {
    await store.close();
  });

  it("archives a fixed and a departed finding, and reopens a regression with its first observation kept", async () => {
    const open = finding({ id: "a-open" });
    const fixed = finding({ id: "b-fixed", subject: "10.0.0.0/8 tcp 6379" });
    const gone = finding({
      id: "c-gone",
      resource: { type: "AWS::EC2::SecurityGroup", id: "sg-0a1b2c3d4e5f6000c", account: "111122223333", region: "eu-west-1" },
    });
    const now = new Date("2026-11-25T12:00:00Z");
    await recordRun(store, result("run-1", "2026-11-25T10:00:00.000Z", [open, fixed, gone]), POLICY, now);
    const second = await recordRun(store, result("run-2", "2026-11-25T11:00:00.000Z", [open, { ...fixed, status: "PASS" }]), POLICY, now);
    const asff2 = new Map(toAsff({ result: second.result, target: TARGET, states: second.states }).map((a) => [a.Id, a]));
    expect([...asff2.keys()].sort()).toEqual(["queue-auditor/a-open", "queue-auditor/b-fixed", "queue-auditor/c-gone"]);
    const state = (id: string) => {
      const a = asff2.get(`queue-auditor/${id}`);
      return [a?.RecordState, a?.Workflow?.Status, a?.Compliance?.Status, a?.ProductFields?.["queue-auditor/change"]];
    };
    expect(state("a-open")).toEqual(["ACTIVE", "NEW", "FAILED", "persisting"]);
    expect(state("b-fixed")).toEqual(["ARCHIVED", "RESOLVED", "PASSED", "resolved"]);
    // Absent from run 2, yet sent once more so Security Hub archives it.
    expect(state("c-gone")).toEqual(["ARCHIVED", "RESOLVED", "PASSED", "resolved"]);
    expect(asff2.get("queue-auditor/c-gone")?.LastObservedAt).toBe("2026-11-25T10:00:00.000Z");

    const third = await recordRun(store, result("run-3", "2026-11-25T12:00:00.000Z", [open, fixed]), POLICY, now);
    const reopened = toAsff({ result: third.result, target: TARGET, states: third.states }).find((a) => a.Id === "queue-auditor/b-fixed");
    expect(reopened).toMatchObject({
      RecordState: "ACTIVE",
      Workflow: { Status: "NEW" },
      Compliance: { Status: "FAILED" },
      ProductFields: { "queue-auditor/change": "regressed" },
      FirstObservedAt: "2026-11-25T10:00:00.000Z",
      CreatedAt: "2026-11-25T10:00:00.000Z",
      LastObservedAt: "2026-11-25T12:00:00.000Z",
    });
  });
});

describe("ASFF limits", () => {
  it("keeps every text within its ASFF limit, and the requirements within 32 items of at most 64 characters", () => {
    const f = finding({
      id: "long",
      checkId: "pg-excess-privilege",
      message: "m".repeat(5000),
      remediation: "r".repeat(5000),
      subject: "s".repeat(5000),
    });
    const a = toAsffFinding(f, result("r", "2026-11-25T12:00:00.000Z", [f]), TARGET);
    expect([...(a.Description ?? "")].length).toBe(ASFF_LIMITS.description);
    expect(a.Description?.endsWith("…")).toBe(true);
    expect([...(a.Remediation?.Recommendation?.Text ?? "")].length).toBe(ASFF_LIMITS.recommendationText);
    expect([...(a.Title ?? "")].length).toBeLessThanOrEqual(ASFF_LIMITS.title);
    for (const value of Object.values(a.ProductFields ?? {})) expect([...value].length).toBeLessThanOrEqual(ASFF_LIMITS.productFieldValue);
    const requirements = a.Compliance?.RelatedRequirements ?? [];
    expect(requirements.length).toBeGreaterThan(0);
    expect(requirements.length).toBeLessThanOrEqual(ASFF_LIMITS.relatedRequirements);
    for (const r of requirements) expect([...r].length).toBeLessThanOrEqual(ASFF_LIMITS.requirementLength);
  });

  it("cuts the evidence of a finding over 240 KB and says so", () => {
    // Four-byte characters: 2048 of them per field would still be 8 KB, so a megabyte of them tests the byte bound.
    const f = finding({ id: "huge", evidence: { roles: Array.from({ length: 4000 }, (_, i) => `𝔯𝔬𝔩𝔢-${i}-${"𝔵".repeat(60)}`) } });
    expect(Buffer.byteLength(JSON.stringify(f.evidence))).toBeGreaterThan(MAX_FINDING_BYTES);
    const a = toAsffFinding(f, result("r", "2026-11-25T12:00:00.000Z", [f]), TARGET);
    expect(bytes(a)).toBeLessThanOrEqual(MAX_FINDING_BYTES);
    expect(a.ProductFields?.["queue-auditor/evidenceTruncated"]).toMatch(
      /^shortened to 2048 of \d+ characters; the full evidence is in the audit's store$/,
    );
    expect(a.ProductFields?.["queue-auditor/evidence"]?.startsWith('{"roles":["𝔯𝔬𝔩𝔢-0-')).toBe(true);
    expect(a.ProductFields?.["queue-auditor/evidence"]?.endsWith("…")).toBe(true);
  });

  it("batches 250 findings as 100, 100 and 50, in order", () => {
    const findings = Array.from({ length: 250 }, (_, i) => finding({ id: `f-${String(i).padStart(3, "0")}` }));
    const asff = toAsff({ result: result("r", "2026-11-25T12:00:00.000Z", findings), target: TARGET });
    const batches = asffBatches(asff);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat().map((a) => a.Id)).toEqual(findings.map((f) => `queue-auditor/${f.id}`));
  });

  it("starts a new batch before a request would pass 6 MB", () => {
    const big = { ...toAsffFinding(finding({ id: "x" }), result("r", "2026-11-25T12:00:00.000Z", []), TARGET) };
    big.ProductFields = { ...big.ProductFields, pad: "p".repeat(200 * 1024) };
    const batches = asffBatches(Array.from({ length: 40 }, () => big));
    expect(batches.length).toBe(2);
    for (const batch of batches) expect(batch.reduce((n, a) => n + bytes(a), 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
  });

  it.skipIf(!botocoreAvailable)("is a valid BatchImportFindings request by the AWS CLI's model, hostile names and all", () => {
    const asff = toAsff({ result: sampleResult(), target: TARGET });
    expect(asff.length).toBeGreaterThan(5);
    for (const batch of asffBatches(asff)) expect(inputProblems("securityhub", "BatchImportFindings", { Findings: batch })).toEqual([]);
    // The check is not vacuous: a missing required member and an unknown state are caught.
    const [first] = asff as [AwsSecurityFinding];
    const broken = { ...first, RecordState: "OPEN", Title: " " } as unknown as AwsSecurityFinding;
    delete (broken as { GeneratorId?: string }).GeneratorId;
    expect(inputProblems("securityhub", "BatchImportFindings", { Findings: [broken] })).toEqual([
      "Findings[0].GeneratorId: required by AwsSecurityFinding",
      "Findings[0].Title: does not match .*\\S.* (NonEmptyString)",
      "Findings[0].RecordState: OPEN is not one of ACTIVE, ARCHIVED",
    ]);
  });
});

describe("--format asff", () => {
  it("renders the findings array BatchImportFindings would get", () => {
    const run = sampleResult();
    const text = renderResult(run, "asff", { securityHub: TARGET });
    expect(JSON.parse(text)).toEqual(toAsff({ result: run, target: TARGET }));
    expect(text).toBe(renderAsff({ result: run, target: TARGET }));
  });

  it("refuses without the account and region the findings are for", () => {
    expect(() => renderResult(sampleResult(), "asff")).toThrow(RenderContextError);
  });
});
