/**
 * Which subnets a backend's network interfaces may sit in: an RDS instance's DB subnet
 * group, an Aurora cluster's member instances' groups, a cache cluster's (or a replication
 * group's members') cache subnet group, a serverless cache's `SubnetIds`. Every subnet of
 * the group counts: a failover, a replacement or a new node may land in any of them.
 * Pure: reads the partition, never the outside world.
 */
import { type InventoryPartition, networkPart, type Observed, type PartitionField, refOf, sourceOf } from "../inventory/types.js";
import type { ObservationError } from "../model/observation.js";
import { uniq } from "./resolution.js";
import type { Backend } from "./types.js";

export interface BackendSubnets {
  subnetIds: string[];
  /** The VPC the subnet group names, when it names one. */
  vpcId?: string;
  /** Where the list comes from, for messages: "DB subnet group queue-db-subnets". */
  from: string;
}

/** Why a backend's network path could not be judged: a part of its partition lacks what it needs. */
export function pathGap(backend: Backend, field: PartitionField, reason: string, code: string): ObservationError {
  const { partition } = backend;
  const ref = refOf(partition, field);
  return {
    source: sourceOf(partition, field),
    ...(ref ? { ref } : {}),
    reason,
    code,
    account: partition.account,
    region: partition.region,
  };
}

const notInRecord = (backend: Backend, reason: string, field: "dbInstances" | "cacheClusters" | "serverlessCaches") =>
  pathGap(backend, field, reason, "SubnetsUnknown");

/** The cache subnet group names a backend uses (what the live collector must describe). */
export function cacheSubnetGroupNamesOf(backend: Backend): string[] {
  if (backend.kind === "cache-cluster") return backend.cacheCluster.CacheSubnetGroupName ? [backend.cacheCluster.CacheSubnetGroupName] : [];
  if (backend.kind === "replication-group")
    return uniq(backend.memberClusters.flatMap((c) => (c.CacheSubnetGroupName ? [c.CacheSubnetGroupName] : [])));
  return [];
}

/** The subnet ids known without another call: RDS subnet groups and serverless caches carry them. */
export function directSubnetIdsOf(backend: Backend): string[] {
  const result = subnetsOf(backend);
  if (backend.kind === "cache-cluster" || backend.kind === "replication-group") return [];
  return result.ok ? result.value.subnetIds : [];
}

function memberInstances(backend: Extract<Backend, { kind: "rds-cluster" }>, partition: InventoryPartition) {
  const id = backend.cluster.DBClusterIdentifier;
  const memberIds = new Set((backend.cluster.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier));
  return partition.dbInstances.ok
    ? partition.dbInstances.value.filter((i) => i.DBClusterIdentifier === id || memberIds.has(i.DBInstanceIdentifier))
    : [];
}

export function subnetsOf(backend: Backend): Observed<BackendSubnets> {
  const { partition } = backend;
  const id = backend.resource.id;
  switch (backend.kind) {
    case "rds-instance": {
      const group = backend.instance.DBSubnetGroup;
      const subnetIds = uniq((group?.Subnets ?? []).flatMap((s) => (s.SubnetIdentifier ? [s.SubnetIdentifier] : [])));
      if (subnetIds.length === 0)
        return {
          ok: false,
          error: notInRecord(backend, `${id} has no DBSubnetGroup with subnets in the DB instances data`, "dbInstances"),
        };
      return {
        ok: true,
        value: {
          subnetIds,
          ...(group?.VpcId ? { vpcId: group.VpcId } : {}),
          from: `DB subnet group ${group?.DBSubnetGroupName ?? "(unnamed)"}`,
        },
      };
    }
    case "rds-cluster": {
      // DescribeDBClusters names the group only; its subnets are on the member instances.
      if (!partition.dbInstances.ok) return partition.dbInstances;
      const members = memberInstances(backend, partition);
      const subnetIds = uniq(
        members.flatMap((i) => (i.DBSubnetGroup?.Subnets ?? []).flatMap((s) => (s.SubnetIdentifier ? [s.SubnetIdentifier] : []))),
      );
      if (subnetIds.length === 0) {
        return {
          ok: false,
          error: notInRecord(
            backend,
            `no member instance of cluster ${id} with a DBSubnetGroup is in the DB instances data`,
            "dbInstances",
          ),
        };
      }
      const vpcId = members.find((i) => i.DBSubnetGroup?.VpcId)?.DBSubnetGroup?.VpcId;
      return {
        ok: true,
        value: {
          subnetIds,
          ...(vpcId ? { vpcId } : {}),
          from: `DB subnet group ${backend.cluster.DBSubnetGroup ?? "(unnamed)"} (member instances)`,
        },
      };
    }
    case "serverless-cache": {
      const subnetIds = uniq(backend.serverlessCache.SubnetIds ?? []);
      if (subnetIds.length === 0)
        return { ok: false, error: notInRecord(backend, `${id} has no SubnetIds in the serverless caches data`, "serverlessCaches") };
      return { ok: true, value: { subnetIds, from: "SubnetIds" } };
    }
    case "cache-cluster":
    case "replication-group": {
      const names = cacheSubnetGroupNamesOf(backend);
      if (names.length === 0)
        return { ok: false, error: notInRecord(backend, `${id} has no CacheSubnetGroupName in the cache clusters data`, "cacheClusters") };
      const groups = networkPart(partition, "cacheSubnetGroups");
      if (!groups.ok) return groups;
      const subnetIds: string[] = [];
      let vpcId: string | undefined;
      for (const name of names) {
        const group = groups.value.find((g) => g.CacheSubnetGroupName === name);
        if (!group) {
          const ref = refOf(partition, "cacheSubnetGroups");
          return {
            ok: false,
            error: {
              source: sourceOf(partition, "cacheSubnetGroups"),
              ...(ref ? { ref } : {}),
              reason: `cache subnet group ${name} of ${id} is not in the cache subnet groups data`,
              code: "NotCaptured",
              account: partition.account,
              region: partition.region,
            },
          };
        }
        vpcId ??= group.VpcId;
        for (const s of group.Subnets ?? []) if (s.SubnetIdentifier) subnetIds.push(s.SubnetIdentifier);
      }
      return {
        ok: true,
        value: { subnetIds: uniq(subnetIds), ...(vpcId ? { vpcId } : {}), from: `cache subnet group ${names.join(", ")}` },
      };
    }
  }
}
