/**
 * What the pg-* checks say when they cannot see: a target the probe did not reach, a
 * database that returned no catalog, a configured table or schema that does not exist.
 * Never a PASS; an ERROR naming the cause, per table, schema or database. And with several
 * targets, each is judged on its own observation.
 */
import { describe, expect, it } from "vitest";
import { postgresChecks } from "../../../../lib/audit/checks/postgres/index.js";
import { pgPublicSchemaCreate } from "../../../../lib/audit/checks/postgres/pg-public-schema-create.js";
import { pgRuntimeRoleOwnsTable } from "../../../../lib/audit/checks/postgres/pg-runtime-role-owns-table.js";
import { pgSuperuserRoles } from "../../../../lib/audit/checks/postgres/pg-superuser-roles.js";
import { contextOf, healthyCatalog, jobs, WORKER } from "./estate.js";

const notProbed = { source: "postgres:queue-db", reason: "database queue-db was not probed" };

describe("pg-* checks on what was not observed", () => {
  it("gives each table, schema and database of a target the probe did not reach an ERROR naming it", () => {
    const ctx = contextOf([], [{ tables: ["public.delayed_jobs", "jobs.que_jobs"] }]);
    expect(pgRuntimeRoleOwnsTable.evaluate(ctx)).toStrictEqual(
      ["public.delayed_jobs", "jobs.que_jobs"].map((t) => ({
        checkId: "pg-runtime-role-owns-table",
        status: "ERROR",
        resource: { type: "PostgreSQL::Table", id: `queue-db:${t}` },
        message: `Could not evaluate the owner of ${t}: database queue-db was not probed (postgres:queue-db).`,
        evidence: notProbed,
        cause: notProbed,
      })),
    );
    expect(pgPublicSchemaCreate.evaluate(ctx).map((r) => [r.status, r.resource.id, r.message])).toEqual([
      [
        "ERROR",
        "queue-db:public",
        "Could not evaluate schema privileges of schema public: database queue-db was not probed (postgres:queue-db).",
      ],
      [
        "ERROR",
        "queue-db:jobs",
        "Could not evaluate schema privileges of schema jobs: database queue-db was not probed (postgres:queue-db).",
      ],
    ]);
    expect(pgSuperuserRoles.evaluate(ctx).map((r) => [r.status, r.resource.id, r.message])).toEqual([
      ["ERROR", "queue-db", "Could not evaluate superusers of queue-db: database queue-db was not probed (postgres:queue-db)."],
    ]);
  });

  it("passes on the probe's own error as the cause", () => {
    const error = { source: "postgres:queue-db", reason: "connection refused", code: "ECONNREFUSED" };
    const results = postgresChecks.flatMap((c) => c.evaluate(contextOf([{ target: "queue-db", error }])));
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.status).toBe("ERROR");
      expect(r.cause).toEqual(error);
      expect(r.evidence).toEqual({ source: "postgres:queue-db", reason: "connection refused", code: "ECONNREFUSED" });
    }
  });

  it("gives ERROR when the probe returned neither a catalog nor an error", () => {
    const [result] = pgSuperuserRoles.evaluate(contextOf([{ target: "queue-db" }]));
    expect(result?.status).toBe("ERROR");
    expect(result?.cause).toEqual({ source: "postgres:queue-db", reason: "database queue-db returned no catalog" });
  });

  it("prefers the probe's error to the catalog it may still carry", () => {
    const error = { source: "postgres:queue-db", reason: "permission denied for pg_authid", code: "42501" };
    const [result] = pgSuperuserRoles.evaluate(contextOf([{ target: "queue-db", error, catalog: healthyCatalog() }]));
    expect(result?.status).toBe("ERROR");
    expect(result?.cause).toEqual(error);
  });

  it("gives ERROR for a configured table that does not exist, and says whether its schema does", () => {
    const catalog = healthyCatalog();
    catalog.tables.push(
      { schema: "public", name: "good_jobs", found: false, acl: [], columnAcls: [], sequences: [] },
      { schema: "jobs", name: "que_jobs", found: false, acl: [], columnAcls: [], sequences: [] },
    );
    catalog.schemas.push({ name: "jobs", found: false, acl: [] });
    const ctx = contextOf(
      [{ target: "queue-db", catalog }],
      [{ tables: ["public.delayed_jobs", "public.good_jobs", "jobs.que_jobs", "public_archive.jobs"] }],
    );
    const results = pgRuntimeRoleOwnsTable.evaluate(ctx);
    expect(results.map((r) => [r.status, r.resource.id, r.message])).toEqual([
      ["PASS", "queue-db:public.delayed_jobs", "public.delayed_jobs is owned by app_migrator, as the policy says."],
      [
        "ERROR",
        "queue-db:public.good_jobs",
        "Could not evaluate the owner of public.good_jobs: table public.good_jobs does not exist in database app (postgres:queue-db).",
      ],
      [
        "ERROR",
        "queue-db:jobs.que_jobs",
        "Could not evaluate the owner of jobs.que_jobs: table jobs.que_jobs does not exist in database app (nor does its schema) (postgres:queue-db).",
      ],
      // Schema public exists; public_archive, which only begins the same way, does not.
      [
        "ERROR",
        "queue-db:public_archive.jobs",
        "Could not evaluate the owner of public_archive.jobs: table public_archive.jobs does not exist in database app (nor does its schema) (postgres:queue-db).",
      ],
    ]);
    expect(results[1]?.cause).toEqual({
      source: "postgres:queue-db",
      reason: "table public.good_jobs does not exist in database app",
      code: "42P01",
    });
  });

  it("gives ERROR, not a verdict on nothing, for the queue table the probe looked for and did not find", () => {
    const catalog = healthyCatalog();
    jobs(catalog).found = false;
    const [result] = pgRuntimeRoleOwnsTable.evaluate(contextOf([{ target: "queue-db", catalog }]));
    expect(result?.status).toBe("ERROR");
    expect(result?.evidence.code).toBe("42P01");
  });

  it("gives ERROR for the schema of a configured table that does not exist", () => {
    const catalog = healthyCatalog();
    catalog.schemas.push({ name: "jobs", found: false, acl: [] });
    const results = pgPublicSchemaCreate.evaluate(
      contextOf([{ target: "queue-db", catalog }], [{ tables: ["public.delayed_jobs", "jobs.que_jobs", "reporting.runs"] }]),
    );
    expect(results.map((r) => [r.status, r.resource.id])).toEqual([
      ["PASS", "queue-db:public"],
      ["ERROR", "queue-db:jobs"],
      ["ERROR", "queue-db:reporting"],
    ]);
    expect(results[1]?.message).toBe(
      "Could not evaluate schema privileges of schema jobs: schema jobs does not exist in database app (postgres:queue-db).",
    );
    expect(results[1]?.cause).toEqual({ source: "postgres:queue-db", reason: "schema jobs does not exist in database app", code: "3F000" });
  });

  it("judges each target on its own observation, under its own policy", () => {
    const other = healthyCatalog();
    other.database = "billing";
    jobs(other).owner = WORKER;
    const ctx = contextOf(
      [
        { target: "billing-db", catalog: other },
        { target: "queue-db", catalog: healthyCatalog() },
      ],
      [{}, { name: "billing-db" }, { name: "reports-db" }],
    );
    expect(pgRuntimeRoleOwnsTable.evaluate(ctx).map((r) => [r.resource.id, r.status, r.subject])).toEqual([
      ["queue-db:public.delayed_jobs", "PASS", undefined],
      ["billing-db:public.delayed_jobs", "FAIL", "app_worker"],
      ["reports-db:public.delayed_jobs", "ERROR", undefined],
    ]);
    expect(pgSuperuserRoles.evaluate(ctx).map((r) => [r.resource, r.status])).toEqual([
      [{ type: "PostgreSQL::Database", id: "queue-db" }, "PASS"],
      [{ type: "PostgreSQL::Database", id: "billing-db" }, "PASS"],
      [{ type: "PostgreSQL::Database", id: "reports-db" }, "ERROR"],
    ]);
  });
});
