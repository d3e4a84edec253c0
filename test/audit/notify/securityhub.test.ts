/**
 * `--notify securityhub` and `deploy.alerts.securityHub`: every recorded run's findings
 * reach BatchImportFindings exactly as pinned here (a fixed finding and a departed one
 * archived, a regression reopened), in batches of at most 100, paced under the API's
 * 10 requests per second, backing off when throttled, sending again what Security Hub
 * reports in FailedFindings a bounded number of times, and reporting — never dropping —
 * what it did not take. The client is aws-sdk-client-mock's; errors are the SDK's own
 * exception classes, responses shaped as the AWS CLI model says.
 */
import {
  AccessDeniedException,
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  InternalException,
  LimitExceededException,
  SecurityHubClient,
  ThrottlingException,
} from "@aws-sdk/client-securityhub";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkMeta } from "../../../lib/audit/checks/registry.js";
import type { Finding } from "../../../lib/audit/findings/model.js";
import { notifierFromSpec } from "../../../lib/audit/notify/notifier.js";
import {
  type ImportOptions,
  importFindings,
  parseSecurityHubSpec,
  resolveSecurityHubTarget,
  SecurityHubImportError,
  SecurityHubTargetError,
  securityHubSinkFor,
  targetFromProductArn,
} from "../../../lib/audit/notify/securityhub.js";
import { recordRun } from "../../../lib/audit/record.js";
import { bounded, toAsff } from "../../../lib/audit/report/asff.js";
import type { DynamoStore } from "../../../lib/audit/store/dynamo-store.js";
import { botocoreAvailable, outputProblems } from "../../support/botocore-models.js";
import { finding, memoryStore, POLICY, result } from "../store/helpers.js";

const hub = mockClient(SecurityHubClient);
const sts = mockClient(STSClient);
const TARGET = { partition: "aws", account: "999988887777", region: "eu-central-1" };
const PRODUCT = "arn:aws:securityhub:eu-central-1:999988887777:product/999988887777/default";
const META = { $metadata: {} };

/** A fake clock: sleeping advances it, so pacing and backoff are measured, not waited for. */
function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  const options: ImportOptions = {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    random: () => 1,
  };
  return { options, sleeps, elapsed: () => t };
}

const ok = (n: number) => ({ FailedCount: 0, SuccessCount: n, FailedFindings: [] });
const sentIds = (call: number) => hub.commandCalls(BatchImportFindingsCommand)[call]?.args[0].input.Findings?.map((f) => f.Id) ?? [];
const asffOf = (n: number): AwsSecurityFinding[] =>
  toAsff({
    result: result(
      "r",
      "2026-11-25T12:00:00.000Z",
      Array.from({ length: n }, (_, i) => finding({ id: `f${i}` })),
    ),
    target: TARGET,
  });

beforeEach(() => {
  hub.reset();
  sts.reset();
});

/** The Compliance block of an sg-world-ingress finding, from lib/audit/controls/mappings.ts. */
const SG_REQUIREMENTS = [
  "SOC 2 CC6.6",
  "PCI DSS 4.0 1.3",
  "ISO/IEC 27001:2022 A.8.20",
  "ISO/IEC 27001:2022 A.8.22",
  "NIST SP 800-53 r5 SC-7",
  "PCI DSS 4.0 1.4.1",
  "CIS AWS Foundations 3.0 5.2",
  "CIS AWS Foundations 3.0 5.3",
];
const TYPES = ["Software and Configuration Checks/Industry and Regulatory Standards"];

