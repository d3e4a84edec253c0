import { fail, pass, unobserved } from "../results.js";
import type { Check } from "../types.js";
import { superuserPath } from "./access/role-graph.js";
import { eachDatabase, tableMissing } from "./targets.js";

const TABLE_WRITES = new Set(["INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "MAINTAIN", "DROP"]);
const SEQUENCE_WRITES = new Set(["UPDATE", "USAGE"]);

export const pgAuditorOverprivileged: Check = {
  meta: {
    id: "pg-auditor-overprivileged",
    title: "Auditor's database role can change the queue",
    severity: "medium",
    resourceType: "PostgreSQL::Database",
    rationale:
      "The auditor needs only to read the catalogs. A credential that can also write the queue (or is superuser) turns the auditor itself into an attack path, and the evidence it produces is no better than the role's integrity.",
    remediation:
      "Use the least-privilege role of docs/postgres.md: `CREATE ROLE queue_auditor LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT; GRANT CONNECT ON DATABASE app_production TO queue_auditor;` and revoke anything else (`REVOKE ALL ON public.delayed_jobs FROM queue_auditor;`).",
    references: ["CIS PostgreSQL Benchmark: Ensure excessive administrative privileges are revoked"],
  },
  evaluate(ctx) {
    return eachDatabase(ctx, "pg-auditor-overprivileged", "the auditor's privileges", (view, resource) => {
      const name = view.catalog.currentUser;
      const role = view.graph.byName.get(name);
      const su = role ? superuserPath(view.graph, role) : undefined;
      if (su)
        return [
          fail(
            "pg-auditor-overprivileged",
            resource,
            name,
            `The auditor's role ${name} has superuser powers (${su.text}): use a role that can only connect.`,
            { how: su.how, path: su.text },
          ),
        ];
      const writes: Record<string, string[]> = {};
      const paths: string[] = [];
      for (const qualified of view.target.tables) {
        const access = view.access.get(qualified);
        if (!access) continue;
        for (const object of [access.table, ...access.sequences]) {
          const p = object.principals.find((x) => x.role === name);
          if (!p) continue;
          const kinds = object.kind === "table" ? TABLE_WRITES : SEQUENCE_WRITES;
          // Routes PUBLIC opens (a PUBLIC definer function that deletes jobs) are the auditor's too;
          // only PUBLIC's own grants are left to pg-public-privilege.
          const own = p.paths.filter((x) => x.source !== "PUBLIC" && x.privileges.some((y) => kinds.has(y)));
          const held = [...new Set(own.flatMap((x) => x.privileges.filter((y) => kinds.has(y))))];
          if (held.length === 0) continue;
          writes[`${object.schema}.${object.name}`] = held;
          paths.push(...own.map((x) => x.text));
        }
      }
      if (Object.keys(writes).length > 0) {
        const objects = Object.keys(writes).join(", ");
        return [
          fail(
            "pg-auditor-overprivileged",
            resource,
            name,
            `The auditor's role ${name} can change ${objects} (${paths[0]}): revoke its write privileges.`,
            { writes, paths },
          ),
        ];
      }
      const missing = view.target.tables.find((t) => !view.access.has(t));
      if (missing) {
        return [
          unobserved(
            "pg-auditor-overprivileged",
            resource,
            tableMissing(view.target, view.catalog, missing),
            "the auditor's privileges",
            name,
          ),
        ];
      }
      return [
        pass("pg-auditor-overprivileged", resource, `The auditor's role ${name} is not superuser and cannot change the audited tables.`, {
          role: name,
        }),
      ];
    });
  },
};
