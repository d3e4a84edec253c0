/** ElastiCache in scope: replication groups (with their member clusters), cache clusters and serverless caches, Redis OSS and Valkey. */
import type { Config } from "../config/schema.js";
import {
  type InventoryPartition,
  type Observed,
  observedEntry,
  refOf,
  sourceOf,
  type WireCacheCluster,
  type WireReplicationGroup,
  type WireServerlessCache,
} from "../inventory/types.js";
import type { ObservationError } from "../model/observation.js";
import type { ResourceRef } from "../model/resource.js";
import { gap, hasTag, positivePorts, type Resolution, ref, sourceResource, uniq } from "./resolution.js";
import type { Backend } from "./types.js";

function cacheClusterGroups(cluster: WireCacheCluster): string[] {
  return (cluster.SecurityGroups ?? []).flatMap((g) => (g.SecurityGroupId ? [g.SecurityGroupId] : []));
}

function cacheClusterPorts(cluster: WireCacheCluster): (number | undefined)[] {
  return [...(cluster.CacheNodes ?? []).map((n) => n.Endpoint?.Port), cluster.ConfigurationEndpoint?.Port];
}

function replicationGroupBackend(
  partition: InventoryPartition,
  group: WireReplicationGroup,
  clusters: Observed<WireCacheCluster[]>,
): Backend {
  const id = group.ReplicationGroupId ?? "(unnamed)";
  const memberIds = new Set(group.MemberClusters ?? []);
  const members = clusters.ok ? clusters.value.filter((c) => c.ReplicationGroupId === id || memberIds.has(c.CacheClusterId ?? "")) : [];
  const ports = positivePorts([
    group.ConfigurationEndpoint?.Port,
    ...(group.NodeGroups ?? []).flatMap((ng) => [ng.PrimaryEndpoint?.Port, ng.ReaderEndpoint?.Port]),
    ...members.flatMap(cacheClusterPorts),
  ]);
  // A member the export does not hold guards the group too: its security groups are unknown, not absent.
  const missingMembers = [...memberIds].filter((m) => !members.some((c) => c.CacheClusterId === m));
  let securityGroupIds: Observed<string[]>;
  if (!clusters.ok) securityGroupIds = clusters;
  else if (missingMembers.length > 0 || members.length === 0) {
    securityGroupIds = {
      ok: false,
      error: {
        source: sourceOf(partition, "cacheClusters"),
        ...(refOf(partition, "cacheClusters") ? { ref: refOf(partition, "cacheClusters") } : {}),
        reason:
          members.length === 0
            ? `no member cluster of ${id} is in the cache clusters export`
            : `member cluster${missingMembers.length > 1 ? "s" : ""} ${missingMembers.join(", ")} of ${id} ${missingMembers.length > 1 ? "are" : "is"} not in the cache clusters export`,
        code: "NotCaptured",
        account: partition.account,
        region: partition.region,
      },
    };
  } else securityGroupIds = { ok: true, value: uniq(members.flatMap(cacheClusterGroups)) };
  return {
    kind: "replication-group",
    replicationGroup: group,
    memberClusters: members,
    resource: ref("replication-group", id, partition, group.ARN),
    partition,
    ports,
    securityGroupIds,
    selectedBy: [],
  };
}

function cacheClusterBackend(partition: InventoryPartition, cluster: WireCacheCluster): Backend {
  const id = cluster.CacheClusterId ?? "(unnamed)";
  return {
    kind: "cache-cluster",
    cacheCluster: cluster,
    resource: ref("cache-cluster", id, partition, cluster.ARN),
    partition,
    ports: positivePorts(cacheClusterPorts(cluster)),
    securityGroupIds: { ok: true, value: uniq(cacheClusterGroups(cluster)) },
    selectedBy: [],
  };
}

function serverlessBackend(partition: InventoryPartition, cache: WireServerlessCache): Backend {
  const id = cache.ServerlessCacheName ?? "(unnamed)";
  return {
    kind: "serverless-cache",
    serverlessCache: cache,
    resource: ref("serverless-cache", id, partition, cache.ARN),
    partition,
    ports: positivePorts([cache.Endpoint?.Port, cache.ReaderEndpoint?.Port]),
    securityGroupIds: { ok: true, value: uniq(cache.SecurityGroupIds ?? []) },
    selectedBy: [],
  };
}

const isRedisLike = (engine: string | undefined) => engine === undefined || /^(redis|valkey)$/i.test(engine);

