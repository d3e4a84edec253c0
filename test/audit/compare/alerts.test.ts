import { describe, expect, it } from "vitest";
import { type AlertPolicy, type Notification, notifiedUpdate, planAlerts } from "../../../lib/audit/compare/alerts.js";
import { classifyRun, type FindingState } from "../../../lib/audit/compare/changes.js";
import { emptyCounts, type Finding, outcomeOf, type Severity, type Status } from "../../../lib/audit/findings/model.js";

const POLICY: AlertPolicy = { minSeverity: "high", remindAfterHours: 24, notifyResolved: true };

function f(id: string, status: Status, severity: Severity = "critical"): Finding {
  return {
    id,
    checkId: "sg-world-ingress",
    status,
    severity,
    resource: { type: "AWS::EC2::SecurityGroup", id: `sg-${id}` },
    message: `finding ${id}`,
    evidence: {},
    remediation: "fix it",
    references: [],
  };
}

/**
 * Runs hourly audits through classification and the alert policy, delivering (and so
 * marking) each notification unless the run says the publish failed.
 */
function simulate(
  runs: { findings: Finding[]; hoursLater?: number; publishFails?: boolean; scope?: "partial"; evaluated?: string[] }[],
  policy = POLICY,
) {
  let state = new Map<string, FindingState>();
  let clock = Date.parse("2025-05-01T00:00:00Z");
  const sent: (Notification | undefined)[] = [];
  runs.forEach((r, i) => {
    clock += (r.hoursLater ?? 1) * 3_600_000;
    const at = new Date(clock).toISOString();
    const outcome = outcomeOf(r.findings);
    const run = { id: `r${i + 1}`, startedAt: at, finishedAt: at, outcome, counts: emptyCounts() };
    const cs = classifyRun(r.findings, state, {
      runId: run.id,
      at,
      outcome,
      scope: r.scope,
      ...(r.evaluated ? { evaluated: new Set(r.evaluated) } : {}),
    });
    state = new Map(state);
    for (const s of cs.states) state.set(s.findingId, s);
    const n = planAlerts({ run, findings: cs.findings, states: state, policy, now: new Date(clock) });
    sent.push(n);
    if (n && !r.publishFails) {
      for (const item of n.items) {
        const upd = notifiedUpdate(item, at);
        const s = state.get(item.findingId);
        if (upd && s && s.openSince === item.openSince) state.set(item.findingId, { ...s, ...upd });
      }
    }
  });
  return sent.map((n) => n?.items.map((i) => `${i.kind}:${i.findingId}`));
}

