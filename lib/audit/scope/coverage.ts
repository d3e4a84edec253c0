/**
 * Whether the inventory covers every (account, region) the config names. A capture that
 * failed for one account must not turn a pipeline green: each configured pair without a
 * partition (or, offline, without the meta.json the export writes last) is a gap naming the
 * account and region, which the audit-error check turns into an ERROR. Pure: config and
 * inventory in, gaps (ScopeGap, plain data like the rest of scope/) and notes out.
 */
import type { Config } from "../config/schema.js";
import { INVENTORY_FILES, type Inventory, type InventoryPartition } from "../inventory/types.js";
import type { ObservationError } from "../model/observation.js";
import type { ScopeGap } from "./types.js";

/** The accounts and regions the config names; undefined where it leaves them to the credentials. */
export interface ConfiguredPairs {
  accounts: readonly string[] | undefined;
  regions: readonly string[] | undefined;
  /** Accounts an Organization's `exclude` names: left out of an offline audit too. */
  excludedAccounts?: readonly string[];
}

/**
 * An Organization's accounts and `regions: all` are found at run time, so they leave the
 * accounts or regions to the inventory, as the credentials' own account does.
 */
export function configuredPairs(config: Pick<Config, "aws">): ConfiguredPairs {
  const accounts = config.aws.accounts?.map((a) => a.id);
  const regions = config.aws.regions;
  return {
    accounts: accounts && accounts.length > 0 ? accounts : undefined,
    regions: Array.isArray(regions) && regions.length > 0 ? regions : undefined,
    excludedAccounts: (config.aws.organization?.exclude ?? []).filter((ref) => /^\d{12}$/.test(ref)),
  };
}

function gap(account: string | undefined, region: string | undefined, reason: string, code: string): ScopeGap {
  const id = `${account ?? "*"}/${region ?? "*"}`;
  const cause: ObservationError = {
    source: `inventory ${id}`,
    ref: id,
    reason,
    code,
    ...(account !== undefined ? { account } : {}),
    ...(region !== undefined ? { region } : {}),
  };
  return {
    resource: {
      type: "QueueAuditor::Source",
      id,
      ...(account !== undefined ? { account } : {}),
      ...(region !== undefined ? { region } : {}),
    },
    subject: code,
    message: `${reason[0]?.toUpperCase()}${reason.slice(1)}: nothing there was audited.`,
    cause,
  };
}

function describe(account: string | undefined, region: string | undefined): string {
  if (account !== undefined && region !== undefined) return `account ${account} in ${region}`;
  if (account !== undefined) return `account ${account}`;
  return `region ${region}`;
}

/** A gap for every configured (account, region) the inventory does not hold, or holds without meta.json. */
export function coverageGaps(config: Pick<Config, "aws">, inventory: Inventory): ScopeGap[] {
  const { accounts, regions } = configuredPairs(config);
  if (inventory.notRead || (accounts === undefined && regions === undefined)) return [];
  const wanted: [string | undefined, string | undefined][] = [];
  for (const account of accounts ?? [undefined]) for (const region of regions ?? [undefined]) wanted.push([account, region]);
  const out: ScopeGap[] = [];
  for (const [account, region] of wanted) {
    const matching = inventory.partitions.filter(
      (p) => (account === undefined || p.account === account) && (region === undefined || p.region === region),
    );
    const where = describe(account, region);
    if (matching.length === 0) {
      const expected =
        account !== undefined && region !== undefined
          ? `a ${account}/${region}/ directory with its ${INVENTORY_FILES.meta}`
          : "its exports";
      out.push(gap(account, region, `the inventory holds nothing for ${where} (expected ${expected})`, "PartitionMissing"));
      continue;
    }
    for (const p of matching.filter((m) => m.withoutMeta)) {
      const dir = p.origin.kind === "offline" ? p.origin.dir : `${p.account}/${p.region}`;
      out.push(
        gap(
          p.account,
          p.region,
          `the inventory of ${describe(p.account, p.region)} has no ${INVENTORY_FILES.meta} (${dir}): the export writes it last, so the capture may not have finished`,
          "MetaMissing",
        ),
      );
    }
  }
  return out;
}

/** Whether a partition is one the config asks for. */
export function isConfigured(pairs: ConfiguredPairs, partition: Pick<InventoryPartition, "account" | "region">): boolean {
  return (
    !pairs.excludedAccounts?.includes(partition.account) &&
    (pairs.accounts === undefined || pairs.accounts.includes(partition.account)) &&
    (pairs.regions === undefined || pairs.regions.includes(partition.region))
  );
}

/**
 * The partitions the config asks for. Others are left out, as a live audit would never
 * collect them, each with a one-line note (an extra export is not an error).
 */
export function configuredPartitions(config: Pick<Config, "aws">, inventory: Inventory, note: (message: string) => void): Inventory {
  const pairs = configuredPairs(config);
  const kept: InventoryPartition[] = [];
  for (const p of inventory.partitions) {
    if (isConfigured(pairs, p)) {
      kept.push(p);
      continue;
    }
    const dir = p.origin.kind === "offline" ? `${p.origin.dir}: ` : "";
    note(
      pairs.excludedAccounts?.includes(p.account)
        ? `${dir}account ${p.account} in ${p.region} is excluded by aws.organization.exclude; ignored`
        : `${dir}account ${p.account} in ${p.region} is not in the config's aws.accounts × aws.regions; ignored`,
    );
  }
  return { partitions: kept };
}
