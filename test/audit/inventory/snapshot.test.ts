import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SnapshotTargetError, writeSnapshot } from "../../../lib/audit/inventory/snapshot.js";
import type { Inventory, InventoryPartition } from "../../../lib/audit/inventory/types.js";
import { registerSnapshot } from "../../../lib/cli/snapshot.js";

const failed = (source: string, code: string, region = "eu-west-1") => ({
  ok: false as const,
  error: { source, reason: `${code}: denied`, code, account: "111122223333", region },
});

function partition(region: string, over: Partial<InventoryPartition> = {}): InventoryPartition {
  return {
    account: "111122223333",
    region,
    origin: { kind: "live" },
    capturedAt: "2025-06-01T10:00:00.000Z",
    securityGroups: { ok: true, value: [{ GroupId: "sg-0a1b2c3d4e5f60001", OwnerId: "111122223333", IpPermissions: [] }] },
    prefixListEntries: { "pl-0a1b2c3d4e5f60001": { ok: true, value: [{ Cidr: "10.30.0.0/16" }] } },
    dbInstances: { ok: true, value: [{ DBInstanceIdentifier: "queue-db", InstanceCreateTime: "2024-03-01T09:30:00.123Z" }] },
    dbClusters: { ok: true, value: [] },
    dbParameters: { "default.postgres14": { ok: true, value: [{ ParameterName: "rds.force_ssl", ParameterValue: "1" }] } },
    dbClusterParameters: {},
    replicationGroups: failed("elasticache:DescribeReplicationGroups", "NotCollected"),
    cacheClusters: failed("elasticache:DescribeCacheClusters", "NotCollected"),
    serverlessCaches: failed("elasticache:DescribeServerlessCaches", "NotCollected"),
    userGroups: { ok: true, value: [] },
    users: { ok: true, value: [] },
    cacheTags: {},
    secrets: { "queue-db/app": { ok: true, value: { Name: "queue-db/app", RotationEnabled: true } } },
    ...over,
  };
}

