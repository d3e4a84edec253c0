import { describe, expect, it } from "vitest";
import { commandsOn } from "../../../../../lib/audit/checks/postgres/access/body-references.js";
import { computeEffectiveAccess } from "../../../../../lib/audit/checks/postgres/access/object-access.js";
import { parseSearchPath } from "../../../../../lib/audit/checks/postgres/access/search-path.js";
import { pgUnsafeDefinerFunction } from "../../../../../lib/audit/checks/postgres/pg-unsafe-definer-function.js";
import { quoteIdent } from "../../../../../lib/audit/checks/postgres/sql.js";
import type { AuditContext } from "../../../../../lib/audit/checks/types.js";
import type {
  PgAclItem,
  PgCatalog,
  PgFunction,
  PgRelation,
  PgRole,
  PgRule,
  PgSchema,
  PgTable,
  PgTrigger,
} from "../../../../../lib/audit/probes/postgres/types.js";
import { config, context } from "../../../../support/builders.js";

const JOBS = 1;
const ROLES: Record<string, number> = {
  owner: 10,
  pg_database_owner: 6171,
  app: 100,
  analyst: 101,
  intern: 102,
  clerk: 103,
  hooker: 104,
  repl: 105,
  reporter: 106,
  nobody: 107,
  bypass: 108,
  rdsrepl: 109,
  rds_replication: 110,
  pg_read_server_files: 111,
  filer: 112,
  group: 113,
};
const oid = (name: string) => (name === "PUBLIC" ? 0 : (ROLES[name] as number));
const grant = (grantee: string, ...privileges: string[]): PgAclItem[] =>
  privileges.map((privilege) => ({ grantee: oid(grantee), grantor: 10, privilege, grantable: false }));
const role = (name: string, attrs: Partial<PgRole> = {}): PgRole => ({
  oid: oid(name),
  name,
  login: true,
  superuser: false,
  inherit: true,
  bypassrls: false,
  ...attrs,
});

function catalog(parts: Partial<PgCatalog> = {}): PgCatalog {
  const roles = [
    role("owner"),
    role("pg_database_owner", { login: false }),
    ...["app", "analyst", "intern", "clerk", "hooker", "filer", "rdsrepl"].map((n) => role(n)),
    role("repl", { replication: true }),
    role("bypass", { bypassrls: true }),
    role("reporter", { login: false }),
    role("nobody", { login: false }),
    role("group", { login: false }),
    role("rds_replication", { login: false }),
    role("pg_read_server_files", { login: false }),
  ];
  const publicSchema: PgSchema = { name: "public", found: true, oid: 2200, owner: oid("pg_database_owner"), acl: grant("PUBLIC", "USAGE") };
  return {
    serverVersionNum: 160000,
    database: "app",
    currentUser: "auditor",
    roles,
    memberships: [],
    tables: [
      {
        schema: "public",
        name: "delayed_jobs",
        found: true,
        oid: JOBS,
        owner: oid("owner"),
        relkind: "r",
        acl: grant("owner", "SELECT", "INSERT", "UPDATE", "DELETE"),
        columnAcls: [],
        sequences: [],
        columns: ["id", "handler", "run_at"],
      },
    ],
    schemas: [publicSchema],
    namespaces: [publicSchema],
    defaultAcls: [],
    databaseOwner: oid("owner"),
    relations: [],
    rules: [],
    functions: [],
    triggers: [],
    ...parts,
  };
}

const view = (o: number, name: string, owner: string, reads: number[], extra: Partial<PgRelation> = {}): PgRelation => ({
  oid: o,
  schema: "public",
  name,
  relkind: "v",
  owner: oid(owner),
  acl: [],
  securityInvoker: false,
  updatable: [],
  reads,
  ...extra,
});
const fn = (o: number, name: string, owner: string, body: string, extra: Partial<PgFunction> = {}): PgFunction => ({
  oid: o,
  schema: "public",
  name,
  args: "",
  kind: "f",
  owner: oid(owner),
  securityDefiner: true,
  acl: [...grant("PUBLIC", "EXECUTE"), ...grant(owner, "EXECUTE")],
  config: ["search_path=pg_catalog, pg_temp"],
  language: "plpgsql",
  body,
  sqlStandardBody: false,
  references: [],
  ...extra,
});

