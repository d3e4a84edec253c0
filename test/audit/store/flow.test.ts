/**
 * The "done when" of issue 6, below the audit command: two runs against local storage
 * with a change in between, alerts only on changes, and history / history --open /
 * verify answering from the store (through the history and verify commands).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "../../../lib/audit/model/user-error.js";
import { notifierFromSpec } from "../../../lib/audit/notify/notifier.js";
import { recordRun } from "../../../lib/audit/record.js";
import { openStore } from "../../../lib/audit/store/open.js";
import { UsageError } from "../../../lib/cli/errors.js";
import { historyCommand, registerHistory } from "../../../lib/cli/history.js";
import { verifyCommand } from "../../../lib/cli/verify.js";
import { finding, POLICY, result } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "qa-flow-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const spec = `local:${dir}`;

const sgOpen = finding({ id: "sg-open", resource: { type: "AWS::EC2::SecurityGroup", id: "sg-00000001", account: "111122223333" } });
const pgGrant = finding({
  id: "pg-grant",
  checkId: "pg-unapproved-privilege",
  severity: "high",
  subject: "app_web",
  resource: { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs", account: "111122223333" },
  message: "app_web holds DELETE on public.delayed_jobs.",
});
const tls = finding({ id: "tls", checkId: "redis-tls-disabled", status: "PASS", resource: { type: "Redis::Endpoint", id: "jobs-redis" } });

async function audit(runId: string, at: string, findings: ReturnType<typeof finding>[]) {
  const store = await openStore(spec);
  const printed: string[] = [];
  try {
    const recorded = await recordRun(store, result(runId, at, findings), POLICY, new Date(at), {
      notifier: notifierFromSpec("stdout", { write: (t) => void printed.push(t) }),
      deliveredAt: () => new Date(at),
    });
    return { recorded, delivery: recorded.delivery, printed: printed.join("") };
  } finally {
    await store.close();
  }
}

async function history(args: Record<string, unknown>, now = "2025-06-02T12:00:00Z") {
  const out: string[] = [];
  const code = await historyCommand(
    { store: spec, format: "table", ...args },
    { now: () => new Date(now), write: (t) => void out.push(t) },
  );
  return { code, out: out.join("") };
}

describe("two audits with a change in between", () => {
  it("classifies, alerts only on changes, and answers history and verify from the store", async () => {
    const first = await audit("run-1", "2025-06-01T10:00:00Z", [sgOpen, tls]);
    expect(first.recorded.result.findings.map((f) => [f.id, f.change])).toEqual([
      ["sg-open", "new"],
      ["tls", "new"],
    ]);
    expect(first.printed).toContain("queue-auditor: 1 new critical violation in 111122223333");

    // Between the runs: the security group is fixed, a grant appears.
    const second = await audit("run-2", "2025-06-01T11:00:00Z", [{ ...sgOpen, status: "PASS" }, pgGrant, tls]);
    // Recorded runs list violations first, so compare by id.
    expect(new Map(second.recorded.result.findings.map((f) => [f.id, f.change]))).toEqual(
      new Map([
        ["sg-open", "resolved"],
        ["pg-grant", "new"],
        ["tls", "persisting"],
      ]),
    );
    expect(second.delivery?.digest.items.map((i) => `${i.kind}:${i.findingId}`)).toEqual(["resolved:sg-open", "new:pg-grant"]);

    const third = await audit("run-3", "2025-06-01T12:00:00Z", [{ ...sgOpen, status: "PASS" }, pgGrant, tls]);
    expect(third.recorded.notification).toBeUndefined();
    expect(third.printed).toBe("");

    const runs = await history({});
    expect(
      runs.out
        .split("\n")
        .slice(2, 5)
        .map((l) => l.split(/\s+/)[1]),
    ).toEqual(["run-3", "run-2", "run-1"]);

    const open = await history({ open: true });
    expect(open.out).toMatch(/high\s+pg-unapproved-privilege\s+queue-db:public.delayed_jobs\s+app_web\s+2025-06-01T11:00:00Z\s+1d 1h/);
    expect(open.out).not.toContain("sg-00000001");

    const resource = await history({ resource: "sg-00000001", format: "csv" });
    expect(
      resource.out
        .split("\r\n")
        .slice(1, 4)
        .map((l) => l.split(",").slice(1, 3).join(" ")),
    ).toEqual(["run-3 PASS", "run-2 PASS", "run-1 FAIL"]);

    const json = JSON.parse((await history({ check: "pg-unapproved-privilege", format: "json" })).out);
    expect(json.findings.map((f: { runId: string; change: string }) => [f.runId, f.change])).toEqual([
      ["run-3", "persisting"],
      ["run-2", "new"],
    ]);

    const verified: string[] = [];
    const now = () => new Date("2025-06-02T12:00:00Z");
    const code = await verifyCommand({ store: spec }, { now, write: (t) => void verified.push(t) });
    expect(verified.join("")).toMatch(/^chain intact: 3 run\(s\) verified/);
    expect(code).toBe(0);
    expect(verified.join("")).toMatch(/^chain intact: 3 run\(s\) verified/);
  });

  it("turns bad flags into usage errors", async () => {
    await expect(history({ since: "last tuesday" })).rejects.toThrow(UsageError);
    await expect(history({ open: true, status: "FAIL" })).rejects.toThrow(/--open lists what is open now/);
    await expect(historyCommand({ store: "s3:x", format: "table" })).rejects.toThrow(UserError);
    await expect(historyCommand({ store: "none", format: "table" })).rejects.toThrow(/history needs a store/);
  });

  it("registers the contract's flags on the program", () => {
    const program = new Command();
    registerHistory(program);
    const flags = program.commands[0]?.options.map((o) => o.long);
    expect(flags).toEqual(
      expect.arrayContaining(["--store", "--since", "--until", "--resource", "--check", "--status", "--open", "--format", "--out"]),
    );
  });
});
