import { describe, expect, it } from "vitest";
import { classifyRun, type FindingState } from "../../../lib/audit/findings/changes.js";
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
function sequence(runs: { findings: Finding[]; outcome?: Outcome; scope?: "full" | "partial" }[]) {
  let state = new Map<string, FindingState>();
  return runs.map((run, i) => {
    const at = `2025-05-0${i + 1}T00:00:00Z`;
    const cs = classifyRun(run.findings, state, { runId: `r${i + 1}`, at, outcome: run.outcome ?? "violations", scope: run.scope });
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
