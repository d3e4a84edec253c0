/**
 * What an alert and a recorded state actually say, beyond which findings they name: the
 * fields a digest, a Slack message and `history` show, the boundaries of the policy
 * (minSeverity, remindAfterHours), the order of items, and what a delivery records.
 * alerts.test.ts and changes.test.ts pin the sequences; this file pins the content.
 */
import { describe, expect, it } from "vitest";
import { checkMeta } from "../../../lib/audit/checks/registry.js";
import { type AlertItem, type AlertPolicy, notifiedUpdate, planAlerts } from "../../../lib/audit/compare/alerts.js";
import { classifyRun, type FindingState, openStates, resolvedEpisode } from "../../../lib/audit/compare/changes.js";
import { resolvedFinding } from "../../../lib/audit/compare/resolved.js";
import { observedIn, runGaps, sourceKey } from "../../../lib/audit/compare/sources.js";
import { emptyCounts, type Finding, type Outcome, type Status } from "../../../lib/audit/findings/model.js";

const POLICY: AlertPolicy = { minSeverity: "high", remindAfterHours: 24, notifyResolved: true };
const T0 = "2025-05-01T00:00:00.000Z";
const T1 = "2025-05-02T00:00:00.000Z";
const SG = { type: "AWS::EC2::SecurityGroup" as const, id: "sg-0a1b2c3d4e5f60001", account: "111122223333", region: "eu-west-1" };
const FIX = {
  text: "Revoke the rule.",
  commands: ["aws ec2 revoke-security-group-ingress --group-id sg-0a1b2c3d4e5f60001"],
  kind: "aws-cli" as const,
};

function f(id: string, status: Status, over: Partial<Finding> = {}): Finding {
  return {
    id,
    checkId: "sg-world-ingress",
    status,
    severity: "critical",
    resource: SG,
    subject: `0.0.0.0/0 tcp ${id}`,
    message: `Security group admits 0.0.0.0/0 (${id}).`,
    evidence: {},
    remediation: "Remove the rule.",
    references: [],
    ...over,
  };
}

const runOf = (id: string, at: string, outcome: Outcome = "violations") => ({
  id,
  startedAt: at,
  finishedAt: at,
  outcome,
  counts: emptyCounts(),
});

/** The states after one run of `findings` on top of `prior`. */
function runWith(findings: Finding[], prior = new Map<string, FindingState>(), at = T0, outcome: Outcome = "violations") {
  const cs = classifyRun(findings, prior, { runId: `run-${at}`, at, outcome });
  const states = new Map(prior);
  for (const s of cs.states) states.set(s.findingId, s);
  return { cs, states };
}

const plan = (findings: Finding[], states: Map<string, FindingState>, now = T0, policy = POLICY, outcome: Outcome = "violations") =>
  planAlerts({ run: runOf("r", now, outcome), findings, states, policy, now: new Date(now) });

/** The states as they are once `items` were delivered at `at`. */
function delivered(states: Map<string, FindingState>, items: AlertItem[], at: string) {
  const next = new Map(states);
  for (const item of items) {
    const s = next.get(item.findingId);
    const update = notifiedUpdate(item, at);
    if (s && update) next.set(item.findingId, { ...s, ...update });
  }
  return next;
}

describe("an alert item", () => {
  it("of a new violation carries what the reader acts on: subject, message, remediation, fix and episode", () => {
    const finding = f("a", "FAIL", { fix: FIX });
    const { cs, states } = runWith([finding]);
    expect(plan(cs.findings, states)?.items).toEqual([
      {
        kind: "new",
        findingId: "a",
        checkId: "sg-world-ingress",
        severity: "critical",
        resource: SG,
        subject: "0.0.0.0/0 tcp a",
        message: "Security group admits 0.0.0.0/0 (a).",
        remediation: "Remove the rule.",
        fix: FIX,
        openSince: T0,
      },
    ]);
  });

  it("has no subject or fix key when the finding has none", () => {
    const { subject: _s, ...bare } = f("a", "FAIL");
    const { cs, states } = runWith([bare]);
    const [item] = plan(cs.findings, states)?.items ?? [];
    expect(item && "subject" in item).toBe(false);
    expect(item && "fix" in item).toBe(false);
    expect(states.get("a") && "subject" in (states.get("a") as FindingState)).toBe(false);
  });

  it("of a resolution says when, how, and about which episode, with the run's own message", () => {
    const first = runWith([f("a", "FAIL")]);
    const told = delivered(first.states, plan(first.cs.findings, first.states)?.items ?? [], T0);
    const pass = f("a", "PASS", { message: "Security group no longer admits 0.0.0.0/0." });
    const second = runWith([pass], told, T1);
    expect(plan(second.cs.findings, second.states, T1)?.items).toEqual([
      {
        kind: "resolved",
        findingId: "a",
        checkId: "sg-world-ingress",
        severity: "critical",
        resource: SG,
        subject: "0.0.0.0/0 tcp a",
        message: "Security group no longer admits 0.0.0.0/0.",
        openSince: T0,
        resolvedAt: T1,
        resolvedBy: "pass",
      },
    ]);
  });

  it("of a resolution by absence keeps the message the state last recorded", () => {
    const first = runWith([f("a", "FAIL")]);
    const told = delivered(first.states, plan(first.cs.findings, first.states)?.items ?? [], T0);
    const second = runWith([], told, T1);
    expect(plan([], second.states, T1)?.items).toMatchObject([
      { kind: "resolved", message: "Security group admits 0.0.0.0/0 (a).", resolvedBy: "absent", resolvedAt: T1 },
    ]);
  });
});

