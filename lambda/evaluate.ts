/**
 * Evaluate-and-record step: read the collected partitions and probe observations, turn
 * failure markers into observations with errors, evaluate, record the run in DynamoDB
 * (changes classified against the stored state), publish the alert, and emit the run's
 * metrics. Recording and delivery are `recordRun`'s, shared with the CLI: a publish that
 * fails does not fail the function (the run is recorded; throwing would read as "no
 * evidence" and a retry would record the run twice). It is logged as an error and counted
 * in the AlertsUndelivered metric, which an alarm watches; the alert stays due, so the next
 * run sends it. With `deploy.alerts.securityHub` the run's findings are also imported into
 * Security Hub (the stack's account and region); what it did not take is logged, counted in
 * FindingsNotImported and, like an unsent alert, in AlertsUndelivered, and sent again by the
 * next run, which imports every finding.
 */

import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { SNSClient } from "@aws-sdk/client-sns";
import type { Observations } from "../lib/audit/checks/types.js";
import { auditResult, evaluate, evaluatedCheckIds } from "../lib/audit/engine.js";
import { type AuditResult, SEVERITIES } from "../lib/audit/findings/model.js";
import type { Notifier } from "../lib/audit/notify/notifier.js";
import { securityHubSinkFor, targetFromProductArn } from "../lib/audit/notify/securityhub.js";
import { snsNotifier } from "../lib/audit/notify/sns.js";
import { type Delivery, recordRun, type SecurityHubImport } from "../lib/audit/record.js";
import { configHash } from "../lib/audit/store/canonical.js";
import { DynamoStore } from "../lib/audit/store/dynamo-store.js";
import { KmsSeal } from "../lib/audit/store/seal-kms.js";
import { getArtifact, getPartition } from "./support/artifacts.js";
import { deployedConfig } from "./support/config.js";
import { type CollectOutcome, ENV, type EvaluateOutput, isBranchFailure, TELEMETRY } from "./support/contract.js";
import { parseEvaluateEvent } from "./support/events.js";
import { failedMysql, failedPartition, failedPostgres, failedRedis } from "./support/failures.js";

const logger = new Logger();
const metrics = new Metrics();
const dynamodb = new DynamoDBClient({});
const sns = new SNSClient({});
const kms = new KMSClient({});
// The import retries and paces itself (lib/audit/notify/securityhub.ts): no SDK retries on top.
const securityHub = new SecurityHubClient({ maxAttempts: 1 });

export class MissingEnvironmentError extends Error {
  override name = "MissingEnvironmentError";
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new MissingEnvironmentError(`${name} is not set: the function was not deployed by the stack`);
  return value;
}

