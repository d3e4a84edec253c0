import crypto from "node:crypto";
import type { ResourceRef } from "./model.js";

/**
 * A finding's id: the same check, resource and subject give the same id on every run and
 * machine, so history, mutes and alerts can follow one finding over time.
 */
/** One-shot hashing (Node 20.12+) where available: an audit hashes tens of thousands of ids. */
const sha256Hex: (data: string) => string =
  typeof (crypto as { hash?: unknown }).hash === "function"
    ? (data) => (crypto as unknown as { hash(a: string, d: string, e: "hex"): string }).hash("sha256", data, "hex")
    : (data) => crypto.createHash("sha256").update(data).digest("hex");

export function findingId(checkId: string, resource: Pick<ResourceRef, "id" | "account" | "region">, subject: string | undefined): string {
  return sha256Hex(
    `${checkId}\u0000${resource.account ?? ""}\u0000${resource.region ?? ""}\u0000${resource.id}\u0000${subject ?? ""}`,
  ).slice(0, 32);
}
