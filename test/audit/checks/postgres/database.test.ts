/**
 * The database-wide pg-* checks on the in-memory estate: pg-superuser-roles,
 * pg-auditor-overprivileged and pg-unsafe-definer-function.
 */
import { describe, expect, it } from "vitest";
import { pgAuditorOverprivileged } from "../../../../lib/audit/checks/postgres/pg-auditor-overprivileged.js";
import { pgSuperuserRoles } from "../../../../lib/audit/checks/postgres/pg-superuser-roles.js";
import { pgUnsafeDefinerFunction } from "../../../../lib/audit/checks/postgres/pg-unsafe-definer-function.js";
import type { PgCatalog, PgTable } from "../../../../lib/audit/probes/postgres/types.js";
import {
  AUDITOR,
  definer,
  estate,
  grants,
  INTERN,
  idSequence,
  jobs,
  MIGRATOR,
  POSTGRES,
  PUBLIC,
  RDS_SUPERUSER,
  type role,
  WEB,
  WORKER,
} from "./estate.js";

const DATABASE = { type: "PostgreSQL::Database", id: "queue-db" };
const member = (member: number, of: number) => (c: PgCatalog) =>
  c.memberships.push({ member, role: of, admin: false, inherit: true, set: true });
const grant = (grantee: number, privileges: string[]) => (c: PgCatalog) => jobs(c).acl.push(...grants(grantee, privileges));
const attrs = (oid: number, a: Partial<ReturnType<typeof role>>) => (c: PgCatalog) => {
  c.roles = c.roles.map((r) => (r.oid === oid ? { ...r, ...a } : r));
};
/** A second audited table, public.good_jobs, owned by app_migrator. */
const goodJobs =
  (acl: ReturnType<typeof grants> = []) =>
  (c: PgCatalog) =>
    c.tables.push({
      ...jobs(c),
      name: "good_jobs",
      oid: 510,
      acl: [...grants(MIGRATOR, ["SELECT"]), ...acl],
      columns: ["id", "serialized_params"],
    } as PgTable);
const TWO_TABLES = { tables: ["public.delayed_jobs", "public.good_jobs"] };

describe("pg-superuser-roles", () => {
  it("FAILs a login role outside the admins that is a member of rds_superuser, with the path", () => {
    expect(pgSuperuserRoles.evaluate(estate([member(INTERN, RDS_SUPERUSER)]))).toStrictEqual([
      {
        checkId: "pg-superuser-roles",
        status: "FAIL",
        resource: DATABASE,
        subject: "intern",
        message:
          "Role intern has superuser powers (intern -> rds_superuser: rds_superuser member) but is not an admin of the policy: remove them.",
        evidence: { how: "rds_superuser", path: "intern -> rds_superuser: rds_superuser member" },
      },
    ]);
  });

  it("FAILs every such role, one finding each", () => {
    const results = pgSuperuserRoles.evaluate(estate([member(INTERN, RDS_SUPERUSER), attrs(WEB, { superuser: true })]));
    expect(results.map((r) => [r.status, r.subject])).toEqual([
      ["FAIL", "intern"],
      ["FAIL", "app_web"],
    ]);
  });

  it("leaves a superuser that cannot log in, and the auditor's own powers, to others", () => {
    const results = pgSuperuserRoles.evaluate(estate([attrs(WEB, { superuser: true, login: false }), member(AUDITOR, RDS_SUPERUSER)]));
    expect(results.map((r) => r.status)).toEqual(["PASS"]);
  });

  it("PASSes when only the policy's admins have superuser powers, naming them", () => {
    expect(pgSuperuserRoles.evaluate(estate())).toStrictEqual([
      {
        checkId: "pg-superuser-roles",
        status: "PASS",
        resource: DATABASE,
        message: "Only the policy's admins have superuser powers in queue-db.",
        evidence: { admins: ["postgres"] },
      },
    ]);
  });

  it("reports a superuser named rdsadmin on a server that is not RDS", () => {
    const notRds = (c: PgCatalog) => {
      c.roles = c.roles.filter((r) => r.oid !== RDS_SUPERUSER);
      c.memberships = [];
    };
    expect(pgSuperuserRoles.evaluate(estate([notRds])).map((r) => [r.status, r.subject])).toEqual([["FAIL", "rdsadmin"]]);
  });
});

