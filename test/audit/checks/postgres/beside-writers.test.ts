/**
 * Code that runs beside the queue's writers: a SECURITY INVOKER trigger function on another
 * relation (a view's INSTEAD OF one, a table's AFTER INSERT one) that enqueues a job runs with
 * the writer's rights, so every writer whose statement succeeds holds INSERT on the queue; the
 * owner of any function running in those statements (that trigger's, the relation's other
 * triggers', a view's column default) may replace its body and enqueue a job of its own
 * choosing through the next such write (found live by a review, helper-60). Built on the 5432
 * service (15) and an embedded PostgreSQL 18; each attack is done as the role, and the
 * look-alike, a trigger function on a table whose writers hold nothing on the queue, is done
 * too and gets nowhere.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresChecks } from "../../../../lib/audit/checks/postgres/index.js";
import type { PostgresTarget } from "../../../../lib/audit/config/schema.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { probePostgres } from "../../../../lib/audit/probes/postgres/index.js";
import { config, context } from "../../../support/builders.js";
import { auditRoleSql } from "../../../support/pgFixture.js";
import { createLoginRoles, dropRoles } from "../../../support/pgInheritance.js";
import { adminClient, inSession, loginClient, type PgServer, pgServersUnderTest } from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

const servers = await pgServersUnderTest();
const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
const NAMES = ["migrator", "worker", "helper", "stamper", "inviter", "auditlog", "bystander", "noter", "auditor"] as const;
type Name = (typeof NAMES)[number];
const EVIL = "--- !ruby/object:Evil";

for (const s of servers) {
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`code beside the queue's writers, on ${s.name}`, () => {
    const sfx = randomBytes(4).toString("hex");
    const role = Object.fromEntries(NAMES.map((n) => [n, `qw${sfx}_${n}`])) as Record<Name, string>;
    const database = `qw${sfx}_queue`;
    const password = randomBytes(12).toString("hex");
    const envName = `QW_PG_PW_${sfx.toUpperCase()}`;
    let server: PgServer;
    let results: CheckResult[] = [];

    const asAdmin = <T>(fn: (c: pg.Client) => Promise<T>, db = database) => inSession(adminClient(server, db), fn);
    const as = <T>(who: Name, fn: (c: pg.Client) => Promise<T>) => inSession(loginClient(server, role[who], password, database), fn);
    /** The jobs `who` enqueued of its own. */
    const evilJobs = async (who: Name) =>
      Number(
        (
          await asAdmin((c) =>
            c.query<{ n: string }>("SELECT count(*) AS n FROM public.delayed_jobs WHERE handler = $1", [`${EVIL} ${role[who]}`]),
          )
        ).rows[0]?.n,
      );
    /** The body `who` puts in place of its function: enqueue its own job, then behave. */
    const enqueueEvil = (who: Name, returns: string) =>
      `BEGIN INSERT INTO public.delayed_jobs (handler, queue) VALUES ('${EVIL} ${role[who]}', 'x'); RETURN ${returns}; END`;

    beforeAll(async () => {
      server = await s.start();
      await createLoginRoles(
        server,
        NAMES.filter((n) => n !== "auditor").map((n) => role[n]),
        password,
      );
      await asAdmin(async (c) => {
        await c.query(`CREATE DATABASE ${q(database)}`);
        for (const sql of auditRoleSql(role.auditor, password, database)) await c.query(sql);
      }, "postgres");
      const r = (n: Name) => q(role[n]);
      await asAdmin(async (c) => {
        for (const sql of [
          // The function owners may replace their functions' bodies (CREATE on the schema).
          "CREATE SCHEMA x",
          `GRANT USAGE, CREATE ON SCHEMA x TO ${[r("helper"), r("stamper"), r("inviter"), r("auditlog"), r("bystander")].join(", ")}`,
          `GRANT USAGE ON SCHEMA x TO ${r("worker")}, ${r("noter")}`,
          "CREATE TABLE public.delayed_jobs (id bigserial PRIMARY KEY, handler text NOT NULL, queue text)",
          `ALTER TABLE public.delayed_jobs OWNER TO ${r("migrator")}`,
          // A view the app enqueues through: its INSTEAD OF trigger inserts as the writer.
          "CREATE VIEW public.jobs_v AS SELECT id, handler, queue FROM public.delayed_jobs",
          `ALTER VIEW public.jobs_v OWNER TO ${r("migrator")}`,
          "CREATE FUNCTION x.enqueue_v() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.delayed_jobs (handler, queue) VALUES (NEW.handler, NEW.queue); RETURN NEW; END $f$",
          `ALTER FUNCTION x.enqueue_v() OWNER TO ${r("helper")}`,
          "CREATE TRIGGER jobs_v_insert INSTEAD OF INSERT ON public.jobs_v FOR EACH ROW EXECUTE FUNCTION x.enqueue_v()",
          "CREATE FUNCTION x.pick_queue() RETURNS text LANGUAGE plpgsql AS $f$ BEGIN RETURN 'default'; END $f$",
          `ALTER FUNCTION x.pick_queue() OWNER TO ${r("stamper")}`,
          "ALTER VIEW public.jobs_v ALTER COLUMN queue SET DEFAULT x.pick_queue()",
          // A security_invoker view: its automatic INSERT writes the queue as the writer, and its default runs as the writer.
          "CREATE VIEW public.jobs_si WITH (security_invoker) AS SELECT id, handler, queue FROM public.delayed_jobs",
          `ALTER VIEW public.jobs_si OWNER TO ${r("migrator")}`,
          "CREATE FUNCTION x.si_queue() RETURNS text LANGUAGE plpgsql AS $f$ BEGIN RETURN 'default'; END $f$",
          `ALTER FUNCTION x.si_queue() OWNER TO ${r("inviter")}`,
          "ALTER VIEW public.jobs_si ALTER COLUMN queue SET DEFAULT x.si_queue()",
          // A table whose AFTER INSERT trigger enqueues a job (as the writer), and a second,
          // harmless trigger beside it owned by someone else.
          "CREATE TABLE public.orders (id bigserial PRIMARY KEY, item text)",
          `ALTER TABLE public.orders OWNER TO ${r("migrator")}`,
          "CREATE FUNCTION x.enqueue_order() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.delayed_jobs (handler, queue) VALUES ('--- OrderJob', 'orders'); RETURN NULL; END $f$",
          `ALTER FUNCTION x.enqueue_order() OWNER TO ${r("migrator")}`,
          "CREATE TRIGGER orders_enqueue AFTER INSERT ON public.orders FOR EACH ROW EXECUTE FUNCTION x.enqueue_order()",
          "CREATE TABLE public.order_log (item text)",
          `ALTER TABLE public.order_log OWNER TO ${r("auditlog")}`,
          "CREATE FUNCTION x.log_order() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.order_log VALUES (NEW.item); RETURN NULL; END $f$",
          `ALTER FUNCTION x.log_order() OWNER TO ${r("auditlog")}`,
          "CREATE TRIGGER orders_log AFTER INSERT ON public.orders FOR EACH ROW EXECUTE FUNCTION x.log_order()",
          // The look-alike: a notes table whose trigger writes a log, not the queue; its
          // writer holds nothing on the queue.
          "CREATE TABLE public.notes (body text)",
          `ALTER TABLE public.notes OWNER TO ${r("migrator")}`,
          "CREATE TABLE public.note_log (body text)",
          `ALTER TABLE public.note_log OWNER TO ${r("bystander")}`,
          "CREATE FUNCTION x.log_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.note_log VALUES (NEW.body); RETURN NULL; END $f$",
          `ALTER FUNCTION x.log_note() OWNER TO ${r("bystander")}`,
          "CREATE TRIGGER notes_log AFTER INSERT ON public.notes FOR EACH ROW EXECUTE FUNCTION x.log_note()",
          `GRANT INSERT ON public.note_log TO ${r("noter")}`,
          `GRANT INSERT ON public.notes TO ${r("noter")}`,
          // The worker: the queue's privileges, and the ways in it enqueues through.
          `GRANT SELECT, INSERT, UPDATE, DELETE ON public.delayed_jobs TO ${r("worker")}`,
          `GRANT USAGE ON SEQUENCE public.delayed_jobs_id_seq TO ${r("worker")}`,
          `GRANT INSERT ON public.jobs_v, public.jobs_si, public.orders TO ${r("worker")}`,
          `GRANT USAGE ON SEQUENCE public.orders_id_seq TO ${r("worker")}`,
          `GRANT INSERT ON public.order_log TO ${r("worker")}`,
        ])
          await c.query(sql);
      });
      const target: PostgresTarget = {
        name: `beside-writers-${sfx}`,
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
        tables: ["public.delayed_jobs"],
        owner: role.migrator,
        admins: [server.adminUser],
        principals: { [role.worker]: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
      };
      const observations = await probePostgres([target], { credentials: { env: { [envName]: password } } });
      const ctx = context(config({ postgres: [target] }), undefined, { postgres: observations });
      results = postgresChecks.flatMap((c) => c.evaluate(ctx));
    });

    afterAll(async () => {
      if (!server) return;
      await asAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${q(database)} WITH (FORCE)`), "postgres");
      await dropRoles(
        server,
        NAMES.map((n) => role[n]),
      );
      await server.stop();
    });

    const unexpected = (who: Name) =>
      results.find((r) => r.checkId === "pg-unexpected-principal" && r.status === "FAIL" && r.subject === role[who]);
    const paths = (who: Name) => (unexpected(who)?.evidence.paths as string[] | undefined) ?? [];

    it("observes everything as the CONNECT-only audit role, with no ERROR", () => {
      expect(results.filter((r) => r.status === "ERROR")).toEqual([]);
    });

    it("the owner of a view's INSTEAD OF trigger function enqueues its own job through the worker's next INSERT into the view", async () => {
      await as("helper", async (c) => {
        await expect(c.query(`INSERT INTO public.delayed_jobs (handler) VALUES ('${EVIL}')`)).rejects.toMatchObject({ code: "42501" });
        await c.query(
          `CREATE OR REPLACE FUNCTION x.enqueue_v() RETURNS trigger LANGUAGE plpgsql AS $f$ ${enqueueEvil("helper", "NEW")} $f$`,
        );
      });
      await as("worker", (c) => c.query("INSERT INTO public.jobs_v (handler) VALUES ('--- MailJob')"));
      expect(await evilJobs("helper")).toBe(1);
      expect(unexpected("helper")?.evidence.privileges).toEqual(["INSERT"]);
      expect(paths("helper")).toContainEqual(
        expect.stringMatching(
          /owns function\)-> x\.enqueue_v\(\) \[trigger jobs_v_insert INSTEAD OF INSERT ON public\.jobs_v: runs as each INSERT writer there, who holds INSERT on public\.delayed_jobs \(its trigger jobs_v_insert runs x\.enqueue_v\(\), which does INSERT to it as the writer\)\] -> INSERT$/,
        ),
      );
    });

    it("the owner of a function in the view's column default does the same: the default runs as the writer too", async () => {
      await as("stamper", (c) =>
        c.query(
          `CREATE OR REPLACE FUNCTION x.pick_queue() RETURNS text LANGUAGE plpgsql AS $f$ ${enqueueEvil("stamper", "'default'")} $f$`,
        ),
      );
      await as("worker", (c) => c.query("INSERT INTO public.jobs_v (handler) VALUES ('--- MailJob')"));
      expect(await evilJobs("stamper")).toBe(1);
      expect(unexpected("stamper")?.evidence.privileges).toEqual(["INSERT"]);
      expect(paths("stamper")).toContainEqual(
        expect.stringMatching(
          /x\.pick_queue\(\) \[default of column queue of public\.jobs_v: runs as each INSERT writer there, who holds INSERT on public\.delayed_jobs \(its trigger jobs_v_insert/,
        ),
      );
    });

    it("the owner of a security_invoker view's default function does the same: the view's own INSERT writes the queue as the writer", async () => {
      await as("inviter", (c) =>
        c.query(`CREATE OR REPLACE FUNCTION x.si_queue() RETURNS text LANGUAGE plpgsql AS $f$ ${enqueueEvil("inviter", "'default'")} $f$`),
      );
      await as("worker", (c) => c.query("INSERT INTO public.jobs_si (handler) VALUES ('--- MailJob')"));
      expect(await evilJobs("inviter")).toBe(1);
      expect(unexpected("inviter")?.evidence.privileges).toEqual(["INSERT"]);
      expect(paths("inviter")).toContainEqual(
        expect.stringMatching(
          /x\.si_queue\(\) \[default of column queue of public\.jobs_si: .*\(a security_invoker view: its automatic INSERT writes it as the writer\)/,
        ),
      );
    });

    it("the owner of a harmless trigger beside a table's enqueuing one does the same through the worker's next order", async () => {
      await as("auditlog", (c) =>
        c.query(`CREATE OR REPLACE FUNCTION x.log_order() RETURNS trigger LANGUAGE plpgsql AS $f$ ${enqueueEvil("auditlog", "NULL")} $f$`),
      );
      await as("worker", (c) => c.query("INSERT INTO public.orders (item) VALUES ('book')"));
      expect(await evilJobs("auditlog")).toBe(1);
      expect(unexpected("auditlog")?.evidence.privileges).toEqual(["INSERT"]);
      expect(paths("auditlog")).toContainEqual(
        expect.stringMatching(
          /x\.log_order\(\) \[trigger orders_log AFTER INSERT ON public\.orders: runs as each INSERT writer there, who holds INSERT on public\.delayed_jobs \(its trigger orders_enqueue runs x\.enqueue_order\(\), which does INSERT to it as the writer\)/,
        ),
      );
    });

    it("the look-alike: the owner of a trigger function on a table whose writers hold nothing on the queue gets nowhere, and is not reported", async () => {
      await as("bystander", (c) =>
        c.query(`CREATE OR REPLACE FUNCTION x.log_note() RETURNS trigger LANGUAGE plpgsql AS $f$ ${enqueueEvil("bystander", "NULL")} $f$`),
      );
      await expect(as("noter", (c) => c.query("INSERT INTO public.notes VALUES ('hello')"))).rejects.toMatchObject({ code: "42501" });
      expect(await evilJobs("bystander")).toBe(0);
      expect(unexpected("bystander")).toBeUndefined();
      expect(unexpected("noter")).toBeUndefined();
    });
  });
}
