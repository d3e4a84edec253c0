/**
 * In-memory MySQL catalogs for the access-model and check tests: the shape the probe hands the
 * checks (lib/audit/probes/mysql/types.ts), built from one healthy estate and changed per test.
 * The estate: app.delayed_jobs used by app_worker@10.20.%, audited by queue_auditor@10.20.%.
 */
import type { Check } from "../../../../lib/audit/checks/types.js";
import type {
  MysqlAccount,
  MysqlAccountRef,
  MysqlCatalog,
  MysqlDefinerObject,
  MysqlRoleEdge,
  MysqlTableGrant,
} from "../../../../lib/audit/probes/mysql/types.js";
import { config, context } from "../../../support/builders.js";

export const account = (user: string, host: string, over: Partial<MysqlAccount> = {}): MysqlAccount => ({
  user,
  host,
  isRole: false,
  plugin: "caching_sha2_password",
  hasCredential: true,
  locked: false,
  passwordExpired: false,
  sslType: "ANY",
  global: [],
  defaultRoles: [],
  ...over,
});

/** A MySQL 8 role: a locked account. */
export const role = (user: string, host = "%", over: Partial<MysqlAccount> = {}): MysqlAccount =>
  account(user, host, { locked: true, hasCredential: false, ...over });

export const ref = (user: string, host: string): MysqlAccountRef => ({ user, host });

export const onTable = (user: string, host: string, privileges: string[], table = "delayed_jobs", db = "app"): MysqlTableGrant => ({
  user,
  host,
  db,
  table,
  privileges,
});

export const edge = (role: MysqlAccountRef, grantee: MysqlAccountRef, admin = false): MysqlRoleEdge => ({ role, grantee, admin });

export const definer = (over: Partial<MysqlDefinerObject> & Pick<MysqlDefinerObject, "kind" | "name">): MysqlDefinerObject => ({
  db: "app",
  securityType: "DEFINER",
  definer: ref("migrator", "localhost"),
  definition: "select * from `app`.`delayed_jobs`",
  ...over,
});

/** The healthy catalog: the policy's grant only, TLS required, every account with a password. */
export function catalog(over: Partial<MysqlCatalog> = {}): MysqlCatalog {
  return {
    flavor: "mysql",
    version: "8.4.3",
    currentUser: { user: "queue_auditor", host: "10.20.%" },
    requireSecureTransport: true,
    mandatoryRoles: [],
    activateAllRolesOnLogin: false,
    accounts: [
      account("rdsadmin", "localhost", { global: ["SUPER", "FILE", "CREATE USER", "GRANT OPTION"] }),
      account("queue_auditor", "10.20.%"),
      account("app_worker", "10.20.%"),
    ],
    // The migrator that defines the routines may run them (a routine's definer needs EXECUTE on
    // it, as the server gives its creator with automatic_sp_privileges): a grant row only, as
    // for an account this estate does not list.
    dbGrants: [{ user: "migrator", host: "localhost", db: "app", privileges: ["EXECUTE"] }],
    tableGrants: [onTable("app_worker", "10.20.%", ["SELECT", "INSERT", "UPDATE", "DELETE"])],
    columnGrants: [],
    routineGrants: [],
    roleEdges: [],
    proxies: [],
    definerObjects: [],
    tables: [{ db: "app", table: "delayed_jobs", found: true }],
    ...over,
  };
}

/** The catalog with extra accounts and grants added to the healthy one. */
export function withExtra(extra: Partial<MysqlCatalog>, over: Partial<MysqlCatalog> = {}): MysqlCatalog {
  const base = catalog(over);
  const lists = ["accounts", "dbGrants", "tableGrants", "columnGrants", "routineGrants", "roleEdges", "proxies", "definerObjects"] as const;
  for (const k of lists) {
    const add = extra[k];
    if (add) (base[k] as unknown[]).push(...add);
  }
  return base;
}

/** The policy's worker, as the healthy catalog grants it. */
export const WORKER = { "app_worker@10.20.%": ["SELECT", "INSERT", "UPDATE", "DELETE"] };

/** One check's verdicts on `c` as target queue-mysql, the policy being the worker (and whoever `principals` adds). */
export const judge = (check: Check, c: MysqlCatalog, principals: Record<string, string[]> = {}) =>
  check.evaluate(
    context(
      config({
        mysql: [
          {
            name: "queue-mysql",
            connection: { host: "db.example.com", user: "queue_auditor", password: { iam: true } },
            tables: ["app.delayed_jobs"],
            principals: { ...WORKER, ...principals },
          },
        ] as never,
      }),
      undefined,
      { mysql: [{ target: "queue-mysql", catalog: c }] },
    ),
  );
