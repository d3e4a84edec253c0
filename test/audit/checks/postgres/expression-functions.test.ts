/**
 * The owners of the functions a queue's stored expressions call — column defaults, generated
 * columns, CHECK constraints (the table's and its columns' domains'), index expressions,
 * operators in them, row-level security policies — and of the functions those call. PostgreSQL
 * evaluates them inside the writers' (and, for policies, the readers') statements, as those
 * roles, so whoever owns one runs code as the workers. Built on the 5432 service (15) and an
 * embedded PostgreSQL 18: each owner replaces its function and a worker's ordinary statement
 * runs it; each look-alike is shown not to run in any statement on the queue, and stays silent.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresChecks } from "../../../../lib/audit/checks/postgres/index.js";
import type { PostgresTarget } from "../../../../lib/audit/config/schema.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { probePostgres } from "../../../../lib/audit/probes/postgres/index.js";
import type { PgCatalog } from "../../../../lib/audit/probes/postgres/types.js";
import { config, context } from "../../../support/builders.js";
import { auditRoleSql } from "../../../support/pgFixture.js";
import { adminClient, inSession, loginClient, type PgServer, pgServersUnderTest } from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

const servers = await pgServersUnderTest();

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
const NAMES = [
  "migrator",
  "worker",
  "web",
  "checker",
  "helper",
  "defaulter",
  "generator",
  "domainer",
  "indexer",
  "opper",
  "policer",
  "bystander",
  "dormant",
  "domdef",
  "tagger",
  "metaer",
  "ranger",
  "spanner",
  "statser",
  "ptrigger",
  "whener",
  "ruler",
  "op2",
  "op3",
  "parter",
  "lowdef",
  "inner",
  "inner2",
  "auditor",
] as const;
type Name = (typeof NAMES)[number];

/** Each owned function (a callee before its caller: SQL bodies are checked when created): its schema-qualified signature, what it returns in its harmless form, and that form. */
const FUNCTIONS: Record<string, { owner: Name; signature: string; returns: string; benign: string; value: string }> = {
  helper: { owner: "helper", signature: "x.audit_note()", returns: "boolean", benign: "SELECT true", value: "true" },
  checker: {
    owner: "checker",
    signature: "x.handler_ok(h text)",
    returns: "boolean",
    benign: "SELECT h <> '' AND x.audit_note()",
    value: "true",
  },
  defaulter: { owner: "defaulter", signature: "x.default_queue()", returns: "text", benign: "SELECT 'default'::text", value: "'default'" },
  generator: {
    owner: "generator",
    signature: "x.handler_class(h text)",
    returns: "text",
    benign: "SELECT split_part(h, ' ', 2)",
    value: "'Job'",
  },
  domainer: {
    owner: "domainer",
    signature: "x.priority_ok(p int)",
    returns: "boolean",
    benign: "SELECT p BETWEEN 0 AND 100",
    value: "true",
  },
  indexer: {
    owner: "indexer",
    signature: "x.run_day(t timestamptz)",
    returns: "date",
    benign: "SELECT (t AT TIME ZONE 'UTC')::date",
    value: "'2026-01-01'::date",
  },
  opper: { owner: "opper", signature: "x.same_handler(a text, b text)", returns: "boolean", benign: "SELECT a = b", value: "true" },
  policer: { owner: "policer", signature: "x.visible(i bigint)", returns: "boolean", benign: "SELECT i > 0", value: "true" },
  bystander: { owner: "bystander", signature: "x.archive_ok(h text)", returns: "boolean", benign: "SELECT true", value: "true" },
  dormant: { owner: "dormant", signature: "x.dormant_visible(i bigint)", returns: "boolean", benign: "SELECT true", value: "true" },
  domdef: { owner: "domdef", signature: "x.dom_default()", returns: "text", benign: "SELECT 'lane'::text", value: "'lane'" },
  tagger: { owner: "tagger", signature: "x.tag_ok(t text)", returns: "boolean", benign: "SELECT t <> ''", value: "true" },
  metaer: { owner: "metaer", signature: "x.meta_ok(t text)", returns: "boolean", benign: "SELECT t <> ''", value: "true" },
  ranger: {
    owner: "ranger",
    signature: "x.slot_diff(a int4, b int4)",
    returns: "float8",
    benign: "SELECT (a - b)::float8",
    value: "(a - b)::float8",
  },
  spanner: { owner: "spanner", signature: "x.small_ok(v int4)", returns: "boolean", benign: "SELECT v >= 0", value: "true" },
  statser: { owner: "statser", signature: "x.stat_key(h text)", returns: "text", benign: "SELECT lower(h)", value: "lower(h)" },
  whener: { owner: "whener", signature: "x.when_ok(h text)", returns: "boolean", benign: "SELECT true", value: "true" },
  ruler: { owner: "ruler", signature: "x.log_entry(h text)", returns: "text", benign: "SELECT h", value: "h" },
  op2: { owner: "op2", signature: "x.same2(a text, b text)", returns: "boolean", benign: "SELECT a = b", value: "true" },
  op3: { owner: "op3", signature: "x.same3(a text, b text)", returns: "boolean", benign: "SELECT a = b", value: "true" },
  parter: { owner: "parter", signature: "x.part_ok(h text)", returns: "boolean", benign: "SELECT true", value: "true" },
  inner: { owner: "inner", signature: "x.inner_ok(h text)", returns: "boolean", benign: "SELECT true", value: "true" },
  inner2: { owner: "inner2", signature: "x.inner2_ok(h text)", returns: "boolean", benign: "SELECT true", value: "true" },
};

