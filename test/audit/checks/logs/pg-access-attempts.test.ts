/**
 * pg-access-attempts on in-memory inventories: log events as RDS exports them, folded the
 * way the collector and the offline reader fold them.
 */
import { describe, expect, it } from "vitest";
import { foldEvents } from "../../../../lib/audit/inventory/logs/fold.js";
import type { LogGroupRead } from "../../../../lib/audit/inventory/logs/types.js";
import { config, dbInstance, inventory, missing, ok, partition, verdicts } from "../../../support/builders.js";

const GROUP = "/aws/rds/instance/queue-db/postgresql";
const T0 = Date.parse("2026-11-25T11:00:00Z");

const policy = {
  targets: { rds: ["queue-db"] },
  logs: {},
  postgres: [
    {
      name: "queue-db",
      connection: { host: "queue-db.example.com", database: "app_production", user: "queue_auditor", password: { env: "PGPW" } },
      tables: ["public.delayed_jobs"],
      owner: "app_migrator",
      admins: ["postgres"],
      principals: { app_worker: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
    },
  ],
};
const cfg = config(policy as never);

const line = (remote: string, who: string, severity: string, message: string) =>
  `2026-11-25 11:00:00 UTC:${remote}:${who}:[4242]:${severity}:  ${message}`;

function read(messages: string[], overrides: Partial<LogGroupRead> = {}): LogGroupRead {
  const events = messages.map((message, i) => ({ timestamp: T0 + i * 1000, message }));
  const { attempts, recognised } = foldEvents(events);
  return {
    logGroupName: GROUP,
    since: "2026-11-25T11:00:00.000Z",
    until: "2026-11-25T12:00:00.000Z",
    events: events.length,
    bytes: messages.join("").length,
    pages: 1,
    recognised,
    attempts,
    ...overrides,
  };
}

function logConnections(value: string) {
  return ok([
    {
      ParameterName: "log_connections",
      ParameterValue: value,
      Source: "user",
      ApplyType: "dynamic",
      DataType: "boolean",
      IsModifiable: true,
    },
  ]);
}

function inv(logEvents: Record<string, unknown>, logConn = "1") {
  return inventory(
    partition({ dbInstances: ok([dbInstance("queue-db")]), dbParameters: { "queue-pg16": logConnections(logConn) }, logEvents }),
  );
}

const check = (i: ReturnType<typeof inv>, c = cfg) => verdicts("pg-access-attempts", c, i);
const worker = line(
  "10.20.1.5(40000)",
  "app_worker@app_production",
  "LOG",
  "connection authorized: user=app_worker database=app_production application_name=sidekiq",
);

describe("pg-access-attempts", () => {
  it("passes a quiet period, naming what was read and over which period", () => {
    const [r, ...rest] = check(inv({ [GROUP]: ok(read([worker, worker])) }));
    expect(rest).toEqual([]);
    expect(r?.status).toBe("PASS");
    expect(r?.message).toContain(
      "read 2 event(s) of /aws/rds/instance/queue-db/postgresql from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z",
    );
    expect(r?.evidence).toMatchObject({ summary: { connections: 2, failedLogins: 0, connectionsByUser: { app_worker: 2 } } });
  });

  it("fails on 10 failed logins from one address, with counts per user and the first and last time", () => {
    const guesses = Array.from({ length: 10 }, (_, i) =>
      line(
        "203.0.113.9(5000)",
        `${i % 2 ? "admin" : "postgres"}@postgres`,
        "FATAL",
        `password authentication failed for user "${i % 2 ? "admin" : "postgres"}"`,
      ),
    );
    const results = check(inv({ [GROUP]: ok(read([worker, ...guesses])) }));
    expect(results.map((r) => [r.status, r.subject])).toEqual([["FAIL", "failed-logins"]]);
    expect(results[0]?.evidence).toMatchObject({
      threshold: 10,
      sources: [
        {
          address: "203.0.113.9",
          count: 10,
          first: "2026-11-25T11:00:01.000Z",
          last: "2026-11-25T11:00:10.000Z",
          users: { postgres: 5, admin: 5 },
        },
      ],
    });
  });

  it("stays silent below the threshold: 9 failed logins from one address, a few from others", () => {
    const nine = Array.from({ length: 9 }, () =>
      line("203.0.113.9(5000)", "x@y", "FATAL", 'password authentication failed for user "app_worker"'),
    );
    const other = line(
      "198.51.100.1(5000)",
      "x@y",
      "FATAL",
      'no pg_hba.conf entry for host "198.51.100.1", user "x", database "y", no encryption',
    );
    const [r] = check(inv({ [GROUP]: ok(read([worker, ...nine, other])) }));
    expect(r?.status).toBe("PASS");
    expect(r?.message).toContain("10 failed login(s), none reaching 10 from one address");
  });

  it("honours a configured threshold", () => {
    const three = Array.from({ length: 3 }, () =>
      line("203.0.113.9(5000)", "x@y", "FATAL", 'password authentication failed for user "app_worker"'),
    );
    const strict = config({ ...policy, logs: { failedLoginThreshold: 3 } } as never);
    expect(check(inv({ [GROUP]: ok(read([worker, ...three])) }), strict).map((r) => r.status)).toEqual(["FAIL"]);
  });

  it("fails when a role outside the policy connected to the queue's database; the auditor, policy roles and rdsadmin are expected", () => {
    const lines = [
      worker,
      line("10.20.9.9(1)", "reporting@app_production", "LOG", "connection authorized: user=reporting database=app_production"),
      line("10.20.1.1(1)", "queue_auditor@app_production", "LOG", "connection authorized: user=queue_auditor database=app_production"),
      line("[local]", "rdsadmin@rdsadmin", "LOG", "connection authorized: user=rdsadmin database=rdsadmin"),
      line("10.20.9.9(1)", "reporting@analytics", "LOG", "connection authorized: user=reporting database=analytics"),
    ];
    const results = check(inv({ [GROUP]: ok(read(lines)) }));
    expect(results.map((r) => [r.status, r.subject])).toEqual([["FAIL", "unexpected-connections"]]);
    expect(results[0]?.message).toContain("reporting from 10.20.9.9 (1)");
    expect(results[0]?.evidence).toMatchObject({ connections: [{ user: "reporting", address: "10.20.9.9", count: 1 }] });
  });

  it("fails when a role outside the policy was refused the queue table; a refusal on another table stays silent", () => {
    const lines = [
      worker,
      line("10.20.9.9(1)", "reporting@app_production", "ERROR", "permission denied for table delayed_jobs"),
      line("10.20.9.9(1)", "reporting@app_production", "ERROR", "permission denied for table invoices"),
    ];
    const results = check(inv({ [GROUP]: ok(read(lines)) }));
    expect(results.map((r) => r.subject)).toEqual(["denied-access"]);
    expect(results[0]?.evidence).toMatchObject({ denied: [{ user: "reporting", object: "delayed_jobs", objectKind: "table", count: 1 }] });
  });

  it("fails when pgAudit saw a role outside the policy write the queue table; the worker's own writes are expected", () => {
    const lines = [
      worker,
      line(
        "10.20.1.5(1)",
        "app_worker@app_production",
        "LOG",
        'AUDIT: SESSION,1,1,WRITE,UPDATE,TABLE,public.delayed_jobs,"UPDATE delayed_jobs SET locked_at = now()",<not logged>',
      ),
      line(
        "10.20.9.9(1)",
        "intruder@app_production",
        "LOG",
        'AUDIT: SESSION,1,1,WRITE,INSERT,TABLE,public.delayed_jobs,"INSERT INTO delayed_jobs (handler) VALUES (1)",<not logged>',
      ),
    ];
    const results = check(inv({ [GROUP]: ok(read(lines)) }));
    expect(results.map((r) => r.subject)).toEqual(["audited-access"]);
    expect(results[0]?.message).toContain("intruder WRITE public.delayed_jobs (1)");
  });

  it("escapes attacker-chosen names in messages and evidence", () => {
    const evil = Array.from({ length: 10 }, () =>
      line("203.0.113.9(1)", "x@y", "FATAL", 'password authentication failed for user "root\u001b[2J\nFAKE LINE"'),
    );
    const [r] = check(inv({ [GROUP]: ok(read(evil)) }));
    expect(r?.status).toBe("FAIL");
    expect([...(r?.message ?? "")].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
    expect(JSON.stringify(r?.evidence)).toContain("root\\\\u001b[2J\\\\nFAKE LINE");
  });

  it("is an ERROR when the log group is missing, when a bound stopped the read, and when the log is empty while log_connections is on", () => {
    expect(check(inv({})).map((r) => [r.status, r.message])).toEqual([
      ["ERROR", expect.stringContaining("Could not evaluate the access attempts in /aws/rds/instance/queue-db/postgresql")],
    ]);
    expect(check(inv({ [GROUP]: missing("logs:FilterLogEvents") })).map((r) => r.status)).toEqual(["ERROR"]);
    const bounded = check(inv({ [GROUP]: ok(read([worker], { bound: { kind: "events", limit: 1 } })) }));
    expect(bounded.map((r) => r.status)).toEqual(["ERROR"]);
    expect(bounded[0]?.message).toContain("stopped at 1 events (logs.maxEvents)");
    const empty = check(inv({ [GROUP]: ok(read([])) }));
    expect(empty.map((r) => r.status)).toEqual(["ERROR"]);
    expect(empty[0]?.message).toContain("holds no connection line");
    // With log_connections off, an empty period is a quiet one (rds-connection-logging-off reports the setting).
    expect(check(inv({ [GROUP]: ok(read([])) }, "0")).map((r) => r.status)).toEqual(["PASS"]);
  });

  it("judges nothing without `logs` in the config (opt-in)", () => {
    const { logs: _, ...rest } = policy;
    expect(check(inv({ [GROUP]: ok(read([worker])) }), config(rest as never))).toEqual([]);
  });
});
