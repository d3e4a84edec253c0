/**
 * Canonical JSON and the run hash. The hash covers everything a reader of a run sees, so
 * changing any stored field of the run or of one of its findings breaks the chain. That
 * includes `expiresAt` (verify skips expired runs, so an unhashed expiry would let anyone
 * hide an edited run by backdating it) and `prevExpiresAt`, the predecessor's expiry as
 * this run's writer saw it: it is what lets verify tell a predecessor that really expired
 * from one that was deleted or backdated.
 */
import { createHash } from "node:crypto";
import type { Finding, RunSummary } from "../findings/model.js";

/** The `prevHash` of the first run. */
export const GENESIS_HASH = "0".repeat(64);

/** JSON with object keys sorted at every level; `undefined` members are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export interface ChainedContent {
  seq: number;
  prevHash: string;
  run: RunSummary;
  findings: readonly Finding[];
  scope: "full" | "partial";
  recordedAt: string;
  /** TTL, epoch seconds. */
  expiresAt?: number;
  /** The previous run's `expiresAt` when this run was appended; absent for the first run. */
  prevExpiresAt?: number;
}

export function runHash(content: ChainedContent): string {
  const findings = [...content.findings].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const body = canonicalJson({
    v: 2,
    seq: content.seq,
    prevHash: content.prevHash,
    run: content.run,
    findings,
    scope: content.scope,
    recordedAt: content.recordedAt,
    expiresAt: content.expiresAt,
    prevExpiresAt: content.prevExpiresAt,
  });
  return createHash("sha256").update(body).digest("hex");
}

/** The JSON form of a value: what DynamoDB will hand back (no Dates, no undefined). */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
