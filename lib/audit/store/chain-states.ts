/**
 * Finding state checked against the chain. States live outside the hash chain (they are
 * rewritten every run and on every delivery), so verify rebuilds what each one must say
 * from the last verified run that touched its finding id and reports any that disagree:
 * an edited state could otherwise suppress an alert (an open critical marked notified, a
 * FAIL marked PASS, a state planted for a finding id before it first fails).
 */
import type { FindingState } from "../compare/changes.js";
import type { Finding } from "../findings/model.js";
import type { ReceiptMark } from "./seal.js";

/** Where a finding id was last seen in a verified run. */
export interface Occurrence {
  runId: string;
  seq: number;
  startedAt: string;
  finding: Finding;
}

export interface StateIssue {
  findingId: string;
  reason: string;
}

/** How a departed finding (closed by its absence from a run) was closed: fixed or gone from scope. */
const departedBy = (f: Finding): unknown => (f.change === "resolved" ? (f.evidence as { resolvedBy?: unknown })?.resolvedBy : undefined);
const departedFrom = (f: Finding) => departedBy(f) === "absent" || departedBy(f) === "fixed";

/** Why `state` disagrees with the run that last recorded its finding, or undefined when it agrees. */
export function stateDisagreement(state: FindingState, seen: Occurrence): string | undefined {
  const f = seen.finding;
  if (departedFrom(f)) {
    // A departed finding keeps its last seen run; the departing run closed it.
    if (state.open || state.resolvedBy !== departedBy(f) || state.resolvedAt !== seen.startedAt) {
      return `run #${seen.seq} closed it as no longer found, but the state says ${state.open ? "open" : `resolved by ${state.resolvedBy ?? "nothing"} at ${state.resolvedAt ?? "no time"}`}`;
    }
    return undefined;
  }
  if (state.lastRunId !== seen.runId)
    return `the state names run ${state.lastRunId}, but its last verified run is #${seen.seq} (${seen.runId})`;
  const differs: string[] = [];
  if (state.status !== f.status) differs.push(`status ${state.status} (run: ${f.status})`);
  if (state.severity !== f.severity) differs.push(`severity ${state.severity} (run: ${f.severity})`);
  if (state.checkId !== f.checkId) differs.push(`check ${state.checkId} (run: ${f.checkId})`);
  if (state.resource.id !== f.resource.id) differs.push(`resource ${state.resource.id} (run: ${f.resource.id})`);
  if ((state.subject ?? "") !== (f.subject ?? "")) differs.push("subject");
  if (state.lastSeen !== seen.startedAt) differs.push(`lastSeen ${state.lastSeen} (run: ${seen.startedAt})`);
  if (f.status === "FAIL" && !state.open) differs.push("closed while the run found it failing");
  if ((f.status === "PASS" || f.status === "MUTED") && state.open) differs.push(`open while the run found it ${f.status}`);
  if (f.status === "FAIL" && (f.change === "new" || f.change === "regressed") && state.openSince !== seen.startedAt) {
    differs.push(`openSince ${state.openSince ?? "none"} (the episode opened in run #${seen.seq} at ${seen.startedAt})`);
  }
  return differs.length ? `disagrees with run #${seen.seq} (${seen.runId}): ${differs.join(", ")}` : undefined;
}

/** Why the state's notification fields are not what the sealed receipt of that delivery says. */
export function notificationDisagreement(state: FindingState, receipt: readonly ReceiptMark[] | undefined): string | undefined {
  if (state.lastNotifiedAt === undefined) return undefined;
  if (!state.lastNotifiedRunId) return `claims a notification at ${state.lastNotifiedAt} that no sealed receipt records`;
  if (!receipt) return `claims a notification at ${state.lastNotifiedAt} for run ${state.lastNotifiedRunId}, which has no sealed receipt`;
  const mark = receipt.find((m) => m.findingId === state.findingId);
  if (!mark) return `claims a notification at ${state.lastNotifiedAt} that the receipt of run ${state.lastNotifiedRunId} does not list`;
  if (
    mark.lastNotifiedAt !== state.lastNotifiedAt ||
    mark.lastNotifiedChange !== state.lastNotifiedChange ||
    // A resolved mark leaves the episode of the last violation alert in place.
    (mark.notifiedEpisode !== undefined && mark.notifiedEpisode !== state.notifiedEpisode)
  ) {
    return `claims a ${state.lastNotifiedChange ?? "?"} notification at ${state.lastNotifiedAt}; the sealed receipt of run ${state.lastNotifiedRunId} records ${mark.lastNotifiedChange} at ${mark.lastNotifiedAt}`;
  }
  return undefined;
}