function accessOf(cat: PgCatalog, who: string) {
  return computeEffectiveAccess(cat)
    .get("public.delayed_jobs")
    ?.table.principals.find((p) => p.role === who);
}
const texts = (cat: PgCatalog, who: string) => accessOf(cat, who)?.paths.map((p) => p.text) ?? [];

describe("routes through views", () => {
  it("a view reads with its owner's rights, and views over views compose", () => {
    const cat = catalog({
      relations: [
        view(2, "jobs_report", "owner", [JOBS], { acl: [...grant("analyst", "SELECT"), ...grant("reporter", "SELECT")] }),
        view(3, "jobs_summary", "reporter", [2], { acl: grant("app", "SELECT") }),
      ],
    });
    expect(texts(cat, "analyst")).toEqual(["analyst -(SELECT)-> public.jobs_report [view, owner owner] -> SELECT"]);
    expect(texts(cat, "app")).toEqual([
      "app -(SELECT)-> public.jobs_summary [view, owner reporter] -(SELECT)-> public.jobs_report [view, owner owner] -> SELECT",
    ]);
  });

  it("an auto-updatable view writes as its owner; an INSTEAD rule takes its event", () => {
    const cat = catalog({
      relations: [
        view(2, "jobs_edit", "owner", [JOBS], { acl: grant("analyst", "UPDATE", "DELETE"), updatable: ["INSERT", "UPDATE", "DELETE"] }),
      ],
      rules: [
        {
          oid: 90,
          name: "no_delete",
          relation: 2,
          event: "DELETE",
          instead: true,
          references: [],
          definition: "CREATE RULE no_delete AS ON DELETE TO public.jobs_edit DO INSTEAD NOTHING",
        },
      ],
    });
    expect(accessOf(cat, "analyst")?.privileges).toEqual(["UPDATE"]);
  });

  it("stays silent for a security_invoker view, a view owned by a role without access, and a view nobody was granted", () => {
    const cat = catalog({
      relations: [
        view(2, "jobs_invoker", "owner", [JOBS], { securityInvoker: true, acl: grant("analyst", "SELECT") }),
        view(3, "jobs_nobody", "nobody", [JOBS], { acl: grant("intern", "SELECT") }),
        view(4, "jobs_private", "owner", [JOBS]),
      ],
    });
    expect(accessOf(cat, "analyst")).toBeUndefined();
    expect(accessOf(cat, "intern")).toBeUndefined();
    expect(accessOf(cat, "app")).toBeUndefined();
  });

  it("a NOLOGIN role granted a view is not a principal unless a login role reaches it", () => {
    const cat = catalog({ relations: [view(2, "jobs_report", "owner", [JOBS], { acl: grant("group", "SELECT") })] });
    expect(accessOf(cat, "group")).toBeUndefined();
    const reached = { ...cat, memberships: [{ member: oid("app"), role: oid("group"), admin: false, inherit: true, set: true }] };
    expect(texts(reached, "app")).toEqual(["app -> group -(SELECT)-> public.jobs_report [view, owner owner] -> SELECT"]);
  });
});

