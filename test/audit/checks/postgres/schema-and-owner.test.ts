/**
 * The schema-wide pg-* checks (pg-default-privileges, pg-public-schema-create) and the
 * table's owner (pg-runtime-role-owns-table) on the in-memory estate.
 */
import { describe, expect, it } from "vitest";
import { pgDefaultPrivileges } from "../../../../lib/audit/checks/postgres/pg-default-privileges.js";
import { pgPublicSchemaCreate } from "../../../../lib/audit/checks/postgres/pg-public-schema-create.js";
import { pgRuntimeRoleOwnsTable } from "../../../../lib/audit/checks/postgres/pg-runtime-role-owns-table.js";
import type { PgCatalog, PgDefaultAcl } from "../../../../lib/audit/probes/postgres/types.js";
import { estate, grants, INTERN, jobs, MIGRATOR, PUBLIC, WEB, WORKER } from "./estate.js";

const SCHEMA = { type: "PostgreSQL::Schema", id: "queue-db:public" };
const defaults = (entry: Partial<PgDefaultAcl> & Pick<PgDefaultAcl, "acl">) => (c: PgCatalog) =>
  c.defaultAcls.push({ role: MIGRATOR, schema: "public", objectType: "r", ...entry });

describe("pg-default-privileges", () => {
  it("FAILs a default grant of future tables in the schema to a role outside the policy", () => {
    expect(pgDefaultPrivileges.evaluate(estate([defaults({ acl: grants(INTERN, ["SELECT", "INSERT"]) })]))).toStrictEqual([
      {
        checkId: "pg-default-privileges",
        status: "FAIL",
        resource: SCHEMA,
        subject: "intern",
        message:
          "Default privileges give intern SELECT, INSERT on future tables that app_migrator creates (schema public): revoke the default grant.",
        evidence: { entries: [{ forRole: "app_migrator", objects: "tables", privileges: ["SELECT", "INSERT"], scope: "schema public" }] },
      },
    ]);
  });

  it("FAILs a database-wide default grant of future sequences to PUBLIC", () => {
    const [result] = pgDefaultPrivileges.evaluate(estate([defaults({ schema: null, objectType: "S", acl: grants(PUBLIC, ["USAGE"]) })]));
    expect(result?.subject).toBe("PUBLIC");
    expect(result?.message).toBe(
      "Default privileges give PUBLIC USAGE on future sequences that app_migrator creates (database-wide): revoke the default grant.",
    );
  });

  it('reports PUBLIC\'s default grant even when the policy names a role "PUBLIC"', () => {
    const results = pgDefaultPrivileges.evaluate(
      estate([defaults({ acl: grants(PUBLIC, ["SELECT"]) })], {
        principals: { app_worker: ["SELECT", "INSERT", "UPDATE", "DELETE"], PUBLIC: ["SELECT"] },
      }),
    );
    expect(results.map((r) => [r.status, r.subject])).toEqual([["FAIL", "PUBLIC"]]);
  });

  it("gives one finding per grantee, with all its entries", () => {
    const results = pgDefaultPrivileges.evaluate(
      estate([
        defaults({ acl: [...grants(INTERN, ["SELECT"]), ...grants(WEB, ["DELETE"])] }),
        defaults({ objectType: "S", acl: grants(INTERN, ["USAGE"]) }),
      ]),
    );
    expect(results.map((r) => r.subject)).toEqual(["intern", "app_web"]);
    expect(results[0]?.evidence.entries).toEqual([
      { forRole: "app_migrator", objects: "tables", privileges: ["SELECT"], scope: "schema public" },
      { forRole: "app_migrator", objects: "sequences", privileges: ["USAGE"], scope: "schema public" },
    ]);
  });

  it("leaves out default grants to policy roles, the creator's own, other schemas' and other object types", () => {
    const results = pgDefaultPrivileges.evaluate(
      estate([
        defaults({ acl: grants(WORKER, ["SELECT", "INSERT"]) }),
        defaults({ acl: grants(MIGRATOR, ["SELECT"]) }),
        defaults({ schema: "reporting", acl: grants(INTERN, ["SELECT"]) }),
        defaults({ objectType: "f", acl: grants(INTERN, ["EXECUTE"]) }),
        defaults({ objectType: "T", acl: grants(PUBLIC, ["USAGE"]) }),
      ]),
    );
    expect(results).toStrictEqual([
      {
        checkId: "pg-default-privileges",
        status: "PASS",
        resource: SCHEMA,
        message: "No default privilege in schema public gives future tables or sequences to PUBLIC or to roles outside the policy.",
        evidence: {},
      },
    ]);
  });

  it("judges each schema that holds an audited table once", () => {
    const results = pgDefaultPrivileges.evaluate(
      estate(
        [
          (c) => {
            c.tables.push({ ...jobs(c), name: "good_jobs", oid: 510 }, { ...jobs(c), schema: "jobs", name: "que_jobs", oid: 520 });
            c.schemas.push({ name: "jobs", found: true, oid: 2300, owner: MIGRATOR, acl: [] });
          },
          defaults({ schema: "jobs", acl: grants(INTERN, ["SELECT"]) }),
        ],
        { tables: ["public.delayed_jobs", "public.good_jobs", "jobs.que_jobs"] },
      ),
    );
    expect(results.map((r) => [r.resource.id, r.status, r.subject])).toEqual([
      ["queue-db:public", "PASS", undefined],
      ["queue-db:jobs", "FAIL", "intern"],
    ]);
    expect(results[1]?.message).toContain("(schema jobs)");
  });
});

