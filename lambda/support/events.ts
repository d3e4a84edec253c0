/** Validation of the payloads Step Functions sends; a malformed one is a bug, named as such. */
import type { CollectItem, ProbeItem } from "./contract.js";

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
  if (typeof accountListed !== "boolean") throw new BadEventError(`accountListed: expected true or false, got ${JSON.stringify(accountListed)}`);
  return {
    account: text(event, "account", "an account id"),
    region: text(event, "region", "a region"),
    accountListed,
    runId: text(event, "runId", "the execution name"),
  };
}

export function parseProbeItem(event: unknown): ProbeItem {
  const kind = field(event, "kind");
  if (kind !== "postgres" && kind !== "redis") throw new BadEventError(`kind: expected postgres or redis, got ${JSON.stringify(kind)}`);
  return { kind, name: text(event, "name", "a target name") };
}
