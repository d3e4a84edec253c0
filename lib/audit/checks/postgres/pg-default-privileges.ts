import type { CheckResult } from "../../findings/model.js";
import { PUBLIC_OID } from "../../probes/postgres/types.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { eachSchema, inPolicy, listing } from "./targets.js";

const OBJECT_TYPES: Record<string, string> = { r: "tables", S: "sequences" };

export const pgDefaultPrivileges: Check = {
  meta: {
    id: "pg-default-privileges",
    title: "Default privileges give future tables to others",
    severity: "medium",
    resourceType: "PostgreSQL::Schema",
    rationale:
      "ALTER DEFAULT PRIVILEGES grants every table or sequence created later (a re-created or partitioned queue table, a migration's new table) to PUBLIC or to roles outside the policy, so today's clean grants do not last past the next migration.",
    remediation:
      "Drop the default grant: `ALTER DEFAULT PRIVILEGES FOR ROLE app_migrator IN SCHEMA public REVOKE ALL ON TABLES FROM PUBLIC;` (and `… ON SEQUENCES …`; omit `IN SCHEMA` for a database-wide entry).",
    references: ["https://www.postgresql.org/docs/current/sql-alterdefaultprivileges.html"],
  },
  evaluate(ctx) {
    return eachSchema(ctx, "pg-default-privileges", "default privileges", (view, schema, resource) => {
      const byGrantee = new Map<string, { forRole: string; objects: string; privileges: string[]; scope: string }[]>();
      for (const d of view.catalog.defaultAcls) {
        const objects = OBJECT_TYPES[d.objectType];
        if (!objects || (d.schema !== null && d.schema !== schema.name)) continue;
        const perGrantee = new Map<number, string[]>();
        for (const item of d.acl) {
          // A database-wide entry lists its creator's own privileges too; those are the owner's anyway.
          if (item.grantee === d.role) continue;
          perGrantee.set(item.grantee, [...(perGrantee.get(item.grantee) ?? []), item.privilege]);
        }
        for (const [grantee, privileges] of perGrantee) {
          const name = view.graph.name(grantee);
          if (grantee !== PUBLIC_OID && inPolicy(view.policy, name)) continue;
          const list = byGrantee.get(name) ?? [];
          list.push({
            forRole: view.graph.name(d.role),
            objects,
            privileges,
            scope: d.schema === null ? "database-wide" : `schema ${d.schema}`,
          });
          byGrantee.set(name, list);
        }
      }
      const out: CheckResult[] = [];
      for (const [grantee, entries] of byGrantee) {
        const first = entries[0] as (typeof entries)[number];
        out.push(
          fail(
            "pg-default-privileges",
            resource,
            grantee,
            `Default privileges give ${grantee} ${listing(first.privileges)} on future ${first.objects} that ${first.forRole} creates (${first.scope}): revoke the default grant.`,
            {
              entries,
            },
          ),
        );
      }
      if (out.length > 0) return out;
      return [
        pass(
          "pg-default-privileges",
          resource,
          `No default privilege in schema ${schema.name} gives future tables or sequences to PUBLIC or to roles outside the policy.`,
        ),
      ];
    });
  },
};
