/**
 * The mysql-* checks on in-memory catalogs: each verdict's message, evidence and fix as an
 * auditor reads them, the accounts each check must leave alone, and the ERROR verdicts for a
 * server or table that was not observed. Fixtures go through the config schema.
 */
import { describe, expect, it } from "vitest";
import { mysqlAccountWithoutPassword } from "../../../../lib/audit/checks/mysql/mysql-account-without-password.js";
import { mysqlAuditorOverprivileged } from "../../../../lib/audit/checks/mysql/mysql-auditor-overprivileged.js";
import { mysqlExcessPrivilege } from "../../../../lib/audit/checks/mysql/mysql-excess-privilege.js";
import { mysqlMissingPrivilege } from "../../../../lib/audit/checks/mysql/mysql-missing-privilege.js";
import { mysqlSuperuserAccounts } from "../../../../lib/audit/checks/mysql/mysql-superuser-accounts.js";
import { mysqlTlsNotRequired } from "../../../../lib/audit/checks/mysql/mysql-tls-not-required.js";
import { mysqlUnexpectedPrincipal } from "../../../../lib/audit/checks/mysql/mysql-unexpected-principal.js";
import { mysqlWildcardAccount } from "../../../../lib/audit/checks/mysql/mysql-wildcard-account.js";
import { payloadNote, payloadWrites, sqlFix } from "../../../../lib/audit/checks/mysql/targets.js";
import type { Check } from "../../../../lib/audit/checks/types.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import type { Inventory } from "../../../../lib/audit/inventory/types.js";
import type { MysqlCatalog, MysqlObservation } from "../../../../lib/audit/probes/mysql/types.js";
import { config, context, dbInstance, inventory, ok, partition } from "../../../support/builders.js";
import { account, catalog, edge, onTable, ref, role, withExtra } from "./catalog.js";

type TargetInput = Record<string, unknown>;
const TARGET: TargetInput = {
  name: "queue-mysql",
  connection: { host: "queue-mysql.c9akciq32.eu-west-1.rds.amazonaws.com", user: "queue_auditor", password: { iam: true } },
  tables: ["app.delayed_jobs"],
  admins: ["admin@%"],
  principals: { "app_worker@10.20.%": ["SELECT", "INSERT", "UPDATE", "DELETE"] },
};

function judge(
  check: Check,
  c: MysqlCatalog | MysqlObservation[],
  opts: { target?: TargetInput; inv?: Inventory; rds?: string[] } = {},
): CheckResult[] {
  const cfg = config({
    mysql: [{ ...TARGET, ...opts.target }] as never,
    ...(opts.rds ? { targets: { rds: opts.rds } } : {}),
  });
  const observations = Array.isArray(c) ? c : [{ target: "queue-mysql", catalog: c }];
  return check.evaluate(context(cfg, opts.inv, { mysql: observations }));
}
const fails = (results: CheckResult[]) => results.filter((r) => r.status === "FAIL");
const subjects = (results: CheckResult[]) => fails(results).map((r) => r.subject);
const one = (results: CheckResult[], subject: string) => results.find((r) => r.subject === subject);

describe("what the checks cannot observe is an ERROR, per table or per server", () => {
  it("a server that was not probed", () => {
    const [table] = judge(mysqlUnexpectedPrincipal, [{ target: "other-mysql", catalog: catalog() }]);
    expect(table).toMatchObject({
      status: "ERROR",
      resource: { type: "MySQL::Table", id: "queue-mysql:app.delayed_jobs" },
      message: "Could not evaluate the users of app.delayed_jobs: server queue-mysql was not probed (mysql:queue-mysql).",
    });
    const [server] = judge(mysqlTlsNotRequired, []);
    expect(server).toMatchObject({
      status: "ERROR",
      resource: { type: "MySQL::Server", id: "queue-mysql" },
      message: "Could not evaluate TLS enforcement of queue-mysql: server queue-mysql was not probed (mysql:queue-mysql).",
    });
  });

  it("a run that probed no MySQL server at all", () => {
    const cfg = config({ mysql: [TARGET] as never });
    expect(mysqlWildcardAccount.evaluate(context(cfg))[0]).toMatchObject({
      status: "ERROR",
      evidence: { source: "mysql:queue-mysql", reason: "server queue-mysql was not probed" },
    });
  });

  it("a probe that failed gives its own error; one that returned nothing says so", () => {
    const error = { source: "mysql:queue-mysql", reason: "connect ETIMEDOUT", code: "ETIMEDOUT" };
    expect(judge(mysqlSuperuserAccounts, [{ target: "queue-mysql", error }])[0]?.evidence).toEqual(error);
    expect(judge(mysqlSuperuserAccounts, [{ target: "queue-mysql", error, catalog: catalog() }])[0]?.status).toBe("ERROR");
    expect(judge(mysqlExcessPrivilege, [{ target: "queue-mysql" }])[0]).toMatchObject({
      status: "ERROR",
      evidence: { source: "mysql:queue-mysql", reason: "server queue-mysql returned no catalog" },
    });
  });

  it("a configured table the server does not have, or the auditor cannot see", () => {
    const results = judge(mysqlExcessPrivilege, catalog(), { target: { tables: ["app.delayed_jobs", "app.jobs_v2"] } });
    expect(results.map((r) => [r.status, r.resource.id])).toEqual([
      ["PASS", "queue-mysql:app.delayed_jobs"],
      ["ERROR", "queue-mysql:app.jobs_v2"],
    ]);
    expect(results[1]?.evidence).toEqual({
      source: "mysql:queue-mysql",
      reason: "table app.jobs_v2 does not exist (or the audit account cannot see it: it needs SHOW VIEW on *.*)",
      code: "ER_NO_SUCH_TABLE",
    });
    const otherDb = catalog({ tables: [{ db: "billing", table: "delayed_jobs", found: true }] });
    expect(judge(mysqlExcessPrivilege, otherDb)[0]?.status).toBe("ERROR");
  });

  it("judges each target by its own catalog", () => {
    const second = { ...TARGET, name: "jobs-mysql" };
    const cfg = config({ mysql: [TARGET, second] as never });
    const bad = withExtra({ accounts: [account("intern", "%")], tableGrants: [onTable("intern", "%", ["SELECT"])] });
    const results = mysqlUnexpectedPrincipal.evaluate(
      context(cfg, undefined, {
        mysql: [
          { target: "queue-mysql", catalog: catalog() },
          { target: "jobs-mysql", catalog: bad },
        ],
      }),
    );
    expect(results.map((r) => [r.status, r.resource.id])).toEqual([
      ["PASS", "queue-mysql:app.delayed_jobs"],
      ["FAIL", "jobs-mysql:app.delayed_jobs"],
    ]);
  });
});

