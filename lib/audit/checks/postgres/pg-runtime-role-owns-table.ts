import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { eachTable } from "./targets.js";

export const pgRuntimeRoleOwnsTable: Check = {
  meta: {
    id: "pg-runtime-role-owns-table",
    title: "Queue table not owned by the intended owner",
    severity: "medium",
    resourceType: "PostgreSQL::Table",
    rationale:
      "The owner holds every privilege and can grant them, alter or drop the table, and disable row security; when the application's runtime role owns the queue, no grant restricts what a compromised worker can do.",
    remediation: "Hand the table (and its sequences) to the migration role: `ALTER TABLE public.delayed_jobs OWNER TO app_migrator;`.",
    references: ["https://www.postgresql.org/docs/current/ddl-priv.html"],
  },
  evaluate(ctx) {
    return eachTable(ctx, "pg-runtime-role-owns-table", "the owner", ({ view, access, qualified, resource }) => {
      const owner = access.table.owner;
      if (owner === view.policy.owner)
        return [pass("pg-runtime-role-owns-table", resource, `${qualified} is owned by ${owner}, as the policy says.`, { owner })];
      return [
        fail(
          "pg-runtime-role-owns-table",
          resource,
          owner,
          `${qualified} is owned by ${owner}, not by ${view.policy.owner}: transfer ownership to ${view.policy.owner}.`,
          {
            owner,
            expected: view.policy.owner,
          },
        ),
      ];
    });
  },
};
