/** `config check` and `audit` tell the truth about schedules and mutes, through the real CLI. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "qa-truths-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("queue-auditor config check", () => {
  it("exits 2 with one line for a schedule EventBridge Scheduler rejects", () => {
    const file = join(tmp, "cron5.yaml");
    writeFileSync(file, 'version: 1\nschedule: "cron(0 * * * *)"\n');
    const run = cli(["config", "check", "--config", file]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `queue-auditor: ${file}: schedule: expected cron() with the 6 fields EventBridge Scheduler requires (minutes hours day-of-month month day-of-week year), got 5`,
    );
  });

  it("stays valid (exit 0) but warns on stderr about a mute that cannot match and one that expired", () => {
    const file = join(tmp, "mutes.yaml");
    writeFileSync(
      file,
      [
        "version: 1",
        "mutes:",
        "  - { check: sg-unapproved-cidr, resource: sg-0a1b2c3d4e5f60002, subject: '198.51.100.0/24:5432', reason: VPN range, expires: 2099-03-31 }",
        "  - { check: rds-iam-auth-disabled, resource: queue-db, reason: waits for pgbouncer, expires: 2024-01-31 }",
        "",
      ].join("\n"),
    );
    const run = cli(["config", "check", "--config", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("valid");
    expect(run.stderr.trim().split("\n")).toEqual([
      `${file}: warning: mutes[0] (sg-unapproved-cidr on "sg-0a1b2c3d4e5f60002" subject "198.51.100.0/24:5432") can never match: a network subject is SOURCE or "SOURCE PROTOCOL PORT" (such as 198.51.100.0/24 tcp 5432), with SOURCE a CIDR or security group id`,
      `${file}: warning: mutes[1] (rds-iam-auth-disabled on "queue-db") expired on 2024-01-31 and no longer applies; renew or remove it`,
    ]);
  });
});

describe("queue-auditor audit", () => {
  it("warns about each mute that matched no violation of the run", () => {
    const run = cli([
      "audit",
      ...["--config", "test/fixtures/config/clean.yaml", "--inventory", "test/fixtures/inventory/clean", "--store", "none"],
    ]);
    expect(run.code).toBe(0);
    // The clean estate has nothing left to mute: both of its mutes are stale.
    expect(run.stderr).toContain(
      'test/fixtures/config/clean.yaml: warning: mutes[1] (rds-iam-auth-disabled on "queue-db") matched no violation in this audit',
    );
  });
});
