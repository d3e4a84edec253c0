import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InventoryError, readOfflineInventory } from "../../../lib/audit/inventory/offline.js";
import { type InventoryPartition, observedEntry, sourceOf } from "../../../lib/audit/inventory/types.js";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/inventory");
let scratch: string;
let counter = 0;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "queue-auditor-offline-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A fresh directory holding `files` (objects are written as JSON, strings as they are). */
async function inventoryDir(files: Record<string, unknown>): Promise<string> {
  const dir = path.join(scratch, `inv-${++counter}`);
  await mkdir(dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, typeof content === "string" ? content : JSON.stringify(content, null, 4));
  }
  return dir;
}

/** A copy of a fixture, to break in one place. */
async function fixtureCopy(name: string): Promise<string> {
  const dir = path.join(scratch, `copy-${++counter}`);
  await cp(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

async function readError(dir: string): Promise<string> {
  const err = await readOfflineInventory(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InventoryError);
  return (err as Error).message;
}

function only(inventory: { partitions: InventoryPartition[] }): InventoryPartition {
  expect(inventory.partitions).toHaveLength(1);
  return inventory.partitions[0] as InventoryPartition;
}

const sg = (over: Record<string, unknown> = {}) => ({
  GroupId: "sg-0a1b2c3d4e5f60001",
  OwnerId: "111122223333",
  IpPermissions: [{ IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }],
  ...over,
});

describe("flat layout", () => {
  it("reads every export of the violations fixture into one partition labelled by meta.json", async () => {
    const dir = path.join(FIXTURES, "violations");
    const p = only(await readOfflineInventory(dir));

    expect(p).toMatchObject({ account: "111122223333", region: "eu-west-1", capturedAt: "2025-06-01T12:00:00Z" });
    expect(p.origin).toEqual({ kind: "offline", dir });
    expect(p.securityGroups.ok && p.securityGroups.value.map((g) => g.GroupId)).toContain("sg-0a1b2c3d4e5f60014");
    expect(p.dbInstances.ok && p.dbInstances.value.map((i) => i.DBInstanceIdentifier)).toEqual([
      "queue-db",
      "jobs-aurora-instance-1",
      "analytics-db",
    ]);
    expect(p.dbClusters.ok && p.dbClusters.value[0]?.DBClusterParameterGroup).toBe("jobs-aurora-pg16");
    expect(Object.keys(p.prefixListEntries)).toEqual(["pl-0a1b2c3d4e5f60001"]);
    expect(Object.keys(p.dbParameters)).toEqual(["queue-db-pg14"]);
    expect(Object.keys(p.dbClusterParameters)).toEqual(["jobs-aurora-pg16"]);
    expect(Object.keys(p.cacheTags).sort()).toEqual(["cache-rails", "jobs-cache", "jobs-locks", "jobs-redis", "jobs-valkey"]);
    expect(p.replicationGroups.ok && p.replicationGroups.value.map((g) => g.ReplicationGroupId)).toEqual([
      "jobs-redis",
      "jobs-valkey",
      "cache-rails",
    ]);
    expect(p.cacheClusters.ok && p.cacheClusters.value).toHaveLength(5);
    expect(p.serverlessCaches.ok && p.serverlessCaches.value[0]?.SecurityGroupIds).toEqual(["sg-0a1b2c3d4e5f60042"]);
    expect(p.userGroups.ok && p.userGroups.value[0]?.UserIds).toEqual(["default", "jobs-worker"]);
    expect(p.users.ok && p.users.value.find((u) => u.UserId === "default")?.Authentication?.Type).toBe("no-password");
  });

  it("keeps AWS fields it does not validate, so nothing is lost on the way to the checks", async () => {
    const p = only(await readOfflineInventory(path.join(FIXTURES, "violations")));
    const queueDb = p.dbInstances.ok ? p.dbInstances.value[0] : undefined;
    expect(queueDb?.CertificateDetails).toEqual({ CAIdentifier: "rds-ca-rsa2048-g1", ValidTill: "2026-05-01T10:00:00+00:00" });
    expect(queueDb?.DbInstancePort).toBe(0);
  });

  it("keeps the AWS CLI's timestamps as the strings it printed", async () => {
    const p = only(await readOfflineInventory(path.join(FIXTURES, "violations")));
    const secret = observedEntry(p, "secrets", "jobs-redis/auditor");
    expect(secret.ok && secret.value.LastRotatedDate).toBe("2024-11-13T12:00:00.000000+00:00");
    const locks = p.cacheClusters.ok ? p.cacheClusters.value.find((c) => c.CacheClusterId === "jobs-locks") : undefined;
    expect(locks?.AuthTokenLastModifiedDate).toBe("2024-06-01T12:00:00.000000+00:00");
  });

  it("turns the epoch seconds of AWS CLI v1 into ISO strings", async () => {
    const dir = await inventoryDir({
      "ec2-describe-security-groups.json": { SecurityGroups: [] },
      "secretsmanager-describe-secret/queue-db__app.json": { Name: "queue-db/app", RotationEnabled: true, LastRotatedDate: 1714557600.5 },
    });
    const secret = observedEntry(only(await readOfflineInventory(dir)), "secrets", "queue-db/app");
    expect(secret.ok && secret.value.LastRotatedDate).toBe("2024-05-01T10:00:00.500Z");
  });

  it("labels a partition without meta.json by its resources' ARNs", async () => {
    const dir = await inventoryDir({
      "ec2-describe-security-groups.json": { SecurityGroups: [sg()] },
      "rds-describe-db-instances.json": {
        DBInstances: [{ DBInstanceIdentifier: "queue-db", DBInstanceArn: "arn:aws:rds:ap-southeast-2:123456789012:db:queue-db" }],
      },
    });
    const p = only(await readOfflineInventory(dir));
    expect(p).toMatchObject({ account: "123456789012", region: "ap-southeast-2" });
    expect(p.capturedAt).toBeUndefined();
  });

  it("falls back to the security groups' owner for the account, and to unknown for the region", async () => {
    const dir = await inventoryDir({ "ec2-describe-security-groups.json": { SecurityGroups: [sg()] } });
    expect(only(await readOfflineInventory(dir))).toMatchObject({ account: "111122223333", region: "unknown" });
  });

  it("accepts the directory with a trailing slash and names files without a double slash", async () => {
    const dir = await inventoryDir({ "ec2-describe-security-groups.json": { SecurityGroups: [] } });
    const p = only(await readOfflineInventory(`${dir}/`));
    expect(p.origin).toEqual({ kind: "offline", dir });
    expect(!p.dbInstances.ok && p.dbInstances.error.source).toBe(path.join(dir, "rds-describe-db-instances.json"));
  });
});

describe("nested ACCOUNT/REGION layout", () => {
  it("reads one partition per account and region, labelled by the directory names", async () => {
    const dir = path.join(FIXTURES, "multi");
    const { partitions } = await readOfflineInventory(dir);

    expect(partitions.map((p) => [p.account, p.region, p.capturedAt])).toEqual([
      ["111122223333", "eu-west-1", "2025-06-01T12:00:00Z"],
      ["444455556666", "us-east-1", "2025-06-01T12:05:00Z"],
    ]);
    expect(partitions.map((p) => p.origin)).toEqual([
      { kind: "offline", dir: path.join(dir, "111122223333", "eu-west-1") },
      { kind: "offline", dir: path.join(dir, "444455556666", "us-east-1") },
    ]);
    const second = partitions[1] as InventoryPartition;
    expect(second.securityGroups.ok && second.securityGroups.value.every((g) => g.OwnerId === "444455556666")).toBe(true);
    expect(Object.keys(second.secrets)).toEqual(["queue-db/app"]);
  });

  it("refuses a meta.json that contradicts its directory", async () => {
    const dir = await inventoryDir({
      "111122223333/eu-west-1/meta.json": { capturedAt: "2025-06-01T12:00:00Z", account: "444455556666" },
      "111122223333/eu-west-1/ec2-describe-security-groups.json": { SecurityGroups: [] },
    });
    expect(await readError(dir)).toBe(
      `${path.join(dir, "111122223333/eu-west-1/meta.json")}: account: expected 111122223333 (the directory's name), found 444455556666`,
    );
  });

  it("refuses an export of another region dropped into a region's directory", async () => {
    const dir = await inventoryDir({
      "111122223333/eu-west-1/rds-describe-db-instances.json": {
        DBInstances: [{ DBInstanceIdentifier: "queue-db", DBInstanceArn: "arn:aws:rds:us-east-1:111122223333:db:queue-db" }],
      },
    });
    expect(await readError(dir)).toBe(
      `${path.join(dir, "111122223333/eu-west-1/rds-describe-db-instances.json")}: DBInstances[0].DBInstanceArn: expected a resource in region eu-west-1 (per the directory's name), found region us-east-1; put each region's exports in its own ACCOUNT/REGION/ directory`,
    );
  });

  it("refuses an account directory without region directories", async () => {
    const dir = await inventoryDir({ "111122223333/ec2-describe-security-groups.json": { SecurityGroups: [] } });
    expect(await readError(dir)).toBe(
      `${path.join(dir, "111122223333")}: expected REGION/ directories such as eu-west-1 holding the exports of account 111122223333`,
    );
  });

  it("refuses a region directory with no export in it", async () => {
    const dir = await inventoryDir({
      "111122223333/eu-west-1/ec2-describe-security-groups.json": { SecurityGroups: [] },
      "111122223333/us-east-1/notes.txt": "nothing here",
    });
    expect(await readError(dir)).toMatch(
      new RegExp(
        `^${escapeRegExp(path.join(dir, "111122223333/us-east-1"))}: not an inventory directory \\(no AWS CLI export or meta.json in it;`,
      ),
    );
  });

  it("refuses a directory that mixes exports and account directories", async () => {
    const dir = await inventoryDir({
      "ec2-describe-security-groups.json": { SecurityGroups: [] },
      "111122223333/eu-west-1/ec2-describe-security-groups.json": { SecurityGroups: [] },
    });
    expect(await readError(dir)).toBe(
      `${dir}: expected either the exports themselves or ACCOUNT/REGION/ directories, not both (found ec2-describe-security-groups.json and 111122223333/)`,
    );
  });
});

describe("a missing file", () => {
  it("is an observation gap naming the file, never an empty list", async () => {
    const dir = await fixtureCopy("violations");
    await rm(path.join(dir, "rds-describe-db-clusters.json"));
    await rm(path.join(dir, "ec2-describe-security-groups.json"));

    const p = only(await readOfflineInventory(dir));

    expect(p.dbClusters).toEqual({
      ok: false,
      error: {
        source: path.join(dir, "rds-describe-db-clusters.json"),
        reason: "the file is missing from the inventory",
        code: "NotCaptured",
        account: "111122223333",
        region: "eu-west-1",
        ref: "rds-describe-db-clusters.json",
      },
    });
    expect(p.securityGroups.ok).toBe(false);
    expect(p.dbInstances.ok).toBe(true);
  });

  it("in a keyed directory leaves the key out, so the lookup reports it as not captured", async () => {
    const dir = await fixtureCopy("violations");
    await rm(path.join(dir, "rds-describe-db-parameters"), { recursive: true });
    await rm(path.join(dir, "secretsmanager-describe-secret/queue-db__app.json"));

    const p = only(await readOfflineInventory(dir));

    expect(p.dbParameters).toEqual({});
    const params = observedEntry(p, "dbParameters", "queue-db-pg14");
    expect(params).toEqual({
      ok: false,
      error: expect.objectContaining({ source: path.join(dir, "rds-describe-db-parameters/queue-db-pg14.json"), code: "NotCaptured" }),
    });
    const secret = observedEntry(p, "secrets", "queue-db/app");
    expect(!secret.ok && secret.error.source).toBe(path.join(dir, "secretsmanager-describe-secret/queue-db__app.json"));
    expect(observedEntry(p, "secrets", "jobs-redis/auditor").ok).toBe(true);
  });
});

describe("secret files", () => {
  it("are keyed by the Name inside them, '__' in the file name standing for '/'", async () => {
    const dir = await inventoryDir({
      "ec2-describe-security-groups.json": { SecurityGroups: [] },
      "secretsmanager-describe-secret/prod__queue-db__app.json": { Name: "prod/queue-db/app", RotationEnabled: true },
      "secretsmanager-describe-secret/jobs__auditor.json": { RotationEnabled: false },
    });
    const p = only(await readOfflineInventory(dir));

    expect(Object.keys(p.secrets).sort()).toEqual(["jobs/auditor", "prod/queue-db/app"]);
    expect(sourceOf(p, "secrets", "prod/queue-db/app")).toBe(path.join(dir, "secretsmanager-describe-secret/prod__queue-db__app.json"));
  });

  it("trust the Name inside over a file name that does not match it, and say so", async () => {
    const dir = await inventoryDir({
      "ec2-describe-security-groups.json": { SecurityGroups: [] },
      "secretsmanager-describe-secret/queue-db-app.json": { Name: "queue-db/app", RotationEnabled: true },
    });
    const warnings: string[] = [];
    const p = only(await readOfflineInventory(dir, { onWarning: (m) => warnings.push(m) }));

    expect(Object.keys(p.secrets)).toEqual(["queue-db/app"]);
    expect(warnings).toEqual([
      `${path.join(dir, "secretsmanager-describe-secret/queue-db-app.json")}: holds secret queue-db/app, whose file name would be queue-db__app.json; read as queue-db/app`,
    ]);
  });

  it("refuse the same secret twice", async () => {
    const dir = await inventoryDir({
      "ec2-describe-security-groups.json": { SecurityGroups: [] },
      "secretsmanager-describe-secret/queue-db__app.json": { Name: "queue-db/app" },
      "secretsmanager-describe-secret/zz-copy.json": { Name: "queue-db/app" },
    });
    expect(await readError(dir)).toBe(
      `${path.join(dir, "secretsmanager-describe-secret/zz-copy.json")}: Name: expected each secret once; queue-db/app is also in ${path.join(dir, "secretsmanager-describe-secret/queue-db__app.json")}`,
    );
  });
});

describe("a malformed file", () => {
  const SG_FILE = "ec2-describe-security-groups.json";

  it("that is not JSON names the file and the line", async () => {
    const dir = await inventoryDir({ [SG_FILE]: '{\n    "SecurityGroups": [\n        {"GroupId": "sg-1",}\n    ]\n}\n' });
    expect(await readError(dir)).toMatch(
      new RegExp(`^${escapeRegExp(path.join(dir, SG_FILE))}: line 3, column \\d+: expected valid JSON \\([^\\n]+\\)$`),
    );
  });

  it("that is empty says so", async () => {
    const dir = await inventoryDir({ [SG_FILE]: "" });
    expect(await readError(dir)).toBe(`${path.join(dir, SG_FILE)}: (top level): expected valid JSON (Unexpected end of JSON input)`);
  });

  it.each([
    [
      "a rule list that is not an array",
      { SecurityGroups: [sg(), sg(), sg(), sg({ IpPermissions: { IpProtocol: "tcp" } })] },
      "SecurityGroups[3].IpPermissions: expected an array",
    ],
    [
      "a port given as a string",
      { SecurityGroups: [sg({ IpPermissions: [{ IpProtocol: "tcp", FromPort: "5432", ToPort: 5432 }] })] },
      "SecurityGroups[0].IpPermissions[0].FromPort: expected a number",
    ],
    [
      "a CIDR that is not a string",
      { SecurityGroups: [sg({ IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: 10 }] }] })] },
      "SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp: expected a string",
    ],
    ["a group that is not an object", { SecurityGroups: ["sg-0a1b2c3d4e5f60001"] }, "SecurityGroups[0]: expected an object"],
    [
      "another command's output",
      { DBInstances: [] },
      "SecurityGroups: missing: expected an array (the output of `aws ec2 describe-security-groups --output json`); found DBInstances",
    ],
    ["a bare list", [sg()], "(top level): expected an object (the output of `aws ec2 describe-security-groups --output json`)"],
    ["a list that is not a list", { SecurityGroups: {} }, "SecurityGroups: expected an array"],
  ])("with %s names the key path and what was expected", async (_, content, expected) => {
    const dir = await inventoryDir({ [SG_FILE]: content });
    expect(await readError(dir)).toBe(`${path.join(dir, SG_FILE)}: ${expected}`);
  });

  it.each([
    [
      "rds-describe-db-instances.json",
      { DBInstances: [{ DBInstanceIdentifier: "queue-db", PubliclyAccessible: "false" }] },
      "DBInstances[0].PubliclyAccessible: expected true or false",
    ],
    [
      "rds-describe-db-parameters/queue-db-pg14.json",
      { Parameters: [{ ParameterName: "rds.force_ssl", ParameterValue: 1 }] },
      "Parameters[0].ParameterValue: expected a string",
    ],
    [
      "elasticache-describe-cache-clusters.json",
      { CacheClusters: [{ CacheClusterId: "c", CacheNodes: [{ Endpoint: { Port: "6379" } }] }] },
      "CacheClusters[0].CacheNodes[0].Endpoint.Port: expected a number",
    ],
    [
      "elasticache-describe-replication-groups.json",
      { ReplicationGroups: [{ ReplicationGroupId: "r", UserGroupIds: "ug" }] },
      "ReplicationGroups[0].UserGroupIds: expected an array",
    ],
    [
      "elasticache-describe-users.json",
      { Users: [{ UserId: "default", Authentication: "no-password" }] },
      "Users[0].Authentication: expected an object",
    ],
    [
      "elasticache-list-tags-for-resource/jobs-redis.json",
      { Tags: [] },
      "TagList: missing: expected an array (the output of `aws elasticache list-tags-for-resource --output json`); found Tags",
    ],
    ["ec2-get-managed-prefix-list-entries/pl-1.json", { Entries: [{ Cidr: ["0.0.0.0/0"] }] }, "Entries[0].Cidr: expected a string"],
    [
      "secretsmanager-describe-secret/queue-db__app.json",
      { Name: "queue-db/app", LastRotatedDate: "last tuesday" },
      "LastRotatedDate: expected an ISO 8601 timestamp",
    ],
    ["meta.json", { capturedAt: "2025-06-01" }, "capturedAt: expected an ISO 8601 date-time such as 2024-05-01T10:00:00Z"],
    ["meta.json", { account: 111122223333 }, "account: expected a string"],
  ])("%s: %s is refused", async (file, content, expected) => {
    const dir = await inventoryDir({ "ec2-describe-security-groups.json": { SecurityGroups: [] }, [file]: content });
    expect(await readError(dir)).toBe(`${path.join(dir, file)}: ${expected}`);
  });
});

