import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { type AccessPath, privilegesBesidesPublic, throughPublic } from "./access/role-graph.js";
import { payloadColumns, payloadSentence, writablePayload } from "./payload.js";
import { eachTable, inPolicy, isPlatformRole, listing } from "./targets.js";

export const pgUnexpectedPrincipal: Check = {
  meta: {
    id: "pg-unexpected-principal",
    title: "Login role outside the policy can use the queue table",
    severity: "high",
    resourceType: "PostgreSQL::Table",
    rationale:
      "Every role that can read the queue sees job arguments (often personal data and tokens); every role that can write it can enqueue code the workers will run. Access arrives quietly through group memberships, SET ROLE, ownership, predefined roles, views, SECURITY DEFINER functions, rules, triggers and schema or database ownership, so grants on the table alone do not tell who can use it.",
    remediation:
      "Remove the path shown in the evidence: `REVOKE ops_group FROM hq_bob;`, `REVOKE UPDATE ON public.delayed_jobs FROM ops_group;`, `REVOKE pg_read_all_data FROM reporting;` — or, if the access is intended, add the role to the policy's `principals` with its privileges.",
    references: [
      "CIS PostgreSQL Benchmark: Ensure excessive DML privileges are revoked",
      "https://www.postgresql.org/docs/current/role-membership.html",
    ],
  },
  evaluate(ctx) {
    return eachTable(ctx, "pg-unexpected-principal", "the users", ({ view, access, qualified, resource, table }) => {
      const failures = [];
      const payload = payloadColumns(table);
      const tablePaths = new Map<string, AccessPath[]>();
      const allowed: string[] = [];
      const principals = new Map<string, { table: string[]; sequences: Record<string, string[]>; paths: string[] }>();
      const note = (role: string) => {
        let p = principals.get(role);
        if (!p) {
          p = { table: [], sequences: {}, paths: [] };
          principals.set(role, p);
        }
        return p;
      };
      for (const p of access.table.principals) {
        if (!p.login) continue;
        const privileges = privilegesBesidesPublic(p);
        if (privileges.length === 0) continue;
        const entry = note(p.role);
        entry.table = privileges;
        const own = p.paths.filter((x) => !throughPublic(x));
        tablePaths.set(p.role, own);
        entry.paths.push(...own.map((x) => x.text));
      }
      for (const s of access.sequences) {
        for (const p of s.principals) {
          if (!p.login) continue;
          const privileges = privilegesBesidesPublic(p);
          if (privileges.length === 0) continue;
          const entry = note(p.role);
          entry.sequences[`${s.schema}.${s.name}`] = privileges;
          entry.paths.push(...p.paths.filter((x) => x.source !== "PUBLIC").map((x) => `${x.text} (sequence ${s.schema}.${s.name})`));
        }
      }
      for (const [role, e] of principals) {
        if (inPolicy(view.policy, role) || isPlatformRole(view.catalog, role)) {
          allowed.push(role);
          continue;
        }
        const what =
          e.table.length > 0
            ? `${listing(e.table)} on ${qualified}`
            : `${Object.entries(e.sequences)
                .map(([s, p]) => `${listing(p)} on sequence ${s}`)
                .join(", ")}`;
        const payloadWrites = writablePayload(payload, tablePaths.get(role) ?? []);
        const result = fail(
          "pg-unexpected-principal",
          resource,
          role,
          `Role ${role} is not in the policy but holds ${what} (${e.paths[0]}): revoke that path or add the role to the policy.${payloadWrites.length > 0 ? payloadSentence(payloadWrites) : ""}`,
          {
            privileges: e.table,
            sequences: e.sequences,
            paths: e.paths,
            ...(payloadWrites.length > 0 ? { payloadColumns: payloadWrites } : {}),
          },
        );
        if (payloadWrites.length > 0) result.severity = "critical";
        failures.push(result);
      }
      if (failures.length > 0) return failures;
      return [pass("pg-unexpected-principal", resource, `Only roles of the policy can use ${qualified}.`, { principals: allowed.sort() })];
    });
  },
};