describe("a recorded run imported into Security Hub", () => {
  let store: DynamoStore;
  beforeAll(async () => {
    ({ store } = await memoryStore());
  });
  afterAll(async () => {
    await store.close();
  });

  const sg = (id: string) => ({ type: "AWS::EC2::SecurityGroup" as const, id, account: "111122223333", region: "eu-west-1" });
  const open = finding({ id: "a-open", resource: sg("sg-0a1b2c3d4e5f6000a") });
  const fixed = finding({ id: "b-fixed", resource: sg("sg-0a1b2c3d4e5f6000b") });
  const gone = finding({ id: "c-gone", resource: sg("sg-0a1b2c3d4e5f6000c") });
  const run = (id: string, at: string, findings: Finding[]) => ({
    ...result(id, at, findings),
    run: { ...result(id, at, findings).run, finishedAt: at.replace(":00.000Z", ":09.000Z") },
  });

  it("sends exactly this BatchImportFindings input: the open finding active, the fixed and the departed one archived", async () => {
    const notifier = {
      description: "test",
      delivers: false,
      send: async () => {},
      securityHub: securityHubSinkFor(TARGET, new SecurityHubClient({})),
    };
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ok(input.Findings.length));
    const now = new Date("2026-11-25T12:00:00Z");
    const first = await recordRun(store, run("run-1", "2026-11-25T10:00:00.000Z", [open, fixed, gone]), POLICY, now, {
      notifier,
      toolVersion: "1.2.3",
    });
    expect(first.securityHub).toEqual({ target: TARGET, report: { findings: 3, imported: 3, failed: [], requests: 1, throttled: 0 } });
    const second = await recordRun(
      store,
      run("run-2", "2026-11-25T11:00:00.000Z", [
        open,
        { ...fixed, status: "PASS", message: "sg-0a1b2c3d4e5f6000b admits only the approved sources on 6379." },
      ]),
      POLICY,
      now,
      {
        notifier,
        toolVersion: "1.2.3",
      },
    );
    expect(second.securityHub?.error).toBeUndefined();

    const base = (id: string, groupId: string) => ({
      SchemaVersion: "2018-10-08",
      Id: `queue-auditor/${id}`,
      ProductArn: PRODUCT,
      ProductName: "queue-auditor",
      CompanyName: "queue-auditor",
      GeneratorId: "sg-world-ingress",
      AwsAccountId: "999988887777",
      Types: TYPES,
      FirstObservedAt: "2026-11-25T10:00:00.000Z",
      CreatedAt: "2026-11-25T10:00:00.000Z",
      UpdatedAt: "2026-11-25T11:00:09.000Z",
      Title: "Backend port open to the internet",
      Resources: [
        {
          Type: "AwsEc2SecurityGroup",
          Id: groupId,
          Partition: "aws",
          Region: "eu-west-1",
          Details: {
            Other: { resourceType: "AWS::EC2::SecurityGroup", resourceId: groupId, account: "111122223333", subject: "0.0.0.0/0 tcp 6379" },
          },
        },
      ],
    });
    const fields = (id: string, status: string, change: string, evidence: string) => ({
      "queue-auditor/findingId": id,
      "queue-auditor/checkId": "sg-world-ingress",
      "queue-auditor/status": status,
      "queue-auditor/runId": "run-2",
      "queue-auditor/version": "1.2.3",
      "queue-auditor/change": change,
      "queue-auditor/resourceAccount": "111122223333",
      "queue-auditor/resourceRegion": "eu-west-1",
      "queue-auditor/subject": "0.0.0.0/0 tcp 6379",
      "queue-auditor/evidence": evidence,
    });
    const failing = { Label: "CRITICAL", Original: "critical" };
    const passed = { Label: "INFORMATIONAL", Original: "critical" };
    const FAIL_EVIDENCE = '{"ipPermissions":[{"fromPort":6379,"toPort":6379,"cidr":"0.0.0.0/0"}]}';
    expect(hub.commandCalls(BatchImportFindingsCommand)[1]?.args[0].input).toEqual({
      Findings: [
        {
          ...base("a-open", "sg-0a1b2c3d4e5f6000a"),
          LastObservedAt: "2026-11-25T11:00:00.000Z",
          Severity: failing,
          FindingProviderFields: { Severity: failing, Types: TYPES },
          Description: "Security group sg-0a1b2c3d4e5f60001 admits 0.0.0.0/0 on 6379.",
          Remediation: { Recommendation: { Text: "Remove the rule." } },
          ProductFields: fields("a-open", "FAIL", "persisting", FAIL_EVIDENCE),
          Compliance: { Status: "FAILED", RelatedRequirements: SG_REQUIREMENTS },
          Workflow: { Status: "NEW" },
          RecordState: "ACTIVE",
        },
        {
          ...base("b-fixed", "sg-0a1b2c3d4e5f6000b"),
          LastObservedAt: "2026-11-25T11:00:00.000Z",
          Severity: passed,
          FindingProviderFields: { Severity: passed, Types: TYPES },
          Description: "sg-0a1b2c3d4e5f6000b admits only the approved sources on 6379.",
          Remediation: { Recommendation: { Text: "Remove the rule." } },
          ProductFields: fields("b-fixed", "PASS", "resolved", FAIL_EVIDENCE),
          Compliance: { Status: "PASSED", RelatedRequirements: SG_REQUIREMENTS },
          Workflow: { Status: "RESOLVED" },
          RecordState: "ARCHIVED",
        },
        {
          // Absent from run 2 (its group left the audit), sent once more to be archived.
          ...base("c-gone", "sg-0a1b2c3d4e5f6000c"),
          LastObservedAt: "2026-11-25T10:00:00.000Z",
          Severity: passed,
          FindingProviderFields: { Severity: passed, Types: TYPES },
          Description: "No longer in the audit's scope: Security group sg-0a1b2c3d4e5f60001 admits 0.0.0.0/0 on 6379.",
          // A departed finding carries the check's own advice (compare/resolved.ts), within the 512 characters.
          Remediation: { Recommendation: { Text: bounded(checkMeta("sg-world-ingress").remediation, 512) } },
          ProductFields: fields(
            "c-gone",
            "PASS",
            "resolved",
            '{"resolvedBy":"absent","openSince":"2026-11-25T10:00:00.000Z","lastSeenFailing":"2026-11-25T10:00:00.000Z","lastRunId":"run-1"}',
          ),
          Compliance: { Status: "PASSED", RelatedRequirements: SG_REQUIREMENTS },
          Workflow: { Status: "RESOLVED" },
          RecordState: "ARCHIVED",
        },
      ],
    });

    // Run 3: the fixed rule is back. ACTIVE again (Security Hub resets the workflow to NEW), first observation kept.
    const third = await recordRun(store, run("run-3", "2026-11-25T12:00:00.000Z", [open, fixed]), POLICY, now, {
      notifier,
      toolVersion: "1.2.3",
    });
    expect(third.securityHub?.report?.imported).toBe(2);
    const reopened = hub.commandCalls(BatchImportFindingsCommand)[2]?.args[0].input.Findings?.find((f) => f.Id === "queue-auditor/b-fixed");
    expect(reopened).toMatchObject({
      RecordState: "ACTIVE",
      Workflow: { Status: "NEW" },
      Compliance: { Status: "FAILED" },
      Severity: { Label: "CRITICAL" },
      FirstObservedAt: "2026-11-25T10:00:00.000Z",
      ProductFields: { "queue-auditor/change": "regressed" },
    });
  });

  it("returns a failed import with the run recorded, as a failed alert is, and never throws", async () => {
    const notifier = {
      description: "test",
      delivers: false,
      send: async () => {},
      securityHub: securityHubSinkFor(TARGET, new SecurityHubClient({})),
    };
    hub
      .on(BatchImportFindingsCommand)
      .rejects(new AccessDeniedException({ message: "User is not authorized to perform: securityhub:BatchImportFindings", ...META }));
    const recorded = await recordRun(store, run("run-4", "2026-11-25T13:00:00.000Z", [open]), POLICY, new Date("2026-11-25T13:00:00Z"), {
      notifier,
    });
    expect(recorded.stored.seq).toBeGreaterThan(0);
    expect(recorded.securityHub?.error).toBeInstanceOf(SecurityHubImportError);
    expect(recorded.securityHub?.error?.message).toBe(
      // The open finding, and the fixed one of run 3 that left run 4 (to be archived).
      "2 of 2 findings not imported into Security Hub (AccessDeniedException ×2); first: queue-auditor/a-open: User is not authorized to perform: securityhub:BatchImportFindings",
    );
  });
});

