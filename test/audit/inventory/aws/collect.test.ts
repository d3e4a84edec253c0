import "aws-sdk-client-mock-vitest/extend";
import { DescribeSecurityGroupsCommand, GetManagedPrefixListEntriesCommand } from "@aws-sdk/client-ec2";
import {
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  DescribeServerlessCachesCommand,
  DescribeUserGroupsCommand,
  DescribeUsersCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-elasticache";
import {
  DescribeDBClusterParametersCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBParametersCommand,
} from "@aws-sdk/client-rds";
import { DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../../lib/audit/config/load.js";
import type { ConfigInput } from "../../../../lib/audit/config/schema.js";
import { collectInventory } from "../../../../lib/audit/inventory/aws/index.js";
import type { InventoryPartition } from "../../../../lib/audit/inventory/types.js";
import { ACCOUNT, cacheCluster, dbInstance, parameters, replicationGroup, secret, securityGroup, user, userGroup } from "./aws-shapes.js";
import { BASE_CREDENTIALS, cacheMock, ec2Mock, type FakeAws, installFakeAws, rdsMock, resetFakeAws, secretsMock } from "./fake-aws.js";

const NOW = new Date("2025-06-01T10:00:00.000Z");
const config = (input: Partial<ConfigInput>) => parseConfig({ version: 1, aws: { regions: ["eu-west-1"] }, ...input }, "test.yaml");
const deps = { credentials: BASE_CREDENTIALS, now: () => NOW };

function single(partitions: InventoryPartition[]): InventoryPartition {
  expect(partitions).toHaveLength(1);
  return partitions[0] as InventoryPartition;
}
const inputsOf = (mock: { commandCalls: (c: never) => { args: [{ input: unknown }] }[] }, command: unknown) =>
  mock.commandCalls(command as never).map((c) => c.args[0].input);

afterEach(resetFakeAws);

describe("collectInventory: one account, one region", () => {
  const world: FakeAws = {
    regions: {
      [`${ACCOUNT}/eu-west-1`]: {
        dbInstances: [
          dbInstance("queue-db", { groups: ["sg-0a1b2c3d4e5f60001"] }),
          dbInstance("other-db", { parameterGroup: "other-params", groups: ["sg-0a1b2c3d4e5f60099"] }),
        ],
        dbClusters: [],
        dbParameters: {
          "default.postgres14": parameters({ "rds.force_ssl": "0", log_connections: undefined }),
          "other-params": parameters({}),
        },
        securityGroups: [
          securityGroup("sg-0a1b2c3d4e5f60001", { cidr: "10.20.0.0/16", prefixListIds: ["pl-0a1b2c3d4e5f60001"] }),
          securityGroup("sg-0a1b2c3d4e5f60003", { port: 6379, prefixListIds: ["pl-0a1b2c3d4e5f60001"] }),
          securityGroup("sg-0a1b2c3d4e5f60099"),
        ],
        prefixLists: { "pl-0a1b2c3d4e5f60001": [{ Cidr: "10.30.0.0/16", Description: "vpn" }] },
        replicationGroups: [replicationGroup("jobs-redis", { userGroupIds: ["queue-users"] })],
        cacheClusters: [cacheCluster("jobs-redis-001", { replicationGroupId: "jobs-redis" })],
        serverlessCaches: [],
        userGroups: [userGroup("queue-users", ["default-off", "worker"]), userGroup("unrelated", ["someone"])],
        users: [
          user("default-off", "default", "no-password", "off ~* -@all"),
          user("worker", "worker", "password", "on ~jobs:* +@all"),
          user("someone", "x", "password", "on"),
        ],
        secrets: { "queue-db/app": secret("queue-db/app") },
      },
    },
  };

  it("collects the in-scope resources as JSON wire data, stamped with account, region and capture time", async () => {
    installFakeAws(world);
    const cfg = config({ targets: { rds: ["queue-db"], elasticache: ["jobs-redis"] }, credentials: { secrets: ["queue-db/app"] } });

    const p = single((await collectInventory(cfg, deps)).partitions);

    expect(p).toMatchObject({ account: ACCOUNT, region: "eu-west-1", origin: { kind: "live" }, capturedAt: "2025-06-01T10:00:00.000Z" });
    expect(p.dbInstances.ok && p.dbInstances.value.map((i) => i.DBInstanceIdentifier)).toEqual(["queue-db", "other-db"]);
    // Dates arrive as ISO strings, exactly as JSON (and the AWS CLI export) carries them.
    expect(p.dbInstances.ok && p.dbInstances.value[0]?.InstanceCreateTime).toBe("2024-03-01T09:30:00.123Z");
    expect(p.secrets["queue-db/app"]).toEqual({
      ok: true,
      value: expect.objectContaining({ Name: "queue-db/app", LastRotatedDate: "2025-05-01T00:00:00.000Z" }),
    });
    expect(JSON.stringify(p.secrets)).not.toContain("$metadata");
    // Only the groups guarding in-scope backends, not sg-...99 of the out-of-scope database.
    expect(p.securityGroups.ok && p.securityGroups.value.map((g) => g.GroupId)).toEqual(["sg-0a1b2c3d4e5f60001", "sg-0a1b2c3d4e5f60003"]);
    expect(Object.keys(p.dbParameters)).toEqual(["default.postgres14"]);
    expect(p.prefixListEntries).toEqual({ "pl-0a1b2c3d4e5f60001": { ok: true, value: [{ Cidr: "10.30.0.0/16", Description: "vpn" }] } });
    expect(p.userGroups.ok && p.userGroups.value.map((g) => g.UserGroupId)).toEqual(["queue-users"]);
    expect(p.users.ok && p.users.value.map((u) => u.UserId)).toEqual(["default-off", "worker"]);
    expect(p.cacheTags).toEqual({});
  });

  it("asks each API for its largest page, by id where a filter exists, and nothing it does not need", async () => {
    installFakeAws(world);
    const cfg = config({ targets: { rds: ["queue-db"], elasticache: ["jobs-redis"] }, credentials: { secrets: ["queue-db/app"] } });

    await collectInventory(cfg, deps);

    expect(inputsOf(rdsMock, DescribeDBInstancesCommand)).toEqual([{ MaxRecords: 100 }]);
    expect(inputsOf(rdsMock, DescribeDBClustersCommand)).toEqual([{ MaxRecords: 100 }]);
    expect(inputsOf(rdsMock, DescribeDBParametersCommand)).toEqual([{ DBParameterGroupName: "default.postgres14", MaxRecords: 100 }]);
    expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBClusterParametersCommand, 0);
    expect(inputsOf(cacheMock, DescribeReplicationGroupsCommand)).toEqual([{ MaxRecords: 100 }]);
    expect(inputsOf(cacheMock, DescribeCacheClustersCommand)).toEqual([{ ShowCacheNodeInfo: true, MaxRecords: 100 }]);
    expect(inputsOf(cacheMock, DescribeServerlessCachesCommand)).toEqual([{ MaxResults: 50 }]);
    expect(inputsOf(cacheMock, DescribeUserGroupsCommand)).toEqual([{ MaxRecords: 100 }]);
    expect(inputsOf(cacheMock, DescribeUsersCommand)).toEqual([{ MaxRecords: 100 }]);
    expect(cacheMock).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 0);
    expect(inputsOf(ec2Mock, DescribeSecurityGroupsCommand)).toEqual([
      { Filters: [{ Name: "group-id", Values: ["sg-0a1b2c3d4e5f60001", "sg-0a1b2c3d4e5f60003"] }], MaxResults: 1000 },
    ]);
    // Referenced by two in-scope groups, fetched once.
    expect(inputsOf(ec2Mock, GetManagedPrefixListEntriesCommand)).toEqual([{ PrefixListId: "pl-0a1b2c3d4e5f60001", MaxResults: 100 }]);
    expect(secretsMock).toHaveReceivedCommandExactlyOnceWith(DescribeSecretCommand, { SecretId: "queue-db/app" });
  });

  it("does not call the ElastiCache APIs when no cache is selected, and says so instead of pretending the lists are empty", async () => {
    installFakeAws(world);
    const p = single((await collectInventory(config({ targets: { rds: ["queue-db"] } }), deps)).partitions);

    expect(cacheMock.calls()).toHaveLength(0);
    expect(p.replicationGroups).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: "NotCollected",
        source: "elasticache:DescribeReplicationGroups",
        account: ACCOUNT,
        region: "eu-west-1",
      }),
    });
    // No RBAC cache in scope: no user is needed, which an empty list states truthfully.
    expect(p.userGroups).toEqual({ ok: true, value: [] });
    expect(p.users).toEqual({ ok: true, value: [] });
  });
});