export async function handler(event: unknown): Promise<EvaluateOutput> {
  const input = parseEvaluateEvent(event);
  const config = deployedConfig();
  const artifacts = env(ENV.artifactsTable);
  const table = env(ENV.storeTable);
  const topicArn = env(ENV.topicArn);
  const chainKey = env(ENV.chainKey);
  const startedAt = new Date(input.execution.startTime);

  // A Distributed Map's outcomes are an artifact (thousands of them would exceed a state payload).
  const outcomes = input.collectOutcomes
    ? [...input.partitions, ...((await getArtifact(dynamodb, artifacts, input.collectOutcomes)) as CollectOutcome[])]
    : input.partitions;
  const partitions = await Promise.all(
    outcomes.map((p) =>
      isBranchFailure(p) ? failedPartition(config, p, startedAt.toISOString()) : getPartition(dynamodb, artifacts, p.key),
    ),
  );
  const stored = await Promise.all(input.probes.map((p) => (isBranchFailure(p) ? undefined : getArtifact(dynamodb, artifacts, p.key))));
  const observations: Observations = { postgres: [], redis: [] };
  const mysql: NonNullable<Observations["mysql"]> = [];
  observations.mysql = mysql;
  for (const [i, probe] of input.probes.entries()) {
    if (isBranchFailure(probe)) {
      if (probe.kind === "postgres") observations.postgres.push(failedPostgres(probe));
      else if (probe.kind === "mysql") mysql.push(failedMysql(probe));
      else {
        const failed = failedRedis(config, probe);
        if (failed) observations.redis.push(failed);
      }
    } else if (probe.kind === "postgres") observations.postgres.push(stored[i] as Observations["postgres"][number]);
    else if (probe.kind === "mysql") mysql.push(stored[i] as (typeof mysql)[number]);
    else observations.redis.push(stored[i] as Observations["redis"][number]);
  }

  const findings = evaluate({ config, inventory: { partitions }, observations, now: startedAt });
  const result = auditResult(findings, startedAt, new Date());
  const store = new DynamoStore(dynamodb, table, { description: `dynamodb:${table}`, seal: new KmsSeal(kms, chainKey) });
  const alerts = snsNotifier(topicArn, sns);
  const notifier: Notifier = config.deploy?.alerts.securityHub
    ? { ...alerts, securityHub: securityHubSinkFor(targetFromProductArn(env(ENV.securityHubProductArn)), securityHub) }
    : alerts;
  const recorded = await recordRun(store, result, config, new Date(), {
    evaluatedChecks: evaluatedCheckIds(config),
    configHash: configHash(config),
    notifier,
  });
  const { delivery } = recorded;
  const notified = delivery?.delivered ? delivery.digest.items.length : 0;
  if (delivery?.error) {
    logger.error("alert not delivered; the next run retries it", { runId: recorded.result.run.id, topicArn, error: delivery.error });
  }

  const imported = recorded.securityHub;
  if (imported?.error) {
    logger.error("findings not imported into Security Hub; the next run sends every finding again", {
      runId: recorded.result.run.id,
      failed: imported.report?.failed.length,
      error: imported.error,
    });
  }

  emitMetrics(recorded.result, delivery, imported);
  const { run } = recorded.result;
  logger.info("run recorded", {
    runId: run.id,
    execution: input.execution.name,
    outcome: run.outcome,
    counts: run.counts,
    failedBranches: outcomes.filter(isBranchFailure).length + input.probes.filter(isBranchFailure).length,
    notified,
    seq: recorded.stored.seq,
  });
  return {
    runId: run.id,
    outcome: run.outcome,
    counts: run.counts,
    notified,
    delivery: deliveryOutcome(delivery),
    ...(imported ? { securityHub: imported.error ? ("failed" as const) : ("imported" as const) } : {}),
  };
}

function deliveryOutcome(delivery: Delivery | undefined): EvaluateOutput["delivery"] {
  if (!delivery) return "nothing-to-send";
  return delivery.delivered ? "sent" : "failed";
}

function emitMetrics(result: AuditResult, delivery: Delivery | undefined, imported: SecurityHubImport | undefined): void {
  const failing = result.findings.filter((f) => f.status === "FAIL");
  for (const severity of SEVERITIES) {
    const single = metrics.singleMetric();
    single.addDimension("severity", severity);
    single.addMetric(TELEMETRY.metrics.failingFindings, MetricUnit.Count, failing.filter((f) => f.severity === severity).length);
  }
  metrics.addMetric(TELEMETRY.metrics.violationsOpen, MetricUnit.Count, failing.length);
  metrics.addMetric(TELEMETRY.metrics.auditErrors, MetricUnit.Count, result.run.counts.ERROR);
  // An import that failed is undelivered too: the AlertUndelivered alarm watches both.
  const undelivered = (delivery && !delivery.delivered) || imported?.error !== undefined;
  metrics.addMetric(TELEMETRY.metrics.alertsUndelivered, MetricUnit.Count, undelivered ? 1 : 0);
  if (imported) {
    const notImported = imported.report ? imported.report.failed.length : result.findings.length;
    metrics.addMetric(TELEMETRY.metrics.findingsNotImported, MetricUnit.Count, imported.error ? Math.max(1, notImported) : 0);
  }
  // Last: the missing-run alarm must only see runs whose evidence was recorded.
  metrics.addMetric(TELEMETRY.metrics.runsCompleted, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}
