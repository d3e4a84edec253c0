import type { CheckResult } from "../../findings/model.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { tablePrivileges } from "./access/role-graph.js";
import { eachTable, listing } from "./targets.js";

export const pgMissingPrivilege: Check = {
  meta: {
    id: "pg-missing-privilege",
    title: "Queue role lacks a privilege the policy gives it",
    severity: "low",
    resourceType: "PostgreSQL::Table",
    rationale:
      "When the policy and the database disagree, either the policy is stale (and no longer proves anything) or the workers will fail when they need the privilege.",
    remediation:
      "Grant what the policy gives, `GRANT SELECT, INSERT, UPDATE, DELETE ON public.delayed_jobs TO app_worker;` (and `GRANT USAGE, SELECT ON SEQUENCE public.delayed_jobs_id_seq TO app_worker;` for inserts), or correct the policy.",
    references: ["https://www.postgresql.org/docs/current/sql-grant.html"],
  },
  evaluate(ctx) {
    return eachTable(ctx, "pg-missing-privilege", "the policy principals' privileges", ({ view, access, qualified, resource }) => {
      const out: CheckResult[] = [];
      const known = new Set(tablePrivileges(view.catalog.serverVersionNum));
      for (const [role, allowed] of view.policy.principals) {
        if (!view.graph.byName.has(role)) {
          out.push(
            fail(
              "pg-missing-privilege",
              resource,
              role,
              `Role ${role} of the policy does not exist in ${view.catalog.database}: create it or correct the policy.`,
              { exists: false, allowed: [...allowed] },
            ),
          );
          continue;
        }
        const held = new Set(access.table.principals.find((p) => p.role === role)?.privileges ?? []);
        // A privilege this server version does not have (MAINTAIN before 17) cannot be missing.
        const missing = [...allowed].filter((p) => known.has(p) && !held.has(p));
        if (missing.length > 0) {
          out.push(
            fail(
              "pg-missing-privilege",
              resource,
              role,
              `Role ${role} lacks ${listing(missing)} on ${qualified}, which the policy gives it: grant it or correct the policy.`,
              { allowed: [...allowed], held: [...held], missing },
            ),
          );
        }
      }
      if (out.length > 0) return out;
      return [
        pass("pg-missing-privilege", resource, `Every policy principal holds what the policy gives it on ${qualified}.`, {
          principals: [...view.policy.principals.keys()],
        }),
      ];
    });
  },
};
