import { describe, expect, it } from "vitest";
import { digestFromNotification, digestText, subjectLine } from "../../../lib/audit/notify/digest.js";
import { item, notification } from "./fixtures.js";

describe("digest", () => {
  it("says what happened in the subject", () => {
    const two = digestFromNotification(notification([item({ findingId: "a" }), item({ findingId: "b" })]));
    expect(two.subject).toBe("queue-auditor: 2 new critical violations in 111122223333");

    const mixed = digestFromNotification(
      notification([
        item({ findingId: "a" }),
        item({ findingId: "b", severity: "high" }),
        item({ findingId: "c", kind: "resolved" }),
        item({ findingId: "d", kind: "reminder", resource: { type: "AWS::RDS::DBInstance", id: "queue-db", account: "444455556666" } }),
      ]),
    );
    expect(mixed.subject).toBe("queue-auditor: 2 new violations, 1 still open, 1 resolved in 2 accounts");
    expect(mixed.highestSeverity).toBe("critical");

    const incomplete = digestFromNotification(notification([item({ findingId: "e", kind: "error", severity: "high" })], "incomplete"));
    expect(incomplete.subject).toBe("queue-auditor: audit incomplete (1 error) in 111122223333");
  });

  it("keeps the subject one ASCII line of at most 100 characters", () => {
    const long = subjectLine({
      items: [],
      totals: { new: 3, regressed: 2, reminder: 40, resolved: 7, error: 0 },
      accounts: ["111122223333\nBcc: x@evil.example — ünïcode"],
      run: { id: "r", startedAt: "", finishedAt: "", outcome: "violations", counts: { PASS: 0, FAIL: 0, ERROR: 0, MUTED: 0 } },
    });
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long).toMatch(/^[\x20-\x7e]+$/);
  });

  it("renders a plain-text body grouped by severity, with what to do", () => {
    const text = digestText(
      digestFromNotification(notification([item({ findingId: "b", severity: "high", subject: "app_web" }), item({ findingId: "a" })])),
    );
    expect(text.indexOf("CRITICAL")).toBeLessThan(text.indexOf("HIGH"));
    expect(text).toContain("* [NEW] sg-world-ingress: AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60001 (111122223333/eu-west-1)");
    expect(text).toContain("  Subject: 0.0.0.0/0 tcp 6379");
    expect(text).toContain("  What to do: Remove the rule");
    expect(text).toContain("Findings: 2 FAIL, 0 ERROR, 40 PASS, 1 MUTED");
  });
});