describe("pg-auditor-overprivileged", () => {
  it("FAILs an auditor role with superuser powers", () => {
    expect(pgAuditorOverprivileged.evaluate(estate([member(AUDITOR, RDS_SUPERUSER)]))).toStrictEqual([
      {
        checkId: "pg-auditor-overprivileged",
        status: "FAIL",
        resource: DATABASE,
        subject: "queue_auditor",
        message:
          "The auditor's role queue_auditor has superuser powers (queue_auditor -> rds_superuser: rds_superuser member): use a role that can only connect.",
        evidence: { how: "rds_superuser", path: "queue_auditor -> rds_superuser: rds_superuser member" },
      },
    ]);
  });

  it("FAILs an auditor that can write the queue table, naming what and how", () => {
    expect(pgAuditorOverprivileged.evaluate(estate([grant(AUDITOR, ["SELECT", "INSERT"])]))).toStrictEqual([
      {
        checkId: "pg-auditor-overprivileged",
        status: "FAIL",
        resource: DATABASE,
        subject: "queue_auditor",
        message:
          "The auditor's role queue_auditor can change public.delayed_jobs (queue_auditor: SELECT, INSERT): revoke its write privileges.",
        evidence: { writes: { "public.delayed_jobs": ["INSERT"] }, paths: ["queue_auditor: SELECT, INSERT"] },
      },
    ]);
  });

  it.each(["INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER"])("counts %s on the table as changing the queue", (privilege) => {
    const [result] = pgAuditorOverprivileged.evaluate(estate([grant(AUDITOR, [privilege])]));
    expect(result?.status).toBe("FAIL");
    expect(result?.evidence.writes).toEqual({ "public.delayed_jobs": [privilege] });
  });

  it("counts MAINTAIN (PostgreSQL 17) as changing the queue", () => {
    const [result] = pgAuditorOverprivileged.evaluate(estate([(c) => (c.serverVersionNum = 170002), grant(AUDITOR, ["MAINTAIN"])]));
    expect(result?.evidence.writes).toEqual({ "public.delayed_jobs": ["MAINTAIN"] });
  });

  it("counts membership of the table's owner (who may drop it) as changing the queue", () => {
    const [result] = pgAuditorOverprivileged.evaluate(estate([member(AUDITOR, MIGRATOR)]));
    expect(result?.status).toBe("FAIL");
    expect(result?.evidence.writes).toEqual({ "public.delayed_jobs": ["INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "DROP"] });
  });

  it("does not count reading, or REFERENCES, as changing the queue", () => {
    expect(pgAuditorOverprivileged.evaluate(estate([grant(AUDITOR, ["SELECT", "REFERENCES"])])).map((r) => r.status)).toEqual(["PASS"]);
  });

  it("counts UPDATE and USAGE on the table's sequence as changes, and SELECT on it not", () => {
    const onSequence = (privileges: string[]) => (c: PgCatalog) => jobs(c).sequences.push(idSequence(grants(AUDITOR, privileges)));
    const [result] = pgAuditorOverprivileged.evaluate(estate([onSequence(["SELECT", "USAGE", "UPDATE"])]));
    expect(result?.evidence).toStrictEqual({
      writes: { "public.delayed_jobs_id_seq": ["USAGE", "UPDATE"] },
      paths: ["queue_auditor: USAGE, SELECT, UPDATE"],
    });
    expect(pgAuditorOverprivileged.evaluate(estate([onSequence(["SELECT"])])).map((r) => r.status)).toEqual(["PASS"]);
  });

  it("leaves PUBLIC's own grants to pg-public-privilege", () => {
    const results = pgAuditorOverprivileged.evaluate(
      estate([grant(PUBLIC, ["INSERT", "TRUNCATE"]), (c) => jobs(c).sequences.push(idSequence(grants(PUBLIC, ["UPDATE"])))]),
    );
    expect(results.map((r) => r.status)).toEqual(["PASS"]);
  });

  it("FAILs a route PUBLIC opens to the auditor: a definer function every role may execute", () => {
    const [result] = pgAuditorOverprivileged.evaluate(estate([(c) => c.functions?.push(definer())]));
    expect(result?.status).toBe("FAIL");
    expect(result?.message).toMatch(
      /^The auditor's role queue_auditor can change public\.delayed_jobs \(queue_auditor -> PUBLIC -\(EXECUTE\)-> public\.purge_jobs\(\)/,
    );
  });

  it("names every table it can change, and the first path", () => {
    const [result] = pgAuditorOverprivileged.evaluate(
      estate([grant(AUDITOR, ["DELETE"]), goodJobs(grants(AUDITOR, ["UPDATE"]))], TWO_TABLES),
    );
    expect(result?.message).toBe(
      "The auditor's role queue_auditor can change public.delayed_jobs, public.good_jobs (queue_auditor: DELETE): revoke its write privileges.",
    );
    expect(result?.evidence).toStrictEqual({
      writes: { "public.delayed_jobs": ["DELETE"], "public.good_jobs": ["UPDATE"] },
      paths: ["queue_auditor: DELETE", "queue_auditor: UPDATE"],
    });
  });

  it("gives ERROR, not PASS, when an audited table is missing and nothing it saw is writable", () => {
    expect(pgAuditorOverprivileged.evaluate(estate([], TWO_TABLES))).toStrictEqual([
      {
        checkId: "pg-auditor-overprivileged",
        status: "ERROR",
        resource: DATABASE,
        subject: "queue_auditor",
        message: "Could not evaluate the auditor's privileges: table public.good_jobs does not exist in database app (postgres:queue-db).",
        evidence: { source: "postgres:queue-db", reason: "table public.good_jobs does not exist in database app", code: "42P01" },
        cause: { source: "postgres:queue-db", reason: "table public.good_jobs does not exist in database app", code: "42P01" },
      },
    ]);
    // A write it did see is reported all the same.
    expect(pgAuditorOverprivileged.evaluate(estate([grant(AUDITOR, ["DELETE"])], TWO_TABLES)).map((r) => r.status)).toEqual(["FAIL"]);
  });

  it("PASSes an auditor that can only connect and read", () => {
    expect(pgAuditorOverprivileged.evaluate(estate([grant(AUDITOR, ["SELECT"])]))).toStrictEqual([
      {
        checkId: "pg-auditor-overprivileged",
        status: "PASS",
        resource: DATABASE,
        message: "The auditor's role queue_auditor is not superuser and cannot change the audited tables.",
        evidence: { role: "queue_auditor" },
      },
    ]);
  });
});

describe("pg-unsafe-definer-function", () => {
  const fn =
    (overrides: Parameters<typeof definer>[0] = {}) =>
    (c: PgCatalog) =>
      c.functions?.push(definer(overrides));
  const REASON = "search_path not pinned (no SET search_path): it is the caller's";
  const OWNER_ACCESS = { "public.delayed_jobs": ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"] };

  it("FAILs a definer function PUBLIC may execute with an unpinned search_path, with the fix", () => {
    expect(pgUnsafeDefinerFunction.evaluate(estate([fn()]))).toStrictEqual([
      {
        checkId: "pg-unsafe-definer-function",
        status: "FAIL",
        resource: DATABASE,
        subject: "public.purge_jobs()",
        message: `SECURITY DEFINER function public.purge_jobs() runs as app_migrator with an unsafe search_path (${REASON}): every role (EXECUTE is granted to PUBLIC) can run their own code as app_migrator, and app_migrator holds SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER on public.delayed_jobs. Pin its search_path.`,
        evidence: {
          function: "public.purge_jobs()",
          owner: "app_migrator",
          reason: REASON,
          config: [],
          executableBy: ["PUBLIC"],
          ownerAccess: OWNER_ACCESS,
        },
        fix: {
          kind: "sql",
          text: "Pin the search_path of public.purge_jobs() so that only trusted schemas are searched and pg_temp comes last (schema-qualify every name its body uses), and grant EXECUTE only to the roles that need it.",
          commands: [
            "ALTER FUNCTION public.purge_jobs() SET search_path = pg_catalog, pg_temp;",
            "REVOKE EXECUTE ON FUNCTION public.purge_jobs() FROM PUBLIC;",
          ],
        },
      },
    ]);
  });

  it("names the roles granted EXECUTE when PUBLIC is not, and then revokes nothing from PUBLIC", () => {
    const [result] = pgUnsafeDefinerFunction.evaluate(
      estate([fn({ acl: [...grants(MIGRATOR, ["EXECUTE"]), ...grants(WORKER, ["EXECUTE"]), ...grants(INTERN, ["EXECUTE"])] })]),
    );
    expect(result?.message).toContain(": app_worker, intern can run their own code as app_migrator");
    expect(result?.evidence.executableBy).toEqual(["app_worker", "intern"]);
    expect(result?.fix).toStrictEqual({
      kind: "sql",
      text: "Pin the search_path of public.purge_jobs() so that only trusted schemas are searched and pg_temp comes last (schema-qualify every name its body uses).",
      commands: ["ALTER FUNCTION public.purge_jobs() SET search_path = pg_catalog, pg_temp;"],
    });
  });

  it("lists PUBLIC first and then the roles granted EXECUTE as well", () => {
    const [result] = pgUnsafeDefinerFunction.evaluate(
      estate([fn({ acl: [...grants(PUBLIC, ["EXECUTE"]), ...grants(INTERN, ["EXECUTE"])] })]),
    );
    expect(result?.evidence.executableBy).toEqual(["PUBLIC", "intern"]);
  });

  it("does not count as callers the owner, its members or roles that cannot log in", () => {
    const results = pgUnsafeDefinerFunction.evaluate(
      estate([
        member(WORKER, MIGRATOR),
        attrs(INTERN, { login: false }),
        fn({ acl: [...grants(MIGRATOR, ["EXECUTE"]), ...grants(WORKER, ["EXECUTE"]), ...grants(INTERN, ["EXECUTE"])] }),
      ]),
    );
    expect(results.map((r) => r.status)).toEqual(["PASS"]);
  });

  it("does not count a superuser, who holds EXECUTE anyway, as a new caller", () => {
    const results = pgUnsafeDefinerFunction.evaluate(estate([attrs(WEB, { superuser: true }), fn({ acl: grants(MIGRATOR, ["EXECUTE"]) })]));
    expect(results.map((r) => r.status)).toEqual(["PASS"]);
  });

  it("makes a function of a superuser owner critical and says what the owner is", () => {
    const [result] = pgUnsafeDefinerFunction.evaluate(estate([fn({ owner: POSTGRES, acl: grants(PUBLIC, ["EXECUTE"], POSTGRES) })]));
    expect(result?.severity).toBe("critical");
    expect(result?.message).toContain(
      "can run their own code as postgres, and postgres has superuser powers (postgres -> rds_superuser: rds_superuser member). Pin its search_path.",
    );
    expect(result?.evidence.ownerSuperuser).toBe("postgres -> rds_superuser: rds_superuser member");
  });

  it("is silent about a function whose owner can neither reach the queue nor is superuser", () => {
    const results = pgUnsafeDefinerFunction.evaluate(estate([fn({ owner: INTERN, acl: grants(PUBLIC, ["EXECUTE"], INTERN) })]));
    expect(results.map((r) => [r.status, r.evidence])).toEqual([["PASS", { pinned: [] }]]);
  });

  it("names every table the owner reaches, and not a table that is missing", () => {
    const results = pgUnsafeDefinerFunction.evaluate(
      estate(
        [goodJobs(), (c) => c.tables.push({ schema: "public", name: "gone", found: false, acl: [], columnAcls: [], sequences: [] }), fn()],
        {
          tables: ["public.delayed_jobs", "public.good_jobs", "public.gone"],
        },
      ),
    );
    expect(results[0]?.evidence.ownerAccess).toEqual({ ...OWNER_ACCESS, "public.good_jobs": OWNER_ACCESS["public.delayed_jobs"] });
    expect(results[0]?.message).toContain(
      "app_migrator holds SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER on public.delayed_jobs and SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER on public.good_jobs.",
    );
  });

  it("leaves alone a trigger function no trigger runs (EXECUTE to PUBLIC does not matter) and functions that are not SECURITY DEFINER", () => {
    const results = pgUnsafeDefinerFunction.evaluate(
      estate([fn({ trigger: true }), fn({ oid: 701, name: "enqueue", securityDefiner: false })]),
    );
    expect(results.map((r) => [r.status, r.evidence])).toEqual([["PASS", { pinned: [] }]]);
  });

  it("PASSes a pinned function and lists it", () => {
    expect(pgUnsafeDefinerFunction.evaluate(estate([fn({ config: ["search_path=pg_catalog, pg_temp"] })]))).toStrictEqual([
      {
        checkId: "pg-unsafe-definer-function",
        status: "PASS",
        resource: DATABASE,
        message:
          "No SECURITY DEFINER function others may execute (or fire, for a trigger function) lets them run code as a role with access to the queue in queue-db.",
        evidence: { pinned: ["public.purge_jobs()"] },
      },
    ]);
  });

  it("says procedure, and ALTER PROCEDURE, for a procedure, and quotes names that need it", () => {
    const [result] = pgUnsafeDefinerFunction.evaluate(estate([fn({ kind: "p", name: "Purge", args: "integer" })]));
    expect(result?.message).toMatch(/^SECURITY DEFINER procedure public\.Purge\(integer\) runs as app_migrator/);
    expect(result?.fix?.commands).toEqual([
      'ALTER PROCEDURE public."Purge"(integer) SET search_path = pg_catalog, pg_temp;',
      'REVOKE EXECUTE ON PROCEDURE public."Purge"(integer) FROM PUBLIC;',
    ]);
  });

  it("pins the function's own schema first when only the owner can create in it", () => {
    const ns =
      (acl: ReturnType<typeof grants>, owner = MIGRATOR) =>
      (c: PgCatalog) => {
        c.namespaces = [{ name: "public", found: true, oid: 2200, owner, acl }];
      };
    const [own] = pgUnsafeDefinerFunction.evaluate(estate([ns(grants(MIGRATOR, ["USAGE", "CREATE"])), fn()]));
    expect(own?.fix?.commands[0]).toBe("ALTER FUNCTION public.purge_jobs() SET search_path = pg_catalog, public, pg_temp;");
    expect(own?.fix?.text).toBe(
      "Pin the search_path of public.purge_jobs() so that only trusted schemas are searched and pg_temp comes last, and grant EXECUTE only to the roles that need it.",
    );
    for (const [why, change] of [
      ["others may create in it", ns([...grants(MIGRATOR, ["CREATE"]), ...grants(PUBLIC, ["USAGE", "CREATE"])])],
      ["another role owns it", ns(grants(POSTGRES, ["USAGE"]), POSTGRES)],
    ] as const) {
      const [result] = pgUnsafeDefinerFunction.evaluate(estate([change, fn()]));
      expect(result?.fix?.commands[0], why).toBe("ALTER FUNCTION public.purge_jobs() SET search_path = pg_catalog, pg_temp;");
    }
  });
});