describe("the alert policy's boundaries", () => {
  it("alerts at minSeverity itself, not below it", () => {
    const { cs, states } = runWith([f("high", "FAIL", { severity: "high" }), f("medium", "FAIL", { severity: "medium" })]);
    expect(plan(cs.findings, states)?.items.map((i) => i.findingId)).toEqual(["high"]);
  });

  it("reminds exactly remindAfterHours after the last alert, not a millisecond before", () => {
    const first = runWith([f("a", "FAIL")]);
    const told = delivered(first.states, plan(first.cs.findings, first.states)?.items ?? [], T0);
    const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
    const day = 24 * 3_600_000;
    const early = runWith([f("a", "FAIL")], told, at(day - 1));
    expect(plan(early.cs.findings, early.states, at(day - 1))).toBeUndefined();
    const due = runWith([f("a", "FAIL")], told, at(day));
    expect(plan(due.cs.findings, due.states, at(day))?.items).toMatchObject([{ kind: "reminder", findingId: "a", openSince: T0 }]);
  });

  it("reminds at once about a told episode whose delivery time was lost", () => {
    const first = runWith([f("a", "FAIL")]);
    const { lastNotifiedAt: _at, ...state } = delivered(first.states, plan(first.cs.findings, first.states)?.items ?? [], T0).get(
      "a",
    ) as FindingState;
    const again = runWith([f("a", "FAIL")], new Map([["a", state]]), T1);
    expect(plan(again.cs.findings, again.states, T1)?.items.map((i) => i.kind)).toEqual(["reminder"]);
  });

  it("does not alert an ERROR of a run that is not incomplete, and always answers an incomplete run", () => {
    const { cs, states } = runWith([f("e", "ERROR")]);
    expect(plan(cs.findings, states)).toBeUndefined();
    expect(plan([], new Map(), T0, POLICY, "incomplete")).toEqual({ run: runOf("r", T0, "incomplete"), items: [] });
  });

  it("tells a resolution once: after its delivery it is not pending", () => {
    const first = runWith([f("a", "FAIL")]);
    const told = delivered(first.states, plan(first.cs.findings, first.states)?.items ?? [], T0);
    const second = runWith([f("a", "PASS")], told, T1);
    const items = plan(second.cs.findings, second.states, T1)?.items ?? [];
    const done = delivered(second.states, items, T1);
    expect(done.get("a")).toMatchObject({ lastNotifiedChange: "resolved", lastNotifiedAt: T1, notifiedEpisode: T0 });
    expect(plan([], done, T1)).toBeUndefined();
  });
});

describe("the order of items", () => {
  it("puts a finding without a subject before its equals with one", () => {
    const { subject: _s, ...bare } = f("c", "FAIL");
    const { cs, states } = runWith([f("b", "FAIL"), bare, f("a", "FAIL")]);
    expect(plan(cs.findings, states)?.items.map((i) => i.findingId)).toEqual(["c", "a", "b"]);
  });

  it("is severity, then kind, then check, then resource, then subject", () => {
    const findings = [
      f("z", "FAIL", { checkId: "sg-world-ingress", resource: { ...SG, id: "sg-2" }, subject: "b" }),
      f("y", "FAIL", { checkId: "sg-world-ingress", resource: { ...SG, id: "sg-2" }, subject: "a" }),
      f("x", "FAIL", { checkId: "sg-world-ingress", resource: { ...SG, id: "sg-1" }, subject: "c" }),
      f("w", "FAIL", { checkId: "sg-all-traffic", resource: { ...SG, id: "sg-9" }, subject: "d" }),
      f("v", "FAIL", { severity: "high", checkId: "sg-all-traffic" }),
      f("u", "ERROR", { severity: "high" }),
    ];
    const { cs, states } = runWith(findings, undefined, T0, "incomplete");
    expect(plan(cs.findings, states, T0, POLICY, "incomplete")?.items.map((i) => `${i.kind}:${i.findingId}`)).toEqual([
      "new:w",
      "new:x",
      "new:y",
      "new:z",
      "error:u",
      "new:v",
    ]);
  });
});

