import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { eachTable, listing } from "./targets.js";

export const pgPublicPrivilege: Check = {
  meta: {
    id: "pg-public-privilege",
    title: "PUBLIC holds privileges on the queue table",
    severity: "critical",
    resourceType: "PostgreSQL::Table",
    rationale:
      "A privilege granted to PUBLIC belongs to every role that exists now or is created later: any application, report user or leaked credential on the server can read or change the jobs (and a job row is code the workers will run).",
    remediation:
      "Revoke it and grant the named roles instead: `REVOKE ALL ON public.delayed_jobs FROM PUBLIC; REVOKE ALL ON SEQUENCE public.delayed_jobs_id_seq FROM PUBLIC;` (for column grants: `REVOKE UPDATE (run_at) ON public.delayed_jobs FROM PUBLIC;`).",
    references: [
      "CIS PostgreSQL Benchmark: Ensure excessive DML privileges are revoked",
      "https://www.postgresql.org/docs/current/ddl-priv.html",
    ],
  },
  evaluate(ctx) {
    return eachTable(ctx, "pg-public-privilege", "PUBLIC's privileges", ({ access, qualified, resource }) => {
      const sequences = access.sequences.filter((s) => s.publicPrivileges.length > 0);
      const table = access.table.publicPrivileges;
      const routes = access.table.publicRoutes ?? [];
      if (table.length === 0 && sequences.length === 0 && routes.length === 0) {
        return [
          pass("pg-public-privilege", resource, `PUBLIC holds no privilege on ${qualified} or its sequences.`, {
            sequences: access.sequences.map((s) => `${s.schema}.${s.name}`),
          }),
        ];
      }
      const parts = [
        ...(table.length > 0 ? [`${listing(table)} on ${qualified}`] : []),
        ...sequences.map((s) => `${listing(s.publicPrivileges)} on sequence ${s.schema}.${s.name}`),
        ...routes.map((r) => `${listing(r.privileges)} on ${qualified} through ${r.via}`),
      ];
      const columns = [
        ...new Set(access.table.principals.flatMap((p) => p.paths.filter((x) => x.source === "PUBLIC").flatMap((x) => x.columns ?? []))),
      ];
      return [
        fail(
          "pg-public-privilege",
          resource,
          "PUBLIC",
          `PUBLIC holds ${parts.join(" and ")}: every role on the server has it; revoke it from PUBLIC.${routes.length > 0 ? " (Through an object: revoke PUBLIC's privilege on that object, e.g. REVOKE EXECUTE ON FUNCTION … FROM PUBLIC.)" : ""}`,
          {
            table: table,
            ...(columns.length > 0 ? { columns } : {}),
            sequences: Object.fromEntries(sequences.map((s) => [`${s.schema}.${s.name}`, s.publicPrivileges])),
            ...(routes.length > 0 ? { routes: routes.map((r) => r.text.replace(/^.*? -> PUBLIC/, "PUBLIC")) } : {}),
          },
        ),
      ];
    });
  },
};
