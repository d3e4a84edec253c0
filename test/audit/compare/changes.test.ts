import { describe, expect, it } from "vitest";
import { classifyRun, type FindingState } from "../../../lib/audit/compare/changes.js";
import type { Finding, Outcome, Status } from "../../../lib/audit/findings/model.js";

function f(id: string, status: Status, over: Partial<Finding> = {}): Finding {
  return {
    id,
    checkId: "sg-world-ingress",
    status,
    severity: "high",
    resource: { type: "AWS::EC2::SecurityGroup", id: `sg-${id}` },
    message: `finding ${id}`,
    evidence: {},
    remediation: "fix it",
    references: [],
    ...over,
  };
}

/** Runs a sequence of runs through the classifier, carrying state like the store does. */
function sequence(runs: { findings: Finding[]; outcome?: Outcome; scope?: "full" | "partial"; evaluated?: string[] }[]) {
  let state = new Map<string, FindingState>();
  return runs.map((run, i) => {
    const at = `2025-05-0${i + 1}T00:00:00Z`;
    const cs = classifyRun(run.findings, state, {
      runId: `r${i + 1}`,
      at,
      outcome: run.outcome ?? "violations",
      scope: run.scope,
      ...(run.evaluated ? { evaluated: new Set(run.evaluated) } : {}),
    });
    state = new Map(state);
    for (const s of cs.states) state.set(s.findingId, s);
    return { changes: Object.fromEntries(cs.findings.map((x) => [x.id, x.change])), departed: cs.departed, state };
  });
}

