/** In-memory inventories and configs for check tests, shaped like AWS API responses. */

import type { AuditContext, Observations } from "../../lib/audit/checks/types.js";
import { parseConfig } from "../../lib/audit/config/load.js";
import type { Config, ConfigInput } from "../../lib/audit/config/schema.js";
import { auditContext, evaluate, evaluateChecks } from "../../lib/audit/engine.js";
import type { CheckResult, Finding } from "../../lib/audit/findings/model.js";
import type { Inventory, InventoryPartition, Observed, WireSecurityGroup } from "../../lib/audit/inventory/types.js";

export const ACCOUNT = "111122223333";
export const REGION = "eu-west-1";

export function ok<T>(value: T): Observed<T> {
  return { ok: true, value };
}

export function missing(source: string): Observed<never> {
  return {
    ok: false,
    error: { source, reason: "the file is missing from the inventory", code: "NotCaptured", account: ACCOUNT, region: REGION },
  };
}

/** The default network path of `partition()`: two private subnets on the VPC's main table (NAT only), a NACL that admits nothing. */
export const PRIVATE_SUBNETS = ["subnet-00000000000000a01", "subnet-00000000000000a02"];
const VPC = "vpc-0a1b2c3d4e5f60001";

export function privateNetwork() {
  return {
    subnets: ok(
      PRIVATE_SUBNETS.map((SubnetId, i) => ({
        SubnetId,
        VpcId: VPC,
        CidrBlock: `10.20.${i + 1}.0/24`,
        AvailabilityZone: `${REGION}${"ab"[i]}`,
        MapPublicIpOnLaunch: false,
        State: "available",
        OwnerId: ACCOUNT,
      })),
    ),
    routeTables: ok([
      {
        RouteTableId: "rtb-00000000000000a01",
        VpcId: VPC,
        OwnerId: ACCOUNT,
        Associations: [{ Main: true, RouteTableAssociationId: "rtbassoc-00000000000000a01", RouteTableId: "rtb-00000000000000a01" }],
        Routes: [
          { DestinationCidrBlock: "10.20.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active" },
          { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-00000000000000a01", Origin: "CreateRoute", State: "active" },
        ],
      },
    ]),
    networkAcls: ok([
      {
        NetworkAclId: "acl-00000000000000a01",
        VpcId: VPC,
        IsDefault: false,
        OwnerId: ACCOUNT,
        Associations: PRIVATE_SUBNETS.map((SubnetId) => ({
          NetworkAclAssociationId: `aclassoc-${SubnetId}`,
          NetworkAclId: "acl-00000000000000a01",
          SubnetId,
        })),
        Entries: [
          { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: true, CidrBlock: "0.0.0.0/0" },
          { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: false, CidrBlock: "0.0.0.0/0" },
        ],
      },
    ]),
    cacheSubnetGroups: ok([
      {
        CacheSubnetGroupName: "queue-private",
        VpcId: VPC,
        Subnets: PRIVATE_SUBNETS.map((SubnetIdentifier) => ({ SubnetIdentifier, SubnetAvailabilityZone: { Name: `${REGION}a` } })),
      },
    ]),
  };
}

/** A DB instance's `DBSubnetGroup` over `subnets` (default: the private subnets of `privateNetwork()`). */
export function dbSubnetGroup(subnets: string[] = PRIVATE_SUBNETS) {
  return {
    DBSubnetGroupName: "queue-private",
    DBSubnetGroupDescription: "private subnets",
    VpcId: VPC,
    SubnetGroupStatus: "Complete",
    Subnets: subnets.map((SubnetIdentifier) => ({
      SubnetIdentifier,
      SubnetAvailabilityZone: { Name: `${REGION}a` },
      SubnetOutpost: {},
      SubnetStatus: "Active",
    })),
  };
}

/**
 * A partition with every part observed and empty (the network path: private, see privateNetwork), overridden by `parts`. Loosely typed so
 * tests can write AWS responses as literals (the SDK's enum types would reject plain strings).
 */
export function partition(parts: { [K in keyof InventoryPartition]?: unknown } = {}): InventoryPartition {
  return {
    account: ACCOUNT,
    region: REGION,
    origin: { kind: "offline", dir: "inv" },
    capturedAt: "2026-11-01T00:00:00.000Z",
    securityGroups: ok([]),
    prefixListEntries: {},
    dbInstances: ok([]),
    dbClusters: ok([]),
    dbParameters: {},
    dbClusterParameters: {},
    replicationGroups: ok([]),
    cacheClusters: ok([]),
    serverlessCaches: ok([]),
    userGroups: ok([]),
    users: ok([]),
    cacheTags: {},
    secrets: {},
    ...privateNetwork(),
    ...parts,
  } as InventoryPartition;
}

export function inventory(...partitions: InventoryPartition[]): Inventory {
  return { partitions };
}

export function config(input: Partial<ConfigInput> = {}): Config {
  return parseConfig({ version: 1, ...input }, "test.yaml");
}

export const NOW = new Date("2026-11-25T12:00:00Z");

export function run(cfg: Config, inv: Inventory, now = NOW): Finding[] {
  return evaluate({ config: cfg, inventory: inv, now });
}

/** What an audit gives its checks: the scope resolved from this config and inventory, as the engine resolves it. */
export function context(cfg: Config, inv: Inventory = inventory(), observations: Partial<Observations> = {}, now = NOW): AuditContext {
  return auditContext({ config: cfg, inventory: inv, observations, now });
}

/** The verdicts of one check, before finalization. */
export function verdicts(checkId: string, cfg: Config, inv: Inventory, now = NOW): CheckResult[] {
  return evaluateChecks({ config: cfg, inventory: inv, now }).filter((r) => r.checkId === checkId);
}

/** A PostgreSQL RDS instance as DescribeDBInstances returns it. */
export function dbInstance(id: string, overrides: Record<string, unknown> = {}) {
  return {
    DBInstanceIdentifier: id,
    DBInstanceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:${id}`,
    DBInstanceClass: "db.t4g.medium",
    Engine: "postgres",
    EngineVersion: "16.4",
    DBInstanceStatus: "available",
    Endpoint: { Address: `${id}.c9akciq32.${REGION}.rds.amazonaws.com`, Port: 5432, HostedZoneId: "Z29XKXDKYMONMX" },
    DbInstancePort: 0,
    PubliclyAccessible: false,
    StorageEncrypted: true,
    IAMDatabaseAuthenticationEnabled: true,
    EnabledCloudwatchLogsExports: ["postgresql"],
    MasterUserSecret: {
      SecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!db-1-AbCdEf`,
      SecretStatus: "active",
      KmsKeyId: "alias/aws/secretsmanager",
    },
    VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-0000000000000db01", Status: "active" }],
    DBParameterGroups: [{ DBParameterGroupName: "queue-pg16", ParameterApplyStatus: "in-sync" }],
    DBSubnetGroup: dbSubnetGroup(),
    TagList: [],
    ...overrides,
  };
}

