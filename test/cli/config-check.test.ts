/**
 * `queue-auditor config check` prints the access policy as a document: each backend, who
 * may do what and why, both config forms alike, and every admin or principal without a
 * reason flagged — valid all the same (exit 0).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { policyText } from "../../lib/cli/config-check.js";
import { cli } from "../support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "qa-config-check-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CONFIG = `version: 1
postgres:
  - name: queue-db
    connection: { host: queue-db.example.com, database: app, user: queue_auditor, password: { env: PGPASSWORD } }
    tables: [public.delayed_jobs]
    owner: app_migrator
    admins:
      - { name: dba_oncall, reason: break-glass access for incidents, owner: platform team }
    principals:
      app_worker: { allow: [SELECT, UPDATE, DELETE], reason: runs the jobs, owner: payments team }
      app_web: [SELECT, INSERT]
redis:
  - name: jobs
    endpoint: { host: jobs.example.com }
    queue: sidekiq
    principals:
      worker: { allow: [read, write], reason: Sidekiq workers }
`;

describe("queue-auditor config check: the access policy", () => {
  it("prints each backend's grants with their reasons and flags the one without, exit 0", () => {
    const file = join(tmp, "policy.yaml");
    writeFileSync(file, CONFIG);
    const run = cli(["config", "check", "--config", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        `${file}: valid (0 AWS target(s), 1 PostgreSQL database(s), 0 MySQL/MariaDB server(s), 1 Redis endpoint(s), 0 mute(s))`,
        "access policy (who may do what to the queue, and why):",
        "  PostgreSQL queue-db: protects public.delayed_jobs",
        "    owner      app_migrator  all                     owns the queue tables (runs the migrations)",
        "    admin      dba_oncall    all                     break-glass access for incidents (decided by platform team)",
        "    principal  app_web       SELECT, INSERT          NO REASON RECORDED",
        "    principal  app_worker    SELECT, UPDATE, DELETE  runs the jobs (decided by payments team)",
        "  Redis jobs: protects queue:*, queues, schedule, retry, dead",
        "    principal  worker  read, write  Sidekiq workers",
        "1 admin(s) or principal(s) without a reason (the policy holds; an auditor will ask why): PostgreSQL queue-db principal app_web",
        "",
      ].join("\n"),
    );
  });

  it("shows control characters in names visibly, and says when there is nothing to document", () => {
    const text = policyText([
      {
        engine: "MySQL",
        target: "billing",
        protects: ["billing.delayed_jobs"],
        grants: [{ name: "evil\n'app'@'%'", as: "principal", allow: ["SELECT"] }],
      },
    ]);
    expect(text.split("\n")).toEqual([
      "access policy (who may do what to the queue, and why):",
      "  MySQL billing: protects billing.delayed_jobs",
      "    principal  evil\\n'app'@'%'  SELECT  NO REASON RECORDED",
      "1 admin(s) or principal(s) without a reason (the policy holds; an auditor will ask why): MySQL billing principal evil\\n'app'@'%'",
      "",
    ]);
    expect(policyText([])).toBe("access policy: no PostgreSQL, MySQL or Redis target\n");
  });
});