describe("mysql-unexpected-principal", () => {
  it("names the account, what it holds, the path, and the REVOKE that cuts it", () => {
    const c = withExtra({ accounts: [account("intern", "10.20.%")], tableGrants: [onTable("intern", "10.20.%", ["SELECT"])] });
    const [f] = fails(judge(mysqlUnexpectedPrincipal, c));
    expect(f).toEqual({
      checkId: "mysql-unexpected-principal",
      status: "FAIL",
      resource: { type: "MySQL::Table", id: "queue-mysql:app.delayed_jobs" },
      subject: "intern@10.20.%",
      message:
        "Account intern@10.20.% is not in the policy but holds SELECT on app.delayed_jobs (intern@10.20.% -> SELECT on app.delayed_jobs): cut that path or add the account to the policy.",
      evidence: { privileges: ["SELECT"], columnOnly: {}, paths: ["intern@10.20.% -> SELECT on app.delayed_jobs"] },
      fix: {
        text: "Remove every path that gives intern@10.20.% access to app.delayed_jobs",
        commands: ["REVOKE SELECT ON `app`.`delayed_jobs` FROM 'intern'@'10.20.%';"],
        kind: "sql",
      },
    });
  });

  it("flags write access to the handler column as code execution, not to another column", () => {
    const c = withExtra({
      accounts: [account("erin", "%"), account("nina", "%"), account("web", "%")],
      columnGrants: [
        { user: "erin", host: "%", db: "app", table: "delayed_jobs", column: "handler", privileges: ["UPDATE"] },
        { user: "nina", host: "%", db: "app", table: "delayed_jobs", column: "priority", privileges: ["UPDATE"] },
      ],
      tableGrants: [onTable("web", "%", ["INSERT"])],
    });
    const results = judge(mysqlUnexpectedPrincipal, c);
    const erin = one(results, "erin@%");
    expect(erin?.message).toBe(
      "Account erin@% is not in the policy but holds UPDATE on app.delayed_jobs (erin@% -> UPDATE on app.delayed_jobs(handler)): cut that path or add the account to the policy. Write access to app.delayed_jobs.handler is code execution on the workers: they run what that column names.",
    );
    expect(erin?.evidence).toMatchObject({ columnOnly: { UPDATE: ["handler"] }, payloadWrites: ["handler"] });
    expect(erin?.fix?.commands).toEqual(["REVOKE UPDATE (`handler`) ON `app`.`delayed_jobs` FROM 'erin'@'%';"]);
    expect(one(results, "nina@%")?.message).not.toContain("code execution");
    const both = withExtra({
      accounts: [account("erin", "%")],
      columnGrants: [
        { user: "erin", host: "%", db: "app", table: "delayed_jobs", column: "priority", privileges: ["UPDATE", "SELECT"] },
        { user: "erin", host: "%", db: "app", table: "delayed_jobs", column: "handler", privileges: ["UPDATE"] },
      ],
    });
    expect(one(judge(mysqlUnexpectedPrincipal, both), "erin@%")?.fix?.commands).toEqual([
      "REVOKE UPDATE (`handler`, `priority`), SELECT (`priority`) ON `app`.`delayed_jobs` FROM 'erin'@'%';",
    ]);
    expect(one(results, "nina@%")?.evidence).not.toHaveProperty("payloadWrites");
    expect(one(results, "web@%")?.evidence.payloadWrites).toEqual(["handler"]);
  });

  it("cuts a role or PROXY route at the account's own edge, once per edge", () => {
    const c = withExtra({
      accounts: [account("intern", "%"), account("carol", "%"), role("queue_rw")],
      roleEdges: [edge(ref("queue_rw", "%"), ref("intern", "%"))],
      dbGrants: [{ user: "queue_rw", host: "%", db: "app", privileges: ["SELECT"] }],
      tableGrants: [onTable("queue_rw", "%", ["INSERT"])],
      proxies: [{ user: "carol", host: "%", proxied: ref("app_worker", "10.20.%"), withGrant: false }],
    });
    const results = judge(mysqlUnexpectedPrincipal, c);
    expect(subjects(results)).toEqual(["intern@%", "carol@%"]);
    expect(one(results, "intern@%")?.fix?.commands).toEqual(["REVOKE 'queue_rw'@'%' FROM 'intern'@'%';"]);
    expect(one(results, "carol@%")?.fix?.commands).toEqual(["REVOKE PROXY ON 'app_worker'@'10.20.%' FROM 'carol'@'%';"]);
  });

  it("revokes each kind of grant on its own object: *.*, a database, a DEFINER view, a routine, PUBLIC's", () => {
    const c = withExtra(
      {
        accounts: [
          account("ops", "%", { global: ["SELECT", "PROCESS"] }),
          account("frank", "%"),
          account("judy", "%"),
          account("hank", "%"),
          account("migrator", "localhost"),
          account("PUBLIC", "", { isRole: true }),
        ],
        dbGrants: [{ user: "frank", host: "%", db: "ap_", privileges: ["INSERT"] }],
        tableGrants: [
          onTable("migrator", "localhost", ["SELECT", "DELETE"]),
          onTable("judy", "%", ["SELECT"], "jobs_v"),
          onTable("PUBLIC", "", ["REFERENCES"]),
        ],
        definerObjects: [
          {
            kind: "view",
            db: "app",
            name: "jobs_v",
            securityType: "DEFINER",
            definer: ref("migrator", "localhost"),
            definition: "select * from delayed_jobs",
          },
          {
            kind: "procedure",
            db: "app",
            name: "purge_jobs",
            securityType: "DEFINER",
            definer: ref("migrator", "localhost"),
            definition: "delete from delayed_jobs",
          },
        ],
        routineGrants: [{ user: "hank", host: "%", db: "app", routine: "purge_jobs", type: "PROCEDURE", privileges: ["EXECUTE"] }],
      },
      { flavor: "mariadb" },
    );
    const results = judge(mysqlUnexpectedPrincipal, c);
    const cut = (subject: string) => one(results, subject)?.fix?.commands;
    // Global SELECT reads the view too: a second route through its definer, cut by the same
    // revoke (one on the view itself would fail: MariaDB has no such grant, ERROR 1147).
    expect(cut("ops@%")).toEqual(["REVOKE SELECT ON *.* FROM 'ops'@'%';", "REVOKE REFERENCES ON `app`.`delayed_jobs` FROM PUBLIC;"]);
    expect(cut("frank@%")).toEqual([
      "REVOKE INSERT ON `ap_`.* FROM 'frank'@'%';",
      "REVOKE REFERENCES ON `app`.`delayed_jobs` FROM PUBLIC;",
    ]);
    expect(cut("judy@%")).toEqual([
      "REVOKE SELECT ON `app`.`jobs_v` FROM 'judy'@'%';",
      "REVOKE REFERENCES ON `app`.`delayed_jobs` FROM PUBLIC;",
    ]);
    expect(cut("hank@%")).toEqual([
      "REVOKE EXECUTE ON PROCEDURE `app`.`purge_jobs` FROM 'hank'@'%';",
      "REVOKE REFERENCES ON `app`.`delayed_jobs` FROM PUBLIC;",
    ]);
  });

  it("leaves alone the policy's accounts, the admins, the platform's, locked accounts and the auditor", () => {
    const c = withExtra({
      accounts: [
        account("admin", "%", { global: ["SELECT"] }),
        account("old", "%", { locked: true }),
        account("mysql.sys", "localhost", { global: ["SELECT"] }),
      ],
      tableGrants: [onTable("old", "%", ["SELECT"]), onTable("queue_auditor", "10.20.%", ["SELECT"])],
    });
    const results = judge(mysqlUnexpectedPrincipal, c);
    expect(results).toEqual([
      {
        checkId: "mysql-unexpected-principal",
        status: "PASS",
        resource: { type: "MySQL::Table", id: "queue-mysql:app.delayed_jobs" },
        message: "Only accounts of the policy can use app.delayed_jobs.",
        evidence: { principals: ["admin@%", "app_worker@10.20.%", "mysql.sys@localhost"] },
      },
    ]);
  });
});

