/**
 * Alarms and the dashboard. A dead auditor must never look like a clean one: besides
 * failed and timed-out executions and function errors, an alarm fires when no run has
 * completed within two schedule periods, and missing data counts as breaching.
 */
import { Duration } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, SingleValueWidget, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IStateMachine } from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { TELEMETRY } from "../../lambda/support/contract.js";
import { SEVERITIES } from "../audit/findings/model.js";

export interface MonitoringProps {
  readonly stateMachine: IStateMachine;
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly topic: ITopic;
  /** How often a run is expected (the schedule's period). */
  readonly runPeriod: Duration;
}

const DAY = 86_400;
/** CloudWatch evaluates an alarm over at most seven days. */
const MAX_WINDOW = 7 * DAY;

/** A metric the evaluate function emits (Powertools adds the `service` dimension). */
export function auditorMetric(name: string, statistic: string, period: Duration, extra: Record<string, string> = {}): Metric {
  return new Metric({
    namespace: TELEMETRY.namespace,
    metricName: name,
    dimensionsMap: { service: TELEMETRY.service, ...extra },
    statistic,
    period,
  });
}

/**
 * The missing-run window: two schedule periods, as one alarm period when that fits in a
 * day (the longest alarm period), else as consecutive whole days.
 */
export function missingRunWindow(runPeriod: Duration): { period: Duration; evaluationPeriods: number } {
  const window = Math.min(2 * runPeriod.toSeconds(), MAX_WINDOW);
  if (window <= DAY) return { period: Duration.seconds(Math.max(60, Math.ceil(window / 60) * 60)), evaluationPeriods: 1 };
  return { period: Duration.days(1), evaluationPeriods: Math.ceil(window / DAY) };
}

export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const add = (alarm: Alarm) => {
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
      return alarm;
    };

    add(
      props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: "Sum" }).createAlarm(this, "RunsFailed", {
        alarmDescription: "An audit run failed: no findings were recorded for it. See the execution in the Step Functions console.",
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    add(
      props.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: "Sum" }).createAlarm(this, "RunsTimedOut", {
        alarmDescription: "An audit run timed out before recording its findings.",
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      add(
        fn.metricErrors({ period: Duration.minutes(5), statistic: "Sum" }).createAlarm(this, `${name}Errors`, {
          alarmDescription: `The ${name} function failed (after its own retries); see its log group.`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    add(
      new Alarm(this, "AlertUndelivered", {
        alarmDescription:
          "A run was recorded but its alert could not be published, or its findings not imported into Security Hub (see the evaluate function's log). The next run retries it.",
        metric: auditorMetric(TELEMETRY.metrics.alertsUndelivered, "Sum", Duration.minutes(5)),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    const window = missingRunWindow(props.runPeriod);
    add(
      new Alarm(this, "RunMissing", {
        alarmDescription:
          "No audit run completed within two schedule periods. The auditor is not running: its silence is not a clean audit.",
        metric: auditorMetric(TELEMETRY.metrics.runsCompleted, "Sum", window.period),
        threshold: 1,
        evaluationPeriods: window.evaluationPeriods,
        datapointsToAlarm: window.evaluationPeriods,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.BREACHING,
      }),
    );

    const hour = Duration.hours(1);
    const bySeverity = SEVERITIES.map((s) =>
      auditorMetric(TELEMETRY.metrics.failingFindings, "Maximum", hour, { severity: s }).with({ label: s }),
    );
    this.dashboard = new Dashboard(this, "Dashboard", { defaultInterval: Duration.days(30) });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: "Open violations (FAIL findings per run)",
        left: [auditorMetric(TELEMETRY.metrics.violationsOpen, "Maximum", hour).with({ label: "violations open" })],
        width: 12,
      }),
      new GraphWidget({ title: "Violations by severity", left: bySeverity, stacked: true, width: 12 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: "Runs and audit errors",
        left: [auditorMetric(TELEMETRY.metrics.runsCompleted, "Sum", hour).with({ label: "runs completed" })],
        right: [auditorMetric(TELEMETRY.metrics.auditErrors, "Maximum", hour).with({ label: "ERROR findings" })],
        width: 12,
      }),
      new GraphWidget({
        title: "Executions",
        left: [
          props.stateMachine.metricSucceeded({ period: hour }),
          props.stateMachine.metricFailed({ period: hour }),
          props.stateMachine.metricTimedOut({ period: hour }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new SingleValueWidget({
        title: "Violations open now",
        metrics: [auditorMetric(TELEMETRY.metrics.violationsOpen, "Maximum", hour).with({ label: "open" })],
        width: 6,
      }),
    );
  }
}
