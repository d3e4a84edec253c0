import type { CheckResult } from "../../findings/model.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { type ObjectAccess, privilegesBesidesPublic, throughPublic } from "./access/role-graph.js";
import { payloadColumns, payloadSentence, writablePayload } from "./payload.js";
import { allowedEverything, eachTable, listing } from "./targets.js";

/** CHECKS.md's sequence rule: INSERT on the table allows USAGE and SELECT on its sequences. */
export function allowedOnSequences(tablePrivileges: ReadonlySet<string>): Set<string> {
  return new Set(tablePrivileges.has("INSERT") ? ["USAGE", "SELECT"] : []);
}

function heldBy(object: ObjectAccess, role: string) {
  const p = object.principals.find((x) => x.role === role);
  return p ? { privileges: privilegesBesidesPublic(p), paths: p.paths.filter((x) => !throughPublic(x)) } : { privileges: [], paths: [] };
}

export const pgExcessPrivilege: Check = {
  meta: {
    id: "pg-excess-privilege",
    title: "Queue role holds more than the policy allows",
    severity: "high",
    resourceType: "PostgreSQL::Table",
    rationale:
      "A worker or web role that can TRUNCATE, ALTER or own the queue turns a bug or a stolen credential into lost or forged jobs; least privilege keeps the damage to what the role needs.",
    remediation:
      "Revoke what exceeds the policy, e.g. `REVOKE TRUNCATE, DELETE ON public.delayed_jobs FROM app_web;`, `REVOKE UPDATE ON SEQUENCE public.delayed_jobs_id_seq FROM app_worker;` or break the membership shown in the evidence (`REVOKE app_migrator FROM app_worker;`).",
    references: [
      "CIS PostgreSQL Benchmark: Ensure excessive DML privileges are revoked",
      "https://www.postgresql.org/docs/current/ddl-priv.html",
    ],
  },
  evaluate(ctx) {
    return eachTable(
      ctx,
      "pg-excess-privilege",
      "the policy principals' privileges",
      ({ view, access, qualified, resource, table: observed }) => {
        const out: CheckResult[] = [];
        const payload = payloadColumns(observed);
        const judged: string[] = [];
        for (const [role, allowed] of view.policy.principals) {
          if (allowedEverything(view.policy, role) || !view.graph.byName.has(role)) continue;
          judged.push(role);
          const table = heldBy(access.table, role);
          const excess = table.privileges.filter((p) => !allowed.has(p));
          const seqAllowed = allowedOnSequences(allowed);
          const sequences: Record<string, string[]> = {};
          const paths = excess.length > 0 ? table.paths.filter((x) => x.privileges.some((p) => excess.includes(p))).map((x) => x.text) : [];
          for (const s of access.sequences) {
            const held = heldBy(s, role);
            const over = held.privileges.filter((p) => !seqAllowed.has(p));
            if (over.length === 0) continue;
            sequences[`${s.schema}.${s.name}`] = over;
            paths.push(
              ...held.paths
                .filter((x) => x.privileges.some((p) => over.includes(p)))
                .map((x) => `${x.text} (sequence ${s.schema}.${s.name})`),
            );
          }
          if (excess.length === 0 && Object.keys(sequences).length === 0) continue;
          const parts = [
            ...(excess.length > 0 ? [`${listing(excess)} on ${qualified}`] : []),
            ...Object.entries(sequences).map(([s, p]) => `${listing(p)} on sequence ${s}`),
          ];
          // Payload writes the policy does not allow: excess paths that INSERT, UPDATE or control the table.
          const excessPaths = table.paths.filter((x) => x.privileges.some((p) => excess.includes(p)));
          const payloadWrites = writablePayload(
            payload,
            excessPaths.map((x) => ({ ...x, privileges: x.privileges.filter((p) => excess.includes(p)) })),
          );
          const result = fail(
            "pg-excess-privilege",
            resource,
            role,
            `Role ${role} holds ${parts.join(" and ")} beyond its allowed ${listing([...allowed]) || "nothing"}: revoke the excess.${payloadWrites.length > 0 ? payloadSentence(payloadWrites) : ""}`,
            {
              allowed: [...allowed],
              excess,
              sequences,
              paths,
              ...(payloadWrites.length > 0 ? { payloadColumns: payloadWrites } : {}),
            },
          );
          if (payloadWrites.length > 0) result.severity = "critical";
          out.push(result);
        }
        if (out.length > 0) return out;
        return [
          pass("pg-excess-privilege", resource, `No policy principal holds more than it is allowed on ${qualified}.`, {
            principals: judged,
          }),
        ];
      },
    );
  },
};