describe("routes through SECURITY DEFINER functions", () => {
  it("a granted definer function acts with its owner's privileges on what its body names", () => {
    const requeue = fn(5, "requeue_job", "owner", 'BEGIN UPDATE "public"."delayed_jobs" SET run_at = now(); END', {
      acl: grant("intern", "EXECUTE"),
      args: "job bigint",
    });
    expect(texts(catalog({ functions: [requeue] }), "intern")).toEqual([
      "intern -(EXECUTE)-> public.requeue_job(job bigint) [SECURITY DEFINER, owner owner; body text names the table] -> UPDATE",
    ]);
  });

  it("a SQL-standard body is known from pg_depend", () => {
    const purge = fn(5, "purge", "owner", "CREATE FUNCTION public.purge() BEGIN ATOMIC DELETE FROM public.delayed_jobs; END", {
      sqlStandardBody: true,
      references: [JOBS],
      acl: grant("intern", "EXECUTE"),
    });
    expect(texts(catalog({ functions: [purge] }), "intern")).toEqual([
      "intern -(EXECUTE)-> public.purge() [SECURITY DEFINER, owner owner; pg_depend (SQL-standard body)] -> DELETE",
    ]);
  });

  it("EXECUTE through PUBLIC is a PUBLIC route: reported once, not per role", () => {
    const cat = catalog({ functions: [fn(5, "purge", "owner", "DELETE FROM delayed_jobs")] });
    const access = computeEffectiveAccess(cat).get("public.delayed_jobs");
    expect(access?.table.publicRoutes?.map((p) => p.text)).toEqual([
      expect.stringMatching(
        / -> PUBLIC -\(EXECUTE\)-> public\.purge\(\) \[SECURITY DEFINER, owner owner; body text names the table\] -> DELETE$/,
      ),
    ]);
    // Each role holds what it gives, without a path of its own; the auditor keeps the path (it is judged on it).
    expect(accessOf(cat, "intern")).toMatchObject({ privileges: ["DELETE"], paths: [] });
    const audited = { ...cat, currentUser: "app" };
    expect(texts(audited, "app")).toEqual([expect.stringMatching(/^app -> PUBLIC -\(EXECUTE\)-> public\.purge\(\)/)]);
  });

  it("stays silent for SECURITY INVOKER functions and definer functions whose owner has no access", () => {
    const cat = catalog({
      functions: [
        fn(5, "invoker_purge", "owner", "DELETE FROM delayed_jobs", { securityDefiner: false, acl: grant("intern", "EXECUTE") }),
        fn(6, "nobody_purge", "nobody", "DELETE FROM delayed_jobs", { acl: grant("intern", "EXECUTE") }),
      ],
    });
    expect(accessOf(cat, "intern")).toBeUndefined();
  });

  it("a definer function with an unpinned search_path gives its owner's whole access, whatever it touches", () => {
    const count = fn(5, "stats", "owner", "SELECT 1", { config: [], acl: grant("intern", "EXECUTE") });
    expect(accessOf(catalog({ functions: [count] }), "intern")?.privileges).toEqual([
      "SELECT",
      "INSERT",
      "UPDATE",
      "DELETE",
      "TRUNCATE",
      "REFERENCES",
      "TRIGGER",
    ]);
    expect(texts(catalog({ functions: [count] }), "intern")[0]).toContain(
      "search_path not pinned (no SET search_path): it is the caller's: escalation to its owner",
    );
  });
});