const json = async (file: string) => JSON.parse(await readFile(file, "utf8"));
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath, e.name)));
  return out.sort();
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "queue-auditor-snapshot-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("writeSnapshot", () => {
  it("writes one partition flat, in the AWS CLI's shapes, with meta.json", async () => {
    const dir = path.join(root, "flat");
    const plan = await writeSnapshot({ partitions: [partition("eu-west-1")] }, dir);

    expect(await tree(dir)).toEqual([
      "ec2-describe-security-groups.json",
      "ec2-get-managed-prefix-list-entries/pl-0a1b2c3d4e5f60001.json",
      "elasticache-describe-user-groups.json",
      "elasticache-describe-users.json",
      "meta.json",
      "rds-describe-db-clusters.json",
      "rds-describe-db-instances.json",
      "rds-describe-db-parameters/default.postgres14.json",
      "secretsmanager-describe-secret/queue-db__app.json",
    ]);
    expect(await json(path.join(dir, "meta.json"))).toEqual({
      capturedAt: "2025-06-01T10:00:00.000Z",
      account: "111122223333",
      region: "eu-west-1",
    });
    expect(await json(path.join(dir, "rds-describe-db-instances.json"))).toEqual({
      DBInstances: [{ DBInstanceIdentifier: "queue-db", InstanceCreateTime: "2024-03-01T09:30:00.123Z" }],
    });
    expect(await json(path.join(dir, "ec2-get-managed-prefix-list-entries/pl-0a1b2c3d4e5f60001.json"))).toEqual({
      Entries: [{ Cidr: "10.30.0.0/16" }],
    });
    expect(await json(path.join(dir, "rds-describe-db-parameters/default.postgres14.json"))).toEqual({
      Parameters: [{ ParameterName: "rds.force_ssl", ParameterValue: "1" }],
    });
    expect(await json(path.join(dir, "secretsmanager-describe-secret/queue-db__app.json"))).toEqual({
      Name: "queue-db/app",
      RotationEnabled: true,
    });
    // Parts left out because nothing needed them are neither written nor errors.
    expect(plan.errors).toEqual([]);
  });

  it("nests several partitions under ACCOUNT/REGION/ and leaves failed parts out, returning why", async () => {
    const dir = path.join(root, "nested");
    const inventory: Inventory = {
      partitions: [
        partition("eu-west-1"),
        partition("us-east-1", { securityGroups: failed("ec2:DescribeSecurityGroups", "UnauthorizedOperation", "us-east-1") }),
      ],
    };

    const plan = await writeSnapshot(inventory, dir);

    const files = await tree(dir);
    expect(files).toContain("111122223333/eu-west-1/ec2-describe-security-groups.json");
    expect(files).toContain("111122223333/us-east-1/meta.json");
    expect(files).not.toContain("111122223333/us-east-1/ec2-describe-security-groups.json");
    expect(plan.errors).toEqual([
      expect.objectContaining({ source: "ec2:DescribeSecurityGroups", code: "UnauthorizedOperation", region: "us-east-1" }),
    ]);
  });

  it("refuses a non-empty directory and leaves it as it was, unless forced", async () => {
    const dir = path.join(root, "occupied");
    await mkdir(dir);
    await writeFile(path.join(dir, "notes.txt"), "keep me");

    await expect(writeSnapshot({ partitions: [partition("eu-west-1")] }, dir)).rejects.toBeInstanceOf(SnapshotTargetError);
    expect(await tree(dir)).toEqual(["notes.txt"]);

    await writeSnapshot({ partitions: [partition("eu-west-1")] }, dir, { force: true });
    expect(await tree(dir)).not.toContain("notes.txt");
    expect(await tree(dir)).toContain("meta.json");
    expect((await readdir(root)).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("leaves no half-written snapshot behind when writing fails midway", async () => {
    const dir = path.join(root, "interrupted");
    // A BigInt cannot be written as JSON: the write fails after other files are already out.
    const broken = partition("eu-west-1", { users: { ok: true, value: [{ UserId: "u", x: 1n } as never] } });

    await expect(writeSnapshot({ partitions: [broken] }, dir)).rejects.toThrow(/BigInt/);

    const left = await readdir(root);
    expect(left).not.toContain("interrupted");
    expect(left.filter((n) => n.includes("interrupted"))).toEqual([]);
  });
});

describe("queue-auditor snapshot", () => {
  it("exits 3 and names what was not captured on stderr", async () => {
    const config = path.join(root, "config.yaml");
    await writeFile(config, "version: 1\naws: { regions: [eu-west-1] }\ntargets: { rds: [queue-db] }\n");
    const out = path.join(root, "cli");
    const inventory: Inventory = { partitions: [partition("eu-west-1", { dbClusters: failed("rds:DescribeDBClusters", "AccessDenied") })] };
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const program = new Command().exitOverride();
    registerSnapshot(program, { collect: async () => inventory });
    try {
      await program.parseAsync(["node", "queue-auditor", "snapshot", "--config", config, "--out", out]);
      expect(process.exitCode).toBe(3);
      expect(stderr.mock.calls.map((c) => String(c[0])).join("")).toContain(
        "not captured: rds:DescribeDBClusters in 111122223333/eu-west-1: AccessDenied: denied",
      );
      expect(await tree(out)).toContain("rds-describe-db-instances.json");
    } finally {
      stderr.mockRestore();
      process.exitCode = undefined;
    }
  });
});

describe("the network path in a snapshot", () => {
  it("is written as the AWS CLI prints it and read back unchanged; a part that failed is recorded, not written", async () => {
    const { readOfflineInventory } = await import("../../../lib/audit/inventory/offline.js");
    const dir = path.join(root, "network");
    const subnets = [{ SubnetId: "subnet-0a1b2c3d4e5f60001", VpcId: "vpc-0a1b2c3d4e5f60001", CidrBlock: "10.20.1.0/24" }];
    const routeTables = [
      {
        RouteTableId: "rtb-0a1b2c3d4e5f60001",
        VpcId: "vpc-0a1b2c3d4e5f60001",
        Associations: [{ Main: true, RouteTableId: "rtb-0a1b2c3d4e5f60001" }],
        Routes: [{ DestinationCidrBlock: "10.20.0.0/16", GatewayId: "local", State: "active" as const }],
      },
    ];
    const cacheSubnetGroups = [{ CacheSubnetGroupName: "queue-private", Subnets: [{ SubnetIdentifier: "subnet-0a1b2c3d4e5f60001" }] }];
    const written = partition("eu-west-1", {
      subnets: { ok: true, value: subnets },
      routeTables: { ok: true, value: routeTables },
      networkAcls: failed("ec2:DescribeNetworkAcls", "UnauthorizedOperation"),
      cacheSubnetGroups: { ok: true, value: cacheSubnetGroups },
    });

    const plan = await writeSnapshot({ partitions: [written] }, dir);

    expect(await json(path.join(dir, "ec2-describe-subnets.json"))).toEqual({ Subnets: subnets });
    expect(await json(path.join(dir, "elasticache-describe-cache-subnet-groups.json"))).toEqual({ CacheSubnetGroups: cacheSubnetGroups });
    expect(await tree(dir)).not.toContain("ec2-describe-network-acls.json");
    expect(plan.errors).toEqual([expect.objectContaining({ source: "ec2:DescribeNetworkAcls" })]);
    const read = (await readOfflineInventory(dir)).partitions[0];
    expect(read?.subnets).toEqual({ ok: true, value: subnets });
    expect(read?.routeTables).toEqual({ ok: true, value: routeTables });
    expect(read?.cacheSubnetGroups).toEqual({ ok: true, value: cacheSubnetGroups });
    // The offline audit reports the live cause, not a bare missing file.
    expect(read?.networkAcls).toEqual({
      ok: false,
      error: expect.objectContaining({ source: "ec2:DescribeNetworkAcls", code: "UnauthorizedOperation" }),
    });
  });
});