describe("mysql-excess-privilege", () => {
  it("names the excess beyond the allowed privileges, the path that gives it, and the REVOKE", () => {
    const c = catalog({ tableGrants: [onTable("app_worker", "10.20.%", ["SELECT", "INSERT", "UPDATE", "DELETE", "DROP"])] });
    expect(fails(judge(mysqlExcessPrivilege, c))).toEqual([
      {
        checkId: "mysql-excess-privilege",
        status: "FAIL",
        resource: { type: "MySQL::Table", id: "queue-mysql:app.delayed_jobs" },
        subject: "app_worker@10.20.%",
        message:
          "Account app_worker@10.20.% holds DROP on app.delayed_jobs beyond its allowed SELECT, INSERT, UPDATE, DELETE (app_worker@10.20.% -> SELECT, INSERT, UPDATE, DELETE, DROP on app.delayed_jobs): revoke the excess.",
        evidence: {
          allowed: ["SELECT", "INSERT", "UPDATE", "DELETE"],
          excess: ["DROP"],
          paths: ["app_worker@10.20.% -> SELECT, INSERT, UPDATE, DELETE, DROP on app.delayed_jobs"],
        },
        fix: {
          text: "Revoke DROP where app_worker@10.20.% gets it",
          commands: ["REVOKE DROP ON `app`.`delayed_jobs` FROM 'app_worker'@'10.20.%';"],
          kind: "sql",
        },
      },
    ]);
  });

  it("shows only the paths that give the excess, and writing the handler as code execution", () => {
    const c = withExtra(
      { accounts: [account("reader", "%"), role("rw")], roleEdges: [edge(ref("rw", "%"), ref("reader", "%"))] },
      { tableGrants: [onTable("reader", "%", ["SELECT"]), onTable("rw", "%", ["SELECT", "INSERT"])] },
    );
    const [f] = fails(judge(mysqlExcessPrivilege, c, { target: { principals: { "reader@%": ["SELECT"] } } }));
    expect(f?.message).toBe(
      "Account reader@% holds INSERT on app.delayed_jobs beyond its allowed SELECT (reader@% -(role rw, SET ROLE)-> SELECT, INSERT on app.delayed_jobs): revoke the excess. Write access to app.delayed_jobs.handler is code execution on the workers: they run what that column names.",
    );
    expect(f?.evidence).toMatchObject({
      paths: ["reader@% -(role rw, SET ROLE)-> SELECT, INSERT on app.delayed_jobs"],
      payloadWrites: ["handler"],
    });
    expect(f?.fix?.commands).toEqual(["REVOKE INSERT ON `app`.`delayed_jobs` FROM 'rw'@'%';"]);
  });

  it("revokes on each path only the excess that path gives, every privilege of it named", () => {
    const c = withExtra({
      accounts: [account("reader", "%"), account("migrator", "localhost")],
      tableGrants: [
        onTable("reader", "%", ["SELECT", "DROP", "ALTER"]),
        onTable("migrator", "localhost", ["SELECT", "INSERT", "DELETE"]),
        onTable("reader", "%", ["SELECT", "INSERT", "DELETE"], "jobs_v"),
      ],
      definerObjects: [
        {
          kind: "view",
          db: "app",
          name: "jobs_v",
          securityType: "DEFINER",
          definer: ref("migrator", "localhost"),
          definition: "select * from delayed_jobs",
        },
      ],
    });
    const [f] = fails(judge(mysqlExcessPrivilege, c, { target: { principals: { "reader@%": ["SELECT"] } } }));
    expect(f?.evidence.excess).toEqual(["INSERT", "DELETE", "ALTER", "DROP"]);
    expect(f?.fix?.commands).toEqual([
      "REVOKE ALTER, DROP ON `app`.`delayed_jobs` FROM 'reader'@'%';",
      "REVOKE INSERT, DELETE ON `app`.`jobs_v` FROM 'reader'@'%';",
    ]);
  });

  it("says 'nothing' for an account the policy allows nothing", () => {
    const c = withExtra({ accounts: [account("parked", "%")], tableGrants: [onTable("parked", "%", ["SELECT"])] });
    const [f] = fails(judge(mysqlExcessPrivilege, c, { target: { principals: { "parked@%": [] } } }));
    expect(f?.message).toContain("holds SELECT on app.delayed_jobs beyond its allowed nothing (");
    expect(f?.evidence).not.toHaveProperty("payloadWrites");
  });

  it("does not judge an account of the policy with no access", () => {
    const results = judge(mysqlExcessPrivilege, catalog(), {
      target: { principals: { "app_worker@10.20.%": ["SELECT", "INSERT", "UPDATE", "DELETE"], "ghost@%": ["SELECT"] } },
    });
    expect(results).toEqual([
      {
        checkId: "mysql-excess-privilege",
        status: "PASS",
        resource: { type: "MySQL::Table", id: "queue-mysql:app.delayed_jobs" },
        message: "No policy principal holds more than it is allowed on app.delayed_jobs.",
        evidence: { principals: ["app_worker@10.20.%", "ghost@%"] },
      },
    ]);
  });
});

