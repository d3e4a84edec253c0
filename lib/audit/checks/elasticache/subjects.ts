/** The cache backends the ElastiCache checks look at, and the settings they share. */
import type { Backend } from "../../scope/index.js";
import type { AuditContext } from "../types.js";

export type CacheBackend = Extract<Backend, { kind: "replication-group" | "cache-cluster" | "serverless-cache" }>;
/** Node-based caches: replication groups and stand-alone cache clusters carry the same settings. */
export type NodeCacheBackend = Extract<Backend, { kind: "replication-group" | "cache-cluster" }>;

export function cacheBackends(ctx: AuditContext): CacheBackend[] {
  return ctx.scope.backends.filter(
    (b): b is CacheBackend => b.kind === "replication-group" || b.kind === "cache-cluster" || b.kind === "serverless-cache",
  );
}

export function nodeCacheBackends(ctx: AuditContext): NodeCacheBackend[] {
  return ctx.scope.backends.filter((b): b is NodeCacheBackend => b.kind === "replication-group" || b.kind === "cache-cluster");
}

export function nodeSettings(b: NodeCacheBackend) {
  return b.kind === "replication-group" ? b.replicationGroup : b.cacheCluster;
}

/** The RBAC user groups a cache uses. */
export function userGroupIds(b: CacheBackend): string[] {
  if (b.kind === "replication-group") return b.replicationGroup.UserGroupIds ?? [];
  if (b.kind === "serverless-cache") return b.serverlessCache.UserGroupId ? [b.serverlessCache.UserGroupId] : [];
  return [];
}

export function createTime(b: NodeCacheBackend): string | undefined {
  return b.kind === "replication-group" ? b.replicationGroup.ReplicationGroupCreateTime : b.cacheCluster.CacheClusterCreateTime;
}
