/** Where the CLI's audit gets its data: the offline directory or live AWS, and the live probes. */
import type { Config } from "../audit/config/schema.js";
import { collectInventory } from "../audit/inventory/aws/index.js";
import { readOfflineInventory } from "../audit/inventory/offline.js";
import type { AuditSources } from "../audit/run.js";
import { configuredPartitions } from "../audit/scope/coverage.js";
import { progress } from "./output.js";

/** What the audit knows from its store: the start of the log period (the last recorded run's start). */
export interface SourceContext {
  logsSince?: Date;
}

export function defaultSources(config: Config, options: { inventory?: string }, context: SourceContext = {}): AuditSources {
  const offline = options.inventory;
  return {
    inventory: async () =>
      offline !== undefined
        ? configuredPartitions(config, await readOfflineInventory(offline, { onWarning: progress }), progress)
        : collectInventory(config, { note: progress, ...(context.logsSince ? { logsSince: context.logsSince } : {}) }),
    postgres: async (targets) => {
      const { probePostgres } = await import("../audit/probes/postgres/index.js");
      return probePostgres(targets);
    },
    mysql: async (targets) => {
      const { probeMysql } = await import("../audit/probes/mysql/index.js");
      return probeMysql(targets);
    },
    redis: async (targets) => {
      const { probeRedis } = await import("../audit/probes/redis/index.js");
      return probeRedis(targets, { aclLog: config.logs !== undefined });
    },
  };
}