describe("mysql-missing-privilege", () => {
  it("names what the policy gives and the account lacks, with the GRANT", () => {
    const c = catalog({ tableGrants: [onTable("app_worker", "10.20.%", ["SELECT", "INSERT"])] });
    expect(fails(judge(mysqlMissingPrivilege, c))).toEqual([
      {
        checkId: "mysql-missing-privilege",
        status: "FAIL",
        resource: { type: "MySQL::Table", id: "queue-mysql:app.delayed_jobs" },
        subject: "app_worker@10.20.%",
        message:
          "Account app_worker@10.20.% lacks UPDATE, DELETE on app.delayed_jobs, which the policy gives it: grant it or correct the policy.",
        evidence: { missing: ["UPDATE", "DELETE"], exists: true },
        fix: {
          text: "Grant app_worker@10.20.% what the policy gives it",
          commands: ["GRANT UPDATE, DELETE ON `app`.`delayed_jobs` TO 'app_worker'@'10.20.%';"],
          kind: "sql",
        },
      },
    ]);
  });

  it("a privilege held only on some columns is still missing", () => {
    const c = catalog({
      tableGrants: [onTable("app_worker", "10.20.%", ["SELECT", "INSERT", "DELETE"])],
      columnGrants: [
        { user: "app_worker", host: "10.20.%", db: "app", table: "delayed_jobs", column: "locked_at", privileges: ["UPDATE"] },
      ],
    });
    expect(fails(judge(mysqlMissingPrivilege, c))[0]?.evidence).toEqual({ missing: ["UPDATE"], exists: true });
  });

  it("an account of the policy that does not exist: create it or correct the policy", () => {
    const c = catalog({ accounts: catalog().accounts.filter((a) => a.user !== "app_worker"), tableGrants: [] });
    const [f] = fails(judge(mysqlMissingPrivilege, c));
    expect(f?.message).toBe("Account app_worker@10.20.% of the policy does not exist on queue-mysql: create it or correct the policy.");
    expect(f?.evidence).toEqual({ missing: ["SELECT", "INSERT", "UPDATE", "DELETE"], exists: false });
    expect(f?.fix).toEqual({ text: "Create app_worker@10.20.% or remove it from the policy", commands: [], kind: "manual" });
  });

  it("passes when every account holds what the policy gives it", () => {
    expect(judge(mysqlMissingPrivilege, catalog())).toEqual([
      {
        checkId: "mysql-missing-privilege",
        status: "PASS",
        resource: { type: "MySQL::Table", id: "queue-mysql:app.delayed_jobs" },
        message: "Every policy principal holds what the policy gives it on app.delayed_jobs.",
        evidence: { principals: ["app_worker@10.20.%"] },
      },
    ]);
  });
});

describe("mysql-wildcard-account", () => {
  it("an any-host account outside the policy that reaches the queue: narrow its host", () => {
    const c = withExtra({ accounts: [account("reporting", "%")], tableGrants: [onTable("reporting", "%", ["SELECT"])] });
    expect(fails(judge(mysqlWildcardAccount, c))).toEqual([
      {
        checkId: "mysql-wildcard-account",
        status: "FAIL",
        resource: { type: "MySQL::Server", id: "queue-mysql" },
        subject: "reporting@%",
        message:
          "Any-host account reporting@% holds SELECT on app.delayed_jobs (reporting@% -> SELECT on app.delayed_jobs): narrow its host or add it to the policy.",
        evidence: {
          anonymous: false,
          anyHost: true,
          tables: { "app.delayed_jobs": ["SELECT"] },
          paths: ["reporting@% -> SELECT on app.delayed_jobs"],
          shadows: [],
        },
        fix: {
          text: "Narrow reporting@% to the network its clients use (for example your VPC's range)",
          commands: ["RENAME USER 'reporting'@'%' TO 'reporting'@'10.20.%';"],
          kind: "manual",
        },
      },
    ]);
  });

  it("lists every queue table the account reaches", () => {
    const c = withExtra(
      { accounts: [account("reporting", "%")], dbGrants: [{ user: "reporting", host: "%", db: "app", privileges: ["SELECT"] }] },
      {
        tables: [
          { db: "app", table: "delayed_jobs", found: true },
          { db: "app", table: "other_jobs", found: true },
        ],
      },
    );
    const [f] = fails(judge(mysqlWildcardAccount, c, { target: { tables: ["app.delayed_jobs", "app.other_jobs"] } }));
    expect(f?.message).toBe(
      "Any-host account reporting@% holds SELECT on app.delayed_jobs; SELECT on app.other_jobs (reporting@% -> SELECT on app.*): narrow its host or add it to the policy.",
    );
    expect(f?.evidence.paths).toEqual(["reporting@% -> SELECT on app.*", "reporting@% -> SELECT on app.*"]);
  });

  it("any host written as 0.0.0.0/0 counts; an any-host account of the policy, or without access, does not", () => {
    const c = withExtra({
      accounts: [account("netmask", "0.0.0.0/0.0.0.0"), account("admin", "%", { global: ["SELECT"] }), account("idle", "%")],
      tableGrants: [onTable("netmask", "0.0.0.0/0.0.0.0", ["SELECT"])],
    });
    expect(subjects(judge(mysqlWildcardAccount, c))).toEqual(["netmask@0.0.0.0/0.0.0.0"]);
  });

  it("an anonymous account that reaches the queue: drop it", () => {
    // ''@'%' is the least specific row: it is never picked instead of a policy account.
    const c = withExtra({ accounts: [account("", "%")], tableGrants: [onTable("", "%", ["SELECT"])] });
    const [f] = fails(judge(mysqlWildcardAccount, c));
    expect(f).toMatchObject({
      subject: "@%",
      message: "Anonymous account @% holds SELECT on app.delayed_jobs (@% -> SELECT on app.delayed_jobs): drop it.",
      evidence: { anonymous: true, anyHost: true, shadows: [] },
      fix: { text: "Drop the anonymous account @%", commands: ["DROP USER ''@'%';"], kind: "sql" },
    });
  });

  it("an anonymous account more specific than a policy account's host is picked instead of it", () => {
    const c = withExtra({
      accounts: [account("", "localhost"), account("", "10.20.1.%"), account("", "%"), account("", "10.30.%")],
      tableGrants: [onTable("", "10.20.1.%", ["SELECT"])],
    });
    const results = judge(mysqlWildcardAccount, c);
    // ''@'%' is no more specific than admin@%; ''@'10.30.%' does not overlap app_worker@10.20.% but is picked before admin@%.
    expect(subjects(results)).toEqual(["@localhost", "@10.20.1.%", "@10.30.%"]);
    expect(one(results, "@10.30.%")?.evidence.shadows).toEqual(["admin@%"]);
    expect(one(results, "@localhost")?.message).toBe(
      "Anonymous account @localhost is picked instead of admin@% for clients from localhost: drop it.",
    );
    expect(one(results, "@localhost")?.evidence).toEqual({ anonymous: true, anyHost: false, shadows: ["admin@%"] });
    expect(one(results, "@10.20.1.%")?.message).toBe(
      "Anonymous account @10.20.1.% holds SELECT on app.delayed_jobs (@10.20.1.% -> SELECT on app.delayed_jobs) and is picked instead of app_worker@10.20.%, admin@% for clients from 10.20.1.%: drop it.",
    );
  });

  it("leaves alone locked accounts, and passes a clean server", () => {
    const c = withExtra({
      accounts: [account("old", "%", { locked: true, global: ["SELECT"] }), account("", "10.20.1.%", { locked: true }), account("", "%")],
    });
    expect(judge(mysqlWildcardAccount, c)).toEqual([
      {
        checkId: "mysql-wildcard-account",
        status: "PASS",
        resource: { type: "MySQL::Server", id: "queue-mysql" },
        message: "No anonymous or any-host account reaches the queue on queue-mysql.",
        evidence: {},
      },
    ]);
  });
});

