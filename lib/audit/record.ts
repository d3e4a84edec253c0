/**
 * What every caller runs after evaluation — the audit command, the demo and the
 * evaluate-and-record Lambda alike: classify changes against the stored state, plan the
 * alert, record the run, then deliver the alert through the caller's notifier and mark it
 * notified — only after a successful send, so a failed send is retried by the next run.
 *
 * A failed delivery does not throw: the evidence is already recorded, and throwing would
 * make the run look unrecorded (or be retried into a second run). It comes back in
 * `delivery.error`; the CLI prints it, the Lambda logs it and counts it in a metric that
 * an alarm watches.
 *
 * When another writer takes the chain position first (ChainConflictError), the states
 * are reloaded and the run classified and appended again after the winner, a few times:
 * two overlapping runs must both keep their evidence, and the loser's changes are only
 * right against the winner's states.
 */

import packageJson from "../../package.json" with { type: "json" };
import { type Notification, notifiedUpdate, planAlerts } from "./compare/alerts.js";
import { classifyRun, type FindingState } from "./compare/changes.js";
import { resolvedFinding } from "./compare/resolved.js";
import type { Config } from "./config/schema.js";
import { countByStatus, sortFindings } from "./findings/finalize.js";
import type { AuditResult } from "./findings/model.js";
import { type Digest, digestFromNotification } from "./notify/digest.js";
import type { Notifier } from "./notify/notifier.js";
import { type ImportReport, SecurityHubImportError, type SecurityHubSink, type SecurityHubTarget } from "./notify/securityhub.js";
import { toAsff } from "./report/asff.js";
import { ChainConflictError, noChainKeyError } from "./store/errors.js";
import type { NotifiedMark, Store, StoredRun, WriteStats } from "./store/types.js";

export interface RecordOptions {
  /** `partial` for a targeted re-audit of some resources: absent findings are not closed. */
  scope?: "full" | "partial";
  /**
   * Check ids this run evaluated (the enabled checks). An open finding of a check not in
   * the set is not closed by its absence. Undefined: every check was evaluated.
   */
  evaluatedChecks?: ReadonlySet<string>;
  /** Appends tried in all when other writers keep winning the chain position. Default 3. */
  conflictAttempts?: number;
  /** Waits between conflicting attempts (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Where the alert goes. Without one nothing is sent and nothing marked: the alert stays
   * due (the `none` notifier says the same explicitly).
   */
  notifier?: Notifier;
  /**
   * Called once the run is recorded and before the alert is sent: the CLI writes its
   * result here, so the evidence is out even when a send hangs or fails.
   */
  onRecorded?: (recorded: RecordedRun) => void | Promise<void>;
  /** The delivery time written to the finding states; default: the clock at the send. */
  deliveredAt?: () => Date;
  /** `configHash(config)` of the config the run was judged by, recorded (and hashed) with the run. */
  configHash?: string;
  /** The tool version recorded with the run; default: package.json's. */
  toolVersion?: string;
}

export interface Delivery {
  digest: Digest;
  /** True only when the notifier sent it and the findings were marked notified. */
  delivered: boolean;
  /** Why the send failed (already free of webhook URLs); the next run retries the alert. */
  error?: Error;
}

const CONFLICT_ATTEMPTS = 3;
const CONFLICT_BACKOFF_MS = 100;

export interface RecordedRun {
  /** The result with `change` set on every finding. */
  result: AuditResult;
  /** What to send, or undefined when the run has nothing to tell. */
  notification: Notification | undefined;
  /** Open findings closed because they were absent from this (complete, full) run. */
  departed: FindingState[];
  /** The next state of every finding id this run touched (its findings and the departed). */
  states: FindingState[];
  stored: StoredRun & { stats: WriteStats };
}

export interface RecordedAndDelivered extends RecordedRun {
  /** Undefined when the run had nothing to tell; else what became of the alert. */
  delivery: Delivery | undefined;
  /** When the notifier imports into Security Hub: what became of this run's findings there. */
  securityHub?: SecurityHubImport;
}

/** The Security Hub import of one run. Like a failed alert, a failed import is returned, never thrown. */
export interface SecurityHubImport {
  target?: SecurityHubTarget;
  report?: ImportReport;
  /** Set when any finding was not imported (SecurityHubImportError lists them) or the import could not start. */
  error?: Error;
}

export async function recordRun(
  store: Store,
  result: AuditResult,
  config: Pick<Config, "notifications" | "retentionDays">,
  /**
   * The wall clock: stamps `recordedAt`/`expiresAt` and judges reminders. Never an audit's
   * `--now`, which judges checks and mutes only: a past `--now` would otherwise record a
   * run that expires at once and break the chain.
   */
  now: Date,
  opts: RecordOptions = {},
): Promise<RecordedAndDelivered> {
  const recorded = await recordWithRetries(store, result, config, now, opts);
  await opts.onRecorded?.(recorded);
  const delivery = opts.notifier
    ? await deliverNotification(store, opts.notifier, recorded.notification, opts.deliveredAt)
    : recorded.notification && { digest: digestFromNotification(recorded.notification), delivered: false };
  // Every recorded run, not only one with an alert: Security Hub holds each finding's current state.
  const securityHub = opts.notifier?.securityHub ? await importIntoSecurityHub(opts.notifier.securityHub, recorded) : undefined;
  return { ...recorded, delivery, ...(securityHub ? { securityHub } : {}) };
}

