/**
 * PostgreSQL log lines as RDS writes them (log_line_prefix `%t:%r:%u@%d:[%p]:`), one row per
 * message variant of PostgreSQL 13–18 that says who tried to reach the database.
 */
import { describe, expect, it } from "vitest";
import { foldEvents } from "../../../../lib/audit/inventory/logs/fold.js";
import { parsePgLogLine, parsePrefix } from "../../../../lib/audit/inventory/logs/pg-line.js";

const P = "2026-12-06 10:15:02 UTC:198.51.100.7(53422)";

describe("the RDS log_line_prefix", () => {
  it("reads time, address without port, user, database, pid and severity", () => {
    expect(parsePrefix(`${P}:app_worker@app_production:[4242]:LOG:  statement: SELECT 1`)).toEqual({
      time: "2026-12-06T10:15:02.000Z",
      address: "198.51.100.7",
      user: "app_worker",
      database: "app_production",
      pid: 4242,
      severity: "LOG",
      message: "statement: SELECT 1",
    });
  });

  it("reads the unknown user and database of a connection not yet authenticated, and local sockets", () => {
    expect(parsePrefix(`${P}:[unknown]@[unknown]:[7]:LOG:  connection received: host=198.51.100.7 port=53422`)).toMatchObject({
      user: "",
      database: "",
      address: "198.51.100.7",
    });
    expect(parsePrefix("2026-12-06 10:15:02 UTC:[local]:rdsadmin@rdsadmin:[9]:LOG:  checkpoint starting: time")).toMatchObject({
      address: "",
      user: "rdsadmin",
    });
  });

  it("reads IPv6 client addresses and fractional seconds", () => {
    expect(parsePrefix("2026-12-06 10:15:02.123 UTC:2001:db8::7(5432):a@b:[1]:LOG:  x")).toMatchObject({
      address: "2001:db8::7",
      time: "2026-12-06T10:15:02.123Z",
    });
  });

  it("leaves lines without the prefix alone", () => {
    expect(parsePrefix('FATAL:  password authentication failed for user "x"')).toBeUndefined();
    expect(parsePrefix("")).toBeUndefined();
  });
});

