/**
 * Live collection: one InventoryPartition per account × region, `origin: live`, values as
 * JSON wire data (the same data a snapshot writes and the offline reader reads back).
 *
 * Accounts come from the config's list, from the credentials, or from an Organization as
 * its listing pages arrive; each account is collected as soon as its role is assumed (and,
 * for `regions: all`, its enabled regions are known), so a large Organization's audit is
 * bounded by the concurrency cap, not by the listing in front of it.
 */
import type { Config } from "../../config/schema.js";
import type { Inventory, InventoryPartition } from "../types.js";
import { type AccountAccess, organizationAccess, type PendingAccess, resolveAccounts } from "./accounts.js";
import {
  type AwsDeps,
  DEFAULT_CONCURRENCY,
  destroyClients,
  homeRegion,
  organizationsClient,
  partitionClients,
  stsClient,
} from "./clients.js";
import { accountRegions, unreachableRegions } from "./discover.js";
import { createLimit, type Limit } from "./limit.js";
import { collectPartition, unreachablePartition } from "./partition.js";

export type { AwsDeps } from "./clients.js";
export { NoRegionError } from "./clients.js";

interface AccountJob {
  config: Config;
  deps: AwsDeps;
  limit: Limit;
  home: string;
  capturedAt: string;
}

async function collectAccount(job: AccountJob, access: AccountAccess): Promise<InventoryPartition[]> {
  const { config, capturedAt } = job;
  if (access.error) {
    const cause = access.error;
    return unreachableRegions(config, job.home).map((region) => unreachablePartition(config, access.account, region, capturedAt, cause));
  }
  const regions = await accountRegions(config, job.home, access, job.deps, job.limit);
  if (!Array.isArray(regions)) return [unreachablePartition(config, access.account, job.home, capturedAt, regions)];
  return Promise.all(
    regions.map(async (region) => {
      const clients = partitionClients(region, access.credentials ?? job.deps.credentials, job.deps);
      try {
        return await collectPartition({
          account: access.account,
          region,
          config,
          clients,
          limit: job.limit,
          capturedAt,
          ...(job.deps.logsSince ? { logsSince: job.deps.logsSince } : {}),
          ...(job.deps.keepLogEvents ? { keepLogEvents: true } : {}),
        });
      } finally {
        destroyClients(clients);
      }
    }),
  );
}

export async function collectInventory(config: Config, deps: AwsDeps = {}): Promise<Inventory> {
  const capturedAt = (deps.now ?? (() => new Date()))().toISOString();
  const home = await homeRegion(config.aws.regions, deps);
  // STS is called in the home region (regional endpoint), never the global one.
  const sts = stsClient(home, deps.credentials, deps);
  const limit = createLimit(deps.concurrency ?? DEFAULT_CONCURRENCY);
  const job: AccountJob = { config, deps, limit, home, capturedAt };
  const note = deps.note ?? (() => {});
  try {
    const jobs: Promise<InventoryPartition[]>[] = [];
    if (config.aws.organization) {
      const organizations = organizationsClient(home, deps.credentials, deps);
      try {
        const found: AsyncIterable<PendingAccess> = organizationAccess(config, { sts, organizations, limit, region: home, note });
        for await (const { access } of found) jobs.push(access.then((a) => collectAccount(job, a)));
        // Partitions still being collected keep using the clients below, so wait for them here.
        return { partitions: (await Promise.all(jobs)).flat() };
      } finally {
        organizations.destroy();
      }
    }
    for (const access of await resolveAccounts(config, sts)) jobs.push(collectAccount(job, access));
    return { partitions: (await Promise.all(jobs)).flat() };
  } finally {
    // Assumed-role credentials renew through this client, so it lives until collection ends.
    sts.destroy();
  }
}
