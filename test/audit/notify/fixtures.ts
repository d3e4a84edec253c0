import type { AlertItem, Notification } from "../../../lib/audit/compare/alerts.js";

export function item(over: Partial<AlertItem> & { findingId: string }): AlertItem {
  return {
    kind: "new",
    checkId: "sg-world-ingress",
    severity: "critical",
    resource: { type: "AWS::EC2::SecurityGroup", id: "sg-0a1b2c3d4e5f60001", account: "111122223333", region: "eu-west-1" },
    subject: "0.0.0.0/0 tcp 6379",
    message: "Security group sg-0a1b2c3d4e5f60001 admits 0.0.0.0/0 on port 6379 (Redis).",
    remediation: "Remove the rule: aws ec2 revoke-security-group-ingress --group-id sg-0a1b2c3d4e5f60001 ...",
    openSince: "2025-06-01T10:00:00.000Z",
    ...over,
  };
}

export function notification(items: AlertItem[], outcome: "violations" | "incomplete" | "compliant" = "violations"): Notification {
  return {
    run: {
      id: "run-2025-06-01T10",
      startedAt: "2025-06-01T10:00:00.000Z",
      finishedAt: "2025-06-01T10:00:05.000Z",
      outcome,
      counts: { PASS: 40, FAIL: 2, ERROR: 0, MUTED: 1 },
    },
    items,
  };
}

export const ALARM_NAME = "QueueAuditor-MonitoringRunMissing6A1C2F4B-Q7XkM2pLr9Zt";

/** The JSON message CloudWatch publishes to an SNS topic for an alarm action, as delivered (Region is the long name). */
export function cloudWatchAlarmMessage(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    AlarmName: ALARM_NAME,
    AlarmDescription: "No audit run completed within two schedule periods. The auditor is not running: its silence is not a clean audit.",
    AWSAccountId: "111122223333",
    AlarmConfigurationUpdatedTimestamp: "2026-02-20T09:12:44.512+0000",
    NewStateValue: "ALARM",
    NewStateReason: "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [Breaching].",
    StateChangeTime: "2026-03-01T12:00:31.228+0000",
    Region: "EU (Ireland)",
    AlarmArn: `arn:aws:cloudwatch:eu-west-1:111122223333:alarm:${ALARM_NAME}`,
    OldStateValue: "OK",
    OKActions: [],
    AlarmActions: ["arn:aws:sns:eu-west-1:111122223333:QueueAuditor-DataAlerts1E1B6A2C-x9Yz"],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: "RunsCompleted",
      Namespace: "QueueAuditor",
      StatisticType: "Statistic",
      Statistic: "SUM",
      Unit: null,
      Dimensions: [{ value: "queue-auditor", name: "service" }],
      Period: 7200,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: "LessThanThreshold",
      Threshold: 1.0,
      TreatMissingData: "breaching",
      EvaluateLowSampleCountPercentile: "",
    },
    ...overrides,
  });
}
