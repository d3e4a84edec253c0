import { createHash } from "node:crypto";
import type { ResourceRef } from "./model.js";

/**
 * A finding's id: the same check, resource and subject give the same id on every run and
 * machine, so history, mutes and alerts can follow one finding over time.
 */
export function findingId(checkId: string, resource: Pick<ResourceRef, "id" | "account" | "region">, subject: string | undefined): string {
  return createHash("sha256")
    .update([checkId, resource.account ?? "", resource.region ?? "", resource.id, subject ?? ""].join("\u0000"))
    .digest("hex")
    .slice(0, 32);
}
