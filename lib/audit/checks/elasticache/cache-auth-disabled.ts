import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { cacheBackends, userGroupIds } from "./subjects.js";

export const cacheAuthDisabled: Check = {
  meta: {
    id: "cache-auth-disabled",
    title: "Cache accepts clients without credentials",
    severity: "critical",
    resourceType: ["AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ServerlessCache"],
    rationale:
      "Without AUTH or an RBAC user group, anything that reaches the port can read, delete or inject jobs (Sidekiq, Resque and delayed_job's Redis backends trust whatever is in the queue).",
    remediation:
      "Attach an RBAC user group whose default user is off or password-protected: `aws elasticache modify-replication-group --replication-group-id jobs-redis --user-group-ids-to-add queue-users --apply-immediately` (or set an AUTH token with `--auth-token … --auth-token-update-strategy ROTATE`).",
    references: ["AWS Security Hub ElastiCache.6"],
  },
  evaluate(ctx) {
    return cacheBackends(ctx).map((b) => {
      const groups = userGroupIds(b);
      const authToken =
        b.kind === "serverless-cache"
          ? false
          : (b.kind === "replication-group" ? b.replicationGroup.AuthTokenEnabled : b.cacheCluster.AuthTokenEnabled) === true;
      const evidence = { AuthTokenEnabled: authToken, userGroupIds: groups };
      if (authToken || groups.length > 0) {
        return pass(
          "cache-auth-disabled",
          b.resource,
          `${b.resource.id} requires authentication (${groups.length > 0 ? `RBAC user group ${groups.join(", ")}` : "AUTH token"}).`,
          evidence,
        );
      }
      return fail(
        "cache-auth-disabled",
        b.resource,
        undefined,
        `${b.resource.id} accepts clients without credentials: attach an RBAC user group or set an AUTH token.`,
        evidence,
      );
    });
  },
};
