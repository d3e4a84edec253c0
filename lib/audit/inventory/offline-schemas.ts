/**
 * Shapes of the AWS CLI JSON exports an offline inventory is made of. Light on purpose:
 * the top-level key, that it holds objects, and the types of the fields the checks and
 * scope resolution read. Every object is loose, so fields AWS adds later pass through.
 */
import * as z from "zod";

/**
 * AWS CLI v2 prints timestamps as ISO 8601 strings; CLI v1 (and v2 with
 * `cli_timestamp_format = none`) prints JSON-protocol services' timestamps as epoch
 * seconds. Both are accepted; the inventory always carries the ISO string.
 */
/** Counts epoch conversions, so a reader can keep the original object when nothing was converted. */
export const conversions = { count: 0 };

const timestamp = z.union(
  [
    z.string().refine((s) => !Number.isNaN(Date.parse(s)), { error: "expected an ISO 8601 timestamp" }),
    z.number().transform((seconds) => {
      conversions.count++;
      return new Date(seconds * 1000).toISOString();
    }),
  ],
  { error: "expected an ISO 8601 timestamp" },
);

const str = z.string().optional();
const num = z.number().optional();
const bool = z.boolean().optional();
const strings = z.array(z.string()).optional();
const list = <T extends z.ZodType>(item: T) => z.array(item).optional();

const tag = z.looseObject({ Key: str, Value: str });
const endpoint = z.looseObject({ Address: str, Port: num });

const ipPermission = z.looseObject({
  IpProtocol: str,
  FromPort: num,
  ToPort: num,
  IpRanges: list(z.looseObject({ CidrIp: str, Description: str })),
  Ipv6Ranges: list(z.looseObject({ CidrIpv6: str, Description: str })),
  PrefixListIds: list(z.looseObject({ PrefixListId: str, Description: str })),
  UserIdGroupPairs: list(z.looseObject({ GroupId: str, UserId: str, VpcId: str, PeeringStatus: str, Description: str })),
});

const securityGroup = z.looseObject({
  GroupId: str,
  GroupName: str,
  OwnerId: str,
  VpcId: str,
  SecurityGroupArn: str,
  IpPermissions: list(ipPermission),
  IpPermissionsEgress: list(ipPermission),
  Tags: list(tag),
});

const prefixListEntry = z.looseObject({ Cidr: str, Description: str });

const vpcSecurityGroups = list(z.looseObject({ VpcSecurityGroupId: str, Status: str }));
const masterUserSecret = z.looseObject({ SecretArn: str, SecretStatus: str, KmsKeyId: str }).optional();

const dbInstance = z.looseObject({
  DBInstanceIdentifier: str,
  DBInstanceArn: str,
  Engine: str,
  EngineVersion: str,
  DBClusterIdentifier: str,
  Endpoint: endpoint.optional(),
  DbInstancePort: num,
  PubliclyAccessible: bool,
  StorageEncrypted: bool,
  IAMDatabaseAuthenticationEnabled: bool,
  EnabledCloudwatchLogsExports: strings,
  MasterUserSecret: masterUserSecret,
  VpcSecurityGroups: vpcSecurityGroups,
  DBParameterGroups: list(z.looseObject({ DBParameterGroupName: str, ParameterApplyStatus: str })),
  DBSubnetGroup: z
    .looseObject({
      DBSubnetGroupName: str,
      VpcId: str,
      Subnets: list(z.looseObject({ SubnetIdentifier: str, SubnetAvailabilityZone: z.looseObject({ Name: str }).optional() })),
    })
    .optional(),
  TagList: list(tag),
  InstanceCreateTime: timestamp.optional(),
});

const dbCluster = z.looseObject({
  DBClusterIdentifier: str,
  DBClusterArn: str,
  Engine: str,
  EngineVersion: str,
  Port: num,
  PubliclyAccessible: bool,
  StorageEncrypted: bool,
  IAMDatabaseAuthenticationEnabled: bool,
  EnabledCloudwatchLogsExports: strings,
  MasterUserSecret: masterUserSecret,
  VpcSecurityGroups: vpcSecurityGroups,
  DBClusterParameterGroup: str,
  DBClusterMembers: list(z.looseObject({ DBInstanceIdentifier: str, IsClusterWriter: bool })),
  TagList: list(tag),
  ClusterCreateTime: timestamp.optional(),
});

const parameter = z.looseObject({
  ParameterName: str,
  ParameterValue: str,
  Source: str,
  ApplyType: str,
  DataType: str,
  IsModifiable: bool,
});

const logDelivery = list(z.looseObject({ LogType: str, DestinationType: str, LogFormat: str, Status: str }));

