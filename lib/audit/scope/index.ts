/**
 * Scope resolution: which backends the config names (by id or by tag), the security
 * groups attached to each, and each backend's real endpoint ports. Pure: inventory in,
 * scope out. What could not be resolved becomes an ERROR result, never a silent gap.
 */
import type { Config } from "../config/schema.js";
import type { CheckResult, ObservationError, ResourceRef, ResourceType } from "../findings/model.js";
import {
  type Inventory,
  type InventoryPartition,
  type Observed,
  observedEntry,
  refOf,
  sourceOf,
  type WireCacheCluster,
  type WireDBCluster,
  type WireDBInstance,
  type WireReplicationGroup,
  type WireSecurityGroup,
  type WireServerlessCache,
} from "../inventory/types.js";

export type BackendKind = "rds-instance" | "rds-cluster" | "replication-group" | "cache-cluster" | "serverless-cache";

interface BackendBase {
  resource: ResourceRef;
  partition: InventoryPartition;
  /** The endpoint ports clients connect to. Empty when the inventory does not say (an ERROR for network checks). */
  ports: number[];
  /** Ids of the security groups attached, or why they could not be known. */
  securityGroupIds: Observed<string[]>;
  /** How it came into scope: "id", "tag queue-backend=delayed_job", "member of cluster jobs-aurora", … */
  selectedBy: string[];
}

export type Backend =
  | (BackendBase & { kind: "rds-instance"; instance: WireDBInstance })
  | (BackendBase & { kind: "rds-cluster"; cluster: WireDBCluster })
  | (BackendBase & { kind: "replication-group"; replicationGroup: WireReplicationGroup; memberClusters: WireCacheCluster[] })
  | (BackendBase & { kind: "cache-cluster"; cacheCluster: WireCacheCluster })
  | (BackendBase & { kind: "serverless-cache"; serverlessCache: WireServerlessCache });

/** A backend a security group guards, on one of its ports. */
export interface Guarded {
  backend: Backend;
  ports: number[];
}

export interface ScopedSecurityGroup {
  groupId: string;
  partition: InventoryPartition;
  resource: ResourceRef;
  /** The group as described, or why it could not be. */
  group: Observed<WireSecurityGroup>;
  guards: Guarded[];
}

export interface Scope {
  backends: Backend[];
  securityGroups: ScopedSecurityGroup[];
  /** ERROR results for what scope resolution could not observe (targets not found, files missing). */
  errors: CheckResult[];
}

const RESOURCE_TYPE: Record<BackendKind, ResourceType> = {
  "rds-instance": "AWS::RDS::DBInstance",
  "rds-cluster": "AWS::RDS::DBCluster",
  "replication-group": "AWS::ElastiCache::ReplicationGroup",
  "cache-cluster": "AWS::ElastiCache::CacheCluster",
  "serverless-cache": "AWS::ElastiCache::ServerlessCache",
};

function ref(kind: BackendKind, id: string, partition: InventoryPartition, arn: string | undefined): ResourceRef {
  const out: ResourceRef = { type: RESOURCE_TYPE[kind], id, account: partition.account, region: partition.region };
  if (arn) out.arn = arn;
  return out;
}

function sourceResource(partition: InventoryPartition): ResourceRef {
  return {
    type: "QueueAuditor::Source",
    id: `${partition.account}/${partition.region}`,
    account: partition.account,
    region: partition.region,
  };
}

function scopeError(resource: ResourceRef, subject: string, message: string, cause: ObservationError): CheckResult {
  return { checkId: "audit-error", status: "ERROR", resource, subject, message, evidence: {}, cause };
}

const uniq = <T>(values: Iterable<T>): T[] => [...new Set(values)];
const positivePorts = (ports: (number | undefined)[]): number[] => uniq(ports.filter((p): p is number => typeof p === "number" && p > 0));

function hasTag(tags: { Key?: string; Value?: string }[] | undefined, key: string, value: string): boolean {
  return (tags ?? []).some((t) => t.Key === key && t.Value === value);
}

/** Collects backends per partition; keyed by kind+id so a backend selected twice appears once. */
class BackendSet {
  private readonly byKey = new Map<string, Backend>();
  add(backend: Backend, reason: string): void {
    const key = `${backend.partition.account}/${backend.partition.region}/${backend.kind}/${backend.resource.id}`;
    const existing = this.byKey.get(key);
    if (existing) {
      if (!existing.selectedBy.includes(reason)) existing.selectedBy.push(reason);
      return;
    }
    backend.selectedBy = [reason];
    this.byKey.set(key, backend);
  }
  values(): Backend[] {
    return [...this.byKey.values()];
  }
}

function rdsInstanceBackend(partition: InventoryPartition, instance: WireDBInstance): Backend {
  const id = instance.DBInstanceIdentifier ?? "(unnamed)";
  return {
    kind: "rds-instance",
    instance,
    resource: ref("rds-instance", id, partition, instance.DBInstanceArn),
    partition,
    ports: positivePorts([instance.Endpoint?.Port, instance.DbInstancePort]).slice(0, 1),
    securityGroupIds: {
      ok: true,
      value: uniq((instance.VpcSecurityGroups ?? []).flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : []))),
    },
    selectedBy: [],
  };
}