describe("calls between functions, and SQL built at run time", () => {
  const all = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];

  it("a definer function reaches the queue through an invoker function it calls, with its owner's rights; cycles end", () => {
    const api = fn(5, "api_requeue", "owner", "BEGIN PERFORM Public.Requeue_Impl(job); PERFORM api_requeue(job); END", {
      acl: grant("intern", "EXECUTE"),
      args: "job bigint",
    });
    const impl = fn(6, "requeue_impl", "owner", "BEGIN UPDATE delayed_jobs SET run_at = now(); PERFORM api_requeue(job); END", {
      securityDefiner: false,
      acl: grant("owner", "EXECUTE"),
      args: "job bigint",
    });
    expect(texts(catalog({ functions: [api, impl] }), "intern")).toEqual([
      "intern -(EXECUTE)-> public.api_requeue(job bigint) [SECURITY DEFINER, owner owner] -(calls)-> public.requeue_impl(job bigint) [body text names the table] -> UPDATE",
    ]);
  });

  it("follows pg_depend for SQL-standard bodies, and a definer callee runs as its own owner only if the caller may execute it", () => {
    const outer = fn(5, "outer_fn", "analyst", "CREATE FUNCTION public.outer_fn() BEGIN ATOMIC SELECT public.inner_fn(); END", {
      sqlStandardBody: true,
      calls: [6],
      acl: grant("intern", "EXECUTE"),
    });
    const inner = fn(6, "inner_fn", "owner", "DELETE FROM public.delayed_jobs", { acl: grant("analyst", "EXECUTE") });
    expect(texts(catalog({ functions: [outer, inner] }), "intern")).toEqual([
      "intern -(EXECUTE)-> public.outer_fn() [SECURITY DEFINER, owner analyst] -(calls)-> public.inner_fn() [SECURITY DEFINER, owner owner; body text names the table] -> DELETE",
    ]);
    const refused = { ...inner, acl: grant("owner", "EXECUTE") };
    expect(accessOf(catalog({ functions: [outer, refused] }), "intern")).toBeUndefined();
  });

  it("an unqualified call resolves only in the schemas of a pinned search_path; another name is not a call", () => {
    const api = fn(5, "api", "owner", "BEGIN PERFORM purge(); PERFORM purge_old(); END", { acl: grant("intern", "EXECUTE") });
    const elsewhere = fn(6, "purge", "owner", "DELETE FROM public.delayed_jobs", { schema: "ops", securityDefiner: false });
    expect(accessOf(catalog({ functions: [api, elsewhere] }), "intern")).toBeUndefined();
    const inPath = { ...api, config: ["search_path=ops, pg_temp"] };
    expect(accessOf(catalog({ functions: [inPath, elsewhere] }), "intern")?.privileges).toEqual(["DELETE"]);
  });

  it("the owner of a function a queue trigger's function calls can change every writer's statement", () => {
    const stamp = fn(9, "jobs_stamp", "owner", "BEGIN NEW.handler := helpers.normalize(NEW.handler); RETURN NEW; END", {
      securityDefiner: false,
      trigger: true,
    });
    const normalize = fn(10, "normalize", "hooker", "SELECT h", {
      schema: "helpers",
      securityDefiner: false,
      language: "sql",
      args: "h text",
    });
    const trigger: PgTrigger = { name: "jobs_stamp", relation: JOBS, function: 9, events: ["INSERT"], timing: "BEFORE", enabled: true };
    const access = accessOf(catalog({ functions: [stamp, normalize], triggers: [trigger] }), "hooker");
    expect(access?.privileges).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE"]);
    expect(access?.paths.map((p) => p.text)).toEqual([
      "hooker -(owns function)-> helpers.normalize(h text) [trigger jobs_stamp BEFORE INSERT ON public.delayed_jobs -> public.jobs_stamp() -(calls)-> helpers.normalize(h text): runs in every such statement] -> SELECT, INSERT, UPDATE, DELETE",
    ]);
    // Owned by the table's owner: nothing beyond what it already holds.
    const own = { ...normalize, owner: oid("owner") };
    expect(accessOf(catalog({ functions: [stamp, own], triggers: [trigger] }), "hooker")).toBeUndefined();
  });

  it("a definer function running SQL built at run time may do all its owner can to a queue table, and says it was not resolved", () => {
    const purge = fn(5, "purge_table", "owner", "BEGIN EXECUTE format('DELETE FROM %I', t); END", {
      acl: grant("intern", "EXECUTE"),
      args: "t text",
    });
    const access = accessOf(catalog({ functions: [purge] }), "intern");
    expect(access?.privileges).toEqual(all);
    expect(access?.paths[0]).toMatchObject({
      source: "dynamic SQL definer function",
      text: `intern -(EXECUTE)-> public.purge_table(t text) [SECURITY DEFINER, owner owner; runs SQL built at run time (EXECUTE format('DELETE FROM %I', t); END): what it touches could not be resolved statically] -> ${all.join(", ")}`,
    });
    const perl = fn(6, "purge_perl", "owner", "spi_exec_query('DELETE FROM ' . $_[0]);", {
      language: "plperl",
      acl: grant("intern", "EXECUTE"),
    });
    expect(texts(catalog({ functions: [perl] }), "intern")[0]).toContain("body in plperl: the statements it runs are not read");
  });

  it("stays silent for dynamic SQL look-alikes: a constant statement, a bound value, an invoker function, an owner without access", () => {
    const cat = catalog({
      functions: [
        fn(5, "constant", "owner", "BEGIN EXECUTE 'TRUNCATE public.delayed_jobs_archive'; END", { acl: grant("intern", "EXECUTE") }),
        fn(6, "bound", "owner", "BEGIN EXECUTE format('DELETE FROM archive WHERE id = %L', id); END", { acl: grant("intern", "EXECUTE") }),
        fn(7, "invoker", "owner", "BEGIN EXECUTE format('DELETE FROM %I', t); END", {
          securityDefiner: false,
          acl: grant("intern", "EXECUTE"),
        }),
        fn(8, "nobodys", "nobody", "BEGIN EXECUTE format('DELETE FROM %I', t); END", { acl: grant("intern", "EXECUTE") }),
        fn(9, "grants", "owner", "BEGIN GRANT EXECUTE ON FUNCTION public.bound(bigint) TO x; END", { acl: grant("intern", "EXECUTE") }),
      ],
    });
    expect(accessOf(cat, "intern")).toBeUndefined();
  });
});

