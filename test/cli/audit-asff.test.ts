/**
 * `queue-auditor audit --format asff`: the findings as BatchImportFindings would get them,
 * for the account and region of the credentials, and a one-line refusal when there is no
 * account or region to name.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AwsSecurityFinding, BatchImportFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { AuditResult } from "../../lib/audit/findings/model.js";
import { auditCommand } from "../../lib/cli/audit.js";
import { cli } from "../support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "qa-asff-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BASE = {
  config: "test/fixtures/config/violations.yaml",
  inventory: "test/fixtures/inventory/violations",
  store: "none",
  notify: "none",
  failOn: "low" as const,
  now: "2026-11-25T12:00:00Z",
};
const TARGET = { partition: "aws", account: "999988887777", region: "eu-central-1" };

async function quietly<T>(fn: () => Promise<T>, stderr: string[] = []): Promise<T> {
  const err = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => stderr.push(String(c)) > 0);
  try {
    return await fn();
  } finally {
    err.mockRestore();
  }
}

describe("queue-auditor audit --format asff", () => {
  it("writes every finding of the run in ASFF, for the importing account and region, with the same ids as the JSON", async () => {
    const asffOut = join(tmp, "findings.asff.json");
    const jsonOut = join(tmp, "findings.json");
    const asked: { region?: string }[] = [];
    const securityHubTarget = async (spec: { region?: string }) => {
      asked.push(spec);
      return TARGET;
    };
    const code = await quietly(() => auditCommand({ ...BASE, format: "asff", out: asffOut }, { securityHubTarget }));
    await quietly(() => auditCommand({ ...BASE, format: "json", out: jsonOut }));
    expect(code).toBe(1);
    expect(asked).toEqual([{}]);
    const asff = JSON.parse(readFileSync(asffOut, "utf8")) as AwsSecurityFinding[];
    const json = JSON.parse(readFileSync(jsonOut, "utf8")) as AuditResult;
    expect(asff.map((a) => a.Id)).toEqual(json.findings.map((f) => `queue-auditor/${f.id}`));
    expect(new Set(asff.map((a) => a.ProductArn))).toEqual(
      new Set(["arn:aws:securityhub:eu-central-1:999988887777:product/999988887777/default"]),
    );
    expect(new Set(asff.map((a) => a.AwsAccountId))).toEqual(new Set(["999988887777"]));
    const world = asff.find((a) => a.GeneratorId === "sg-world-ingress" && a.Compliance?.Status === "FAILED");
    expect(world?.Resources?.[0]).toMatchObject({ Type: "AwsEc2SecurityGroup", Region: "eu-west-1", Partition: "aws" });
    expect(world?.ProductFields?.["queue-auditor/resourceAccount"]).toBe("111122223333");
  });

  it("takes the region from --notify securityhub:REGION", async () => {
    const asked: { region?: string }[] = [];
    await quietly(() =>
      auditCommand(
        { ...BASE, format: "asff", out: join(tmp, "r.json"), notify: "securityhub:ap-southeast-2" },
        {
          securityHubTarget: async (spec) => {
            asked.push(spec);
            return { ...TARGET, region: spec.region ?? "?" };
          },
          // Only the target matters here: nothing is imported.
          notifier: () => ({ description: "securityhub:ap-southeast-2", delivers: false, send: async () => {} }),
        },
      ),
    );
    expect(asked).toEqual([{ region: "ap-southeast-2" }]);
  });

  it("exits 2 with one line when no region is configured", () => {
    const run = cli(["audit", ...["--config", BASE.config, "--inventory", BASE.inventory, "--store", "none", "--format", "asff"]], {
      AWS_REGION: "",
      AWS_DEFAULT_REGION: "",
      AWS_PROFILE: "",
      AWS_CONFIG_FILE: join(tmp, "no-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(tmp, "no-credentials"),
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n").at(-1)).toBe(
      "queue-auditor: Security Hub: no region: pass securityhub:REGION or set AWS_REGION (or a profile's region)",
    );
    expect(run.stdout).toBe("");
  });
});

describe("queue-auditor audit --notify securityhub", () => {
  const hub = mockClient(SecurityHubClient);
  const sts = mockClient(STSClient);
  afterAll(() => {
    hub.restore();
    sts.restore();
  });

  it("imports every finding of the recorded run into the credentials' account, says so, and exits on the findings", async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: "999988887777", Arn: "arn:aws:sts::999988887777:assumed-role/auditor/s", UserId: "AROA:s" });
    hub
      .on(BatchImportFindingsCommand)
      .callsFake((input: { Findings: unknown[] }) => ({ FailedCount: 0, SuccessCount: input.Findings.length, FailedFindings: [] }));
    const stderr: string[] = [];
    const out = join(tmp, "run.json");
    const code = await quietly(
      () => auditCommand({ ...BASE, format: "json", out, store: `local:${join(tmp, "store")}`, notify: "securityhub:eu-central-1" }),
      stderr,
    );
    expect(code).toBe(1);
    const result = JSON.parse(readFileSync(out, "utf8")) as AuditResult;
    const sent = hub.commandCalls(BatchImportFindingsCommand).flatMap((c) => c.args[0].input.Findings ?? []);
    expect(sent.map((f) => f.Id)).toEqual(result.findings.map((f) => `queue-auditor/${f.id}`));
    expect(new Set(sent.map((f) => f.ProductArn))).toEqual(
      new Set(["arn:aws:securityhub:eu-central-1:999988887777:product/999988887777/default"]),
    );
    expect(hub.commandCalls(BatchImportFindingsCommand).every((c) => (c.args[0].input.Findings?.length ?? 0) <= 100)).toBe(true);
    expect(stderr.join("")).toContain(
      `queue-auditor: imported ${result.findings.length} findings into Security Hub (account 999988887777, eu-central-1)\n`,
    );
    // Security Hub takes the findings, not the alert: the alert is not claimed as sent.
    expect(stderr.join("")).not.toMatch(/alerted/);
  });

  it("prints what Security Hub did not take, and still exits on the findings", async () => {
    hub.reset();
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: "999988887777", Arn: "arn:aws:sts::999988887777:assumed-role/auditor/s", UserId: "AROA:s" });
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: { Id: string }[] }) => ({
      FailedCount: 1,
      SuccessCount: input.Findings.length - 1,
      FailedFindings: [
        { Id: input.Findings[0]?.Id, ErrorCode: "InvalidInput", ErrorMessage: "Finding does not adhere to Amazon Finding Format." },
      ],
    }));
    const stderr: string[] = [];
    const code = await quietly(
      () =>
        auditCommand({
          ...BASE,
          format: "json",
          out: join(tmp, "run2.json"),
          store: `local:${join(tmp, "store2")}`,
          notify: "securityhub:eu-central-1",
        }),
      stderr,
    );
    expect(code).toBe(1);
    expect(stderr.join("")).toMatch(
      /queue-auditor: Security Hub \(account 999988887777, eu-central-1\): 1 of \d+ findings not imported into Security Hub \(InvalidInput ×1\); first: queue-auditor\/[0-9a-f]{32}: Finding does not adhere to Amazon Finding Format\.; the next run sends every finding again\n/,
    );
  });
});
