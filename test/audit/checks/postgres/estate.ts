/**
 * The in-memory estate the pg-* check tests judge: an RDS for PostgreSQL 16 database
 * (rdsadmin, rds_superuser and its master user `postgres`) whose queue table
 * public.delayed_jobs (a delayed_job table: its `handler` column is the job's code) is owned
 * by app_migrator and used by app_worker, audited as queue_auditor. `estate(...changes)`
 * is that catalog after the changes, as the probe would report it, in an audit context
 * whose config went through the schema.
 */
import type { AuditContext, Check } from "../../../../lib/audit/checks/types.js";
import type { ConfigInput } from "../../../../lib/audit/config/schema.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import type {
  PgAclItem,
  PgCatalog,
  PgFunction,
  PgRole,
  PgTable,
  PostgresObservation,
} from "../../../../lib/audit/probes/postgres/types.js";
import { config, context } from "../../../support/builders.js";

export const PUBLIC = 0;
export const [RDSADMIN, RDS_SUPERUSER, POSTGRES, MIGRATOR, WORKER, AUDITOR, INTERN, WEB, OPS] = [10, 11, 12, 14, 15, 16, 17, 18, 19];

export const role = (oid: number, name: string, attrs: Partial<PgRole> = {}): PgRole => ({
  oid,
  name,
  login: true,
  superuser: false,
  inherit: true,
  bypassrls: false,
  ...attrs,
});

export const grants = (grantee: number, privileges: string[], grantor = MIGRATOR): PgAclItem[] =>
  privileges.map((privilege) => ({ grantee, grantor, privilege, grantable: false }));

export const DELAYED_JOBS_COLUMNS = [
  "id",
  "priority",
  "attempts",
  "handler",
  "last_error",
  "run_at",
  "locked_at",
  "failed_at",
  "locked_by",
  "queue",
];

/** The healthy catalog: only the policy's grants, the right owner, nothing for PUBLIC, no default grants. */
export function healthyCatalog(): PgCatalog {
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
      role(WEB, "app_web"),
      role(OPS, "ops_group", { login: false }),
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
        acl: [
          ...grants(MIGRATOR, ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]),
          ...grants(WORKER, ["SELECT", "INSERT", "UPDATE", "DELETE"]),
        ],
        columnAcls: [],
        sequences: [],
        columns: [...DELAYED_JOBS_COLUMNS],
      },
    ],
    schemas: [{ name: "public", found: true, oid: 2200, owner: MIGRATOR, acl: grants(MIGRATOR, ["USAGE", "CREATE"]) }],
    defaultAcls: [{ role: MIGRATOR, schema: null, objectType: "r", acl: grants(MIGRATOR, ["SELECT"]) }],
    functions: [],
  };
}

export type Change = (c: PgCatalog) => void;
/** The catalog's public.delayed_jobs. */
export const jobs = (c: PgCatalog) => c.tables[0] as PgTable;

/** public.delayed_jobs_id_seq, the serial sequence of delayed_jobs.id, with `acl`. */
export const idSequence = (acl: PgAclItem[] = []) => ({
  oid: 501,
  schema: "public",
  name: "delayed_jobs_id_seq",
  owner: MIGRATOR,
  column: "id",
  acl: [...grants(MIGRATOR, ["USAGE", "SELECT", "UPDATE"]), ...acl],
});

/** The queue-db target of the config, before the schema: override any part. */
export const TARGET = {
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
  principals: { app_worker: ["SELECT", "INSERT", "UPDATE", "DELETE"] } as Record<string, string[]>,
};

type TargetInput = Partial<typeof TARGET> & Record<string, unknown>;

/** An audit context over `targets` (default: queue-db as above) with these observations. */
export function contextOf(observations: PostgresObservation[], targets: TargetInput[] = [{}]): AuditContext {
  const cfg = config({ postgres: targets.map((t) => ({ ...TARGET, ...t })) } as Partial<ConfigInput>);
  return context(cfg, undefined, { postgres: observations });
}

/** queue-db observed as the healthy catalog after `changes`, under the default policy or `target`'s overrides. */
export function estate(changes: Change[] = [], target: TargetInput = {}): AuditContext {
  const c = healthyCatalog();
  for (const change of changes) change(c);
  return contextOf([{ target: "queue-db", catalog: c }], [target]);
}

/** What `check` says of the estate. */
export const verdicts = (check: Check, ctx: AuditContext): CheckResult[] => check.evaluate(ctx);

/** A SECURITY DEFINER function of app_migrator (the table's owner), callable by PUBLIC unless `acl` says otherwise. */
export const definer = (overrides: Partial<PgFunction> = {}): PgFunction => ({
  oid: 700,
  schema: "public",
  name: "purge_jobs",
  args: "",
  kind: "f",
  owner: MIGRATOR,
  securityDefiner: true,
  acl: [...grants(PUBLIC, ["EXECUTE"]), ...grants(MIGRATOR, ["EXECUTE"])],
  config: [],
  language: "plpgsql",
  body: "BEGIN DELETE FROM delayed_jobs WHERE failed_at IS NOT NULL; END",
  sqlStandardBody: false,
  references: [],
  ...overrides,
});