describe("what a delivery records", () => {
  const item = (kind: AlertItem["kind"]): AlertItem => ({
    kind,
    findingId: "a",
    checkId: "sg-world-ingress",
    severity: "critical",
    resource: SG,
    message: "m",
    openSince: T0,
  });

  it("is the alert's time, kind and episode; a resolution leaves the episode; an error records nothing", () => {
    expect(notifiedUpdate(item("new"), T1)).toEqual({ lastNotifiedAt: T1, lastNotifiedChange: "new", notifiedEpisode: T0 });
    expect(notifiedUpdate(item("reminder"), T1)).toEqual({ lastNotifiedAt: T1, lastNotifiedChange: "reminder", notifiedEpisode: T0 });
    expect(notifiedUpdate(item("resolved"), T1)).toEqual({ lastNotifiedAt: T1, lastNotifiedChange: "resolved" });
    expect(notifiedUpdate(item("error"), T1)).toBeUndefined();
  });
});

describe("a recorded state", () => {
  it("keeps when the finding was first seen and moves the rest to the latest run", () => {
    const first = runWith([f("a", "FAIL")]);
    const second = runWith([f("a", "FAIL", { severity: "high", message: "changed" })], first.states, T1);
    expect(second.states.get("a")).toEqual({
      findingId: "a",
      checkId: "sg-world-ingress",
      severity: "high",
      resource: SG,
      subject: "0.0.0.0/0 tcp a",
      message: "changed",
      status: "FAIL",
      open: true,
      firstSeen: T0,
      lastSeen: T1,
      lastRunId: `run-${T1}`,
      openSince: T0,
      openedAs: "new",
    });
    expect(second.cs.findings[0]?.change).toBe("persisting");
  });

  it("of a known finding the run could not observe (ERROR) keeps its episode and is persisting", () => {
    const first = runWith([f("a", "FAIL")]);
    const second = runWith([f("a", "ERROR")], first.states, T1);
    expect(second.cs.findings[0]?.change).toBe("persisting");
    expect(second.states.get("a")).toMatchObject({ status: "ERROR", open: true, openSince: T0, lastSeen: T1 });
  });

  it("of a first PASS or ERROR is new and not open", () => {
    const { cs, states } = runWith([f("p", "PASS"), f("e", "ERROR"), f("m", "MUTED")]);
    expect(cs.findings.map((x) => x.change)).toEqual(["new", "new", "new"]);
    expect([...states.values()].map((s) => s.open)).toEqual([false, false, false]);
  });

  it("closed by a subject the check no longer reports on a resource it still observed is fixed", () => {
    const first = runWith([f("a", "FAIL"), f("other", "PASS")]);
    const second = runWith([f("other", "PASS")], first.states, T1);
    expect(second.cs.departed).toMatchObject([{ findingId: "a", open: false, resolvedBy: "fixed", resolvedAt: T1 }]);
    // An ERROR on the same resource is not an observation of it.
    const third = runWith([f("err", "ERROR")], first.states, T1);
    expect(third.cs.departed).toMatchObject([{ findingId: "a", resolvedBy: "absent" }]);
  });

  it.each([
    ["account", { ...SG, account: "444455556666" }],
    ["region", { ...SG, region: "us-east-1" }],
  ])("closed while a resource of the same id in another %s is still observed is absent, not fixed", (_, twin) => {
    // Ids repeat across accounts and regions (a restored snapshot, a copied group): the twin
    // says nothing about the departed resource, which left the audit rather than being fixed.
    const first = runWith([f("a", "FAIL"), f("twin", "PASS", { resource: twin })]);
    const second = runWith([f("twin", "PASS", { resource: twin })], first.states, T1);
    expect(second.cs.departed).toMatchObject([{ findingId: "a", resolvedBy: "absent" }]);
  });

  it("is resolved by an episode's own end only when the resolution is not older than the episode", () => {
    const s = (resolvedAt: string | undefined, openSince: string | undefined) =>
      ({ ...(runWith([f("a", "PASS")]).states.get("a") as FindingState), resolvedAt, openSince }) as FindingState;
    expect(resolvedEpisode(s(T1, T0))).toBe(true);
    expect(resolvedEpisode(s(T0, T0))).toBe(true);
    expect(resolvedEpisode(s(T0, T1))).toBe(false);
    expect(resolvedEpisode(s(T0, undefined))).toBe(true);
    expect(resolvedEpisode(s(undefined, T0))).toBe(false);
  });

  it("lists open findings longest open first", () => {
    const base = runWith([f("a", "PASS")]).states.get("a") as FindingState;
    const states = [
      { ...base, findingId: "late", open: true, openSince: T1 },
      { ...base, findingId: "closed", open: false, openSince: "2020-01-01T00:00:00.000Z" },
      { ...base, findingId: "early", open: true, openSince: T0 },
    ];
    expect(openStates(states).map((s) => s.findingId)).toEqual(["early", "late"]);
  });
});

