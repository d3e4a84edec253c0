/**
 * A fake AWS behind aws-sdk-client-mock: per account × region state, served with the
 * paging, page-size limits and parameter rules the APIs document, so the collector is
 * held to them (an out-of-range MaxRecords fails here as it would against AWS).
 */
import {
  DescribeNetworkAclsCommand,
  DescribeRegionsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  type NetworkAcl,
  type PrefixListEntry,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
} from "@aws-sdk/client-ec2";
import {
  type CacheCluster,
  type CacheSubnetGroup,
  DescribeCacheClustersCommand,
  DescribeCacheSubnetGroupsCommand,
  DescribeReplicationGroupsCommand,
  DescribeServerlessCachesCommand,
  DescribeUserGroupsCommand,
  DescribeUsersCommand,
  ElastiCacheClient,
  ListTagsForResourceCommand,
  type ReplicationGroup,
  type ServerlessCache,
  type Tag,
  type User,
  type UserGroup,
} from "@aws-sdk/client-elasticache";
import {
  type Account,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import {
  type DBCluster,
  type DBInstance,
  DescribeDBClusterParametersCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBParametersCommand,
  type Parameter,
  RDSClient,
} from "@aws-sdk/client-rds";
import { DescribeSecretCommand, type DescribeSecretResponse, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { ACCOUNT } from "./aws-shapes.js";

export const ec2Mock = mockClient(EC2Client);
export const rdsMock = mockClient(RDSClient);
export const cacheMock = mockClient(ElastiCacheClient);
export const secretsMock = mockClient(SecretsManagerClient);
export const stsMock = mockClient(STSClient);
export const orgMock = mockClient(OrganizationsClient);
export const ALL_MOCKS = [ec2Mock, rdsMock, cacheMock, secretsMock, stsMock, orgMock];

export interface RegionState {
  securityGroups: SecurityGroup[];
  prefixLists: Record<string, PrefixListEntry[]>;
  dbInstances: DBInstance[];
  dbClusters: DBCluster[];
  dbParameters: Record<string, Parameter[]>;
  dbClusterParameters: Record<string, Parameter[]>;
  replicationGroups: ReplicationGroup[];
  cacheClusters: CacheCluster[];
  serverlessCaches: ServerlessCache[];
  userGroups: UserGroup[];
  users: User[];
  /** Resource ARN -> tags. */
  tags: Record<string, Tag[]>;
  /** Secret name -> DescribeSecret. */
  secrets: Record<string, DescribeSecretResponse>;
  subnets: Subnet[];
  routeTables: RouteTable[];
  networkAcls: NetworkAcl[];
  cacheSubnetGroups: CacheSubnetGroup[];
}

export interface FakeAws {
  /** `ACCOUNT/REGION` -> what exists there. */
  regions: Record<string, Partial<RegionState>>;
  /** `ACCOUNT/REGION/ACTION` (e.g. `111122223333/us-east-1/ec2:DescribeSecurityGroups`) -> the error that call throws. */
  failures?: Record<string, Error>;
  /** Role ARN -> the account it belongs to; missing: AssumeRole is denied. */
  roles?: Record<string, string>;
  /** An AWS Organization, served to the credentials of its management account (ACCOUNT). */
  organization?: FakeOrganization;
  /** Account -> the regions enabled in it (ec2:DescribeRegions); default: none listed. */
  enabledRegions?: Record<string, string[]>;
  /** Every call takes this long (the bench's stand-in for AWS's latency). */
  latencyMs?: number;
}

export interface FakeOrganization {
  /** Each account with the id of the root or OU it sits directly under. */
  accounts: (Account & { parent: string })[];
  /** OU id -> its parent (a root or another OU). */
  ous: Record<string, string>;
}

export const BASE_CREDENTIALS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

/** The access key AssumeRole hands out for an account (so a call can tell whose credentials it carries). */
export const assumedKeyOf = (account: string) => `ASIA${account}`;

export function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: status } });
}

function page<T>(items: readonly T[], size: number, token: string | undefined): { items: T[]; next?: string } {
  const start = token ? Number(token) : 0;
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { next: String(end) } : {}) };
}

function checkSize(value: number | undefined, min: number, max: number, name: string): number {
  if (value === undefined) return max;
  if (value < min || value > max) throw awsError("InvalidParameterValue", `${name} must be between ${min} and ${max}`);
  return value;
}

type Where = { account: string; region: string; key: string };
type Serve = <I, O>(
  action: string,
  fn: (input: I, s: Partial<RegionState>, w: Where) => O,
) => (input: I, getClient: () => unknown) => Promise<O>;
async function whereOf(getClient: () => { config: { region: unknown; credentials: unknown } }): Promise<Where> {
  const { config } = getClient();
  const region = typeof config.region === "function" ? await (config.region as () => Promise<string>)() : String(config.region);
  const creds = await (config.credentials as () => Promise<{ accessKeyId: string }>)();
  const account = creds.accessKeyId === BASE_CREDENTIALS.accessKeyId ? ACCOUNT : creds.accessKeyId.replace(/^ASIA/, "");
  return { account, region, key: `${account}/${region}` };
}

