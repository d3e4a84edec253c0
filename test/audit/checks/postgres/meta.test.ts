import { describe, expect, it } from "vitest";
import { postgresChecks } from "../../../../lib/audit/checks/postgres/index.js";

describe("pg-* check metadata", () => {
  it("cites, for every pg check, where its rule comes from", () => {
    for (const { meta } of postgresChecks) {
      expect(meta.references.length, meta.id).toBeGreaterThan(0);
      for (const ref of meta.references) expect(ref, meta.id).toMatch(/^(https:\/\/|CIS |CVE-|docs\/)\S/);
    }
  });

  it("gives each pg check the resource type its verdicts are about", () => {
    expect(Object.fromEntries(postgresChecks.map((c) => [c.meta.id, c.meta.resourceType]))).toEqual({
      "pg-public-privilege": "PostgreSQL::Table",
      "pg-unexpected-principal": "PostgreSQL::Table",
      "pg-excess-privilege": "PostgreSQL::Table",
      "pg-missing-privilege": "PostgreSQL::Table",
      "pg-runtime-role-owns-table": "PostgreSQL::Table",
      "pg-default-privileges": "PostgreSQL::Schema",
      "pg-public-schema-create": "PostgreSQL::Schema",
      "pg-superuser-roles": "PostgreSQL::Database",
      "pg-auditor-overprivileged": "PostgreSQL::Database",
      "pg-unsafe-definer-function": "PostgreSQL::Database",
      "pg-weak-password": "PostgreSQL::Database",
    });
  });
});
