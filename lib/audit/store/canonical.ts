/**
 * Canonical JSON and the run hash. The hash covers everything a reader of a run sees, so
 * changing any stored field of the run or of one of its findings breaks the chain.
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
}

export function runHash(content: ChainedContent): string {
  const findings = [...content.findings].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const body = canonicalJson({ v: 1, seq: content.seq, prevHash: content.prevHash, run: content.run, findings });
  return createHash("sha256").update(body).digest("hex");
}

/** The JSON form of a value: what DynamoDB will hand back (no Dates, no undefined). */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