export function installFakeAws(world: FakeAws): void {
  const state = (w: Where) => world.regions[w.key] ?? {};
  const serve: Serve =
    <I, O>(action: string, fn: (input: I, s: Partial<RegionState>, w: Where) => O) =>
    async (input: I, getClient: () => unknown): Promise<O> => {
      if (world.latencyMs) await new Promise((resolve) => setTimeout(resolve, world.latencyMs));
      const w = await whereOf(getClient as never);
      const failure = world.failures?.[`${w.key}/${action}`];
      if (failure) throw failure;
      return fn(input, state(w), w);
    };

  ec2Mock.on(DescribeSecurityGroupsCommand).callsFake(
    serve(
      "ec2:DescribeSecurityGroups",
      (input: { GroupIds?: string[]; Filters?: { Name: string; Values: string[] }[]; MaxResults?: number; NextToken?: string }, s) => {
        if (input.GroupIds && input.MaxResults !== undefined)
          throw awsError("InvalidParameterCombination", "The parameter groupIds cannot be used with the parameter maxResults");
        const size = checkSize(input.MaxResults, 5, 1000, "MaxResults");
        let groups = s.securityGroups ?? [];
        for (const f of input.Filters ?? []) {
          if (f.Values.length > 200)
            throw awsError("FilterLimitExceeded", "The maximum number of filter values specified on a single call is 200");
          if (f.Name === "group-id") groups = groups.filter((g) => f.Values.includes(g.GroupId ?? ""));
        }
        if (input.GroupIds) groups = groups.filter((g) => input.GroupIds?.includes(g.GroupId ?? ""));
        const p = page(groups, size, input.NextToken);
        return { SecurityGroups: p.items, ...(p.next ? { NextToken: p.next } : {}), $metadata: {} };
      },
    ),
  );
  ec2Mock.on(GetManagedPrefixListEntriesCommand).callsFake(
    serve("ec2:GetManagedPrefixListEntries", (input: { PrefixListId: string; MaxResults?: number; NextToken?: string }, s) => {
      const entries = s.prefixLists?.[input.PrefixListId];
      if (!entries) throw awsError("InvalidPrefixListID.NotFound", `The prefix list ID '${input.PrefixListId}' does not exist`);
      const p = page(entries, checkSize(input.MaxResults, 1, 100, "MaxResults"), input.NextToken);
      return { Entries: p.items, ...(p.next ? { NextToken: p.next } : {}), $metadata: {} };
    }),
  );

  /** EC2's filtered listings: at most 200 values a filter, each filter narrowing by what `match` reads. */
  const ec2Filtered = <T>(
    action: string,
    key: string,
    max: number,
    get: (s: Partial<RegionState>) => T[],
    match: Record<string, (item: T) => string[]>,
  ) =>
    serve(action, (input: { Filters?: { Name: string; Values: string[] }[]; MaxResults?: number; NextToken?: string }, s) => {
      const size = checkSize(input.MaxResults, 5, max, "MaxResults");
      let items = get(s);
      for (const f of input.Filters ?? []) {
        if (f.Values.length > 200)
          throw awsError("FilterLimitExceeded", "The maximum number of filter values specified on a single call is 200");
        const values = match[f.Name];
        if (!values) throw awsError("InvalidParameterValue", `The filter '${f.Name}' is invalid`);
        items = items.filter((item) => values(item).some((v) => f.Values.includes(v)));
      }
      const p = page(items, size, input.NextToken);
      return { [key]: p.items, ...(p.next ? { NextToken: p.next } : {}), $metadata: {} };
    });
  ec2Mock.on(DescribeSubnetsCommand).callsFake(
    ec2Filtered("ec2:DescribeSubnets", "Subnets", 1000, (s) => s.subnets ?? [], {
      "subnet-id": (x: Subnet) => [x.SubnetId ?? ""],
      "vpc-id": (x: Subnet) => [x.VpcId ?? ""],
    }),
  );
  ec2Mock.on(DescribeRouteTablesCommand).callsFake(
    ec2Filtered("ec2:DescribeRouteTables", "RouteTables", 100, (s) => s.routeTables ?? [], {
      "vpc-id": (x: RouteTable) => [x.VpcId ?? ""],
      "association.subnet-id": (x: RouteTable) => (x.Associations ?? []).map((a) => a.SubnetId ?? ""),
    }),
  );
  ec2Mock.on(DescribeNetworkAclsCommand).callsFake(
    ec2Filtered("ec2:DescribeNetworkAcls", "NetworkAcls", 1000, (s) => s.networkAcls ?? [], {
      "vpc-id": (x: NetworkAcl) => [x.VpcId ?? ""],
      "association.subnet-id": (x: NetworkAcl) => (x.Associations ?? []).map((a) => a.SubnetId ?? ""),
    }),
  );

  const rdsList = <T>(action: string, key: string, get: (s: Partial<RegionState>) => T[]) =>
    serve(action, (input: { MaxRecords?: number; Marker?: string }, s) => {
      const p = page(get(s), checkSize(input.MaxRecords, 20, 100, "MaxRecords"), input.Marker);
      return { [key]: p.items, ...(p.next ? { Marker: p.next } : {}), $metadata: {} };
    });
  rdsMock.on(DescribeDBInstancesCommand).callsFake(rdsList("rds:DescribeDBInstances", "DBInstances", (s) => s.dbInstances ?? []));
  rdsMock.on(DescribeDBClustersCommand).callsFake(rdsList("rds:DescribeDBClusters", "DBClusters", (s) => s.dbClusters ?? []));
  rdsMock.on(DescribeDBParametersCommand).callsFake(
    serve("rds:DescribeDBParameters", (input: { DBParameterGroupName: string; MaxRecords?: number; Marker?: string }, s) => {
      const params = s.dbParameters?.[input.DBParameterGroupName];
      if (!params) throw awsError("DBParameterGroupNotFound", `DBParameterGroup not found: ${input.DBParameterGroupName}`, 404);
      const p = page(params, checkSize(input.MaxRecords, 20, 100, "MaxRecords"), input.Marker);
      return { Parameters: p.items, ...(p.next ? { Marker: p.next } : {}), $metadata: {} };
    }),
  );
  rdsMock.on(DescribeDBClusterParametersCommand).callsFake(
    serve("rds:DescribeDBClusterParameters", (input: { DBClusterParameterGroupName: string; MaxRecords?: number; Marker?: string }, s) => {
      const params = s.dbClusterParameters?.[input.DBClusterParameterGroupName];
      if (!params)
        throw awsError("DBParameterGroupNotFound", `DBClusterParameterGroup not found: ${input.DBClusterParameterGroupName}`, 404);
      const p = page(params, checkSize(input.MaxRecords, 20, 100, "MaxRecords"), input.Marker);
      return { Parameters: p.items, ...(p.next ? { Marker: p.next } : {}), $metadata: {} };
    }),
  );

  cacheMock
    .on(DescribeReplicationGroupsCommand)
    .callsFake(rdsList("elasticache:DescribeReplicationGroups", "ReplicationGroups", (s) => s.replicationGroups ?? []));
  cacheMock.on(DescribeCacheClustersCommand).callsFake(
    serve("elasticache:DescribeCacheClusters", (input: { MaxRecords?: number; Marker?: string; ShowCacheNodeInfo?: boolean }, s) => {
      const clusters = (s.cacheClusters ?? []).map((c) => {
        if (input.ShowCacheNodeInfo) return c;
        const { CacheNodes: _, ...rest } = c;
        return rest;
      });
      const p = page(clusters, checkSize(input.MaxRecords, 20, 100, "MaxRecords"), input.Marker);
      return { CacheClusters: p.items, ...(p.next ? { Marker: p.next } : {}), $metadata: {} };
    }),
  );
  cacheMock.on(DescribeServerlessCachesCommand).callsFake(
    serve("elasticache:DescribeServerlessCaches", (input: { MaxResults?: number; NextToken?: string }, s) => {
      const p = page(s.serverlessCaches ?? [], checkSize(input.MaxResults, 1, 50, "MaxResults"), input.NextToken);
      return { ServerlessCaches: p.items, ...(p.next ? { NextToken: p.next } : {}), $metadata: {} };
    }),
  );
  cacheMock.on(DescribeCacheSubnetGroupsCommand).callsFake(
    serve("elasticache:DescribeCacheSubnetGroups", (input: { CacheSubnetGroupName?: string; MaxRecords?: number; Marker?: string }, s) => {
      let groups = s.cacheSubnetGroups ?? [];
      if (input.CacheSubnetGroupName !== undefined) {
        groups = groups.filter((g) => g.CacheSubnetGroupName === input.CacheSubnetGroupName);
        if (groups.length === 0)
          throw awsError("CacheSubnetGroupNotFoundFault", `CacheSubnetGroup ${input.CacheSubnetGroupName} not found.`, 404);
      }
      const p = page(groups, checkSize(input.MaxRecords, 20, 100, "MaxRecords"), input.Marker);
      return { CacheSubnetGroups: p.items, ...(p.next ? { Marker: p.next } : {}), $metadata: {} };
    }),
  );
  cacheMock.on(DescribeUserGroupsCommand).callsFake(rdsList("elasticache:DescribeUserGroups", "UserGroups", (s) => s.userGroups ?? []));
  cacheMock.on(DescribeUsersCommand).callsFake(rdsList("elasticache:DescribeUsers", "Users", (s) => s.users ?? []));
  cacheMock.on(ListTagsForResourceCommand).callsFake(
    serve("elasticache:ListTagsForResource", (input: { ResourceName: string }, s) => ({
      TagList: s.tags?.[input.ResourceName] ?? [],
      $metadata: {},
    })),
  );

  secretsMock.on(DescribeSecretCommand).callsFake(
    serve("secretsmanager:DescribeSecret", (input: { SecretId: string }, s) => {
      const found = Object.values(s.secrets ?? {}).find(
        (x) => x.Name === input.SecretId || x.ARN === input.SecretId || input.SecretId.startsWith(`${x.ARN?.slice(0, -7)}`),
      );
      if (!found) throw awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
      return { ...found, $metadata: {} };
    }),
  );

  stsMock.on(GetCallerIdentityCommand).callsFake(
    serve("sts:GetCallerIdentity", (_input, _s, w) => ({
      Account: w.account,
      Arn: `arn:aws:iam::${w.account}:user/auditor`,
      UserId: "AIDAEXAMPLE",
      $metadata: {},
    })),
  );
  stsMock.on(AssumeRoleCommand).callsFake(
    serve("sts:AssumeRole", (input: { RoleArn: string }) => {
      const account = world.roles?.[input.RoleArn];
      if (!account)
        throw awsError(
          "AccessDenied",
          `User: arn:aws:iam::${ACCOUNT}:user/auditor is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
          403,
        );
      return {
        Credentials: {
          AccessKeyId: assumedKeyOf(account),
          SecretAccessKey: `secret-${account}`,
          SessionToken: `token-${account}`,
          Expiration: new Date(Date.now() + 900_000),
        },
        AssumedRoleUser: {
          AssumedRoleId: "AROAEXAMPLE:queue-auditor",
          Arn: `${input.RoleArn.replace(":role/", ":assumed-role/")}/queue-auditor`,
        },
        $metadata: {},
      };
    }),
  );
  installOrganization(world, serve);
}

function installOrganization(world: FakeAws, serve: Serve): void {
  const org = world.organization;
  const listed = (accounts: (Account & { parent: string })[]) => accounts.map(({ parent: _, ...a }) => a);
  const orgPage = <T>(items: T[], input: { MaxResults?: number; NextToken?: string }, w: Where) => {
    if (!org || w.account !== ACCOUNT)
      throw awsError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.");
    return page(items, checkSize(input.MaxResults, 1, 20, "MaxResults"), input.NextToken);
  };
  orgMock.on(ListAccountsCommand).callsFake(
    serve("organizations:ListAccounts", (input: { MaxResults?: number; NextToken?: string }, _s, w) => {
      const p = orgPage(listed(org?.accounts ?? []), input, w);
      return { Accounts: p.items, ...(p.next ? { NextToken: p.next } : {}), $metadata: {} };
    }),
  );
  orgMock.on(ListAccountsForParentCommand).callsFake(
    serve("organizations:ListAccountsForParent", (input: { ParentId: string; MaxResults?: number; NextToken?: string }, _s, w) => {
      const p = orgPage(listed((org?.accounts ?? []).filter((a) => a.parent === input.ParentId)), input, w);
      return { Accounts: p.items, ...(p.next ? { NextToken: p.next } : {}), $metadata: {} };
    }),
  );
  orgMock.on(ListOrganizationalUnitsForParentCommand).callsFake(
    serve(
      "organizations:ListOrganizationalUnitsForParent",
      (input: { ParentId: string; MaxResults?: number; NextToken?: string }, _s, w) => {
        const children = Object.entries(org?.ous ?? {}).filter(([, parent]) => parent === input.ParentId);
        const p = orgPage(
          children.map(([Id]) => ({ Id, Name: Id, Arn: `arn:aws:organizations::${ACCOUNT}:ou/o-example/${Id}` })),
          input,
          w,
        );
        return { OrganizationalUnits: p.items, ...(p.next ? { NextToken: p.next } : {}), $metadata: {} };
      },
    ),
  );
  ec2Mock.on(DescribeRegionsCommand).callsFake(
    serve("ec2:DescribeRegions", (_input, _s, w) => ({
      Regions: (world.enabledRegions?.[w.account] ?? []).map((RegionName) => ({
        RegionName,
        Endpoint: `ec2.${RegionName}.amazonaws.com`,
        OptInStatus: "opt-in-not-required",
      })),
      $metadata: {},
    })),
  );
}

export function resetFakeAws(): void {
  for (const m of ALL_MOCKS) m.reset();
}
