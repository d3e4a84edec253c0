/** RDS in scope: DB instances and clusters by id or tag, an Aurora cluster's members, a member's cluster. */
import type { Config } from "../config/schema.js";
import { type InventoryPartition, refOf, sourceOf, type WireDBCluster, type WireDBInstance } from "../inventory/types.js";
import type { ObservationError } from "../model/observation.js";
import { gap, hasTag, positivePorts, type Resolution, ref, sourceResource, uniq } from "./resolution.js";
import type { Backend } from "./types.js";

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

export function resolveRds(config: Config, partition: InventoryPartition, res: Resolution): void {
  const out = res.backends;
  const wanted = new Set(config.targets.rds);
  const tag = config.targets.tag;
  if (wanted.size === 0 && !tag) return;
  const instances = partition.dbInstances;
  const clusters = partition.dbClusters;
  for (const observed of [instances, clusters]) {
    if (observed.ok) continue;
    for (const id of wanted) if (!res.unknown.has(`rds:${id}`)) res.unknown.set(`rds:${id}`, observed.error);
    if (tag) {
      res.gaps.push(
        gap(
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
      res.gaps.push(
        gap(
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
        res.gaps.push(
          gap(
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