describe("mysql-account-without-password", () => {
  it("locks an account outside the policy that has no password", () => {
    const c = withExtra({ accounts: [account("app_web", "10.20.%", { hasCredential: false, plugin: "mysql_native_password" })] });
    expect(fails(judge(mysqlAccountWithoutPassword, c))).toEqual([
      {
        checkId: "mysql-account-without-password",
        status: "FAIL",
        resource: { type: "MySQL::Server", id: "queue-mysql" },
        subject: "app_web@10.20.%",
        message: "Account app_web@10.20.% (mysql_native_password) logs in with no password: set a password or lock it.",
        evidence: { plugin: "mysql_native_password", passwordExpired: false },
        fix: {
          text: "Lock app_web@10.20.% until it has a password",
          commands: ["ALTER USER 'app_web'@'10.20.%' ACCOUNT LOCK;"],
          kind: "sql",
        },
      },
    ]);
  });

  it("says what it holds, that an expired password is no safer, and never locks a queue account", () => {
    const c = catalog();
    c.accounts = c.accounts.map((a) => (a.user === "app_worker" ? { ...a, hasCredential: false, plugin: "", passwordExpired: true } : a));
    const [f] = fails(judge(mysqlAccountWithoutPassword, c));
    expect(f?.message).toBe(
      "Account app_worker@10.20.% (no plugin) logs in with no password (expired: the first session may set one and then use every privilege) and holds SELECT, INSERT, UPDATE, DELETE on app.delayed_jobs: set a password or lock it.",
    );
    expect(f?.evidence).toEqual({
      plugin: "",
      passwordExpired: true,
      tables: { "app.delayed_jobs": ["SELECT", "INSERT", "UPDATE", "DELETE"] },
      paths: ["app_worker@10.20.% -> SELECT, INSERT, UPDATE, DELETE on app.delayed_jobs"],
    });
    expect(f?.fix).toEqual({
      text: "Give app_worker@10.20.% a password (or IAM authentication); locking it would stop the queue",
      commands: [],
      kind: "manual",
    });
  });

  it("an admin without a password is not locked either", () => {
    const c = withExtra({ accounts: [account("admin", "%", { hasCredential: false })] });
    expect(fails(judge(mysqlAccountWithoutPassword, c))[0]?.fix?.kind).toBe("manual");
  });

  it("leaves alone locked and platform accounts, and passes when every login needs a credential", () => {
    const c = withExtra({
      accounts: [
        account("old", "%", { locked: true, hasCredential: false }),
        account("mysql.session", "localhost", { hasCredential: false }),
      ],
    });
    expect(judge(mysqlAccountWithoutPassword, c)).toEqual([
      {
        checkId: "mysql-account-without-password",
        status: "PASS",
        resource: { type: "MySQL::Server", id: "queue-mysql" },
        message: "Every account that can log in to queue-mysql needs a credential.",
        evidence: {},
      },
    ]);
  });
});

