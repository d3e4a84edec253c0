/**
 * The policy checks on the in-memory estate: pg-unexpected-principal (a login role outside
 * the policy), pg-excess-privilege (a policy role beyond what it is allowed) and
 * pg-missing-privilege (a policy role without what it is given). A write to the payload
 * column (delayed_jobs.handler) is code execution on the workers: critical, and said so.
 */
import { describe, expect, it } from "vitest";
import { pgExcessPrivilege } from "../../../../lib/audit/checks/postgres/pg-excess-privilege.js";
import { pgMissingPrivilege } from "../../../../lib/audit/checks/postgres/pg-missing-privilege.js";
import { pgUnexpectedPrincipal } from "../../../../lib/audit/checks/postgres/pg-unexpected-principal.js";
import type { PgAclItem, PgCatalog } from "../../../../lib/audit/probes/postgres/types.js";
import { estate, grants, INTERN, idSequence, jobs, OPS, POSTGRES, PUBLIC, RDS_SUPERUSER, WEB, WORKER } from "./estate.js";

const PAYLOAD = " Write access to the payload column handler is code execution on the workers.";
const WORKER_POLICY = ["SELECT", "INSERT", "UPDATE", "DELETE"];
const grant = (grantee: number, privileges: string[]) => (c: PgCatalog) => jobs(c).acl.push(...grants(grantee, privileges));
const columnGrant = (grantee: number, column: string, privileges: string[]) => (c: PgCatalog) =>
  jobs(c).columnAcls.push({ column, acl: grants(grantee, privileges) });
const member = (member: number, of: number) => (c: PgCatalog) =>
  c.memberships.push({ member, role: of, admin: false, inherit: true, set: true });
const sequence =
  (...acl: PgAclItem[][]) =>
  (c: PgCatalog) =>
    jobs(c).sequences.push(idSequence(acl.flat()));