describe("change classification", () => {
  it("classifies new, persisting, resolved and regressed over a sequence of runs", () => {
    const runs = sequence([
      { findings: [f("a", "FAIL"), f("b", "PASS")] },
      { findings: [f("a", "FAIL"), f("b", "FAIL")] },
      { findings: [f("a", "PASS"), f("b", "FAIL")] },
      { findings: [f("a", "FAIL"), f("b", "FAIL")] },
      { findings: [f("a", "FAIL"), f("b", "PASS")] },
    ]);
    expect(runs.map((r) => r.changes)).toEqual([
      { a: "new", b: "new" },
      { a: "persisting", b: "new" },
      { a: "resolved", b: "persisting" },
      { a: "regressed", b: "persisting" },
      { a: "persisting", b: "resolved" },
    ]);
  });

  it("tracks first seen, open since, last seen and resolution per finding id", () => {
    const [, , third, fourth] = sequence([
      { findings: [f("a", "PASS")] },
      { findings: [f("a", "FAIL")] },
      { findings: [f("a", "FAIL")] },
      { findings: [f("a", "PASS")] },
    ]);
    expect(third?.state.get("a")).toMatchObject({
      open: true,
      firstSeen: "2025-05-01T00:00:00Z",
      openSince: "2025-05-02T00:00:00Z",
      lastSeen: "2025-05-03T00:00:00Z",
      openedAs: "new",
      lastRunId: "r3",
    });
    expect(fourth?.state.get("a")).toMatchObject({ open: false, resolvedAt: "2025-05-04T00:00:00Z", resolvedBy: "pass" });
  });

  it("never resolves on ERROR: not observed is not fixed", () => {
    const runs = sequence([
      { findings: [f("a", "FAIL")] },
      { findings: [f("a", "ERROR")], outcome: "incomplete" },
      { findings: [f("a", "FAIL")] },
    ]);
    expect(runs.map((r) => r.changes.a)).toEqual(["new", "persisting", "persisting"]);
    expect(runs[1]?.state.get("a")).toMatchObject({ open: true, status: "ERROR", openSince: "2025-05-01T00:00:00Z" });
  });

  it("closes an episode on MUTED without resolving it, and a FAIL after the mute expires is new", () => {
    const runs = sequence([{ findings: [f("a", "FAIL")] }, { findings: [f("a", "MUTED")] }, { findings: [f("a", "FAIL")] }]);
    expect(runs.map((r) => r.changes.a)).toEqual(["new", "persisting", "new"]);
    expect(runs[1]?.state.get("a")?.resolvedAt).toBeUndefined();
  });

  it("treats a FAIL after muting a regressed violation as new, not as another regression", () => {
    const runs = sequence([
      { findings: [f("a", "FAIL")] },
      { findings: [f("a", "PASS")] },
      { findings: [f("a", "FAIL")] },
      { findings: [f("a", "MUTED")] },
      { findings: [f("a", "MUTED")] },
      { findings: [f("a", "FAIL")] },
    ]);
    expect(runs.map((r) => r.changes.a)).toEqual(["new", "resolved", "regressed", "persisting", "persisting", "new"]);
    expect(runs[3]?.state.get("a")).toMatchObject({ open: false, status: "MUTED" });
    expect(runs[3]?.state.get("a")?.resolvedAt).toBeUndefined();
    expect(runs[5]?.state.get("a")).toMatchObject({ open: true, openedAs: "new", openSince: "2025-05-06T00:00:00Z" });
  });

  it("reads a stored state muted before this fix (stale resolvedAt) as not resolved", () => {
    const stale: FindingState = {
      findingId: "a",
      checkId: "sg-world-ingress",
      severity: "high",
      resource: { type: "AWS::EC2::SecurityGroup", id: "sg-a" },
      message: "finding a",
      status: "MUTED",
      open: false,
      firstSeen: "2025-05-01T00:00:00Z",
      lastSeen: "2025-05-04T00:00:00Z",
      lastRunId: "r4",
      openSince: "2025-05-03T00:00:00Z",
      openedAs: "regressed",
      resolvedAt: "2025-05-02T00:00:00Z",
      resolvedBy: "pass",
    };
    const cs = classifyRun([f("a", "FAIL")], new Map([["a", stale]]), { runId: "r5", at: "2025-05-05T00:00:00Z", outcome: "violations" });
    expect(cs.findings[0]?.change).toBe("new");
  });

  it("does not close by absence an open finding whose check was not evaluated in the run", () => {
    const other = { checkId: "rds-publicly-accessible" };
    const runs = sequence([
      { findings: [f("a", "FAIL"), f("b", "FAIL", other)] },
      // sg-world-ingress was disabled in config: its finding is absent but was not looked at.
      { findings: [f("b", "PASS", other)], outcome: "compliant", evaluated: ["rds-publicly-accessible"] },
      { findings: [f("a", "FAIL"), f("b", "PASS", other)] },
    ]);
    expect(runs[1]?.departed).toEqual([]);
    expect(runs[1]?.state.get("a")).toMatchObject({ open: true, openSince: "2025-05-01T00:00:00Z" });
    expect(runs[2]?.changes.a).toBe("persisting");

    // The same run without the set: absence closes it, as before.
    const unscoped = sequence([{ findings: [f("a", "FAIL")] }, { findings: [], outcome: "compliant" }]);
    expect(unscoped[1]?.departed.map((s) => s.findingId)).toEqual(["a"]);
  });

  it("closes open findings that a complete run no longer produces, as resolved by absence", () => {
    const runs = sequence([{ findings: [f("a", "FAIL"), f("b", "PASS")] }, { findings: [f("b", "PASS")], outcome: "compliant" }]);
    expect(runs[1]?.departed.map((s) => [s.findingId, s.resolvedBy, s.resolvedAt])).toEqual([["a", "absent", "2025-05-02T00:00:00Z"]]);
    expect(runs[1]?.state.get("a")?.open).toBe(false);
  });

  it("leaves absent findings open after an incomplete run or a partial re-audit", () => {
    const incomplete = sequence([{ findings: [f("a", "FAIL")] }, { findings: [f("x", "ERROR")], outcome: "incomplete" }]);
    expect(incomplete[1]?.departed).toEqual([]);
    expect(incomplete[1]?.state.get("a")?.open).toBe(true);

    const partial = sequence([{ findings: [f("a", "FAIL")] }, { findings: [f("b", "PASS")], outcome: "compliant", scope: "partial" }]);
    expect(partial[1]?.departed).toEqual([]);
    expect(partial[1]?.state.get("a")?.open).toBe(true);
  });

  it("is a regression when a finding resolved by absence comes back", () => {
    const runs = sequence([{ findings: [f("a", "FAIL")] }, { findings: [], outcome: "compliant" }, { findings: [f("a", "FAIL")] }]);
    expect(runs[2]?.changes.a).toBe("regressed");
  });
});
