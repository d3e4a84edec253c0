/**
 * The partitions (account × region) a run will collect, found without collecting them: the
 * deployed stack's discovery step writes them as the items of its Distributed Map, which
 * collects each in a Lambda of its own. The same decisions as `collectInventory`, from the
 * same code: the accounts of the config's list, of the credentials or of the Organization
 * (accounts.ts, organization.ts), and the configured regions or, for `regions: all`, each
 * account's enabled ones (`accountRegions`).
 *
 * An account that cannot be reached (its role refused, its regions not listable, the
 * Organization not listable) still yields a partition, carrying why: the collect step stores
 * it as unreachable, so it becomes ERROR findings instead of a missing account.
 */
import type { Config } from "../../config/schema.js";
import type { ObservationError } from "../../model/observation.js";
import { type AccountAccess, organizationAccess, resolveAccounts } from "./accounts.js";
import { type AwsDeps, DEFAULT_CONCURRENCY, enabledRegions, homeRegion, organizationsClient, stsClient } from "./clients.js";
import { errorCode, isAccessDenied } from "./errors.js";
import { createLimit, type Limit } from "./limit.js";

export interface PlannedPartition {
  account: string;
  region: string;
  /** False when the config lists no accounts: the credentials' own account. */
  accountListed: boolean;
  /** Why nothing can be collected there; every part of the partition carries it. */
  unreachable?: Omit<ObservationError, "region">;
}

/** The regions to collect in one account: the configured list, the home region, or the account's enabled regions. */
export async function accountRegions(
  config: Config,
  home: string,
  access: AccountAccess,
  deps: AwsDeps,
  limit: Limit,
): Promise<string[] | Omit<ObservationError, "region">> {
  const configured = config.aws.regions;
  if (configured !== "all") return configured && configured.length > 0 ? [...configured] : [home];
  try {
    // Urgent: the account's partitions wait for its regions.
    return await limit(() => enabledRegions(home, access.credentials ?? deps.credentials, deps), true);
  } catch (err) {
    const code = errorCode(err);
    return {
      source: "ec2:DescribeRegions",
      reason: isAccessDenied(code)
        ? `the account's enabled regions could not be listed (regions: all): access denied (${code}); the role needs ec2:DescribeRegions`
        : `the account's enabled regions could not be listed (regions: all): ${code}`,
      code,
      account: access.account,
    };
  }
}

/** The regions an unreachable account is reported in: the configured ones, else the home region. */
export function unreachableRegions(config: Config, home: string): string[] {
  return Array.isArray(config.aws.regions) && config.aws.regions.length > 0 ? [...config.aws.regions] : [home];
}

async function partitionsOf(
  config: Config,
  home: string,
  access: AccountAccess,
  accountListed: boolean,
  deps: AwsDeps,
  limit: Limit,
): Promise<PlannedPartition[]> {
  const { account } = access;
  if (access.error)
    return unreachableRegions(config, home).map((region) => ({ account, region, accountListed, unreachable: access.error }));
  const regions = await accountRegions(config, home, access, deps, limit);
  if (!Array.isArray(regions)) return [{ account, region: home, accountListed, unreachable: regions }];
  return regions.map((region) => ({ account, region, accountListed }));
}

/**
 * Every partition of the config, yielded as found (an Organization's as its listing pages
 * arrive). With a list of regions, no member role is assumed here: the collect step does
 * that; with `regions: all`, each account's role is assumed to list its enabled regions.
 */
export async function* discoverPartitions(config: Config, deps: AwsDeps = {}): AsyncGenerator<PlannedPartition> {
  const home = await homeRegion(config.aws.regions, deps);
  const limit = createLimit(deps.concurrency ?? DEFAULT_CONCURRENCY);
  const listedRegions = config.aws.regions !== "all";
  const accounts = config.aws.accounts ?? [];
  if (!config.aws.organization && accounts.length > 0 && listedRegions) {
    // Nothing to ask AWS: the config names every account and region.
    const regions = unreachableRegions(config, home);
    for (const a of accounts) for (const region of regions) yield { account: a.id, region, accountListed: true };
    return;
  }
  const sts = stsClient(home, deps.credentials, deps);
  try {
    if (config.aws.organization) {
      const organizations = organizationsClient(home, deps.credentials, deps);
      try {
        const found = organizationAccess(config, {
          sts,
          organizations,
          limit,
          region: home,
          note: deps.note ?? (() => {}),
          assumeRoles: !listedRegions,
        });
        // Each account's regions are listed while later pages are fetched; yielded in the order found.
        const pending: Promise<PlannedPartition[]>[] = [];
        for await (const { access } of found) pending.push(access.then((a) => partitionsOf(config, home, a, true, deps, limit)));
        for (const p of pending) yield* await p;
      } finally {
        organizations.destroy();
      }
      return;
    }
    const listed = accounts.length > 0;
    const accesses = await resolveAccounts(config, sts);
    const all = await Promise.all(accesses.map((a) => partitionsOf(config, home, a, listed, deps, limit)));
    for (const partitions of all) yield* partitions;
  } finally {
    sts.destroy();
  }
}
