/**
 * In-memory cases of the mysql-* checks: the catalog the probe reads from an RDS for MySQL
 * 8.4 server whose queue table app.delayed_jobs is used by app_worker@10.20.% (TLS
 * required server-wide), audited by queue_auditor@10.20.%, with RDS's own rdsadmin.
 * Each FAIL case is one change an engineer or an attacker could make to it.
 */
import type { MysqlAccount, MysqlCatalog, MysqlTableGrant } from "../../../../lib/audit/probes/mysql/types.js";
import { config, context } from "../../../support/builders.js";
import type { CheckCase, FamilyCases } from "./case.js";

const cfg = config({
  mysql: [
    {
      name: "queue-mysql",
      connection: { host: "queue-mysql.c9akciq32.eu-west-1.rds.amazonaws.com", user: "queue_auditor", password: { iam: true } },
      tables: ["app.delayed_jobs"],
      principals: { "app_worker@10.20.%": ["SELECT", "INSERT", "UPDATE", "DELETE"] },
    },
  ],
});

const account = (user: string, host: string, over: Partial<MysqlAccount> = {}): MysqlAccount => ({
  user,
  host,
  isRole: false,
  plugin: "caching_sha2_password",
  hasCredential: true,
  locked: false,
  passwordExpired: false,
  sslType: "",
  global: [],
  defaultRoles: [],
  ...over,
});
const onQueue = (user: string, host: string, privileges: string[]): MysqlTableGrant => ({
  user,
  host,
  db: "app",
  table: "delayed_jobs",
  privileges,
});

/** The healthy catalog: the policy's grant only, TLS required, every account with a password. */
function catalog(): MysqlCatalog {
  return {
    flavor: "mysql",
    version: "8.4.3",
    currentUser: { user: "queue_auditor", host: "10.20.%" },
    requireSecureTransport: true,
    mandatoryRoles: [],
    activateAllRolesOnLogin: false,
    accounts: [
      account("rdsadmin", "localhost", { global: ["SUPER", "FILE", "CREATE USER", "GRANT OPTION"] }),
      account("queue_auditor", "10.20.%", { sslType: "ANY" }),
      account("app_worker", "10.20.%", { sslType: "ANY" }),
    ],
    dbGrants: [],
    tableGrants: [onQueue("app_worker", "10.20.%", ["SELECT", "INSERT", "UPDATE", "DELETE"])],
    columnGrants: [],
    routineGrants: [],
    roleEdges: [],
    proxies: [],
    definerObjects: [],
    tables: [{ db: "app", table: "delayed_jobs", found: true }],
  };
}

/** The catalog after `change`, as the probe would report it. */
const observed =
  (change: (c: MysqlCatalog) => void = () => {}) =>
  () => {
    const c = catalog();
    change(c);
    return context(cfg, undefined, { mysql: [{ target: "queue-mysql", catalog: c }] });
  };

const TABLE = "queue-mysql:app.delayed_jobs";
const clean = (resource: string): CheckCase => ({
  given: "the healthy catalog (the policy's grant only, TLS required, passwords everywhere)",
  context: observed(),
  resource,
});

export const mysqlCases: FamilyCases = {
  "mysql-unexpected-principal": {
    fail: {
      given: "GRANT SELECT ON app.delayed_jobs TO 'intern'@'10.20.%'",
      context: observed((c) => {
        c.accounts.push(account("intern", "10.20.%"));
        c.tableGrants.push(onQueue("intern", "10.20.%", ["SELECT"]));
      }),
      resource: TABLE,
      subject: "intern@10.20.%",
    },
    pass: clean(TABLE),
  },
  "mysql-excess-privilege": {
    fail: {
      given: "app_worker's grant widened with DROP",
      context: observed((c) => {
        c.tableGrants = [onQueue("app_worker", "10.20.%", ["SELECT", "INSERT", "UPDATE", "DELETE", "DROP"])];
      }),
      resource: TABLE,
      subject: "app_worker@10.20.%",
    },
    pass: clean(TABLE),
  },
  "mysql-missing-privilege": {
    fail: {
      given: "app_worker's grant without the DELETE the policy gives it",
      context: observed((c) => {
        c.tableGrants = [onQueue("app_worker", "10.20.%", ["SELECT", "INSERT", "UPDATE"])];
      }),
      resource: TABLE,
      subject: "app_worker@10.20.%",
    },
    pass: clean(TABLE),
  },
  "mysql-wildcard-account": {
    fail: {
      given: "'reporting'@'%' (any host, outside the policy) granted SELECT on the queue",
      context: observed((c) => {
        c.accounts.push(account("reporting", "%"));
        c.tableGrants.push(onQueue("reporting", "%", ["SELECT"]));
      }),
      resource: "queue-mysql",
      subject: "reporting@%",
    },
    pass: clean("queue-mysql"),
  },
  "mysql-account-without-password": {
    fail: {
      given: "'app_web'@'10.20.%' created without a password",
      context: observed((c) => c.accounts.push(account("app_web", "10.20.%", { hasCredential: false, plugin: "mysql_native_password" }))),
      resource: "queue-mysql",
      subject: "app_web@10.20.%",
    },
    pass: clean("queue-mysql"),
  },
  "mysql-superuser-accounts": {
    fail: {
      given: "GRANT SUPER ON *.* TO 'ops'@'10.20.%' (not an admin of the policy)",
      context: observed((c) => c.accounts.push(account("ops", "10.20.%", { global: ["SUPER"] }))),
      resource: "queue-mysql",
      subject: "ops@10.20.%",
    },
    pass: { ...clean("queue-mysql"), given: "only RDS's rdsadmin with superuser-like powers" },
  },
  "mysql-tls-not-required": {
    fail: {
      given: "require_secure_transport = OFF",
      context: observed((c) => {
        c.requireSecureTransport = false;
      }),
      resource: "queue-mysql",
      subject: "require_secure_transport",
    },
    pass: clean("queue-mysql"),
  },
  "mysql-auditor-overprivileged": {
    fail: {
      given: "GRANT SELECT ON app.delayed_jobs TO the auditor's account",
      context: observed((c) => c.tableGrants.push(onQueue("queue_auditor", "10.20.%", ["SELECT"]))),
      resource: "queue-mysql",
      subject: "queue_auditor@10.20.%",
    },
    pass: { ...clean("queue-mysql"), given: "an auditor account that can read only the grant tables" },
  },
};