for (const s of servers) {
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`functions in the queue's stored expressions on ${s.name}`, () => {
    const sfx = randomBytes(4).toString("hex");
    const role = Object.fromEntries(NAMES.map((n) => [n, `qx${sfx}_${n}`])) as Record<Name, string>;
    const database = `qx${sfx}_queue`;
    const password = randomBytes(12).toString("hex");
    const envName = `QX_PG_PW_${sfx.toUpperCase()}`;
    let server: PgServer;
    let results: CheckResult[] = [];
    let catalog: PgCatalog | undefined;

    const asAdmin = <T>(fn: (c: pg.Client) => Promise<T>, db = database) => inSession(adminClient(server, db), fn);
    const as = <T>(who: Name, fn: (c: pg.Client) => Promise<T>) => inSession(loginClient(server, role[who], password, database), fn);
    const refused = (who: Name, sql: string) =>
      as(who, (c) => c.query(sql)).then(
        () => undefined,
        (e: { code?: string }) => e.code,
      );
    /** Who ran each replaced function, and in which statement (the top-level query). */
    const loot = async (what: string) =>
      (await asAdmin((c) => c.query<{ who: string; query: string }>("SELECT who, query FROM public.loot WHERE what = $1", [what]))).rows;
    const define = (key: string, body: string) => {
      const f = FUNCTIONS[key] as (typeof FUNCTIONS)[string];
      return `CREATE OR REPLACE FUNCTION ${f.signature} RETURNS ${f.returns} LANGUAGE ${body === f.benign ? "sql IMMUTABLE" : "plpgsql VOLATILE"} AS $f$ ${body} $f$`;
    };
    /** The owner's replacement: note who runs it and in what, then answer as the harmless one did. */
    const hook = (key: string, extra = "") =>
      define(
        key,
        `BEGIN INSERT INTO public.loot VALUES (current_user, '${key}', current_query()); ${extra} RETURN ${(FUNCTIONS[key] as { value: string }).value}; END`,
      );
    const restore = (key: string) => asAdmin((c) => c.query(define(key, (FUNCTIONS[key] as { benign: string }).benign)));

    beforeAll(async () => {
      server = await s.start();
      const literal = (await asAdmin((c) => c.query<{ q: string }>("SELECT quote_literal($1) AS q", [password]), "postgres")).rows[0]?.q;
      await asAdmin(async (c) => {
        await c.query(`CREATE DATABASE ${q(database)}`);
        for (const n of NAMES) if (n !== "auditor") await c.query(`CREATE ROLE ${q(role[n])} LOGIN PASSWORD ${literal}`);
        for (const sql of auditRoleSql(role.auditor, password, database)) await c.query(sql);
      }, "postgres");
      const m = q(role.migrator);
      const everyone = NAMES.filter((n) => n !== "auditor")
        .map((n) => q(role[n]))
        .join(", ");
      await asAdmin(async (c) => {
        await c.query("CREATE SCHEMA x");
        await c.query(`GRANT USAGE, CREATE ON SCHEMA x TO ${everyone}`);
        for (const [key, f] of Object.entries(FUNCTIONS)) {
          await c.query(define(key, f.benign));
          await c.query(`ALTER FUNCTION ${f.signature} OWNER TO ${q(role[f.owner])}`);
        }
        for (const sql of [
          // The owners' drop box: anyone may add to it, only the admin reads it back here.
          "CREATE TABLE public.loot (who text, what text, query text)",
          "GRANT INSERT ON public.loot TO PUBLIC",
          `CREATE OPERATOR x.=== (LEFTARG = text, RIGHTARG = text, FUNCTION = x.same_handler)`,
          `ALTER OPERATOR x.=== (text, text) OWNER TO ${q(role.opper)}`,
          "CREATE OPERATOR x.##= (LEFTARG = text, RIGHTARG = text, FUNCTION = x.same2)",
          "CREATE OPERATOR x.#=# (LEFTARG = text, RIGHTARG = text, FUNCTION = x.same3)",
          // The table owner's own functions, whose bodies use another role's operator.
          "CREATE FUNCTION public.owner_check_sql(h text) RETURNS boolean LANGUAGE sql AS $f$ SELECT h OPERATOR(x.##=) h $f$",
          "CREATE FUNCTION public.owner_check_atomic(h text) RETURNS boolean LANGUAGE sql BEGIN ATOMIC SELECT h OPERATOR(x.#=#) h; END",
          `ALTER FUNCTION public.owner_check_sql(text) OWNER TO ${m}`,
          `ALTER FUNCTION public.owner_check_atomic(text) OWNER TO ${m}`,
          // SECURITY DEFINER checks: one of a role with no rights on the queue, one of the table's owner.
          "CREATE FUNCTION x.low_check(h text) RETURNS boolean LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$ SELECT x.inner_ok(h) $f$",
          `ALTER FUNCTION x.low_check(text) OWNER TO ${q(role.lowdef)}`,
          "CREATE FUNCTION public.own_check(h text) RETURNS boolean LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$ SELECT x.inner2_ok(h) $f$",
          `ALTER FUNCTION public.own_check(text) OWNER TO ${m}`,
          "CREATE FUNCTION public.noop_trg() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$",
          `ALTER FUNCTION public.noop_trg() OWNER TO ${m}`,
          "CREATE DOMAIN public.lane AS text DEFAULT x.dom_default()",
          "CREATE DOMAIN public.tag AS text CHECK (x.tag_ok(VALUE))",
          "CREATE DOMAIN public.meta_key AS text CHECK (x.meta_ok(VALUE))",
          "CREATE TYPE public.meta AS (k public.meta_key)",
          "CREATE TYPE public.slot_range AS RANGE (subtype = int4, subtype_diff = x.slot_diff)",
          "CREATE DOMAIN public.small_int AS int4 CHECK (x.small_ok(VALUE))",
          "CREATE TYPE public.small_range AS RANGE (subtype = public.small_int)",
          // The column's domain has no CHECK of its own; the domain it is based on has.
          `CREATE DOMAIN public.base_priority AS int CHECK (x.priority_ok(VALUE))`,
          "CREATE DOMAIN public.priority AS public.base_priority",
          `CREATE TABLE public.delayed_jobs (
             id bigserial PRIMARY KEY,
             handler text NOT NULL CHECK (x.handler_ok(handler)) CHECK (handler OPERATOR(x.===) handler) CHECK (length(handler) > 0),
             queue text DEFAULT x.default_queue(),
             handler_class text GENERATED ALWAYS AS (x.handler_class(handler)) STORED,
             priority public.priority DEFAULT 0,
             run_at timestamptz NOT NULL DEFAULT now(),
             attempts int NOT NULL DEFAULT 0,
             lane public.lane,
             -- Its own default wins over its domain's: the domain's function does not run.
             fixed_lane public.lane DEFAULT 'fixed',
             tags public.tag[],
             meta public.meta,
             CHECK (public.owner_check_sql(handler)),
             CHECK (public.owner_check_atomic(handler)),
             CHECK (x.low_check(handler)),
             CHECK (public.own_check(handler)))`,
          "CREATE TRIGGER jobs_when BEFORE UPDATE ON public.delayed_jobs FOR EACH ROW WHEN (x.when_ok(NEW.handler)) EXECUTE FUNCTION public.noop_trg()",
          "CREATE TABLE public.job_log (entry text)",
          `ALTER TABLE public.job_log OWNER TO ${m}`,
          "CREATE RULE jobs_log AS ON UPDATE TO public.delayed_jobs DO ALSO INSERT INTO public.job_log VALUES (x.log_entry(new.handler))",
          "CREATE INDEX delayed_jobs_run_day ON public.delayed_jobs (x.run_day(run_at))",
          "CREATE STATISTICS public.jobs_stat ON (x.stat_key(handler)), id FROM public.delayed_jobs",
          "CREATE INDEX delayed_jobs_priority ON public.delayed_jobs (priority) WHERE attempts < 5",
          `ALTER TABLE public.delayed_jobs OWNER TO ${m}`,
          `ALTER SEQUENCE public.delayed_jobs_id_seq OWNER TO ${m}`,
          "ALTER TABLE public.delayed_jobs ENABLE ROW LEVEL SECURITY",
          "CREATE POLICY jobs_visible ON public.delayed_jobs FOR SELECT USING (x.visible(id))",
          "CREATE POLICY jobs_insert ON public.delayed_jobs FOR INSERT WITH CHECK (true)",
          "CREATE POLICY jobs_update ON public.delayed_jobs FOR UPDATE USING (true)",
          "CREATE POLICY jobs_delete ON public.delayed_jobs FOR DELETE USING (true)",
          `GRANT SELECT, INSERT, UPDATE, DELETE ON public.delayed_jobs TO ${q(role.worker)}`,
          `GRANT SELECT, INSERT ON public.delayed_jobs TO ${q(role.web)}`,
          `GRANT USAGE ON SEQUENCE public.delayed_jobs_id_seq TO ${q(role.worker)}, ${q(role.web)}`,
          "INSERT INTO public.delayed_jobs (handler) SELECT '--- Job' FROM generate_series(1, 3)",
          // Look-alikes. A CHECK on another table: it runs in that table's writes only.
          "CREATE TABLE public.job_archive (id bigint, handler text CHECK (x.archive_ok(handler)))",
          `ALTER TABLE public.job_archive OWNER TO ${m}`,
          `GRANT SELECT, INSERT ON public.job_archive TO ${q(role.worker)}`,
          // A policy on a configured table whose row-level security is off: it never runs.
          "CREATE TABLE public.good_jobs (id bigint PRIMARY KEY, handler text, slot public.slot_range, span public.small_range)",
          "CREATE INDEX good_jobs_slot ON public.good_jobs USING gist (slot)",
          `ALTER TABLE public.good_jobs OWNER TO ${m}`,
          "CREATE POLICY dormant ON public.good_jobs USING (x.dormant_visible(id))",
          `GRANT SELECT, INSERT, UPDATE, DELETE ON public.good_jobs TO ${q(role.worker)}`,
          `GRANT SELECT, INSERT ON public.good_jobs TO ${q(role.web)}`,
          // Enough ranges for the GiST index to have inner pages, where an insert weighs subtrees.
          "INSERT INTO public.good_jobs SELECT g, '--- Job', public.slot_range(g, g + 1) FROM generate_series(1, 3000) g",
          // A partitioned queue whose default partition has a CHECK of its own.
          "CREATE TABLE public.pjobs (id bigint, handler text) PARTITION BY LIST (handler)",
          "CREATE TABLE public.pjobs_rest PARTITION OF public.pjobs DEFAULT",
          "ALTER TABLE public.pjobs_rest ADD CONSTRAINT pjobs_rest_ok CHECK (x.part_ok(handler))",
          // The partition's own trigger (not a copy of one on the partitioned table).
          "CREATE FUNCTION x.part_stamp() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$",
          `ALTER FUNCTION x.part_stamp() OWNER TO ${q(role.ptrigger)}`,
          "CREATE TRIGGER pjobs_rest_stamp BEFORE INSERT ON public.pjobs_rest FOR EACH ROW EXECUTE FUNCTION x.part_stamp()",
          `ALTER TABLE public.pjobs OWNER TO ${m}`,
          `ALTER TABLE public.pjobs_rest OWNER TO ${m}`,
          `GRANT SELECT, INSERT, UPDATE, DELETE ON public.pjobs TO ${q(role.worker)}`,
          `GRANT SELECT, INSERT ON public.pjobs TO ${q(role.web)}`,
        ])
          await c.query(sql);
      });
      const target: PostgresTarget = {
        name: `expressions-${sfx}`,
        connection: {
          host: server.host,
          port: server.port,
          database,
          user: role.auditor,
          password: { env: envName },
          tls: "disable",
          connectTimeoutSeconds: 5,
          statementTimeoutSeconds: 10,
        },
        tables: ["public.delayed_jobs", "public.good_jobs", "public.pjobs"],
        owner: role.migrator,
        admins: [server.adminUser],
        principals: { [role.worker]: ["SELECT", "INSERT", "UPDATE", "DELETE"], [role.web]: ["SELECT", "INSERT"] },
      };
      const observations = await probePostgres([target], { credentials: { env: { [envName]: password } } });
      catalog = observations[0]?.catalog;
      const ctx = context(config({ postgres: [target] }), undefined, { postgres: observations });
      results = postgresChecks.flatMap((c) => c.evaluate(ctx));
    });

    afterAll(async () => {
      if (!server) return;
      await asAdmin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${q(database)} WITH (FORCE)`);
        for (const n of NAMES) await c.query(`DROP ROLE IF EXISTS ${q(role[n])}`);
      }, "postgres");
      await server.stop();
    });

    const unexpected = (who: Name, table = "delayed_jobs") =>
      results.filter(
        (r) =>
          r.checkId === "pg-unexpected-principal" && r.status === "FAIL" && r.subject === role[who] && r.resource.id.endsWith(`.${table}`),
      );
    const paths = (r: CheckResult | undefined) => (r?.evidence.paths as string[] | undefined) ?? [];
    const only = (who: Name) => {
      const found = unexpected(who);
      expect(found).toHaveLength(1);
      return found[0] as CheckResult;
    };

    it("observes everything as the CONNECT-only audit role, with no ERROR", () => {
      expect(results.filter((r) => r.status === "ERROR")).toEqual([]);
    });

    it("reads each expression's functions outside the system schemas, once per expression", () => {
      const schemaOf = new Map(catalog?.functions?.map((f) => [f.oid, f.schema]));
      const calls = catalog?.expressionCalls ?? [];
      expect(calls.map((c) => `${c.kind} ${c.name} ${schemaOf.get(c.function)}`).sort()).toEqual([
        "check delayed_jobs_handler_check x",
        "check delayed_jobs_handler_check1 x",
        // owner_check_sql, owner_check_atomic, low_check, own_check: their callees are followed from them.
        "check delayed_jobs_handler_check3 public",
        "check delayed_jobs_handler_check4 public",
        "check delayed_jobs_handler_check5 x",
        "check delayed_jobs_handler_check6 public",
        // Every table's expressions are read, for the tables SECURITY DEFINER code writes: judged only there.
        "check job_archive_handler_check x",
        "check pjobs_rest_ok x",
        "default queue x",
        "domain check base_priority_check of domain public.base_priority on column priority x",
        "domain check meta_key_check of domain public.meta_key on column meta x",
        "domain check small_int_check of domain public.small_int on column span x",
        "domain check tag_check of domain public.tag on column tags x",
        "domain default public.lane on column lane x",
        "generated column handler_class x",
        "index delayed_jobs_run_day x",
        "policy jobs_visible x",
        "range type public.slot_range on column slot x",
        "rule jobs_log x",
        "statistics jobs_stat x",
        // The trigger's own function is the trigger-function-owner route's, not listed here.
        "trigger condition jobs_when x",
      ]);
    });

    it("the owner of a CHECK constraint's function deletes the queue's jobs through a worker's INSERT", async () => {
      expect(await refused("checker", "DELETE FROM public.delayed_jobs")).toBe("42501");
      await as("checker", (c) => c.query(hook("checker", "DELETE FROM public.delayed_jobs WHERE handler = '--- Job';")));
      try {
        await as("worker", (c) => c.query("INSERT INTO public.delayed_jobs (handler) VALUES ('--- Fresh')"));
      } finally {
        await restore("checker");
      }
      expect((await loot("checker")).map((r) => r.who)).toEqual([role.worker]);
      const left = await asAdmin((c) => c.query<{ handler: string }>("SELECT handler FROM public.delayed_jobs ORDER BY id"));
      expect(left.rows.map((r) => r.handler)).toEqual(["--- Fresh"]);
      const f = only("checker");
      expect(f.evidence.privileges).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE"]);
      expect(paths(f)).toEqual([
        `${role.checker} -(owns function)-> x.handler_ok(h text) [CHECK constraint delayed_jobs_handler_check ON public.delayed_jobs: runs in INSERT, UPDATE statements, as the role running them] -> SELECT, INSERT, UPDATE, DELETE`,
      ]);
    });

    it("the owner of a function that CHECK function calls runs in the same statements", async () => {
      await as("helper", (c) => c.query(hook("helper")));
      try {
        await as("worker", (c) => c.query("UPDATE public.delayed_jobs SET attempts = attempts + 1"));
      } finally {
        await restore("helper");
      }
      expect((await loot("helper")).map((r) => r.who)).toContain(role.worker);
      expect(paths(only("helper"))).toEqual([
        `${role.helper} -(owns function)-> x.audit_note() [CHECK constraint delayed_jobs_handler_check -> x.handler_ok(h text) -(calls)-> x.audit_note() ON public.delayed_jobs: runs in INSERT, UPDATE statements, as the role running them] -> SELECT, INSERT, UPDATE, DELETE`,
      ]);
    });

    it("the owners of a default's, a generated column's and a domain CHECK's functions run in a web INSERT", async () => {
      for (const key of ["defaulter", "generator", "domainer"] as const) await as(key, (c) => c.query(hook(key)));
      try {
        await as("web", (c) => c.query("INSERT INTO public.delayed_jobs (handler, priority) VALUES ('--- Web', 5)"));
      } finally {
        for (const key of ["defaulter", "generator", "domainer"]) await restore(key);
      }
      for (const key of ["defaulter", "generator", "domainer"] as const) {
        expect((await loot(key)).map((r) => r.who)).toContain(role.web);
        expect(only(key).evidence.privileges).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE"]);
      }
      expect(paths(only("defaulter"))[0]).toContain(
        "x.default_queue() [default of column queue ON public.delayed_jobs: runs in INSERT statements, as",
      );
      expect(paths(only("generator"))[0]).toContain(
        "x.handler_class(h text) [generated column handler_class ON public.delayed_jobs: runs in INSERT, UPDATE statements,",
      );
      expect(paths(only("domainer"))[0]).toContain(
        "x.priority_ok(p integer) [CHECK constraint base_priority_check of domain public.base_priority on column priority ON public.delayed_jobs: runs in INSERT, UPDATE statements,",
      );
    });

    it("the owner of a default's function rewrites another job's handler through a worker's INSERT: code execution on the workers", async () => {
      const victim = await asAdmin(async (c) => Number((await c.query("SELECT min(id) AS id FROM public.delayed_jobs")).rows[0].id));
      await as("defaulter", (c) =>
        c.query(hook("defaulter", `UPDATE public.delayed_jobs SET handler = '--- !ruby/object:Evil' WHERE id = ${victim};`)),
      );
      try {
        await as("worker", (c) => c.query("INSERT INTO public.delayed_jobs (handler) VALUES ('--- Carrier')"));
      } finally {
        await restore("defaulter");
      }
      const handler = await asAdmin(
        async (c) => (await c.query("SELECT handler FROM public.delayed_jobs WHERE id = $1", [victim])).rows[0]?.handler,
      );
      expect(handler).toBe("--- !ruby/object:Evil");
      const f = only("defaulter");
      expect(f.evidence.payloadColumns).toEqual(["handler"]);
      expect(f.severity).toBe("critical");
    });

    it("the owner of an index expression's IMMUTABLE function replaces it with a VOLATILE one that writes as the worker", async () => {
      await as("indexer", (c) => c.query(hook("indexer", "DELETE FROM public.delayed_jobs WHERE handler = '--- Web';")));
      try {
        await as("worker", (c) => c.query("INSERT INTO public.delayed_jobs (handler) VALUES ('--- Indexed')"));
      } finally {
        await restore("indexer");
      }
      expect((await loot("indexer")).map((r) => r.who)).toContain(role.worker);
      expect(await asAdmin(async (c) => (await c.query("SELECT 1 FROM public.delayed_jobs WHERE handler = '--- Web'")).rowCount)).toBe(0);
      expect(paths(only("indexer"))[0]).toContain(
        "x.run_day(t timestamp with time zone) [index delayed_jobs_run_day ON public.delayed_jobs: runs in INSERT, UPDATE statements, as",
      );
    });

    it("ANALYZE runs an index's and extended statistics' functions as the table's owner: their owners grant themselves the queue", async () => {
      const grab = (who: Name) =>
        `IF current_user = '${role.migrator}' THEN EXECUTE 'GRANT ALL ON public.delayed_jobs TO ${q(role[who])}'; END IF;`;
      for (const key of ["indexer", "statser"] as const) {
        expect(await refused(key, "SELECT handler FROM public.delayed_jobs")).toBe("42501");
        await as(key, (c) => c.query(hook(key, grab(key))));
      }
      try {
        // What autovacuum does on its own schedule; a superuser's ANALYZE runs as the owner too.
        await asAdmin((c) => c.query("ANALYZE public.delayed_jobs"));
        for (const key of ["indexer", "statser"] as const) {
          expect((await loot(key)).map((r) => r.who)).toContain(role.migrator);
          expect(await refused(key, "SELECT handler FROM public.delayed_jobs")).toBeUndefined();
        }
      } finally {
        for (const key of ["indexer", "statser"] as const) {
          await restore(key);
          await asAdmin((c) => c.query(`REVOKE ALL ON public.delayed_jobs FROM ${q(role[key])}`));
        }
      }
      const maintenance = `runs in ANALYZE, VACUUM (a BRIN index's summaries), VACUUM FULL, CLUSTER and REINDEX, autovacuum's included, as the table's owner ${role.migrator}]`;
      expect(paths(only("indexer"))).toContainEqual(
        expect.stringContaining(`x.run_day(t timestamp with time zone) [index delayed_jobs_run_day ON public.delayed_jobs: ${maintenance}`),
      );
      expect(only("indexer").evidence.privileges).toEqual(expect.arrayContaining(["TRUNCATE", "REFERENCES", "TRIGGER"]));
      expect(paths(only("statser"))).toEqual([
        expect.stringContaining(`x.stat_key(h text) [statistics jobs_stat ON public.delayed_jobs: ${maintenance}`),
      ]);
    });

    it("the owner of an operator's function in a CHECK runs in the worker's INSERT", async () => {
      await as("opper", (c) => c.query(hook("opper")));
      try {
        await as("worker", (c) => c.query("INSERT INTO public.delayed_jobs (handler) VALUES ('--- Op')"));
      } finally {
        await restore("opper");
      }
      expect((await loot("opper")).map((r) => r.who)).toContain(role.worker);
      expect(paths(only("opper"))[0]).toContain(
        "x.same_handler(a text, b text) [CHECK constraint delayed_jobs_handler_check1 ON public.delayed_jobs",
      );
    });

    it("the owner of a SELECT policy's function reads the jobs as every reader, and runs in the workers' UPDATEs", async () => {
      expect(await refused("policer", "SELECT handler FROM public.delayed_jobs")).toBe("42501");
      // Its own read of the queue runs the policy again: a session flag stops the recursion.
      const steal =
        "IF coalesce(current_setting('qx.in', true), '') = '' THEN PERFORM set_config('qx.in', 'y', false); " +
        "INSERT INTO public.loot SELECT 'stolen', handler, current_query() FROM public.delayed_jobs WHERE id = i; " +
        "PERFORM set_config('qx.in', '', false); END IF;";
      await as("policer", (c) => c.query(hook("policer", steal)));
      try {
        await as("web", (c) => c.query("SELECT count(*) FROM public.delayed_jobs"));
        await as("worker", (c) => c.query("UPDATE public.delayed_jobs SET attempts = 0 WHERE id > 0"));
      } finally {
        await restore("policer");
      }
      const ran = await loot("policer");
      expect(ran.some((r) => r.who === role.web && r.query.startsWith("SELECT"))).toBe(true);
      expect(ran.some((r) => r.who === role.worker && r.query.startsWith("UPDATE"))).toBe(true);
      expect(await asAdmin(async (c) => (await c.query("SELECT 1 FROM public.loot WHERE who = 'stolen'")).rowCount)).toBeGreaterThan(0);
      const f = only("policer");
      expect(f.evidence.privileges).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE"]);
      expect(paths(f)[0]).toContain(
        "x.visible(i bigint) [policy jobs_visible ON public.delayed_jobs: runs in SELECT, INSERT, UPDATE, DELETE statements, as the role running them]",
      );
    });

    it("a domain's default, an array of a domain and a composite's domain field run their owners' functions in a worker's INSERT", async () => {
      for (const key of ["domdef", "tagger", "metaer"] as const) await as(key, (c) => c.query(hook(key)));
      try {
        await as("worker", (c) => c.query("INSERT INTO public.delayed_jobs (handler, tags, meta) VALUES ('--- Typed', '{a,b}', ROW('k'))"));
      } finally {
        for (const key of ["domdef", "tagger", "metaer"]) await restore(key);
      }
      for (const key of ["domdef", "tagger", "metaer"] as const) expect((await loot(key)).map((r) => r.who)).toContain(role.worker);
      expect(paths(only("domdef"))[0]).toContain(
        "x.dom_default() [default of domain public.lane on column lane ON public.delayed_jobs: runs in INSERT statements,",
      );
      expect(paths(only("tagger"))[0]).toContain(
        "x.tag_ok(t text) [CHECK constraint tag_check of domain public.tag on column tags ON public.delayed_jobs",
      );
      expect(paths(only("metaer"))[0]).toContain(
        "x.meta_ok(t text) [CHECK constraint meta_key_check of domain public.meta_key on column meta ON public.delayed_jobs",
      );
    });

    it("a range type's subtype difference, and the CHECK of its subtype's domain, run in a worker's INSERT", async () => {
      for (const key of ["ranger", "spanner"] as const) await as(key, (c) => c.query(hook(key)));
      try {
        await as("worker", (c) =>
          c.query("INSERT INTO public.good_jobs VALUES (5001, '--- Slot', public.slot_range(90000, 90010), public.small_range(1, 5))"),
        );
      } finally {
        for (const key of ["ranger", "spanner"]) await restore(key);
      }
      for (const key of ["ranger", "spanner"] as const) expect((await loot(key)).map((r) => r.who)).toContain(role.worker);
      expect(unexpected("spanner", "good_jobs")).toHaveLength(1);
      const found = unexpected("ranger", "good_jobs");
      expect(found).toHaveLength(1);
      expect(paths(found[0])[0]).toContain(
        "x.slot_diff(a integer, b integer) [range type public.slot_range on column slot ON public.good_jobs: runs in INSERT, UPDATE statements,",
      );
    });

    it("a trigger's WHEN condition and a rule on the queue run their functions in a worker's UPDATE", async () => {
      for (const key of ["whener", "ruler"] as const) await as(key, (c) => c.query(hook(key)));
      try {
        await as("worker", (c) => c.query("UPDATE public.delayed_jobs SET attempts = attempts + 1 WHERE id > 0"));
      } finally {
        for (const key of ["whener", "ruler"]) await restore(key);
      }
      for (const key of ["whener", "ruler"] as const) expect((await loot(key)).map((r) => r.who)).toContain(role.worker);
      expect(paths(only("whener"))[0]).toContain(
        "x.when_ok(h text) [WHEN condition of trigger jobs_when ON public.delayed_jobs: runs in UPDATE statements,",
      );
      expect(paths(only("ruler"))[0]).toContain("x.log_entry(h text) [rule jobs_log ON public.delayed_jobs: runs in UPDATE statements,");
    });

    it("an operator in the table owner's SQL and BEGIN ATOMIC functions runs its owner's function in a worker's INSERT", async () => {
      for (const key of ["op2", "op3"] as const) await as(key, (c) => c.query(hook(key)));
      try {
        await as("worker", (c) => c.query("INSERT INTO public.delayed_jobs (handler) VALUES ('--- Ops')"));
      } finally {
        for (const key of ["op2", "op3"]) await restore(key);
      }
      for (const key of ["op2", "op3"] as const) expect((await loot(key)).map((r) => r.who)).toContain(role.worker);
      expect(paths(only("op2"))[0]).toMatch(
        /-> public\.owner_check_sql\(h text\) -\(calls\)-> x\.same2\(a text, b text\) ON public\.delayed_jobs: runs in INSERT, UPDATE/,
      );
      expect(paths(only("op3"))[0]).toMatch(
        /-> public\.owner_check_atomic\(h text\) -\(calls\)-> x\.same3\(a text, b text\) ON public\.delayed_jobs: runs in INSERT, UPDATE/,
      );
    });

    it("a partition's CHECK and its own trigger's function run in a write through the partitioned queue", async () => {
      await as("parter", (c) => c.query(hook("parter")));
      await as("ptrigger", (c) =>
        c.query(
          "CREATE OR REPLACE FUNCTION x.part_stamp() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.loot VALUES (current_user, 'ptrigger', current_query()); RETURN NEW; END $f$",
        ),
      );
      try {
        await as("worker", (c) => c.query("INSERT INTO public.pjobs VALUES (1, '--- Part')"));
      } finally {
        await restore("parter");
      }
      expect((await loot("parter")).map((r) => r.who)).toEqual([role.worker]);
      expect((await loot("ptrigger")).map((r) => r.who)).toEqual([role.worker]);
      const trigger = unexpected("ptrigger", "pjobs");
      expect(trigger).toHaveLength(1);
      expect(paths(trigger[0])).toEqual([
        `${role.ptrigger} -(owns function)-> x.part_stamp() [trigger pjobs_rest_stamp BEFORE INSERT ON public.pjobs_rest, under public.pjobs: runs in every such statement] -> SELECT, INSERT, UPDATE, DELETE`,
      ]);
      const found = unexpected("parter", "pjobs");
      expect(found).toHaveLength(1);
      expect(paths(found[0])[0]).toContain(
        "x.part_ok(h text) [CHECK constraint pjobs_rest_ok of public.pjobs_rest ON public.pjobs: runs in INSERT, UPDATE statements,",
      );
    });

    it("a function called through a SECURITY DEFINER check runs as that function's owner, with whatever that owner may do", async () => {
      // As the definer's owner, the callee's code may make the definer SECURITY INVOKER: the
      // next writer then runs it as itself. So it gets what the definer's owner gets.
      await as("inner", (c) =>
        c.query(hook("inner", `IF current_user = '${role.lowdef}' THEN ALTER FUNCTION x.low_check(text) SECURITY INVOKER; END IF;`)),
      );
      await as("inner2", (c) => c.query(hook("inner2", `GRANT ALL ON public.delayed_jobs TO ${q(role.inner2)};`)));
      try {
        await as("worker", (c) => c.query("INSERT INTO public.delayed_jobs (handler) VALUES ('--- Definer')"));
        await as("worker", (c) => c.query("INSERT INTO public.delayed_jobs (handler) VALUES ('--- Invoker')"));
        expect((await loot("inner")).map((r) => r.who)).toEqual([role.lowdef, role.worker]);
        expect((await loot("inner2")).map((r) => r.who)).toContain(role.migrator);
        expect(await refused("inner2", "TRUNCATE public.delayed_jobs")).toBeUndefined();
      } finally {
        await restore("inner");
        await restore("inner2");
        await asAdmin(async (c) => {
          await c.query("ALTER FUNCTION x.low_check(text) SECURITY DEFINER");
          await c.query(`REVOKE ALL ON public.delayed_jobs FROM ${q(role.inner2)}`);
          await c.query("INSERT INTO public.delayed_jobs (handler) VALUES ('--- Job')");
        });
      }
      expect(only("lowdef").evidence.privileges).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE"]);
      const low = only("inner");
      expect(low.evidence.privileges).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE"]);
      expect(paths(low)).toEqual([
        `${role.inner} -(owns function)-> x.inner_ok(h text) [CHECK constraint delayed_jobs_handler_check5 -> x.low_check(h text) -(calls)-> x.inner_ok(h text) ON public.delayed_jobs: runs in INSERT, UPDATE statements, as the role running them (its code runs as the SECURITY DEFINER caller's owner ${role.lowdef}, who may make the caller SECURITY INVOKER)] -> SELECT, INSERT, UPDATE, DELETE`,
      ]);
      const f = only("inner2");
      // Everything the table's owner holds (18 adds MAINTAIN).
      expect(f.evidence.privileges).toEqual(
        expect.arrayContaining(["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]),
      );
      expect(paths(f)).toContainEqual(
        expect.stringContaining(
          `x.inner2_ok(h text) [called by public.own_check(h text) -(calls)-> x.inner2_ok(h text): runs as the SECURITY DEFINER caller's owner ${role.migrator} whenever it is called] -> SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER`,
        ),
      );
    });

    it("look-alikes stay silent: a CHECK on another table, a policy while row-level security is off, built-in and owner's functions", async () => {
      await as("bystander", (c) => c.query(hook("bystander")));
      await as("dormant", (c) => c.query(hook("dormant")));
      try {
        await as("worker", async (c) => {
          await c.query("INSERT INTO public.delayed_jobs (handler) VALUES ('--- Quiet')");
          await c.query("SELECT * FROM public.good_jobs");
          await c.query("UPDATE public.good_jobs SET handler = handler WHERE id = 1");
        });
        expect(await loot("bystander")).toEqual([]);
        expect(await loot("dormant")).toEqual([]);
        // The archive's CHECK does run, in the archive's own writes.
        await as("worker", (c) => c.query("INSERT INTO public.job_archive VALUES (1, '--- Old')"));
        expect((await loot("bystander")).map((r) => r.who)).toEqual([role.worker]);
      } finally {
        await restore("bystander");
        await restore("dormant");
      }
      expect(unexpected("bystander")).toEqual([]);
      expect(unexpected("dormant")).toEqual([]);
      expect(unexpected("dormant", "good_jobs")).toEqual([]);
      expect(unexpected("migrator")).toEqual([]);
      // length() in the third CHECK is the bootstrap superuser's: no route, and nothing else is reported.
      // Of this fixture's roles (the service has superusers of its own, reported as it should).
      const reported = results
        .filter((r) => r.checkId === "pg-unexpected-principal" && r.status === "FAIL" && r.subject?.startsWith(`qx${sfx}_`))
        .map((r) => r.subject);
      // Every other role of the fixture is an attacker the tool must name.
      const silent: readonly Name[] = ["migrator", "worker", "web", "bystander", "dormant", "auditor"];
      expect([...new Set(reported)].sort()).toEqual(
        NAMES.filter((n) => !silent.includes(n))
          .map((n) => role[n])
          .sort(),
      );
    });
  });
}
