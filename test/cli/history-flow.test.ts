import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditResult } from "../../lib/audit/findings/model.js";
import { cli, ROOT } from "../support/cli.js";

const work = mkdtempSync(join(tmpdir(), "qa-flow-"));
const inventory = join(work, "inventory");
const store = `local:${join(work, "store")}`;
const config = join(ROOT, "test/fixtures/config/violations.yaml");
const WORLD_OPEN_GROUP = "sg-0a1b2c3d4e5f60010";

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Closes the 0.0.0.0/0 rule on the database's port, as an operator would. */
function closeWorldRule(): void {
  const file = join(inventory, "ec2-describe-security-groups.json");
  const data = JSON.parse(readFileSync(file, "utf8")) as {
    SecurityGroups: { GroupId: string; IpPermissions: { IpRanges: { CidrIp: string }[] }[] }[];
  };
  const group = data.SecurityGroups.find((g) => g.GroupId === WORLD_OPEN_GROUP);
  if (!group) throw new Error(`fixture lost ${WORLD_OPEN_GROUP}`);
  group.IpPermissions = group.IpPermissions.filter((p) => !p.IpRanges.some((r) => r.CidrIp === "0.0.0.0/0"));
  writeFileSync(file, JSON.stringify(data, null, 2));
}

function audit(extra: string[] = []) {
  return cli(["audit", "--config", config, "--inventory", inventory, "--store", store, "--format", "json", "--notify", "stdout", ...extra]);
}

describe("two audits against the local store, with a fix in between", () => {
  let first: AuditResult;
  let second: AuditResult;
  let secondAlert: string;
  let firstAlert: string;

  beforeAll(() => {
    cpSync(join(ROOT, "test/fixtures/inventory/violations"), inventory, { recursive: true });
    const run1 = audit();
    expect(run1.code).toBe(1);
    first = JSON.parse(run1.stdout) as AuditResult;
    firstAlert = run1.stderr;
    closeWorldRule();
    const run2 = audit();
    expect(run2.code).toBe(1);
    second = JSON.parse(run2.stdout) as AuditResult;
    secondAlert = run2.stderr;
  });

  it("marks every finding of the first run new", () => {
    expect(new Set(first.findings.map((f) => f.change))).toEqual(new Set(["new"]));
  });

  it("marks the closed rule resolved and the rest persisting", () => {
    const wasOpen = first.findings.find((f) => f.checkId === "sg-world-ingress" && f.resource.id === WORLD_OPEN_GROUP);
    expect(wasOpen?.status).toBe("FAIL");
    const now = second.findings.find((f) => f.id === wasOpen?.id);
    expect([now?.status, now?.change, now?.subject]).toEqual(["PASS", "resolved", "0.0.0.0/0 tcp 5432"]);
    // The group's own PASS line is new evidence; everything else is as it was.
    const groupPass = second.findings.find(
      (f) => f.checkId === "sg-world-ingress" && f.resource.id === WORLD_OPEN_GROUP && f.subject === undefined,
    );
    expect([groupPass?.status, groupPass?.change]).toEqual(["PASS", "new"]);
    const others = second.findings.filter((f) => f !== now && f !== groupPass);
    expect(new Set(others.map((f) => f.change))).toEqual(new Set(["persisting"]));
  });

  it("alerts on the new violations first, then only on the resolution", () => {
    expect(firstAlert).toMatch(/new (critical )?violations? in 111122223333/);
    expect(firstAlert).toContain("[NEW] sg-world-ingress");
    expect(secondAlert).toContain("[RESOLVED] sg-world-ingress");
    expect(secondAlert).not.toContain("[NEW]");
  });

  it("does not alert again when nothing changed", () => {
    const run3 = audit();
    expect(run3.stderr).not.toContain("[NEW]");
    expect(run3.stderr).not.toContain("[RESOLVED]");
    expect(run3.stderr).not.toContain("alerted stdout");
  });

  it("answers history, history --open and verify from the store", () => {
    const runs = cli(["history", "--store", store, "--format", "json"]);
    expect(runs.code).toBe(0);
    const ids = (JSON.parse(runs.stdout) as { runs: { id: string }[] }).runs.map((r) => r.id);
    expect(ids).toContain(first.run.id);
    expect(ids).toContain(second.run.id);
    expect(ids.indexOf(second.run.id)).toBeLessThan(ids.indexOf(first.run.id)); // newest first

    const open = cli(["history", "--store", store, "--open", "--format", "json"]);
    const openIds = (JSON.parse(open.stdout) as { open: { findingId: string; openForSeconds: number | null }[] }).open.map(
      (o) => o.findingId,
    );
    const resolved = second.findings.find((f) => f.change === "resolved");
    expect(openIds).not.toContain(resolved?.id);
    expect(openIds.length).toBe(second.findings.filter((f) => f.status === "FAIL").length);

    const history = cli(["history", "--store", store, "--resource", WORLD_OPEN_GROUP, "--check", "sg-world-ingress", "--format", "json"]);
    const statuses = (JSON.parse(history.stdout) as { findings: { runId: string; status: string }[] }).findings.map((f) => [
      f.runId,
      f.status,
    ]);
    expect(statuses).toContainEqual([first.run.id, "FAIL"]);
    expect(statuses).toContainEqual([second.run.id, "PASS"]);

    const report = join(work, "history.html");
    expect(cli(["history", "--store", store, "--format", "html", "--out", report]).code).toBe(0);
    const html = readFileSync(report, "utf8");
    expect(html).toContain("Violations per run by severity");
    expect(html).toMatch(/chain-intact/);
    expect(html).toContain("sg-world-ingress"); // the latest run's findings are listed

    const verify = cli(["verify", "--store", store]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/chain intact: 3 run\(s\) verified/);
  });

  it("writes an HTML report with the history and the chain status", () => {
    const out = join(work, "report.html");
    const run = cli(["audit", "--config", config, "--inventory", inventory, "--store", store, "--format", "html", "--out", out]);
    expect(run.code).toBe(1);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("<!DOCTYPE html>");
    expect(html).toMatch(/intact/i);
    expect(html).toContain("Violations per run by severity");
    expect(html).toContain("4 run");
  });
});
