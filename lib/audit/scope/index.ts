/**
 * Scope resolution: which backends the config names (by id or by tag), the security
 * groups attached to each, and each backend's real endpoint ports. Pure: inventory in,
 * scope out. What could not be resolved is returned as a gap (plain data, see types.ts),
 * which the `audit-error` check reports: never a silent one.
 */
import type { Config } from "../config/schema.js";
import type { Inventory } from "../inventory/types.js";
import { coverageGaps } from "./coverage.js";
import { resolveElastiCache } from "./elasticache.js";
import { resolveRds } from "./rds.js";
import { BackendSet, gap, type Resolution } from "./resolution.js";
import { attachSecurityGroups } from "./security-groups.js";
import type { Scope } from "./types.js";

export type { Backend, BackendKind, Guarded, Scope, ScopedSecurityGroup, ScopeGap } from "./types.js";

export function resolveScope(config: Config, inventory: Inventory): Scope {
  const res: Resolution = { backends: new BackendSet(), gaps: coverageGaps(config, inventory), found: new Set(), unknown: new Map() };
  for (const partition of inventory.partitions) {
    resolveRds(config, partition, res);
    resolveElastiCache(config, partition, res);
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
    res.gaps.push(
      gap(
        { type: "QueueAuditor::Source", id: `targets/${target.id}` },
        target.id,
        cause
          ? `Target ${target.id} could not be looked up: ${cause.reason} (${cause.source}).`
          : `Target ${target.id} was not found as an ${target.kind} in ${where}.`,
        cause ?? { source: `targets/${target.id}`, reason: `no ${target.kind} named ${target.id} in ${where}`, code: "TargetNotFound" },
      ),
    );
  }
  const backends = res.backends.values();
  return { backends, securityGroups: attachSecurityGroups(backends, res.gaps), gaps: res.gaps };
}
