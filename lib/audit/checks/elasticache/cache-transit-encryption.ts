import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { cacheBackends } from "./subjects.js";

export const cacheTransitEncryption: Check = {
  meta: {
    id: "cache-transit-encryption",
    title: "Cache accepts plaintext connections",
    severity: "high",
    resourceType: ["AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ServerlessCache"],
    rationale:
      "Without in-transit encryption, or in `preferred` mode, job payloads and the AUTH token cross the network in clear text and can be read or altered by anyone who can capture traffic.",
    remediation:
      "Move to `required`: `aws elasticache modify-replication-group --replication-group-id jobs-redis --transit-encryption-enabled --transit-encryption-mode required --apply-immediately` once every client connects with TLS.",
    references: ["AWS Security Hub ElastiCache.5"],
  },
  evaluate(ctx) {
    return cacheBackends(ctx).map((b) => {
      if (b.kind === "serverless-cache") {
        return pass(
          "cache-transit-encryption",
          b.resource,
          `${b.resource.id} is serverless, and serverless caches accept TLS connections only.`,
          { serverless: true },
        );
      }
      const s = b.kind === "replication-group" ? b.replicationGroup : b.cacheCluster;
      const evidence = {
        TransitEncryptionEnabled: s.TransitEncryptionEnabled ?? false,
        TransitEncryptionMode: s.TransitEncryptionMode ?? null,
      };
      if (s.TransitEncryptionEnabled !== true) {
        return fail(
          "cache-transit-encryption",
          b.resource,
          "TransitEncryptionEnabled",
          `${b.resource.id} does not encrypt connections: enable in-transit encryption in required mode.`,
          evidence,
        );
      }
      if (s.TransitEncryptionMode === "preferred") {
        return fail(
          "cache-transit-encryption",
          b.resource,
          "TransitEncryptionMode",
          `${b.resource.id} still accepts plaintext connections (TransitEncryptionMode preferred): switch to required.`,
          evidence,
        );
      }
      return pass("cache-transit-encryption", b.resource, `${b.resource.id} accepts encrypted connections only.`, evidence);
    });
  },
};
