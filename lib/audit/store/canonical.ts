/**
 * Canonical JSON and the run hash (chain format 3). The hash covers everything a reader of
 * a run sees, so changing any stored field of the run or of one of its findings breaks
 * the chain. The findings enter through `findingsHash`, which the run record also stores:
 * the record alone can then be checked against its hash and seal even after DynamoDB's TTL
 * has swept some of its findings, so a run that really expired is told from one whose
 * expiry was backdated. `expiresAt` is `recordedAt` + `retentionDays` (both hashed), and
 * `priorExpiresAt` is the latest expiry of any earlier run: what lets verify accept a
 * missing run only when retention explains it.
 */
import { createHash } from "node:crypto";
import type { Finding, RunSummary } from "../findings/model.js";

/** The chain format these functions write and verify; it is hashed, and stored as `v` on every run. */
export const CHAIN_VERSION = 3;

/** The `prevHash` of the first run. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * JSON with object keys sorted at every level; `undefined` members are dropped and `toJSON`
 * is honoured, as JSON.stringify does (a finding's fix may be written only when read:
 * fix/deferred.ts), so what is hashed is what is stored.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function")
    return sortKeys((value as { toJSON(): unknown }).toJSON());
  if (value && typeof value === "object") {
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
  /** `findingsHash(findings)` of the run's findings. */
  findingsHash: string;
  findingCount: number;
  scope: "full" | "partial";
  recordedAt: string;
  retentionDays: number;
  /** TTL, epoch seconds: recordedAt + retentionDays. */
  expiresAt: number;
  /** The latest `expiresAt` of any earlier run; absent for the first run. */
  priorExpiresAt?: number;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** SHA-256 of the canonical JSON of the findings sorted by id, each as stored (with `change`). */
export function findingsHash(findings: readonly Finding[]): string {
  const sorted = [...findings].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sha256(canonicalJson(sorted));
}

export function runHash(content: ChainedContent): string {
  return sha256(
    canonicalJson({
      v: CHAIN_VERSION,
      seq: content.seq,
      prevHash: content.prevHash,
      run: content.run,
      findingsHash: content.findingsHash,
      findingCount: content.findingCount,
      scope: content.scope,
      recordedAt: content.recordedAt,
      retentionDays: content.retentionDays,
      expiresAt: content.expiresAt,
      priorExpiresAt: content.priorExpiresAt,
    }),
  );
}

/** Epoch seconds at which a run recorded at `recordedAt` with `retentionDays` expires. */
export function expiryOf(recordedAt: string, retentionDays: number): number {
  return Math.floor(Date.parse(recordedAt) / 1000) + retentionDays * 86_400;
}

/** The JSON form of a value: what DynamoDB will hand back (no Dates, no undefined). */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * SHA-256 of the canonical JSON of a validated config: the same on the CLI and in the
 * deployed functions (which carry the schema's output as JSON), and unchanged by key
 * order, comments or defaults written out in the file.
 */
export function configHash(config: unknown): string {
  return sha256(canonicalJson(config));
}
