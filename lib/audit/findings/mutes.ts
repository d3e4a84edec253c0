import type { Mute } from "../config/schema.js";
import type { CheckResult } from "./model.js";

export type MuteMatch = { mute: Mute; active: boolean } | undefined;

/** A mute holds through the whole of its `expires` day (UTC) and no longer. */
export function muteIsActive(mute: Pick<Mute, "expires">, now: Date): boolean {
  return now.getTime() < Date.parse(`${mute.expires}T00:00:00Z`) + 86_400_000;
}

/**
 * The mute that matches a result (same check and resource, and subject when the mute
 * names one). An active mute wins over an expired one.
 */
export function findMute(mutes: readonly Mute[], result: Pick<CheckResult, "checkId" | "resource" | "subject">, now: Date): MuteMatch {
  let expired: MuteMatch;
  for (const mute of mutes) {
    if (mute.check !== result.checkId || mute.resource !== result.resource.id) continue;
    if (mute.subject !== undefined && mute.subject !== result.subject) continue;
    if (muteIsActive(mute, now)) return { mute, active: true };
    expired ??= { mute, active: false };
  }
  return expired;
}
