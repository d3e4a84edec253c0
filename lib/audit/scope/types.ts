/** What scope resolution returns: the backends in scope, their security groups, and the gaps. */
import type {
  InventoryPartition,
  Observed,
  WireCacheCluster,
  WireDBCluster,
  WireDBInstance,
  WireReplicationGroup,
  WireSecurityGroup,
  WireServerlessCache,
} from "../inventory/types.js";
import type { ObservationError } from "../model/observation.js";
import type { ResourceRef } from "../model/resource.js";

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
  /** What scope resolution could not observe (targets not found, files missing). */
  gaps: ScopeGap[];
}

/**
 * Something scope resolution could not resolve, and why: a target not found, a file or API
 * call that failed, a member cluster missing from an export. Plain data; the `audit-error`
 * check reports each as an ERROR result, so a gap in scope is never a silent one.
 */
export interface ScopeGap {
  /** What the gap is about: the backend, or the account/region source, or the config target. */
  resource: ResourceRef;
  /** Tells gaps about one resource apart (a file path, an API call, a target id). */
  subject: string;
  /** One sentence for the reader of the finding. */
  message: string;
  cause: ObservationError;
}
