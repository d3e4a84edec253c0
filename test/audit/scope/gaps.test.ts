/**
 * Scope resolution returns what it could not resolve as plain data (gaps); the audit-error
 * check is what turns each into an ERROR result.
 */
import { describe, expect, it } from "vitest";
import { auditError } from "../../../lib/audit/checks/auditor/audit-error.js";
import { configSchema } from "../../../lib/audit/config/schema.js";
import type { InventoryPartition } from "../../../lib/audit/inventory/types.js";
import { resolveScope } from "../../../lib/audit/scope/index.js";

const config = configSchema.parse({ version: 1, targets: { rds: ["queue-db"], elasticache: ["jobs-redis"] } });
const missing = { ok: false as const, error: { source: "rds:DescribeDBInstances", reason: "AccessDenied", code: "AccessDenied" } };
const empty = { ok: true as const, value: [] };
const partition = {
  account: "111122223333",
  region: "eu-west-1",
  origin: { kind: "live" },
  dbInstances: missing,
  dbClusters: empty,
  replicationGroups: empty,
  cacheClusters: empty,
  serverlessCaches: empty,
  securityGroups: empty,
} as unknown as InventoryPartition;

describe("scope gaps", () => {
  const scope = resolveScope(config, { partitions: [partition] });

  it("name what could not be resolved and why, as data: a target not looked up, a target not found", () => {
    expect(scope.backends).toEqual([]);
    expect(scope.gaps).toEqual([
      {
        resource: { type: "QueueAuditor::Source", id: "targets/queue-db" },
        subject: "queue-db",
        message: "Target queue-db could not be looked up: AccessDenied (rds:DescribeDBInstances).",
        cause: missing.error,
      },
      {
        resource: { type: "QueueAuditor::Source", id: "targets/jobs-redis" },
        subject: "jobs-redis",
        message:
          "Target jobs-redis was not found as an ElastiCache replication group, cache cluster or serverless cache in 111122223333/eu-west-1.",
        cause: expect.objectContaining({ code: "TargetNotFound" }),
      },
    ]);
  });

  it("become ERROR results of audit-error, one per gap, carrying its cause", () => {
    const results = auditError.evaluate({
      config,
      inventory: { partitions: [partition] },
      scope,
      observations: { postgres: [], redis: [] },
      now: new Date(),
    });
    expect(results.map((r) => [r.checkId, r.status, r.resource.id, r.cause?.code])).toEqual([
      ["audit-error", "ERROR", "targets/queue-db", "AccessDenied"],
      ["audit-error", "ERROR", "targets/jobs-redis", "TargetNotFound"],
    ]);
  });
});
