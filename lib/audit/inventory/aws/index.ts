/**
 * Live collection: one InventoryPartition per account × region, `origin: live`, values as
 * JSON wire data (the same data a snapshot writes and the offline reader reads back).
 */
import type { Config } from "../../config/schema.js";
import type { Inventory, InventoryPartition } from "../types.js";
import { resolveAccounts } from "./accounts.js";
import { type AwsDeps, collectionRegions, DEFAULT_CONCURRENCY, destroyClients, partitionClients, stsClient } from "./clients.js";
import { createLimit } from "./limit.js";
import { collectPartition, unreachablePartition } from "./partition.js";

export type { AwsDeps } from "./clients.js";
export { NoRegionError } from "./clients.js";

export async function collectInventory(config: Config, deps: AwsDeps = {}): Promise<Inventory> {
  const capturedAt = (deps.now ?? (() => new Date()))().toISOString();
  const regions = await collectionRegions(config.aws.regions, deps);
  // STS is called in the first audited region (regional endpoint), never the global one.
  const sts = stsClient(regions[0] as string, deps.credentials, deps);
  const limit = createLimit(deps.concurrency ?? DEFAULT_CONCURRENCY);
  try {
    const accounts = await resolveAccounts(config, sts);
    const jobs = accounts.flatMap((access) =>
      regions.map(async (region): Promise<InventoryPartition> => {
        if (access.error) return unreachablePartition(config, access.account, region, capturedAt, access.error);
        const clients = partitionClients(region, access.credentials ?? deps.credentials, deps);
        try {
          return await collectPartition({ account: access.account, region, config, clients, limit, capturedAt });
        } finally {
          destroyClients(clients);
        }
      }),
    );
    return { partitions: await Promise.all(jobs) };
  } finally {
    // Assumed-role credentials renew through this client, so it lives until collection ends.
    sts.destroy();
  }
}