describe("mysql-superuser-accounts", () => {
  const su = (extra: Partial<MysqlCatalog>, over: Partial<MysqlCatalog> = {}) =>
    fails(judge(mysqlSuperuserAccounts, withExtra(extra, over)));

  it("names the power and revokes it on *.*", () => {
    expect(su({ accounts: [account("ops", "10.20.%", { global: ["SUPER", "FILE", "SELECT"] })] })).toEqual([
      {
        checkId: "mysql-superuser-accounts",
        status: "FAIL",
        resource: { type: "MySQL::Server", id: "queue-mysql" },
        subject: "ops@10.20.%",
        message:
          "Account ops@10.20.% has superuser-like powers (ops@10.20.% -> SUPER, FILE) but is not an admin of the policy: remove them.",
        evidence: { how: ["SUPER", "FILE"], path: "ops@10.20.% -> SUPER, FILE" },
        fix: { text: "Remove SUPER, FILE from ops@10.20.%", commands: ["REVOKE SUPER, FILE ON *.* FROM 'ops'@'10.20.%';"], kind: "sql" },
      },
    ]);
  });

  it("cuts a role route at the account's edge", () => {
    const [f] = su({
      accounts: [account("ops", "%"), role("dba", "%", { global: ["CREATE USER"] })],
      roleEdges: [edge(ref("dba", "%"), ref("ops", "%"))],
    });
    expect(f?.fix).toEqual({ text: "Remove CREATE USER from ops@%", commands: ["REVOKE 'dba'@'%' FROM 'ops'@'%';"], kind: "sql" });
  });

  it("a mandatory role or a write grant on the grant tables needs a manual change", () => {
    const mandatory = su(
      { accounts: [account("ops", "%"), role("dba", "%", { global: ["SUPER"] })] },
      { mandatoryRoles: [ref("dba", "%")] },
    ).find((r) => r.subject === "ops@%");
    expect(mandatory?.fix).toEqual({
      text: "Remove SUPER from ops@% (a mandatory role or a database grant: see the path)",
      commands: [],
      kind: "manual",
    });
    const [grantTables] = su({
      accounts: [account("ops", "%")],
      dbGrants: [{ user: "ops", host: "%", db: "mysql", privileges: ["UPDATE"] }],
    });
    expect(grantTables?.fix?.kind).toBe("manual");
    const [mixed] = su({
      accounts: [account("ops", "%", { global: ["SET_USER_ID"] })],
      dbGrants: [{ user: "ops", host: "%", db: "mysql", privileges: ["UPDATE"] }],
      proxies: [{ user: "ops", host: "%", proxied: ref("", ""), withGrant: true }],
    });
    expect(mixed?.fix?.commands).toEqual(["REVOKE SET_USER_ID ON *.* FROM 'ops'@'%';"]);
  });

  it("leaves alone the admins (listed on the PASS), the platform's accounts, locked accounts and the auditor", () => {
    const results = judge(
      mysqlSuperuserAccounts,
      withExtra({
        accounts: [
          account("admin", "%", { global: ["SUPER"] }),
          account("old", "%", { locked: true, global: ["SUPER"] }),
          ...["mysql.sys", "mysql.session", "mysql.infoschema", "mariadb.sys"].map((u) => account(u, "localhost", { global: ["SUPER"] })),
        ],
      }),
    );
    expect(results).toEqual([
      {
        checkId: "mysql-superuser-accounts",
        status: "PASS",
        resource: { type: "MySQL::Server", id: "queue-mysql" },
        message: "Only the policy's admins have superuser-like powers on queue-mysql.",
        evidence: { admins: ["admin@%"] },
      },
    ]);
    const auditor = catalog();
    auditor.accounts = auditor.accounts.map((a) => (a.user === "queue_auditor" ? { ...a, global: ["SUPER"] } : a));
    expect(judge(mysqlSuperuserAccounts, auditor)[0]?.status).toBe("PASS");
  });
});

describe("mysql-tls-not-required", () => {
  it("passes a server that refuses plaintext", () => {
    expect(judge(mysqlTlsNotRequired, catalog())).toEqual([
      {
        checkId: "mysql-tls-not-required",
        status: "PASS",
        resource: { type: "MySQL::Server", id: "queue-mysql" },
        message: "queue-mysql refuses unencrypted connections (require_secure_transport = ON).",
        evidence: { requireSecureTransport: true },
      },
    ]);
  });

  it("fails the server, then each queue or policy account that does not require TLS itself", () => {
    const c = withExtra(
      {
        accounts: [
          account("web", "10.20.%", { sslType: "" }),
          account("admin", "%", { sslType: "" }),
          account("tlsonly", "%", { sslType: "X509" }),
          account("bystander", "%", { sslType: "" }),
          account("old", "%", { sslType: "", locked: true }),
          account("mariadb.sys", "localhost", { sslType: "" }),
        ],
        tableGrants: [
          onTable("web", "10.20.%", ["SELECT"]),
          onTable("tlsonly", "%", ["SELECT"]),
          onTable("old", "%", ["SELECT"]),
          onTable("mariadb.sys", "localhost", ["SELECT"]),
        ],
      },
      { requireSecureTransport: false },
    );
    const results = judge(mysqlTlsNotRequired, c);
    expect(subjects(results)).toEqual(["require_secure_transport", "web@10.20.%", "admin@%"]);
    expect(results[0]).toEqual({
      checkId: "mysql-tls-not-required",
      status: "FAIL",
      resource: { type: "MySQL::Server", id: "queue-mysql" },
      subject: "require_secure_transport",
      message: "queue-mysql accepts unencrypted connections (require_secure_transport = OFF): set it to ON.",
      evidence: { requireSecureTransport: false },
      fix: { text: "Require TLS for every connection", commands: ["SET PERSIST require_secure_transport = ON;"], kind: "sql" },
    });
    expect(one(results, "web@10.20.%")).toMatchObject({
      message: "Account web@10.20.% can use the queue over plaintext (no REQUIRE SSL) while the server allows it: require TLS for it.",
      evidence: { sslType: "" },
      fix: { text: "Require TLS for web@10.20.%", commands: ["ALTER USER 'web'@'10.20.%' REQUIRE SSL;"], kind: "sql" },
    });
  });

  describe("on RDS, the fix is the parameter group's", () => {
    const off = catalog({ requireSecureTransport: false });
    const rdsInv = (instance: Record<string, unknown>, clusters: unknown[] = []) =>
      inventory(
        partition({
          dbInstances: ok([dbInstance("queue-mysql", { Engine: "mysql", EngineVersion: "8.4.3", ...instance })]),
          dbClusters: ok(clusters),
        }),
      );
    const serverFail = (inv: Inventory, rds = ["queue-mysql"]) => judge(mysqlTlsNotRequired, off, { inv, rds })[0];

    it("a custom instance parameter group is modified", () => {
      const f = serverFail(rdsInv({ DBParameterGroups: [{ DBParameterGroupName: "queue-mysql84" }] }));
      expect(f?.evidence).toEqual({ requireSecureTransport: false, rdsResource: "queue-mysql" });
      expect(f?.fix).toEqual({
        text: "Set require_secure_transport = ON in queue-mysql84",
        commands: [
          "aws rds modify-db-parameter-group --db-parameter-group-name queue-mysql84 --parameters ParameterName=require_secure_transport,ParameterValue=ON,ApplyMethod=immediate",
        ],
        kind: "aws-cli",
      });
    });

    it("a default group cannot be changed: attach a custom one", () => {
      for (const groups of [[{ DBParameterGroupName: "default.mysql8.4" }], [], undefined]) {
        expect(serverFail(rdsInv({ DBParameterGroups: groups }))?.fix).toEqual({
          text: "Attach a custom parameter group with require_secure_transport = ON to queue-mysql (default groups cannot be changed)",
          commands: [],
          kind: "manual",
        });
      }
    });

    it("an Aurora cluster's cluster parameter group is modified", () => {
      const cluster = {
        DBClusterIdentifier: "queue-mysql",
        DBClusterArn: "arn:aws:rds:eu-west-1:111122223333:cluster:queue-mysql",
        Engine: "aurora-mysql",
        Port: 3306,
        DBClusterParameterGroup: "aurora-mysql8",
        DBClusterMembers: [],
        TagList: [],
      };
      const inv = inventory(partition({ dbClusters: ok([cluster]) }));
      const f = serverFail(inv);
      expect(f?.fix).toEqual({
        text: "Set require_secure_transport = ON in aurora-mysql8",
        commands: [
          "aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name aurora-mysql8 --parameters ParameterName=require_secure_transport,ParameterValue=ON,ApplyMethod=immediate",
        ],
        kind: "aws-cli",
      });
      const noGroup = inventory(partition({ dbClusters: ok([{ ...cluster, DBClusterParameterGroup: undefined }]) }));
      expect(serverFail(noGroup)?.fix?.kind).toBe("manual");
    });

    it("an RDS resource of another name is not this server's", () => {
      const f = serverFail(
        inventory(partition({ dbInstances: ok([dbInstance("other-db", { DBParameterGroups: [{ DBParameterGroupName: "custom" }] })]) })),
        ["other-db"],
      );
      expect(f?.evidence).toEqual({ requireSecureTransport: false });
      expect(f?.fix?.kind).toBe("sql");
    });
  });
});

