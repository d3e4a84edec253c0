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
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { auditLive, closeLiveDatabase, openLiveDatabase } from "../../../support/pgLiveAudit.js";
import { adminClient, inSession, loginClient, type PgServer, pgServersUnderTest } from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

const servers = await pgServersUnderTest();
const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
const NAMES = [
  "migrator",
  "worker",
  "clerk",
  "helper",
  "stamper",
  "inviter",
  "auditlog",
  "vdef",
  "casc",
  "down",
  "sivia",
  "partrow",
  "ruler",
  "insteadv",
  "branchy",
  "genside",
  "whenside",
  "vstmt",
  "tgnote",
  "rua",
  "rvd",
  "ups",
  "mrg",
  "trn",
  "spn",
  "fkn",
  "fkowner",
  "upv",
  "rul9",
  "p7n",
  "p8n",
  "bystander",
  "noter",
  "auditor",
] as const;
/** Owners of functions that run beside the writers: each may replace its own. */
const OWNERS = NAMES.filter((n) => !["migrator", "worker", "clerk", "fkowner", "noter", "auditor"].includes(n));
type Name = (typeof NAMES)[number];
const EVIL = "--- !ruby/object:Evil";

for (const s of servers) {
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`code beside the queue's writers, on ${s.name}`, () => {
    const sfx = randomBytes(4).toString("hex");
    const role = Object.fromEntries(NAMES.map((n) => [n, `qw${sfx}_${n}`])) as Record<Name, string>;
    const database = `qw${sfx}_queue`;
    const password = randomBytes(12).toString("hex");
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
    /** `sql` (a COPY … FROM STDIN) as `who`, through psql: the pg client has no COPY stream of its own. */
    const copyAs = (who: Name, sql: string, input: string) =>
      execFileSync(
        "psql",
        ["-h", server.host, "-p", String(server.port), "-U", role[who], "-d", database, "-v", "ON_ERROR_STOP=1", "-qc", sql],
        {
          input,
          env: { ...process.env, PGPASSWORD: password },
          stdio: ["pipe", "ignore", "pipe"],
        },
      );
    /** The body `who` puts in place of its function: enqueue its own job, then behave. */
    const enqueueEvil = (who: Name, returns: string) =>
      `BEGIN INSERT INTO public.delayed_jobs (handler, queue) VALUES ('${EVIL} ${role[who]}', 'x'); RETURN ${returns}; END`;

    beforeAll(async () => {
      server = await s.start();
      await openLiveDatabase(
        server,
        database,
        NAMES.filter((n) => n !== "auditor").map((n) => role[n]),
        role.auditor,
        password,
      );
      const r = (n: Name) => q(role[n]);
      await asAdmin(async (c) => {
        for (const sql of [
          // The function owners may replace their functions' bodies (CREATE on the schema).
          "CREATE SCHEMA x",
          `GRANT USAGE, CREATE ON SCHEMA x TO ${OWNERS.map(r).join(", ")}`,
          `GRANT USAGE ON SCHEMA x TO ${r("worker")}, ${r("noter")}, ${r("clerk")}`,
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
          // Found by a review (helper-61), each a statement that runs code beside the writer:
          // a default of an auto-updatable view over the orders table (its trigger enqueues),
          "CREATE VIEW public.orders_v AS SELECT id, item FROM public.orders",
          `ALTER VIEW public.orders_v OWNER TO ${r("migrator")}`,
          "CREATE FUNCTION x.v_item() RETURNS text LANGUAGE plpgsql AS $f$ BEGIN RETURN 'item'; END $f$",
          `ALTER FUNCTION x.v_item() OWNER TO ${r("vdef")}`,
          "ALTER VIEW public.orders_v ALTER COLUMN item SET DEFAULT x.v_item()",
          // a trigger beside one whose write into a staging table fires the enqueuing trigger there,
          "CREATE TABLE public.items (item text)",
          "CREATE TABLE public.staging (item text)",
          "CREATE FUNCTION x.items_stage() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.staging VALUES (NEW.item); RETURN NULL; END $f$",
          "CREATE TRIGGER items_stage AFTER INSERT ON public.items FOR EACH ROW EXECUTE FUNCTION x.items_stage()",
          "CREATE FUNCTION x.stage_enqueue() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.delayed_jobs (handler) VALUES ('--- StageJob'); RETURN NULL; END $f$",
          "CREATE TRIGGER stage_enqueue AFTER INSERT ON public.staging FOR EACH ROW EXECUTE FUNCTION x.stage_enqueue()",
          "CREATE FUNCTION x.items_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.items_note() OWNER TO ${r("casc")}`,
          "CREATE TRIGGER items_note AFTER INSERT ON public.items FOR EACH ROW EXECUTE FUNCTION x.items_note()",
          // a trigger on a table the orders' own third trigger writes,
          "CREATE TABLE public.order_audit (item text)",
          "CREATE FUNCTION x.order_audit() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.order_audit VALUES (NEW.item); RETURN NULL; END $f$",
          "CREATE TRIGGER orders_audit AFTER INSERT ON public.orders FOR EACH ROW EXECUTE FUNCTION x.order_audit()",
          "CREATE FUNCTION x.audit_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.audit_hook() OWNER TO ${r("down")}`,
          "CREATE TRIGGER audit_hook AFTER INSERT ON public.order_audit FOR EACH ROW EXECUTE FUNCTION x.audit_hook()",
          // a trigger beside one that enqueues through the security_invoker view,
          "CREATE TABLE public.tasks (item text)",
          "CREATE FUNCTION x.task_enqueue() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.jobs_si (handler) VALUES ('--- TaskJob'); RETURN NULL; END $f$",
          "CREATE TRIGGER task_enqueue AFTER INSERT ON public.tasks FOR EACH ROW EXECUTE FUNCTION x.task_enqueue()",
          "CREATE FUNCTION x.task_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.task_note() OWNER TO ${r("sivia")}`,
          "CREATE TRIGGER task_note AFTER INSERT ON public.tasks FOR EACH ROW EXECUTE FUNCTION x.task_note()",
          // and a partition's own row trigger under its partitioned table's enqueuing statement trigger.
          "CREATE TABLE public.ppar (k int, item text) PARTITION BY LIST (k)",
          "CREATE TABLE public.ppar_1 PARTITION OF public.ppar FOR VALUES IN (1)",
          "CREATE FUNCTION x.ppar_enqueue() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.delayed_jobs (handler) VALUES ('--- BatchJob'); RETURN NULL; END $f$",
          "CREATE TRIGGER ppar_enqueue AFTER INSERT ON public.ppar FOR EACH STATEMENT EXECUTE FUNCTION x.ppar_enqueue()",
          "CREATE FUNCTION x.p1_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.p1_note() OWNER TO ${r("partrow")}`,
          "CREATE TRIGGER p1_note AFTER INSERT ON public.ppar_1 FOR EACH ROW EXECUTE FUNCTION x.p1_note()",
          // Look-alikes the same review found reported, where a writer holding nothing on the
          // queue writes: an unconditional INSTEAD rule takes the event (no trigger fires),
          "CREATE TABLE public.ruled (item text)",
          "CREATE TABLE public.ruled_sink (item text)",
          "CREATE FUNCTION x.ruled_enqueue() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.delayed_jobs (handler) VALUES ('--- RuledJob'); RETURN NULL; END $f$",
          "CREATE TRIGGER ruled_enqueue AFTER INSERT ON public.ruled FOR EACH ROW EXECUTE FUNCTION x.ruled_enqueue()",
          "CREATE FUNCTION x.ruled_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.ruled_note() OWNER TO ${r("ruler")}`,
          "CREATE TRIGGER ruled_note AFTER INSERT ON public.ruled FOR EACH ROW EXECUTE FUNCTION x.ruled_note()",
          "CREATE RULE ruled_r AS ON INSERT TO public.ruled DO INSTEAD INSERT INTO public.ruled_sink VALUES (NEW.item)",
          // a DO INSTEAD NOTHING rule beside a view's INSTEAD OF trigger,
          "CREATE VIEW public.jobs_v2 AS SELECT id, handler FROM public.delayed_jobs",
          "CREATE FUNCTION x.enqueue_v2() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.delayed_jobs (handler) VALUES (NEW.handler); RETURN NEW; END $f$",
          `ALTER FUNCTION x.enqueue_v2() OWNER TO ${r("insteadv")}`,
          "CREATE TRIGGER jobs_v2_insert INSTEAD OF INSERT ON public.jobs_v2 FOR EACH ROW EXECUTE FUNCTION x.enqueue_v2()",
          "CREATE RULE jobs_v2_nothing AS ON INSERT TO public.jobs_v2 DO INSTEAD NOTHING",
          // a trigger on INSERT OR DELETE whose function deletes jobs on DELETE alone (TG_OP),
          "CREATE TABLE public.shipments (item text)",
          "CREATE FUNCTION x.ship_sync() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN IF upper(TG_OP) = 'DELETE' THEN DELETE FROM public.delayed_jobs WHERE handler = OLD.item; END IF; RETURN NULL; END $f$",
          "CREATE TRIGGER ship_sync AFTER INSERT OR DELETE ON public.shipments FOR EACH ROW EXECUTE FUNCTION x.ship_sync()",
          "CREATE FUNCTION x.ship_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.ship_note() OWNER TO ${r("branchy")}`,
          "CREATE TRIGGER ship_note AFTER INSERT ON public.shipments FOR EACH ROW EXECUTE FUNCTION x.ship_note()",
          // a generated column whose function enqueues, which an UPDATE of another column leaves alone,
          "CREATE FUNCTION x.gen_enqueue() RETURNS void LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.delayed_jobs (handler) VALUES ('--- GenJob'); END $f$",
          "CREATE FUNCTION x.gen_fn(a int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $f$ BEGIN PERFORM x.gen_enqueue(); RETURN a; END $f$",
          "CREATE TABLE public.gen_t (a int, b int, g int GENERATED ALWAYS AS (x.gen_fn(a)) STORED)",
          "CREATE FUNCTION x.gen_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.gen_note() OWNER TO ${r("genside")}`,
          "CREATE TRIGGER gen_note AFTER UPDATE ON public.gen_t FOR EACH ROW EXECUTE FUNCTION x.gen_note()",
          // and an enqueuing trigger with a WHEN condition.
          "CREATE TABLE public.cond_t (v int)",
          "CREATE FUNCTION x.cond_enqueue() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.delayed_jobs (handler) VALUES ('--- CondJob'); RETURN NULL; END $f$",
          "CREATE TRIGGER cond_enqueue AFTER INSERT ON public.cond_t FOR EACH ROW WHEN (NEW.v > 0) EXECUTE FUNCTION x.cond_enqueue()",
          "CREATE FUNCTION x.cond_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.cond_note() OWNER TO ${r("whenside")}`,
          "CREATE TRIGGER cond_note AFTER INSERT ON public.cond_t FOR EACH ROW EXECUTE FUNCTION x.cond_note()",
          // A statement trigger on the security_invoker view: its automatic INSERT fires the base table's, not this one.
          "CREATE FUNCTION x.vstmt_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.vstmt_note() OWNER TO ${r("vstmt")}`,
          "CREATE TRIGGER jobs_si_stmt AFTER INSERT ON public.jobs_si FOR EACH STATEMENT EXECUTE FUNCTION x.vstmt_note()",
          // A two-event enqueuing trigger that names TG_OP without testing it (found by a second review).
          "CREATE TABLE public.tg (v int)",
          "CREATE FUNCTION x.enq_tgop() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RAISE DEBUG 'tg_op = %', TG_OP; INSERT INTO public.delayed_jobs (handler) VALUES ('--- TgJob'); RETURN NULL; END $f$",
          "CREATE TRIGGER tg_enq AFTER INSERT OR UPDATE ON public.tg FOR EACH ROW EXECUTE FUNCTION x.enq_tgop()",
          "CREATE FUNCTION x.tg_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.tg_note() OWNER TO ${r("tgnote")}`,
          "CREATE TRIGGER tg_note AFTER INSERT ON public.tg FOR EACH ROW EXECUTE FUNCTION x.tg_note()",
          // Found by a third review (helper-64): an INSTEAD rule's actions, a view's default under
          // an INSTEAD rule, an upsert, a MERGE, a TRUNCATE of several tables, and (silent) a
          // function whose pinned search_path makes its unqualified delayed_jobs another table.
          "CREATE FUNCTION x.enq() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.delayed_jobs (handler) VALUES ('--- Job ' || TG_TABLE_NAME); RETURN NULL; END $f$",
          "CREATE TABLE public.ru_t (id int)",
          "CREATE TABLE public.ru_a (id int)",
          "CREATE TABLE public.ru_b (id int)",
          "CREATE TRIGGER ru_a_enq AFTER INSERT ON public.ru_a FOR EACH ROW EXECUTE FUNCTION x.enq()",
          "CREATE FUNCTION x.ru_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.ru_note() OWNER TO ${r("rua")}`,
          "CREATE TRIGGER ru_b_note AFTER INSERT ON public.ru_b FOR EACH ROW EXECUTE FUNCTION x.ru_note()",
          "CREATE RULE ru_r AS ON INSERT TO public.ru_t DO INSTEAD (INSERT INTO public.ru_a VALUES (NEW.id); INSERT INTO public.ru_b VALUES (NEW.id))",
          "CREATE TABLE public.rv_t (id int, tag text)",
          "CREATE TRIGGER rv_t_enq AFTER INSERT ON public.rv_t FOR EACH ROW EXECUTE FUNCTION x.enq()",
          "CREATE VIEW public.rv AS SELECT id, tag FROM public.rv_t",
          "CREATE RULE rv_ins AS ON INSERT TO public.rv DO INSTEAD INSERT INTO public.rv_t VALUES (NEW.id, NEW.tag)",
          "CREATE FUNCTION x.rv_def() RETURNS text LANGUAGE plpgsql AS $f$ BEGIN RETURN 'tag'; END $f$",
          `ALTER FUNCTION x.rv_def() OWNER TO ${r("rvd")}`,
          "ALTER VIEW public.rv ALTER COLUMN tag SET DEFAULT x.rv_def()",
          "CREATE TABLE public.up_t (id int PRIMARY KEY, v int)",
          "CREATE TRIGGER up_t_enq AFTER INSERT ON public.up_t FOR EACH ROW EXECUTE FUNCTION x.enq()",
          "CREATE FUNCTION x.up_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.up_note() OWNER TO ${r("ups")}`,
          "CREATE TRIGGER up_t_note AFTER UPDATE ON public.up_t FOR EACH STATEMENT EXECUTE FUNCTION x.up_note()",
          "CREATE TABLE public.mg_t (id int PRIMARY KEY, v int)",
          "CREATE TRIGGER mg_t_enq AFTER INSERT ON public.mg_t FOR EACH ROW EXECUTE FUNCTION x.enq()",
          "CREATE FUNCTION x.mg_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.mg_note() OWNER TO ${r("mrg")}`,
          "CREATE TRIGGER mg_t_note AFTER UPDATE ON public.mg_t FOR EACH ROW EXECUTE FUNCTION x.mg_note()",
          "INSERT INTO public.mg_t VALUES (1, 0)",
          "CREATE TABLE public.tr_a (id int)",
          "CREATE TABLE public.tr_b (id int)",
          "CREATE TRIGGER tr_a_enq AFTER TRUNCATE ON public.tr_a FOR EACH STATEMENT EXECUTE FUNCTION x.enq()",
          "CREATE FUNCTION x.tr_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.tr_note() OWNER TO ${r("trn")}`,
          "CREATE TRIGGER tr_b_note AFTER TRUNCATE ON public.tr_b FOR EACH STATEMENT EXECUTE FUNCTION x.tr_note()",
          "CREATE SCHEMA y",
          "CREATE TABLE y.delayed_jobs (handler text)",
          "CREATE TABLE public.sp_t (v int)",
          "CREATE FUNCTION x.sp_log() RETURNS trigger LANGUAGE plpgsql SET search_path = y AS $f$ BEGIN INSERT INTO delayed_jobs (handler) VALUES ('log'); RETURN NULL; END $f$",
          "CREATE TRIGGER sp_log AFTER INSERT ON public.sp_t FOR EACH ROW EXECUTE FUNCTION x.sp_log()",
          "CREATE FUNCTION x.sp_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.sp_note() OWNER TO ${r("spn")}`,
          "CREATE TRIGGER sp_note AFTER INSERT ON public.sp_t FOR EACH ROW EXECUTE FUNCTION x.sp_note()",
          // A key's cascade: before 16 it fires the referencing table's AFTER triggers as the writer.
          "CREATE TABLE public.fk_p (id int PRIMARY KEY)",
          "CREATE TRIGGER fk_p_enq AFTER DELETE ON public.fk_p FOR EACH ROW EXECUTE FUNCTION x.enq()",
          "CREATE TABLE public.fk_c (id int REFERENCES public.fk_p ON DELETE CASCADE)",
          `ALTER TABLE public.fk_c OWNER TO ${r("fkowner")}`,
          "CREATE FUNCTION x.fk_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.fk_note() OWNER TO ${r("fkn")}`,
          "CREATE TRIGGER fk_c_note AFTER DELETE ON public.fk_c FOR EACH ROW EXECUTE FUNCTION x.fk_note()",
          "INSERT INTO public.fk_p VALUES (1)",
          "INSERT INTO public.fk_c VALUES (1)",
          `GRANT SELECT, DELETE ON public.fk_p TO ${r("worker")}`,
          // Found by a fifth review (helper-65): an upsert through an auto-updatable view whose
          // base table's UPDATE trigger enqueues, and (silent) an upsert or MERGE into a table
          // with rules, which PostgreSQL refuses.
          "CREATE TABLE public.s6_t (id int PRIMARY KEY, v text)",
          "CREATE TRIGGER s6_t_enq AFTER UPDATE ON public.s6_t FOR EACH ROW EXECUTE FUNCTION x.enq()",
          "CREATE VIEW public.s6_v AS SELECT id, v FROM public.s6_t",
          "CREATE FUNCTION x.s6_def() RETURNS text LANGUAGE plpgsql AS $f$ BEGIN RETURN 'v'; END $f$",
          `ALTER FUNCTION x.s6_def() OWNER TO ${r("upv")}`,
          "ALTER VIEW public.s6_v ALTER COLUMN v SET DEFAULT x.s6_def()",
          "INSERT INTO public.s6_t VALUES (1, 'a')",
          `GRANT SELECT, INSERT, UPDATE ON public.s6_v TO ${r("worker")}`,
          "CREATE TABLE public.s7_t (id int PRIMARY KEY, v int)",
          "CREATE TABLE public.s7_log (id int)",
          "CREATE TRIGGER s7_log_enq AFTER INSERT ON public.s7_log FOR EACH ROW EXECUTE FUNCTION x.enq()",
          "CREATE RULE s7_r AS ON INSERT TO public.s7_t DO ALSO INSERT INTO public.s7_log VALUES (NEW.id)",
          "CREATE FUNCTION x.s7_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.s7_note() OWNER TO ${r("rul9")}`,
          "CREATE TRIGGER s7_t_note AFTER UPDATE ON public.s7_t FOR EACH ROW EXECUTE FUNCTION x.s7_note()",
          `GRANT SELECT, INSERT, UPDATE ON public.s7_t TO ${r("worker")}`,
          // Found by a sixth review (helper-66): a partitioned table's row trigger disabled on the
          // parent alone (its copy on the partition fires), and one disabled on the partition.
          "CREATE TABLE public.p7 (k int) PARTITION BY LIST (k)",
          "CREATE TABLE public.p7_1 PARTITION OF public.p7 FOR VALUES IN (1)",
          "CREATE TRIGGER p7_enq AFTER INSERT ON public.p7 FOR EACH ROW EXECUTE FUNCTION x.enq()",
          "ALTER TABLE ONLY public.p7 DISABLE TRIGGER p7_enq",
          "CREATE FUNCTION x.p7_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.p7_note() OWNER TO ${r("p7n")}`,
          "CREATE TRIGGER p7_note AFTER INSERT ON public.p7 FOR EACH STATEMENT EXECUTE FUNCTION x.p7_note()",
          "CREATE TABLE public.p8 (k int) PARTITION BY LIST (k)",
          "CREATE TABLE public.p8_1 PARTITION OF public.p8 FOR VALUES IN (1)",
          "CREATE TRIGGER p8_enq AFTER INSERT ON public.p8 FOR EACH ROW EXECUTE FUNCTION x.enq()",
          "ALTER TABLE public.p8_1 DISABLE TRIGGER p8_enq",
          "CREATE FUNCTION x.p8_note() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$",
          `ALTER FUNCTION x.p8_note() OWNER TO ${r("p8n")}`,
          "CREATE TRIGGER p8_note AFTER INSERT ON public.p8 FOR EACH STATEMENT EXECUTE FUNCTION x.p8_note()",
          `GRANT INSERT ON public.p7 TO ${r("worker")}`,
          `GRANT INSERT ON public.p8 TO ${r("clerk")}`,
          `GRANT USAGE ON SCHEMA y TO ${r("clerk")}`,
          `GRANT INSERT ON y.delayed_jobs, public.sp_t TO ${r("clerk")}`,
          `GRANT INSERT ON public.ru_t, public.ru_a, public.ru_b, public.rv, public.rv_t, public.up_t, public.mg_t TO ${r("worker")}`,
          `GRANT SELECT, UPDATE ON public.up_t, public.mg_t TO ${r("worker")}`,
          `GRANT TRUNCATE ON public.tr_a, public.tr_b TO ${r("worker")}`,
          `GRANT INSERT ON public.ruled, public.jobs_v2, public.shipments, public.gen_t, public.cond_t TO ${r("clerk")}`,
          `GRANT SELECT, UPDATE ON public.gen_t TO ${r("clerk")}`,
          "INSERT INTO public.gen_t (a, b) VALUES (1, 1)",
          // The worker: the queue's privileges, and the ways in it enqueues through.
          `GRANT SELECT, INSERT, UPDATE, DELETE ON public.delayed_jobs TO ${r("worker")}`,
          `GRANT USAGE ON SEQUENCE public.delayed_jobs_id_seq TO ${r("worker")}`,
          `GRANT INSERT ON public.jobs_v, public.jobs_si, public.orders, public.orders_v, public.order_audit TO ${r("worker")}`,
          `GRANT INSERT ON public.items, public.staging, public.tasks, public.ppar, public.ruled, public.jobs_v2, public.cond_t, public.tg TO ${r("worker")}`,
          `GRANT SELECT, UPDATE ON public.gen_t TO ${r("worker")}`,
          `GRANT USAGE ON SEQUENCE public.orders_id_seq TO ${r("worker")}`,
          `GRANT INSERT ON public.order_log TO ${r("worker")}`,
        ])
          await c.query(sql);
      });
      results = await auditLive(server, {
        name: `beside-writers-${sfx}`,
        database,
        auditor: role.auditor,
        password,
        owner: role.migrator,
        principals: { [role.worker]: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
      });
    });

    afterAll(async () => {
      if (server)
        await closeLiveDatabase(
          server,
          database,
          NAMES.map((n) => role[n]),
        );
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
          /owns function\)-> x\.enqueue_v\(\) \[trigger jobs_v_insert INSTEAD OF INSERT ON public\.jobs_v: an INSERT on public\.jobs_v that runs it, as its writer, may also run trigger jobs_v_insert INSTEAD OF INSERT ON public\.jobs_v -> x\.enqueue_v\(\), which does INSERT to it: such a statement succeeds only for a writer holding INSERT on public\.delayed_jobs\] -> INSERT$/,
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
          /x\.pick_queue\(\) \[default of column queue of public\.jobs_v: an INSERT on public\.jobs_v that runs it, as its writer, may also run trigger jobs_v_insert .*: such a statement succeeds only for a writer holding INSERT on public\.delayed_jobs/,
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
          /x\.si_queue\(\) \[default of column queue of public\.jobs_si: an INSERT on public\.jobs_si that runs it, as its writer, may also run public\.jobs_si -\(auto-updatable view\)-> public\.delayed_jobs, with the writer's own rights: such a statement/,
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
          /x\.log_order\(\) \[trigger orders_log AFTER INSERT ON public\.orders: an INSERT on public\.orders that runs it, as its writer, may also run trigger orders_enqueue AFTER INSERT ON public\.orders -> x\.enqueue_order\(\), which does INSERT to it: such a statement succeeds only for a writer holding INSERT on public\.delayed_jobs/,
        ),
      );
    });

    /** `who` replaces its function (returning `returns`) with one that enqueues its own job. */
    const replace = (who: Name, fn: string, returns = "NULL", type = "trigger") =>
      as(who, (c) =>
        c.query(`CREATE OR REPLACE FUNCTION x.${fn}() RETURNS ${type} LANGUAGE plpgsql AS $f$ ${enqueueEvil(who, returns)} $f$`),
      );

    describe("statements that run code beside the writer, found by a review (helper-61)", () => {
      it("a default of an auto-updatable view over a table whose trigger enqueues runs as the writer", async () => {
        await replace("vdef", "v_item", "'item'", "text");
        await as("worker", (c) => c.query("INSERT INTO public.orders_v DEFAULT VALUES"));
        expect(await evilJobs("vdef")).toBe(1);
        expect(unexpected("vdef")?.evidence.privileges).toEqual(["INSERT"]);
        expect(paths("vdef")).toContainEqual(
          expect.stringMatching(
            /x\.v_item\(\) \[default of column item of public\.orders_v: an INSERT on public\.orders_v that runs it, as its writer, may also run public\.orders_v -\(auto-updatable view\)-> public\.orders -> trigger orders_enqueue AFTER INSERT ON public\.orders -> x\.enqueue_order\(\), which does INSERT to it/,
          ),
        );
      });

      it("a trigger beside one whose write fires the enqueuing trigger of another table", async () => {
        await replace("casc", "items_note");
        await as("worker", (c) => c.query("INSERT INTO public.items VALUES ('pen')"));
        expect(await evilJobs("casc")).toBe(1);
        expect(unexpected("casc")?.evidence.privileges).toEqual(["INSERT"]);
        expect(paths("casc")).toContainEqual(
          expect.stringMatching(
            /x\.items_note\(\) \[.*x\.items_stage\(\) writes public\.staging -> trigger stage_enqueue .* -> x\.stage_enqueue\(\), which does INSERT to it/,
          ),
        );
      });

      it("a trigger on a table that the writers' own trigger writes", async () => {
        await replace("down", "audit_hook");
        await as("worker", (c) => c.query("INSERT INTO public.orders (item) VALUES ('lamp')"));
        expect(await evilJobs("down")).toBe(1);
        expect(unexpected("down")?.evidence.privileges).toEqual(["INSERT"]);
        expect(paths("down")).toContainEqual(
          expect.stringMatching(
            /x\.audit_hook\(\) \[trigger orders_audit AFTER INSERT ON public\.orders -> x\.order_audit\(\) writes public\.order_audit -> trigger audit_hook/,
          ),
        );
      });

      it("a trigger beside one that enqueues through the security_invoker view", async () => {
        await replace("sivia", "task_note");
        await as("worker", (c) => c.query("INSERT INTO public.tasks VALUES ('mail')"));
        expect(await evilJobs("sivia")).toBe(1);
        expect(unexpected("sivia")?.evidence.privileges).toEqual(["INSERT"]);
        expect(paths("sivia")).toContainEqual(expect.stringMatching(/x\.task_note\(\) \[.*with the writer's own rights/));
      });

      it("a partition's own row trigger under its partitioned table's enqueuing statement trigger", async () => {
        await replace("partrow", "p1_note");
        await as("worker", (c) => c.query("INSERT INTO public.ppar VALUES (1, 'p')"));
        expect(await evilJobs("partrow")).toBe(1);
        expect(unexpected("partrow")?.evidence.privileges).toEqual(["INSERT"]);
        expect(paths("partrow")).toContainEqual(
          expect.stringMatching(
            /x\.p1_note\(\) \[trigger p1_note AFTER INSERT ON public\.ppar_1, under public\.ppar: an INSERT on public\.ppar that runs it/,
          ),
        );
      });
    });

    describe("a statement that may run both: the beside code runs as a writer holding the privilege, whenever the enqueuing code runs too (a second review, helper-62)", () => {
      it("an enqueuing trigger with a WHEN condition: the worker's INSERT that meets it runs the code beside it too", async () => {
        await replace("whenside", "cond_note");
        await as("worker", (c) => c.query("INSERT INTO public.cond_t VALUES (5)"));
        expect(await evilJobs("whenside")).toBe(1);
        expect(unexpected("whenside")?.evidence.privileges).toEqual(["INSERT"]);
        expect(paths("whenside")).toContainEqual(
          expect.stringMatching(
            /x\.cond_note\(\) \[trigger cond_note AFTER INSERT ON public\.cond_t: an INSERT on public\.cond_t that runs it, as its writer, may also run trigger cond_enqueue AFTER INSERT ON public\.cond_t WHEN \(…\) -> x\.cond_enqueue\(\), which does INSERT to it: such a statement succeeds only for a writer holding INSERT on public\.delayed_jobs\]/,
          ),
        );
      });

      it("a generated column whose function enqueues: the worker's UPDATE of its input runs the UPDATE trigger beside it", async () => {
        await replace("genside", "gen_note");
        await as("worker", (c) => c.query("UPDATE public.gen_t SET a = a + 1"));
        expect(await evilJobs("genside")).toBe(1);
        expect(unexpected("genside")?.evidence.privileges).toEqual(["INSERT"]);
      });

      it("COPY applies no rules: the unconditional INSTEAD rule does not stop the worker's COPY from running both triggers", async () => {
        await replace("ruler", "ruled_note");
        // An INSERT is rewritten by the rule and runs neither trigger.
        await as("worker", (c) => c.query("INSERT INTO public.ruled VALUES ('y')"));
        expect(await evilJobs("ruler")).toBe(0);
        copyAs("worker", "COPY public.ruled FROM STDIN", "z\n");
        expect(await evilJobs("ruler")).toBe(1);
        expect(unexpected("ruler")?.evidence.privileges).toEqual(["INSERT"]);
        expect(paths("ruler")).toContainEqual(
          expect.stringMatching(
            /x\.ruled_note\(\) \[trigger ruled_note AFTER INSERT ON public\.ruled: a COPY into public\.ruled \(it applies no rules\) that runs it/,
          ),
        );
      });

      it("a DO INSTEAD NOTHING rule swallows a view's INSERT, but a COPY into the view runs its INSTEAD OF trigger (found by a fifth review, helper-65)", async () => {
        await as("clerk", (c) => c.query("INSERT INTO public.jobs_v2 (handler) VALUES ('x')"));
        await replace("insteadv", "enqueue_v2", "NEW");
        await as("worker", (c) => c.query("INSERT INTO public.jobs_v2 (handler) VALUES ('y')"));
        expect(await evilJobs("insteadv")).toBe(0);
        copyAs("worker", "COPY public.jobs_v2 (handler) FROM STDIN", "z\n");
        expect(await evilJobs("insteadv")).toBe(1);
        expect(unexpected("insteadv")?.evidence.privileges).toEqual(["INSERT"]);
        expect(paths("insteadv")).toContainEqual(
          expect.stringMatching(
            /x\.enqueue_v2\(\) \[trigger jobs_v2_insert INSTEAD OF INSERT ON public\.jobs_v2: a COPY into public\.jobs_v2 \(it applies no rules\) that runs it/,
          ),
        );
      });

      it("a two-event trigger that names TG_OP in a RAISE without testing it enqueues on every INSERT: the trigger beside it is reported", async () => {
        await replace("tgnote", "tg_note");
        await as("worker", (c) => c.query("INSERT INTO public.tg VALUES (1)"));
        expect(await evilJobs("tgnote")).toBe(1);
        expect(unexpected("tgnote")?.evidence.privileges).toEqual(["INSERT"]);
      });
    });

    describe("statements a third review found (helper-64)", () => {
      const reported = (who: Name, statement: RegExp) => {
        expect(unexpected(who)?.evidence.privileges).toEqual(["INSERT"]);
        expect(paths(who)).toContainEqual(expect.stringMatching(statement));
      };

      it("an INSTEAD rule's actions: one writes the enqueuing table, the other the table beside it", async () => {
        await replace("rua", "ru_note");
        await as("worker", (c) => c.query("INSERT INTO public.ru_t VALUES (1)"));
        expect(await evilJobs("rua")).toBe(1);
        reported(
          "rua",
          /x\.ru_note\(\) \[public\.ru_t -\(rule ru_r\)-> public\.ru_b -> trigger ru_b_note AFTER INSERT ON public\.ru_b: an INSERT on public\.ru_t that runs it/,
        );
      });

      it("a view's default is filled in before its INSTEAD rule rewrites the INSERT into the enqueuing table", async () => {
        await replace("rvd", "rv_def", "'tag'", "text");
        await as("worker", (c) => c.query("INSERT INTO public.rv (id) VALUES (1)"));
        expect(await evilJobs("rvd")).toBe(1);
        reported("rvd", /x\.rv_def\(\) \[default of column tag of public\.rv: an INSERT on public\.rv that runs it/);
      });

      it("an upsert runs the table's INSERT and UPDATE triggers in one statement", async () => {
        await replace("ups", "up_note");
        await as("worker", (c) => c.query("INSERT INTO public.up_t VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v"));
        expect(await evilJobs("ups")).toBe(1);
        reported(
          "ups",
          /x\.up_note\(\) \[.*trigger up_t_note AFTER UPDATE ON public\.up_t: an INSERT … ON CONFLICT DO UPDATE on public\.up_t that runs it/,
        );
      });

      it("a MERGE runs the table's INSERT and UPDATE triggers in one statement", async () => {
        await replace("mrg", "mg_note");
        await as("worker", (c) =>
          c.query(
            "MERGE INTO public.mg_t t USING (VALUES (1), (2)) s(id) ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = t.v + 1 WHEN NOT MATCHED THEN INSERT VALUES (s.id, 0)",
          ),
        );
        expect(await evilJobs("mrg")).toBe(1);
        reported(
          "mrg",
          /x\.mg_note\(\) \[.*trigger mg_t_note AFTER UPDATE ON public\.mg_t: (a MERGE into|an INSERT … ON CONFLICT DO UPDATE on) public\.mg_t that runs it/,
        );
      });

      it("one TRUNCATE of two tables runs both tables' TRUNCATE triggers", async () => {
        await replace("trn", "tr_note");
        await as("worker", (c) => c.query("TRUNCATE public.tr_a, public.tr_b"));
        expect(await evilJobs("trn")).toBe(1);
        reported(
          "trn",
          /x\.tr_note\(\) \[trigger tr_b_note AFTER TRUNCATE ON public\.tr_b: a TRUNCATE of several tables \(or with CASCADE\) that runs it/,
        );
      });

      it("a key's cascade fires the referencing table's AFTER trigger as the writer before 16, as the table's owner from 16", async () => {
        const version = Number(await asAdmin(async (c) => (await c.query("SHOW server_version_num")).rows[0].server_version_num));
        await replace("fkn", "fk_note");
        const deleting = as("worker", (c) => c.query("DELETE FROM public.fk_p WHERE id = 1"));
        if (version < 160000) {
          await deleting;
          expect(await evilJobs("fkn")).toBe(1);
          reported(
            "fkn",
            /x\.fk_note\(\) \[public\.fk_p -\(foreign key fk_c_id_fkey\)-> public\.fk_c -> trigger fk_c_note AFTER DELETE ON public\.fk_c: a DELETE on public\.fk_p that runs it/,
          );
        } else {
          // It runs as fk_c's owner, who holds nothing on the queue: the worker's DELETE is refused.
          await expect(deleting).rejects.toMatchObject({ code: "42501" });
          expect(unexpected("fkn")).toBeUndefined();
        }
      });

      it("an upsert through an auto-updatable view runs the view's default and the base table's UPDATE trigger (a fifth review, helper-65)", async () => {
        await replace("upv", "s6_def", "'v'", "text");
        await as("worker", (c) => c.query("INSERT INTO public.s6_v (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET v = 'u'"));
        expect(await evilJobs("upv")).toBe(1);
        reported(
          "upv",
          /x\.s6_def\(\) \[default of column v of public\.s6_v: an INSERT … ON CONFLICT DO UPDATE on public\.s6_v that runs it/,
        );
      });

      it("look-alike: an upsert or a MERGE into a table with rules is refused, so its UPDATE trigger never runs beside the rule's enqueuing INSERT", async () => {
        await replace("rul9", "s7_note");
        await expect(
          as("worker", (c) => c.query("INSERT INTO public.s7_t VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET v = 2")),
        ).rejects.toThrow(/ON CONFLICT/);
        expect(await evilJobs("rul9")).toBe(0);
        expect(unexpected("rul9")).toBeUndefined();
      });

      it("a partitioned table's row trigger disabled on the parent alone: its copy on the partition still enqueues beside the statement trigger (a sixth review, helper-66)", async () => {
        await replace("p7n", "p7_note");
        await as("worker", (c) => c.query("INSERT INTO public.p7 VALUES (1)"));
        expect(await evilJobs("p7n")).toBe(1);
        reported(
          "p7n",
          /x\.p7_note\(\) \[trigger p7_note AFTER INSERT ON public\.p7: an INSERT on public\.p7 that runs it, as its writer, may also run trigger p7_enq AFTER INSERT ON public\.p7_1, under public\.p7 -> x\.enq\(\)/,
        );
      });

      it("look-alike: a partitioned table's row trigger disabled on its only partition never enqueues", async () => {
        await as("clerk", (c) => c.query("INSERT INTO public.p8 VALUES (1)"));
        expect(unexpected("p8n")).toBeUndefined();
      });

      it("look-alike: a trigger function whose pinned search_path makes its unqualified delayed_jobs another schema's", async () => {
        await as("clerk", (c) => c.query("INSERT INTO public.sp_t VALUES (0)"));
        expect(unexpected("spn")).toBeUndefined();
      });
    });

    describe("look-alikes: the beside code and the enqueuing code never run in one statement, and nothing is reported", () => {
      it("a trigger on INSERT OR DELETE that deletes jobs only when TG_OP is DELETE: an INSERT runs it doing nothing to the jobs", async () => {
        await as("clerk", (c) => c.query("INSERT INTO public.shipments VALUES ('a')"));
        await replace("branchy", "ship_note");
        await expect(as("clerk", (c) => c.query("INSERT INTO public.shipments VALUES ('b')"))).rejects.toMatchObject({ code: "42501" });
        expect(await evilJobs("branchy")).toBe(0);
        expect(unexpected("branchy")).toBeUndefined();
      });

      it("a statement trigger on a security_invoker view never fires in its automatic INSERT", async () => {
        await replace("vstmt", "vstmt_note");
        await as("worker", (c) => c.query("INSERT INTO public.jobs_si (handler) VALUES ('--- MailJob')"));
        expect(await evilJobs("vstmt")).toBe(0);
        expect(unexpected("vstmt")).toBeUndefined();
      });
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
