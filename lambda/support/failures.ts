/**
 * Failure markers of the state machine (a collect or probe branch that failed after its
 * retries) as the observations the checks understand: an unreachable partition, or a
 * target observation with `error`. The checks then report ERROR findings and the engine an
 * `audit-error`: the gap shows in the evidence instead of passing for a clean result.
 */
import type { Config } from "../../lib/audit/config/schema.js";
import type { ObservationError } from "../../lib/audit/findings/model.js";
import { unreachablePartition } from "../../lib/audit/inventory/aws/partition.js";
import type { InventoryPartition } from "../../lib/audit/inventory/types.js";
import type { MysqlObservation } from "../../lib/audit/probes/mysql/types.js";
import type { PostgresObservation } from "../../lib/audit/probes/postgres/types.js";
import type { RedisObservation } from "../../lib/audit/probes/redis/types.js";
import { endpointSource } from "../../lib/audit/probes/redis/unauthenticated.js";
import type { BranchFailure, CollectItem, ProbeItem } from "./contract.js";

const MAX_REASON = 300;

/** The Lambda error's message out of a Step Functions `Cause` (JSON for Lambda errors, text otherwise). */
export function causeMessage(cause: string): string {
  let text = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === "string") text = parsed.errorMessage;
  } catch {
    // not JSON: Step Functions' own cause text
  }
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
}

function reason(step: string, failure: BranchFailure): string {
  const message = causeMessage(failure.cause ?? "");
  return `the ${step} step failed after its retries: ${failure.error}${message ? `: ${message}` : ""}`;
}

export function failedPartition(
  config: Config,
  failure: Omit<CollectItem, "runId"> & BranchFailure,
  capturedAt: string,
): InventoryPartition {
  const cause: Omit<ObservationError, "region"> = {
    source: `collect ${failure.account}/${failure.region}`,
    reason: reason("collect", failure),
    code: failure.error,
    account: failure.account,
  };
  return unreachablePartition(config, failure.account, failure.region, capturedAt, cause);
}

export function failedPostgres(failure: ProbeItem & BranchFailure): PostgresObservation {
  return { target: failure.name, error: { source: `postgres:${failure.name}`, reason: reason("probe", failure), code: failure.error } };
}

export function failedMysql(failure: ProbeItem & BranchFailure): MysqlObservation {
  return { target: failure.name, error: { source: `mysql:${failure.name}`, reason: reason("probe", failure), code: failure.error } };
}

/** undefined when the target is not in the config (the evaluate step then reports the config's targets as unobserved). */
export function failedRedis(config: Config, failure: ProbeItem & BranchFailure): RedisObservation | undefined {
  const target = config.redis.find((t) => t.name === failure.name);
  if (!target) return undefined;
  const { host, port } = target.endpoint;
  return {
    target: target.name,
    host,
    port,
    error: { source: endpointSource(host, port), reason: reason("probe", failure), code: failure.error },
    tls: { attempted: false, spoken: false, verified: false, trust: target.caFile ? { caFile: target.caFile } : "system" },
    unauthenticated: { outcome: "error" },
  };
}
