/**
 * Writes to the queue through an object whose body, not a grant, decides the columns (a rule,
 * a pinned SECURITY DEFINER function, a definer trigger): pg-unexpected-principal reports
 * them as writes, and does not claim code execution on the workers for them — only a grant
 * that covers the payload column (or control of the table) does.
 */
import { describe, expect, it } from "vitest";
import { pgUnexpectedPrincipal } from "../../../../lib/audit/checks/postgres/pg-unexpected-principal.js";
import type { PgCatalog, PgRelation } from "../../../../lib/audit/probes/postgres/types.js";
import { definer, estate, grants, INTERN, MIGRATOR } from "./estate.js";

/** public.audit_log, a table intern may insert into. */
const auditLog: PgRelation = {
  oid: 600,
  schema: "public",
  name: "audit_log",
  relkind: "r",
  owner: MIGRATOR,
  acl: grants(INTERN, ["INSERT"]),
  securityInvoker: false,
  updatable: [],
  reads: [],
};
const PINNED = ["search_path=pg_catalog, pg_temp"];

function judged(...changes: ((c: PgCatalog) => void)[]) {
  const results = pgUnexpectedPrincipal.evaluate(estate(changes));
  expect(results.map((r) => [r.status, r.subject])).toEqual([["FAIL", "intern"]]);
  return results[0];
}

describe("writes to the queue whose columns a body decides", () => {
  it("a rule on another table that inserts jobs: a write, not a payload claim", () => {
    const result = judged((c) => {
      c.relations = [auditLog];
      c.rules = [
        {
          oid: 800,
          name: "enqueue_on_log",
          relation: 600,
          event: "INSERT",
          instead: false,
          references: [500],
          definition:
            "CREATE RULE enqueue_on_log AS ON INSERT TO public.audit_log DO ALSO INSERT INTO public.delayed_jobs (run_at) VALUES (now())",
        },
      ];
    });
    expect(result?.evidence.privileges).toEqual(["INSERT"]);
    expect(result?.evidence.paths).toEqual([expect.stringContaining("rule enqueue_on_log ON INSERT TO public.audit_log")]);
    expect(result?.severity).toBeUndefined();
    expect(result?.evidence).not.toHaveProperty("payloadColumns");
  });

  it("a pinned SECURITY DEFINER function intern may execute that updates jobs: a write, not a payload claim", () => {
    const result = judged((c) =>
      c.functions?.push(
        definer({
          config: PINNED,
          acl: [...grants(MIGRATOR, ["EXECUTE"]), ...grants(INTERN, ["EXECUTE"])],
          body: "BEGIN UPDATE public.delayed_jobs SET run_at = now(); END",
        }),
      ),
    );
    expect(result?.evidence.privileges).toEqual(["UPDATE"]);
    expect(result?.severity).toBeUndefined();
    expect(result?.evidence).not.toHaveProperty("payloadColumns");
  });

  it("a SECURITY DEFINER trigger on a table intern may insert into, which inserts jobs: a write, not a payload claim", () => {
    const result = judged((c) => {
      c.relations = [auditLog];
      c.functions?.push(
        definer({
          name: "enqueue_from_log",
          trigger: true,
          config: PINNED,
          acl: grants(MIGRATOR, ["EXECUTE"]),
          body: "BEGIN INSERT INTO public.delayed_jobs (run_at) VALUES (now()); RETURN NEW; END",
        }),
      );
      c.triggers = [{ name: "log_enqueues", relation: 600, function: 700, events: ["INSERT"], timing: "AFTER", enabled: true }];
    });
    expect(result?.evidence.privileges).toEqual(["INSERT"]);
    expect(result?.evidence.paths).toEqual([expect.stringContaining("trigger log_enqueues ON public.audit_log")]);
    expect(result?.severity).toBeUndefined();
    expect(result?.evidence).not.toHaveProperty("payloadColumns");
  });
});
