/**
 * Payload columns (the serialized job a worker runs) as the pg-* checks judge them, through
 * pg-unexpected-principal: which columns of which table are payload, which routes count as
 * writing them (INSERT, UPDATE, control of the table; not a view or a definer body, whose
 * columns are not known), and the sentence that says so.
 */
import { describe, expect, it } from "vitest";
import { pgUnexpectedPrincipal } from "../../../../lib/audit/checks/postgres/pg-unexpected-principal.js";
import type { PgCatalog } from "../../../../lib/audit/probes/postgres/types.js";
import { estate, grants, INTERN, jobs, MIGRATOR, WEB } from "./estate.js";

/** The queue table renamed `name` with these columns (undefined: a hand-built catalog without them), intern granted `privileges`. */
function internOn(name: string, columns: string[] | undefined, privileges: string[]) {
  return estate(
    [
      (c: PgCatalog) => {
        const t = jobs(c);
        t.name = name;
        t.columns = columns;
        t.acl.push(...grants(INTERN, privileges));
      },
    ],
    { tables: [`public.${name}`] },
  );
}
const payloadOf = (ctx: ReturnType<typeof estate>) => {
  const [result] = pgUnexpectedPrincipal.evaluate(ctx);
  return { severity: result?.severity, columns: result?.evidence.payloadColumns, message: result?.message };
};

describe("payload columns", () => {
  it("knows each preset's payload columns by table name, and says 'columns' for several", () => {
    expect(payloadOf(internOn("solid_queue_jobs", ["id", "queue_name", "class_name", "arguments"], ["INSERT"]))).toEqual({
      severity: "critical",
      columns: ["class_name", "arguments"],
      message: expect.stringMatching(/ Write access to the payload columns class_name, arguments is code execution on the workers\.$/),
    });
    expect(payloadOf(internOn("good_jobs", ["id", "serialized_params"], ["UPDATE"])).columns).toEqual(["serialized_params"]);
    expect(payloadOf(internOn("que_jobs", ["id", "args", "kwargs", "data", "job_class"], ["INSERT"])).columns).toEqual([
      "args",
      "kwargs",
      "data",
      "job_class",
    ]);
  });

  it("keeps to the preset columns the table has, and takes them all when the catalog does not list columns", () => {
    expect(payloadOf(internOn("solid_queue_jobs", ["id", "arguments"], ["INSERT"])).columns).toEqual(["arguments"]);
    expect(payloadOf(internOn("solid_queue_jobs", undefined, ["INSERT"])).columns).toEqual(["class_name", "arguments"]);
    expect(payloadOf(internOn("solid_queue_jobs", [], ["INSERT"])).columns).toEqual(["class_name", "arguments"]);
  });

  it("finds a preset's payload column in a table of another name, and none in a table without one", () => {
    expect(payloadOf(internOn("jobs", ["id", "handler", "run_at"], ["UPDATE"])).columns).toEqual(["handler"]);
    const plain = payloadOf(internOn("jobs", ["id", "payload", "run_at"], ["UPDATE"]));
    expect(plain).toEqual({ severity: undefined, columns: undefined, message: expect.not.stringContaining("payload column") });
    expect(payloadOf(internOn("jobs", undefined, ["UPDATE"])).columns).toBeUndefined();
  });

  it("does not call reading or deleting jobs a payload write", () => {
    expect(
      payloadOf(internOn("delayed_jobs", undefined, ["SELECT", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"])).severity,
    ).toBeUndefined();
  });

  it("counts control of the table (DROP, through owning its schema) as a payload write", () => {
    const [result] = pgUnexpectedPrincipal.evaluate(
      estate([
        (c) => {
          for (const s of c.schemas) s.owner = WEB;
        },
      ]),
    );
    expect(result?.subject).toBe("app_web");
    expect(result?.severity).toBe("critical");
    expect(result?.evidence.payloadColumns).toEqual(["handler"]);
  });

  it("does not claim code execution for writes through a view, whose columns are not known", () => {
    const [result] = pgUnexpectedPrincipal.evaluate(
      estate([
        (c) => {
          c.relations = [
            {
              oid: 900,
              schema: "public",
              name: "jobs_view",
              relkind: "v",
              owner: MIGRATOR,
              acl: grants(INTERN, ["SELECT", "INSERT", "UPDATE"]),
              securityInvoker: false,
              updatable: ["INSERT", "UPDATE", "DELETE"],
              reads: [500],
            },
          ];
        },
      ]),
    );
    expect(result?.evidence.privileges).toEqual(["SELECT", "INSERT", "UPDATE"]);
    expect(result?.severity).toBeUndefined();
    expect(result?.evidence).not.toHaveProperty("payloadColumns");
  });
});
