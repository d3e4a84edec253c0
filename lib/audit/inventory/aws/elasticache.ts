/**
 * ElastiCache: replication groups, cache clusters and serverless caches (discovery), their
 * tags only for tag selection, then RBAC user groups and users only when an in-scope cache
 * uses RBAC.
 */
import {
  ListTagsForResourceCommand,
  paginateDescribeCacheClusters,
  paginateDescribeReplicationGroups,
  paginateDescribeServerlessCaches,
  paginateDescribeUserGroups,
  paginateDescribeUsers,
} from "@aws-sdk/client-elasticache";
import type { InventoryPartition, WireCacheTag } from "../types.js";
import { attempt, type CollectContext, keyed, notCollected, PAGE_SIZE } from "./collector.js";
import type { PartitionNeeds } from "./needs.js";
import { paginate } from "./paginate.js";
import { toWire } from "./wire.js";

const NOT_SELECTED = "the config selects no ElastiCache resources (targets.elasticache, targets.tag)";

type Discovered = Pick<InventoryPartition, "replicationGroups" | "cacheClusters" | "serverlessCaches" | "cacheTags">;

export async function discoverElastiCache(ctx: CollectContext): Promise<Discovered> {
  const { config, clients, limit } = ctx;
  const tag = config.targets.tag;
  if (config.targets.elasticache.length === 0 && tag === undefined) {
    return {
      replicationGroups: notCollected(ctx, "replicationGroups", NOT_SELECTED),
      cacheClusters: notCollected(ctx, "cacheClusters", NOT_SELECTED),
      serverlessCaches: notCollected(ctx, "serverlessCaches", NOT_SELECTED),
      cacheTags: {},
    };
  }
  const client = clients.elasticache;
  const [replicationGroups, cacheClusters, serverlessCaches] = await Promise.all([
    attempt(ctx, "replicationGroups", undefined, async () =>
      toWire(
        await paginate(limit, {
          paginator: paginateDescribeReplicationGroups,
          client,
          pageSize: PAGE_SIZE.elasticache,
          input: {},
          items: (p) => p.ReplicationGroups,
        }),
      ),
    ),
    attempt(ctx, "cacheClusters", undefined, async () =>
      toWire(
        await paginate(limit, {
          paginator: paginateDescribeCacheClusters,
          client,
          pageSize: PAGE_SIZE.elasticache,
          // Node endpoints (ports) and member clusters' security groups come only with ShowCacheNodeInfo.
          input: { ShowCacheNodeInfo: true },
          items: (p) => p.CacheClusters,
        }),
      ),
    ),
    attempt(ctx, "serverlessCaches", undefined, async () =>
      toWire(
        await paginate(limit, {
          paginator: paginateDescribeServerlessCaches,
          client,
          pageSize: PAGE_SIZE.serverlessCaches,
          input: {},
          items: (p) => p.ServerlessCaches,
        }),
      ),
    ),
  ]);

  // Tags only for tag selection, only of the caches scope resolution asks about (Redis/Valkey).
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
  const cacheTags = await keyed<WireCacheTag[]>(ctx, "cacheTags", [...arnOf.keys()], (id) =>
    limit(async () => toWire((await client.send(new ListTagsForResourceCommand({ ResourceName: arnOf.get(id) }))).TagList ?? [])),
  );
  return { replicationGroups, cacheClusters, serverlessCaches, cacheTags };
}

/** The in-scope caches' user groups, and the users that are members of them. */
export async function collectRbac(ctx: CollectContext, needs: PartitionNeeds): Promise<Pick<InventoryPartition, "userGroups" | "users">> {
  // No in-scope cache uses RBAC: nothing to look up, and an empty list is the truth about what is needed.
  if (needs.userGroupIds.length === 0) return { userGroups: { ok: true, value: [] }, users: { ok: true, value: [] } };
  const { clients, limit } = ctx;
  const wanted = new Set(needs.userGroupIds);
  const [groups, allUsers] = await Promise.all([
    attempt(ctx, "userGroups", undefined, async () =>
      toWire(
        await paginate(limit, {
          paginator: paginateDescribeUserGroups,
          client: clients.elasticache,
          pageSize: PAGE_SIZE.elasticache,
          input: {},
          items: (p) => p.UserGroups,
        }),
      ).filter((g) => wanted.has(g.UserGroupId ?? "")),
    ),
    attempt(ctx, "users", undefined, async () =>
      toWire(
        await paginate(limit, {
          paginator: paginateDescribeUsers,
          client: clients.elasticache,
          pageSize: PAGE_SIZE.elasticache,
          input: {},
          items: (p) => p.Users,
        }),
      ),
    ),
  ]);
  if (!groups.ok)
    return { userGroups: groups, users: allUsers.ok ? notCollected(ctx, "users", "the user groups could not be described") : allUsers };
  if (!allUsers.ok) return { userGroups: groups, users: allUsers };
  const members = new Set(groups.value.flatMap((g) => g.UserIds ?? []));
  return { userGroups: groups, users: { ok: true, value: allUsers.value.filter((u) => members.has(u.UserId ?? "")) } };
}
