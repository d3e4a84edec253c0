/**
 * PostgreSQL fixes on an in-memory catalog with names no example uses (a target with a dot,
 * roles with spaces, quotes and capitals): each statement names that finding's own roles and
 * objects, quoted by quote_ident's rules, and the policy's admins are never touched.
 */
import { describe, expect, it } from "vitest";
import { postgresChecks } from "../../../lib/audit/checks/postgres/index.js";
import type { PostgresTarget } from "../../../lib/audit/config/schema.js";
import { withFixes } from "../../../lib/audit/fix/index.js";
import { pgIdent } from "../../../lib/audit/fix/quote.js";
import type { PgCatalog, PgRole } from "../../../lib/audit/probes/postgres/types.js";
import { config, context } from "../../support/builders.js";

// The config refuses a double quote in the audit role's name; other roles may hold one ("eve" admin).
const AUDITOR = "Audit Bot";
const target: PostgresTarget = {
  name: "billing.pg",
  connection: {
    host: "db",
    port: 15432,
    database: "billing",
    user: AUDITOR,
    password: { iam: true },
    tls: "verify-full",
    connectTimeoutSeconds: 10,
    statementTimeoutSeconds: 30,
  },
  tables: ["Jobs Schema.Queue Items"],
  owner: "Billing Owner",
  admins: ["master_one"],
  principals: { "Worker One": ["SELECT", "UPDATE"] },
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
const grant = (grantee: number, privilege: string) => ({ grantee, grantor: 20, privilege, grantable: false });

function catalog(over: Partial<PgCatalog> = {}): PgCatalog {
  return {
    serverVersionNum: 160004,
    database: "billing",
    currentUser: AUDITOR,
    roles: [
      r(10, "rdsadmin", { superuser: true }),
      r(11, "rds_superuser", { login: false }),
      r(12, "master_one"),
      r(13, "master_two"),
      r(20, "Billing Owner"),
      r(21, "Worker One"),
      r(22, AUDITOR),
      r(23, "Writers", { login: false }),
      r(24, '"eve" admin'),
    ],
    memberships: [
      { member: 12, role: 11, admin: true, inherit: true, set: true },
      { member: 13, role: 11, admin: false, inherit: true, set: true },
      { member: 21, role: 23, admin: false, inherit: true, set: true },
      { member: 24, role: 23, admin: true, inherit: false, set: false },
    ],
    tables: [
      {
        schema: "Jobs Schema",
        name: "Queue Items",
        found: true,
        oid: 500,
        owner: 20,
        relkind: "r",
        acl: [grant(21, "SELECT"), grant(23, "UPDATE"), grant(23, "DELETE"), grant(22, "INSERT")],
        columnAcls: [],
        sequences: [],
      },
    ],
    schemas: [{ name: "Jobs Schema", found: true, oid: 2200, owner: 20, acl: [] }],
    defaultAcls: [],
    ...over,
  };
}

function results(c: PgCatalog) {
  const ctx = context(config({ postgres: [target] }), undefined, { postgres: [{ target: target.name, catalog: c }] });
  return withFixes(
    postgresChecks.flatMap((check) => check.evaluate(ctx)),
    ctx,
  ).filter((x) => x.status === "FAIL");
}

const TABLE = `${pgIdent("Jobs Schema")}.${pgIdent("Queue Items")}`;

describe("PostgreSQL fixes on non-default names", () => {
  const fails = results(catalog());
  const fix = (checkId: string, subject?: string) =>
    fails.find((f) => f.checkId === checkId && (subject === undefined || f.subject === subject))?.fix;

  it("quotes identifiers by quote_ident's rules", () => {
    expect(pgIdent('Audit "Bot"')).toBe('"Audit ""Bot"""');
    expect(pgIdent("Mixed Case")).toBe('"Mixed Case"');
  });

  it("pg-auditor-overprivileged revokes the auditor's own write, and nothing of anyone else", () => {
    expect(fix("pg-auditor-overprivileged", AUDITOR)).toEqual(
      expect.objectContaining({ kind: "sql", commands: [`REVOKE INSERT ON TABLE ${TABLE} FROM "Audit Bot";`] }),
    );
  });

  it("pg-auditor-overprivileged on a superuser auditor takes the attribute", () => {
    const c = catalog();
    c.roles = c.roles.map((x) => (x.name === AUDITOR ? { ...x, superuser: true } : x));
    const f = results(c).find((x) => x.checkId === "pg-auditor-overprivileged")?.fix;
    expect(f?.commands).toEqual(['ALTER ROLE "Audit Bot" NOSUPERUSER;']);
  });

  it("pg-superuser-roles on RDS revokes rds_superuser from that member, never from the admin", () => {
    expect(fix("pg-superuser-roles", "master_two")?.commands).toEqual(['REVOKE "rds_superuser" FROM "master_two";']);
    expect(fails.some((f) => f.subject === "master_one")).toBe(false);
  });

  it("pg-excess-privilege keeps the allowed grants and revokes only the excess, at the group the principal shares with no one else in the policy", () => {
    const f = fix("pg-excess-privilege", "Worker One");
    // DELETE comes through "Writers", which only Worker One (of the policy) uses: revoke it there, UPDATE stays.
    expect(f?.commands).toEqual([`REVOKE DELETE ON TABLE ${TABLE} FROM "Writers";`]);
  });

  it("a self-grant route (ADMIN OPTION on a group) is cut at the admin option, since the group is a policy principal's", () => {
    const f = fix("pg-unexpected-principal", '"eve" admin');
    expect(f?.commands).toEqual(['REVOKE ADMIN OPTION FOR "Writers" FROM """eve"" admin";']);
  });

  it("pg-runtime-role-owns-table transfers to the policy's owner and keeps a principal-owner's allowed privileges", () => {
    const c = catalog();
    (c.tables[0] as { owner: number }).owner = 21;
    const f = results(c).find((x) => x.checkId === "pg-runtime-role-owns-table")?.fix;
    expect(f?.commands).toEqual([
      `ALTER TABLE ${TABLE} OWNER TO "Billing Owner";`,
      `GRANT SELECT, UPDATE ON TABLE ${TABLE} TO "Worker One";`,
    ]);
  });

  it("pg-public-privilege and pg-public-schema-create revoke from PUBLIC, granting the policy first what it used through PUBLIC", () => {
    const c = catalog({
      schemas: [{ name: "Jobs Schema", found: true, oid: 2200, owner: 10, acl: [grant(0, "CREATE"), grant(0, "USAGE")] }],
    });
    (c.tables[0] as { acl: unknown[] }).acl = [grant(0, "SELECT"), grant(23, "UPDATE")];
    const all = results(c);
    expect(all.find((x) => x.checkId === "pg-public-privilege")?.fix?.commands).toEqual([
      `GRANT SELECT ON TABLE ${TABLE} TO "Worker One";`,
      `REVOKE SELECT ON TABLE ${TABLE} FROM PUBLIC;`,
    ]);
    expect(all.find((x) => x.checkId === "pg-public-schema-create")?.fix?.commands).toEqual([
      'GRANT CREATE ON SCHEMA "Jobs Schema" TO "Billing Owner";',
      'REVOKE CREATE ON SCHEMA "Jobs Schema" FROM PUBLIC;',
    ]);
  });

  it("pg-default-privileges and pg-missing-privilege name the entry's role and the principal", () => {
    const c = catalog({ defaultAcls: [{ role: 20, schema: "Jobs Schema", objectType: "S", acl: [grant(24, "USAGE")] }] });
    (c.tables[0] as { acl: unknown[] }).acl = [grant(21, "SELECT")];
    const all = results(c);
    expect(all.find((x) => x.checkId === "pg-default-privileges")?.fix?.commands).toEqual([
      'ALTER DEFAULT PRIVILEGES FOR ROLE "Billing Owner" IN SCHEMA "Jobs Schema" REVOKE USAGE ON SEQUENCES FROM """eve"" admin";',
    ]);
    expect(all.find((x) => x.checkId === "pg-missing-privilege")?.fix?.commands).toEqual([
      `GRANT UPDATE ON TABLE ${TABLE} TO "Worker One";`,
    ]);
  });
});