describe("BatchImportFindings: batches, rate, throttling and failed findings", () => {
  it("imports 250 findings as 100, 100 and 50 in order", async () => {
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ok(input.Findings.length));
    const findings = asffOf(250);
    const report = await importFindings(new SecurityHubClient({}), findings, fakeTime().options);
    expect(hub.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings?.length)).toEqual([100, 100, 50]);
    expect([0, 1, 2].flatMap(sentIds)).toEqual(findings.map((f) => f.Id));
    expect(report).toEqual({ findings: 250, imported: 250, failed: [], requests: 3, throttled: 0 });
  });

  it("paces requests to 10 a second after a burst of 10", async () => {
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ok(input.Findings.length));
    const time = fakeTime();
    const starts: number[] = [];
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => {
      starts.push(time.elapsed());
      return ok(input.Findings.length);
    });
    await importFindings(new SecurityHubClient({}), asffOf(2500), time.options);
    expect(starts.length).toBe(25);
    // The first 10 at once, then one every 100 ms: 15 more take 1.5 s.
    expect(starts.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(starts.slice(10)).toEqual(Array.from({ length: 15 }, (_, i) => (i + 1) * 100));
    expect(time.elapsed()).toBe(1500);
    // A token bucket of 10 at 10/s: no second sees more than 20 requests, inside the API's own bucket (burst 30 at 10/s).
    for (const [i, t] of starts.entries())
      expect(starts.filter((s) => s > t - 1000 && s <= t).length, `request ${i}`).toBeLessThanOrEqual(20);
  });

  it("backs off exponentially while throttled, then imports", async () => {
    const time = fakeTime();
    hub
      .on(BatchImportFindingsCommand)
      .rejectsOnce(new LimitExceededException({ message: "Rate exceeded", ...META }))
      .rejectsOnce(new ThrottlingException({ message: "Rate exceeded", ...META }))
      .rejectsOnce(new InternalException({ message: "Internal error", ...META }))
      .resolves(ok(3));
    const report = await importFindings(new SecurityHubClient({}), asffOf(3), time.options);
    expect(report).toEqual({ findings: 3, imported: 3, failed: [], requests: 4, throttled: 2 });
    // random() = 1: the full backoff of each attempt, 250 ms doubling.
    expect(time.sleeps).toEqual([250, 500, 1000]);
  });

  it("gives up on a request after a bounded number of attempts and reports every finding not sent", async () => {
    const time = fakeTime();
    hub.on(BatchImportFindingsCommand).rejects(new LimitExceededException({ message: "Rate exceeded", ...META }));
    const report = await importFindings(new SecurityHubClient({}), asffOf(150), { ...time.options, requestAttempts: 4 });
    expect(report.requests).toBe(4);
    expect(report.throttled).toBe(4);
    expect(report.imported).toBe(0);
    expect(report.failed.length).toBe(150);
    expect(report.failed[149]).toEqual({ id: "queue-auditor/f149", errorCode: "LimitExceededException", errorMessage: "Rate exceeded" });
  });

  it("sends the failed findings again a bounded number of times, not an invalid one, and reports what never got in", async () => {
    const findings = asffOf(4);
    const failed = (id: string, code: string, message: string) => ({ Id: `queue-auditor/${id}`, ErrorCode: code, ErrorMessage: message });
    const invalid = failed(
      "f1",
      "InvalidInput",
      "Finding does not adhere to Amazon Finding Format. data.Title should NOT be longer than 256 characters.",
    );
    const transient = failed("f2", "InternalFailure", "Internal service failure");
    const flaky = failed("f3", "InternalFailure", "Internal service failure");
    const responses = [
      { FailedCount: 3, SuccessCount: 1, FailedFindings: [invalid, transient, flaky] },
      { FailedCount: 1, SuccessCount: 1, FailedFindings: [transient] },
      { FailedCount: 1, SuccessCount: 0, FailedFindings: [transient] },
    ];
    if (botocoreAvailable) for (const r of responses) expect(outputProblems("securityhub", "BatchImportFindings", r)).toEqual([]);
    hub
      .on(BatchImportFindingsCommand)
      .resolvesOnce(responses[0] as never)
      .resolvesOnce(responses[1] as never)
      .resolvesOnce(responses[2] as never);
    const report = await importFindings(new SecurityHubClient({}), findings, fakeTime().options);
    expect([0, 1, 2].map(sentIds)).toEqual([
      ["queue-auditor/f0", "queue-auditor/f1", "queue-auditor/f2", "queue-auditor/f3"],
      ["queue-auditor/f2", "queue-auditor/f3"],
      ["queue-auditor/f2"],
    ]);
    expect(hub.commandCalls(BatchImportFindingsCommand).length).toBe(3);
    expect(report).toEqual({
      findings: 4,
      imported: 2,
      failed: [
        { id: "queue-auditor/f1", errorCode: "InvalidInput", errorMessage: invalid.ErrorMessage },
        { id: "queue-auditor/f2", errorCode: "InternalFailure", errorMessage: "Internal service failure" },
      ],
      requests: 3,
      throttled: 0,
    });
    expect(new SecurityHubImportError(report).message).toBe(
      "2 of 4 findings not imported into Security Hub (InvalidInput ×1, InternalFailure ×1); first: queue-auditor/f1: Finding does not adhere to Amazon Finding Format. data.Title should NOT be longer than 256 characters.",
    );
  });
});

