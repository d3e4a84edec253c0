/**
 * In-memory cases of the pg-* checks: the catalog the probe reads from an RDS for
 * PostgreSQL 16 database (rdsadmin, rds_superuser and its master user `postgres`), whose
 * queue table public.delayed_jobs is owned by app_migrator and used by app_worker.
 * Each FAIL case is one change an engineer or an attacker could make to it.
 */
import type { PgAclItem, PgCatalog, PgFunction, PgRole } from "../../../../lib/audit/probes/postgres/types.js";
import { config, context } from "../../../support/builders.js";
import type { CheckCase, FamilyCases } from "./case.js";

const cfg = config({
  postgres: [
    {
      name: "queue-db",
      connection: {
        host: "queue-db.c9akciq32.eu-west-1.rds.amazonaws.com",
        database: "app",
        user: "queue_auditor",
        password: { iam: true },
      },
      tables: ["public.delayed_jobs"],
      owner: "app_migrator",
      admins: ["postgres"],
      principals: { app_worker: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
    },
  ],
});

const PUBLIC = 0;
const [RDSADMIN, RDS_SUPERUSER, POSTGRES, MIGRATOR, WORKER, AUDITOR, INTERN] = [10, 11, 12, 14, 15, 16, 17];

const role = (oid: number, name: string, attrs: Partial<PgRole> = {}): PgRole => ({
  oid,
  name,
  login: true,
  superuser: false,
  inherit: true,
  bypassrls: false,
  ...attrs,
});
const grants = (grantee: number, privileges: string[], grantor = MIGRATOR): PgAclItem[] =>
  privileges.map((privilege) => ({ grantee, grantor, privilege, grantable: false }));
const WORKER_GRANTS = grants(WORKER, ["SELECT", "INSERT", "UPDATE", "DELETE"]);

/** The healthy catalog: only the policy's grants, the right owner, nothing for PUBLIC, no default grants. */
function catalog(): PgCatalog {
  return {
    serverVersionNum: 160004,
    database: "app",
    currentUser: "queue_auditor",
    roles: [
      role(RDSADMIN, "rdsadmin", { superuser: true }),
      role(RDS_SUPERUSER, "rds_superuser", { login: false }),
      role(POSTGRES, "postgres", { createrole: true }),
      role(MIGRATOR, "app_migrator"),
      role(WORKER, "app_worker"),
      role(AUDITOR, "queue_auditor"),
      role(INTERN, "intern"),
    ],
    memberships: [{ member: POSTGRES, role: RDS_SUPERUSER, admin: true, inherit: true, set: true }],
    tables: [
      {
        schema: "public",
        name: "delayed_jobs",
        found: true,
        oid: 500,
        owner: MIGRATOR,
        relkind: "r",
        acl: [...grants(MIGRATOR, ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]), ...WORKER_GRANTS],
        columnAcls: [],
        sequences: [],
        columns: ["id", "priority", "attempts", "handler", "last_error", "run_at", "locked_at", "failed_at", "locked_by", "queue"],
      },
    ],
    schemas: [{ name: "public", found: true, oid: 2200, owner: MIGRATOR, acl: grants(MIGRATOR, ["USAGE", "CREATE"]) }],
    defaultAcls: [{ role: MIGRATOR, schema: null, objectType: "r", acl: grants(MIGRATOR, ["SELECT"]) }],
    functions: [],
  };
}

type Change = (c: PgCatalog) => void;
const table = (c: PgCatalog) => c.tables[0] as PgCatalog["tables"][number];

/** queue-db with the weak-password trial on, the policy's login roles tried with these outcomes. */
const trialCfg = config({ postgres: [{ ...cfg.postgres[0], probe: { weakPasswords: true } }] } as Parameters<typeof config>[0]);
const tried = (worker: "weak" | "strong") => () =>
  context(trialCfg, undefined, {
    postgres: [
      {
        target: "queue-db",
        catalog: catalog(),
        weakPasswords: {
          listSize: 18,
          paceMs: 200,
          users: [
            { user: "postgres", outcome: "strong", attempts: 18 },
            worker === "weak"
              ? { user: "app_worker", outcome: "weak", attempts: 4 }
              : { user: "app_worker", outcome: "strong", attempts: 18 },
          ],
        },
      },
    ],
  });

/** The catalog after `changes`, as the probe would report it. */
const observed =
  (...changes: Change[]) =>
  () => {
    const c = catalog();
    for (const change of changes) change(c);
    return context(cfg, undefined, { postgres: [{ target: "queue-db", catalog: c }] });
  };

/** public.purge_jobs(): SECURITY DEFINER, owned by the table's owner, callable by PUBLIC (PostgreSQL's default for functions). */
const purgeJobs = (config: string[]): PgFunction => ({
  oid: 700,
  schema: "public",
  name: "purge_jobs",
  args: "",
  kind: "f",
  owner: MIGRATOR,
  securityDefiner: true,
  acl: [...grants(PUBLIC, ["EXECUTE"]), ...grants(MIGRATOR, ["EXECUTE"])],
  config,
  language: "plpgsql",
  body: "BEGIN DELETE FROM delayed_jobs WHERE failed_at IS NOT NULL; END",
  sqlStandardBody: false,
  references: [],
});

