/**
 * SDK-shaped responses as AWS documents them (the AWS SDK v3 types: Dates as Date), built
 * from small parameters so each test states only what it is about.
 */
import type { NetworkAcl, NetworkAclEntry, Route, RouteTable, SecurityGroup, Subnet } from "@aws-sdk/client-ec2";
import type { CacheCluster, CacheSubnetGroup, ReplicationGroup, ServerlessCache, User, UserGroup } from "@aws-sdk/client-elasticache";
import type { DBCluster, DBInstance, Parameter } from "@aws-sdk/client-rds";
import type { DescribeSecretResponse } from "@aws-sdk/client-secrets-manager";

export const ACCOUNT = "111122223333";
export const OTHER_ACCOUNT = "444455556666";

export function securityGroup(
  groupId: string,
  opts: {
    account?: string;
    region?: string;
    vpcId?: string;
    port?: number;
    cidr?: string;
    prefixListIds?: string[];
    sourceGroup?: string;
  } = {},
): SecurityGroup {
  const port = opts.port ?? 5432;
  return {
    GroupId: groupId,
    GroupName: `${groupId}-name`,
    Description: "queue backend",
    OwnerId: opts.account ?? ACCOUNT,
    VpcId: opts.vpcId ?? "vpc-0a1b2c3d4e5f60001",
    SecurityGroupArn: `arn:aws:ec2:${opts.region ?? "eu-west-1"}:${opts.account ?? ACCOUNT}:security-group/${groupId}`,
    IpPermissions: [
      {
        IpProtocol: "tcp",
        FromPort: port,
        ToPort: port,
        IpRanges: opts.cidr ? [{ CidrIp: opts.cidr, Description: "workers" }] : [],
        Ipv6Ranges: [],
        PrefixListIds: (opts.prefixListIds ?? []).map((PrefixListId) => ({ PrefixListId })),
        UserIdGroupPairs: opts.sourceGroup ? [{ GroupId: opts.sourceGroup, UserId: opts.account ?? ACCOUNT }] : [],
      },
    ],
    IpPermissionsEgress: [
      { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
    ],
    Tags: [],
  };
}

export function dbInstance(
  id: string,
  opts: {
    account?: string;
    region?: string;
    groups?: string[];
    parameterGroup?: string;
    clusterId?: string;
    engine?: string;
    version?: string;
    tags?: { Key: string; Value: string }[];
    /** The DB subnet group's subnets (default: none, as for an instance not yet placed). */
    subnets?: string[];
    vpcId?: string;
  } = {},
): DBInstance {
  const region = opts.region ?? "eu-west-1";
  const account = opts.account ?? ACCOUNT;
  return {
    DBInstanceIdentifier: id,
    DBInstanceClass: "db.r6g.large",
    Engine: opts.engine ?? "postgres",
    EngineVersion: opts.version ?? "14.12",
    DBInstanceStatus: "available",
    MasterUsername: "postgres",
    Endpoint: { Address: `${id}.abcdefghijkl.${region}.rds.amazonaws.com`, Port: 5432, HostedZoneId: "Z29XKXDKYMONMX" },
    InstanceCreateTime: new Date("2024-03-01T09:30:00.123Z"),
    VpcSecurityGroups: (opts.groups ?? ["sg-0a1b2c3d4e5f60001"]).map((VpcSecurityGroupId) => ({ VpcSecurityGroupId, Status: "active" })),
    DBParameterGroups: [{ DBParameterGroupName: opts.parameterGroup ?? "default.postgres14", ParameterApplyStatus: "in-sync" }],
    PubliclyAccessible: false,
    StorageEncrypted: true,
    IAMDatabaseAuthenticationEnabled: false,
    EnabledCloudwatchLogsExports: ["postgresql"],
    DbInstancePort: 0,
    DBInstanceArn: `arn:aws:rds:${region}:${account}:db:${id}`,
    TagList: opts.tags ?? [],
    ...(opts.clusterId ? { DBClusterIdentifier: opts.clusterId } : {}),
    ...(opts.subnets
      ? {
          DBSubnetGroup: {
            DBSubnetGroupName: `${id}-subnets`,
            DBSubnetGroupDescription: "queue subnets",
            VpcId: opts.vpcId ?? "vpc-0a1b2c3d4e5f60001",
            SubnetGroupStatus: "Complete",
            Subnets: opts.subnets.map((SubnetIdentifier, i) => ({
              SubnetIdentifier,
              SubnetAvailabilityZone: { Name: `${region}${"abc"[i % 3]}` },
              SubnetOutpost: {},
              SubnetStatus: "Active",
            })),
          },
        }
      : {}),
  };
}

export function dbCluster(
  id: string,
  opts: {
    account?: string;
    region?: string;
    groups?: string[];
    parameterGroup?: string;
    members?: string[];
    tags?: { Key: string; Value: string }[];
  } = {},
): DBCluster {
  const region = opts.region ?? "eu-west-1";
  return {
    DBClusterIdentifier: id,
    Engine: "aurora-postgresql",
    EngineVersion: "15.4",
    Status: "available",
    Port: 5432,
    Endpoint: `${id}.cluster-abcdefghijkl.${region}.rds.amazonaws.com`,
    ClusterCreateTime: new Date("2023-11-20T14:00:00Z"),
    DBClusterParameterGroup: opts.parameterGroup ?? "default.aurora-postgresql15",
    VpcSecurityGroups: (opts.groups ?? ["sg-0a1b2c3d4e5f60002"]).map((VpcSecurityGroupId) => ({ VpcSecurityGroupId, Status: "active" })),
    DBClusterMembers: (opts.members ?? []).map((DBInstanceIdentifier, i) => ({
      DBInstanceIdentifier,
      IsClusterWriter: i === 0,
      DBClusterParameterGroupStatus: "in-sync",
      PromotionTier: 1,
    })),
    StorageEncrypted: true,
    IAMDatabaseAuthenticationEnabled: true,
    EnabledCloudwatchLogsExports: ["postgresql"],
    DBClusterArn: `arn:aws:rds:${region}:${opts.account ?? ACCOUNT}:cluster:${id}`,
    TagList: opts.tags ?? [],
  };
}

export function parameters(values: Record<string, string | undefined>): Parameter[] {
  return Object.entries(values).map(([ParameterName, ParameterValue]) => ({
    ParameterName,
    ...(ParameterValue === undefined ? {} : { ParameterValue }),
    Description: `${ParameterName} setting`,
    Source: ParameterValue === undefined ? "engine-default" : "user",
    ApplyType: "dynamic",
    DataType: "string",
    IsModifiable: true,
    ApplyMethod: "pending-reboot",
  }));
}

export function replicationGroup(
  id: string,
  opts: { account?: string; region?: string; members?: string[]; userGroupIds?: string[] } = {},
): ReplicationGroup {
  const region = opts.region ?? "eu-west-1";
  const members = opts.members ?? [`${id}-001`];
  return {
    ReplicationGroupId: id,
    Description: "job queue",
    Status: "available",
    MemberClusters: members,
    NodeGroups: [
      {
        NodeGroupId: "0001",
        Status: "available",
        PrimaryEndpoint: { Address: `master.${id}.abcdef.euw1.cache.amazonaws.com`, Port: 6379 },
      },
    ],
    AutomaticFailover: "enabled",
    ClusterEnabled: false,
    CacheNodeType: "cache.t4g.small",
    AuthTokenEnabled: false,
    AuthTokenLastModifiedDate: new Date("2024-01-15T08:00:00Z"),
    TransitEncryptionEnabled: true,
    TransitEncryptionMode: "required",
    AtRestEncryptionEnabled: true,
    ARN: `arn:aws:elasticache:${region}:${opts.account ?? ACCOUNT}:replicationgroup:${id}`,
    UserGroupIds: opts.userGroupIds ?? [],
    LogDeliveryConfigurations: [],
    ReplicationGroupCreateTime: new Date("2023-06-01T12:00:00Z"),
    Engine: "redis",
  };
}

export function cacheCluster(
  id: string,
  opts: { account?: string; region?: string; replicationGroupId?: string; engine?: string; groups?: string[]; subnetGroup?: string } = {},
): CacheCluster {
  const region = opts.region ?? "eu-west-1";
  const port = opts.engine === "memcached" ? 11211 : 6379;
  return {
    CacheClusterId: id,
    CacheNodeType: "cache.t4g.small",
    Engine: opts.engine ?? "redis",
    EngineVersion: "7.1",
    CacheClusterStatus: "available",
    NumCacheNodes: 1,
    CacheClusterCreateTime: new Date("2023-06-01T12:00:00Z"),
    CacheNodes: [
      {
        CacheNodeId: "0001",
        CacheNodeStatus: "available",
        Endpoint: { Address: `${id}.abcdef.0001.euw1.cache.amazonaws.com`, Port: port },
      },
    ],
    SecurityGroups: (opts.groups ?? ["sg-0a1b2c3d4e5f60003"]).map((SecurityGroupId) => ({ SecurityGroupId, Status: "active" })),
    ARN: `arn:aws:elasticache:${region}:${opts.account ?? ACCOUNT}:cluster:${id}`,
    TransitEncryptionEnabled: true,
    AtRestEncryptionEnabled: true,
    AuthTokenEnabled: false,
    ...(opts.subnetGroup ? { CacheSubnetGroupName: opts.subnetGroup } : {}),
    ...(opts.replicationGroupId ? { ReplicationGroupId: opts.replicationGroupId } : {}),
  };
}

export function serverlessCache(
  name: string,
  opts: { account?: string; region?: string; engine?: string; userGroupId?: string; subnetIds?: string[] } = {},
): ServerlessCache {
  const region = opts.region ?? "eu-west-1";
  return {
    ServerlessCacheName: name,
    Status: "available",
    Engine: opts.engine ?? "valkey",
    MajorEngineVersion: "8",
    CreateTime: new Date("2024-09-09T09:09:09Z"),
    Endpoint: { Address: `${name}-abcdef.serverless.euw1.cache.amazonaws.com`, Port: 6379 },
    SecurityGroupIds: ["sg-0a1b2c3d4e5f60004"],
    ARN: `arn:aws:elasticache:${region}:${opts.account ?? ACCOUNT}:serverlesscache:${name}`,
    ...(opts.userGroupId ? { UserGroupId: opts.userGroupId } : {}),
    ...(opts.subnetIds ? { SubnetIds: opts.subnetIds } : {}),
  };
}

export function userGroup(id: string, userIds: string[]): UserGroup {
  return {
    UserGroupId: id,
    Status: "active",
    Engine: "redis",
    UserIds: userIds,
    ReplicationGroups: [],
    ARN: `arn:aws:elasticache:eu-west-1:${ACCOUNT}:usergroup:${id}`,
  };
}

export function user(id: string, name: string, type: "password" | "no-password" | "iam", accessString: string): User {
  return {
    UserId: id,
    UserName: name,
    Status: "active",
    Engine: "redis",
    AccessString: accessString,
    UserGroupIds: [],
    Authentication: { Type: type, ...(type === "password" ? { PasswordCount: 1 } : {}) },
    ARN: `arn:aws:elasticache:eu-west-1:${ACCOUNT}:user:${id}`,
  };
}

export function secret(name: string, opts: { account?: string; region?: string; rotated?: string } = {}): DescribeSecretResponse {
  return {
    ARN: `arn:aws:secretsmanager:${opts.region ?? "eu-west-1"}:${opts.account ?? ACCOUNT}:secret:${name}-AbCdEf`,
    Name: name,
    RotationEnabled: true,
    RotationRules: { AutomaticallyAfterDays: 30 },
    CreatedDate: new Date("2024-01-01T00:00:00Z"),
    LastRotatedDate: new Date(opts.rotated ?? "2025-05-01T00:00:00Z"),
    LastChangedDate: new Date(opts.rotated ?? "2025-05-01T00:00:00Z"),
    VersionIdsToStages: { "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111": ["AWSCURRENT"] },
  };
}

export function subnet(id: string, opts: { vpcId?: string; cidr?: string; public?: boolean } = {}): Subnet {
  return {
    AvailabilityZone: "eu-west-1a",
    AvailabilityZoneId: "euw1-az1",
    AvailableIpAddressCount: 250,
    CidrBlock: opts.cidr ?? "10.20.1.0/24",
    DefaultForAz: false,
    MapPublicIpOnLaunch: opts.public ?? false,
    State: "available",
    SubnetId: id,
    VpcId: opts.vpcId ?? "vpc-0a1b2c3d4e5f60001",
    OwnerId: ACCOUNT,
    AssignIpv6AddressOnCreation: false,
    Ipv6CidrBlockAssociationSet: [],
    SubnetArn: `arn:aws:ec2:eu-west-1:${ACCOUNT}:subnet/${id}`,
  };
}

export function routeTable(id: string, opts: { vpcId?: string; main?: boolean; subnets?: string[]; routes?: Route[] } = {}): RouteTable {
  return {
    RouteTableId: id,
    VpcId: opts.vpcId ?? "vpc-0a1b2c3d4e5f60001",
    OwnerId: ACCOUNT,
    Associations: [
      ...(opts.main
        ? [
            {
              Main: true,
              RouteTableAssociationId: `rtbassoc-main-${id}`,
              RouteTableId: id,
              AssociationState: { State: "associated" as const },
            },
          ]
        : []),
      ...(opts.subnets ?? []).map((SubnetId) => ({
        Main: false,
        RouteTableAssociationId: `rtbassoc-${SubnetId}`,
        RouteTableId: id,
        SubnetId,
        AssociationState: { State: "associated" as const },
      })),
    ],
    PropagatingVgws: [],
    Routes: [
      { DestinationCidrBlock: "10.20.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active" },
      ...(opts.routes ?? []),
    ],
    Tags: [],
  };
}

export function networkAcl(id: string, subnets: string[], entries: NetworkAclEntry[], opts: { vpcId?: string } = {}): NetworkAcl {
  return {
    NetworkAclId: id,
    VpcId: opts.vpcId ?? "vpc-0a1b2c3d4e5f60001",
    OwnerId: ACCOUNT,
    IsDefault: false,
    Associations: subnets.map((SubnetId) => ({ NetworkAclAssociationId: `aclassoc-${SubnetId}`, NetworkAclId: id, SubnetId })),
    Entries: [
      ...entries,
      { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: false, CidrBlock: "0.0.0.0/0" },
      { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: true, CidrBlock: "0.0.0.0/0" },
    ],
    Tags: [],
  };
}

export function cacheSubnetGroup(name: string, subnets: string[], opts: { vpcId?: string } = {}): CacheSubnetGroup {
  return {
    CacheSubnetGroupName: name,
    CacheSubnetGroupDescription: "queue caches",
    VpcId: opts.vpcId ?? "vpc-0a1b2c3d4e5f60001",
    Subnets: subnets.map((SubnetIdentifier) => ({
      SubnetIdentifier,
      SubnetAvailabilityZone: { Name: "eu-west-1a" },
      SupportedNetworkTypes: ["ipv4"],
    })),
    ARN: `arn:aws:elasticache:eu-west-1:${ACCOUNT}:subnetgroup:${name}`,
    SupportedNetworkTypes: ["ipv4"],
  };
}