describe("mysql-auditor-overprivileged", () => {
  it("passes the least-privilege audit account", () => {
    expect(judge(mysqlAuditorOverprivileged, catalog())).toEqual([
      {
        checkId: "mysql-auditor-overprivileged",
        status: "PASS",
        resource: { type: "MySQL::Server", id: "queue-mysql" },
        message: "The auditor's account queue_auditor@10.20.% has no superuser-like powers and cannot read or change the queue tables.",
        evidence: { account: "queue_auditor@10.20.%" },
      },
    ]);
  });

  it("fails an auditor that can read the queue, naming the path and cutting it", () => {
    const c = withExtra({
      accounts: [role("reader")],
      roleEdges: [edge(ref("reader", "%"), ref("queue_auditor", "10.20.%"))],
      tableGrants: [onTable("reader", "%", ["SELECT"]), onTable("queue_auditor", "10.20.%", ["SELECT"])],
    });
    expect(fails(judge(mysqlAuditorOverprivileged, c))).toEqual([
      {
        checkId: "mysql-auditor-overprivileged",
        status: "FAIL",
        resource: { type: "MySQL::Server", id: "queue-mysql" },
        subject: "queue_auditor@10.20.%",
        message:
          "The auditor's account queue_auditor@10.20.% holds SELECT on app.delayed_jobs (queue_auditor@10.20.% -> SELECT on app.delayed_jobs): it must not read or change the queue.",
        evidence: {
          tables: { "app.delayed_jobs": ["SELECT"] },
          paths: [
            "queue_auditor@10.20.% -> SELECT on app.delayed_jobs",
            "queue_auditor@10.20.% -(role reader, SET ROLE)-> SELECT on app.delayed_jobs",
          ],
        },
        fix: {
          text: "Revoke the auditor's access to the queue",
          commands: [
            "REVOKE SELECT ON `app`.`delayed_jobs` FROM 'queue_auditor'@'10.20.%';",
            "REVOKE 'reader'@'%' FROM 'queue_auditor'@'10.20.%';",
          ],
          kind: "sql",
        },
      },
    ]);
  });

  it("names every queue table the auditor holds something on", () => {
    const c = withExtra(
      { dbGrants: [{ user: "queue_auditor", host: "10.20.%", db: "app", privileges: ["SELECT"] }] },
      {
        tables: [
          { db: "app", table: "delayed_jobs", found: true },
          { db: "app", table: "other_jobs", found: true },
        ],
      },
    );
    const [f] = fails(judge(mysqlAuditorOverprivileged, c, { target: { tables: ["app.delayed_jobs", "app.other_jobs"] } }));
    expect(f?.message).toBe(
      "The auditor's account queue_auditor@10.20.% holds SELECT on app.delayed_jobs; SELECT on app.other_jobs (queue_auditor@10.20.% -> SELECT on app.*): it must not read or change the queue.",
    );
    expect(f?.fix?.commands).toEqual(["REVOKE SELECT ON `app`.* FROM 'queue_auditor'@'10.20.%';"]);
    const oneTable = withExtra({ tableGrants: [onTable("queue_auditor", "10.20.%", ["SELECT"])] }, { tables: c.tables });
    const [g] = fails(judge(mysqlAuditorOverprivileged, oneTable, { target: { tables: ["app.delayed_jobs", "app.other_jobs"] } }));
    expect(g?.evidence.tables).toEqual({ "app.delayed_jobs": ["SELECT"] });
  });

  it("fails an auditor with superuser-like powers first", () => {
    const c = catalog();
    c.accounts = c.accounts.map((a) => (a.user === "queue_auditor" ? { ...a, global: ["SELECT", "SUPER"] } : a));
    expect(fails(judge(mysqlAuditorOverprivileged, c))).toEqual([
      {
        checkId: "mysql-auditor-overprivileged",
        status: "FAIL",
        resource: { type: "MySQL::Server", id: "queue-mysql" },
        subject: "queue_auditor@10.20.%",
        message:
          "The auditor's account queue_auditor@10.20.% has superuser-like powers (queue_auditor@10.20.% -> SUPER): use the least-privilege audit account.",
        evidence: { how: ["SUPER"], path: "queue_auditor@10.20.% -> SUPER" },
        fix: { text: "Remove SUPER from the auditor", commands: ["REVOKE SUPER ON *.* FROM 'queue_auditor'@'10.20.%';"], kind: "sql" },
      },
    ]);
  });
});

describe("what every mysql-* check tells its reader", () => {
  const checks = [
    mysqlUnexpectedPrincipal,
    mysqlExcessPrivilege,
    mysqlMissingPrivilege,
    mysqlWildcardAccount,
    mysqlAccountWithoutPassword,
    mysqlSuperuserAccounts,
    mysqlTlsNotRequired,
    mysqlAuditorOverprivileged,
  ];

  const REFERENCE =
    /^(https:\/\/(dev\.mysql\.com|mariadb\.com)\/\S+|(CIS Oracle MySQL Benchmark: Ensure|Amazon RDS User Guide:) \w.{10,})$/;

  it("cites the manual page it rests on, and every reference is a page or a named benchmark item", () => {
    for (const { meta } of checks) {
      expect(
        meta.references.some((r) => r.startsWith("https://dev.mysql.com/doc/refman/")),
        meta.id,
      ).toBe(true);
      for (const r of meta.references) expect(r, meta.id).toMatch(REFERENCE);
    }
  });
});

