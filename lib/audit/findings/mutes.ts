import type { Mute } from "../config/schema.js";
import type { CheckResult } from "./model.js";

export type MuteMatch = { mute: Mute; active: boolean } | undefined;

/** A mute holds through the whole of its `expires` day (UTC) and no longer. */
export function muteIsActive(mute: Pick<Mute, "expires">, now: Date): boolean {
  return now.getTime() < Date.parse(`${mute.expires}T00:00:00Z`) + 86_400_000;
}

/**
 * A network subject is `SOURCE PROTOCOL PORT` ("198.51.100.0/24 tcp 5432"); a mute may name
 * just the source, as CONTRACTS.md's example does, to cover every port and protocol of it.
 * Other subjects (role names, which may contain spaces) must match exactly.
 */
function subjectMatches(muted: string, result: Pick<CheckResult, "checkId" | "subject">): boolean {
  const subject = result.subject ?? "";
  return subject === muted || (result.checkId.startsWith("sg-") && subject.startsWith(`${muted} `));
}

/**
 * The mute that matches a result (same check and resource, and subject when the mute
 * names one). An active mute wins over an expired one.
 */
export function findMute(mutes: readonly Mute[], result: Pick<CheckResult, "checkId" | "resource" | "subject">, now: Date): MuteMatch {
  let expired: MuteMatch;
  for (const mute of mutes) {
    if (mute.check !== result.checkId || mute.resource !== result.resource.id) continue;
    if (mute.subject !== undefined && !subjectMatches(mute.subject, result)) continue;
    if (muteIsActive(mute, now)) return { mute, active: true };
    expired ??= { mute, active: false };
  }
  return expired;
}