describe("pg-public-schema-create", () => {
  it("FAILs CREATE for PUBLIC on the queue table's schema, listing what PUBLIC holds there", () => {
    expect(pgPublicSchemaCreate.evaluate(estate([(c) => c.schemas[0]?.acl.push(...grants(PUBLIC, ["USAGE", "CREATE"]))]))).toStrictEqual([
      {
        checkId: "pg-public-schema-create",
        status: "FAIL",
        resource: SCHEMA,
        subject: "PUBLIC",
        message: "PUBLIC has CREATE on schema public: revoke it.",
        evidence: { privileges: ["USAGE", "CREATE"] },
      },
    ]);
  });

  it("PASSes USAGE for PUBLIC, and CREATE for a named role", () => {
    const results = pgPublicSchemaCreate.evaluate(
      estate([(c) => c.schemas[0]?.acl.push(...grants(PUBLIC, ["USAGE"]), ...grants(INTERN, ["CREATE"]))]),
    );
    expect(results).toStrictEqual([
      {
        checkId: "pg-public-schema-create",
        status: "PASS",
        resource: SCHEMA,
        message: "PUBLIC cannot create objects in schema public.",
        evidence: {},
      },
    ]);
  });
});

describe("pg-runtime-role-owns-table", () => {
  it("FAILs a queue table owned by another role than the policy's owner", () => {
    expect(pgRuntimeRoleOwnsTable.evaluate(estate([(c) => (jobs(c).owner = WORKER)]))).toStrictEqual([
      {
        checkId: "pg-runtime-role-owns-table",
        status: "FAIL",
        resource: { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs" },
        subject: "app_worker",
        message: "public.delayed_jobs is owned by app_worker, not by app_migrator: transfer ownership to app_migrator.",
        evidence: { owner: "app_worker", expected: "app_migrator" },
      },
    ]);
  });

  it("PASSes a queue table owned by the policy's owner", () => {
    expect(pgRuntimeRoleOwnsTable.evaluate(estate())).toStrictEqual([
      {
        checkId: "pg-runtime-role-owns-table",
        status: "PASS",
        resource: { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs" },
        message: "public.delayed_jobs is owned by app_migrator, as the policy says.",
        evidence: { owner: "app_migrator" },
      },
    ]);
  });
});