describe("alert policy", () => {
  it("alerts on new violations once, not every run", () => {
    expect(simulate([{ findings: [f("a", "FAIL")] }, { findings: [f("a", "FAIL")] }, { findings: [f("a", "FAIL")] }])).toEqual([
      ["new:a"],
      undefined,
      undefined,
    ]);
  });

  it("ignores FAIL below minSeverity and PASS findings", () => {
    expect(simulate([{ findings: [f("low", "FAIL", "medium"), f("ok", "PASS")] }])).toEqual([undefined]);
  });

  it("tells resolved when notifyResolved, and regressed when it comes back", () => {
    expect(simulate([{ findings: [f("a", "FAIL")] }, { findings: [f("a", "PASS")] }, { findings: [f("a", "FAIL")] }])).toEqual([
      ["new:a"],
      ["resolved:a"],
      ["regressed:a"],
    ]);
    expect(simulate([{ findings: [f("a", "FAIL")] }, { findings: [f("a", "PASS")] }], { ...POLICY, notifyResolved: false })).toEqual([
      ["new:a"],
      undefined,
    ]);
  });

  it("does not tell the resolution of a violation that was never told", () => {
    expect(simulate([{ findings: [f("a", "FAIL", "low")] }, { findings: [f("a", "PASS", "low")] }])).toEqual([undefined, undefined]);
  });

  it("reminds about a violation still open remindAfterHours after the last alert", () => {
    expect(
      simulate([
        { findings: [f("a", "FAIL")] },
        { findings: [f("a", "FAIL")], hoursLater: 23 },
        { findings: [f("a", "FAIL")], hoursLater: 1 },
        { findings: [f("a", "FAIL")], hoursLater: 1 },
      ]),
    ).toEqual([["new:a"], undefined, ["reminder:a"], undefined]);
  });

  it("retries an alert whose publish failed on the next run", () => {
    expect(
      simulate([{ findings: [f("a", "FAIL")], publishFails: true }, { findings: [f("a", "FAIL")] }, { findings: [f("a", "FAIL")] }]),
    ).toEqual([["new:a"], ["new:a"], undefined]);
    expect(
      simulate([
        { findings: [f("a", "FAIL")] },
        { findings: [f("a", "PASS")], publishFails: true },
        { findings: [f("a", "PASS")] },
        { findings: [f("a", "PASS")] },
      ]),
    ).toEqual([["new:a"], ["resolved:a"], ["resolved:a"], undefined]);
  });

  it("always alerts on an incomplete run, listing what could not be observed", () => {
    expect(simulate([{ findings: [f("a", "FAIL")] }, { findings: [f("a", "FAIL"), f("e", "ERROR", "low")] }])).toEqual([
      ["new:a"],
      ["error:e"],
    ]);
  });

  it("tells a violation whose resource left scope as resolved", () => {
    const sent = simulate([{ findings: [f("a", "FAIL"), f("b", "PASS")] }, { findings: [f("b", "PASS")] }]);
    expect(sent).toEqual([["new:a"], ["resolved:a"]]);
  });

  it("sends no resolved alert when a regressed violation is muted, and tells it as new when it fails after the mute", () => {
    const sent = simulate([
      { findings: [f("a", "FAIL")] },
      { findings: [f("a", "PASS")] },
      { findings: [f("a", "FAIL")] },
      { findings: [f("a", "MUTED")] },
      { findings: [f("a", "MUTED")] },
      { findings: [f("a", "FAIL")] },
    ]);
    expect(sent).toEqual([["new:a"], ["resolved:a"], ["regressed:a"], undefined, undefined, ["new:a"]]);
  });

  it("does not tell a resolution that ended before the episode it would close", () => {
    const state: FindingState = {
      findingId: "a",
      checkId: "sg-world-ingress",
      severity: "critical",
      resource: { type: "AWS::EC2::SecurityGroup", id: "sg-a" },
      message: "finding a",
      status: "MUTED",
      open: false,
      firstSeen: "2025-05-01T00:00:00Z",
      lastSeen: "2025-05-04T00:00:00Z",
      lastRunId: "r4",
      // As a state muted before the fix was stored: the resolution belongs to the episode before.
      openSince: "2025-05-03T00:00:00Z",
      resolvedAt: "2025-05-02T00:00:00Z",
      resolvedBy: "pass",
      notifiedEpisode: "2025-05-03T00:00:00Z",
      lastNotifiedChange: "regressed",
    };
    const run = {
      id: "r5",
      startedAt: "2025-05-05T00:00:00Z",
      finishedAt: "2025-05-05T00:00:00Z",
      outcome: "compliant" as const,
      counts: emptyCounts(),
    };
    expect(
      planAlerts({ run, findings: [], states: new Map([["a", state]]), policy: POLICY, now: new Date(run.startedAt) }),
    ).toBeUndefined();
  });

  it("sends no resolved alert for a violation of a check that the run did not evaluate", () => {
    const rds = { ...f("b", "FAIL"), checkId: "rds-publicly-accessible" };
    const sent = simulate([
      { findings: [f("a", "FAIL"), rds] },
      { findings: [{ ...rds, status: "PASS" }], evaluated: ["rds-publicly-accessible"] },
      { findings: [f("a", "FAIL"), { ...rds, status: "PASS" }] },
    ]);
    expect(sent).toEqual([["new:b", "new:a"], ["resolved:b"], undefined]);
  });

  it("orders items by severity, then kind", () => {
    const sent = simulate([
      { findings: [f("c", "FAIL", "critical")] },
      { findings: [f("h", "FAIL", "high"), f("c", "PASS", "critical"), f("c2", "FAIL", "critical")] },
    ]);
    expect(sent[1]).toEqual(["new:c2", "resolved:c", "new:h"]);
  });
});