describe("pg-unexpected-principal", () => {
  it("FAILs a login role outside the policy that can read the queue, naming the privilege and its path", () => {
    const results = pgUnexpectedPrincipal.evaluate(estate([grant(INTERN, ["SELECT"])]));
    expect(results).toStrictEqual([
      {
        checkId: "pg-unexpected-principal",
        status: "FAIL",
        resource: { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs" },
        subject: "intern",
        message:
          "Role intern is not in the policy but holds SELECT on public.delayed_jobs (intern: SELECT): revoke that path or add the role to the policy.",
        evidence: { privileges: ["SELECT"], sequences: {}, paths: ["intern: SELECT"] },
      },
    ]);
  });

  it("makes a role outside the policy that can write the payload column critical, and says why", () => {
    const [result] = pgUnexpectedPrincipal.evaluate(estate([grant(INTERN, ["SELECT", "UPDATE"])]));
    expect(result?.severity).toBe("critical");
    expect(result?.message).toBe(
      `Role intern is not in the policy but holds SELECT, UPDATE on public.delayed_jobs (intern: SELECT, UPDATE): revoke that path or add the role to the policy.${PAYLOAD}`,
    );
    expect(result?.evidence.payloadColumns).toEqual(["handler"]);
  });

  it("makes a column grant of UPDATE on the payload column critical, and one on another column not", () => {
    const [handler] = pgUnexpectedPrincipal.evaluate(estate([columnGrant(INTERN, "handler", ["UPDATE"])]));
    expect(handler?.severity).toBe("critical");
    expect(handler?.evidence.payloadColumns).toEqual(["handler"]);
    const [lastError] = pgUnexpectedPrincipal.evaluate(estate([columnGrant(INTERN, "last_error", ["UPDATE"])]));
    expect(lastError?.status).toBe("FAIL");
    expect(lastError?.severity).toBeUndefined();
    expect(lastError?.message).toBe(
      "Role intern is not in the policy but holds UPDATE on public.delayed_jobs (intern: UPDATE (columns: last_error)): revoke that path or add the role to the policy.",
    );
    expect(lastError?.evidence).not.toHaveProperty("payloadColumns");
  });

  it("reports a role reached through a group role, with the membership as the path", () => {
    const results = pgUnexpectedPrincipal.evaluate(estate([grant(OPS, ["SELECT", "TRUNCATE"]), member(WEB, OPS)]));
    expect(results.map((r) => [r.subject, r.evidence.paths])).toEqual([["app_web", ["app_web -> ops_group: SELECT, TRUNCATE"]]]);
    expect(results[0]?.severity).toBeUndefined();
  });

  it("FAILs a role outside the policy that holds only sequence privileges, naming each sequence", () => {
    const results = pgUnexpectedPrincipal.evaluate(
      estate([
        sequence(grants(INTERN, ["USAGE"])),
        (c) => jobs(c).sequences.push({ ...idSequence(grants(INTERN, ["UPDATE"])), oid: 502, name: "delayed_jobs_priority_seq" }),
      ]),
    );
    expect(results).toHaveLength(1);
    expect(results[0]?.message).toBe(
      "Role intern is not in the policy but holds USAGE on sequence public.delayed_jobs_id_seq, UPDATE on sequence public.delayed_jobs_priority_seq (intern: USAGE (sequence public.delayed_jobs_id_seq)): revoke that path or add the role to the policy.",
    );
    expect(results[0]?.evidence).toStrictEqual({
      privileges: [],
      sequences: { "public.delayed_jobs_id_seq": ["USAGE"], "public.delayed_jobs_priority_seq": ["UPDATE"] },
      paths: ["intern: USAGE (sequence public.delayed_jobs_id_seq)", "intern: UPDATE (sequence public.delayed_jobs_priority_seq)"],
    });
  });

  it("names table and sequence privileges of one role in one finding, the table's first", () => {
    const [result] = pgUnexpectedPrincipal.evaluate(estate([grant(INTERN, ["SELECT"]), sequence(grants(INTERN, ["USAGE"]))]));
    expect(result?.message).toContain("holds SELECT on public.delayed_jobs (intern: SELECT)");
    expect(result?.evidence).toStrictEqual({
      privileges: ["SELECT"],
      sequences: { "public.delayed_jobs_id_seq": ["USAGE"] },
      paths: ["intern: SELECT", "intern: USAGE (sequence public.delayed_jobs_id_seq)"],
    });
  });

  it("leaves what every role holds through PUBLIC to pg-public-privilege", () => {
    const results = pgUnexpectedPrincipal.evaluate(estate([grant(PUBLIC, ["SELECT", "UPDATE"]), sequence(grants(PUBLIC, ["USAGE"]))]));
    expect(results.map((r) => r.status)).toEqual(["PASS"]);
  });

  it("keeps PUBLIC's paths out of a role's evidence and PUBLIC's writes out of its payload claim", () => {
    const [result] = pgUnexpectedPrincipal.evaluate(
      estate([grant(PUBLIC, ["UPDATE"]), grant(INTERN, ["SELECT"]), sequence(grants(PUBLIC, ["UPDATE"]), grants(INTERN, ["USAGE"]))]),
    );
    expect(result?.subject).toBe("intern");
    expect(result?.evidence).toStrictEqual({
      privileges: ["SELECT"],
      sequences: { "public.delayed_jobs_id_seq": ["USAGE"] },
      paths: ["intern: SELECT", "intern: USAGE (sequence public.delayed_jobs_id_seq)"],
    });
    expect(result?.severity).toBeUndefined();
  });

  it("PASSes the healthy estate, listing the roles of the policy (and AWS's rdsadmin) that can use the table", () => {
    expect(pgUnexpectedPrincipal.evaluate(estate())).toStrictEqual([
      {
        checkId: "pg-unexpected-principal",
        status: "PASS",
        resource: { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs" },
        message: "Only roles of the policy can use public.delayed_jobs.",
        evidence: { principals: ["app_migrator", "app_worker", "postgres", "rdsadmin"] },
      },
    ]);
  });

  it("does not list a group role of the policy that cannot log in among those that can use the table", () => {
    const [result] = pgUnexpectedPrincipal.evaluate(
      estate([grant(OPS, ["SELECT"])], { principals: { app_worker: WORKER_POLICY, ops_group: ["SELECT"] } }),
    );
    expect(result?.status).toBe("PASS");
    expect(result?.evidence.principals).not.toContain("ops_group");
  });

  it("does not list a group role of the policy that cannot log in for what it holds on the sequence either", () => {
    const [result] = pgUnexpectedPrincipal.evaluate(
      estate([sequence(grants(OPS, ["USAGE"]))], { principals: { app_worker: WORKER_POLICY, ops_group: ["SELECT", "INSERT"] } }),
    );
    expect(result?.status).toBe("PASS");
    expect(result?.evidence.principals).toEqual(["app_migrator", "app_worker", "postgres", "rdsadmin"]);
  });

  it("reports a superuser named rdsadmin where there is no rds_superuser (not RDS: nobody else runs it)", () => {
    const notRds = (c: PgCatalog) => {
      c.roles = c.roles.filter((r) => r.oid !== RDS_SUPERUSER);
      c.memberships = [];
    };
    expect(pgUnexpectedPrincipal.evaluate(estate([notRds])).map((r) => r.subject)).toEqual(["rdsadmin"]);
  });
});

describe("pg-excess-privilege", () => {
  it("FAILs a policy role holding a privilege beyond its allowed ones, with the grant's path", () => {
    const results = pgExcessPrivilege.evaluate(estate([grant(WORKER, ["TRUNCATE"])]));
    expect(results).toStrictEqual([
      {
        checkId: "pg-excess-privilege",
        status: "FAIL",
        resource: { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs" },
        subject: "app_worker",
        message:
          "Role app_worker holds TRUNCATE on public.delayed_jobs beyond its allowed SELECT, INSERT, UPDATE, DELETE: revoke the excess.",
        evidence: {
          allowed: WORKER_POLICY,
          excess: ["TRUNCATE"],
          sequences: {},
          paths: ["app_worker: SELECT, INSERT, UPDATE, DELETE, TRUNCATE"],
        },
      },
    ]);
  });

  it("makes a write to the payload column the policy does not allow critical", () => {
    const [result] = pgExcessPrivilege.evaluate(
      estate([grant(WEB, ["SELECT", "UPDATE"])], { principals: { app_worker: WORKER_POLICY, app_web: ["SELECT"] } }),
    );
    expect(result?.subject).toBe("app_web");
    expect(result?.severity).toBe("critical");
    expect(result?.message).toBe(
      `Role app_web holds UPDATE on public.delayed_jobs beyond its allowed SELECT: revoke the excess.${PAYLOAD}`,
    );
    expect(result?.evidence).toStrictEqual({
      allowed: ["SELECT"],
      excess: ["UPDATE"],
      sequences: {},
      paths: ["app_web: SELECT, UPDATE"],
      payloadColumns: ["handler"],
    });
  });

  it("does not call an excess critical when the payload writes it holds are allowed", () => {
    // app_worker may UPDATE the jobs; its excess TRUNCATE is not a payload write.
    const [result] = pgExcessPrivilege.evaluate(estate([grant(WORKER, ["TRUNCATE"])]));
    expect(result?.severity).toBeUndefined();
    expect(result?.evidence).not.toHaveProperty("payloadColumns");
  });

  it("tells a column grant on the payload column from one on another column", () => {
    const policy = { principals: { app_worker: WORKER_POLICY, app_web: ["SELECT"] } };
    const [handler] = pgExcessPrivilege.evaluate(estate([columnGrant(WEB, "handler", ["UPDATE"])], policy));
    expect(handler?.severity).toBe("critical");
    const [lastError] = pgExcessPrivilege.evaluate(estate([columnGrant(WEB, "last_error", ["UPDATE"])], policy));
    expect(lastError?.status).toBe("FAIL");
    expect(lastError?.severity).toBeUndefined();
    expect(lastError?.evidence.excess).toEqual(["UPDATE"]);
  });

  it("says 'nothing' when the policy allows the role nothing", () => {
    const [result] = pgExcessPrivilege.evaluate(
      estate([grant(WEB, ["SELECT"])], { principals: { app_worker: WORKER_POLICY, app_web: [] } }),
    );
    expect(result?.message).toBe("Role app_web holds SELECT on public.delayed_jobs beyond its allowed nothing: revoke the excess.");
  });

  it("allows USAGE and SELECT on the table's sequences to a role that may INSERT, but not UPDATE (setval)", () => {
    expect(pgExcessPrivilege.evaluate(estate([sequence(grants(WORKER, ["USAGE", "SELECT"]))])).map((r) => r.status)).toEqual(["PASS"]);
    const [result] = pgExcessPrivilege.evaluate(estate([sequence(grants(WORKER, ["USAGE", "SELECT", "UPDATE"]))]));
    expect(result?.message).toBe(
      "Role app_worker holds UPDATE on sequence public.delayed_jobs_id_seq beyond its allowed SELECT, INSERT, UPDATE, DELETE: revoke the excess.",
    );
    expect(result?.evidence).toStrictEqual({
      allowed: WORKER_POLICY,
      excess: [],
      sequences: { "public.delayed_jobs_id_seq": ["UPDATE"] },
      paths: ["app_worker: USAGE, SELECT, UPDATE (sequence public.delayed_jobs_id_seq)"],
    });
  });

  it("allows no sequence privilege to a role that may not INSERT", () => {
    const [result] = pgExcessPrivilege.evaluate(
      estate([grant(WEB, ["SELECT"]), sequence(grants(WEB, ["USAGE"]))], {
        principals: { app_worker: WORKER_POLICY, app_web: ["SELECT"] },
      }),
    );
    expect(result?.message).toBe(
      "Role app_web holds USAGE on sequence public.delayed_jobs_id_seq beyond its allowed SELECT: revoke the excess.",
    );
  });

  it("names the table's excess and the sequences' in one finding, and only the paths that carry them", () => {
    const [result] = pgExcessPrivilege.evaluate(
      estate([grant(OPS, ["SELECT", "TRUNCATE"]), grant(WEB, ["SELECT"]), member(WEB, OPS), sequence(grants(OPS, ["USAGE", "UPDATE"]))], {
        principals: { app_worker: WORKER_POLICY, app_web: ["SELECT"] },
      }),
    );
    expect(result?.message).toBe(
      "Role app_web holds TRUNCATE on public.delayed_jobs and USAGE, UPDATE on sequence public.delayed_jobs_id_seq beyond its allowed SELECT: revoke the excess.",
    );
    expect(result?.evidence.paths).toEqual([
      "app_web -> ops_group: SELECT, TRUNCATE",
      "app_web -> ops_group: USAGE, UPDATE (sequence public.delayed_jobs_id_seq)",
    ]);
  });

  it("shows only the role's own paths to its excess, not PUBLIC's grant of the same privilege", () => {
    const [result] = pgExcessPrivilege.evaluate(
      estate([grant(WEB, ["SELECT", "TRUNCATE"]), grant(PUBLIC, ["TRUNCATE"])], {
        principals: { app_worker: WORKER_POLICY, app_web: ["SELECT"] },
      }),
    );
    expect(result?.evidence.excess).toEqual(["TRUNCATE"]);
    expect(result?.evidence.paths).toEqual(["app_web: SELECT, TRUNCATE"]);
  });

  it("shows only the sequence paths that carry the excess", () => {
    const [result] = pgExcessPrivilege.evaluate(
      estate([member(WORKER, OPS), sequence(grants(WORKER, ["USAGE"]), grants(OPS, ["UPDATE"]))]),
    );
    expect(result?.evidence.sequences).toEqual({ "public.delayed_jobs_id_seq": ["UPDATE"] });
    expect(result?.evidence.paths).toEqual(["app_worker -> ops_group: UPDATE (sequence public.delayed_jobs_id_seq)"]);
  });

  it("judges a group role of the policy even though it cannot log in", () => {
    const results = pgExcessPrivilege.evaluate(
      estate([grant(OPS, ["SELECT", "TRUNCATE"])], { principals: { app_worker: WORKER_POLICY, ops_group: ["SELECT"] } }),
    );
    expect(results.map((r) => [r.status, r.subject, r.evidence.excess])).toEqual([["FAIL", "ops_group", ["TRUNCATE"]]]);
  });

  it("does not count what a role holds through PUBLIC as its excess", () => {
    const results = pgExcessPrivilege.evaluate(estate([grant(PUBLIC, ["TRUNCATE"]), sequence(grants(PUBLIC, ["UPDATE"]))]));
    expect(results.map((r) => r.status)).toEqual(["PASS"]);
  });

  it("does not judge the admins or a policy role the database does not have", () => {
    const results = pgExcessPrivilege.evaluate(
      estate([grant(POSTGRES, ["TRUNCATE"])], {
        principals: { app_worker: WORKER_POLICY, postgres: ["SELECT"], app_reporting: ["SELECT"] },
      }),
    );
    expect(results).toStrictEqual([
      {
        checkId: "pg-excess-privilege",
        status: "PASS",
        resource: { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs" },
        message: "No policy principal holds more than it is allowed on public.delayed_jobs.",
        evidence: { principals: ["app_worker"] },
      },
    ]);
  });
});

describe("pg-missing-privilege", () => {
  it("FAILs a policy role that lacks a privilege the policy gives it", () => {
    const withoutDelete = (c: PgCatalog) => {
      jobs(c).acl = jobs(c).acl.filter((a) => !(a.grantee === WORKER && a.privilege === "DELETE"));
    };
    expect(pgMissingPrivilege.evaluate(estate([withoutDelete]))).toStrictEqual([
      {
        checkId: "pg-missing-privilege",
        status: "FAIL",
        resource: { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs" },
        subject: "app_worker",
        message: "Role app_worker lacks DELETE on public.delayed_jobs, which the policy gives it: grant it or correct the policy.",
        evidence: { allowed: WORKER_POLICY, held: ["SELECT", "INSERT", "UPDATE"], missing: ["DELETE"] },
      },
    ]);
  });

  it("FAILs a policy role the database does not have", () => {
    const results = pgMissingPrivilege.evaluate(estate([], { principals: { app_worker: WORKER_POLICY, app_reporting: ["SELECT"] } }));
    expect(results).toStrictEqual([
      {
        checkId: "pg-missing-privilege",
        status: "FAIL",
        resource: { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs" },
        subject: "app_reporting",
        message: "Role app_reporting of the policy does not exist in app: create it or correct the policy.",
        evidence: { exists: false, allowed: ["SELECT"] },
      },
    ]);
  });

  it("reports every missing privilege of a role that holds none", () => {
    const [result] = pgMissingPrivilege.evaluate(estate([], { principals: { app_worker: WORKER_POLICY, app_web: ["SELECT", "INSERT"] } }));
    expect(result?.message).toBe(
      "Role app_web lacks SELECT, INSERT on public.delayed_jobs, which the policy gives it: grant it or correct the policy.",
    );
    expect(result?.evidence).toStrictEqual({ allowed: ["SELECT", "INSERT"], held: [], missing: ["SELECT", "INSERT"] });
  });

  it("counts what the role holds through PUBLIC as held", () => {
    const results = pgMissingPrivilege.evaluate(
      estate([grant(PUBLIC, ["SELECT"])], { principals: { app_worker: WORKER_POLICY, app_web: ["SELECT"] } }),
    );
    expect(results.map((r) => r.status)).toEqual(["PASS"]);
  });

  it("does not call MAINTAIN missing before PostgreSQL 17, which has no such privilege, and does from 17", () => {
    const policy = { principals: { app_worker: [...WORKER_POLICY, "MAINTAIN"] } };
    expect(pgMissingPrivilege.evaluate(estate([], policy)).map((r) => r.status)).toEqual(["PASS"]);
    const on17 = pgMissingPrivilege.evaluate(estate([(c) => (c.serverVersionNum = 170002)], policy));
    expect(on17.map((r) => [r.status, r.evidence.missing])).toEqual([["FAIL", ["MAINTAIN"]]]);
  });

  it("PASSes when every policy role holds what it is given, naming them", () => {
    expect(
      pgMissingPrivilege.evaluate(estate([grant(WEB, ["SELECT"])], { principals: { app_worker: WORKER_POLICY, app_web: ["SELECT"] } })),
    ).toStrictEqual([
      {
        checkId: "pg-missing-privilege",
        status: "PASS",
        resource: { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs" },
        message: "Every policy principal holds what the policy gives it on public.delayed_jobs.",
        evidence: { principals: ["app_worker", "app_web"] },
      },
    ]);
  });
});
