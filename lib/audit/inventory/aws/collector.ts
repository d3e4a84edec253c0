/**
 * What every per-service collector of one account × region shares: the clients, the
 * concurrency bound, and how a call's outcome becomes an observed part of the partition
 * (its value, or why it could not be observed). One failing call leaves the rest intact.
 */
import type { Config } from "../../config/schema.js";
import { INVENTORY_CALLS, type Observed, type PartitionField, sourceOf } from "../types.js";
import type { PartitionClients } from "./clients.js";
import { toObservationError } from "./errors.js";
import type { Limit } from "./limit.js";

export const LIVE = { kind: "live" } as const;

export interface CollectContext {
  account: string;
  region: string;
  config: Config;
  clients: PartitionClients;
  limit: Limit;
}

/** Largest page sizes the APIs accept. */
export const PAGE_SIZE = {
  securityGroups: 1000,
  prefixListEntries: 100,
  rds: 100,
  dbParameters: 100,
  elasticache: 100,
  /** DescribeServerlessCaches documents no maximum, only its default of 50: stay on the safe side. */
  serverlessCaches: 50,
  subnets: 1000,
  routeTables: 100,
  networkAcls: 1000,
} as const;

export async function attempt<T>(
  ctx: CollectContext,
  field: PartitionField,
  key: string | undefined,
  fn: () => Promise<T>,
): Promise<Observed<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return {
      ok: false,
      error: toObservationError(err, {
        action: INVENTORY_CALLS[field],
        ...(key === undefined ? {} : { key }),
        account: ctx.account,
        region: ctx.region,
      }),
    };
  }
}

/** One call per key (a parameter group, a prefix list, a secret), each observed on its own. */
export async function keyed<T>(
  ctx: CollectContext,
  field: PartitionField,
  keys: readonly string[],
  fn: (key: string) => Promise<T>,
): Promise<Record<string, Observed<T>>> {
  const entries = await Promise.all(keys.map(async (key) => [key, await attempt(ctx, field, key, () => fn(key))] as const));
  return Object.fromEntries(entries);
}

/** A part deliberately not collected: the config does not need it. Never an empty "clean" list. */
export function notCollected(ctx: CollectContext, field: PartitionField, why: string): Observed<never> {
  return {
    ok: false,
    error: {
      source: sourceOf({ origin: LIVE }, field),
      reason: `not collected: ${why}`,
      code: "NotCollected",
      account: ctx.account,
      region: ctx.region,
    },
  };
}