function rdsClusterBackend(partition: InventoryPartition, cluster: WireDBCluster): Backend {
  const id = cluster.DBClusterIdentifier ?? "(unnamed)";
  return {
    kind: "rds-cluster",
    cluster,
    resource: ref("rds-cluster", id, partition, cluster.DBClusterArn),
    partition,
    ports: positivePorts([cluster.Port]),
    securityGroupIds: {
      ok: true,
      value: uniq((cluster.VpcSecurityGroups ?? []).flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : []))),
    },
    selectedBy: [],
  };
}

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

interface PartitionResolution {
  found: Set<string>;
  /** Targets that could be here but the partition could not tell (a file missing). */
  unknown: Map<string, ObservationError>;
}

function resolveRds(config: Config, partition: InventoryPartition, out: BackendSet, errors: CheckResult[], res: PartitionResolution): void {
  const wanted = new Set(config.targets.rds);
  const tag = config.targets.tag;
  if (wanted.size === 0 && !tag) return;
  const instances = partition.dbInstances;
  const clusters = partition.dbClusters;
  for (const observed of [instances, clusters]) {
    if (observed.ok) continue;
    for (const id of wanted) if (!res.unknown.has(`rds:${id}`)) res.unknown.set(`rds:${id}`, observed.error);
    if (tag) {
      errors.push(
        scopeError(
          sourceResource(partition),
          observed.error.source,
          `Cannot tell which RDS resources carry tag ${tag.key}=${tag.value}: ${observed.error.reason}.`,
          observed.error,
        ),
      );
    }
  }
  const instanceList = instances.ok ? instances.value : [];
  const clusterList = clusters.ok ? clusters.value : [];
  const tagReason = tag ? `tag ${tag.key}=${tag.value}` : "";
  const clusterById = new Map(clusterList.map((c) => [c.DBClusterIdentifier ?? "", c]));

  const addCluster = (cluster: WireDBCluster, reason: string) => {
    out.add(rdsClusterBackend(partition, cluster), reason);
    // An Aurora cluster's public access is decided per member instance, so members come along.
    const memberIds = new Set((cluster.DBClusterMembers ?? []).flatMap((m) => (m.DBInstanceIdentifier ? [m.DBInstanceIdentifier] : [])));
    const found = new Set<string>();
    for (const instance of instanceList) {
      if (memberIds.has(instance.DBInstanceIdentifier ?? "") || instance.DBClusterIdentifier === cluster.DBClusterIdentifier) {
        out.add(rdsInstanceBackend(partition, instance), `member of cluster ${cluster.DBClusterIdentifier}`);
        found.add(instance.DBInstanceIdentifier ?? "");
      }
    }
    // A member that could not be observed may be the public one: never a silent gap.
    for (const memberId of memberIds) {
      if (found.has(memberId)) continue;
      const cause: ObservationError = instances.ok
        ? {
            source: sourceOf(partition, "dbInstances"),
            ...(refOf(partition, "dbInstances") ? { ref: refOf(partition, "dbInstances") } : {}),
            reason: `member instance ${memberId} of cluster ${cluster.DBClusterIdentifier} is not in the DB instances export`,
            code: "NotCaptured",
            account: partition.account,
            region: partition.region,
          }
        : instances.error;
      errors.push(
        scopeError(
          ref("rds-instance", memberId, partition, undefined),
          cause.source,
          `Member instance ${memberId} of cluster ${cluster.DBClusterIdentifier} was not observed, so its public access is unknown: ${cause.reason}.`,
          cause,
        ),
      );
    }
  };

  for (const cluster of clusterList) {
    const id = cluster.DBClusterIdentifier ?? "";
    if (wanted.has(id)) {
      res.found.add(`rds:${id}`);
      addCluster(cluster, "id");
    }
    if (tag && hasTag(cluster.TagList, tag.key, tag.value)) addCluster(cluster, tagReason);
  }
  for (const instance of instanceList) {
    const id = instance.DBInstanceIdentifier ?? "";
    const reasons: string[] = [];
    if (wanted.has(id)) {
      res.found.add(`rds:${id}`);
      reasons.push("id");
    }
    if (tag && hasTag(instance.TagList, tag.key, tag.value)) reasons.push(tagReason);
    for (const reason of reasons) {
      out.add(rdsInstanceBackend(partition, instance), reason);
      // A member instance's storage, TLS and logging settings live on its cluster.
      const cluster = instance.DBClusterIdentifier ? clusterById.get(instance.DBClusterIdentifier) : undefined;
      if (cluster) out.add(rdsClusterBackend(partition, cluster), `cluster of ${id}`);
      else if (instance.DBClusterIdentifier && !clusters.ok) {
        errors.push(
          scopeError(
            ref("rds-instance", id, partition, instance.DBInstanceArn),
            clusters.error.source,
            `Instance ${id} belongs to cluster ${instance.DBClusterIdentifier}, whose settings were not observed: ${clusters.error.reason}.`,
            clusters.error,
          ),
        );
      }
    }
  }
}

