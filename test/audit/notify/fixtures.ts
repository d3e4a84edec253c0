import type { AlertItem, Notification } from "../../../lib/audit/findings/alerts.js";

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
