/** A violation that goes away was either fixed (its resource still observed) or gone (the resource left the audit): alerts say which. */
import { describe, expect, it } from "vitest";
import { planAlerts } from "../../../lib/audit/compare/alerts.js";
import { classifyRun, type FindingState } from "../../../lib/audit/compare/changes.js";
import { resolvedFinding } from "../../../lib/audit/compare/resolved.js";
import type { Finding, Status } from "../../../lib/audit/findings/model.js";
import { digestFromNotification, digestText } from "../../../lib/audit/notify/digest.js";
import { slackMessageFromDigest } from "../../../lib/audit/notify/slack.js";

const run = (id: string) => ({
  id,
  startedAt: "2026-11-02T00:00:00Z",
  finishedAt: "2026-11-02T00:00:01Z",
  outcome: "violations" as const,
  counts: { PASS: 1, FAIL: 0, ERROR: 0, MUTED: 0 },
});

function f(id: string, status: Status, resourceId: string, subject?: string): Finding {
  return {
    id,
    checkId: "pg-unexpected-principal",
    status,
    severity: "high",
    resource: { type: "PostgreSQL::Table", id: resourceId },
    ...(subject ? { subject } : {}),
    message: `finding ${id}`,
    evidence: {},
    remediation: "fix it",
    references: [],
  };
}

describe("fixed versus gone", () => {
  const first = classifyRun([f("bob", "FAIL", "db:public.jobs", "bob"), f("eve", "FAIL", "db:public.old_jobs", "eve")], new Map(), {
    runId: "r1",
    at: "2026-11-01T00:00:00Z",
    outcome: "violations",
  });
  const prior = new Map<string, FindingState>(first.states.map((s) => [s.findingId, { ...s, notifiedEpisode: s.openSince }]));
  // Second run: public.jobs is still audited (its PASS says so) without bob; public.old_jobs is no longer audited at all.
  const second = classifyRun([f("jobs-pass", "PASS", "db:public.jobs")], prior, {
    runId: "r2",
    at: "2026-11-02T00:00:00Z",
    outcome: "compliant",
  });
  const byId = new Map(second.departed.map((s) => [s.findingId, s]));

  it("records a revoked grant as fixed and a table that left the config as gone", () => {
    expect(byId.get("bob")?.resolvedBy).toBe("fixed");
    expect(byId.get("eve")?.resolvedBy).toBe("absent");
    expect(resolvedFinding(byId.get("bob") as FindingState).message).toBe("Fixed: finding bob");
    expect(resolvedFinding(byId.get("eve") as FindingState).message).toBe("No longer in the audit's scope: finding eve");
  });

  it("says so in the digest text and in Slack", () => {
    const states = new Map(prior);
    for (const s of second.states) states.set(s.findingId, s);
    const n = planAlerts({
      run: run("r2"),
      findings: second.findings,
      states,
      policy: { minSeverity: "low", remindAfterHours: 24, notifyResolved: true },
      now: new Date("2026-11-02T00:00:00Z"),
    });
    const digest = digestFromNotification(n as NonNullable<typeof n>);
    const text = digestText(digest);
    expect(text).toMatch(/finding bob\n {2}Fixed: the resource was observed and the fault is gone/);
    expect(text).toMatch(/finding eve\n {2}Gone: no longer in the audit's scope/);
    const slack = JSON.stringify(slackMessageFromDigest(digest).blocks);
    expect(slack).toContain("Fixed: the resource was observed");
    expect(slack).toContain("Gone: no longer in the audit's scope");
  });
});
