/**
 * Collects one account × region. Discovery lists first (RDS, ElastiCache), then scope
 * resolution on them decides what else is worth a call: the in-scope security groups, one
 * parameter series per distinct parameter group, prefix lists once each, RBAC users only
 * when an in-scope cache uses RBAC, tags only for tag selection. Every part is collected
 * on its own, so one failing call leaves the rest of the partition intact.
 */
import { paginateDescribeSecurityGroups, paginateGetManagedPrefixListEntries, type SecurityGroup } from "@aws-sdk/client-ec2";
import {
  ListTagsForResourceCommand,
  paginateDescribeCacheClusters,
  paginateDescribeReplicationGroups,
  paginateDescribeServerlessCaches,
  paginateDescribeUserGroups,
  paginateDescribeUsers,
} from "@aws-sdk/client-elasticache";
import {
  paginateDescribeDBClusterParameters,
  paginateDescribeDBClusters,
  paginateDescribeDBInstances,
  paginateDescribeDBParameters,
} from "@aws-sdk/client-rds";
import { DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import type { Config } from "../../config/schema.js";
import type { ObservationError } from "../../model/observation.js";
import {
  INVENTORY_CALLS,
  type InventoryPartition,
  type Observed,
  type PartitionField,
  sourceOf,
  type WireCacheTag,
  type WireParameter,
  type WirePrefixListEntry,
  type WireSecret,
  type WireSecurityGroup,
} from "../types.js";
import type { PartitionClients } from "./clients.js";
import { toObservationError } from "./errors.js";
import type { Limit } from "./limit.js";
import { needsOf, prefixListIdsOf, type SecretToDescribe, secretsOf } from "./needs.js";
import { allPages, freshInput } from "./pages.js";
import { toWire } from "./wire.js";

/** Largest page sizes the APIs accept. */
export const PAGE_SIZE = {
  securityGroups: 1000,
  prefixListEntries: 100,
  rds: 100,
  dbParameters: 100,
  elasticache: 100,
  /** DescribeServerlessCaches documents no maximum, only its default of 50: stay on the safe side. */
  serverlessCaches: 50,
} as const;

/** Values per EC2 filter the API accepts in one request. */
export const EC2_FILTER_VALUES_MAX = 200;
/**
 * Up to this many wanted groups, describe them by id (`group-id` filter, 200 per request);
 * beyond it, paging through every group of the region at 1,000 a page takes fewer calls.
 */
export const SG_BY_ID_MAX = 1000;

export interface PartitionJob {
  account: string;
  region: string;
  config: Config;
  clients: PartitionClients;
  limit: Limit;
  capturedAt: string;
}

const LIVE = { kind: "live" } as const;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function secretsFor(config: Config, account: string, region: string): SecretToDescribe[] {
  return secretsOf(config).filter((s) => (!s.account || s.account === account) && (!s.region || s.region === region));
}

export async function collectPartition(job: PartitionJob): Promise<InventoryPartition> {
  const { account, region, config, clients, limit } = job;
  const { ec2, rds, elasticache, secrets } = clients;

  async function attempt<T>(field: PartitionField, key: string | undefined, fn: () => Promise<T>): Promise<Observed<T>> {
    try {
      return { ok: true, value: await fn() };
    } catch (err) {
      return {
        ok: false,
        error: toObservationError(err, { action: INVENTORY_CALLS[field], ...(key === undefined ? {} : { key }), account, region }),
      };
    }
  }
  const notCollected = (field: PartitionField, why: string): Observed<never> => ({
    ok: false,
    error: { source: sourceOf({ origin: LIVE }, field), reason: `not collected: ${why}`, code: "NotCollected", account, region },
  });
  async function keyed<T>(
    field: PartitionField,
    keys: readonly string[],
    fn: (key: string) => Promise<T>,
  ): Promise<Record<string, Observed<T>>> {
    const entries = await Promise.all(keys.map(async (key) => [key, await attempt(field, key, () => fn(key))] as const));
    return Object.fromEntries(entries);
  }

  const tag = config.targets.tag;
  const rdsWanted = config.targets.rds.length > 0 || tag !== undefined;
  const cacheWanted = config.targets.elasticache.length > 0 || tag !== undefined;
  const noRds = "the config selects no RDS resources (targets.rds, targets.tag)";
  const noCache = "the config selects no ElastiCache resources (targets.elasticache, targets.tag)";

  // 1. Discovery lists, and the secrets (which do not depend on scope).
  const [dbInstances, dbClusters, replicationGroups, cacheClusters, serverlessCaches, secretsById] = await Promise.all([
    rdsWanted
      ? attempt("dbInstances", undefined, async () =>
          (
            await allPages(limit, paginateDescribeDBInstances({ client: rds, pageSize: PAGE_SIZE.rds, withCommand: freshInput }, {}))
          ).flatMap((p) => toWire(p.DBInstances ?? [])),
        )
      : notCollected("dbInstances", noRds),
    rdsWanted
      ? attempt("dbClusters", undefined, async () =>
          (
            await allPages(limit, paginateDescribeDBClusters({ client: rds, pageSize: PAGE_SIZE.rds, withCommand: freshInput }, {}))
          ).flatMap((p) => toWire(p.DBClusters ?? [])),
        )
      : notCollected("dbClusters", noRds),
    cacheWanted
      ? attempt("replicationGroups", undefined, async () =>
          (
            await allPages(
              limit,
              paginateDescribeReplicationGroups({ client: elasticache, pageSize: PAGE_SIZE.elasticache, withCommand: freshInput }, {}),
            )
          ).flatMap((p) => toWire(p.ReplicationGroups ?? [])),
        )
      : notCollected("replicationGroups", noCache),
    cacheWanted
      ? attempt("cacheClusters", undefined, async () =>
          (
            await allPages(
              limit,
              // Node endpoints (ports) and member clusters' security groups come only with ShowCacheNodeInfo.
              paginateDescribeCacheClusters(
                { client: elasticache, pageSize: PAGE_SIZE.elasticache, withCommand: freshInput },
                { ShowCacheNodeInfo: true },
              ),
            )
          ).flatMap((p) => toWire(p.CacheClusters ?? [])),
        )
      : notCollected("cacheClusters", noCache),
    cacheWanted
      ? attempt("serverlessCaches", undefined, async () =>
          (
            await allPages(
              limit,
              paginateDescribeServerlessCaches({ client: elasticache, pageSize: PAGE_SIZE.serverlessCaches, withCommand: freshInput }, {}),
            )
          ).flatMap((p) => toWire(p.ServerlessCaches ?? [])),
        )
      : notCollected("serverlessCaches", noCache),
    describeSecrets(secretsFor(config, account, region)),
  ]);

  async function describeSecrets(list: SecretToDescribe[]): Promise<Record<string, Observed<WireSecret>>> {
    const entries = await Promise.all(
      list.map(
        async (s) =>
          [
            s.name,
            await attempt("secrets", s.name, () =>
              limit(async () => toWire(await secrets.send(new DescribeSecretCommand({ SecretId: s.secretId })))),
            ),
          ] as const,
      ),
    );
    return Object.fromEntries(entries);
  }

  // 2. Tags, only for tag selection, only of the caches scope resolution asks about (Redis/Valkey).
  const redisLike = (engine: string | undefined) => engine === undefined || /^(redis|valkey)$/i.test(engine);
  const tagCandidates: { id: string; arn: string }[] = [];
  if (tag) {
    for (const g of replicationGroups.ok ? replicationGroups.value : [])
      if (g.ReplicationGroupId && g.ARN) tagCandidates.push({ id: g.ReplicationGroupId, arn: g.ARN });
    for (const c of cacheClusters.ok ? cacheClusters.value : []) {
      if (c.CacheClusterId && c.ARN && !c.ReplicationGroupId && redisLike(c.Engine))
        tagCandidates.push({ id: c.CacheClusterId, arn: c.ARN });
    }
    for (const s of serverlessCaches.ok ? serverlessCaches.value : [])
      if (s.ServerlessCacheName && s.ARN && redisLike(s.Engine)) tagCandidates.push({ id: s.ServerlessCacheName, arn: s.ARN });
  }
  const arnOf = new Map(tagCandidates.map((c) => [c.id, c.arn]));
  const cacheTags = await keyed<WireCacheTag[]>("cacheTags", [...arnOf.keys()], (id) =>
    limit(async () => toWire((await elasticache.send(new ListTagsForResourceCommand({ ResourceName: arnOf.get(id) }))).TagList ?? [])),
  );

  // 3. Scope on what is known so far decides the rest.
  const partition: InventoryPartition = {
    account,
    region,
    origin: LIVE,
    capturedAt: job.capturedAt,
    securityGroups: { ok: true, value: [] },
    prefixListEntries: {},
    dbInstances,
    dbClusters,
    dbParameters: {},
    dbClusterParameters: {},
    replicationGroups,
    cacheClusters,
    serverlessCaches,
    userGroups: { ok: true, value: [] },
    users: { ok: true, value: [] },
    cacheTags,
    secrets: secretsById,
  };
  const needs = needsOf(config, partition);

  // 4. Everything scope needs, concurrently.
  const describeGroups = async (): Promise<WireSecurityGroup[]> => {
    const ids = needs.securityGroupIds;
    if (ids.length === 0) return [];
    const wanted = new Set(ids);
    let groups: SecurityGroup[];
    if (ids.length <= SG_BY_ID_MAX) {
      // GroupIds cannot be combined with MaxResults; the group-id filter can.
      const pages = await Promise.all(
        chunk(ids, EC2_FILTER_VALUES_MAX).map((values) =>
          allPages(
            limit,
            paginateDescribeSecurityGroups(
              { client: ec2, pageSize: PAGE_SIZE.securityGroups, withCommand: freshInput },
              { Filters: [{ Name: "group-id", Values: values }] },
            ),
          ),
        ),
      );
      groups = pages.flat().flatMap((p) => p.SecurityGroups ?? []);
    } else {
      groups = (
        await allPages(
          limit,
          paginateDescribeSecurityGroups({ client: ec2, pageSize: PAGE_SIZE.securityGroups, withCommand: freshInput }, {}),
        )
      ).flatMap((p) => p.SecurityGroups ?? []);
    }
    return toWire(groups.filter((g) => wanted.has(g.GroupId ?? "")));
  };

  const userGroupsAndUsers = async (): Promise<Pick<InventoryPartition, "userGroups" | "users">> => {
    // No in-scope cache uses RBAC: nothing to look up, and an empty list is the truth about what is needed.
    if (needs.userGroupIds.length === 0) return { userGroups: { ok: true, value: [] }, users: { ok: true, value: [] } };
    const wanted = new Set(needs.userGroupIds);
    const [groups, allUsers] = await Promise.all([
      attempt("userGroups", undefined, async () =>
        (
          await allPages(
            limit,
            paginateDescribeUserGroups({ client: elasticache, pageSize: PAGE_SIZE.elasticache, withCommand: freshInput }, {}),
          )
        )
          .flatMap((p) => toWire(p.UserGroups ?? []))
          .filter((g) => wanted.has(g.UserGroupId ?? "")),
      ),
      attempt("users", undefined, async () =>
        (
          await allPages(
            limit,
            paginateDescribeUsers({ client: elasticache, pageSize: PAGE_SIZE.elasticache, withCommand: freshInput }, {}),
          )
        ).flatMap((p) => toWire(p.Users ?? [])),
      ),
    ]);
    if (!groups.ok)
      return { userGroups: groups, users: allUsers.ok ? notCollected("users", "the user groups could not be described") : allUsers };
    if (!allUsers.ok) return { userGroups: groups, users: allUsers };
    const members = new Set(groups.value.flatMap((g) => g.UserIds ?? []));
    return { userGroups: groups, users: { ok: true, value: allUsers.value.filter((u) => members.has(u.UserId ?? "")) } };
  };

  const [securityGroups, dbParameters, dbClusterParameters, rbac] = await Promise.all([
    attempt("securityGroups", undefined, describeGroups),
    keyed<WireParameter[]>("dbParameters", needs.dbParameterGroups, async (name) =>
      (
        await allPages(
          limit,
          paginateDescribeDBParameters(
            { client: rds, pageSize: PAGE_SIZE.dbParameters, withCommand: freshInput },
            { DBParameterGroupName: name },
          ),
        )
      ).flatMap((p) => toWire(p.Parameters ?? [])),
    ),
    keyed<WireParameter[]>("dbClusterParameters", needs.dbClusterParameterGroups, async (name) =>
      (
        await allPages(
          limit,
          paginateDescribeDBClusterParameters(
            { client: rds, pageSize: PAGE_SIZE.dbParameters, withCommand: freshInput },
            { DBClusterParameterGroupName: name },
          ),
        )
      ).flatMap((p) => toWire(p.Parameters ?? [])),
    ),
    userGroupsAndUsers(),
  ]);

  // 5. Prefix lists the in-scope groups' ingress rules reference, once each.
  const prefixListEntries = await keyed<WirePrefixListEntry[]>(
    "prefixListEntries",
    securityGroups.ok ? prefixListIdsOf(securityGroups.value) : [],
    async (id) =>
      (
        await allPages(
          limit,
          paginateGetManagedPrefixListEntries(
            { client: ec2, pageSize: PAGE_SIZE.prefixListEntries, withCommand: freshInput },
            { PrefixListId: id },
          ),
        )
      ).flatMap((p) => toWire(p.Entries ?? [])),
  );

  return { ...partition, securityGroups, dbParameters, dbClusterParameters, prefixListEntries, ...rbac };
}

/** A partition of an account that could not be reached at all: every part says why. */
export function unreachablePartition(
  config: Config,
  account: string,
  region: string,
  capturedAt: string,
  cause: Omit<ObservationError, "region">,
): InventoryPartition {
  const error: ObservationError = { ...cause, region };
  const failed = { ok: false as const, error };
  return {
    account,
    region,
    origin: LIVE,
    capturedAt,
    securityGroups: failed,
    prefixListEntries: {},
    dbInstances: failed,
    dbClusters: failed,
    dbParameters: {},
    dbClusterParameters: {},
    replicationGroups: failed,
    cacheClusters: failed,
    serverlessCaches: failed,
    userGroups: failed,
    users: failed,
    cacheTags: {},
    // Keyed by the secrets the config names, so the credentials check reports this cause, not a bare gap.
    secrets: Object.fromEntries(secretsFor(config, account, region).map((s) => [s.name, failed])),
  };
}
