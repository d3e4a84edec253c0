/**
 * The owners of the functions SECURITY DEFINER functions call. Inside a definer function,
 * PostgreSQL runs an invoker callee with the definer owner's rights; the callee's owner may
 * replace its body, and the next call of the definer function, by anyone, runs the new body
 * as that owner. Built on the 5432 service (15) and an embedded PostgreSQL 18: each callee's
 * owner replaces its function, the definer function is called (by the owner itself, or by a
 * worker's write that fires a definer trigger), and the owner takes the queue; each
 * look-alike is tried the same way, fails, and stays silent.
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
import { adminClient, inSession, loginClient, type PgServer, pgServersUnderTest } from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

const servers = await pgServersUnderTest();

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
const NAMES = [
  "migrator",
  "worker",
  "intern",
  "stamper",
  "deep",
  "middef",
  "leafer",
  "schemer",
  "behinder",
  "commenter",
  "hooker",
  "quieter",
  "cascader",
  "partier",
  "calmer",
  "locker",
  "nobody",
  "lowcallee",
  "defaulter",
  "policer",
  "idler",
  "bypasser",
  "pchecker",
  "viewdefer",
  "poltoer",
  "memer",
  "tabown",
  "mover",
  "checker",
  "thrutrig",
  "thrudef",
  "thrupol",
  "thrumiss",
  "ruletrig",
  "rulemiss",
  "viewown",
  "thruread",
  "readmiss",
  "twicer",
  "bumper",
  "redirected",
  "replicated",
  "onlyer",
  "wherer",
  "conder",
  "auditor",
] as const;
type Name = (typeof NAMES)[number];

/** The callees, each owned by a role that may not touch the queue, in their harmless form. */
const CALLEES: Record<string, { owner: Name; signature: string }> = {
  note: { owner: "intern", signature: "x.note()" },
  stamp: { owner: "stamper", signature: "x.stamp()" },
  deepest: { owner: "deep", signature: "x.deepest()" },
  leaf: { owner: "leafer", signature: "x.leaf()" },
  behind: { owner: "behinder", signature: "x.behind()" },
  retired: { owner: "commenter", signature: "x.retired()" },
  hook: { owner: "hooker", signature: "x.hook()" },
  quiet: { owner: "quieter", signature: "x.quiet()" },
  copied: { owner: "cascader", signature: "x.copied()" },
  calm: { owner: "calmer", signature: "x.calm()" },
  locked: { owner: "locker", signature: "x.locked()" },
  low_note: { owner: "lowcallee", signature: "x.low_note()" },
  dflt: { owner: "defaulter", signature: "x.dflt()" },
  seen: { owner: "policer", signature: "x.seen()" },
  idle: { owner: "idler", signature: "x.idle()" },
  bypassed: { owner: "bypasser", signature: "x.bypassed()" },
  pchk: { owner: "pchecker", signature: "x.pchk()" },
  vdef: { owner: "viewdefer", signature: "x.vdef()" },
  polto: { owner: "poltoer", signature: "x.polto()" },
  mem: { owner: "memer", signature: "x.mem()" },
  wcheck: { owner: "checker", signature: "x.wcheck()" },
  thru_trig: { owner: "thrutrig", signature: "x.thru_trig()" },
  thru_dflt: { owner: "thrudef", signature: "x.thru_dflt()" },
  thru_pol: { owner: "thrupol", signature: "x.thru_pol()" },
  thru_miss: { owner: "thrumiss", signature: "x.thru_miss()" },
  rule_trig: { owner: "ruletrig", signature: "x.rule_trig()" },
  rule_miss: { owner: "rulemiss", signature: "x.rule_miss()" },
  thru_read: { owner: "thruread", signature: "x.thru_read()" },
  read_miss: { owner: "readmiss", signature: "x.read_miss()" },
  twice: { owner: "twicer", signature: "x.twice()" },
  bump: { owner: "bumper", signature: "x.bump()" },
  redir: { owner: "redirected", signature: "x.redir()" },
  repl_copy: { owner: "replicated", signature: "x.repl_copy()" },
  only_child: { owner: "onlyer", signature: "x.only_child()" },
  where_read: { owner: "wherer", signature: "x.where_read()" },
  cond_read: { owner: "conder", signature: "x.cond_read()" },
};