describe("collectInventory: paging", () => {
  it("follows Marker and NextToken to the last page and keeps every item", async () => {
    const instances = Array.from({ length: 250 }, (_, i) =>
      dbInstance(`db-${String(i).padStart(3, "0")}`, {
        groups: [`sg-${String(i).padStart(17, "0")}`],
        tags: [{ Key: "queue-backend", Value: "delayed_job" }],
      }),
    );
    installFakeAws({
      regions: {
        [`${ACCOUNT}/eu-west-1`]: {
          dbInstances: instances,
          dbParameters: {
            "default.postgres14": parameters(Object.fromEntries(Array.from({ length: 230 }, (_, i) => [`param_${i}`, "1"]))),
          },
          securityGroups: instances.map((i) => securityGroup(i.VpcSecurityGroups?.[0]?.VpcSecurityGroupId ?? "")),
        },
      },
    });
    const cfg = config({ targets: { rds: [], tag: { key: "queue-backend", value: "delayed_job" } } });

    const p = single((await collectInventory(cfg, deps)).partitions);

    expect(p.dbInstances.ok && p.dbInstances.value).toHaveLength(250);
    expect(inputsOf(rdsMock, DescribeDBInstancesCommand)).toEqual([
      { MaxRecords: 100 },
      { MaxRecords: 100, Marker: "100" },
      { MaxRecords: 100, Marker: "200" },
    ]);
    expect(p.dbParameters["default.postgres14"]?.ok && p.dbParameters["default.postgres14"].value).toHaveLength(230);
    expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBParametersCommand, 3);
    // 250 wanted groups: two group-id filters of at most 200 values (the per-filter limit).
    expect(p.securityGroups.ok && p.securityGroups.value).toHaveLength(250);
    expect(
      inputsOf(ec2Mock, DescribeSecurityGroupsCommand).map((i) => (i as { Filters: { Values: string[] }[] }).Filters[0]?.Values.length),
    ).toEqual([200, 50]);
  });
});
