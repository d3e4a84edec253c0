/** Validation of the payloads Step Functions sends; a malformed one is a bug, named as such. */
import type { CollectItem, EvaluateEvent, ProbeRequest } from "./contract.js";

export class BadEventError extends Error {
  override name = "BadEventError";
}

function field(event: unknown, name: string): unknown {
  return typeof event === "object" && event !== null ? (event as Record<string, unknown>)[name] : undefined;
}

function text(event: unknown, name: string, what: string): string {
  const value = field(event, name);
  if (typeof value !== "string" || value === "") throw new BadEventError(`${name}: expected ${what}, got ${JSON.stringify(value)}`);
  return value;
}

export function parseCollectItem(event: unknown): CollectItem {
  const accountListed = field(event, "accountListed");
  if (typeof accountListed !== "boolean")
    throw new BadEventError(`accountListed: expected true or false, got ${JSON.stringify(accountListed)}`);
  return {
    account: text(event, "account", "an account id"),
    region: text(event, "region", "a region"),
    accountListed,
    runId: text(event, "runId", "the execution name"),
  };
}

export function parseProbeItem(event: unknown): ProbeRequest {
  const kind = field(event, "kind");
  if (kind !== "postgres" && kind !== "redis" && kind !== "mysql")
    throw new BadEventError(`kind: expected postgres, mysql or redis, got ${JSON.stringify(kind)}`);
  return { kind, name: text(event, "name", "a target name"), runId: text(event, "runId", "the execution name") };
}

export function parseEvaluateEvent(event: unknown): EvaluateEvent {
  const partitions = field(event, "partitions");
  const probes = field(event, "probes");
  const execution = field(event, "execution");
  if (!Array.isArray(partitions)) throw new BadEventError(`partitions: expected the collect results, got ${JSON.stringify(partitions)}`);
  if (!Array.isArray(probes)) throw new BadEventError(`probes: expected the probe results, got ${JSON.stringify(probes)}`);
  const startTime = text(execution, "startTime", "the execution start time");
  if (Number.isNaN(Date.parse(startTime)))
    throw new BadEventError(`execution.startTime: expected an ISO 8601 time, got ${JSON.stringify(startTime)}`);
  for (const [i, p] of partitions.entries()) {
    if (field(p, "failed") !== true && typeof field(p, "key") !== "string") {
      throw new BadEventError(`partitions[${i}]: expected an artifact key or a failure marker`);
    }
  }
  for (const [i, p] of probes.entries()) {
    if (field(p, "failed") !== true && typeof field(p, "key") !== "string") {
      throw new BadEventError(`probes[${i}]: expected an artifact key or a failure marker`);
    }
  }
  return {
    partitions: partitions as EvaluateEvent["partitions"],
    probes: probes as EvaluateEvent["probes"],
    execution: { id: text(execution, "id", "the execution ARN"), name: text(execution, "name", "the execution name"), startTime },
  };
}
