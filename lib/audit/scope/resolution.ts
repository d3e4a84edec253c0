/**
 * What one scope resolution accumulates across partitions, and the small helpers the
 * per-service resolvers share.
 */
import type { InventoryPartition } from "../inventory/types.js";
import type { ObservationError } from "../model/observation.js";
import type { ResourceRef, ResourceType } from "../model/resource.js";
import type { Backend, BackendKind, ScopeGap } from "./types.js";

const RESOURCE_TYPE: Record<BackendKind, ResourceType> = {
  "rds-instance": "AWS::RDS::DBInstance",
  "rds-cluster": "AWS::RDS::DBCluster",
  "replication-group": "AWS::ElastiCache::ReplicationGroup",
  "cache-cluster": "AWS::ElastiCache::CacheCluster",
  "serverless-cache": "AWS::ElastiCache::ServerlessCache",
};

export function ref(kind: BackendKind, id: string, partition: InventoryPartition, arn: string | undefined): ResourceRef {
  const out: ResourceRef = { type: RESOURCE_TYPE[kind], id, account: partition.account, region: partition.region };
  if (arn) out.arn = arn;
  return out;
}

export function sourceResource(partition: InventoryPartition): ResourceRef {
  return {
    type: "QueueAuditor::Source",
    id: `${partition.account}/${partition.region}`,
    account: partition.account,
    region: partition.region,
  };
}

export function gap(resource: ResourceRef, subject: string, message: string, cause: ObservationError): ScopeGap {
  return { resource, subject, message, cause };
}

export const uniq = <T>(values: Iterable<T>): T[] => [...new Set(values)];
export const positivePorts = (ports: (number | undefined)[]): number[] =>
  uniq(ports.filter((p): p is number => typeof p === "number" && p > 0));

export function hasTag(tags: { Key?: string; Value?: string }[] | undefined, key: string, value: string): boolean {
  return (tags ?? []).some((t) => t.Key === key && t.Value === value);
}

/** Collects backends per partition; keyed by kind+id so a backend selected twice appears once. */
export class BackendSet {
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

export interface PartitionResolution {
  found: Set<string>;
  /** Targets that could be here but the partition could not tell (a file missing). */
  unknown: Map<string, ObservationError>;
}

/** The backends found so far, the gaps, and which config targets were found or could not be looked up. */
export interface Resolution extends PartitionResolution {
  backends: BackendSet;
  gaps: ScopeGap[];
}
