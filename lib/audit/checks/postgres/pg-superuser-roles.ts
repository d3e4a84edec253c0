import type { CheckResult } from "../../findings/model.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { superuserPath } from "./access/role-graph.js";
import { eachDatabase, isPlatformRole } from "./targets.js";

export const pgSuperuserRoles: Check = {
  meta: {
    id: "pg-superuser-roles",
    title: "Login role with superuser powers outside the admins",
    severity: "high",
    resourceType: "PostgreSQL::Database",
    rationale:
      "A superuser (or, on RDS, an rds_superuser member) bypasses every grant: it reads and rewrites the queue whatever the table's ACL says. Only the named admins should have it.",
    remediation:
      "`ALTER ROLE hq_root NOSUPERUSER;` (on RDS: `REVOKE rds_superuser FROM hq_root;`), or add the role to the policy's `admins` if it is one.",
    references: [
      "CIS PostgreSQL Benchmark: Ensure excessive administrative privileges are revoked",
      "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.html",
    ],
  },
  evaluate(ctx) {
    return eachDatabase(ctx, "pg-superuser-roles", "superusers", (view, resource) => {
      const out: CheckResult[] = [];
      const admins: string[] = [];
      for (const role of view.catalog.roles) {
        if (!role.login || isPlatformRole(view.catalog, role)) continue;
        const path = superuserPath(view.graph, role);
        if (!path) continue;
        if (view.policy.admins.has(role.name)) {
          admins.push(role.name);
          continue;
        }
        // The auditor's own superuser powers are pg-auditor-overprivileged's to report.
        if (role.name === view.catalog.currentUser) continue;
        out.push(
          fail(
            "pg-superuser-roles",
            resource,
            role.name,
            `Role ${role.name} has superuser powers (${path.text}) but is not an admin of the policy: remove them.`,
            { how: path.how, path: path.text },
          ),
        );
      }
      if (out.length > 0) return out;
      return [pass("pg-superuser-roles", resource, `Only the policy's admins have superuser powers in ${view.target.name}.`, { admins })];
    });
  },
};
