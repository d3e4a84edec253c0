import "aws-sdk-client-mock-vitest/extend";
import {
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  GetManagedPrefixListEntriesCommand,
} from "@aws-sdk/client-ec2";
import { DescribeCacheSubnetGroupsCommand, ListTagsForResourceCommand } from "@aws-sdk/client-elasticache";
import { DescribeDBClusterParametersCommand, DescribeDBParametersCommand } from "@aws-sdk/client-rds";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../../lib/audit/config/load.js";
import { collectInventory } from "../../../../lib/audit/inventory/aws/index.js";
import {
  ACCOUNT,
  cacheCluster,
  cacheSubnetGroup,
  dbCluster,
  dbInstance,
  networkAcl,
  parameters,
  replicationGroup,
  routeTable,
  securityGroup,
  serverlessCache,
  subnet,
} from "./aws-shapes.js";
import { awsError, BASE_CREDENTIALS, cacheMock, ec2Mock, installFakeAws, rdsMock, resetFakeAws } from "./fake-aws.js";

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

  it("describes the network path of 500 backends in 2 subnet, 5 route-table and 2 NACL calls, filtered by scope", async () => {
    // 500 instances over 300 subnets in 3 VPCs; 2 cache clusters share one cache subnet group; one serverless cache.
    const subnetId = (i: number) => `subnet-${i.toString(16).padStart(17, "0")}`;
    const vpcOf = (i: number) => `vpc-000000000000000${i % 3}`;
    const instances = Array.from({ length: 500 }, (_, i) =>
      dbInstance(`queue-db-${i}`, { tags: [TAG], subnets: [subnetId(i % 300)], vpcId: vpcOf(i % 300) }),
    );
    const subnets = Array.from({ length: 400 }, (_, i) => subnet(subnetId(i), { vpcId: vpcOf(i) }));
    // 350 tables: a main table per VPC and one explicit table per in-scope subnet (the other 50 subnets are out of scope).
    const tables = [
      ...[0, 1, 2].map((v) => routeTable(`rtb-main${v}`, { vpcId: `vpc-000000000000000${v}`, main: true })),
      ...subnets.map((s, i) => routeTable(`rtb-${i}`, { vpcId: s.VpcId as string, subnets: [s.SubnetId as string] })),
    ];
    const acls = subnets.map((s, i) => networkAcl(`acl-${i}`, [s.SubnetId as string], [], { vpcId: s.VpcId as string }));
    installFakeAws({
      regions: {
        [`${ACCOUNT}/eu-west-1`]: {
          dbInstances: instances,
          dbParameters: { "default.postgres14": parameters({}) },
          cacheClusters: [
            cacheCluster("jobs-locks", { subnetGroup: "queue-caches", groups: ["sg-0a1b2c3d4e5f60003"] }),
            cacheCluster("jobs-mutex", { subnetGroup: "queue-caches", groups: ["sg-0a1b2c3d4e5f60003"] }),
          ],
          replicationGroups: [],
          serverlessCaches: [serverlessCache("jobs-cache", { subnetIds: [subnetId(399)] })],
          tags: Object.fromEntries(
            ["cluster:jobs-locks", "cluster:jobs-mutex", "serverlesscache:jobs-cache"].map((r) => [
              `arn:aws:elasticache:eu-west-1:${ACCOUNT}:${r}`,
              [TAG],
            ]),
          ),
          cacheSubnetGroups: [cacheSubnetGroup("queue-caches", [subnetId(398)]), cacheSubnetGroup("other-team", [subnetId(397)])],
          securityGroups: [securityGroup("sg-0a1b2c3d4e5f60001"), securityGroup("sg-0a1b2c3d4e5f60003", { port: 6379 })],
          subnets,
          routeTables: tables,
          networkAcls: acls,
        },
      },
    });
    const cfg = parseConfig(
      { version: 1, aws: { regions: ["eu-west-1"] }, targets: { tag: { key: TAG.Key, value: TAG.Value } } },
      "test.yaml",
    );

    const { partitions } = await collectInventory(cfg, deps);
    const p = partitions[0];

    // One listing of the cache subnet groups (two caches, one group), never one call per cache.
    expect(cacheMock).toHaveReceivedCommandTimes(DescribeCacheSubnetGroupsCommand, 1);
    expect(cacheMock).toHaveReceivedCommandWith(DescribeCacheSubnetGroupsCommand, { MaxRecords: 100 });
    expect(p?.cacheSubnetGroups).toEqual({ ok: true, value: [expect.objectContaining({ CacheSubnetGroupName: "queue-caches" })] });
    // 302 in-scope subnets (300 RDS, the cache group's, the serverless cache's): 2 calls of at most 200 ids, at 1,000 a page.
    const subnetCalls = ec2Mock.commandCalls(DescribeSubnetsCommand).map((c) => c.args[0].input);
    expect(subnetCalls).toHaveLength(2);
    expect(subnetCalls.map((i) => [i.Filters?.[0]?.Name, i.Filters?.[0]?.Values?.length, i.MaxResults])).toEqual([
      ["subnet-id", 200, 1000],
      ["subnet-id", 102, 1000],
    ]);
    expect(p?.subnets?.ok && p.subnets.value).toHaveLength(302);
    // Route tables by VPC (the main table has no subnet association to filter on): 3 VPCs, 353 tables at 100 a page.
    const rtbCalls = ec2Mock.commandCalls(DescribeRouteTablesCommand).map((c) => c.args[0].input);
    expect(rtbCalls.map((i) => [i.Filters, i.MaxResults])).toEqual(
      Array(5).fill([[{ Name: "vpc-id", Values: ["vpc-0000000000000000", "vpc-0000000000000001", "vpc-0000000000000002"] }], 100]),
    );
    expect(p?.routeTables?.ok && p.routeTables.value).toHaveLength(403);
    // NACLs by subnet association, only the in-scope subnets'.
    const aclCalls = ec2Mock.commandCalls(DescribeNetworkAclsCommand).map((c) => c.args[0].input);
    expect(aclCalls.map((i) => [i.Filters?.[0]?.Name, i.Filters?.[0]?.Values?.length, i.MaxResults])).toEqual([
      ["association.subnet-id", 200, 1000],
      ["association.subnet-id", 102, 1000],
    ]);
    expect(p?.networkAcls?.ok && p.networkAcls.value).toHaveLength(302);
  });

  it("asks for a single cache subnet group by name, and makes no network call when nothing is in scope", async () => {
    installFakeAws({
      regions: {
        [`${ACCOUNT}/eu-west-1`]: {
          replicationGroups: [replicationGroup("jobs-redis")],
          cacheClusters: [cacheCluster("jobs-redis-001", { replicationGroupId: "jobs-redis", subnetGroup: "queue-caches" })],
          cacheSubnetGroups: [cacheSubnetGroup("queue-caches", ["subnet-0a1b2c3d4e5f60001"])],
          subnets: [subnet("subnet-0a1b2c3d4e5f60001")],
          routeTables: [routeTable("rtb-0a1b2c3d4e5f60001", { main: true })],
          networkAcls: [networkAcl("acl-0a1b2c3d4e5f60001", ["subnet-0a1b2c3d4e5f60001"], [])],
          securityGroups: [securityGroup("sg-0a1b2c3d4e5f60003", { port: 6379 })],
        },
      },
    });
    const cfg = parseConfig({ version: 1, aws: { regions: ["eu-west-1"] }, targets: { elasticache: ["jobs-redis"] } }, "test.yaml");

    const { partitions } = await collectInventory(cfg, deps);

    expect(cacheMock).toHaveReceivedCommandExactlyOnceWith(DescribeCacheSubnetGroupsCommand, {
      CacheSubnetGroupName: "queue-caches",
      MaxRecords: 100,
    });
    expect(ec2Mock).toHaveReceivedCommandExactlyOnceWith(DescribeSubnetsCommand, {
      Filters: [{ Name: "subnet-id", Values: ["subnet-0a1b2c3d4e5f60001"] }],
      MaxResults: 1000,
    });
    expect(ec2Mock).toHaveReceivedCommandExactlyOnceWith(DescribeRouteTablesCommand, {
      Filters: [{ Name: "vpc-id", Values: ["vpc-0a1b2c3d4e5f60001"] }],
      MaxResults: 100,
    });
    expect(ec2Mock).toHaveReceivedCommandExactlyOnceWith(DescribeNetworkAclsCommand, {
      Filters: [{ Name: "association.subnet-id", Values: ["subnet-0a1b2c3d4e5f60001"] }],
      MaxResults: 1000,
    });
    expect(partitions[0]?.routeTables).toEqual({ ok: true, value: [expect.objectContaining({ RouteTableId: "rtb-0a1b2c3d4e5f60001" })] });

    resetFakeAws();
    installFakeAws({ regions: { [`${ACCOUNT}/eu-west-1`]: { replicationGroups: [], cacheClusters: [], serverlessCaches: [] } } });
    const none = await collectInventory(cfg, deps);
    for (const command of [DescribeSubnetsCommand, DescribeRouteTablesCommand, DescribeNetworkAclsCommand])
      expect(ec2Mock).toHaveReceivedCommandTimes(command, 0);
    expect(cacheMock).toHaveReceivedCommandTimes(DescribeCacheSubnetGroupsCommand, 0);
    // Nothing in scope: empty lists are the truth about what is needed.
    expect(none.partitions[0]?.subnets).toEqual({ ok: true, value: [] });
  });

  it("reports a failed DescribeSubnets on the subnets and the route tables, and still reads the NACLs", async () => {
    installFakeAws({
      regions: {
        [`${ACCOUNT}/eu-west-1`]: {
          dbInstances: [dbInstance("queue-db", { subnets: ["subnet-0a1b2c3d4e5f60001"] })],
          dbParameters: { "default.postgres14": parameters({}) },
          networkAcls: [networkAcl("acl-0a1b2c3d4e5f60001", ["subnet-0a1b2c3d4e5f60001"], [])],
          securityGroups: [securityGroup("sg-0a1b2c3d4e5f60001")],
        },
      },
      failures: {
        [`${ACCOUNT}/eu-west-1/ec2:DescribeSubnets`]: awsError(
          "UnauthorizedOperation",
          "You are not authorized to perform this operation.",
          403,
        ),
      },
    });
    const cfg = parseConfig({ version: 1, aws: { regions: ["eu-west-1"] }, targets: { rds: ["queue-db"] } }, "test.yaml");

    const p = (await collectInventory(cfg, deps)).partitions[0];

    expect(p?.subnets?.ok).toBe(false);
    expect(p?.routeTables?.ok === false && p.routeTables.error.source).toBe("ec2:DescribeSubnets");
    expect(p?.networkAcls?.ok && p.networkAcls.value.map((a) => a.NetworkAclId)).toEqual(["acl-0a1b2c3d4e5f60001"]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeRouteTablesCommand, 0);
  });
});