describe("an anonymous account in the policy", () => {
  it("is no account an anonymous row could be picked instead of", () => {
    const c = withExtra({ accounts: [account("", "10.20.1.%"), account("", "10.20.%")] });
    const results = judge(mysqlWildcardAccount, c, { target: { admins: [], principals: { "@10.20.%": ["SELECT"] } } });
    expect(results[0]?.status).toBe("PASS");
  });
});

describe("shared helpers of the checks", () => {
  const table = { database: "app", table: "delayed_jobs", qualified: "app.delayed_jobs", payloadColumns: ["handler", "queue"] };

  it("a fix with no statement is a manual one that says so; statements are listed once", () => {
    expect(sqlFix("Cut it", [undefined])).toEqual({
      text: "Cut it (no single statement does it: see the evidence's paths)",
      commands: [],
      kind: "manual",
    });
    expect(sqlFix("Cut it", ["A;", undefined, "A;", "B;"])).toEqual({ text: "Cut it", commands: ["A;", "B;"], kind: "sql" });
  });

  it("table-wide INSERT or UPDATE writes every payload column; a column grant only its columns; SELECT none", () => {
    expect(payloadWrites(table, ["SELECT", "INSERT"], {})).toEqual(["handler", "queue"]);
    expect(payloadWrites(table, ["UPDATE"], { UPDATE: ["queue", "priority"] })).toEqual(["queue"]);
    expect(payloadWrites(table, ["SELECT", "DELETE"], {})).toEqual([]);
    expect(payloadWrites({ ...table, payloadColumns: [] }, ["INSERT"], {})).toEqual([]);
    expect(payloadNote(table, [])).toBe("");
    expect(payloadNote(table, ["handler", "queue"])).toBe(
      " Write access to app.delayed_jobs.handler, queue is code execution on the workers: they run what that column names.",
    );
  });
});

describe("each check's ERROR names what it could not evaluate", () => {
  const notProbed = { source: "mysql:queue-mysql", reason: "server queue-mysql was not probed" };
  const unprobed = (check: Check) => judge(check, [{ target: "other-mysql", catalog: catalog() }]);

  it.each([
    { check: mysqlAccountWithoutPassword, what: "Could not evaluate account credentials of queue-mysql" },
    { check: mysqlAuditorOverprivileged, what: "Could not evaluate the auditor's privileges of queue-mysql" },
    { check: mysqlSuperuserAccounts, what: "Could not evaluate superuser-like accounts of queue-mysql" },
  ])("$check.meta.id: a server check on a server that was not probed", ({ check, what }) => {
    expect(unprobed(check)).toEqual([
      {
        checkId: check.meta.id,
        status: "ERROR",
        resource: { type: "MySQL::Server", id: "queue-mysql" },
        message: `${what}: server queue-mysql was not probed (mysql:queue-mysql).`,
        evidence: notProbed,
        cause: notProbed,
      },
    ]);
  });

  it.each([
    { check: mysqlExcessPrivilege, what: "Could not evaluate the policy principals' privileges of app.delayed_jobs" },
    { check: mysqlMissingPrivilege, what: "Could not evaluate the policy principals' privileges of app.delayed_jobs" },
    { check: mysqlUnexpectedPrincipal, what: "Could not evaluate the users of app.delayed_jobs" },
  ])("$check.meta.id: a table check on a server that was not probed", ({ check, what }) => {
    expect(unprobed(check)).toEqual([
      {
        checkId: check.meta.id,
        status: "ERROR",
        resource: { type: "MySQL::Table", id: "queue-mysql:app.delayed_jobs" },
        message: `${what}: server queue-mysql was not probed (mysql:queue-mysql).`,
        evidence: notProbed,
        cause: notProbed,
      },
    ]);
  });

  it.each([
    { check: mysqlExcessPrivilege, what: "Could not evaluate the policy principals' privileges of app.jobs_v2" },
    { check: mysqlMissingPrivilege, what: "Could not evaluate the policy principals' privileges of app.jobs_v2" },
    { check: mysqlUnexpectedPrincipal, what: "Could not evaluate the users of app.jobs_v2" },
  ])("$check.meta.id: a table check on a table the server does not have", ({ check, what }) => {
    const missing = {
      source: "mysql:queue-mysql",
      reason: "table app.jobs_v2 does not exist (or the audit account cannot see it: it needs SHOW VIEW on *.*)",
      code: "ER_NO_SUCH_TABLE",
    };
    const results = judge(check, catalog(), { target: { tables: ["app.delayed_jobs", "app.jobs_v2"] } });
    expect(results.filter((r) => r.status === "ERROR")).toEqual([
      {
        checkId: check.meta.id,
        status: "ERROR",
        resource: { type: "MySQL::Table", id: "queue-mysql:app.jobs_v2" },
        message: `${what}: ${missing.reason} (mysql:queue-mysql).`,
        evidence: missing,
        cause: missing,
      },
    ]);
  });
});

describe("mysql-missing-privilege judges each principal by its own access", () => {
  it("each principal's privileges are its own: another's do not fill what it lacks, and no access lacks everything", () => {
    const c = withExtra({
      accounts: [account("reader", "%"), account("idle", "%")],
      tableGrants: [onTable("reader", "%", ["SELECT"])],
    });
    const results = judge(mysqlMissingPrivilege, c, {
      target: {
        principals: {
          "app_worker@10.20.%": ["SELECT", "INSERT", "UPDATE", "DELETE"],
          "reader@%": ["SELECT", "INSERT"],
          "idle@%": ["SELECT", "DELETE"],
        },
      },
    });
    expect(results.map((r) => [r.status, r.subject, r.evidence])).toEqual([
      ["FAIL", "reader@%", { missing: ["INSERT"], exists: true }],
      ["FAIL", "idle@%", { missing: ["SELECT", "DELETE"], exists: true }],
    ]);
    expect(one(results, "idle@%")?.fix).toEqual({
      text: "Grant idle@% what the policy gives it",
      commands: ["GRANT SELECT, DELETE ON `app`.`delayed_jobs` TO 'idle'@'%';"],
      kind: "sql",
    });
  });
});