describe("messages that say who tried (PostgreSQL 13–18 wording)", () => {
  const rows: [string, string, unknown][] = [
    [
      "wrong password (13–18)",
      `${P}:mallory@app_production:[1]:FATAL:  password authentication failed for user "mallory"`,
      { kind: "failed-login", reason: "password", user: "mallory", address: "198.51.100.7" },
    ],
    [
      "wrong IAM token (RDS IAM authentication is PAM)",
      `${P}:app@app_production:[1]:FATAL:  PAM authentication failed for user "app"`,
      { kind: "failed-login", reason: "password", user: "app", address: "198.51.100.7" },
    ],
    [
      "no pg_hba.conf entry, SSL off (13)",
      `${P}:eve@postgres:[1]:FATAL:  no pg_hba.conf entry for host "198.51.100.7", user "eve", database "postgres", SSL off`,
      { kind: "failed-login", reason: "no-hba-entry", user: "eve", address: "198.51.100.7" },
    ],
    [
      "no pg_hba.conf entry, no encryption (14–18)",
      `${P}:eve@postgres:[1]:FATAL:  no pg_hba.conf entry for host "203.0.113.9", user "eve", database "postgres", no encryption`,
      { kind: "failed-login", reason: "no-hba-entry", user: "eve", address: "203.0.113.9" },
    ],
    [
      "no pg_hba.conf entry, SSL encryption (14–18)",
      `${P}:eve@postgres:[1]:FATAL:  no pg_hba.conf entry for host "203.0.113.9", user "eve", database "postgres", SSL encryption`,
      { kind: "failed-login", reason: "no-hba-entry", user: "eve", address: "203.0.113.9" },
    ],
    [
      "no pg_hba.conf entry for replication (14–18)",
      `${P}:eve@:[1]:FATAL:  no pg_hba.conf entry for replication connection from host "203.0.113.9", user "eve", no encryption`,
      { kind: "failed-login", reason: "no-hba-entry", user: "eve", address: "203.0.113.9" },
    ],
    [
      "pg_hba.conf rejects (reject lines, rds.restrict_password_commands)",
      `${P}:eve@db:[1]:FATAL:  pg_hba.conf rejects connection for host "198.51.100.7", user "eve", database "db", SSL encryption`,
      { kind: "failed-login", reason: "hba-reject", user: "eve", address: "198.51.100.7" },
    ],
    [
      "role does not exist (trust-like methods)",
      `${P}:ghost@db:[1]:FATAL:  role "ghost" does not exist`,
      { kind: "failed-login", reason: "role-missing", user: "ghost", address: "198.51.100.7" },
    ],
    [
      "a user name with quotes, '@' and ':' (attacker-chosen)",
      `${P}:a"b@c:d@db:[1]:FATAL:  password authentication failed for user "a"b@c:d"`,
      { kind: "failed-login", reason: "password", user: 'a"b@c:d', address: "198.51.100.7" },
    ],
    [
      "connection authorized with SSL and compression (13)",
      `${P}:app_worker@app_production:[1]:LOG:  connection authorized: user=app_worker database=app_production application_name=sidekiq SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256, compression=off)`,
      { kind: "connection", user: "app_worker", database: "app_production", address: "198.51.100.7" },
    ],
    [
      "connection authorized with SSL (14–18)",
      `${P}:app_worker@app_production:[1]:LOG:  connection authorized: user=app_worker database=app_production application_name=psql SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)`,
      { kind: "connection", user: "app_worker", database: "app_production", address: "198.51.100.7" },
    ],
    [
      "connection authorized without SSL or application name",
      `${P}:report@app_production:[1]:LOG:  connection authorized: user=report database=app_production`,
      { kind: "connection", user: "report", database: "app_production", address: "198.51.100.7" },
    ],
    [
      "replication connection authorized",
      `${P}:repl@[unknown]:[1]:LOG:  replication connection authorized: user=repl application_name=walreceiver`,
      { kind: "connection", user: "repl", database: "", address: "198.51.100.7" },
    ],
    [
      "permission denied for table (11–18)",
      `${P}:report@app_production:[1]:ERROR:  permission denied for table delayed_jobs`,
      { kind: "denied", objectKind: "table", object: "delayed_jobs", user: "report", database: "app_production", address: "198.51.100.7" },
    ],
    [
      "permission denied for relation (before 11)",
      `${P}:report@app_production:[1]:ERROR:  permission denied for relation delayed_jobs`,
      { kind: "denied", objectKind: "table", object: "delayed_jobs", user: "report", database: "app_production", address: "198.51.100.7" },
    ],
    [
      "permission denied for sequence",
      `${P}:report@app_production:[1]:ERROR:  permission denied for sequence delayed_jobs_id_seq`,
      {
        kind: "denied",
        objectKind: "sequence",
        object: "delayed_jobs_id_seq",
        user: "report",
        database: "app_production",
        address: "198.51.100.7",
      },
    ],
    [
      "permission denied for schema",
      `${P}:report@app_production:[1]:ERROR:  permission denied for schema queue`,
      { kind: "denied", objectKind: "schema", object: "queue", user: "report", database: "app_production", address: "198.51.100.7" },
    ],
    [
      "pgAudit session READ",
      `${P}:report@app_production:[1]:LOG:  AUDIT: SESSION,1,1,READ,SELECT,TABLE,public.delayed_jobs,"SELECT handler, last_error FROM delayed_jobs",<not logged>`,
      {
        kind: "audited",
        auditClass: "READ",
        object: "public.delayed_jobs",
        user: "report",
        database: "app_production",
        address: "198.51.100.7",
      },
    ],
    [
      "pgAudit object WRITE",
      `${P}:intruder@app_production:[1]:LOG:  AUDIT: OBJECT,3,1,WRITE,INSERT,TABLE,public.delayed_jobs,"INSERT INTO delayed_jobs (handler) VALUES ('x')",<not logged>`,
      {
        kind: "audited",
        auditClass: "WRITE",
        object: "public.delayed_jobs",
        user: "intruder",
        database: "app_production",
        address: "198.51.100.7",
      },
    ],
  ];
  it.each(rows)("%s", (_name, line, event) => {
    expect(parsePgLogLine(line)?.event).toEqual(event);
  });

  const quiet: [string, string][] = [
    ["a statement", `${P}:app@db:[1]:LOG:  statement: SELECT * FROM delayed_jobs`],
    ["connection received (before authentication)", `${P}:[unknown]@[unknown]:[1]:LOG:  connection received: host=198.51.100.7 port=53422`],
    [
      "connection authenticated (14–18)",
      `${P}:app@db:[1]:LOG:  connection authenticated: identity="app" method=scram-sha-256 (/rdsdbdata/config/pg_hba.conf:13)`,
    ],
    ["disconnection", `${P}:app@db:[1]:LOG:  disconnection: session time: 0:00:01.002 user=app database=db host=198.51.100.7 port=53422`],
    ["DETAIL of a failed login", `${P}:mallory@db:[1]:DETAIL:  Role "mallory" does not exist.`],
    ["a denial's message text quoted by a statement", `${P}:app@db:[1]:LOG:  statement: SELECT 'permission denied for table delayed_jobs'`],
    ["a password failure quoted in a statement", `${P}:app@db:[1]:LOG:  statement: SELECT 'password authentication failed for user "x"'`],
  ];
  it.each(quiet)("%s says nothing about access", (_name, line) => {
    expect(parsePgLogLine(line)).toBeDefined();
    expect(parsePgLogLine(line)?.event).toBeUndefined();
  });
});

describe("folding events into counts", () => {
  it("counts per user and address, with the first and last time from the events' timestamps", () => {
    const t0 = Date.parse("2026-12-06T10:00:00Z");
    const events = [
      ...Array.from({ length: 12 }, (_, i) => ({
        timestamp: t0 + i * 1000,
        message: `${P}:admin@db:[${i}]:FATAL:  password authentication failed for user "admin"`,
      })),
      { timestamp: t0 + 5000, message: `${P}:root@db:[1]:FATAL:  password authentication failed for user "root"` },
      { timestamp: t0, message: "not a postgres line" },
    ];
    const { attempts, recognised } = foldEvents(events);
    expect(recognised).toBe(13);
    expect(attempts.failedLogins).toEqual([
      {
        user: "admin",
        address: "198.51.100.7",
        kind: "password",
        count: 12,
        first: "2026-12-06T10:00:00.000Z",
        last: "2026-12-06T10:00:11.000Z",
      },
      {
        user: "root",
        address: "198.51.100.7",
        kind: "password",
        count: 1,
        first: "2026-12-06T10:00:05.000Z",
        last: "2026-12-06T10:00:05.000Z",
      },
    ]);
    expect(attempts.droppedEvents).toBe(0);
  });
});
