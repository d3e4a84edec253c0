import type { CheckResult } from "../../findings/model.js";
import { ageInDays, asOf, fail, pass, unobserved } from "../results.js";
import type { Check } from "../types.js";
import { createTime, nodeCacheBackends, nodeSettings } from "./subjects.js";

export const cacheAuthTokenStale: Check = {
  meta: {
    id: "cache-auth-token-stale",
    title: "Cache AUTH token not rotated",
    severity: "medium",
    resourceType: ["AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster"],
    rationale:
      "An AUTH token is shared by every client; the longer it lives, the more config files, CI variables and former colleagues know it.",
    remediation:
      "Rotate without downtime: `aws elasticache modify-replication-group --replication-group-id jobs-redis --auth-token NEW --auth-token-update-strategy ROTATE --apply-immediately`, update the workers, then `--auth-token-update-strategy SET`.",
    references: ["Amazon ElastiCache User Guide: Rotating the AUTH token"],
  },
  evaluate(ctx) {
    const maxAge = ctx.config.credentials.maxAgeDays;
    const out: CheckResult[] = [];
    for (const b of nodeCacheBackends(ctx)) {
      const s = nodeSettings(b);
      if (s.AuthTokenEnabled !== true) continue; // no token to rotate
      const at = asOf(b.partition, ctx.now);
      const since = s.AuthTokenLastModifiedDate ?? createTime(b);
      const age = ageInDays(since, at);
      if (age === undefined) {
        out.push(
          unobserved(
            "cache-auth-token-stale",
            b.resource,
            {
              source: b.resource.id,
              reason: "neither AuthTokenLastModifiedDate nor a creation time is in the inventory",
              code: "NotCaptured",
              account: b.partition.account,
              region: b.partition.region,
            },
            "the AUTH token's age",
          ),
        );
        continue;
      }
      const evidence = {
        AuthTokenLastModifiedDate: s.AuthTokenLastModifiedDate ?? null,
        ageDays: age,
        maxAgeDays: maxAge,
        asOf: at.toISOString(),
      };
      out.push(
        age > maxAge
          ? fail(
              "cache-auth-token-stale",
              b.resource,
              undefined,
              `${b.resource.id}'s AUTH token is ${age} days old (limit ${maxAge}): rotate it.`,
              evidence,
            )
          : pass("cache-auth-token-stale", b.resource, `${b.resource.id}'s AUTH token is ${age} days old (limit ${maxAge}).`, evidence),
      );
    }
    return out;
  },
};