describe("a directory that is not an inventory", () => {
  it("because it does not exist", async () => {
    const dir = path.join(scratch, "no-such-dir");
    expect(await readError(dir)).toBe(
      `${dir}: not an inventory directory (no such directory; expected AWS CLI exports such as ec2-describe-security-groups.json, or ACCOUNT/REGION/ directories)`,
    );
  });

  it("reads meta.json alone as a partition where nothing was observed (an unreachable account's snapshot)", async () => {
    const dir = await inventoryDir({
      "111122223333/eu-west-1/ec2-describe-security-groups.json": { SecurityGroups: [] },
      "444455556666/eu-west-1/meta.json": {
        capturedAt: "2025-06-01T12:00:00Z",
        account: "444455556666",
        region: "eu-west-1",
        notCaptured: [
          {
            file: "ec2-describe-security-groups.json",
            source: "sts:AssumeRole",
            reason: "role could not be assumed",
            code: "AccessDenied",
          },
          {
            file: "secretsmanager-describe-secret/queue-db__app.json",
            source: "sts:AssumeRole",
            reason: "role could not be assumed",
            code: "AccessDenied",
          },
        ],
      },
    });
    const inventory = await readOfflineInventory(dir);
    const unreachable = inventory.partitions.find((p) => p.account === "444455556666");
    expect(unreachable?.securityGroups).toEqual({
      ok: false,
      error: {
        source: "sts:AssumeRole",
        reason: "role could not be assumed",
        code: "AccessDenied",
        account: "444455556666",
        region: "eu-west-1",
      },
    });
    expect(unreachable?.secrets["queue-db/app"]).toMatchObject({ ok: false, error: { source: "sts:AssumeRole", code: "AccessDenied" } });
    expect(unreachable?.dbInstances).toMatchObject({ ok: false, error: { code: "NotCaptured" } });
  });

  it("because it is empty", async () => {
    const dir = await inventoryDir({});
    expect(await readError(dir)).toMatch(/: not an inventory directory \(it is empty;/);
  });

  it("because nothing in it is an export", async () => {
    const dir = await inventoryDir({ "README.md": "exports go here" });
    expect(await readError(dir)).toMatch(/: not an inventory directory \(no AWS CLI export in it;/);
  });

  it("because it is a file", async () => {
    const dir = await inventoryDir({ "inventory.json": { SecurityGroups: [] } });
    expect(await readError(path.join(dir, "inventory.json"))).toMatch(/inventory\.json: not an inventory directory \(it is a file;/);
  });
});

describe("files outside the layout", () => {
  it("are ignored with a warning", async () => {
    const dir = await inventoryDir({
      "ec2-describe-security-groups.json": { SecurityGroups: [] },
      "ec2-describe-vpcs.json": { Vpcs: "not even checked" },
      "rds-describe-db-parameters/notes.txt": "why this group exists",
    });
    const warnings: string[] = [];
    const p = only(await readOfflineInventory(dir, { onWarning: (m) => warnings.push(m) }));

    expect(p.dbParameters).toEqual({});
    expect(warnings.sort()).toEqual([
      `${path.join(dir, "ec2-describe-vpcs.json")}: not part of the inventory layout; ignored`,
      `${path.join(dir, "rds-describe-db-parameters/notes.txt")}: not a .json export; ignored`,
    ]);
  });

  it("include cache clusters captured without --show-cache-node-info, whose ports are unknown", async () => {
    const dir = await inventoryDir({
      "elasticache-describe-cache-clusters.json": { CacheClusters: [{ CacheClusterId: "jobs-redis-001", Engine: "redis" }] },
    });
    const warnings: string[] = [];
    await readOfflineInventory(dir, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      `${path.join(dir, "elasticache-describe-cache-clusters.json")}: cache clusters without CacheNodes; capture it with --show-cache-node-info so their ports are known`,
    ]);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("the network path exports", () => {
  it("are read into subnets, route tables, network ACLs and cache subnet groups", async () => {
    const p = only(await readOfflineInventory(path.join(FIXTURES, "violations")));

    expect(p.subnets?.ok && p.subnets.value.map((s) => [s.SubnetId, s.MapPublicIpOnLaunch])).toEqual([
      ["subnet-0a1b2c3d4e5f60001", false],
      ["subnet-0a1b2c3d4e5f60002", false],
      ["subnet-0a1b2c3d4e5f60003", true],
      ["subnet-0a1b2c3d4e5f60004", true],
    ]);
    expect(p.routeTables?.ok && p.routeTables.value.map((t) => t.RouteTableId)).toEqual(["rtb-0a1b2c3d4e5f60001", "rtb-0a1b2c3d4e5f60002"]);
    expect(p.networkAcls?.ok && p.networkAcls.value[0]?.Entries?.find((e) => e.RuleNumber === 120)).toEqual({
      CidrBlock: "0.0.0.0/0",
      Egress: false,
      PortRange: { From: 1024, To: 65535 },
      Protocol: "6",
      RuleAction: "allow",
      RuleNumber: 120,
    });
    expect(p.cacheSubnetGroups?.ok && p.cacheSubnetGroups.value.map((g) => g.CacheSubnetGroupName)).toEqual(["queue-private"]);
  });

  it("that are missing are observation gaps naming the file", async () => {
    const dir = await fixtureCopy("violations");
    await rm(path.join(dir, "ec2-describe-network-acls.json"));

    const p = only(await readOfflineInventory(dir));

    expect(p.networkAcls).toEqual({
      ok: false,
      error: expect.objectContaining({
        source: path.join(dir, "ec2-describe-network-acls.json"),
        ref: "ec2-describe-network-acls.json",
        code: "NotCaptured",
      }),
    });
    expect(p.routeTables?.ok).toBe(true);
  });

  it.each([
    [
      "ec2-describe-network-acls.json",
      { NetworkAcls: [{ NetworkAclId: "acl-1", Entries: [{ RuleNumber: "100", Protocol: "6", RuleAction: "allow" }] }] },
      "NetworkAcls[0].Entries[0].RuleNumber: expected a number",
    ],
    [
      "ec2-describe-route-tables.json",
      { RouteTables: [{ RouteTableId: "rtb-1", Associations: [{ Main: "true" }] }] },
      "RouteTables[0].Associations[0].Main: expected true or false",
    ],
    ["ec2-describe-subnets.json", { Subnets: { SubnetId: "subnet-1" } }, "Subnets: expected an array"],
    [
      "elasticache-describe-cache-subnet-groups.json",
      { CacheSubnetGroups: [{ CacheSubnetGroupName: "queue-private", Subnets: ["subnet-1"] }] },
      "CacheSubnetGroups[0].Subnets[0]: expected an object",
    ],
  ])("%s that is malformed names the key path", async (file, content, expected) => {
    const dir = await inventoryDir({ [file]: content });
    expect(await readError(dir)).toBe(`${path.join(dir, file)}: ${expected}`);
  });
});
