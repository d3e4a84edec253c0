/**
 * The alert policy: which findings of a run are worth telling someone about. Pure.
 *
 * - FAIL at or above `minSeverity` whose current episode has not been notified yet: its
 *   episode started `new` or `regressed` (this run, or an earlier run whose publish
 *   failed: the state only advances after delivery, so it is retried here).
 * - A reminder for a notified FAIL still open `remindAfterHours` after the last alert.
 * - `resolved` (by PASS or by leaving scope) for an episode that was notified, when
 *   `notifyResolved`; pending until delivered, like the others.
 * - Every ERROR finding when the run is `incomplete`, which always alerts.
 * Nothing else: an open violation that was told and is not yet due a reminder is silent.
 */

import { atLeast, type Finding, type Fix, type ResourceRef, type RunSummary, type Severity, severityRank } from "../findings/model.js";
import { type FindingState, type NotifiedChange, type ResolvedBy, resolvedEpisode } from "./changes.js";

export type AlertKind = NotifiedChange | "error";

export interface AlertPolicy {
  minSeverity: Severity;
  remindAfterHours: number;
  notifyResolved: boolean;
}

export interface AlertItem {
  kind: AlertKind;
  findingId: string;
  checkId: string;
  severity: Severity;
  resource: ResourceRef;
  subject?: string;
  message: string;
  remediation?: string;
  /** Start of the FAIL episode the alert is about. */
  openSince?: string;
  resolvedAt?: string;
  /** For `resolved`: fixed (`pass`: its own PASS; `fixed`: the resource was observed without the fault) or gone from the audit's scope (`absent`). */
  resolvedBy?: ResolvedBy;
  /** The finding's own fix (new, regressed, reminder, error). */
  fix?: Fix;
}

/** One run's alert: what the notifiers send, and what `markNotified` records once delivered. */
export interface Notification {
  run: RunSummary;
  /** Ordered by severity, then kind, then check and resource. */
  items: AlertItem[];
}

export interface PlanInput {
  run: RunSummary;
  /** The run's findings (with `change`). */
  findings: readonly Finding[];
  /** Next state of every finding id (after this run), at least those the run touched. */
  states: ReadonlyMap<string, FindingState>;
  policy: AlertPolicy;
  now: Date;
}

const KIND_ORDER: Record<AlertKind, number> = { error: 0, new: 1, regressed: 2, reminder: 3, resolved: 4 };

export function planAlerts(input: PlanInput): Notification | undefined {
  const { policy, now } = input;
  const items: AlertItem[] = [];
  const byId = new Map<string, Finding>();
  for (const f of input.findings) {
    byId.set(f.id, f);
    const state = input.states.get(f.id);
    if (f.status === "ERROR" && input.run.outcome === "incomplete") {
      items.push(itemOf("error", f));
      continue;
    }
    if (f.status !== "FAIL" || !state?.open || !atLeast(f.severity, policy.minSeverity)) continue;
    if (state.notifiedEpisode !== state.openSince) {
      items.push({ ...itemOf(state.openedAs ?? "new", f), openSince: state.openSince });
    } else if (reminderDue(state, policy, now)) {
      items.push({ ...itemOf("reminder", f), openSince: state.openSince });
    }
  }
  if (policy.notifyResolved) {
    for (const state of input.states.values()) {
      if (!resolutionPending(state)) continue;
      const f = byId.get(state.findingId);
      items.push({
        kind: "resolved",
        findingId: state.findingId,
        checkId: state.checkId,
        severity: state.severity,
        resource: state.resource,
        ...(state.subject !== undefined ? { subject: state.subject } : {}),
        message: f?.message ?? state.message,
        openSince: state.openSince,
        resolvedAt: state.resolvedAt,
        resolvedBy: state.resolvedBy,
      });
    }
  }
  if (items.length === 0 && input.run.outcome !== "incomplete") return undefined;
  items.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      a.checkId.localeCompare(b.checkId) ||
      a.resource.id.localeCompare(b.resource.id) ||
      (a.subject ?? "").localeCompare(b.subject ?? ""),
  );
  return { run: input.run, items };
}

function itemOf(kind: AlertKind, f: Finding): AlertItem {
  return {
    kind,
    findingId: f.id,
    checkId: f.checkId,
    severity: f.severity,
    resource: f.resource,
    ...(f.subject !== undefined ? { subject: f.subject } : {}),
    message: f.message,
    remediation: f.remediation,
    ...(f.fix ? { fix: f.fix } : {}),
  };
}

function reminderDue(state: FindingState, policy: AlertPolicy, now: Date): boolean {
  if (!state.lastNotifiedAt) return true;
  return now.getTime() - Date.parse(state.lastNotifiedAt) >= policy.remindAfterHours * 3_600_000;
}

/** A closed episode that was told about and whose resolution has not been told yet. */
function resolutionPending(state: FindingState): boolean {
  return (
    !state.open &&
    state.openSince !== undefined &&
    // A resolution older than the episode belongs to the one before (a muted episode has none).
    resolvedEpisode(state) &&
    state.notifiedEpisode === state.openSince &&
    state.lastNotifiedChange !== "resolved"
  );
}

/** What `markNotified` writes for one delivered item, or undefined when nothing is recorded. */
export function notifiedUpdate(
  item: AlertItem,
  deliveredAt: string,
): Pick<FindingState, "lastNotifiedAt" | "lastNotifiedChange" | "notifiedEpisode"> | undefined {
  if (item.kind === "error") return undefined;
  if (item.kind === "resolved") return { lastNotifiedAt: deliveredAt, lastNotifiedChange: "resolved" };
  return { lastNotifiedAt: deliveredAt, lastNotifiedChange: item.kind, notifiedEpisode: item.openSince };
}