const TABLE = "queue-db:public.delayed_jobs";
const clean = (resource: string): CheckCase => ({
  given: "the healthy catalog (policy grants only, app_migrator owns, nothing for PUBLIC)",
  context: observed(),
  resource,
});

export const postgresCases: FamilyCases = {
  "pg-public-privilege": {
    fail: {
      // A column grant: PUBLIC reading the jobs' payload column is as bad as a table grant.
      given: "GRANT SELECT (handler) ON delayed_jobs TO PUBLIC",
      context: observed((c) => {
        table(c).columnAcls = [{ column: "handler", acl: grants(PUBLIC, ["SELECT"]) }];
      }),
      resource: TABLE,
      subject: "PUBLIC",
    },
    pass: clean(TABLE),
  },
  "pg-unexpected-principal": {
    fail: {
      given: "GRANT SELECT ON delayed_jobs TO intern",
      context: observed((c) => table(c).acl.push(...grants(INTERN, ["SELECT"]))),
      resource: TABLE,
      subject: "intern",
    },
    pass: clean(TABLE),
  },
  "pg-excess-privilege": {
    fail: {
      given: "GRANT TRUNCATE ON delayed_jobs TO app_worker (the policy allows SELECT, INSERT, UPDATE, DELETE)",
      context: observed((c) => table(c).acl.push(...grants(WORKER, ["TRUNCATE"]))),
      resource: TABLE,
      subject: "app_worker",
    },
    pass: clean(TABLE),
  },
  "pg-missing-privilege": {
    fail: {
      given: "REVOKE DELETE ON delayed_jobs FROM app_worker (the policy gives it DELETE)",
      context: observed((c) => {
        table(c).acl = table(c).acl.filter((a) => !(a.grantee === WORKER && a.privilege === "DELETE"));
      }),
      resource: TABLE,
      subject: "app_worker",
    },
    pass: clean(TABLE),
  },
  "pg-runtime-role-owns-table": {
    fail: {
      given: "ALTER TABLE delayed_jobs OWNER TO app_worker",
      context: observed((c) => {
        table(c).owner = WORKER;
      }),
      resource: TABLE,
      subject: "app_worker",
    },
    pass: clean(TABLE),
  },
  "pg-default-privileges": {
    fail: {
      given: "ALTER DEFAULT PRIVILEGES FOR ROLE app_migrator IN SCHEMA public GRANT SELECT ON TABLES TO intern",
      context: observed((c) => c.defaultAcls.push({ role: MIGRATOR, schema: "public", objectType: "r", acl: grants(INTERN, ["SELECT"]) })),
      resource: "queue-db:public",
      subject: "intern",
    },
    pass: clean("queue-db:public"),
  },
  "pg-public-schema-create": {
    fail: {
      given: "GRANT CREATE ON SCHEMA public TO PUBLIC (the default before PostgreSQL 15)",
      context: observed((c) => c.schemas[0]?.acl.push(...grants(PUBLIC, ["USAGE", "CREATE"]))),
      resource: "queue-db:public",
      subject: "PUBLIC",
    },
    pass: clean("queue-db:public"),
  },
  "pg-superuser-roles": {
    fail: {
      given: "GRANT rds_superuser TO intern",
      context: observed((c) => c.memberships.push({ member: INTERN, role: RDS_SUPERUSER, admin: false, inherit: true, set: true })),
      resource: "queue-db",
      subject: "intern",
    },
    pass: { ...clean("queue-db"), given: "only the admin postgres in rds_superuser (rdsadmin is AWS's)" },
  },
  "pg-auditor-overprivileged": {
    fail: {
      given: "GRANT INSERT ON delayed_jobs TO queue_auditor",
      context: observed((c) => table(c).acl.push(...grants(AUDITOR, ["INSERT"]))),
      resource: "queue-db",
      subject: "queue_auditor",
    },
    pass: { ...clean("queue-db"), given: "an auditor role that can only connect" },
  },
  "pg-unsafe-definer-function": {
    fail: {
      given: "a SECURITY DEFINER function of the table's owner, executable by PUBLIC, with no search_path set",
      context: observed((c) => c.functions?.push(purgeJobs([]))),
      resource: "queue-db",
      subject: "public.purge_jobs()",
    },
    pass: {
      given: "the same function with its search_path pinned to pg_catalog, pg_temp",
      context: observed((c) => c.functions?.push(purgeJobs(["search_path=pg_catalog, pg_temp"]))),
      resource: "queue-db",
    },
  },
  "pg-weak-password": {
    fail: {
      given: "the worker's password is 'changeme', on the documented weak-password list",
      context: tried("weak"),
      resource: "queue-db",
      subject: "app_worker",
    },
    pass: {
      given: "the trial on: the master user and the worker refused the whole list",
      context: tried("strong"),
      resource: "queue-db",
    },
  },
};