for (const s of servers) {
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`functions SECURITY DEFINER functions call, on ${s.name}`, () => {
    const sfx = randomBytes(4).toString("hex");
    const role = Object.fromEntries(NAMES.map((n) => [n, `qd${sfx}_${n}`])) as Record<Name, string>;
    const database = `qd${sfx}_queue`;
    const password = randomBytes(12).toString("hex");
    const envName = `QD_PG_PW_${sfx.toUpperCase()}`;
    let server: PgServer;
    let results: CheckResult[] = [];

    const asAdmin = <T>(fn: (c: pg.Client) => Promise<T>, db = database) => inSession(adminClient(server, db), fn);
    const as = <T>(who: Name, fn: (c: pg.Client) => Promise<T>) => inSession(loginClient(server, role[who], password, database), fn);
    const attempt = (who: Name, sql: string) =>
      as(who, (c) => c.query(sql)).then(
        () => undefined,
        (e: { code?: string }) => e.code ?? "error",
      );
    /** The callee's owner's replacement: it empties the queue, as whoever runs it. */
    const replace = (key: string, body = "DELETE FROM public.delayed_jobs") =>
      `CREATE OR REPLACE FUNCTION ${(CALLEES[key] as { signature: string }).signature} RETURNS void LANGUAGE plpgsql AS $f$ BEGIN ${body}; END $f$`;
    const harmless = (key: string) =>
      `CREATE OR REPLACE FUNCTION ${(CALLEES[key] as { signature: string }).signature} RETURNS void LANGUAGE sql AS $f$ SELECT $f$`;
    const jobs = async () =>
      Number((await asAdmin((c) => c.query<{ n: string }>("SELECT count(*) AS n FROM public.delayed_jobs"))).rows[0]?.n);
    /** Back to three jobs, whatever an attempt did. */
    const refill = () =>
      asAdmin(async (c) => {
        await c.query("DELETE FROM public.delayed_jobs");
        await c.query("INSERT INTO public.delayed_jobs (handler) SELECT '--- Job' FROM generate_series(1, 3)");
      });

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
        for (const [key, f] of Object.entries(CALLEES)) {
          await c.query(harmless(key));
          await c.query(`ALTER FUNCTION ${f.signature} OWNER TO ${q(role[f.owner])}`);
        }
        const pinned = "SET search_path = pg_catalog, pg_temp";
        for (const sql of [
          "CREATE TABLE public.delayed_jobs (id bigserial PRIMARY KEY, handler text NOT NULL)",
          `ALTER TABLE public.delayed_jobs OWNER TO ${m}`,
          `ALTER SEQUENCE public.delayed_jobs_id_seq OWNER TO ${m}`,
          `GRANT SELECT, INSERT, UPDATE, DELETE ON public.delayed_jobs TO ${q(role.worker)}`,
          `GRANT USAGE ON SEQUENCE public.delayed_jobs_id_seq TO ${q(role.worker)}`,
          // The table owner's maintenance function: it touches no table itself, it calls a helper.
          `CREATE FUNCTION public.tidy_queue() RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT x.note() $f$`,
          `ALTER FUNCTION public.tidy_queue() OWNER TO ${m}`,
          // The table owner's definer trigger on another table, which the worker writes.
          "CREATE TABLE public.job_log (entry text)",
          `ALTER TABLE public.job_log OWNER TO ${m}`,
          `GRANT INSERT ON public.job_log TO ${q(role.worker)}`,
          `CREATE FUNCTION public.log_stamp() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER ${pinned} AS $f$ BEGIN PERFORM x.stamp(); RETURN NEW; END $f$`,
          `ALTER FUNCTION public.log_stamp() OWNER TO ${m}`,
          "CREATE TRIGGER log_stamp BEFORE INSERT ON public.job_log FOR EACH ROW EXECUTE FUNCTION public.log_stamp()",
          // Two levels down, through an invoker function of another role's.
          `CREATE FUNCTION x.middle() RETURNS void LANGUAGE sql ${pinned} AS $f$ SELECT x.deepest() $f$`,
          `ALTER FUNCTION x.middle() OWNER TO ${q(role.nobody)}`,
          `CREATE FUNCTION public.report() RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT x.middle() $f$`,
          `ALTER FUNCTION public.report() OWNER TO ${m}`,
          // A definer of a role with no rights on the queue, between the table owner's definer and a callee.
          `CREATE FUNCTION x.mid_definer() RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT x.leaf() $f$`,
          `ALTER FUNCTION x.mid_definer() OWNER TO ${q(role.middef)}`,
          `CREATE FUNCTION public.nightly() RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT x.mid_definer() $f$`,
          `ALTER FUNCTION public.nightly() OWNER TO ${m}`,
          // The table owner's function in another role's schema.
          `CREATE SCHEMA y AUTHORIZATION ${q(role.schemer)}`,
          `GRANT USAGE ON SCHEMA y TO ${m}`,
          "CREATE FUNCTION y.scheduled() RETURNS void LANGUAGE sql AS $f$ SELECT $f$",
          `ALTER FUNCTION y.scheduled() OWNER TO ${m}`,
          `CREATE FUNCTION public.run_scheduled() RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT y.scheduled() $f$`,
          `ALTER FUNCTION public.run_scheduled() OWNER TO ${m}`,
          // Look-alikes. A chain through a function the definer's owner may not execute: every call fails.
          "CREATE FUNCTION x.gate() RETURNS void LANGUAGE sql AS $f$ SELECT x.behind() $f$",
          "REVOKE EXECUTE ON FUNCTION x.gate() FROM PUBLIC",
          `CREATE FUNCTION public.gated() RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT x.gate() $f$`,
          `ALTER FUNCTION public.gated() OWNER TO ${m}`,
          // The table owner's definer function writes a log table whose triggers call other roles' functions.
          "CREATE TABLE public.audit_log (entry text)",
          "CREATE FUNCTION x.audit_log_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN PERFORM x.hook(); RETURN NEW; END $f$",
          `ALTER FUNCTION x.audit_log_hook() OWNER TO ${q(role.hooker)}`,
          "CREATE TRIGGER audit_log_hook BEFORE INSERT ON public.audit_log FOR EACH ROW EXECUTE FUNCTION x.audit_log_hook()",
          // On DELETE only: the definer never deletes from the log.
          "CREATE FUNCTION x.audit_log_quiet() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN PERFORM x.quiet(); RETURN OLD; END $f$",
          `ALTER FUNCTION x.audit_log_quiet() OWNER TO ${q(role.quieter)}`,
          "CREATE TRIGGER audit_log_quiet BEFORE DELETE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION x.audit_log_quiet()",
          `GRANT INSERT, DELETE ON public.audit_log TO ${m}`,
          // The log's trigger (the admin's) copies each entry on: that table's trigger fires too, as the same role.
          "CREATE TABLE public.audit_copy (entry text)",
          `GRANT INSERT ON public.audit_copy TO ${m}`,
          "CREATE FUNCTION x.audit_forward() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN INSERT INTO public.audit_copy VALUES (NEW.entry); RETURN NEW; END $f$",
          "CREATE TRIGGER audit_forward AFTER INSERT ON public.audit_log FOR EACH ROW EXECUTE FUNCTION x.audit_forward()",
          "CREATE FUNCTION x.audit_copy_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN PERFORM x.copied(); RETURN NEW; END $f$",
          "CREATE TRIGGER audit_copy_hook BEFORE INSERT ON public.audit_copy FOR EACH ROW EXECUTE FUNCTION x.audit_copy_hook()",
          `CREATE FUNCTION public.log_event(e text) RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ INSERT INTO public.audit_log VALUES (e) $f$`,
          `ALTER FUNCTION public.log_event(text) OWNER TO ${m}`,
          // The table owner's definer function writes a partitioned table; a partition has a trigger of its own.
          "CREATE TABLE public.events (kind text) PARTITION BY LIST (kind)",
          "CREATE TABLE public.events_rest PARTITION OF public.events DEFAULT",
          `ALTER TABLE public.events OWNER TO ${m}`,
          `ALTER TABLE public.events_rest OWNER TO ${m}`,
          "CREATE FUNCTION x.partition_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$",
          `ALTER FUNCTION x.partition_hook() OWNER TO ${q(role.partier)}`,
          "CREATE TRIGGER events_rest_hook BEFORE INSERT ON public.events_rest FOR EACH ROW EXECUTE FUNCTION x.partition_hook()",
          `CREATE FUNCTION public.record_event(k text) RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ INSERT INTO public.events VALUES (k) $f$`,
          `ALTER FUNCTION public.record_event(text) OWNER TO ${m}`,
          // A callee named only in a comment.
          `CREATE FUNCTION public.sweep() RETURNS void LANGUAGE plpgsql SECURITY DEFINER ${pinned} AS $f$ BEGIN
             -- formerly PERFORM x.retired();
             /* and before that: PERFORM x.retired() */
             RETURN; END $f$`,
          `ALTER FUNCTION public.sweep() OWNER TO ${m}`,
          // An invoker caller: its callee runs with the caller's own rights.
          `CREATE FUNCTION public.plain() RETURNS void LANGUAGE sql ${pinned} AS $f$ SELECT x.calm() $f$`,
          `ALTER FUNCTION public.plain() OWNER TO ${m}`,
          // A callee the definer's owner may not execute: its owner may grant it EXECUTE.
          `CREATE FUNCTION public.guarded() RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT x.locked() $f$`,
          `ALTER FUNCTION public.guarded() OWNER TO ${m}`,
          "REVOKE EXECUTE ON FUNCTION x.locked() FROM PUBLIC",
          // The table owner's definer function writes a table whose column default calls another role's function...
          "CREATE TABLE public.job_notes (entry text, stamp text DEFAULT coalesce(x.dflt()::text, 'stamp'))",
          `GRANT SELECT, INSERT ON public.job_notes TO ${m}`,
          `CREATE FUNCTION public.note_job(e text) RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ INSERT INTO public.job_notes (entry) VALUES (e) $f$`,
          `ALTER FUNCTION public.note_job(text) OWNER TO ${m}`,
          // ...and reads one whose row-level security policy calls another's.
          "CREATE TABLE public.job_flags (flag text)",
          "ALTER TABLE public.job_flags ENABLE ROW LEVEL SECURITY",
          "CREATE POLICY job_flags_seen ON public.job_flags FOR SELECT USING (x.seen() IS NULL)",
          "INSERT INTO public.job_flags VALUES ('a')",
          `GRANT SELECT ON public.job_flags TO ${m}`,
          `CREATE FUNCTION public.count_flags() RETURNS bigint LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT count(*) FROM public.job_flags $f$`,
          `ALTER FUNCTION public.count_flags() OWNER TO ${m}`,
          // Look-alikes: a default of a table the definer only reads, and a policy of the migrator's own table (it bypasses it).
          "CREATE TABLE public.job_refs (entry text, stamp text DEFAULT coalesce(x.idle()::text, 'stamp'))",
          `GRANT SELECT ON public.job_refs TO ${m}`,
          `CREATE FUNCTION public.count_refs() RETURNS bigint LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT count(*) FROM public.job_refs $f$`,
          `ALTER FUNCTION public.count_refs() OWNER TO ${m}`,
          "CREATE TABLE public.own_flags (flag text)",
          "ALTER TABLE public.own_flags ENABLE ROW LEVEL SECURITY",
          "CREATE POLICY own_flags_seen ON public.own_flags FOR SELECT USING (x.bypassed() IS NULL)",
          "INSERT INTO public.own_flags VALUES ('a')",
          `ALTER TABLE public.own_flags OWNER TO ${m}`,
          `CREATE FUNCTION public.count_own() RETURNS bigint LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT count(*) FROM public.own_flags $f$`,
          `ALTER FUNCTION public.count_own() OWNER TO ${m}`,
          // A partition's CHECK runs in a write through its partitioned table.
          "CREATE TABLE public.tallies (kind text) PARTITION BY LIST (kind)",
          // (always true, whatever the function returns: a false CHECK would roll the attacker's delete back)
          "CREATE TABLE public.tallies_rest PARTITION OF public.tallies (CHECK (coalesce(x.pchk()::text, '') IS NOT NULL)) DEFAULT",
          `GRANT INSERT ON public.tallies TO ${m}`,
          `CREATE FUNCTION public.tally(k text) RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ INSERT INTO public.tallies VALUES (k) $f$`,
          `ALTER FUNCTION public.tally(text) OWNER TO ${m}`,
          // An UPDATE through a partitioned table that moves a row fires the destination partition's INSERT row trigger.
          "CREATE TABLE public.lanes (k text) PARTITION BY LIST (k)",
          "CREATE TABLE public.lanes_a PARTITION OF public.lanes FOR VALUES IN ('a')",
          "CREATE TABLE public.lanes_b PARTITION OF public.lanes FOR VALUES IN ('b')",
          "INSERT INTO public.lanes VALUES ('a')",
          "CREATE FUNCTION x.lane_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$",
          `ALTER FUNCTION x.lane_hook() OWNER TO ${q(role.mover)}`,
          "CREATE TRIGGER lane_hook BEFORE INSERT ON public.lanes_b FOR EACH ROW EXECUTE FUNCTION x.lane_hook()",
          `GRANT SELECT, UPDATE ON public.lanes TO ${m}`,
          `CREATE FUNCTION public.promote() RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ UPDATE public.lanes SET k = 'b' WHERE k = 'a' $f$`,
          `ALTER FUNCTION public.promote() OWNER TO ${m}`,
          // A view's own column default runs in an insert into the view.
          "CREATE TABLE public.memos (entry text, stamp text)",
          "CREATE VIEW public.memos_v AS SELECT entry, stamp FROM public.memos",
          "ALTER VIEW public.memos_v ALTER COLUMN stamp SET DEFAULT coalesce(x.vdef()::text, 'stamp')",
          `GRANT INSERT ON public.memos_v TO ${m}`,
          `CREATE FUNCTION public.memo(e text) RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ INSERT INTO public.memos_v (entry) VALUES (e) $f$`,
          `ALTER FUNCTION public.memo(text) OWNER TO ${m}`,
          // Look-alikes: a policy for another role only, and one on a table whose owner the definer's owner inherits.
          "CREATE TABLE public.marks (flag text)",
          "ALTER TABLE public.marks ENABLE ROW LEVEL SECURITY",
          `CREATE POLICY marks_theirs ON public.marks FOR SELECT TO ${q(role.nobody)} USING (x.polto() IS NULL)`,
          "CREATE POLICY marks_all ON public.marks FOR SELECT USING (true)",
          "INSERT INTO public.marks VALUES ('a')",
          `GRANT SELECT ON public.marks TO ${m}`,
          `CREATE FUNCTION public.count_marks() RETURNS bigint LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT count(*) FROM public.marks $f$`,
          `ALTER FUNCTION public.count_marks() OWNER TO ${m}`,
          // ...and a policy whose function is in its WITH CHECK only, on a table the definer only reads.
          "CREATE TABLE public.tags (flag text)",
          "ALTER TABLE public.tags ENABLE ROW LEVEL SECURITY",
          "CREATE POLICY tags_write ON public.tags FOR ALL USING (true) WITH CHECK (x.wcheck() IS NULL)",
          "INSERT INTO public.tags VALUES ('a')",
          `GRANT SELECT ON public.tags TO ${m}`,
          `CREATE FUNCTION public.count_tags() RETURNS bigint LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT count(*) FROM public.tags $f$`,
          `ALTER FUNCTION public.count_tags() OWNER TO ${m}`,
          "CREATE TABLE public.pins (flag text)",
          "ALTER TABLE public.pins ENABLE ROW LEVEL SECURITY",
          "CREATE POLICY pins_seen ON public.pins FOR SELECT USING (x.mem() IS NULL)",
          "INSERT INTO public.pins VALUES ('a')",
          `ALTER TABLE public.pins OWNER TO ${q(role.tabown)}`,
          `GRANT ${q(role.tabown)} TO ${m}`,
          `CREATE FUNCTION public.count_pins() RETURNS bigint LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT count(*) FROM public.pins $f$`,
          `ALTER FUNCTION public.count_pins() OWNER TO ${m}`,
          // A definer's INSERT into an auto-updatable view writes its base table: the base's
          // trigger and default run as the definer's owner, and its policies for the view's owner.
          "CREATE TABLE public.outbox (entry text, stamp text DEFAULT coalesce(x.thru_dflt()::text, 'stamp'))",
          "ALTER TABLE public.outbox ENABLE ROW LEVEL SECURITY",
          `CREATE POLICY outbox_viewer ON public.outbox FOR INSERT TO ${q(role.viewown)} WITH CHECK (coalesce(x.thru_pol()::text, 'ok') IS NOT NULL)`,
          // Its look-alike is for the definer's owner, whose rights are not the ones checked there.
          `CREATE POLICY outbox_definer ON public.outbox FOR INSERT TO ${m} WITH CHECK (coalesce(x.thru_miss()::text, 'ok') IS NOT NULL)`,
          "CREATE FUNCTION x.outbox_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN PERFORM x.thru_trig(); RETURN NEW; END $f$",
          "CREATE TRIGGER outbox_hook BEFORE INSERT ON public.outbox FOR EACH ROW EXECUTE FUNCTION x.outbox_hook()",
          "CREATE VIEW public.outbox_v AS SELECT entry FROM public.outbox",
          `ALTER VIEW public.outbox_v OWNER TO ${q(role.viewown)}`,
          `GRANT INSERT ON public.outbox TO ${q(role.viewown)}`,
          `GRANT INSERT ON public.outbox_v TO ${m}`,
          `CREATE FUNCTION public.post(e text) RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ INSERT INTO public.outbox_v (entry) VALUES (e) $f$`,
          `ALTER FUNCTION public.post(text) OWNER TO ${m}`,
          // A DO ALSO rule's action writes another table: that table's trigger runs as the definer's
          // owner. Its look-alike is a rule on DELETE, which the definer's INSERT never fires.
          "CREATE TABLE public.inbox (entry text)",
          "CREATE TABLE public.inbox_copy (entry text)",
          "CREATE TABLE public.inbox_trash (entry text)",
          "CREATE FUNCTION x.inbox_copy_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN PERFORM x.rule_trig(); RETURN NEW; END $f$",
          "CREATE TRIGGER inbox_copy_hook BEFORE INSERT ON public.inbox_copy FOR EACH ROW EXECUTE FUNCTION x.inbox_copy_hook()",
          "CREATE FUNCTION x.inbox_trash_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN PERFORM x.rule_miss(); RETURN NEW; END $f$",
          "CREATE TRIGGER inbox_trash_hook BEFORE INSERT ON public.inbox_trash FOR EACH ROW EXECUTE FUNCTION x.inbox_trash_hook()",
          "CREATE RULE inbox_copy AS ON INSERT TO public.inbox DO ALSO INSERT INTO public.inbox_copy VALUES (NEW.entry)",
          "CREATE RULE inbox_gone AS ON DELETE TO public.inbox DO ALSO INSERT INTO public.inbox_trash VALUES (OLD.entry)",
          `GRANT INSERT ON public.inbox TO ${m}`,
          `CREATE FUNCTION public.receive(e text) RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ INSERT INTO public.inbox VALUES (e) $f$`,
          `ALTER FUNCTION public.receive(text) OWNER TO ${m}`,
          // A definer's read of a view reads its table with the view owner's rights: a policy there for
          // the view's owner runs as the definer's owner. Through a security_invoker view it is not the
          // view owner's policy that applies (the look-alike).
          "CREATE TABLE public.secrets (flag text)",
          "ALTER TABLE public.secrets ENABLE ROW LEVEL SECURITY",
          `CREATE POLICY secrets_viewer ON public.secrets FOR SELECT TO ${q(role.viewown)} USING (x.thru_read() IS NULL)`,
          "INSERT INTO public.secrets VALUES ('a')",
          `GRANT SELECT ON public.secrets TO ${q(role.viewown)}`,
          "CREATE VIEW public.secrets_v AS SELECT flag FROM public.secrets",
          `ALTER VIEW public.secrets_v OWNER TO ${q(role.viewown)}`,
          `GRANT SELECT ON public.secrets_v TO ${m}`,
          `CREATE FUNCTION public.count_secrets() RETURNS bigint LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT count(*) FROM public.secrets_v $f$`,
          `ALTER FUNCTION public.count_secrets() OWNER TO ${m}`,
          "CREATE TABLE public.hidden (flag text)",
          "ALTER TABLE public.hidden ENABLE ROW LEVEL SECURITY",
          `CREATE POLICY hidden_viewer ON public.hidden FOR SELECT TO ${q(role.viewown)} USING (x.read_miss() IS NULL)`,
          `CREATE POLICY hidden_definer ON public.hidden FOR SELECT TO ${m} USING (true)`,
          "INSERT INTO public.hidden VALUES ('a')",
          `GRANT SELECT ON public.hidden TO ${q(role.viewown)}, ${m}`,
          "CREATE VIEW public.hidden_v WITH (security_invoker = true) AS SELECT flag FROM public.hidden",
          `ALTER VIEW public.hidden_v OWNER TO ${q(role.viewown)}`,
          `GRANT SELECT ON public.hidden_v TO ${m}`,
          `CREATE FUNCTION public.count_hidden() RETURNS bigint LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT count(*) FROM public.hidden_v $f$`,
          `ALTER FUNCTION public.count_hidden() OWNER TO ${m}`,
          // Found live by a second review (helper-57). One table reached twice, by a rule (checked as
          // its owner, the table's) and through a view (checked as the view's owner, whose policy it is).
          `CREATE TABLE public.fanout_r (e text)`,
          `ALTER TABLE public.fanout_r OWNER TO ${m}`,
          "CREATE TABLE public.fanout_t (e text)",
          `ALTER TABLE public.fanout_t OWNER TO ${m}`,
          "ALTER TABLE public.fanout_t ENABLE ROW LEVEL SECURITY",
          `CREATE POLICY fanout_viewer ON public.fanout_t FOR INSERT TO ${q(role.viewown)} WITH CHECK (coalesce(x.twice()::text, 'ok') IS NOT NULL)`,
          "CREATE VIEW public.fanout_v AS SELECT e FROM public.fanout_t",
          `ALTER VIEW public.fanout_v OWNER TO ${q(role.viewown)}`,
          `GRANT INSERT ON public.fanout_t TO ${q(role.viewown)}`,
          `GRANT INSERT ON public.fanout_v TO ${m}`,
          "CREATE RULE fanout_direct AS ON INSERT TO public.fanout_r DO ALSO INSERT INTO public.fanout_t VALUES (NEW.e)",
          "CREATE RULE fanout_viewed AS ON INSERT TO public.fanout_r DO ALSO INSERT INTO public.fanout_v VALUES (NEW.e)",
          `CREATE FUNCTION public.fan(e text) RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ INSERT INTO public.fanout_r VALUES (e) $f$`,
          `ALTER FUNCTION public.fan(text) OWNER TO ${m}`,
          // A rule whose action updates its own table: the table's UPDATE trigger fires on an INSERT.
          "CREATE TABLE public.counters (e text, n int DEFAULT 0)",
          `ALTER TABLE public.counters OWNER TO ${m}`,
          "CREATE FUNCTION x.counters_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN PERFORM x.bump(); RETURN NEW; END $f$",
          "CREATE TRIGGER counters_hook BEFORE UPDATE ON public.counters FOR EACH ROW EXECUTE FUNCTION x.counters_hook()",
          "CREATE RULE counters_bump AS ON INSERT TO public.counters DO ALSO UPDATE public.counters SET n = n + 1 WHERE e = NEW.e",
          `CREATE FUNCTION public.count_up(e text) RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ INSERT INTO public.counters (e) VALUES (e) $f$`,
          `ALTER FUNCTION public.count_up(text) OWNER TO ${m}`,
          // Look-alikes: an INSTEAD rule on the table a view writes takes the INSERT from it (its trigger
          // never fires); a rule that fires only on replicas; a rule that deletes from ONLY a parent.
          "CREATE TABLE public.drafts (e text)",
          "CREATE TABLE public.draft_log (e text)",
          `ALTER TABLE public.drafts OWNER TO ${m}`,
          `ALTER TABLE public.draft_log OWNER TO ${m}`,
          "CREATE FUNCTION x.drafts_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN PERFORM x.redir(); RETURN NEW; END $f$",
          "CREATE TRIGGER drafts_hook BEFORE INSERT ON public.drafts FOR EACH ROW EXECUTE FUNCTION x.drafts_hook()",
          "CREATE RULE drafts_redirect AS ON INSERT TO public.drafts DO INSTEAD INSERT INTO public.draft_log VALUES (NEW.e)",
          "CREATE VIEW public.drafts_v AS SELECT e FROM public.drafts",
          `ALTER VIEW public.drafts_v OWNER TO ${m}`,
          `CREATE FUNCTION public.draft(e text) RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ INSERT INTO public.drafts_v VALUES (e) $f$`,
          `ALTER FUNCTION public.draft(text) OWNER TO ${m}`,
          "CREATE TABLE public.mirror_src (e text)",
          "CREATE TABLE public.mirror_dst (e text)",
          `ALTER TABLE public.mirror_src OWNER TO ${m}`,
          `ALTER TABLE public.mirror_dst OWNER TO ${m}`,
          "CREATE FUNCTION x.mirror_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN PERFORM x.repl_copy(); RETURN NEW; END $f$",
          "CREATE TRIGGER mirror_hook BEFORE INSERT ON public.mirror_dst FOR EACH ROW EXECUTE FUNCTION x.mirror_hook()",
          "CREATE RULE mirror_copy AS ON INSERT TO public.mirror_src DO ALSO INSERT INTO public.mirror_dst VALUES (NEW.e)",
          "ALTER TABLE public.mirror_src ENABLE REPLICA RULE mirror_copy",
          `CREATE FUNCTION public.mirror(e text) RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ INSERT INTO public.mirror_src VALUES (e) $f$`,
          `ALTER FUNCTION public.mirror(text) OWNER TO ${m}`,
          "CREATE TABLE public.sweeps (e text)",
          "CREATE TABLE public.sweep_p (e text)",
          "CREATE TABLE public.sweep_c () INHERITS (public.sweep_p)",
          "INSERT INTO public.sweeps VALUES ('a')",
          "INSERT INTO public.sweep_c VALUES ('a')",
          `ALTER TABLE public.sweeps OWNER TO ${m}`,
          `ALTER TABLE public.sweep_p OWNER TO ${m}`,
          `ALTER TABLE public.sweep_c OWNER TO ${m}`,
          "CREATE FUNCTION x.sweep_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN PERFORM x.only_child(); RETURN OLD; END $f$",
          "CREATE TRIGGER sweep_hook BEFORE DELETE ON public.sweep_c FOR EACH ROW EXECUTE FUNCTION x.sweep_hook()",
          "CREATE RULE sweeps_also AS ON DELETE TO public.sweeps DO ALSO DELETE FROM ONLY public.sweep_p WHERE e = OLD.e",
          `CREATE FUNCTION public.sweep_rows() RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ DELETE FROM public.sweeps $f$`,
          `ALTER FUNCTION public.sweep_rows() OWNER TO ${m}`,
          // Found live by a third review (helper-58): a DELETE through a view evaluates its WHERE
          // clause, whose subquery reads a table whose policy is for the view's owner; a rule's
          // condition reads a table whose policy is for the rule relation's owner.
          "CREATE TABLE public.w_src (e text)",
          "CREATE TABLE public.w_gate (e text)",
          "INSERT INTO public.w_src VALUES ('a')",
          "INSERT INTO public.w_gate VALUES ('a')",
          "ALTER TABLE public.w_gate ENABLE ROW LEVEL SECURITY",
          `CREATE POLICY w_gate_seen ON public.w_gate FOR SELECT TO ${q(role.viewown)} USING (x.where_read() IS NULL)`,
          `GRANT SELECT, DELETE ON public.w_src TO ${q(role.viewown)}`,
          `GRANT SELECT ON public.w_gate TO ${q(role.viewown)}`,
          "CREATE VIEW public.w_view AS SELECT e FROM public.w_src WHERE e IN (SELECT e FROM public.w_gate)",
          `ALTER VIEW public.w_view OWNER TO ${q(role.viewown)}`,
          `GRANT DELETE ON public.w_view TO ${m}`,
          `CREATE FUNCTION public.prune() RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ DELETE FROM public.w_view $f$`,
          `ALTER FUNCTION public.prune() OWNER TO ${m}`,
          "CREATE TABLE public.c_src (e text)",
          "CREATE TABLE public.c_dst (e text)",
          "CREATE TABLE public.c_gate (e text)",
          "INSERT INTO public.c_gate VALUES ('a')",
          "ALTER TABLE public.c_gate ENABLE ROW LEVEL SECURITY",
          `CREATE POLICY c_gate_seen ON public.c_gate FOR SELECT TO ${q(role.viewown)} USING (x.cond_read() IS NULL)`,
          `GRANT SELECT ON public.c_gate TO ${q(role.viewown)}`,
          ...["c_src", "c_dst"].map((t) => `ALTER TABLE public.${t} OWNER TO ${q(role.viewown)}`),
          "CREATE RULE c_gated AS ON INSERT TO public.c_src WHERE EXISTS (SELECT 1 FROM public.c_gate) DO ALSO INSERT INTO public.c_dst VALUES (NEW.e)",
          `GRANT INSERT ON public.c_src TO ${m}`,
          `CREATE FUNCTION public.submit(e text) RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ INSERT INTO public.c_src VALUES (e) $f$`,
          `ALTER FUNCTION public.submit(text) OWNER TO ${m}`,
          // A definer whose owner holds nothing on the queue.
          `CREATE FUNCTION public.low_definer() RETURNS void LANGUAGE sql SECURITY DEFINER ${pinned} AS $f$ SELECT x.low_note() $f$`,
          `ALTER FUNCTION public.low_definer() OWNER TO ${q(role.nobody)}`,
        ])
          await c.query(sql);
      });
      await refill();
      const target: PostgresTarget = {
        name: `definer-callees-${sfx}`,
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
      await asAdmin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${q(database)} WITH (FORCE)`);
        for (const n of NAMES) await c.query(`DROP ROLE IF EXISTS ${q(role[n])}`);
      }, "postgres");
      await server.stop();
    });

    const unexpected = (who: Name) =>
      results.filter((r) => r.checkId === "pg-unexpected-principal" && r.status === "FAIL" && r.subject === role[who]);
    const paths = (r: CheckResult | undefined) => (r?.evidence.paths as string[] | undefined) ?? [];
    /** Replace the callee, run `trigger` as `who`, and put everything back. */
    const tried = async (key: string, who: Name, trigger: string) => {
      const owner = (CALLEES[key] as { owner: Name }).owner;
      await as(owner, (c) => c.query(replace(key)));
      try {
        const refusal = await attempt(who, trigger);
        return { refusal, left: await jobs() };
      } finally {
        await asAdmin((c) => c.query(harmless(key)));
        await refill();
      }
    };

    /** Each callee's owner, refused the queue itself, empties it by replacing its callee and running `call`. */
    const takeTheQueue = async (cases: readonly (readonly [key: string, who: Name, call: string])[]) => {
      for (const [key, who, call] of cases) {
        expect(await attempt(who, "DELETE FROM public.delayed_jobs")).toBe("42501");
        expect(await tried(key, who, call)).toEqual({ refusal: undefined, left: 0 });
      }
    };
    /** The owner is reported with a path through `way`. */
    const reportedThrough = (who: Name, way: string) => expect(paths(unexpected(who)[0])).toContainEqual(expect.stringContaining(way));

    it("observes everything as the CONNECT-only audit role, with no ERROR", () => {
      expect(results.filter((r) => r.status === "ERROR")).toEqual([]);
    });

    it("a callee's owner empties the queue by calling the table owner's definer function, and is reported with the owner's whole access", async () => {
      expect(await attempt("intern", "DELETE FROM public.delayed_jobs")).toBe("42501");
      expect(await tried("note", "intern", "SELECT public.tidy_queue()")).toEqual({ refusal: undefined, left: 0 });
      const found = unexpected("intern");
      expect(found).toHaveLength(1);
      expect(found[0]?.evidence.privileges).toEqual(
        expect.arrayContaining(["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]),
      );
      expect(paths(found[0])).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^${role.intern} -\\(owns function\\)-> x\\.note\\(\\) \\[called by public\\.tidy_queue\\(\\) -\\(calls\\)-> x\\.note\\(\\): runs as the SECURITY DEFINER caller's owner ${role.migrator} whenever it is called\\] -> SELECT, INSERT, UPDATE, DELETE, TRUNCATE`,
          ),
        ),
      );
    });

    it("through a definer trigger on another table, a worker's INSERT there runs the callee as the table's owner", async () => {
      expect(await tried("stamp", "worker", "INSERT INTO public.job_log VALUES ('done')")).toEqual({ refusal: undefined, left: 0 });
      expect(paths(unexpected("stamper")[0])).toContainEqual(
        expect.stringContaining(
          `x.stamp() [called by public.log_stamp() -(calls)-> x.stamp(): runs as the SECURITY DEFINER caller's owner ${role.migrator} whenever it is called]`,
        ),
      );
    });

    it("at any depth, through another role's invoker function, each owner on the way is reported", async () => {
      expect(await tried("deepest", "deep", "SELECT public.report()")).toEqual({ refusal: undefined, left: 0 });
      expect(paths(unexpected("deep")[0])).toContainEqual(
        expect.stringContaining("x.deepest() [called by public.report() -(calls)-> x.middle() -(calls)-> x.deepest():"),
      );
      // The middle function's owner may replace it just the same.
      expect(paths(unexpected("nobody")[0])).toContainEqual(
        expect.stringContaining("x.middle() [called by public.report() -(calls)-> x.middle():"),
      );
    });

    it("behind a definer of a role with no rights, the callee first makes that definer an invoker, then runs as the outer definer's owner", async () => {
      await as("leafer", (c) =>
        c.query(
          replace(
            "leaf",
            `IF current_user = '${role.middef}' THEN ALTER FUNCTION x.mid_definer() SECURITY INVOKER; ELSE DELETE FROM public.delayed_jobs; END IF`,
          ),
        ),
      );
      try {
        // The first call runs it as the middle definer's owner, who owns that definer.
        expect(await attempt("leafer", "SELECT public.nightly()")).toBeUndefined();
        expect(await jobs()).toBe(3);
        // The second runs it as the table's owner.
        expect(await attempt("leafer", "SELECT public.nightly()")).toBeUndefined();
        expect(await jobs()).toBe(0);
      } finally {
        await asAdmin(async (c) => {
          await c.query(harmless("leaf"));
          await c.query("ALTER FUNCTION x.mid_definer() SECURITY DEFINER");
        });
        await refill();
      }
      const leafer = paths(unexpected("leafer")[0]);
      expect(leafer).toContainEqual(
        expect.stringContaining(
          `x.leaf() [called by public.nightly() -(calls)-> x.mid_definer() -(calls)-> x.leaf(): runs as the SECURITY DEFINER caller's owner ${role.migrator} whenever it is called]`,
        ),
      );
      // As the middle definer's owner it gets only what that owner holds: nothing, no path.
      expect(leafer.filter((p) => p.includes(`owner ${role.middef}`))).toEqual([]);
      // The middle definer's owner may make it an invoker without running anything.
      expect(paths(unexpected("middef")[0])).toContainEqual(
        expect.stringContaining(
          `x.mid_definer() [called by public.nightly() -(calls)-> x.mid_definer(): runs as the SECURITY DEFINER caller's owner ${role.migrator}`,
        ),
      );
    });

    it("a callee the definer's owner may not execute is no shield: its owner grants EXECUTE, then replaces it", async () => {
      expect(await tried("locked", "locker", "SELECT public.guarded()")).toEqual({ refusal: "42501", left: 3 });
      await as("locker", (c) => c.query(`GRANT EXECUTE ON FUNCTION x.locked() TO ${q(role.migrator)}`));
      try {
        expect(await tried("locked", "locker", "SELECT public.guarded()")).toEqual({ refusal: undefined, left: 0 });
      } finally {
        await asAdmin((c) => c.query(`REVOKE EXECUTE ON FUNCTION x.locked() FROM ${q(role.migrator)}`));
      }
      expect(paths(unexpected("locker")[0])).toContainEqual(
        expect.stringContaining("x.locked() [called by public.guarded() -(calls)-> x.locked():"),
      );
    });

    it("the owner of the callee's schema drops the table owner's function and creates its own in its place", async () => {
      expect(
        await attempt(
          "schemer",
          "DROP FUNCTION y.scheduled(); CREATE FUNCTION y.scheduled() RETURNS void LANGUAGE plpgsql AS $f$ BEGIN DELETE FROM public.delayed_jobs; END $f$",
        ),
      ).toBeUndefined();
      try {
        expect(await attempt("schemer", "SELECT public.run_scheduled()")).toBeUndefined();
        expect(await jobs()).toBe(0);
      } finally {
        await asAdmin(async (c) => {
          await c.query("CREATE OR REPLACE FUNCTION y.scheduled() RETURNS void LANGUAGE sql AS $f$ SELECT $f$");
          await c.query(`ALTER FUNCTION y.scheduled() OWNER TO ${q(role.migrator)}`);
        });
        await refill();
      }
      expect(paths(unexpected("schemer")[0])).toContainEqual(
        expect.stringContaining(
          `${role.schemer} -(owns)-> schema y [holds y.scheduled(), called by public.run_scheduled() -(calls)-> y.scheduled(): dropped and created again, it runs as the SECURITY DEFINER caller's owner ${role.migrator} whenever it is called]`,
        ),
      );
    });

    it("a definer's write into another table fires that table's invoker triggers as the definer's owner: their functions' owners take the queue", async () => {
      // The trigger function's owner replaces it, and the callee's owner replaces that.
      await as("hooker", (c) =>
        c.query(
          "CREATE OR REPLACE FUNCTION x.audit_log_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN DELETE FROM public.delayed_jobs; RETURN NEW; END $f$",
        ),
      );
      try {
        expect(await attempt("hooker", "SELECT public.log_event('x')")).toBeUndefined();
        expect(await jobs()).toBe(0);
      } finally {
        await asAdmin((c) =>
          c.query(
            "CREATE OR REPLACE FUNCTION x.audit_log_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN PERFORM x.hook(); RETURN NEW; END $f$",
          ),
        );
        await refill();
      }
      expect(await tried("quiet", "quieter", "SELECT public.log_event('y')")).toEqual({ refusal: undefined, left: 3 });
      expect(paths(unexpected("hooker")[0])).toContainEqual(
        expect.stringContaining(
          `x.audit_log_hook() [run by public.log_event(e text) writes public.audit_log -(trigger audit_log_hook)-> x.audit_log_hook(): runs as the SECURITY DEFINER statement's owner ${role.migrator} whenever it runs]`,
        ),
      );
      expect(unexpected("quieter")).toEqual([]);
    });

    it("what a fired trigger writes fires that table's triggers as the same role: their callees' owners take the queue too", async () => {
      expect(await tried("copied", "cascader", "SELECT public.log_event('z')")).toEqual({ refusal: undefined, left: 0 });
      reportedThrough(
        "cascader",
        "x.copied() [run by public.log_event(e text) writes public.audit_log -(trigger audit_forward)-> x.audit_forward() writes public.audit_copy -(trigger audit_copy_hook)-> x.audit_copy_hook() -(calls)-> x.copied():",
      );
    });

    it("a write through a partitioned table fires a partition's own trigger as the definer's owner", async () => {
      await as("partier", (c) =>
        c.query(
          "CREATE OR REPLACE FUNCTION x.partition_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN DELETE FROM public.delayed_jobs; RETURN NEW; END $f$",
        ),
      );
      try {
        expect(await attempt("partier", "SELECT public.record_event('e')")).toBeUndefined();
        expect(await jobs()).toBe(0);
      } finally {
        await asAdmin((c) =>
          c.query("CREATE OR REPLACE FUNCTION x.partition_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$"),
        );
        await refill();
      }
      reportedThrough(
        "partier",
        "x.partition_hook() [run by public.record_event(k text) writes public.events -(trigger events_rest_hook ON public.events_rest)-> x.partition_hook():",
      );
    });

    it("a definer's write runs the written table's column defaults, and its read the table's policies, as the definer's owner: their functions' owners take the queue", async () => {
      await takeTheQueue([
        ["dflt", "defaulter", "SELECT public.note_job('n')"],
        ["seen", "policer", "SELECT public.count_flags()"],
      ]);
      expect(paths(unexpected("defaulter")[0])).toContainEqual(
        expect.stringContaining(
          `x.dflt() [run by public.note_job(e text) writes public.job_notes -(default of column stamp)-> x.dflt(): runs as the SECURITY DEFINER statement's owner ${role.migrator} whenever it runs]`,
        ),
      );
      expect(paths(unexpected("policer")[0])).toContainEqual(
        expect.stringContaining(`x.seen() [run by public.count_flags() reads public.job_flags -(policy job_flags_seen)-> x.seen():`),
      );
      // Found live by a review: a partition's CHECK in a write through the parent, and a view's own default.
      for (const [key, who, call] of [
        ["pchk", "pchecker", "SELECT public.tally('t')"],
        ["vdef", "viewdefer", "SELECT public.memo('m')"],
      ] as const) {
        expect(await tried(key, who, call)).toEqual({ refusal: undefined, left: 0 });
      }
      reportedThrough(
        "pchecker",
        "x.pchk() [run by public.tally(k text) writes public.tallies -(CHECK constraint tallies_rest_check of public.tallies_rest)-> x.pchk():",
      );
      expect(paths(unexpected("viewdefer")[0])).toContainEqual(
        expect.stringContaining("x.vdef() [run by public.memo(e text) writes public.memos_v -(default of column stamp)-> x.vdef():"),
      );
      // An UPDATE that moves a row between partitions fires the destination's INSERT row trigger (found live by a third review).
      await as("mover", (c) =>
        c.query(
          "CREATE OR REPLACE FUNCTION x.lane_hook() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN DELETE FROM public.delayed_jobs; RETURN NEW; END $f$",
        ),
      );
      try {
        expect(await attempt("mover", "DELETE FROM public.delayed_jobs")).toBe("42501");
        expect(await attempt("mover", "SELECT public.promote()")).toBeUndefined();
        expect(await jobs()).toBe(0);
      } finally {
        await refill();
      }
      reportedThrough(
        "mover",
        "x.lane_hook() [run by public.promote() writes public.lanes -(trigger lane_hook ON public.lanes_b)-> x.lane_hook():",
      );
      // Look-alikes, found live by the same review: a policy for another role, and one on a table whose owner the definer's owner inherits.
      expect(await tried("polto", "poltoer", "SELECT public.count_marks()")).toEqual({ refusal: undefined, left: 3 });
      expect(await tried("mem", "memer", "SELECT public.count_pins()")).toEqual({ refusal: undefined, left: 3 });
      expect(await tried("wcheck", "checker", "SELECT public.count_tags()")).toEqual({ refusal: undefined, left: 3 });
      expect(unexpected("checker")).toEqual([]);
      expect(unexpected("poltoer")).toEqual([]);
      expect(unexpected("memer")).toEqual([]);
      // Look-alikes: a default is not evaluated by a read; the table's owner is not subject to its policies.
      expect(await tried("idle", "idler", "SELECT public.count_refs()")).toEqual({ refusal: undefined, left: 3 });
      expect(await tried("bypassed", "bypasser", "SELECT public.count_own()")).toEqual({ refusal: undefined, left: 3 });
      expect(unexpected("idler")).toEqual([]);
      expect(unexpected("bypasser")).toEqual([]);
    });

    it("a definer's write through an auto-updatable view or a rule runs the triggers, defaults and policies of the table it reaches, as the definer's owner", async () => {
      await takeTheQueue([
        ["thru_trig", "thrutrig", "SELECT public.post('p')"],
        ["thru_dflt", "thrudef", "SELECT public.post('p')"],
        ["thru_pol", "thrupol", "SELECT public.post('p')"],
        ["rule_trig", "ruletrig", "SELECT public.receive('r')"],
      ]);
      const via = (who: Name) => paths(unexpected(who)[0]);
      const viaView = "[run by public.post(e text) writes public.outbox_v -(auto-updatable view)-> public.outbox";
      expect(via("thrutrig")).toContainEqual(
        expect.stringContaining(`x.thru_trig() ${viaView} -(trigger outbox_hook)-> x.outbox_hook() -(calls)-> x.thru_trig():`),
      );
      expect(via("thrudef")).toContainEqual(
        expect.stringContaining(`x.thru_dflt() ${viaView} -(default of column stamp)-> x.thru_dflt():`),
      );
      expect(via("thrupol")).toContainEqual(expect.stringContaining(`x.thru_pol() ${viaView} -(policy outbox_viewer)-> x.thru_pol():`));
      expect(via("ruletrig")).toContainEqual(
        expect.stringContaining(
          "x.rule_trig() [run by public.receive(e text) writes public.inbox -(rule inbox_copy)-> public.inbox_copy -(trigger inbox_copy_hook)-> x.inbox_copy_hook() -(calls)-> x.rule_trig():",
        ),
      );
      // Look-alikes: a policy for the definer's owner is not checked through the view; a rule on DELETE never fires on INSERT.
      expect(await tried("thru_miss", "thrumiss", "SELECT public.post('p')")).toEqual({ refusal: undefined, left: 3 });
      expect(await tried("rule_miss", "rulemiss", "SELECT public.receive('r')")).toEqual({ refusal: undefined, left: 3 });
      expect(unexpected("thrumiss")).toEqual([]);
      expect(unexpected("rulemiss")).toEqual([]);
    });

    it("a relation reached twice is judged for each role checked there, and a rule's action on its own table fires that table's triggers (found live by a second review)", async () => {
      await takeTheQueue([
        ["twice", "twicer", "SELECT public.fan('f')"],
        ["bump", "bumper", "SELECT public.count_up('c')"],
      ]);
      reportedThrough(
        "twicer",
        "x.twice() [run by public.fan(e text) writes public.fanout_r -(rule fanout_viewed)-> public.fanout_v -(auto-updatable view)-> public.fanout_t -(policy fanout_viewer)-> x.twice():",
      );
      reportedThrough(
        "bumper",
        "x.bump() [run by public.count_up(e text) writes public.counters -(rule counters_bump)-> public.counters -(trigger counters_hook)-> x.counters_hook() -(calls)-> x.bump():",
      );
    });

    it("a DELETE through a view runs the policies of what its WHERE clause reads, and a rule's condition those of what it reads (found live by a third review)", async () => {
      await takeTheQueue([
        ["where_read", "wherer", "SELECT public.prune()"],
        ["cond_read", "conder", "SELECT public.submit('s')"],
      ]);
      reportedThrough(
        "wherer",
        "x.where_read() [run by public.prune() writes public.w_view -(view)-> public.w_gate -(policy w_gate_seen)-> x.where_read():",
      );
      reportedThrough(
        "conder",
        "x.cond_read() [run by public.submit(e text) writes public.c_src -(rule c_gated)-> public.c_gate -(policy c_gate_seen)-> x.cond_read():",
      );
    });

    it("look-alikes the same review proved: an INSTEAD rule takes the INSERT from the table a view writes, a replica-only rule never fires, ONLY spares the children", async () => {
      expect(await tried("redir", "redirected", "SELECT public.draft('d')")).toEqual({ refusal: undefined, left: 3 });
      expect(await tried("repl_copy", "replicated", "SELECT public.mirror('m')")).toEqual({ refusal: undefined, left: 3 });
      expect(await tried("only_child", "onlyer", "SELECT public.sweep_rows()")).toEqual({ refusal: undefined, left: 3 });
      for (const who of ["redirected", "replicated", "onlyer"] as const) expect(unexpected(who)).toEqual([]);
    });

    it("a definer's read of a view runs the policies of the table under it for the view's owner, as the definer's owner", async () => {
      expect(await attempt("thruread", "DELETE FROM public.delayed_jobs")).toBe("42501");
      expect(await tried("thru_read", "thruread", "SELECT public.count_secrets()")).toEqual({ refusal: undefined, left: 0 });
      reportedThrough(
        "thruread",
        "x.thru_read() [run by public.count_secrets() reads public.secrets_v -(view)-> public.secrets -(policy secrets_viewer)-> x.thru_read():",
      );
      // Through a security_invoker view the definer's owner's own policies apply: the view owner's never runs.
      expect(await tried("read_miss", "readmiss", "SELECT public.count_hidden()")).toEqual({ refusal: undefined, left: 3 });
      expect(unexpected("readmiss")).toEqual([]);
    });

    it("look-alikes fail when tried, and stay silent: an invoker caller, a chain through a function the definer's owner may not execute, a definer whose owner holds nothing, a callee named only in a comment", async () => {
      // The invoker caller runs the callee as whoever calls it: the callee's owner, refused.
      expect(await tried("calm", "calmer", "SELECT public.plain()")).toEqual({ refusal: "42501", left: 3 });
      // The function between the definer and the callee is not the callee owner's to grant: every call fails.
      expect(await tried("behind", "behinder", "SELECT public.gated()")).toEqual({ refusal: "42501", left: 3 });
      // The definer runs it as a role that may not touch the queue.
      expect(await tried("low_note", "lowcallee", "SELECT public.low_definer()")).toEqual({ refusal: "42501", left: 3 });
      // Named only in the definer's comments: never called.
      expect(await tried("retired", "commenter", "SELECT public.sweep()")).toEqual({ refusal: undefined, left: 3 });
      for (const who of ["calmer", "behinder", "lowcallee", "commenter", "migrator", "worker", "auditor"] as const)
        expect(unexpected(who)).toEqual([]);
    });
  });
}