/** A security group as DescribeSecurityGroups returns it. */
export function securityGroup(id: string, permissions: unknown[], overrides: Record<string, unknown> = {}): WireSecurityGroup {
  return {
    GroupId: id,
    GroupName: `group-${id}`,
    Description: "test group",
    OwnerId: ACCOUNT,
    VpcId: "vpc-0a1b2c3d4e5f60001",
    IpPermissions: permissions as WireSecurityGroup["IpPermissions"],
    IpPermissionsEgress: [
      { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
    ],
    ...overrides,
  };
}

export function tcp(
  port: number | [number, number],
  sources: { cidrs?: string[]; cidrs6?: string[]; groups?: (string | { GroupId: string; UserId: string })[]; prefixLists?: string[] },
) {
  const [from, to] = Array.isArray(port) ? port : [port, port];
  return rule("tcp", from, to, sources);
}

export function rule(
  protocol: string,
  from: number | undefined,
  to: number | undefined,
  sources: { cidrs?: string[]; cidrs6?: string[]; groups?: (string | { GroupId: string; UserId: string })[]; prefixLists?: string[] },
) {
  return {
    IpProtocol: protocol,
    ...(from === undefined ? {} : { FromPort: from, ToPort: to }),
    IpRanges: (sources.cidrs ?? []).map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: (sources.cidrs6 ?? []).map((CidrIpv6) => ({ CidrIpv6 })),
    PrefixListIds: (sources.prefixLists ?? []).map((PrefixListId) => ({ PrefixListId })),
    UserIdGroupPairs: (sources.groups ?? []).map((g) => (typeof g === "string" ? { GroupId: g, UserId: ACCOUNT } : g)),
  };
}

/** An ElastiCache replication group as DescribeReplicationGroups returns it: AUTH, TLS required, encrypted, logs delivered. */
export function replicationGroup(overrides: Record<string, unknown> = {}) {
  return {
    ReplicationGroupId: "jobs-redis",
    Description: "delayed_job redis",
    Status: "available",
    MemberClusters: ["jobs-redis-001", "jobs-redis-002"],
    NodeGroups: [
      {
        NodeGroupId: "0001",
        Status: "available",
        PrimaryEndpoint: { Address: "master.jobs-redis.abc123.euw1.cache.amazonaws.com", Port: 6379 },
        ReaderEndpoint: { Address: "replica.jobs-redis.abc123.euw1.cache.amazonaws.com", Port: 6379 },
      },
    ],
    ClusterEnabled: false,
    AuthTokenEnabled: true,
    AuthTokenLastModifiedDate: "2026-10-01T08:00:00.000Z",
    TransitEncryptionEnabled: true,
    TransitEncryptionMode: "required",
    AtRestEncryptionEnabled: true,
    ARN: "arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:jobs-redis",
    LogDeliveryConfigurations: [{ LogType: "engine-log", DestinationType: "cloudwatch-logs", LogFormat: "json", Status: "active" }],
    ReplicationGroupCreateTime: "2025-01-10T08:00:00.000Z",
    Engine: "redis",
    ...overrides,
  };
}

/** A member cache cluster of jobs-redis as DescribeCacheClusters returns it. */
export function cacheCluster(id: string) {
  return {
    CacheClusterId: id,
    ReplicationGroupId: "jobs-redis",
    Engine: "redis",
    EngineVersion: "7.1.0",
    CacheClusterStatus: "available",
    CacheNodes: [
      {
        CacheNodeId: "0001",
        CacheNodeStatus: "available",
        Endpoint: { Address: `${id}.abc123.0001.euw1.cache.amazonaws.com`, Port: 6379 },
      },
    ],
    SecurityGroups: [{ SecurityGroupId: "sg-00000000000000c01", Status: "active" }],
  };
}

/** A Secrets Manager secret as DescribeSecret returns it, rotated every 30 days. */
export function secret(name: string, overrides: Record<string, unknown> = {}) {
  return ok({
    ARN: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${name}-AbCdEf`,
    Name: name,
    RotationEnabled: true,
    RotationRules: { AutomaticallyAfterDays: 30 },
    LastRotatedDate: "2026-10-20T00:00:00.000Z",
    CreatedDate: "2025-01-01T00:00:00.000Z",
    ...overrides,
  });
}