describe("routes through rules and triggers", () => {
  const cancellations: PgRelation = { ...view(7, "job_cancellations", "owner", []), relkind: "r", acl: grant("clerk", "INSERT") };

  it("a rule on another table writes the queue as that table's owner", () => {
    const rule: PgRule = {
      oid: 91,
      name: "cancel",
      relation: 7,
      event: "INSERT",
      instead: false,
      references: [JOBS],
      definition:
        "CREATE RULE cancel AS ON INSERT TO public.job_cancellations DO  DELETE FROM public.delayed_jobs WHERE (delayed_jobs.id = new.job_id);",
    };
    expect(texts(catalog({ relations: [cancellations], rules: [rule] }), "clerk")).toEqual([
      "clerk -(INSERT)-> rule cancel ON INSERT TO public.job_cancellations [DO ALSO, owner owner] -> SELECT, DELETE",
    ]);
  });

  it("a SECURITY DEFINER trigger function on another table writes the queue; an invoker one does not", () => {
    const trigger: PgTrigger = { name: "enqueue", relation: 7, function: 8, events: ["INSERT"], timing: "AFTER", enabled: true };
    const definer = fn(8, "enqueue", "owner", "INSERT INTO public.delayed_jobs (handler) VALUES ('x')", { trigger: true });
    expect(texts(catalog({ relations: [cancellations], functions: [definer], triggers: [trigger] }), "clerk")).toContain(
      "clerk -(INSERT)-> trigger enqueue ON public.job_cancellations -> public.enqueue() [SECURITY DEFINER, owner owner; body text names the table] -> INSERT",
    );
    const invoker = { ...definer, securityDefiner: false };
    expect(accessOf(catalog({ relations: [cancellations], functions: [invoker], triggers: [trigger] }), "clerk")).toBeUndefined();
    const disabled = { ...trigger, enabled: false };
    expect(accessOf(catalog({ relations: [cancellations], functions: [definer], triggers: [disabled] }), "clerk")).toBeUndefined();
  });

  describe("a SECURITY DEFINER trigger function on the queue table itself", () => {
    const trigger: PgTrigger = { name: "purge_old", relation: JOBS, function: 8, events: ["INSERT"], timing: "AFTER", enabled: true };
    const purge = fn(8, "purge_old", "owner", "DELETE FROM public.delayed_jobs WHERE run_at < now() - interval '30 days'", {
      trigger: true,
    });
    const writers = (functions: PgFunction[]) => {
      const cat = catalog({ functions, triggers: [trigger] });
      const jobs = cat.tables[0] as PgTable;
      jobs.acl = [...jobs.acl, ...grant("clerk", "INSERT")];
      return cat;
    };

    it("gives its writers what it does to the queue, as its owner", () => {
      const access = accessOf(writers([purge]), "clerk");
      expect(access?.privileges).toEqual(["INSERT", "DELETE"]);
      expect(access?.paths.find((p) => p.via?.startsWith("trigger purge_old"))?.source).toBe("definer trigger");
      expect(access?.paths.map((p) => p.text)).toContain(
        "clerk -(INSERT)-> trigger purge_old ON public.delayed_jobs -> public.purge_old() [SECURITY DEFINER, owner owner; body text names the table] -> DELETE",
      );
    });

    it("gives its writers all its owner holds when its search_path is theirs", () => {
      const access = accessOf(writers([{ ...purge, config: [] }]), "clerk");
      // The owner owns the table: everything, TRUNCATE and TRIGGER included.
      expect(access?.privileges).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]);
      expect(access?.paths.find((p) => p.via?.startsWith("trigger purge_old"))?.source).toBe("unsafe definer function");
      expect(access?.paths.map((p) => p.text)).toContain(
        "clerk -(INSERT)-> trigger purge_old ON public.delayed_jobs -> public.purge_old() [SECURITY DEFINER, owner owner; search_path not pinned (no SET search_path): it is the caller's: escalation to its owner] -> SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER",
      );
    });

    it("gives nothing to a role that may not fire it, nor through a disabled trigger or an invoker function", () => {
      expect(accessOf(writers([{ ...purge, config: [] }]), "intern")).toBeUndefined();
      const cat = writers([{ ...purge, config: [] }]);
      expect(accessOf({ ...cat, triggers: [{ ...trigger, enabled: false }] }, "clerk")?.privileges).toEqual(["INSERT"]);
      expect(accessOf(writers([{ ...purge, config: [], securityDefiner: false }]), "clerk")?.privileges).toEqual(["INSERT"]);
    });
  });

  it("the owner of a trigger function on the queue table can change every writer's statement", () => {
    const touch = fn(9, "touch", "hooker", "NEW.run_at := now();", { securityDefiner: false });
    const trigger: PgTrigger = {
      name: "touch",
      relation: JOBS,
      function: 9,
      events: ["INSERT", "UPDATE"],
      timing: "BEFORE",
      enabled: true,
    };
    const access = accessOf(catalog({ functions: [touch], triggers: [trigger] }), "hooker");
    expect(access?.privileges).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE"]);
    expect(access?.paths[0]?.text).toBe(
      "hooker -(owns function)-> public.touch() [trigger touch BEFORE INSERT OR UPDATE ON public.delayed_jobs: runs in every such statement] -> SELECT, INSERT, UPDATE, DELETE",
    );
  });
});

