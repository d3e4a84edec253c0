/** Validation of the payloads Step Functions sends; a malformed one is a bug, named as such. */
import type { CollectItem, CollectRun, EvaluateEvent, ProbeRelayRequest, ProbeRequest, S3Location } from "./contract.js";

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
  const item: CollectItem = {
    account: text(event, "account", "an account id"),
    region: text(event, "region", "a region"),
    accountListed,
    runId: text(event, "runId", "the execution name"),
  };
  const unreachable = field(event, "unreachable");
  if (unreachable !== undefined && unreachable !== null) {
    const code = field(unreachable, "code");
    if (code !== undefined && typeof code !== "string")
      throw new BadEventError(`unreachable.code: expected text, got ${JSON.stringify(code)}`);
    item.unreachable = {
      source: text(unreachable, "source", "what could not be observed"),
      reason: text(unreachable, "reason", "why"),
      ...(code !== undefined ? { code } : {}),
      account: item.account,
    };
  }
  return item;
}

/** The discovery step's input ({ runId }), or the gathering step's ({ runId, collectRun }). */
export function parseDiscoverEvent(event: unknown): { runId: string; collectRun?: CollectRun } {
  const runId = text(event, "runId", "the execution name");
  const run = field(event, "collectRun");
  if (run === undefined) return { runId };
  return { runId, collectRun: { items: location(run, "items"), manifest: location(run, "manifest") } };
}

function location(event: unknown, name: string): S3Location {
  const value = field(event, name);
  return { bucket: text(value, "bucket", `${name}'s bucket`), key: text(value, "key", `${name}'s key`) };
}

export function parseProbeItem(event: unknown): ProbeRequest {
  const kind = field(event, "kind");
  if (kind !== "postgres" && kind !== "redis" && kind !== "mysql")
    throw new BadEventError(`kind: expected postgres, mysql or redis, got ${JSON.stringify(kind)}`);
  return { kind, name: text(event, "name", "a target name"), runId: text(event, "runId", "the execution name") };
}

/** A Lambda function ARN (no version or alias: the relay invokes the placement's function as deployed). */
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d):\d{12}:function:[A-Za-z0-9_-]{1,64}$/;

export function parseProbeRelayItem(event: unknown): ProbeRelayRequest & { region: string } {
  const item = parseProbeItem(event);
  const functionArn = text(event, "functionArn", "the placement's probe function ARN");
  const region = FUNCTION_ARN.exec(functionArn)?.[1];
  if (!region) throw new BadEventError(`functionArn: expected a Lambda function ARN, got ${JSON.stringify(functionArn)}`);
  return { ...item, functionArn, region };
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
  const outcomes = field(event, "collectOutcomes");
  if (outcomes !== undefined && outcomes !== null && typeof outcomes !== "string")
    throw new BadEventError(`collectOutcomes: expected an artifact key, got ${JSON.stringify(outcomes)}`);
  return {
    partitions: partitions as EvaluateEvent["partitions"],
    ...(typeof outcomes === "string" ? { collectOutcomes: outcomes } : {}),
    probes: probes as EvaluateEvent["probes"],
    execution: { id: text(execution, "id", "the execution ARN"), name: text(execution, "name", "the execution name"), startTime },
  };
}
