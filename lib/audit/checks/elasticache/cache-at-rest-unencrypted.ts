import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { cacheBackends } from "./subjects.js";

export const cacheAtRestUnencrypted: Check = {
  meta: {
    id: "cache-at-rest-unencrypted",
    title: "Cache data not encrypted at rest",
    severity: "medium",
    resourceType: ["AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ServerlessCache"],
    rationale: "Backups, snapshots and swap of an unencrypted cache hold job payloads in clear text.",
    remediation:
      "At-rest encryption is set at creation: create a new replication group with `--at-rest-encryption-enabled` (seeded from a backup) and move clients to it.",
    references: ["AWS Security Hub ElastiCache.4"],
  },
  evaluate(ctx) {
    return cacheBackends(ctx).map((b) => {
      if (b.kind === "serverless-cache") {
        return pass(
          "cache-at-rest-unencrypted",
          b.resource,
          `${b.resource.id} is serverless, and serverless caches always encrypt data at rest.`,
          { serverless: true, KmsKeyId: b.serverlessCache.KmsKeyId ?? null },
        );
      }
      const s = b.kind === "replication-group" ? b.replicationGroup : b.cacheCluster;
      return s.AtRestEncryptionEnabled === true
        ? pass("cache-at-rest-unencrypted", b.resource, `${b.resource.id} encrypts its data at rest.`, { AtRestEncryptionEnabled: true })
        : fail(
            "cache-at-rest-unencrypted",
            b.resource,
            undefined,
            `${b.resource.id} does not encrypt its data at rest: recreate it with at-rest encryption.`,
            { AtRestEncryptionEnabled: false },
          );
    });
  },
};
