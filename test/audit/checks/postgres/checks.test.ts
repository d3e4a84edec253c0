import { describe, expect, it } from "vitest";
import { postgresChecks } from "../../../../lib/audit/checks/postgres/index.js";
import type { AuditContext } from "../../../../lib/audit/checks/types.js";
import type { PostgresTarget } from "../../../../lib/audit/config/schema.js";
import type { PgCatalog, PgRole, PostgresObservation } from "../../../../lib/audit/probes/postgres/types.js";
import { config, context } from "../../../support/builders.js";

const target: PostgresTarget = {
  name: "queue-db",
  connection: {
    host: "db",
    port: 5432,
    database: "app",
    user: "queue_auditor",
    password: { iam: true },
    tls: "verify-full",
    connectTimeoutSeconds: 10,
    statementTimeoutSeconds: 30,
  },
  tables: ["public.delayed_jobs"],
  owner: "app_migrator",
  admins: ["postgres"],
  principals: { app_worker: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
};

const r = (oid: number, name: string, attrs: Partial<PgRole> = {}): PgRole => ({
  oid,
  name,
  login: true,
  superuser: false,
  inherit: true,
  bypassrls: false,
  ...attrs,
});

/** An RDS-shaped catalog: rdsadmin, rds_superuser and a master user that is a member of it. */
function rdsCatalog(): PgCatalog {
  return {
    serverVersionNum: 160004,
    database: "app",
    currentUser: "queue_auditor",
    roles: [
      r(10, "rdsadmin", { superuser: true }),
      r(11, "rds_superuser", { login: false }),
      r(12, "postgres"),
      r(13, "master_two"),
      r(14, "app_migrator"),
      r(15, "app_worker"),
      r(16, "queue_auditor"),
    ],
    memberships: [
      { member: 12, role: 11, admin: true, inherit: true, set: true },
      { member: 13, role: 11, admin: false, inherit: true, set: true },
    ],
    tables: [
      {
        schema: "public",
        name: "delayed_jobs",
        found: true,
        oid: 500,
        owner: 14,
        relkind: "r",
        acl: ["SELECT", "INSERT", "UPDATE", "DELETE"].map((privilege) => ({ grantee: 15, grantor: 14, privilege, grantable: false })),
        columnAcls: [],
        sequences: [],
      },
    ],
    schemas: [
      { name: "public", found: true, oid: 2200, owner: 14, acl: [{ grantee: 14, grantor: 14, privilege: "CREATE", grantable: false }] },
    ],
    defaultAcls: [
      // A database-wide entry lists the creating role's own privileges: not a finding.
      { role: 14, schema: null, objectType: "r", acl: [{ grantee: 14, grantor: 14, privilege: "SELECT", grantable: false }] },
    ],
  };
}

function ctx(observations: PostgresObservation[]): AuditContext {
  return context(config({ postgres: [target] }), undefined, { postgres: observations });
}

const run = (c: AuditContext) => postgresChecks.flatMap((check) => check.evaluate(c));

describe("pg-* checks on an in-memory catalog", () => {
  it("lists every pg check of CHECKS.md with its default severity", () => {
    expect(postgresChecks.map((c) => [c.meta.id, c.meta.severity])).toEqual([
      ["pg-public-privilege", "critical"],
      ["pg-unexpected-principal", "high"],
      ["pg-excess-privilege", "high"],
      ["pg-missing-privilege", "low"],
      ["pg-runtime-role-owns-table", "medium"],
      ["pg-default-privileges", "medium"],
      ["pg-public-schema-create", "medium"],
      ["pg-superuser-roles", "high"],
      ["pg-auditor-overprivileged", "medium"],
      ["pg-unsafe-definer-function", "high"],
      ["pg-weak-password", "critical"],
    ]);
  });

  it("on RDS, reports rds_superuser members outside the admins and not AWS's rdsadmin", () => {
    const results = run(ctx([{ target: "queue-db", catalog: rdsCatalog() }]));
    const su = results.filter((x) => x.checkId === "pg-superuser-roles");
    expect(su).toEqual([
      expect.objectContaining({
        status: "FAIL",
        subject: "master_two",
        evidence: { how: "rds_superuser", path: "master_two -> rds_superuser: rds_superuser member" },
      }),
    ]);
    const unexpected = results.filter((x) => x.checkId === "pg-unexpected-principal").map((x) => x.subject);
    expect(unexpected).toEqual(["master_two"]);
  });

  it("passes a clean table: policy grants only, right owner, no PUBLIC, no default grants", () => {
    const results = run(ctx([{ target: "queue-db", catalog: rdsCatalog() }]));
    for (const id of [
      "pg-public-privilege",
      "pg-excess-privilege",
      "pg-missing-privilege",
      "pg-runtime-role-owns-table",
      "pg-default-privileges",
      "pg-public-schema-create",
      "pg-auditor-overprivileged",
    ]) {
      expect(
        results.filter((x) => x.checkId === id).map((x) => x.status),
        id,
      ).toEqual(["PASS"]);
    }
  });

  it("gives ERROR, never PASS, for a target the probe did not observe", () => {
    const results = run(ctx([]));
    // pg-weak-password judges only targets with probe.weakPasswords (opt-in); its own tests cover the unobserved case.
    expect(results.length).toBe(postgresChecks.filter((c) => c.meta.id !== "pg-weak-password").length);
    expect(new Set(results.map((x) => x.status))).toEqual(new Set(["ERROR"]));
    expect(results[0]?.cause).toMatchObject({ source: "postgres:queue-db", reason: "database queue-db was not probed" });
  });
});
