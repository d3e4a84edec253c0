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
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { discoverPartitions } from "../lib/audit/inventory/aws/discover.js";
import { deployedConfig } from "./support/config.js";
import { type Discovered, type DiscoveredItem, ENV } from "./support/contract.js";
import { BadEventError, parseDiscoverEvent } from "./support/events.js";

const logger = new Logger();
const s3 = new S3Client({});

/** Concurrent AWS calls of the listing: AssumeRole and DescribeRegions per account for `regions: all`. */
export const DISCOVER_CONCURRENCY = 32;

/** Where a run's items go; the bucket's lifecycle rule expires them with the Map's results. */
export function itemsKey(runId: string): string {
  return `runs/${runId}/partitions.json`;
}

export async function handler(event: unknown): Promise<Discovered> {
  const { runId } = parseDiscoverEvent(event);
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
