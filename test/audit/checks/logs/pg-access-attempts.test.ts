/**
 * pg-access-attempts on in-memory inventories: log events as RDS exports them, folded the
 * way the collector and the offline reader fold them.
 */
import { describe, expect, it } from "vitest";
import { shown, shownAddress } from "../../../../lib/audit/checks/logs/shown.js";
import { foldEvents } from "../../../../lib/audit/inventory/logs/fold.js";
import type { AccessAttempts, FailedLoginKind, LogGroupRead } from "../../../../lib/audit/inventory/logs/types.js";
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

describe("pg-access-attempts: what a verdict says, over plain folded attempts", () => {
  const at = (minute: number) => `2026-11-25T11:${String(minute).padStart(2, "0")}:00.000Z`;
  const seenAt = (count: number, first = 0, last = first) => ({ count, first: at(first), last: at(last) });
  const folded = (a: Partial<AccessAttempts>): AccessAttempts => ({
    failedLogins: [],
    connections: [],
    denied: [],
    audited: [],
    droppedEvents: 0,
    ...a,
  });
  const plain = (a: Partial<AccessAttempts>, overrides: Partial<LogGroupRead> = {}): LogGroupRead => ({
    logGroupName: GROUP,
    since: "2026-11-25T11:00:00.000Z",
    until: "2026-11-25T12:00:00.000Z",
    events: 40,
    bytes: 4000,
    pages: 2,
    recognised: 40,
    attempts: folded(a),
    ...overrides,
  });
  const judged = (a: Partial<AccessAttempts>, overrides: Partial<LogGroupRead> = {}, c = cfg) =>
    check(inv({ [GROUP]: ok(plain(a, overrides)) }), c);
  const only = (a: Partial<AccessAttempts>, overrides: Partial<LogGroupRead> = {}, c = cfg) => {
    const results = judged(a, overrides, c);
    expect(results).toHaveLength(1);
    const [r] = results;
    if (!r) throw new Error("no verdict");
    return r;
  };
  const failedLogin = (user: string, address: string, count: number, first = 0, last = first, kind: FailedLoginKind = "password") => ({
    user,
    address,
    kind,
    ...seenAt(count, first, last),
  });
  const connection = (user: string, database = "app_production", address = "10.20.9.9", count = 1) => ({
    user,
    database,
    address,
    ...seenAt(count, 5, 6),
  });
  const base = {
    logGroup: GROUP,
    since: "2026-11-25T11:00:00.000Z",
    until: "2026-11-25T12:00:00.000Z",
    eventsRead: 40,
    pages: 2,
    policy: "queue-db",
  };

  it("passes a quiet period saying what it read and judged, with the totals as evidence", () => {
    const r = only({
      failedLogins: [failedLogin("app_worker", "10.20.1.5", 2), failedLogin("postgres", "10.20.1.6", 3)],
      connections: [connection("app_worker", "app_production", "10.20.1.5", 7), connection("app_worker", "postgres", "10.20.1.5", 2)],
    });
    expect(r.status).toBe("PASS");
    expect(r.message).toBe(
      "queue-db: read 40 event(s) of /aws/rds/instance/queue-db/postgresql from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z: 5 failed login(s), none reaching 10 from one address; no role outside the policy of queue-db connected, was refused or was audited using the queue.",
    );
    expect(r.evidence).toStrictEqual({
      ...base,
      threshold: 10,
      summary: { failedLogins: 5, connections: 9, connectionsByUser: { app_worker: 9 }, denied: 0, audited: 0 },
    });
  });

  it("names the open ends of the period, and leaves out pages when none was fetched", () => {
    const r = only({}, { since: "", until: "", pages: 0 }, config({ ...policy, postgres: [] } as never));
    expect(r.message).toBe(
      "queue-db: read 40 event(s) of /aws/rds/instance/queue-db/postgresql from the start of the captured events to the capture: 0 failed login(s), none reaching 10 from one address; no postgres[] target named queue-db gives a policy, so connections and denials were not judged.",
    );
    expect(r.evidence).toStrictEqual({
      logGroup: GROUP,
      since: null,
      until: null,
      eventsRead: 40,
      policy: null,
      threshold: 10,
      summary: { failedLogins: 0, connections: 0, connectionsByUser: {}, denied: 0, audited: 0 },
    });
  });

  it("adds up one address's failed logins over users and kinds, from the first to the last, and fails at the threshold", () => {
    const r = only({
      failedLogins: [
        failedLogin("postgres", "203.0.113.9", 4, 10, 20),
        failedLogin("admin", "203.0.113.9", 3, 5, 15),
        failedLogin("postgres", "203.0.113.9", 3, 12, 30, "no-hba-entry"),
        failedLogin("app_worker", "198.51.100.1", 9, 1, 2),
      ],
    });
    expect(r).toMatchObject({ status: "FAIL", subject: "failed-logins" });
    expect(r.message).toBe(
      "queue-db: 1 address(es) failed to log in 10 times or more from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z: 203.0.113.9 (10, users postgres, admin). Block the source and rotate the targeted passwords.",
    );
    expect(r.evidence).toStrictEqual({
      ...base,
      threshold: 10,
      sources: [{ address: "203.0.113.9", count: 10, first: at(5), last: at(30), users: { postgres: 7, admin: 3 } }],
    });
  });

  it("lists guessing addresses most failures first, a local one as (local), at most five in the message", () => {
    const addresses = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5", ""];
    const r = only({ failedLogins: addresses.map((a, i) => failedLogin(`u${i}`, a, 10 + i)) });
    expect(r.message).toContain(
      ": (local) (15, users u5); 203.0.113.5 (14, users u4); 203.0.113.4 (13, users u3); 203.0.113.3 (12, users u2); 203.0.113.2 (11, users u1). Block",
    );
    expect(r.message).toMatch(/^queue-db: 6 address\(es\) failed/);
    expect((r.evidence.sources as { address: string }[]).map((s) => s.address)).toEqual([
      "(local)",
      "203.0.113.5",
      "203.0.113.4",
      "203.0.113.3",
      "203.0.113.2",
      "203.0.113.1",
    ]);
  });

  it("names at most five users of a guessing address in the message, and twenty sources and users in the evidence", () => {
    const users = Array.from({ length: 25 }, (_, i) => failedLogin(`user${i}`, "203.0.113.9", 1));
    const r = only({ failedLogins: users });
    expect(r.message).toContain("203.0.113.9 (25, users user0, user1, user2, user3, user4 and 20 more).");
    const [source] = r.evidence.sources as { users: Record<string, number> }[];
    expect(Object.keys(source?.users ?? {})).toHaveLength(20);
    const many = Array.from({ length: 25 }, (_, i) => failedLogin("root", `203.0.113.${i + 1}`, 10));
    expect((only({ failedLogins: many }).evidence.sources as unknown[]).length).toBe(20);
  });

  it("names at most five roles that connected to the queue's database and counts the rest; the evidence keeps twenty", () => {
    const r = only({ connections: Array.from({ length: 22 }, (_, i) => connection(`s${i}`)) });
    expect(r.message).toBe(
      "queue-db: role(s) outside the policy of queue-db connected to app_production from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z: s0 from 10.20.9.9 (1), s1 from 10.20.9.9 (1), s2 from 10.20.9.9 (1), s3 from 10.20.9.9 (1), s4 from 10.20.9.9 (1) and 17 more. Find who uses the credential; disable the role or add it to the policy.",
    );
    expect((r.evidence.connections as { user: string }[]).map((c) => c.user)).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
  });

  it("names at most five refusals on the queue and counts the rest; the evidence keeps twenty", () => {
    const denied = (user: string) => ({
      user,
      database: "app_production",
      address: "10.20.9.9",
      objectKind: "table",
      object: "delayed_jobs",
      ...seenAt(1, 2),
    });
    const r = only({ denied: Array.from({ length: 22 }, (_, i) => denied(`s${i}`)) });
    expect(r.message).toBe(
      "queue-db: role(s) outside the policy tried to use the queue from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z and were refused: s0 on table delayed_jobs from 10.20.9.9 (1), s1 on table delayed_jobs from 10.20.9.9 (1), s2 on table delayed_jobs from 10.20.9.9 (1), s3 on table delayed_jobs from 10.20.9.9 (1), s4 on table delayed_jobs from 10.20.9.9 (1) and 17 more. The grants held, but someone holds a credential and is probing the queue.",
    );
    expect((r.evidence.denied as { user: string }[]).map((d) => d.user)).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
  });

  it("names at most five roles pgAudit saw using the queue and counts the rest; the evidence keeps twenty", () => {
    const audited = (user: string) => ({
      user,
      database: "app_production",
      address: "10.20.9.9",
      auditClass: "READ",
      object: "public.delayed_jobs",
      ...seenAt(1, 2),
    });
    const r = only({ audited: Array.from({ length: 22 }, (_, i) => audited(`s${i}`)) });
    expect(r.message).toBe(
      "queue-db: pgAudit recorded role(s) outside the policy using the queue from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z: s0 READ public.delayed_jobs (1), s1 READ public.delayed_jobs (1), s2 READ public.delayed_jobs (1), s3 READ public.delayed_jobs (1), s4 READ public.delayed_jobs (1) and 17 more. Revoke the path that let them in (see pg-unexpected-principal).",
    );
    expect((r.evidence.audited as { user: string }[]).map((x) => x.user)).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
  });

  it("says nothing of more when a list holds exactly five", () => {
    const r = only({ connections: Array.from({ length: 5 }, (_, i) => connection(`s${i}`)) });
    expect(r.message).toContain("s4 from 10.20.9.9 (1). Find who");
  });

  it("keeps twenty users in a quiet period's connections by user", () => {
    const r = only({ connections: Array.from({ length: 22 }, (_, i) => connection(`u${i}`, "analytics", "10.20.9.9", i + 1)) });
    expect(r.status).toBe("PASS");
    expect((r.evidence.summary as { connectionsByUser: Record<string, number> }).connectionsByUser).toStrictEqual(
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`u${i}`, i + 1])),
    );
  });

  it("leaves the auditor's own weak-password trial out, up to one trial's attempts per role and address", () => {
    const trial = (count: number) => failedLogin("app_worker", "10.20.1.1", count, 0, 0, "weak-password-trial");
    expect(only({ failedLogins: [trial(19)] }).status).toBe("PASS");
    expect(only({ failedLogins: [trial(28)] }).status).toBe("PASS");
    const beyond = only({ failedLogins: [trial(29)] });
    expect(beyond.status).toBe("FAIL");
    expect(beyond.evidence.sources).toEqual([expect.objectContaining({ address: "10.20.1.1", count: 10 })]);
  });

  it("fails on events from too many distinct sources to count, saying how many", () => {
    const r = only({ droppedEvents: 1234 });
    expect(r).toMatchObject({ status: "FAIL", subject: "failed-logins" });
    expect(r.message).toBe(
      "queue-db: 0 address(es) failed to log in 10 times or more from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z: . 1234 more events came from too many distinct sources to count one by one. Block the source and rotate the targeted passwords.",
    );
    expect(r.evidence).toStrictEqual({ ...base, threshold: 10, droppedEvents: 1234, sources: [] });
  });

  it("expects the owner, the admins, the principals, the auditor and RDS's own roles to connect", () => {
    const expected = ["app_migrator", "postgres", "app_worker", "queue_auditor", "rdsadmin", "rdsrepladmin", "rdstopmgr"];
    expect(only({ connections: expected.map((u) => connection(u)) }).status).toBe("PASS");
  });

  it("fails naming the roles outside the policy that connected to the queue's database, and where from", () => {
    const r = only({
      connections: [
        connection("reporting", "app_production", "10.20.9.9", 3),
        connection("backup", "app_production", "", 1),
        connection("reporting", "analytics", "10.20.9.9", 5),
      ],
    });
    expect(r).toMatchObject({ status: "FAIL", subject: "unexpected-connections" });
    expect(r.message).toBe(
      "queue-db: role(s) outside the policy of queue-db connected to app_production from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z: reporting from 10.20.9.9 (3), backup from (local) (1). Find who uses the credential; disable the role or add it to the policy.",
    );
    expect(r.evidence).toStrictEqual({
      ...base,
      connections: [
        { user: "reporting", address: "10.20.9.9", count: 3, first: at(5), last: at(6) },
        { user: "backup", address: '""', count: 1, first: at(5), last: at(6) },
      ],
    });
  });

  it("fails naming refusals on the queue's tables and sequences, with or without the schema, by roles outside the policy", () => {
    const denied = (user: string, objectKind: string, object: string, address = "10.20.9.9") => ({
      user,
      database: "app_production",
      address,
      objectKind,
      object,
      ...seenAt(2, 1, 3),
    });
    const withSequence = config({ ...policy, postgres: [{ ...policy.postgres[0], sequences: ["public.delayed_jobs_id_seq"] }] } as never);
    const results = judged(
      {
        denied: [
          denied("reporting", "table", "delayed_jobs"),
          denied("reporting", "sequence", "public.delayed_jobs_id_seq", ""),
          denied("app_worker", "table", "delayed_jobs"),
          denied("reporting", "table", "invoices"),
        ],
      },
      {},
      withSequence,
    );
    expect(results.map((r) => r.subject)).toEqual(["denied-access"]);
    expect(results[0]?.message).toBe(
      "queue-db: role(s) outside the policy tried to use the queue from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z and were refused: reporting on table delayed_jobs from 10.20.9.9 (2), reporting on sequence public.delayed_jobs_id_seq from (local) (2). The grants held, but someone holds a credential and is probing the queue.",
    );
    expect(results[0]?.evidence).toStrictEqual({
      ...base,
      denied: [
        { user: "reporting", address: "10.20.9.9", object: "delayed_jobs", objectKind: "table", count: 2, first: at(1), last: at(3) },
        {
          user: "reporting",
          address: '""',
          object: "public.delayed_jobs_id_seq",
          objectKind: "sequence",
          count: 2,
          first: at(1),
          last: at(3),
        },
      ],
    });
  });

  it("fails naming what pgAudit saw roles outside the policy read or write in the queue, and nothing else it logged", () => {
    const audited = (user: string, auditClass: string, object = "public.delayed_jobs") => ({
      user,
      database: "app_production",
      address: "10.20.9.9",
      auditClass,
      object,
      ...seenAt(1, 2, 2),
    });
    const r = only({
      audited: [
        audited("intruder", "READ"),
        audited("intruder", "WRITE", "delayed_jobs"),
        audited("intruder", "DDL"),
        audited("intruder", "READ", "public.invoices"),
        audited("app_worker", "WRITE"),
      ],
    });
    expect(r).toMatchObject({ status: "FAIL", subject: "audited-access" });
    expect(r.message).toBe(
      "queue-db: pgAudit recorded role(s) outside the policy using the queue from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z: intruder READ public.delayed_jobs (1), intruder WRITE delayed_jobs (1). Revoke the path that let them in (see pg-unexpected-principal).",
    );
    expect(r.evidence).toStrictEqual({
      ...base,
      audited: [
        { user: "intruder", address: "10.20.9.9", auditClass: "READ", object: "public.delayed_jobs", count: 1, first: at(2), last: at(2) },
        { user: "intruder", address: "10.20.9.9", auditClass: "WRITE", object: "delayed_jobs", count: 1, first: at(2), last: at(2) },
      ],
    });
    expect(only({ audited: [audited("intruder", "DDL"), audited("intruder", "MISC")] }).status).toBe("PASS");
  });

  it("is an ERROR saying which bound stopped the read, and where it read", () => {
    const r = only({}, { bound: { kind: "bytes", limit: 1000 } });
    expect(r.status).toBe("ERROR");
    expect(r.cause).toEqual({
      source: "logs:FilterLogEvents /aws/rds/instance/queue-db/postgresql",
      account: "111122223333",
      region: "eu-west-1",
      reason:
        "the read of /aws/rds/instance/queue-db/postgresql stopped at 1000 bytes of messages (logs.maxBytes) after 40 events, before the period's end: raise logs.maxBytes or audit more often",
      code: "BoundReached",
    });
    expect(r.message).toMatch(/^Could not evaluate the access attempts in \/aws\/rds\/instance\/queue-db\/postgresql: the read of/);
  });

  it("is an ERROR for an empty log only while log_connections is on, saying why the log may be empty", () => {
    const empty = only({}, { events: 0 });
    expect(empty.cause).toEqual({
      source: "logs:FilterLogEvents /aws/rds/instance/queue-db/postgresql",
      account: "111122223333",
      region: "eu-west-1",
      reason:
        "/aws/rds/instance/queue-db/postgresql holds no connection line from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z although log_connections is on: the log is not reaching CloudWatch Logs (export off, or delivery delayed)",
      code: "EmptyLog",
    });
    // log_connections unknown (its group not exported): an empty period is not called a broken export.
    const unknown = inventory(
      partition({ dbInstances: ok([dbInstance("queue-db")]), logEvents: { [GROUP]: ok(plain({}, { events: 0 })) } }),
    );
    expect(check(unknown).map((r) => r.status)).toEqual(["PASS"]);
    // Events were read: whatever log_connections says, the log reaches CloudWatch.
    expect(only({}, { events: 1 }).status).toBe("PASS");
  });

  it("is an ERROR for an empty log saying, whole, what it could not evaluate and why", () => {
    const empty = only({}, { events: 0 });
    expect(empty.status).toBe("ERROR");
    expect(empty.message).toBe(
      "Could not evaluate the access attempts in /aws/rds/instance/queue-db/postgresql: /aws/rds/instance/queue-db/postgresql holds no connection line from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z although log_connections is on: the log is not reaching CloudWatch Logs (export off, or delivery delayed) (logs:FilterLogEvents /aws/rds/instance/queue-db/postgresql).",
    );
  });

  it("leaves out of an address's users and times a weak-password trial taken off whole, counting only the others' failures", () => {
    const r = only({
      failedLogins: [failedLogin("app_worker", "10.20.1.1", 19, 1, 2, "weak-password-trial"), failedLogin("root", "10.20.1.1", 10, 5, 8)],
    });
    expect(r.message).toBe(
      "queue-db: 1 address(es) failed to log in 10 times or more from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z: 10.20.1.1 (10, users root). Block the source and rotate the targeted passwords.",
    );
    expect(r.evidence.sources).toStrictEqual([{ address: "10.20.1.1", count: 10, first: at(5), last: at(8), users: { root: 10 } }]);
  });

  it("judges an instance by its own postgres[] entry when the config lists others before it", () => {
    const other = {
      name: "other-db",
      connection: { host: "other-db.example.com", database: "other", user: "queue_auditor", password: { env: "PGPW" } },
      tables: ["public.delayed_jobs"],
      owner: "app_migrator",
      admins: [],
      principals: { reporting: ["SELECT"] },
    };
    const both = config({ ...policy, postgres: [other, ...policy.postgres] } as never);
    const r = only({ connections: [connection("reporting")] }, {}, both);
    expect(r).toMatchObject({ status: "FAIL", subject: "unexpected-connections" });
    expect(r.evidence.policy).toBe("queue-db");
    expect(r.message).toMatch(/^queue-db: role\(s\) outside the policy of queue-db connected to app_production /);
  });

  it("gives no verdict for an in-scope instance that is not PostgreSQL: it has no PostgreSQL log to read", () => {
    const withMysql = config({ ...policy, targets: { rds: ["queue-db", "orders-db"] } } as never);
    const both = inventory(
      partition({
        dbInstances: ok([dbInstance("queue-db"), dbInstance("orders-db", { Engine: "mysql", EngineVersion: "8.0.36" })]),
        dbParameters: { "queue-pg16": logConnections("1") },
        logEvents: { [GROUP]: ok(plain({})) },
      }),
    );
    expect(check(both, withMysql).map((r) => [r.status, r.resource.id])).toEqual([["PASS", "queue-db"]]);
  });

  it("says which log group it could not read", () => {
    const r = only({}, {}, cfg);
    expect(r.status).toBe("PASS");
    const missingGroup = check(inv({}));
    expect(missingGroup.map((x) => x.message)).toEqual([
      "Could not evaluate the access attempts in /aws/rds/instance/queue-db/postgresql: the file is missing from the inventory (inv/logs-filter-log-events/__aws__rds__instance__queue-db__postgresql.json).",
    ]);
  });
});

