/**
 * What a partition's audit needs beyond the discovery lists, derived from scope resolution
 * on those lists: in-scope security groups, parameter groups, RBAC user groups, and the
 * secrets the config names. Collecting only these keeps calls proportional to the scope.
 */
import type { Config } from "../../config/schema.js";
import type { Backend } from "../../scope/index.js";
import { resolveScope } from "../../scope/index.js";
import { cacheSubnetGroupNamesOf, directSubnetIdsOf } from "../../scope/subnets.js";
import { rdsPostgresLogGroup } from "../logs/types.js";
import type { InventoryPartition, WireSecurityGroup } from "../types.js";

export interface PartitionNeeds {
  securityGroupIds: string[];
  dbParameterGroups: string[];
  dbClusterParameterGroups: string[];
  userGroupIds: string[];
  /** Subnets the backends' own records name (RDS subnet groups, serverless caches). */
  subnetIds: string[];
  /** Cache subnet groups of in-scope caches: their subnets come from DescribeCacheSubnetGroups. */
  cacheSubnetGroups: string[];
  /** CloudWatch Logs groups of the in-scope PostgreSQL instances and clusters (their `postgresql` export). */
  postgresLogGroups: string[];
}

const uniqSorted = (values: Iterable<string>) => [...new Set(values)].filter((v) => v !== "").sort();

export function needsOf(config: Config, partition: InventoryPartition): PartitionNeeds {
  const scope = resolveScope(config, { partitions: [partition] });
  const dbParameterGroups: string[] = [];
  const dbClusterParameterGroups: string[] = [];
  const userGroupIds: string[] = [];
  const subnetIds: string[] = [];
  const cacheSubnetGroups: string[] = [];
  const postgresLogGroups: string[] = [];
  for (const b of scope.backends) {
    subnetIds.push(...directSubnetIdsOf(b));
    cacheSubnetGroups.push(...cacheSubnetGroupNamesOf(b));
    if (b.kind === "rds-instance") for (const g of b.instance.DBParameterGroups ?? []) dbParameterGroups.push(g.DBParameterGroupName ?? "");
    else if (b.kind === "rds-cluster") dbClusterParameterGroups.push(b.cluster.DBClusterParameterGroup ?? "");
    else if (b.kind === "replication-group") userGroupIds.push(...(b.replicationGroup.UserGroupIds ?? []));
    else if (b.kind === "serverless-cache" && b.serverlessCache.UserGroupId) userGroupIds.push(b.serverlessCache.UserGroupId);
    const group = postgresLogGroupOf(b);
    if (group) postgresLogGroups.push(group);
  }
  return {
    securityGroupIds: uniqSorted(scope.securityGroups.map((g) => g.groupId)),
    dbParameterGroups: uniqSorted(dbParameterGroups),
    dbClusterParameterGroups: uniqSorted(dbClusterParameterGroups),
    userGroupIds: uniqSorted(userGroupIds),
    subnetIds: uniqSorted(subnetIds),
    cacheSubnetGroups: uniqSorted(cacheSubnetGroups),
    postgresLogGroups: uniqSorted(postgresLogGroups),
  };
}

/** Prefix lists that in-scope groups' ingress rules reference (the network checks expand only these). */
export function prefixListIdsOf(groups: readonly WireSecurityGroup[]): string[] {
  return uniqSorted(
    groups.flatMap((g) => (g.IpPermissions ?? []).flatMap((p) => (p.PrefixListIds ?? []).map((l) => l.PrefixListId ?? ""))),
  );
}

export interface SecretToDescribe {
  /** The key in the partition: the secret's name (an ARN's name without its random suffix). */
  name: string;
  /** What DescribeSecret is called with: the name or the full ARN. */
  secretId: string;
  account?: string;
  region?: string;
}

/** Mirrors the credentials check: credentials.secrets plus every secret a probe reads its password from. */
export function secretsOf(config: Config): SecretToDescribe[] {
  const refs = [
    ...config.credentials.secrets,
    ...config.postgres.flatMap((t) => ("secret" in t.connection.password ? [t.connection.password.secret] : [])),
    ...config.mysql.flatMap((t) => ("secret" in t.connection.password ? [t.connection.password.secret] : [])),
    ...config.redis.flatMap((t) => (t.credentials && "secret" in t.credentials.password ? [t.credentials.password.secret] : [])),
  ];
  const byId = new Map<string, SecretToDescribe>();
  for (const ref of refs) {
    const match = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/.exec(ref);
    if (!match) {
      byId.set(ref, { name: ref, secretId: ref });
      continue;
    }
    const [, region = "", account = "", full = ""] = match;
    // Secrets Manager appends '-' and six random characters to the name in ARNs.
    const name = /-[A-Za-z0-9]{6}$/.test(full) ? full.slice(0, -7) : full;
    byId.set(ref, { name, secretId: ref, account, region });
  }
  return [...byId.values()];
}

const POSTGRES_ENGINES = new Set(["postgres", "aurora-postgresql"]);

/**
 * The log group holding a backend's PostgreSQL log: a stand-alone instance's own, a cluster's
 * (Aurora writes one stream per member into the cluster's group). Undefined: not PostgreSQL,
 * or a cluster member (its cluster's group is read).
 */
export function postgresLogGroupOf(b: Backend): string | undefined {
  if (b.kind === "rds-instance" && !b.instance.DBClusterIdentifier && POSTGRES_ENGINES.has((b.instance.Engine ?? "").toLowerCase())) {
    return rdsPostgresLogGroup("instance", b.resource.id);
  }
  if (b.kind === "rds-cluster" && POSTGRES_ENGINES.has((b.cluster.Engine ?? "").toLowerCase())) {
    return rdsPostgresLogGroup("cluster", b.resource.id);
  }
  return undefined;
}
