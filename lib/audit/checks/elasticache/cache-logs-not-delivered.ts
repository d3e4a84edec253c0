import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { nodeCacheBackends, nodeSettings } from "./subjects.js";

const DELIVERING = new Set(["active", "enabling", "modifying"]);

export const cacheLogsNotDelivered: Check = {
  meta: {
    id: "cache-logs-not-delivered",
    title: "Cache engine log not delivered",
    severity: "low",
    resourceType: ["AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster"],
    rationale:
      "The engine log records connections and authentication failures; without delivery there is no record of who tried to reach the queue.",
    remediation:
      "`aws elasticache modify-replication-group --replication-group-id jobs-redis --log-delivery-configurations 'LogType=engine-log,DestinationType=cloudwatch-logs,DestinationDetails={CloudWatchLogsDetails={LogGroup=/elasticache/jobs-redis}},LogFormat=json,Enabled=true' --apply-immediately`.",
    references: ["Amazon ElastiCache User Guide: Log delivery"],
  },
  evaluate(ctx) {
    return nodeCacheBackends(ctx).map((b) => {
      const configs = nodeSettings(b).LogDeliveryConfigurations ?? [];
      const engineLog = configs.find((c) => c.LogType === "engine-log" && DELIVERING.has(c.Status ?? ""));
      const evidence = {
        LogDeliveryConfigurations: configs.map((c) => ({ LogType: c.LogType, DestinationType: c.DestinationType, Status: c.Status })),
      };
      return engineLog
        ? pass(
            "cache-logs-not-delivered",
            b.resource,
            `${b.resource.id} delivers its engine log to ${engineLog.DestinationType}.`,
            evidence,
          )
        : fail(
            "cache-logs-not-delivered",
            b.resource,
            "engine-log",
            `${b.resource.id} does not deliver its engine log: enable engine-log delivery.`,
            evidence,
          );
    });
  },
};
