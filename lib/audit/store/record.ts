/**
 * What the audit command (and the evaluate-and-record Lambda) calls after evaluation:
 * classify changes against the stored state, plan the alert, and record the run.
 * Delivery is the caller's: send `notification`, then `markNotified` — only after a
 * successful send, so a failed publish is retried by the next run.
 */
import type { Config } from "../config/schema.js";
import { type Notification, notifiedUpdate, planAlerts } from "../findings/alerts.js";
import { classifyRun, type FindingState } from "../findings/changes.js";
import { countByStatus, sortFindings } from "../findings/finalize.js";
import type { AuditResult } from "../findings/model.js";
import { resolvedFinding } from "../findings/resolved.js";
import type { NotifiedMark, Store, StoredRun, WriteStats } from "./types.js";

export interface RecordOptions {
  /** `partial` for a targeted re-audit of some resources: absent findings are not closed. */
  scope?: "full" | "partial";
}

export interface RecordedRun {
  /** The result with `change` set on every finding. */
  result: AuditResult;
  /** What to send, or undefined when the run has nothing to tell. */
  notification: Notification | undefined;
  /** Open findings closed because they were absent from this (complete, full) run. */
  departed: FindingState[];
  stored: StoredRun & { stats: WriteStats };
}

export async function recordRun(
  store: Store,
  result: AuditResult,
  config: Pick<Config, "notifications" | "retentionDays">,
  now: Date,
  opts: RecordOptions = {},
): Promise<RecordedRun> {
  const prior = await store.loadStates();
  const changes = classifyRun(result.findings, prior, {
    runId: result.run.id,
    at: result.run.startedAt,
    outcome: result.run.outcome,
    scope: opts.scope,
  });
  const next = new Map(prior);
  for (const state of changes.states) next.set(state.findingId, state);
  const notification = planAlerts({
    run: result.run,
    findings: changes.findings,
    states: next,
    policy: config.notifications,
    now,
  });
  const findings = sortFindings([...changes.findings, ...changes.departed.map(resolvedFinding)]);
  const recorded: AuditResult = { ...result, run: { ...result.run, counts: countByStatus(findings) }, findings };
  const stored = await store.appendRun({
    run: recorded.run,
    findings,
    states: changes.states,
    retentionDays: config.retentionDays,
    now,
    scope: opts.scope,
  });
  return { result: recorded, notification, departed: changes.departed, stored };
}

/** Records that `notification` was delivered at `deliveredAt`, so it is not sent again. */
export async function markNotified(store: Store, notification: Notification, deliveredAt: Date): Promise<void> {
  const at = deliveredAt.toISOString();
  const marks: NotifiedMark[] = [];
  for (const item of notification.items) {
    const update = notifiedUpdate(item, at);
    if (!update?.lastNotifiedAt || !update.lastNotifiedChange) continue;
    marks.push({
      findingId: item.findingId,
      ...(item.openSince !== undefined ? { openSince: item.openSince } : {}),
      lastNotifiedAt: update.lastNotifiedAt,
      lastNotifiedChange: update.lastNotifiedChange,
      ...(update.notifiedEpisode !== undefined ? { notifiedEpisode: update.notifiedEpisode } : {}),
    });
  }
  await store.markNotified(marks);
}