describe("names from log lines, as a message shows them", () => {
  it("shows a plain name as is, whatever plain characters it uses, up to 128 of them", () => {
    expect(shown("app_worker")).toBe("app_worker");
    expect(shown("Queue.Admin-1:@+/[x]")).toBe("Queue.Admin-1:@+/[x]");
    expect(shown("a".repeat(128))).toBe("a".repeat(128));
    expect(shown("a".repeat(129))).toBe(`"${"a".repeat(129)}"`);
  });

  it("quotes anything else, the empty name too", () => {
    expect(shown("app worker")).toBe('"app worker"');
    expect(shown("")).toBe('""');
    expect(shown('x"y')).toBe('"x\\"y"');
  });

  it("escapes what would break or reorder a line: controls, DEL and C1, line separators, bidirectional overrides", () => {
    expect(shown("a\u007fb\u0085c\u009fd")).toBe('"a\\u007fb\\u0085c\\u009fd"');
    expect(shown("a\u2028b\u2029c")).toBe('"a\\u2028b\\u2029c"');
    expect(shown("evil\u202egpj.exe\u202a\u2066\u2069")).toBe('"evil\\u202egpj.exe\\u202a\\u2066\\u2069"');
    expect(shown("tab\there")).toBe('"tab\\there"');
  });

  it("cuts a long name at 200 characters, marking the cut", () => {
    const long = `${"x".repeat(199)} tail`;
    expect(shown(long)).toBe(`"${"x".repeat(199)} …"`);
    expect(shown(`${"x".repeat(199)} `)).toBe(`"${"x".repeat(199)} "`);
  });

  it("shows a missing address as the placeholder given, never quoted, and a real one like any name", () => {
    expect(shownAddress("", "(local)")).toBe("(local)");
    expect(shownAddress("10.20.1.5", "(local)")).toBe("10.20.1.5");
    expect(shownAddress("(local)", "(local)")).toBe('"(local)"');
  });
});
