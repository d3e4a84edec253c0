/**
 * scripts/export-inventory.sh, run for real with a stub `aws` on PATH that answers from the
 * fixtures as the AWS CLI prints them; the directory it writes is then audited.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { AuditResult } from "../../lib/audit/findings/model.js";
import { POSTGRES_ACCESS_FILTER } from "../../lib/audit/inventory/aws/logs.js";
import { cli, ROOT } from "../support/cli.js";

const SCRIPT = join(ROOT, "scripts", "export-inventory.sh");
const STUB_DIR = join(ROOT, "test", "support", "aws-stub");
const CONFIG = "test/fixtures/config/violations.yaml";
const tmp = mkdtempSync(join(tmpdir(), "qa-export-"));
// A whole export starts the stub once per call (some 25 Node processes) and then two audits: on a busy machine that outlasts the default.
const SCRIPT_RUN_TIMEOUT_MS = 240_000;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// The fixture with the default parameter groups its members name (the stub answers only what it holds).
const FIXTURES = join(tmp, "aws");
cpSync("test/fixtures/inventory/violations", FIXTURES, { recursive: true });
for (const group of ["default.aurora-postgresql16", "default.mysql8.0"]) {
  writeFileSync(join(FIXTURES, "rds-describe-db-parameters", `${group}.json`), JSON.stringify({ Parameters: [] }));
}
// The script asks CloudTrail for the region's trails (the change trigger's check); an account with none.
writeFileSync(join(FIXTURES, "cloudtrail-describe-trails.json"), JSON.stringify({ trailList: [] }));

function exportTo(
  name: string,
  env: Record<string, string>,
  secrets = ["queue-db/app", "jobs-redis/auditor", "analytics-db/admin"],
  options: string[] = [],
) {
  const out = join(tmp, name);
  const log = join(tmp, `${name}.log`);
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"]) delete base[key];
  const run = spawnSync("bash", [SCRIPT, ...options, out, ...secrets], {
    env: { ...base, PATH: `${STUB_DIR}:${process.env.PATH}`, STUB_FIXTURES: FIXTURES, STUB_LOG: log, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  const calls = run.status === null ? [] : readLog(log);
  return { code: run.status, stderr: run.stderr, dir: out, calls };
}

function readLog(log: string): string[][] {
  try {
    return readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as string[]);
  } catch {
    return [];
  }
}

function audit(dir: string) {
  const run = cli(["audit", "--config", CONFIG, "--inventory", dir, "--store", "none", "--format", "json"]);
  return { code: run.code, stderr: run.stderr, result: JSON.parse(run.stdout) as AuditResult };
}

const apiCalls = (calls: string[][]) => calls.filter((c) => !["--version", "configure", "(pages)"].includes(c[0] ?? ""));
const allFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();

describe("scripts/export-inventory.sh with a stub AWS CLI", { timeout: SCRIPT_RUN_TIMEOUT_MS }, () => {
  it("captures everything through two-page answers, with --region on every call, and audits like the fixture itself", () => {
    // AWS_REGION wins over AWS_DEFAULT_REGION and the profile's region.
    const run = exportTo("complete", {
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "us-east-1",
      STUB_CONFIG_REGION: "us-east-1",
      STUB_REGION: "eu-west-1",
      STUB_TWO_PAGES: "1",
    });
    expect(run.stderr).toContain("captured account 111122223333 in eu-west-1");
    expect(run.code).toBe(0);
    expect(apiCalls(run.calls).every((c) => c[c.indexOf("--region") + 1] === "eu-west-1")).toBe(true);
    expect(run.calls.some((c) => c[0] === "configure")).toBe(false);

    // The service answered in two pages; the file holds both, merged, and no NextToken.
    const pages = run.calls.find((c) => c[0] === "(pages)") as unknown as [string, number, number];
    const groups = JSON.parse(readFileSync(join(run.dir, "ec2-describe-security-groups.json"), "utf8"));
    expect(pages[1]).toBeGreaterThan(0);
    expect(pages[2]).toBeGreaterThan(0);
    expect(groups.SecurityGroups).toHaveLength(pages[1] + pages[2]);
    expect(groups.NextToken).toBeUndefined();
    expect(allFiles(run.dir).some((f) => f.includes(".tmp.") || f.startsWith("."))).toBe(false);
    // The network path, whole region: subnets, route tables (main ones included), NACLs, cache subnet groups.
    for (const file of [
      "ec2-describe-subnets.json",
      "ec2-describe-route-tables.json",
      "ec2-describe-network-acls.json",
      "elasticache-describe-cache-subnet-groups.json",
    ]) {
      expect(JSON.parse(readFileSync(join(run.dir, file), "utf8"))).toEqual(JSON.parse(readFileSync(join(FIXTURES, file), "utf8")));
    }

    const meta = JSON.parse(readFileSync(join(run.dir, "meta.json"), "utf8"));
    expect(meta).toMatchObject({ account: "111122223333", region: "eu-west-1" });
    expect(meta.notCaptured).toBeUndefined();
    // Judge ages as of the fixture's capture, then the two audits must agree finding for finding.
    writeFileSync(join(run.dir, "meta.json"), JSON.stringify({ ...meta, capturedAt: "2025-06-01T12:00:00Z" }));
    const exported = audit(run.dir);
    const direct = audit(FIXTURES);
    const verdicts = (r: AuditResult) => r.findings.map((f) => `${f.id} ${f.status}`).sort();
    expect(exported.result.run.outcome).toBe("violations");
    expect(verdicts(exported.result)).toEqual(verdicts(direct.result));
  });

  it("leaves no file for a failed call, records it, exits 1, and the audit of the result is incomplete, naming the gap", () => {
    // No AWS_REGION: AWS_DEFAULT_REGION is used, not the profile's different region.
    const run = exportTo("failing", {
      AWS_DEFAULT_REGION: "eu-west-1",
      STUB_CONFIG_REGION: "us-east-1",
      STUB_REGION: "eu-west-1",
      STUB_FAIL: "rds describe-db-cluster-parameters",
      STUB_UNKNOWN: "elasticache describe-serverless-caches",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "skipped: this AWS CLI (2.22.35) does not know 'aws elasticache describe-serverless-caches'; elasticache-describe-serverless-caches.json is not captured",
    );
    expect(run.stderr).toMatch(
      /failed \(exit 254\): aws rds describe-db-cluster-parameters → rds-describe-db-cluster-parameters\/jobs-aurora-pg16\.json not written/,
    );
    const files = allFiles(run.dir);
    expect(files).not.toContain("rds-describe-db-cluster-parameters/jobs-aurora-pg16.json");
    expect(files).not.toContain("elasticache-describe-serverless-caches.json");
    expect(files.some((f) => f.includes(".tmp."))).toBe(false);
    const meta = JSON.parse(readFileSync(join(run.dir, "meta.json"), "utf8"));
    expect(meta.region).toBe("eu-west-1");
    expect(meta.notCaptured.map((n: { file: string; code: string }) => [n.file, n.code])).toEqual([
      ["elasticache-describe-serverless-caches.json", "UnsupportedByCli"],
      ["rds-describe-db-cluster-parameters/jobs-aurora-pg16.json", "ExportFailed"],
    ]);

    const { code, result } = audit(run.dir);
    expect(result.run.outcome).toBe("incomplete");
    expect(code).toBe(1); // the fixture's violations are still found
    // The gap carries the script's own cause: which call, and the CLI's error.
    const gap = result.findings.find(
      (f) =>
        f.checkId === "audit-error" &&
        f.resource.id === "aws rds describe-db-cluster-parameters --db-cluster-parameter-group-name jobs-aurora-pg16",
    );
    expect(gap?.status).toBe("ERROR");
    expect(gap?.message).toContain("An error occurred (AccessDenied) when calling the describe-db-cluster-parameters operation");
    expect(result.findings.find((f) => f.checkId === "rds-tls-not-enforced" && f.resource.id === "jobs-aurora")?.status).toBe("ERROR");
  });

  it("refuses to start without a region, naming where it looked", () => {
    const run = exportTo("no-region", { STUB_REGION: "eu-west-1" });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      "export-inventory: no region: set AWS_REGION (or AWS_DEFAULT_REGION, or a region in the AWS CLI config)",
    );
    expect(apiCalls(run.calls)).toEqual([]);
  });

  it("refuses an AWS CLI older than the stated minimum before making any call", () => {
    const run = exportTo("old-cli", {
      AWS_REGION: "eu-west-1",
      STUB_REGION: "eu-west-1",
      STUB_VERSION: "aws-cli/2.0.9 Python/3.7.4 Linux/4.14",
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe("export-inventory: AWS CLI 2.0.9 is too old: need 2.1.0 or later (v1: 1.19.0 or later)");
    expect(apiCalls(run.calls)).toEqual([]);
  });

  it("--since captures each PostgreSQL instance's and cluster's log from that time, with the live filter, where the offline reader finds it", () => {
    const since = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
    const iso = since.toISOString().replace(".000Z", "Z");
    const failed = (seconds: number) => ({
      logStreamName: "queue-db.0",
      timestamp: since.getTime() + seconds * 1000,
      message: `${new Date(since.getTime() + seconds * 1000).toISOString().replace("T", " ").slice(0, 19)} UTC:203.0.113.9(5${String(seconds).padStart(4, "0")}):postgres@postgres:[${4000 + seconds}]:FATAL:  password authentication failed for user "postgres"`,
      ingestionTime: since.getTime() + seconds * 1000 + 900,
      eventId: `3${String(seconds).padStart(55, "0")}`,
    });
    const events = join(tmp, "log-events.json");
    writeFileSync(
      events,
      JSON.stringify({
        // One attempt before --since (the script's --start-time leaves it out) and twelve after.
        "/aws/rds/instance/queue-db/postgresql": [failed(-60), ...Array.from({ length: 12 }, (_, i) => failed(i * 30))],
        "/aws/rds/cluster/jobs-aurora/postgresql": [],
      }),
    );
    const before = Date.now();
    const run = exportTo(
      "since",
      { AWS_REGION: "eu-west-1", STUB_REGION: "eu-west-1", STUB_LOG_EVENTS: events },
      ["queue-db/app"],
      ["--since", iso],
    );
    expect(run.stderr).toContain("captured account 111122223333 in eu-west-1");
    expect(run.code).toBe(0);

    // One call per PostgreSQL instance outside a cluster and per PostgreSQL cluster: not the MySQL
    // instance, not the Aurora member (its cluster's group holds its stream).
    const reads = run.calls.filter((c) => c[0] === "logs" && c[1] === "filter-log-events");
    const opt = (c: string[], name: string) => c[c.indexOf(name) + 1] as string;
    expect(reads.map((c) => opt(c, "--log-group-name")).sort()).toEqual([
      "/aws/rds/cluster/jobs-aurora/postgresql",
      "/aws/rds/instance/queue-db/postgresql",
    ]);
    for (const c of reads) {
      expect(Number(opt(c, "--start-time"))).toBe(since.getTime());
      // Up to the capture (exclusive: the API's end is inclusive).
      expect(Number(opt(c, "--end-time"))).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1);
      expect(Number(opt(c, "--end-time"))).toBeLessThan(Date.now());
      expect(opt(c, "--filter-pattern")).toBe(POSTGRES_ACCESS_FILTER);
      expect(opt(c, "--region")).toBe("eu-west-1");
    }

    // Where the offline reader looks: logs-filter-log-events/LOG_GROUP.json, '/' as '__'; meta.json's logsSince.
    expect(allFiles(run.dir).filter((f) => f.startsWith("logs-filter-log-events/"))).toEqual([
      "logs-filter-log-events/__aws__rds__cluster__jobs-aurora__postgresql.json",
      "logs-filter-log-events/__aws__rds__instance__queue-db__postgresql.json",
    ]);
    const meta = JSON.parse(readFileSync(join(run.dir, "meta.json"), "utf8"));
    expect(meta.logsSince).toBe(iso);

    // Audited with `logs:`, the twelve failed logins after --since (not the one before) are the finding.
    const config = join(tmp, "with-logs.yaml");
    writeFileSync(config, `${readFileSync(CONFIG, "utf8")}\nlogs: {}\n`);
    const audited = cli(["audit", "--config", config, "--inventory", run.dir, "--store", "none", "--format", "json"]);
    const result = JSON.parse(audited.stdout) as AuditResult;
    const guessing = result.findings.find((f) => f.checkId === "pg-access-attempts" && f.resource.id === "queue-db");
    expect([guessing?.status, guessing?.subject]).toEqual(["FAIL", "failed-logins"]);
    expect(guessing?.evidence).toMatchObject({
      since: iso,
      eventsRead: 12,
      sources: [expect.objectContaining({ address: "203.0.113.9", count: 12 })],
    });
  });
});
