/**
 * An offline audit fails closed on a capture that is missing an account or region the
 * config names, in both layouts, through the real CLI.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { AuditResult } from "../../lib/audit/findings/model.js";
import { cli } from "../support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "qa-coverage-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function audit(config: string, inventory: string) {
  const run = cli(["audit", "--config", config, "--inventory", inventory, "--store", "none", "--format", "json"]);
  return { ...run, result: JSON.parse(run.stdout) as AuditResult };
}
const gaps = (r: AuditResult) =>
  r.findings
    .filter((f) => f.checkId === "audit-error" && /^(PartitionMissing|MetaMissing)$/.test(f.subject ?? ""))
    .map((f) => f.resource.id);

function writePartition(dir: string, account: string, region: string): void {
  cpSync("test/fixtures/inventory/multi/444455556666/us-east-1", dir, { recursive: true });
  // An empty but complete capture of that account and region.
  for (const [file, key] of [
    ["ec2-describe-security-groups.json", "SecurityGroups"],
    ["rds-describe-db-instances.json", "DBInstances"],
    ["rds-describe-db-clusters.json", "DBClusters"],
    ["elasticache-describe-replication-groups.json", "ReplicationGroups"],
    ["elasticache-describe-cache-clusters.json", "CacheClusters"],
    ["elasticache-describe-serverless-caches.json", "ServerlessCaches"],
    ["elasticache-describe-user-groups.json", "UserGroups"],
    ["elasticache-describe-users.json", "Users"],
    ["ec2-describe-subnets.json", "Subnets"],
    ["ec2-describe-route-tables.json", "RouteTables"],
    ["ec2-describe-network-acls.json", "NetworkAcls"],
    ["elasticache-describe-cache-subnet-groups.json", "CacheSubnetGroups"],
  ] as const) {
    writeFileSync(join(dir, file), JSON.stringify({ [key]: [] }));
  }
  for (const sub of ["elasticache-list-tags-for-resource", "rds-describe-db-parameters", "secretsmanager-describe-secret"]) {
    rmSync(join(dir, sub), { recursive: true, force: true });
  }
  writeFileSync(join(dir, "meta.json"), JSON.stringify({ capturedAt: "2025-06-01T12:10:00Z", account, region }));
}

describe("offline audit coverage, ACCOUNT/REGION layout", () => {
  it("is incomplete, naming each configured account and region the capture lacks", () => {
    // multi.yaml names 2 accounts × 2 regions; the fixture holds two of the four.
    const run = audit("test/fixtures/config/multi.yaml", "test/fixtures/inventory/multi");
    expect(run.result.run.outcome).toBe("incomplete");
    expect(gaps(run.result).sort()).toEqual(["111122223333/us-east-1", "444455556666/eu-west-1"]);
    const gap = run.result.findings.find((f) => f.resource.id === "111122223333/us-east-1");
    expect(gap).toMatchObject({ status: "ERROR", resource: { account: "111122223333", region: "us-east-1" } });
  });

  it("has no coverage gap once the missing pairs are captured, and notes an extra pair without failing on it", () => {
    const dir = join(tmp, "nested");
    cpSync("test/fixtures/inventory/multi", dir, { recursive: true });
    writePartition(join(dir, "111122223333", "us-east-1"), "111122223333", "us-east-1");
    writePartition(join(dir, "444455556666", "eu-west-1"), "444455556666", "eu-west-1");
    writePartition(join(dir, "444455556666", "ap-south-1"), "444455556666", "ap-south-1");
    const run = audit("test/fixtures/config/multi.yaml", dir);
    expect(gaps(run.result)).toEqual([]);
    expect(run.result.findings.some((f) => f.resource.region === "ap-south-1")).toBe(false);
    expect(run.stderr).toContain(
      `${join(dir, "444455556666", "ap-south-1")}: account 444455556666 in ap-south-1 is not in the config's aws.accounts × aws.regions; ignored`,
    );
  });

  it("treats a configured pair without meta.json as not captured", () => {
    const dir = join(tmp, "nested-nometa");
    cpSync("test/fixtures/inventory/multi", dir, { recursive: true });
    writePartition(join(dir, "111122223333", "us-east-1"), "111122223333", "us-east-1");
    writePartition(join(dir, "444455556666", "eu-west-1"), "444455556666", "eu-west-1");
    rmSync(join(dir, "444455556666", "eu-west-1", "meta.json"));
    const run = audit("test/fixtures/config/multi.yaml", dir);
    expect(run.code).toBe(1); // the fixture has violations too; the gap still makes the run incomplete
    expect(run.result.run.outcome).toBe("incomplete");
    expect(gaps(run.result)).toEqual(["444455556666/eu-west-1"]);
  });
});

describe("offline audit coverage, flat layout", () => {
  const config = join(tmp, "clean-two-regions.yaml");
  writeFileSync(
    config,
    readFileSync("test/fixtures/config/clean.yaml", "utf8").replace("regions: [eu-west-1]", "regions: [eu-west-1, us-east-1]"),
  );

  it("a clean capture of one region, when the config names two, exits 3 (incomplete), not 0", () => {
    const clean = audit("test/fixtures/config/clean.yaml", "test/fixtures/inventory/clean");
    expect(clean.code).toBe(0);
    const run = audit(config, "test/fixtures/inventory/clean");
    expect(run.code).toBe(3);
    expect(run.result.run.outcome).toBe("incomplete");
    expect(gaps(run.result)).toEqual(["*/us-east-1"]);
  });

  it("a flat capture without meta.json is not taken as complete", () => {
    const dir = join(tmp, "flat-nometa");
    cpSync("test/fixtures/inventory/clean", dir, { recursive: true });
    rmSync(join(dir, "meta.json"));
    const run = audit("test/fixtures/config/clean.yaml", dir);
    // Without capturedAt, credential age is judged as of now, so old fixtures also FAIL (exit 1).
    expect(run.result.run.outcome).toBe("incomplete");
    expect(gaps(run.result)).toEqual(["111122223333/eu-west-1"]);
  });
});
