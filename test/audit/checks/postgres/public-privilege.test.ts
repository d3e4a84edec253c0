/**
 * pg-public-privilege on the in-memory estate: whatever PUBLIC holds on the queue table, on
 * some of its columns, on its sequences or through an object every role may use, is a FAIL
 * naming what PUBLIC holds; a grant to a named role is not PUBLIC's.
 */
import { describe, expect, it } from "vitest";
import { pgPublicPrivilege } from "../../../../lib/audit/checks/postgres/pg-public-privilege.js";
import { type Change, definer, estate, grants, INTERN, idSequence, jobs, PUBLIC } from "./estate.js";

const TABLE = { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs" };

describe("pg-public-privilege", () => {
  it("FAILs PUBLIC's column grant on the payload column, naming the privilege and the column", () => {
    const results = pgPublicPrivilege.evaluate(
      estate([
        (c) => {
          jobs(c).columnAcls = [{ column: "handler", acl: grants(PUBLIC, ["SELECT"]) }];
        },
      ]),
    );
    expect(results).toStrictEqual([
      {
        checkId: "pg-public-privilege",
        status: "FAIL",
        resource: TABLE,
        subject: "PUBLIC",
        message: "PUBLIC holds SELECT on public.delayed_jobs: every role on the server has it; revoke it from PUBLIC.",
        evidence: { table: ["SELECT"], columns: ["handler"], sequences: {} },
      },
    ]);
  });

  it("FAILs a PUBLIC column grant of UPDATE, which lets every role rewrite the job's code", () => {
    const [result] = pgPublicPrivilege.evaluate(
      estate([
        (c) => {
          jobs(c).columnAcls = [
            { column: "handler", acl: grants(PUBLIC, ["SELECT", "UPDATE"]) },
            { column: "last_error", acl: grants(PUBLIC, ["UPDATE"]) },
          ];
        },
      ]),
    );
    expect(result?.status).toBe("FAIL");
    expect(result?.message).toContain("PUBLIC holds SELECT, UPDATE on public.delayed_jobs");
    expect(result?.evidence).toStrictEqual({ table: ["SELECT", "UPDATE"], columns: ["handler", "last_error"], sequences: {} });
  });

  it("names each column once when PUBLIC holds several privileges on it", () => {
    const [result] = pgPublicPrivilege.evaluate(
      estate([
        (c) => {
          jobs(c).columnAcls = [{ column: "handler", acl: grants(PUBLIC, ["SELECT", "INSERT", "UPDATE"]) }];
        },
      ]),
    );
    expect(result?.evidence.columns).toEqual(["handler"]);
  });

  it("does not count a named role's column grant as PUBLIC's", () => {
    const internColumn: Change = (c) => {
      jobs(c).columnAcls = [{ column: "last_error", acl: grants(INTERN, ["UPDATE"]) }];
    };
    expect(pgPublicPrivilege.evaluate(estate([internColumn])).map((r) => r.status)).toEqual(["PASS"]);
    // With a table grant to PUBLIC beside it, the evidence names PUBLIC's grant, not intern's column.
    const [result] = pgPublicPrivilege.evaluate(estate([internColumn, (c) => jobs(c).acl.push(...grants(PUBLIC, ["SELECT"]))]));
    expect(result?.evidence).toStrictEqual({ table: ["SELECT"], sequences: {} });
  });

  it("FAILs PUBLIC's grant on the table and on its sequence in one finding", () => {
    const results = pgPublicPrivilege.evaluate(
      estate([
        (c) => {
          jobs(c).acl.push(...grants(PUBLIC, ["SELECT", "INSERT"]));
          jobs(c).sequences = [idSequence(grants(PUBLIC, ["USAGE"]))];
        },
      ]),
    );
    expect(results).toHaveLength(1);
    expect(results[0]?.message).toBe(
      "PUBLIC holds SELECT, INSERT on public.delayed_jobs and USAGE on sequence public.delayed_jobs_id_seq: every role on the server has it; revoke it from PUBLIC.",
    );
    expect(results[0]?.evidence).toStrictEqual({
      table: ["SELECT", "INSERT"],
      sequences: { "public.delayed_jobs_id_seq": ["USAGE"] },
    });
  });

  it("FAILs PUBLIC's grant on a sequence alone, and leaves out the sequences PUBLIC holds nothing on", () => {
    const [result] = pgPublicPrivilege.evaluate(
      estate([
        (c) => {
          jobs(c).sequences = [
            idSequence(),
            { ...idSequence(grants(PUBLIC, ["USAGE", "UPDATE"])), oid: 502, name: "delayed_jobs_priority_seq", column: "priority" },
          ];
        },
      ]),
    );
    expect(result?.status).toBe("FAIL");
    expect(result?.message).toBe(
      "PUBLIC holds USAGE, UPDATE on sequence public.delayed_jobs_priority_seq: every role on the server has it; revoke it from PUBLIC.",
    );
    expect(result?.evidence).toStrictEqual({ table: [], sequences: { "public.delayed_jobs_priority_seq": ["USAGE", "UPDATE"] } });
  });

  it("FAILs a SECURITY DEFINER function PUBLIC may execute that reaches the table, and says how to close it", () => {
    const [result] = pgPublicPrivilege.evaluate(estate([(c) => c.functions?.push(definer())]));
    expect(result?.status).toBe("FAIL");
    expect(result?.subject).toBe("PUBLIC");
    expect(result?.message).toMatch(
      /^PUBLIC holds SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER on public\.delayed_jobs through public\.purge_jobs\(\) \[SECURITY DEFINER, owner app_migrator.*\]: every role on the server has it; revoke it from PUBLIC\. \(Through an object: revoke PUBLIC's privilege on that object, e\.g\. REVOKE EXECUTE ON FUNCTION … FROM PUBLIC\.\)$/,
    );
    expect(result?.evidence.table).toEqual([]);
    expect(result?.evidence.routes).toEqual([
      expect.stringMatching(
        /^PUBLIC -\(EXECUTE\)-> public\.purge_jobs\(\) \[SECURITY DEFINER.* -> SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER$/,
      ),
    ]);
  });

  it("joins a direct grant and a route with 'and', and gives the route sentence only with a route", () => {
    const [withRoute] = pgPublicPrivilege.evaluate(
      estate([(c) => c.functions?.push(definer()), (c) => jobs(c).acl.push(...grants(PUBLIC, ["SELECT"]))]),
    );
    expect(withRoute?.message).toMatch(
      /^PUBLIC holds SELECT on public\.delayed_jobs and SELECT, INSERT, .* through public\.purge_jobs\(\)/,
    );
    const [withoutRoute] = pgPublicPrivilege.evaluate(estate([(c) => jobs(c).acl.push(...grants(PUBLIC, ["SELECT"]))]));
    expect(withoutRoute?.message).not.toContain("Through an object");
    expect(withoutRoute?.evidence).not.toHaveProperty("routes");
  });

  it("PASSes when PUBLIC holds nothing, listing the sequences it looked at", () => {
    expect(pgPublicPrivilege.evaluate(estate([(c) => (jobs(c).sequences = [idSequence()])]))).toStrictEqual([
      {
        checkId: "pg-public-privilege",
        status: "PASS",
        resource: TABLE,
        message: "PUBLIC holds no privilege on public.delayed_jobs or its sequences.",
        evidence: { sequences: ["public.delayed_jobs_id_seq"] },
      },
    ]);
  });

  it("PASSes a definer function PUBLIC may not execute", () => {
    const [result] = pgPublicPrivilege.evaluate(estate([(c) => c.functions?.push(definer({ acl: grants(14, ["EXECUTE"]) }))]));
    expect(result?.status).toBe("PASS");
  });
});