const replicationGroup = z.looseObject({
  ReplicationGroupId: str,
  ARN: str,
  Engine: str,
  Status: str,
  MemberClusters: strings,
  NodeGroups: list(
    z.looseObject({
      NodeGroupId: str,
      PrimaryEndpoint: endpoint.optional(),
      ReaderEndpoint: endpoint.optional(),
      NodeGroupMembers: list(z.looseObject({ CacheClusterId: str, ReadEndpoint: endpoint.optional() })),
    }),
  ),
  ConfigurationEndpoint: endpoint.optional(),
  ClusterEnabled: bool,
  AuthTokenEnabled: bool,
  AuthTokenLastModifiedDate: timestamp.optional(),
  TransitEncryptionEnabled: bool,
  TransitEncryptionMode: str,
  AtRestEncryptionEnabled: bool,
  UserGroupIds: strings,
  LogDeliveryConfigurations: logDelivery,
  ReplicationGroupCreateTime: timestamp.optional(),
});

const cacheCluster = z.looseObject({
  CacheClusterId: str,
  ARN: str,
  ReplicationGroupId: str,
  Engine: str,
  EngineVersion: str,
  CacheNodes: list(z.looseObject({ CacheNodeId: str, Endpoint: endpoint.optional() })),
  ConfigurationEndpoint: endpoint.optional(),
  SecurityGroups: list(z.looseObject({ SecurityGroupId: str, Status: str })),
  CacheSubnetGroupName: str,
  AuthTokenEnabled: bool,
  AuthTokenLastModifiedDate: timestamp.optional(),
  TransitEncryptionEnabled: bool,
  TransitEncryptionMode: str,
  AtRestEncryptionEnabled: bool,
  LogDeliveryConfigurations: logDelivery,
  CacheClusterCreateTime: timestamp.optional(),
});

const serverlessCache = z.looseObject({
  ServerlessCacheName: str,
  ARN: str,
  Engine: str,
  Status: str,
  Endpoint: endpoint.optional(),
  ReaderEndpoint: endpoint.optional(),
  SecurityGroupIds: strings,
  SubnetIds: strings,
  UserGroupId: str,
  KmsKeyId: str,
  CreateTime: timestamp.optional(),
});

const userGroup = z.looseObject({
  UserGroupId: str,
  Engine: str,
  Status: str,
  UserIds: strings,
  ReplicationGroups: strings,
  ServerlessCaches: strings,
});

const user = z.looseObject({
  UserId: str,
  UserName: str,
  Engine: str,
  Status: str,
  AccessString: str,
  UserGroupIds: strings,
  Authentication: z.looseObject({ Type: str, PasswordCount: num }).optional(),
});

const secret = z.looseObject({
  ARN: str,
  Name: str,
  RotationEnabled: bool,
  RotationLambdaARN: str,
  RotationRules: z.looseObject({ AutomaticallyAfterDays: num, ScheduleExpression: str }).optional(),
  LastRotatedDate: timestamp.optional(),
  LastChangedDate: timestamp.optional(),
  LastAccessedDate: timestamp.optional(),
  NextRotationDate: timestamp.optional(),
  CreatedDate: timestamp.optional(),
  DeletedDate: timestamp.optional(),
  Tags: list(tag),
});

const subnet = z.looseObject({
  SubnetId: str,
  VpcId: str,
  CidrBlock: str,
  AvailabilityZone: str,
  MapPublicIpOnLaunch: bool,
  OwnerId: str,
  SubnetArn: str,
  Ipv6CidrBlockAssociationSet: list(z.looseObject({ Ipv6CidrBlock: str, AssociationId: str })),
  Tags: list(tag),
});

const route = z.looseObject({
  DestinationCidrBlock: str,
  DestinationIpv6CidrBlock: str,
  DestinationPrefixListId: str,
  GatewayId: str,
  NatGatewayId: str,
  TransitGatewayId: str,
  VpcPeeringConnectionId: str,
  EgressOnlyInternetGatewayId: str,
  LocalGatewayId: str,
  CarrierGatewayId: str,
  NetworkInterfaceId: str,
  InstanceId: str,
  CoreNetworkArn: str,
  Origin: str,
  State: str,
});

const routeTable = z.looseObject({
  RouteTableId: str,
  VpcId: str,
  OwnerId: str,
  Associations: list(z.looseObject({ Main: bool, RouteTableAssociationId: str, RouteTableId: str, SubnetId: str, GatewayId: str })),
  Routes: list(route),
  Tags: list(tag),
});

const networkAclEntry = z.looseObject({
  RuleNumber: num,
  Protocol: str,
  RuleAction: str,
  Egress: bool,
  CidrBlock: str,
  Ipv6CidrBlock: str,
  PortRange: z.looseObject({ From: num, To: num }).optional(),
});

const networkAcl = z.looseObject({
  NetworkAclId: str,
  VpcId: str,
  IsDefault: bool,
  OwnerId: str,
  Associations: list(z.looseObject({ NetworkAclAssociationId: str, NetworkAclId: str, SubnetId: str })),
  Entries: list(networkAclEntry),
  Tags: list(tag),
});

const cacheSubnetGroup = z.looseObject({
  CacheSubnetGroupName: str,
  VpcId: str,
  ARN: str,
  Subnets: list(z.looseObject({ SubnetIdentifier: str, SubnetAvailabilityZone: z.looseObject({ Name: str }).optional() })),
});

