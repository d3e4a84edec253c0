/**
 * Each pg check's ERROR for a database the probe did not reach carries that check's id and
 * says what it could not evaluate, so an auditor reading the findings knows which verdict is
 * missing and for which table, schema or database.
 */
import { describe, expect, it } from "vitest";
import { postgresChecks } from "../../../../lib/audit/checks/postgres/index.js";
import { contextOf } from "./estate.js";

const CAUSE = "database queue-db was not probed (postgres:queue-db).";

describe("each pg check's ERROR", () => {
  it("names its check and what it could not evaluate", () => {
    const results = postgresChecks.flatMap((c) => c.evaluate(contextOf([])));
    expect(results.map((r) => [r.checkId, r.status, r.message])).toEqual([
      ["pg-public-privilege", "ERROR", `Could not evaluate PUBLIC's privileges of public.delayed_jobs: ${CAUSE}`],
      ["pg-unexpected-principal", "ERROR", `Could not evaluate the users of public.delayed_jobs: ${CAUSE}`],
      ["pg-excess-privilege", "ERROR", `Could not evaluate the policy principals' privileges of public.delayed_jobs: ${CAUSE}`],
      ["pg-missing-privilege", "ERROR", `Could not evaluate the policy principals' privileges of public.delayed_jobs: ${CAUSE}`],
      ["pg-runtime-role-owns-table", "ERROR", `Could not evaluate the owner of public.delayed_jobs: ${CAUSE}`],
      ["pg-default-privileges", "ERROR", `Could not evaluate default privileges of schema public: ${CAUSE}`],
      ["pg-public-schema-create", "ERROR", `Could not evaluate schema privileges of schema public: ${CAUSE}`],
      ["pg-superuser-roles", "ERROR", `Could not evaluate superusers of queue-db: ${CAUSE}`],
      ["pg-auditor-overprivileged", "ERROR", `Could not evaluate the auditor's privileges of queue-db: ${CAUSE}`],
      ["pg-unsafe-definer-function", "ERROR", `Could not evaluate SECURITY DEFINER functions of queue-db: ${CAUSE}`],
    ]);
  });
});