describe("routes through owners and server roles", () => {
  it("the database owner owns public through pg_database_owner and can drop the table", () => {
    const cat = catalog({ databaseOwner: oid("app") });
    expect(texts(cat, "app")).toEqual(["app -(owns database)-> pg_database_owner -(owns)-> schema public -> DROP"]);
    // A superuser database owner adds nothing (it holds everything already).
    expect(accessOf(catalog(), "app")).toBeUndefined();
  });

  it("REPLICATION, rds_replication and pg_read_server_files read every row; BYPASSRLS alone does not", () => {
    const cat = catalog({
      memberships: [
        { member: oid("rdsrepl"), role: oid("rds_replication"), admin: false, inherit: true, set: true },
        { member: oid("filer"), role: oid("pg_read_server_files"), admin: false, inherit: true, set: true },
      ],
    });
    expect(texts(cat, "repl")).toEqual(["repl: REPLICATION (reads every row by streaming or logical decoding)"]);
    expect(texts(cat, "rdsrepl")).toEqual(["rdsrepl -> rds_replication: SELECT"]);
    expect(texts(cat, "filer")).toEqual(["filer -> pg_read_server_files: SELECT"]);
    expect(accessOf(cat, "bypass")).toBeUndefined();
  });

  it("says that row-level security narrows a grant without removing the access", () => {
    const cat = catalog();
    const table = cat.tables[0];
    if (!table) throw new Error("fixture");
    table.rowSecurity = true;
    table.acl.push(...grant("analyst", "SELECT"));
    expect(texts(cat, "analyst")).toEqual(["analyst: SELECT (row-level security is on: policies may narrow the rows, the access stays)"]);
  });
});

describe("what a body does to a table", () => {
  it("recognises every spelling of the name and the statement before it", () => {
    expect(commandsOn("delete from DELAYED_JOBS", "public", "delayed_jobs")).toEqual(["DELETE"]);
    expect(commandsOn('INSERT INTO "public"."delayed_jobs" VALUES (1)', "public", "delayed_jobs")).toEqual(["INSERT"]);
    expect(commandsOn("UPDATE ONLY public . delayed_jobs SET x = 1", "public", "delayed_jobs")).toEqual(["UPDATE"]);
    expect(commandsOn("TRUNCATE a, delayed_jobs", "public", "delayed_jobs")).toEqual(["TRUNCATE"]);
    expect(commandsOn("SELECT count(*) FROM delayed_jobs", "public", "delayed_jobs")).toEqual(["SELECT"]);
  });

  it("does not confuse other names: another schema's table, a longer name, a different quoted case", () => {
    expect(commandsOn("DELETE FROM other.delayed_jobs", "public", "delayed_jobs")).toBeUndefined();
    expect(commandsOn("DELETE FROM delayed_jobs_archive", "public", "delayed_jobs")).toBeUndefined();
    expect(commandsOn('DELETE FROM "Delayed_jobs"', "public", "delayed_jobs")).toBeUndefined();
  });
});

