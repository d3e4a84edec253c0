import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CHECK_IDS } from "../../lib/audit/checks/registry.js";
import type { AuditResult } from "../../lib/audit/findings/model.js";
import { cli } from "../support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "qa-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const VIOLATIONS = [
  "--config",
  "test/fixtures/config/violations.yaml",
  "--inventory",
  "test/fixtures/inventory/violations",
  "--store",
  "none",
];
const CLEAN = ["--config", "test/fixtures/config/clean.yaml", "--inventory", "test/fixtures/inventory/clean", "--store", "none"];

describe("queue-auditor audit (offline)", () => {
  it("exits 1 with violations and prints them grouped by severity with a summary line", () => {
    const run = cli(["audit", ...VIOLATIONS]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^CRITICAL \(\d+\)$/m);
    expect(run.stdout).toContain("FAIL  sg-world-ingress");
    expect(run.stdout).toMatch(/\d+ findings from \d+ checks: \d+ FAIL, 0 ERROR, 1 MUTED, \d+ PASS\. Outcome: violations\./);
    expect(run.stderr).toContain("queue-auditor: evaluating checks");
  });

  it("prints a JSON result that matches the contract", () => {
    const run = cli(["audit", ...VIOLATIONS, "--format", "json"]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as AuditResult;
    expect(result.schemaVersion).toBe(1);
    expect(Object.keys(result.run)).toEqual(expect.arrayContaining(["counts", "finishedAt", "id", "outcome", "startedAt"]));
    expect(result.run.outcome).toBe("violations");
    expect(Object.keys(result.run.counts).sort()).toEqual(["ERROR", "FAIL", "MUTED", "PASS"]);
    expect(result.findings.length).toBe(Object.values(result.run.counts).reduce((a, b) => a + b, 0));
    for (const f of result.findings) {
      expect(f.id).toMatch(/^[0-9a-f]{32}$/);
      expect(CHECK_IDS).toContain(f.checkId);
      expect(["PASS", "FAIL", "ERROR", "MUTED"]).toContain(f.status);
      expect(["critical", "high", "medium", "low", "info"]).toContain(f.severity);
      expect(f.resource.type).toMatch(/^(AWS|PostgreSQL|Redis|QueueAuditor)::/);
      expect(f.resource.id).toBeTruthy();
      expect(typeof f.message).toBe("string");
      expect(typeof f.remediation).toBe("string");
      expect(Array.isArray(f.references)).toBe(true);
      expect(typeof f.evidence).toBe("object");
    }
    const world = result.findings.find((f) => f.checkId === "sg-world-ingress" && f.status === "FAIL");
    expect(world?.resource).toMatchObject({ type: "AWS::EC2::SecurityGroup", account: "111122223333", region: "eu-west-1" });
    expect(world?.subject).toMatch(/^0\.0\.0\.0\/0 tcp 5432$/);
  });

  it("gives the same finding ids on every run", () => {
    const ids = () =>
      (JSON.parse(cli(["audit", ...VIOLATIONS, "--format", "json"]).stdout) as AuditResult).findings.map((f) => f.id).sort();
    expect(ids()).toEqual(ids());
  });

  it("exits 0 on a clean estate", () => {
    const run = cli(["audit", ...CLEAN]);
    expect(run.stdout).toContain("No violations.");
    expect(run.code).toBe(0);
  });

  it("exits 1 for a FAIL overridden to severity info under the default threshold (any FAIL)", () => {
    const withInfo = join(tmp, "info.yaml");
    writeFileSync(
      withInfo,
      readFileSync("test/fixtures/config/clean.yaml", "utf8").replace(
        "severity: { cache-logs-not-delivered: medium }",
        "severity: { cache-logs-not-delivered: medium, rds-iam-auth-disabled: info }",
      ),
    );
    const inv = join(tmp, "info-inv");
    cpSync("test/fixtures/inventory/clean", inv, { recursive: true });
    const file = join(inv, "rds-describe-db-instances.json");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(/"IAMDatabaseAuthenticationEnabled": true/g, '"IAMDatabaseAuthenticationEnabled": false'),
    );
    const run = cli(["audit", "--config", withInfo, "--inventory", inv, "--store", "none", "--format", "json"]);
    const result = JSON.parse(run.stdout) as AuditResult;
    expect(result.findings.filter((f) => f.status === "FAIL").map((f) => [f.checkId, f.severity])).toContainEqual([
      "rds-iam-auth-disabled",
      "info",
    ]);
    expect(run.code).toBe(1);
  });

  it("lets --fail-on raise the threshold", () => {
    expect(cli(["audit", ...VIOLATIONS, "--fail-on", "critical"]).code).toBe(1);
  });

  it("writes CSV to --out and nothing to stdout", () => {
    const out = join(tmp, "result.csv");
    const run = cli(["audit", ...VIOLATIONS, "--format", "csv", "--out", out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    const lines = readFileSync(out, "utf8").trim().split("\r\n");
    expect(lines[0]).toBe(
      "id,checkId,status,severity,resourceType,resourceId,account,region,subject,change,message,remediation,fixKind,fixText,fixCommands,controls",
    );
    expect(lines.length).toBeGreaterThan(10);
  });

  it("exits 3 when a file a check needs is missing, with an audit-error naming it", () => {
    const inv = join(tmp, "incomplete");
    cpSync("test/fixtures/inventory/clean", inv, { recursive: true });
    rmSync(join(inv, "ec2-describe-security-groups.json"));
    const run = cli(["audit", "--config", "test/fixtures/config/clean.yaml", "--inventory", inv, "--store", "none", "--format", "json"]);
    expect(run.code).toBe(3);
    const result = JSON.parse(run.stdout) as AuditResult;
    expect(result.run.outcome).toBe("incomplete");
    const error = result.findings.find((f) => f.checkId === "audit-error");
    // Named stably (as a path inside the inventory), so the finding id does not depend on where the directory is.
    expect(error?.resource.id).toBe("ec2-describe-security-groups.json");
    expect(error?.message).toContain(join(inv, "ec2-describe-security-groups.json"));
    expect(result.findings.filter((f) => f.checkId.startsWith("sg-")).every((f) => f.status === "ERROR")).toBe(true);
  });

  it("exits 2 with one line naming the file and key path on a bad config", () => {
    const bad = join(tmp, "bad.yaml");
    writeFileSync(bad, "version: 1\nnetwork:\n  allowedCidrs: [10.20.0.0/33]\n");
    const run = cli(["audit", "--config", bad, "--inventory", "test/fixtures/inventory/clean", "--store", "none"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `queue-auditor: ${bad}: network.allowedCidrs[0]: expected a CIDR block such as 10.20.0.0/16 or 2001:db8::/32`,
    );
    expect(run.stdout).toBe("");
  });

  it("exits 2 on a malformed inventory file, naming it", () => {
    const inv = join(tmp, "malformed");
    cpSync("test/fixtures/inventory/clean", inv, { recursive: true });
    writeFileSync(join(inv, "rds-describe-db-instances.json"), '{"DBInstances": {"oops": true}}');
    const run = cli(["audit", "--config", "test/fixtures/config/clean.yaml", "--inventory", inv, "--store", "none"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(inv, "rds-describe-db-instances.json")}: DBInstances`);
  });

  it("exits 2 on bad usage", () => {
    expect(cli(["audit", "--config", "x.yaml", "--format", "xml"]).code).toBe(2);
    expect(cli(["audit", ...CLEAN, "--now", "yesterday"]).code).toBe(2);
  });
});

describe("queue-auditor config check", () => {
  it("accepts the contract's example and rejects a literal password", () => {
    const ok = cli(["config", "check", "--config", "test/fixtures/config/contracts-example.yaml"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("valid");
    const bad = join(tmp, "password.yaml");
    writeFileSync(
      bad,
      "version: 1\nredis:\n  - name: r\n    endpoint: { host: r.example.com }\n    credentials: { username: auditor, password: s3cret }\n",
    );
    const run = cli(["config", "check", "--config", bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("redis[0].credentials.password: expected");
    expect(run.stderr).not.toContain("s3cret");
  });
});