describe("where findings are imported", () => {
  it("reads `securityhub` and `securityhub:REGION`, and refuses anything else with one line", () => {
    expect(parseSecurityHubSpec("securityhub")).toEqual({});
    expect(parseSecurityHubSpec("securityhub:us-gov-west-1")).toEqual({ region: "us-gov-west-1" });
    expect(parseSecurityHubSpec("sns:arn:aws:sns:eu-west-1:111122223333:t")).toBeUndefined();
    expect(() => parseSecurityHubSpec("securityhub:Frankfurt")).toThrow(
      new SecurityHubTargetError(
        "--notify securityhub:Frankfurt: expected securityhub or securityhub:REGION such as securityhub:eu-west-1",
      ),
    );
    const notifier = notifierFromSpec("securityhub:eu-central-1");
    expect(notifier).toMatchObject({ description: "securityhub:eu-central-1", delivers: false });
    expect(notifier.securityHub).toBeDefined();
  });

  it("imports into the credentials' account and partition, in the named region", async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: "999988887777", Arn: "arn:aws-us-gov:sts::999988887777:assumed-role/auditor/s", UserId: "AROA:s" });
    const regions: string[] = [];
    const target = await resolveSecurityHubTarget(
      { region: "us-gov-west-1" },
      {
        sts: (region) => {
          regions.push(region);
          return new STSClient({ region });
        },
      },
    );
    expect(target).toEqual({ partition: "aws-us-gov", account: "999988887777", region: "us-gov-west-1" });
    expect(regions).toEqual(["us-gov-west-1"]);
  });

  it("says why when there are no credentials to name the account", async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
    await expect(resolveSecurityHubTarget({ region: "eu-west-1" })).rejects.toThrow(
      new SecurityHubTargetError(
        "Security Hub: the account to import into comes from your AWS credentials, and sts:GetCallerIdentity failed (CredentialsProviderError: Could not load credentials from any providers)",
      ),
    );
  });

  it("reads the deployed stack's product ARN, and only a default product's", () => {
    expect(targetFromProductArn(PRODUCT)).toEqual(TARGET);
    expect(() => targetFromProductArn("arn:aws:securityhub:eu-central-1::product/prowler/prowler")).toThrow(/not the default product ARN/);
    expect(() => targetFromProductArn("arn:aws:securityhub:eu-central-1:999988887777:product/111122223333/default")).toThrow(
      /not the default product ARN/,
    );
  });
});
