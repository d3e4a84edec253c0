/**
 * Collect step: the inventory of one account × region of the deployed config, stored as
 * an artifact; returns its key (the partition is too large for a state payload).
 */

import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { collectInventory } from "../lib/audit/inventory/aws/index.js";
import { artifactKey, putPartition } from "./support/artifacts.js";
import { deployedConfig, narrowConfig } from "./support/config.js";
import { type CollectedPartition, ENV } from "./support/contract.js";
import { BadEventError, parseCollectItem } from "./support/events.js";

const logger = new Logger();
const dynamodb = new DynamoDBClient({});

export async function handler(event: unknown): Promise<CollectedPartition> {
  const item = parseCollectItem(event);
  const table = process.env[ENV.artifactsTable];
  if (!table) throw new BadEventError(`${ENV.artifactsTable} is not set`);
  const config = narrowConfig(deployedConfig(), item);
  const inventory = await collectInventory(config, { defaultRegion: item.region });
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