/** An AWS CLI list output: `{"KEY": [ {...}, ... ]}` (the whole object is loose: `NextToken`, `Marker`, … may be there). */
const listOutput = <K extends string, T extends z.ZodType>(key: K, item: T) =>
  z.looseObject({ [key]: z.array(item) } as { [P in K]: z.ZodArray<T> });

export const metaSchema = z.looseObject({
  capturedAt: z.iso.datetime({ offset: true, error: "expected an ISO 8601 date-time such as 2024-05-01T10:00:00Z" }).optional(),
  account: z
    .string()
    .regex(/^\d{12}$/, { error: "expected a 12-digit AWS account id as a string" })
    .optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, { error: "expected an AWS region such as eu-west-1" })
    .optional(),
  /** Start of the period whose log events the `logs-filter-log-events/` files hold. */
  logsSince: z.iso.datetime({ offset: true, error: "expected an ISO 8601 date-time such as 2024-05-01T10:00:00Z" }).optional(),
  /** Written by `snapshot`: parts that failed to collect, with the original cause. */
  notCaptured: z
    .array(
      z.looseObject({
        file: z.string({ error: "expected the file's path inside the partition" }),
        source: z.string({ error: "expected what was not observed" }),
        reason: z.string({ error: "expected why" }),
        code: z.string().optional(),
      }),
      { error: "expected a list of parts that were not captured" },
    )
    .optional(),
});

/** `aws logs filter-log-events --output json`: timestamps are epoch milliseconds (integers). */
const logEvent = z.looseObject({
  logStreamName: str,
  timestamp: z.number({ error: "expected epoch milliseconds" }).optional(),
  message: z.string(),
  ingestionTime: num,
  eventId: str,
});

/** One entry per export: the zod schema, the key holding the data, the CLI command that makes it. */
export const EXPORTS = {
  securityGroups: {
    schema: listOutput("SecurityGroups", securityGroup),
    item: securityGroup,
    key: "SecurityGroups",
    command: "aws ec2 describe-security-groups",
  },
  prefixListEntries: {
    schema: listOutput("Entries", prefixListEntry),
    item: prefixListEntry,
    key: "Entries",
    command: "aws ec2 get-managed-prefix-list-entries",
  },
  dbInstances: {
    schema: listOutput("DBInstances", dbInstance),
    item: dbInstance,
    key: "DBInstances",
    command: "aws rds describe-db-instances",
  },
  dbClusters: { schema: listOutput("DBClusters", dbCluster), item: dbCluster, key: "DBClusters", command: "aws rds describe-db-clusters" },
  dbParameters: {
    schema: listOutput("Parameters", parameter),
    item: parameter,
    key: "Parameters",
    command: "aws rds describe-db-parameters",
  },
  dbClusterParameters: {
    schema: listOutput("Parameters", parameter),
    item: parameter,
    key: "Parameters",
    command: "aws rds describe-db-cluster-parameters",
  },
  replicationGroups: {
    schema: listOutput("ReplicationGroups", replicationGroup),
    item: replicationGroup,
    key: "ReplicationGroups",
    command: "aws elasticache describe-replication-groups",
  },
  cacheClusters: {
    schema: listOutput("CacheClusters", cacheCluster),
    item: cacheCluster,
    key: "CacheClusters",
    command: "aws elasticache describe-cache-clusters --show-cache-node-info",
  },
  serverlessCaches: {
    schema: listOutput("ServerlessCaches", serverlessCache),
    item: serverlessCache,
    key: "ServerlessCaches",
    command: "aws elasticache describe-serverless-caches",
  },
  userGroups: {
    schema: listOutput("UserGroups", userGroup),
    item: userGroup,
    key: "UserGroups",
    command: "aws elasticache describe-user-groups",
  },
  users: { schema: listOutput("Users", user), item: user, key: "Users", command: "aws elasticache describe-users" },
  cacheTags: { schema: listOutput("TagList", tag), item: tag, key: "TagList", command: "aws elasticache list-tags-for-resource" },
  secrets: { schema: secret, item: undefined, key: undefined, command: "aws secretsmanager describe-secret" },
  subnets: { schema: listOutput("Subnets", subnet), item: subnet, key: "Subnets", command: "aws ec2 describe-subnets" },
  routeTables: {
    schema: listOutput("RouteTables", routeTable),
    item: routeTable,
    key: "RouteTables",
    command: "aws ec2 describe-route-tables",
  },
  networkAcls: {
    schema: listOutput("NetworkAcls", networkAcl),
    item: networkAcl,
    key: "NetworkAcls",
    command: "aws ec2 describe-network-acls",
  },
  cacheSubnetGroups: {
    schema: listOutput("CacheSubnetGroups", cacheSubnetGroup),
    item: cacheSubnetGroup,
    key: "CacheSubnetGroups",
    command: "aws elasticache describe-cache-subnet-groups",
  },
  logEvents: { schema: listOutput("events", logEvent), item: logEvent, key: "events", command: "aws logs filter-log-events" },
} as const;

export type ExportName = keyof typeof EXPORTS;