describe("the finding that reports a departed violation", () => {
  const state = (resolvedBy: FindingState["resolvedBy"]): FindingState => ({
    ...(runWith([f("a", "FAIL")]).states.get("a") as FindingState),
    open: false,
    resolvedAt: T1,
    ...(resolvedBy ? { resolvedBy } : {}),
  });

  it("says fixed when the check still observed the resource, and carries the check's remediation", () => {
    const meta = checkMeta("sg-world-ingress");
    expect(resolvedFinding(state("fixed"))).toEqual({
      id: "a",
      checkId: "sg-world-ingress",
      status: "PASS",
      severity: "critical",
      resource: SG,
      subject: "0.0.0.0/0 tcp a",
      message: "Fixed: Security group admits 0.0.0.0/0 (a).",
      evidence: { resolvedBy: "fixed", openSince: T0, lastSeenFailing: T0, lastRunId: `run-${T0}` },
      remediation: meta.remediation,
      references: [...meta.references],
      change: "resolved",
    });
  });

  it("says no longer in scope when the resource left, and reads a state without a cause as absent", () => {
    expect(resolvedFinding(state("absent")).message).toBe("No longer in the audit's scope: Security group admits 0.0.0.0/0 (a).");
    const { openSince: _o, subject: _s, ...bare } = state(undefined);
    const finding = resolvedFinding(bare as FindingState);
    expect(finding.evidence).toMatchObject({ resolvedBy: "absent", openSince: null });
    expect("subject" in finding).toBe(false);
  });
});

describe("sources", () => {
  const error = (over: Partial<Finding>) => f("e", "ERROR", over);

  it("an account without a region, or a region without an account, is no source", () => {
    expect(sourceKey({ type: "AWS::EC2::SecurityGroup", id: "sg-1", account: "111122223333" })).toBeUndefined();
    expect(sourceKey({ type: "AWS::EC2::SecurityGroup", id: "sg-1", region: "eu-west-1" })).toBeUndefined();
  });

  it("only ERROR findings are gaps; an audit-error that blocked nothing is a gap everywhere", () => {
    expect(runGaps([f("a", "FAIL", { resource: { type: "QueueAuditor::Source", id: "x" } })])).toEqual({
      everywhere: false,
      sources: new Set(),
      targets: new Set(),
    });
    const nothingBlocked = error({
      checkId: "audit-error",
      resource: { type: "QueueAuditor::Source", id: "x" },
      evidence: { blocked: [] },
    });
    expect(runGaps([nothingBlocked]).everywhere).toBe(true);
    const notAList = error({ checkId: "audit-error", resource: { type: "QueueAuditor::Source", id: "x" }, evidence: { blocked: "x" } });
    expect(runGaps([notAList]).everywhere).toBe(true);
    const otherCheck = error({
      checkId: "sg-world-ingress",
      resource: { type: "QueueAuditor::Source", id: "x" },
      evidence: { blocked: ["x"] },
    });
    expect(runGaps([otherCheck]).everywhere).toBe(true);
    const blocked = error({ checkId: "audit-error", resource: { type: "QueueAuditor::Source", id: "x" }, evidence: { blocked: ["x"] } });
    expect(runGaps([blocked]).everywhere).toBe(false);
  });

  it("a target that could not be found is named without its prefix, and only that resource id is unobserved", () => {
    const gaps = runGaps([error({ resource: { type: "QueueAuditor::Source", id: "targets/queue-db" } })]);
    expect(gaps).toEqual({ everywhere: false, sources: new Set(), targets: new Set(["queue-db"]) });
    expect(observedIn(gaps, { type: "PostgreSQL::Database", id: "queue-db" })).toBe(false);
    expect(observedIn(gaps, { type: "PostgreSQL::Database", id: "other-db" })).toBe(true);
    // A resource that names no source is never observed whole.
    expect(observedIn(gaps, { type: "AWS::EC2::SecurityGroup", id: "sg-1" })).toBe(false);
    // A source-typed resource outside targets/ is a gap everywhere.
    expect(runGaps([error({ resource: { type: "QueueAuditor::Source", id: "queue-db" } })]).everywhere).toBe(true);
  });

  it("names a partition's source from its account and region", () => {
    const gaps = runGaps([error({ resource: SG })]);
    expect(gaps.sources).toEqual(new Set(["aws:111122223333/eu-west-1"]));
    expect(observedIn(gaps, { ...SG, id: "sg-other" })).toBe(false);
    expect(observedIn(gaps, { ...SG, region: "us-east-1" })).toBe(true);
  });
});