function resolveElastiCache(
  config: Config,
  partition: InventoryPartition,
  out: BackendSet,
  errors: CheckResult[],
  res: PartitionResolution,
): void {
  const wanted = new Set(config.targets.elasticache);
  const tag = config.targets.tag;
  if (wanted.size === 0 && !tag) return;
  const tagReason = tag ? `tag ${tag.key}=${tag.value}` : "";
  const { replicationGroups, cacheClusters, serverlessCaches } = partition;
  for (const observed of [replicationGroups, cacheClusters, serverlessCaches]) {
    if (observed.ok) continue;
    for (const id of wanted) if (!res.unknown.has(`cache:${id}`)) res.unknown.set(`cache:${id}`, observed.error);
    if (tag) {
      errors.push(
        scopeError(
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
      errors.push(
        scopeError(
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
    errors.push(
      scopeError(resource, id, `${id} runs ${engine}, which the cache checks do not cover (Redis OSS and Valkey only).`, {
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
          errors.push(
            scopeError(
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

function attachSecurityGroups(backends: Backend[], errors: CheckResult[]): ScopedSecurityGroup[] {
  const groups = new Map<string, ScopedSecurityGroup>();
  const indexes = new Map<InventoryPartition, Map<string, WireSecurityGroup>>();
  const indexOf = (partition: InventoryPartition) => {
    let index = indexes.get(partition);
    if (!index) {
      index = new Map((partition.securityGroups.ok ? partition.securityGroups.value : []).map((g) => [g.GroupId ?? "", g]));
      indexes.set(partition, index);
    }
    return index;
  };
  for (const backend of backends) {
    const { partition } = backend;
    if (!backend.securityGroupIds.ok) {
      const cause = backend.securityGroupIds.error;
      errors.push(
        scopeError(
          backend.resource,
          cause.source,
          `The security groups of ${backend.resource.id} could not be determined: ${cause.reason}.`,
          cause,
        ),
      );
      continue;
    }
    for (const groupId of backend.securityGroupIds.value) {
      const key = `${partition.account}/${partition.region}/${groupId}`;
      let scoped = groups.get(key);
      if (!scoped) {
        const described = indexOf(partition).get(groupId);
        let group: Observed<WireSecurityGroup>;
        if (!partition.securityGroups.ok) group = partition.securityGroups;
        else if (described) group = { ok: true, value: described };
        else {
          group = {
            ok: false,
            error: {
              source: sourceOf(partition, "securityGroups"),
              ...(refOf(partition, "securityGroups") ? { ref: refOf(partition, "securityGroups") } : {}),
              reason: `security group ${groupId} is attached to ${backend.resource.id} but was not described`,
              code: "NotCaptured",
              account: partition.account,
              region: partition.region,
            },
          };
        }
        scoped = {
          groupId,
          partition,
          resource: {
            type: "AWS::EC2::SecurityGroup",
            id: groupId,
            account: partition.account,
            region: partition.region,
            ...(described?.SecurityGroupArn ? { arn: described.SecurityGroupArn } : {}),
          },
          group,
          guards: [],
        };
        groups.set(key, scoped);
      }
      scoped.guards.push({ backend, ports: backend.ports });
    }
  }
  return [...groups.values()];
}

export function resolveScope(config: Config, inventory: Inventory): Scope {
  const errors: CheckResult[] = [];
  const backends = new BackendSet();
  const res: PartitionResolution = { found: new Set(), unknown: new Map() };
  for (const partition of inventory.partitions) {
    resolveRds(config, partition, backends, errors, res);
    resolveElastiCache(config, partition, backends, errors, res);
  }
  const notFound = [
    ...config.targets.rds.map((id) => ({ key: `rds:${id}`, id, kind: "RDS instance or cluster" })),
    ...config.targets.elasticache.map((id) => ({
      key: `cache:${id}`,
      id,
      kind: "ElastiCache replication group, cache cluster or serverless cache",
    })),
  ].filter((t) => !res.found.has(t.key));
  for (const target of notFound) {
    const cause = res.unknown.get(target.key);
    const where = inventory.partitions.map((p) => `${p.account}/${p.region}`).join(", ") || "no account/region";
    errors.push(
      scopeError(
        { type: "QueueAuditor::Source", id: `targets/${target.id}` },
        target.id,
        cause
          ? `Target ${target.id} could not be looked up: ${cause.reason} (${cause.source}).`
          : `Target ${target.id} was not found as an ${target.kind} in ${where}.`,
        cause ?? { source: `targets/${target.id}`, reason: `no ${target.kind} named ${target.id} in ${where}`, code: "TargetNotFound" },
      ),
    );
  }
  const list = backends.values();
  return { backends: list, securityGroups: attachSecurityGroups(list, errors), errors };
}
