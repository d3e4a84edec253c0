/**
 * Discovery step of the Distributed Map: the partitions (account × region) of the deployed
 * config — an Organization's accounts as listed now, each account's enabled regions for
 * `regions: all` — written to S3 as one JSON array, the Map's items. A state payload could
 * not carry them (1,000 accounts × 4 regions is ~300 KB; the limit is 256 KB).
 *
 * The listing is the engine's (lib/audit/inventory/aws/discover.ts), so the deployed stack
 * audits exactly the accounts the CLI would. Accounts skipped (suspended, closing, not in
 * the Organization) are logged; an account that cannot be reached is still an item, which
 * the collect step stores as unreachable.
 */

import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { discoverPartitions } from "../lib/audit/inventory/aws/discover.js";
import { putArtifact } from "./support/artifacts.js";
import { deployedConfig } from "./support/config.js";
import { type CollectRun, type Discovered, type DiscoveredItem, ENV } from "./support/contract.js";
import { BadEventError, parseDiscoverEvent } from "./support/events.js";
import { readCollectRun } from "./support/map-run.js";

const logger = new Logger();
const s3 = new S3Client({});
const dynamodb = new DynamoDBClient({});

/** Concurrent AWS calls of the listing: AssumeRole and DescribeRegions per account for `regions: all`. */
export const DISCOVER_CONCURRENCY = 32;

/** Where a run's items go; the bucket's lifecycle rule expires them with the Map's results. */
export function itemsKey(runId: string): string {
  return `runs/${runId}/partitions.json`;
}

/** The artifact key of a run's gathered collect outcomes. */
export function outcomesKey(runId: string): string {
  return `${runId}/collect-run`;
}

/**
 * After the Distributed Map (the same function, its second task): every discovered
 * partition's outcome read from S3 (lambda/support/map-run.ts), stored as one artifact for
 * the evaluate step, which so needs no S3 client.
 */
async function gather(runId: string, run: CollectRun): Promise<{ key: string; count: number }> {
  const table = process.env[ENV.artifactsTable];
  if (!table) throw new BadEventError(`${ENV.artifactsTable} is not set`);
  const outcomes = await readCollectRun(s3, run);
  const key = outcomesKey(runId);
  await putArtifact(dynamodb, table, key, outcomes);
  logger.info("collect run gathered", { partitions: outcomes.length, failed: outcomes.filter((o) => "failed" in o).length });
  return { key, count: outcomes.length };
}

export async function handler(event: unknown): Promise<Discovered | { key: string; count: number }> {
  const { runId, collectRun } = parseDiscoverEvent(event);
  if (collectRun) return gather(runId, collectRun);
  const bucket = process.env[ENV.partitionsBucket];
  if (!bucket) throw new BadEventError(`${ENV.partitionsBucket} is not set`);
  const config = deployedConfig();
  const items: DiscoveredItem[] = [];
  let skipped = 0;
  const note = (message: string) => {
    skipped++;
    logger.info("account not audited", { note: message });
  };
  for await (const p of discoverPartitions(config, { concurrency: DISCOVER_CONCURRENCY, note })) {
    items.push({ account: p.account, region: p.region, accountListed: p.accountListed, unreachable: p.unreachable ?? null });
  }
  const key = itemsKey(runId);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(items), ContentType: "application/json" }));
  logger.info("partitions discovered", {
    partitions: items.length,
    accounts: new Set(items.map((i) => i.account)).size,
    unreachable: items.filter((i) => i.unreachable).length,
    skippedAccounts: skipped,
  });
  return { bucket, key, count: items.length };
}
