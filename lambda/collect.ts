/**
 * Collect step: the inventory of one account × region of the deployed config, stored as
 * an artifact; returns its key (the partition is too large for a state payload).
 */

import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Config } from "../lib/audit/config/schema.js";
import { collectInventory } from "../lib/audit/inventory/aws/index.js";
import { unreachablePartition } from "../lib/audit/inventory/aws/partition.js";
import { DynamoStore } from "../lib/audit/store/dynamo-store.js";
import { lastRunStart } from "../lib/audit/store/previous-run.js";
import { artifactKey, putPartition } from "./support/artifacts.js";
import { deployedConfig, narrowConfig } from "./support/config.js";
import { type CollectedPartition, ENV } from "./support/contract.js";
import { BadEventError, parseCollectItem } from "./support/events.js";

const logger = new Logger();
const dynamodb = new DynamoDBClient({});

/**
 * With `logs:`, the databases' logs are read from the last recorded run's start (the evidence
 * table holds it), so consecutive runs leave no gap (docs/access-attempts.md). No run yet, or
 * a table that cannot be read: `logs.lookbackMinutes`, and a warning in the function's log.
 */
async function logsSince(config: Config): Promise<Date | undefined> {
  if (!config.logs) return undefined;
  const table = process.env[ENV.storeTable];
  if (!table) throw new BadEventError(`${ENV.storeTable} is not set: the stack sets it when the config has logs:`);
  try {
    return await lastRunStart(new DynamoStore(dynamodb, table, { description: `dynamodb:${table}` }));
  } catch (err) {
    logger.warn("the last run could not be read; reading the logs of logs.lookbackMinutes", {
      table,
      error: (err as Error).name,
      lookbackMinutes: config.logs.lookbackMinutes,
    });
    return undefined;
  }
}

export async function handler(event: unknown): Promise<CollectedPartition> {
  const item = parseCollectItem(event);
  const table = process.env[ENV.artifactsTable];
  if (!table) throw new BadEventError(`${ENV.artifactsTable} is not set`);
  const config = narrowConfig(deployedConfig(), item);
  const since = item.unreachable ? undefined : await logsSince(config);
  const inventory = item.unreachable
    ? // The discovery step already found why nothing can be collected there; asking again would only repeat it.
      { partitions: [unreachablePartition(config, item.account, item.region, new Date().toISOString(), item.unreachable)] }
    : await collectInventory(config, { defaultRegion: item.region, ...(since ? { logsSince: since } : {}) });
  const partition = inventory.partitions[0];
  if (!partition || inventory.partitions.length !== 1) {
    throw new BadEventError(`expected one partition for ${item.account}/${item.region}, collected ${inventory.partitions.length}`);
  }
  const key = artifactKey(item.runId, partition.account, partition.region);
  const stats = await putPartition(dynamodb, table, key, partition);
  const failed = Object.entries(partition).filter(([, v]) => typeof v === "object" && v !== null && (v as { ok?: boolean }).ok === false);
  logger.info("partition collected", {
    account: partition.account,
    region: partition.region,
    securityGroups: partition.securityGroups.ok ? partition.securityGroups.value.length : null,
    unobserved: failed.map(([k]) => k),
    artifactChunks: stats.chunks,
    artifactBytes: stats.bytes,
  });
  return { account: partition.account, region: partition.region, key };
}