describe("pg-unsafe-definer-function", () => {
  const ctx = (cat: PgCatalog): AuditContext =>
    context(
      config({
        postgres: [
          {
            name: "queue-db",
            tables: ["public.delayed_jobs"],
            owner: "owner",
            admins: [],
            principals: {},
            connection: { host: "db", database: "app", user: "queue_auditor", password: { iam: true } },
          },
        ],
      }),
      undefined,
      { postgres: [{ target: "queue-db", catalog: cat }] },
    );

  it("fails for an executable definer function without a pinned search_path, with a quoted fix", () => {
    const f = fn(5, "Job Stats", "owner", "SELECT 1", { config: [] });
    const [result] = pgUnsafeDefinerFunction.evaluate(ctx(catalog({ functions: [f] })));
    expect(result).toMatchObject({ status: "FAIL", subject: "public.Job Stats()", evidence: { executableBy: ["PUBLIC"] } });
    expect(result?.fix?.commands).toEqual([
      'ALTER FUNCTION public."Job Stats"() SET search_path = pg_catalog, pg_temp;',
      'REVOKE EXECUTE ON FUNCTION public."Job Stats"() FROM PUBLIC;',
    ]);
  });

  it("fails when pg_temp is not last or a schema others can create in is listed", () => {
    const tempFirst = fn(5, "a", "owner", "SELECT 1", { config: ["search_path=pg_temp, public"] });
    const writable: PgSchema = { name: "shared", found: true, oid: 3000, owner: oid("owner"), acl: grant("PUBLIC", "USAGE", "CREATE") };
    const open = fn(6, "b", "owner", "SELECT 1", { config: ['search_path="shared", pg_temp'] });
    const results = pgUnsafeDefinerFunction.evaluate(ctx(catalog({ functions: [tempFirst, open], namespaces: [writable] })));
    expect(results.map((r) => [r.subject, r.evidence.reason])).toEqual([
      ["public.a()", "search_path pg_temp, public puts pg_temp before public"],
      ["public.b()", "search_path shared, pg_temp includes schema shared, where PUBLIC can create objects"],
    ]);
  });

  describe("a definer trigger function", () => {
    const trigger: PgTrigger = {
      name: "stamp",
      relation: JOBS,
      function: 5,
      events: ["INSERT", "UPDATE"],
      timing: "BEFORE",
      enabled: true,
    };
    const stamp = fn(5, "stamp", "owner", "NEW.handler := btrim(NEW.handler); RETURN NEW;", { trigger: true, config: [] });
    /** The catalog with `writers` granted on the queue table besides its owner's grants. */
    const withWriters = (writers: PgAclItem[], triggers: PgTrigger[] = [trigger]) => {
      const cat = catalog({ functions: [stamp], triggers });
      const jobs = cat.tables[0] as PgTable;
      jobs.acl = [...jobs.acl, ...writers];
      return cat;
    };

    it("fails without a pinned search_path when another role may fire it, and revokes nothing", () => {
      const [result] = pgUnsafeDefinerFunction.evaluate(ctx(withWriters([...grant("clerk", "UPDATE"), ...grant("intern", "SELECT")])));
      expect(result).toMatchObject({
        status: "FAIL",
        subject: "public.stamp()",
        evidence: { firedBy: ["clerk"], triggers: ["trigger stamp BEFORE INSERT OR UPDATE ON public.delayed_jobs"] },
      });
      expect(result?.message).toContain("clerk can run their own code as owner");
      expect(result?.fix?.commands).toEqual(["ALTER FUNCTION public.stamp() SET search_path = pg_catalog, pg_temp;"]);
    });

    it("passes when only its owner may fire it, or its trigger is disabled", () => {
      expect(pgUnsafeDefinerFunction.evaluate(ctx(withWriters(grant("intern", "SELECT")))).map((r) => r.status)).toEqual(["PASS"]);
      const disabled = withWriters(grant("clerk", "UPDATE"), [{ ...trigger, enabled: false }]);
      expect(pgUnsafeDefinerFunction.evaluate(ctx(disabled)).map((r) => r.status)).toEqual(["PASS"]);
    });

    it("counts a role whose one grant holds the event among others, on a table other than the queue", () => {
      const events: PgRelation = { ...view(7, "job_events", "owner", []), relkind: "r", acl: grant("clerk", "SELECT", "INSERT") };
      const onEvents: PgTrigger = { ...trigger, relation: 7, events: ["INSERT"] };
      const pinned = fn(6, "other", "owner", "RETURN NEW;", { trigger: true });
      const otherTrigger: PgTrigger = { ...trigger, name: "other", function: 6 };
      const cat = catalog({ relations: [events], functions: [stamp, pinned], triggers: [onEvents, otherTrigger] });
      const [result] = pgUnsafeDefinerFunction.evaluate(ctx(cat));
      expect(result?.evidence).toMatchObject({ firedBy: ["clerk"], triggers: ["trigger stamp BEFORE INSERT ON public.job_events"] });
    });

    it("does not count its owner, the owner's members, roles that cannot log in, or superusers as firers", () => {
      const cat = withWriters(["clerk", "analyst", "reporter", "filer"].flatMap((r) => grant(r, "INSERT")));
      cat.memberships = [{ member: oid("analyst"), role: oid("owner"), admin: false, inherit: true, set: true }];
      cat.roles = cat.roles.map((r) => (r.name === "filer" ? { ...r, superuser: true } : r));
      const [result] = pgUnsafeDefinerFunction.evaluate(ctx(cat));
      expect(result?.evidence.firedBy).toEqual(["clerk"]);
    });

    it("is critical, and says so, when its owner is a superuser", () => {
      const cat = withWriters(grant("clerk", "INSERT"));
      cat.roles = cat.roles.map((r) => (r.name === "owner" ? { ...r, superuser: true } : r));
      const [result] = pgUnsafeDefinerFunction.evaluate(ctx(cat));
      expect(result).toMatchObject({ status: "FAIL", severity: "critical", evidence: { ownerSuperuser: "owner: superuser" } });
    });

    it("an event trigger function is fired by any role's DDL: PUBLIC, unless its event trigger is disabled", () => {
      const logDdl = fn(5, "log_ddl", "owner", "PERFORM lower(tg_tag);", {
        trigger: true,
        config: [],
        eventTriggers: [{ name: "log_ddl", event: "ddl_command_end", enabled: true }],
      });
      const [result] = pgUnsafeDefinerFunction.evaluate(ctx(catalog({ functions: [logDdl] })));
      expect(result).toMatchObject({
        status: "FAIL",
        evidence: { firedBy: ["PUBLIC"], triggers: ["event trigger log_ddl ON ddl_command_end"] },
      });
      expect(result?.message).toContain("every role that may run DDL (a temporary table is enough) can run their own code as owner");
      expect(result?.fix?.commands).toEqual(["ALTER FUNCTION public.log_ddl() SET search_path = pg_catalog, pg_temp;"]);
      const disabled = { ...logDdl, eventTriggers: [{ name: "log_ddl", event: "ddl_command_end", enabled: false }] };
      expect(pgUnsafeDefinerFunction.evaluate(ctx(catalog({ functions: [disabled] }))).map((r) => r.status)).toEqual(["PASS"]);
    });

    it("says PUBLIC once when every role may fire it", () => {
      const [result] = pgUnsafeDefinerFunction.evaluate(ctx(withWriters([...grant("PUBLIC", "INSERT"), ...grant("clerk", "INSERT")])));
      expect(result?.evidence.firedBy).toEqual(["PUBLIC", "clerk"]);
      expect(result?.message).toContain("every role (PUBLIC may write to its table) can run their own code as owner");
    });
  });

  it("passes pinned functions, functions nobody else may execute, and owners without access", () => {
    const pinned = fn(5, "a", "owner", "SELECT 1");
    const closed = fn(6, "b", "owner", "SELECT 1", { config: [], acl: grant("owner", "EXECUTE") });
    const harmless = fn(7, "c", "nobody", "SELECT 1", { config: [] });
    expect(pgUnsafeDefinerFunction.evaluate(ctx(catalog({ functions: [pinned, closed, harmless] }))).map((r) => r.status)).toEqual([
      "PASS",
    ]);
  });
});

describe("SQL quoting for fixes", () => {
  it("follows quote_ident: bare when plain lower case and not reserved", () => {
    expect(quoteIdent("delayed_jobs")).toBe("delayed_jobs");
    expect(quoteIdent("user")).toBe('"user"');
    expect(quoteIdent('We"ird')).toBe('"We""ird"');
    expect(parseSearchPath('"$user", public, "My Schema"')).toEqual(["$user", "public", "My Schema"]);
  });
});
