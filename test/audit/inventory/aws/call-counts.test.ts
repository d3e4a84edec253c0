import "aws-sdk-client-mock-vitest/extend";
import { DescribeSecurityGroupsCommand, GetManagedPrefixListEntriesCommand } from "@aws-sdk/client-ec2";
import { ListTagsForResourceCommand } from "@aws-sdk/client-elasticache";
import { DescribeDBClusterParametersCommand, DescribeDBParametersCommand } from "@aws-sdk/client-rds";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../../lib/audit/config/load.js";
import { collectInventory } from "../../../../lib/audit/inventory/aws/index.js";
import {
  ACCOUNT,
  cacheCluster,
  dbCluster,
  dbInstance,
  parameters,
  replicationGroup,
  securityGroup,
  serverlessCache,
} from "./aws-shapes.js";
import { BASE_CREDENTIALS, cacheMock, ec2Mock, installFakeAws, rdsMock, resetFakeAws } from "./fake-aws.js";

const deps = { credentials: BASE_CREDENTIALS };
const TAG = { Key: "queue-backend", Value: "delayed_job" };
const sgId = (i: number) => `sg-${i.toString(16).padStart(17, "0")}`;

afterEach(resetFakeAws);

describe("collectInventory: call counts (no N+1)", () => {
  it("describes 10,000 in-scope security groups in 10 DescribeSecurityGroups calls of 1,000", async () => {
    const instances = Array.from({ length: 10_000 }, (_, i) => dbInstance(`queue-db-${i}`, { groups: [sgId(i)], tags: [TAG] }));
    installFakeAws({
      regions: {
        [`${ACCOUNT}/eu-west-1`]: {
          dbInstances: instances,
          dbParameters: { "default.postgres14": parameters({ "rds.force_ssl": "1" }) },
          securityGroups: instances.map((_, i) => securityGroup(sgId(i))),
        },
      },
    });
    const cfg = parseConfig(
      { version: 1, aws: { regions: ["eu-west-1"] }, targets: { tag: { key: TAG.Key, value: TAG.Value } } },
      "test.yaml",
    );

    const { partitions } = await collectInventory(cfg, deps);

    const calls = ec2Mock.commandCalls(DescribeSecurityGroupsCommand);
    // Recorded: 10 calls (10,000 groups at MaxResults 1000), where one call per group would be 10,000.
    expect(calls).toHaveLength(10);
    expect(calls.map((c) => c.args[0].input.MaxResults)).toEqual(Array(10).fill(1000));
    expect(partitions[0]?.securityGroups.ok && partitions[0].securityGroups.value).toHaveLength(10_000);
    // All 10,000 instances share one parameter group: one series, not 10,000.
    expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBParametersCommand, 1);
  });

  it("reads each distinct parameter group once, and each prefix list once however many rules reference it", async () => {
    const groups = ["sg-0a1b2c3d4e5f60001", "sg-0a1b2c3d4e5f60002", "sg-0a1b2c3d4e5f60003"];
    installFakeAws({
      regions: {
        [`${ACCOUNT}/eu-west-1`]: {
          dbInstances: [
            dbInstance("a", { parameterGroup: "pg14-queue", groups: [groups[0] as string] }),
            dbInstance("b", { parameterGroup: "pg14-queue", groups: [groups[1] as string] }),
            dbInstance("c", { parameterGroup: "default.postgres14", groups: [groups[2] as string] }),
            dbInstance("aurora-1", { clusterId: "aurora", parameterGroup: "default.aurora-postgresql15", groups: [groups[0] as string] }),
          ],
          dbClusters: [
            dbCluster("aurora", { members: ["aurora-1"], groups: [groups[0] as string] }),
            dbCluster("aurora-2", { groups: [groups[1] as string] }),
          ],
          dbParameters: {
            "pg14-queue": parameters({}),
            "default.postgres14": parameters({}),
            "default.aurora-postgresql15": parameters({}),
          },
          dbClusterParameters: { "default.aurora-postgresql15": parameters({ "rds.force_ssl": "1" }) },
          securityGroups: groups.map((g) => securityGroup(g, { prefixListIds: ["pl-0a1b2c3d4e5f60001", "pl-0a1b2c3d4e5f60002"] })),
          prefixLists: { "pl-0a1b2c3d4e5f60001": [{ Cidr: "10.1.0.0/16" }], "pl-0a1b2c3d4e5f60002": [{ Cidr: "10.2.0.0/16" }] },
        },
      },
    });
    const cfg = parseConfig(
      { version: 1, aws: { regions: ["eu-west-1"] }, targets: { rds: ["a", "b", "c", "aurora", "aurora-2"] } },
      "test.yaml",
    );

    await collectInventory(cfg, deps);

    const names = rdsMock
      .commandCalls(DescribeDBParametersCommand)
      .map((c) => c.args[0].input.DBParameterGroupName)
      .sort();
    expect(names).toEqual(["default.aurora-postgresql15", "default.postgres14", "pg14-queue"]);
    expect(rdsMock).toHaveReceivedCommandExactlyOnceWith(DescribeDBClusterParametersCommand, {
      DBClusterParameterGroupName: "default.aurora-postgresql15",
      MaxRecords: 100,
    });
    expect(
      ec2Mock
        .commandCalls(GetManagedPrefixListEntriesCommand)
        .map((c) => c.args[0].input.PrefixListId)
        .sort(),
    ).toEqual(["pl-0a1b2c3d4e5f60001", "pl-0a1b2c3d4e5f60002"]);
  });

  it("lists tags only for tag selection, and only of Redis/Valkey caches", async () => {
    const redis = replicationGroup("jobs-redis");
    const memcached = cacheCluster("sessions-mc", { engine: "memcached" });
    const valkey = serverlessCache("jobs-valkey");
    installFakeAws({
      regions: {
        [`${ACCOUNT}/eu-west-1`]: {
          replicationGroups: [redis],
          cacheClusters: [cacheCluster("jobs-redis-001", { replicationGroupId: "jobs-redis" }), memcached],
          serverlessCaches: [valkey],
          tags: { [redis.ARN as string]: [TAG] },
          securityGroups: [securityGroup("sg-0a1b2c3d4e5f60003", { port: 6379 })],
        },
      },
    });
    const byTag = parseConfig(
      { version: 1, aws: { regions: ["eu-west-1"] }, targets: { tag: { key: TAG.Key, value: TAG.Value } } },
      "test.yaml",
    );

    const { partitions } = await collectInventory(byTag, deps);

    expect(cacheMock.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input)).toEqual([
      { ResourceName: redis.ARN },
      { ResourceName: valkey.ARN },
    ]);
    expect(Object.keys(partitions[0]?.cacheTags ?? {})).toEqual(["jobs-redis", "jobs-valkey"]);

    resetFakeAws();
    installFakeAws({
      regions: { [`${ACCOUNT}/eu-west-1`]: { replicationGroups: [redis], cacheClusters: [], serverlessCaches: [valkey] } },
    });
    await collectInventory(
      parseConfig({ version: 1, aws: { regions: ["eu-west-1"] }, targets: { elasticache: ["jobs-redis"] } }, "test.yaml"),
      deps,
    );
    expect(cacheMock).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 0);
  });
});