export function resolveElastiCache(config: Config, partition: InventoryPartition, res: Resolution): void {
  const out = res.backends;
  const wanted = new Set(config.targets.elasticache);
  const tag = config.targets.tag;
  if (wanted.size === 0 && !tag) return;
  const tagReason = tag ? `tag ${tag.key}=${tag.value}` : "";
  const { replicationGroups, cacheClusters, serverlessCaches } = partition;
  for (const observed of [replicationGroups, cacheClusters, serverlessCaches]) {
    if (observed.ok) continue;
    for (const id of wanted) if (!res.unknown.has(`cache:${id}`)) res.unknown.set(`cache:${id}`, observed.error);
    if (tag) {
      res.gaps.push(
        gap(
          sourceResource(partition),
          observed.error.source,
          `Cannot tell which ElastiCache resources carry tag ${tag.key}=${tag.value}: ${observed.error.reason}.`,
          observed.error,
        ),
      );
    }
  }

  /** Whether a cache carries the selection tag; a missing tags export is an ERROR, not a "no". */
  const tagged = (id: string, resource: ResourceRef): boolean => {
    if (!tag) return false;
    const tags = observedEntry(partition, "cacheTags", id);
    if (!tags.ok) {
      res.gaps.push(
        gap(
          resource,
          tags.error.source,
          `Cannot tell whether ${id} carries tag ${tag.key}=${tag.value}: ${tags.error.reason}.`,
          tags.error,
        ),
      );
      return false;
    }
    return hasTag(tags.value, tag.key, tag.value);
  };

  const unsupported = (id: string, resource: ResourceRef, engine: string | undefined) => {
    res.gaps.push(
      gap(resource, id, `${id} runs ${engine}, which the cache checks do not cover (Redis OSS and Valkey only).`, {
        source: id,
        reason: `engine ${engine} is not supported`,
        code: "UnsupportedEngine",
        account: partition.account,
        region: partition.region,
      }),
    );
  };

  const groups = replicationGroups.ok ? replicationGroups.value : [];
  const clusters = cacheClusters.ok ? cacheClusters.value : [];
  const groupById = new Map(groups.map((g) => [g.ReplicationGroupId ?? "", g]));
  for (const group of groups) {
    const id = group.ReplicationGroupId ?? "";
    const reasons: string[] = [];
    if (wanted.has(id)) {
      res.found.add(`cache:${id}`);
      reasons.push("id");
    }
    if (tag && tagged(id, ref("replication-group", id, partition, group.ARN))) reasons.push(tagReason);
    for (const reason of reasons) out.add(replicationGroupBackend(partition, group, cacheClusters), reason);
  }
  for (const cluster of clusters) {
    const id = cluster.CacheClusterId ?? "";
    const parent = cluster.ReplicationGroupId ? groupById.get(cluster.ReplicationGroupId) : undefined;
    if (cluster.ReplicationGroupId) {
      // A member node is audited through its replication group, which holds its settings.
      if (wanted.has(id)) {
        if (parent) {
          res.found.add(`cache:${id}`);
          out.add(replicationGroupBackend(partition, parent, cacheClusters), `group of member ${id}`);
        } else if (!replicationGroups.ok) {
          res.unknown.set(`cache:${id}`, replicationGroups.error);
        } else {
          res.found.add(`cache:${id}`);
          const cause: ObservationError = {
            source: sourceOf(partition, "replicationGroups"),
            ...(refOf(partition, "replicationGroups") ? { ref: refOf(partition, "replicationGroups") } : {}),
            reason: `replication group ${cluster.ReplicationGroupId} of cache cluster ${id} is not in the replication groups export`,
            code: "ParentNotFound",
            account: partition.account,
            region: partition.region,
          };
          res.gaps.push(
            gap(
              ref("cache-cluster", id, partition, cluster.ARN),
              cause.source,
              `${id} is a member of ${cluster.ReplicationGroupId}, whose settings were not observed.`,
              cause,
            ),
          );
        }
      }
      continue;
    }
    const resource = ref("cache-cluster", id, partition, cluster.ARN);
    const reasons: string[] = [];
    if (wanted.has(id)) {
      res.found.add(`cache:${id}`);
      reasons.push("id");
    }
    if (tag && isRedisLike(cluster.Engine) && tagged(id, resource)) reasons.push(tagReason);
    if (reasons.length === 0) continue;
    if (!isRedisLike(cluster.Engine)) {
      unsupported(id, resource, cluster.Engine);
      continue;
    }
    for (const reason of reasons) out.add(cacheClusterBackend(partition, cluster), reason);
  }
  for (const cache of serverlessCaches.ok ? serverlessCaches.value : []) {
    const id = cache.ServerlessCacheName ?? "";
    const resource = ref("serverless-cache", id, partition, cache.ARN);
    const reasons: string[] = [];
    if (wanted.has(id)) {
      res.found.add(`cache:${id}`);
      reasons.push("id");
    }
    if (tag && isRedisLike(cache.Engine) && tagged(id, resource)) reasons.push(tagReason);
    if (reasons.length === 0) continue;
    if (!isRedisLike(cache.Engine)) {
      unsupported(id, resource, cache.Engine);
      continue;
    }
    for (const reason of reasons) out.add(serverlessBackend(partition, cache), reason);
  }
}