/**
 * The recorded run's findings (resolved ones included, to be archived) as ASFF, imported.
 * The next run sends every finding again, so what failed here is retried then.
 */
export async function importIntoSecurityHub(sink: SecurityHubSink, recorded: RecordedRun): Promise<SecurityHubImport> {
  let target: SecurityHubTarget | undefined;
  try {
    target = await sink.target();
    const report = await sink.import(
      toAsff({
        result: recorded.result,
        target,
        states: recorded.states,
        ...(recorded.result.run.toolVersion ? { toolVersion: recorded.result.run.toolVersion } : {}),
      }),
    );
    return report.failed.length > 0 ? { target, report, error: new SecurityHubImportError(report) } : { target, report };
  } catch (err) {
    return { ...(target ? { target } : {}), error: err instanceof Error ? err : new Error(String(err)) };
  }
}

async function recordWithRetries(
  store: Store,
  result: AuditResult,
  config: Pick<Config, "notifications" | "retentionDays">,
  now: Date,
  opts: RecordOptions,
): Promise<RecordedRun> {
  // Before any read: a store that cannot seal must fail for that reason, not a later one.
  if (store.persistent && !store.seal) throw noChainKeyError(store.description);
  const attempts = Math.max(1, opts.conflictAttempts ?? CONFLICT_ATTEMPTS);
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((ok) => setTimeout(ok, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await recordOnce(store, result, config, now, opts);
    } catch (err) {
      if (!(err instanceof ChainConflictError) || attempt >= attempts) throw err;
      // Full jitter: writers that collided once should not collide again in lockstep.
      await sleep(Math.random() * CONFLICT_BACKOFF_MS * 2 ** (attempt - 1));
    }
  }
}

async function recordOnce(
  store: Store,
  result: AuditResult,
  config: Pick<Config, "notifications" | "retentionDays">,
  now: Date,
  opts: RecordOptions,
): Promise<RecordedRun> {
  const prior = await store.loadStates();
  const changes = classifyRun(result.findings, prior, {
    runId: result.run.id,
    at: result.run.startedAt,
    outcome: result.run.outcome,
    scope: opts.scope,
    ...(opts.evaluatedChecks ? { evaluated: opts.evaluatedChecks } : {}),
  });
  const next = new Map(prior);
  for (const state of changes.states) next.set(state.findingId, state);
  const findings = sortFindings([...changes.findings, ...changes.departed.map(resolvedFinding)]);
  const provenance = { toolVersion: opts.toolVersion ?? packageJson.version, ...(opts.configHash ? { configHash: opts.configHash } : {}) };
  const recorded: AuditResult = { ...result, run: { ...result.run, counts: countByStatus(findings), ...provenance }, findings };
  // The alert counts what the run recorded (resolved subjects included as PASS): one PASS count everywhere.
  const notification = planAlerts({
    run: recorded.run,
    findings: changes.findings,
    states: next,
    policy: config.notifications,
    now,
  });
  const stored = await store.appendRun({
    run: recorded.run,
    findings,
    states: changes.states,
    retentionDays: config.retentionDays,
    recordedAt: now,
    scope: opts.scope,
  });
  return { result: recorded, notification, departed: changes.departed, states: changes.states, stored };
}

/**
 * Sends a run's notification and, only once it was delivered, marks it in the store so it
 * is not sent again. A failed send is returned, not thrown.
 */
export async function deliverNotification(
  store: Store,
  notifier: Notifier,
  notification: Notification | undefined,
  clock: () => Date = () => new Date(),
): Promise<Delivery | undefined> {
  if (!notification) return undefined;
  // A deployed store is named in the alert's history hint; the local default needs no --store.
  const digest = digestFromNotification(notification, store.description.startsWith("dynamodb:") ? { store: store.description } : {});
  if (!notifier.delivers) return { digest, delivered: false };
  try {
    await notifier.send(digest);
  } catch (err) {
    return { digest, delivered: false, error: err instanceof Error ? err : new Error(String(err)) };
  }
  await markNotified(store, notification, clock());
  return { digest, delivered: true };
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
      runId: notification.run.id,
      ...(item.openSince !== undefined ? { openSince: item.openSince } : {}),
      lastNotifiedAt: update.lastNotifiedAt,
      lastNotifiedChange: update.lastNotifiedChange,
      ...(update.notifiedEpisode !== undefined ? { notifiedEpisode: update.notifiedEpisode } : {}),
    });
  }
  await store.markNotified(marks);
}
