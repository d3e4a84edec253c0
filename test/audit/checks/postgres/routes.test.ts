/**
 * Routes to the queue through objects and owners, built in a real database on the 5432
 * service (15) and an embedded PostgreSQL 18. Each route is proven the way an attacker
 * would take it (log in as the role and do it) and then asserted as a finding; each
 * control is proven harmless (the attempt is refused) and asserted silent. The audit runs
 * as the documented CONNECT-only audit role.
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
  "web",
  "analyst",
  "reporter",
  "viewer",
  "writer",
  "intern",
  "clerk",
  "signup",
  "hooker",
  "repl",
  "progr",
  "sneaky",
  "caller",
  "noaccess",
  "bypass",
  "group",
  "api",
  "helper",
  "dyn",
  "dynsafe",
  "stamper",
  "stampsafe",
  "filterer",
  "sifter",
  "stacker",
  "shadowed",
  "gated",
  "auditor",
] as const;
type Name = (typeof NAMES)[number];

for (const s of servers) {
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`routes through objects and owners on ${s.name}`, () => {
    const sfx = randomBytes(4).toString("hex");
    const role = Object.fromEntries(NAMES.map((n) => [n, `qr${sfx}_${n}`])) as Record<Name, string>;
    const database = `qr${sfx}_queue`;
    const password = randomBytes(12).toString("hex");
    const envName = `QR_PG_PW_${sfx.toUpperCase()}`;
    let server: PgServer;
    let version = 0;
    let results: CheckResult[] = [];
    let target: PostgresTarget;

    const asAdmin = <T>(fn: (c: pg.Client) => Promise<T>, db = database) => inSession(adminClient(server, db), fn);
    /** Logs in as `who` and runs `fn`; the attacker's own session. */
    const as = <T>(who: Name, fn: (c: pg.Client) => Promise<T>) => inSession(loginClient(server, role[who], password, database), fn);
    const refused = async (who: Name, sql: string) => {
      const err = await as(who, (c) => c.query(sql)).then(
        () => undefined,
        (e: { code?: string }) => e,
      );
      return err?.code;
    };
    const count = () => asAdmin(async (c) => Number((await c.query("SELECT count(*) AS n FROM public.delayed_jobs")).rows[0].n));

    beforeAll(async () => {
      server = await s.start();
      const literal = (await asAdmin((c) => c.query<{ q: string }>("SELECT quote_literal($1) AS q", [password]), "postgres")).rows[0]?.q;
      await asAdmin(async (c) => {
        version = Number((await c.query("SELECT current_setting('server_version_num') AS v")).rows[0].v);
        await c.query(`CREATE DATABASE ${q(database)}`);
        for (const n of NAMES) {
          if (n === "auditor") continue;
          const attrs =
            n === "reporter" || n === "group"
              ? "NOLOGIN"
              : n === "repl"
                ? "LOGIN REPLICATION"
                : n === "bypass"
                  ? "LOGIN BYPASSRLS"
                  : "LOGIN";
          await c.query(`CREATE ROLE ${q(role[n])} ${attrs} PASSWORD ${literal}`);
        }
        for (const sql of auditRoleSql(role.auditor, password, database)) await c.query(sql);
        await c.query(`GRANT pg_execute_server_program TO ${q(role.progr)}`);
        // A Rails habit: the app role owns the database (from 15, pg_database_owner owns public).
        await c.query(`ALTER DATABASE ${q(database)} OWNER TO ${q(role.web)}`);
      }, "postgres");
      const m = q(role.migrator);
      await asAdmin(async (c) => {
        for (const sql of [
          "CREATE TABLE public.delayed_jobs (id bigserial PRIMARY KEY, handler text NOT NULL, run_at timestamptz)",
          `ALTER TABLE public.delayed_jobs OWNER TO ${m}`,
          `ALTER SEQUENCE public.delayed_jobs_id_seq OWNER TO ${m}`,
          `GRANT SELECT, INSERT, UPDATE, DELETE ON public.delayed_jobs TO ${q(role.worker)}`,
          `GRANT USAGE, SELECT ON SEQUENCE public.delayed_jobs_id_seq TO ${q(role.worker)}`,
          `GRANT SELECT, INSERT ON public.delayed_jobs TO ${q(role.web)}`,
          `GRANT USAGE, SELECT ON SEQUENCE public.delayed_jobs_id_seq TO ${q(role.web)}`,
          "INSERT INTO public.delayed_jobs (handler) SELECT '--- !ruby/object:Job {}' FROM generate_series(1, 3)",
          // A reporting view granted to an analyst, and a view over it owned by another role.
          "CREATE VIEW public.jobs_report AS SELECT id, run_at, handler FROM public.delayed_jobs",
          `ALTER VIEW public.jobs_report OWNER TO ${m}`,
          `GRANT SELECT ON public.jobs_report TO ${q(role.analyst)}, ${q(role.reporter)}, ${q(role.group)}`,
          "CREATE VIEW public.jobs_summary AS SELECT id, run_at FROM public.jobs_report",
          `ALTER VIEW public.jobs_summary OWNER TO ${q(role.reporter)}`,
          `GRANT SELECT ON public.jobs_summary TO ${q(role.viewer)}`,
          // An auto-updatable view: UPDATE on it is UPDATE on the table, as its owner.
          "CREATE VIEW public.jobs_edit AS SELECT id, handler, run_at FROM public.delayed_jobs",
          `ALTER VIEW public.jobs_edit OWNER TO ${m}`,
          `GRANT SELECT, UPDATE ON public.jobs_edit TO ${q(role.writer)}`,
          // Still auto-updatable with a subquery in its WHERE clause and select list: it writes
          // the jobs and only reads the list of queues (found missed: it reads two relations).
          "CREATE TABLE public.job_queues (name text)",
          `ALTER TABLE public.job_queues OWNER TO ${m}`,
          "INSERT INTO public.job_queues VALUES ('default'), ('mailers')",
          `CREATE VIEW public.jobs_in_queues AS SELECT id, handler, (SELECT count(*) FROM public.job_queues) AS queues
             FROM public.delayed_jobs WHERE handler IS NOT NULL AND EXISTS (SELECT 1 FROM public.job_queues)`,
          `ALTER VIEW public.jobs_in_queues OWNER TO ${m}`,
          `GRANT DELETE ON public.jobs_in_queues TO ${q(role.filterer)}`,
          // Its look-alike writes the list of queues, and only its WHERE clause reads the jobs.
          `CREATE VIEW public.busy_queues AS SELECT name FROM public.job_queues
             WHERE EXISTS (SELECT 1 FROM public.delayed_jobs WHERE handler IS NOT NULL)`,
          `ALTER VIEW public.busy_queues OWNER TO ${m}`,
          `GRANT DELETE ON public.busy_queues TO ${q(role.sifter)}`,
          // A view over a view that only an INSTEAD OF trigger (a definer one) makes deletable:
          // the outer view's DELETE runs it (found missed by a review).
          `CREATE FUNCTION public.drop_job() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
             AS $$ BEGIN DELETE FROM public.delayed_jobs WHERE id = OLD.id; RETURN OLD; END $$`,
          `ALTER FUNCTION public.drop_job() OWNER TO ${m}`,
          "CREATE VIEW public.distinct_jobs AS SELECT DISTINCT id, handler FROM public.delayed_jobs",
          `ALTER VIEW public.distinct_jobs OWNER TO ${m}`,
          "CREATE TRIGGER distinct_jobs_delete INSTEAD OF DELETE ON public.distinct_jobs FOR EACH ROW EXECUTE FUNCTION public.drop_job()",
          "CREATE VIEW public.stacked_jobs AS SELECT id, handler FROM public.distinct_jobs",
          `ALTER VIEW public.stacked_jobs OWNER TO ${m}`,
          `GRANT DELETE ON public.stacked_jobs TO ${q(role.stacker)}`,
          // Its look-alike: an auto-updatable view whose INSTEAD OF trigger does nothing takes the DELETE from the table.
          "CREATE FUNCTION public.keep_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
          "CREATE VIEW public.shadowed_jobs AS SELECT id, handler FROM public.delayed_jobs",
          `ALTER VIEW public.shadowed_jobs OWNER TO ${m}`,
          "CREATE TRIGGER shadowed_jobs_delete INSTEAD OF DELETE ON public.shadowed_jobs FOR EACH ROW EXECUTE FUNCTION public.keep_row()",
          `GRANT DELETE ON public.shadowed_jobs TO ${q(role.shadowed)}`,
          // A conditional INSTEAD rule alone on a view: PostgreSQL refuses every INSERT into it (found by a review).
          "CREATE VIEW public.gated_jobs AS SELECT id, handler FROM public.delayed_jobs WHERE false",
          `ALTER VIEW public.gated_jobs OWNER TO ${m}`,
          "CREATE RULE gated_insert AS ON INSERT TO public.gated_jobs WHERE NEW.id > 0 DO INSTEAD INSERT INTO public.delayed_jobs (handler) VALUES ('evil')",
          `GRANT INSERT ON public.gated_jobs TO ${q(role.gated)}`,
          // SECURITY DEFINER functions: one PUBLIC may execute (the default), one granted to the intern.
          `CREATE FUNCTION public.purge_jobs() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
             AS $$ WITH d AS (DELETE FROM public.delayed_jobs RETURNING 1) SELECT count(*) FROM d $$`,
          `ALTER FUNCTION public.purge_jobs() OWNER TO ${m}`,
          `CREATE FUNCTION public.requeue_job(job bigint) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
             AS $$ BEGIN UPDATE "public"."delayed_jobs" SET run_at = now() WHERE id = job; END $$`,
          `ALTER FUNCTION public.requeue_job(bigint) OWNER TO ${m}`,
          "REVOKE EXECUTE ON FUNCTION public.requeue_job(bigint) FROM PUBLIC",
          `GRANT EXECUTE ON FUNCTION public.requeue_job(bigint) TO ${q(role.intern)}`,
          // A rule on another table that writes the queue, as that table's owner.
          "CREATE TABLE public.job_cancellations (job_id bigint)",
          `ALTER TABLE public.job_cancellations OWNER TO ${m}`,
          `GRANT INSERT ON public.job_cancellations TO ${q(role.clerk)}`,
          "CREATE RULE cancel AS ON INSERT TO public.job_cancellations DO ALSO DELETE FROM public.delayed_jobs WHERE id = NEW.job_id",
          // A SECURITY DEFINER trigger function on another table that inserts jobs.
          "CREATE TABLE public.signups (email text)",
          `ALTER TABLE public.signups OWNER TO ${m}`,
          `GRANT INSERT ON public.signups TO ${q(role.signup)}`,
          `CREATE FUNCTION public.signup_mailer() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
             AS $$ BEGIN INSERT INTO public.delayed_jobs (handler) VALUES ('mail ' || NEW.email); RETURN NEW; END $$`,
          `ALTER FUNCTION public.signup_mailer() OWNER TO ${m}`,
          "CREATE TRIGGER signup_mail AFTER INSERT ON public.signups FOR EACH ROW EXECUTE FUNCTION public.signup_mailer()",
          // A trigger on the queue table whose (invoker) function another role owns, in its own schema.
          `CREATE SCHEMA hooks AUTHORIZATION ${q(role.hooker)}`,
          "CREATE FUNCTION hooks.jobs_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.run_at := coalesce(NEW.run_at, now()); RETURN NEW; END $$",
          `ALTER FUNCTION hooks.jobs_touch() OWNER TO ${q(role.hooker)}`,
          "CREATE TRIGGER jobs_touch BEFORE INSERT OR UPDATE ON public.delayed_jobs FOR EACH ROW EXECUTE FUNCTION hooks.jobs_touch()",
          // An unsafe definer function: no SET search_path, granted to one role with a schema of its own.
          `CREATE SCHEMA sneaky AUTHORIZATION ${q(role.sneaky)}`,
          `CREATE FUNCTION public.job_count() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
             AS $$ BEGIN RETURN (SELECT count(*) FROM public.delayed_jobs WHERE lower(handler) LIKE '%job%'); END $$`,
          `ALTER FUNCTION public.job_count() OWNER TO ${m}`,
          "REVOKE EXECUTE ON FUNCTION public.job_count() FROM PUBLIC",
          `GRANT EXECUTE ON FUNCTION public.job_count() TO ${q(role.sneaky)}`,
          // A definer function that calls an invoker function that updates jobs: the call runs as the definer's owner.
          `CREATE FUNCTION public.requeue_impl(job bigint) RETURNS void LANGUAGE plpgsql
             AS $$ BEGIN UPDATE public.delayed_jobs SET run_at = now() WHERE id = job; END $$`,
          `ALTER FUNCTION public.requeue_impl(bigint) OWNER TO ${m}`,
          "REVOKE EXECUTE ON FUNCTION public.requeue_impl(bigint) FROM PUBLIC",
          `CREATE FUNCTION public.api_requeue(job bigint) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
             AS $$ BEGIN PERFORM Public.Requeue_Impl(job); END $$`,
          `ALTER FUNCTION public.api_requeue(bigint) OWNER TO ${m}`,
          "REVOKE EXECUTE ON FUNCTION public.api_requeue(bigint) FROM PUBLIC",
          `GRANT EXECUTE ON FUNCTION public.api_requeue(bigint) TO ${q(role.api)}`,
          // A trigger on the queue (its function the table owner's) that calls a function another role owns.
          `CREATE SCHEMA helpers AUTHORIZATION ${q(role.helper)}`,
          "GRANT USAGE ON SCHEMA helpers TO PUBLIC",
          "CREATE FUNCTION helpers.normalize_handler(h text) RETURNS text LANGUAGE sql AS $$ SELECT h $$",
          `ALTER FUNCTION helpers.normalize_handler(text) OWNER TO ${q(role.helper)}`,
          "CREATE FUNCTION public.jobs_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.handler := helpers.normalize_handler(NEW.handler); RETURN NEW; END $$",
          `ALTER FUNCTION public.jobs_stamp() OWNER TO ${m}`,
          "CREATE TRIGGER jobs_stamp BEFORE INSERT ON public.delayed_jobs FOR EACH ROW EXECUTE FUNCTION public.jobs_stamp()",
          // Dynamic SQL in a definer function: the table name is built at run time.
          `CREATE FUNCTION public.purge_table(t text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
             AS $$ BEGIN EXECUTE format('DELETE FROM %I.%I', 'public', t); END $$`,
          `ALTER FUNCTION public.purge_table(text) OWNER TO ${m}`,
          "REVOKE EXECUTE ON FUNCTION public.purge_table(text) FROM PUBLIC",
          `GRANT EXECUTE ON FUNCTION public.purge_table(text) TO ${q(role.dyn)}`,
          // Look-alikes: EXECUTE whose statement names another table with a value bound by %L, and a SECURITY INVOKER one.
          "CREATE TABLE public.delayed_jobs_archive (id bigint)",
          `ALTER TABLE public.delayed_jobs_archive OWNER TO ${m}`,
          `CREATE FUNCTION public.purge_archived(job bigint) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
             AS $$ BEGIN EXECUTE format('DELETE FROM public.delayed_jobs_archive WHERE id = %L', job); END $$`,
          `ALTER FUNCTION public.purge_archived(bigint) OWNER TO ${m}`,
          "REVOKE EXECUTE ON FUNCTION public.purge_archived(bigint) FROM PUBLIC",
          `GRANT EXECUTE ON FUNCTION public.purge_archived(bigint) TO ${q(role.dynsafe)}`,
          "CREATE FUNCTION public.purge_any(t text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'DELETE FROM ' || quote_ident(t); END $$",
          `ALTER FUNCTION public.purge_any(text) OWNER TO ${m}`,
          // A definer trigger function with no SET search_path on a table one role may insert into;
          // its look-alike pins the path. Each writer has a schema of its own to plant in.
          "CREATE TABLE public.job_events (id bigserial PRIMARY KEY, kind text)",
          `ALTER TABLE public.job_events OWNER TO ${m}`,
          `ALTER SEQUENCE public.job_events_id_seq OWNER TO ${m}`,
          `GRANT INSERT ON public.job_events TO ${q(role.stamper)}`,
          `GRANT USAGE ON SEQUENCE public.job_events_id_seq TO ${q(role.stamper)}`,
          `CREATE FUNCTION public.job_event_kind() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
             AS $$ BEGIN NEW.kind := lower(NEW.kind); RETURN NEW; END $$`,
          `ALTER FUNCTION public.job_event_kind() OWNER TO ${m}`,
          "CREATE TRIGGER job_event_kind BEFORE INSERT ON public.job_events FOR EACH ROW EXECUTE FUNCTION public.job_event_kind()",
          `CREATE SCHEMA stamp AUTHORIZATION ${q(role.stamper)}`,
          "CREATE TABLE public.job_notes (id bigserial PRIMARY KEY, kind text)",
          `ALTER TABLE public.job_notes OWNER TO ${m}`,
          `ALTER SEQUENCE public.job_notes_id_seq OWNER TO ${m}`,
          `GRANT INSERT ON public.job_notes TO ${q(role.stampsafe)}`,
          `GRANT USAGE ON SEQUENCE public.job_notes_id_seq TO ${q(role.stampsafe)}`,
          `CREATE FUNCTION public.job_note_kind() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
             AS $$ BEGIN NEW.kind := lower(NEW.kind); RETURN NEW; END $$`,
          `ALTER FUNCTION public.job_note_kind() OWNER TO ${m}`,
          "CREATE TRIGGER job_note_kind BEFORE INSERT ON public.job_notes FOR EACH ROW EXECUTE FUNCTION public.job_note_kind()",
          `CREATE SCHEMA stampsafe AUTHORIZATION ${q(role.stampsafe)}`,
          // The same unpinned function as job_events', on a table whose trigger fires only on replicas.
          "CREATE TABLE public.job_mirror (id bigserial PRIMARY KEY, kind text)",
          `ALTER TABLE public.job_mirror OWNER TO ${m}`,
          `ALTER SEQUENCE public.job_mirror_id_seq OWNER TO ${m}`,
          `GRANT INSERT ON public.job_mirror TO ${q(role.stampsafe)}`,
          `GRANT USAGE ON SEQUENCE public.job_mirror_id_seq TO ${q(role.stampsafe)}`,
          "CREATE TRIGGER job_mirror_kind BEFORE INSERT ON public.job_mirror FOR EACH ROW EXECUTE FUNCTION public.job_event_kind()",
          "ALTER TABLE public.job_mirror ENABLE REPLICA TRIGGER job_mirror_kind",
          // Controls: a SECURITY INVOKER function, a definer function and a view owned by a role with no access.
          "CREATE FUNCTION public.invoker_purge() RETURNS void LANGUAGE sql AS $$ DELETE FROM public.delayed_jobs $$",
          `CREATE FUNCTION public.noaccess_purge() RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
             AS $$ DELETE FROM public.delayed_jobs $$`,
          `ALTER FUNCTION public.noaccess_purge() OWNER TO ${q(role.noaccess)}`,
          "CREATE VIEW public.noaccess_view AS SELECT id FROM public.delayed_jobs",
          `ALTER VIEW public.noaccess_view OWNER TO ${q(role.noaccess)}`,
          `GRANT SELECT ON public.noaccess_view TO ${q(role.caller)}`,
          ...(version >= 150000
            ? [
                "CREATE VIEW public.jobs_invoker WITH (security_invoker = true) AS SELECT id, handler FROM public.delayed_jobs",
                `ALTER VIEW public.jobs_invoker OWNER TO ${m}`,
                `GRANT SELECT, UPDATE ON public.jobs_invoker TO ${q(role.caller)}`,
              ]
            : []),
        ]) {
          await c.query(sql);
        }
      });
      target = {
        name: `routes-${sfx}`,
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
        principals: { [role.worker]: ["SELECT", "INSERT", "UPDATE", "DELETE"], [role.web]: ["SELECT", "INSERT"] },
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

    const finding = (checkId: string, who: Name) =>
      results.find((r) => r.checkId === checkId && r.status === "FAIL" && r.subject === role[who]);
    const unexpected = (who: Name) => finding("pg-unexpected-principal", who);
    const paths = (r: CheckResult | undefined) => (r?.evidence.paths as string[] | undefined) ?? [];

    it("observes everything as the CONNECT-only audit role, with no ERROR", () => {
      expect(results.filter((r) => r.status === "ERROR")).toEqual([]);
    });

    it("a migration holding a view over a table that runs no one's code does not make the audit wait (found by a review)", async () => {
      await asAdmin((c) =>
        c.query("CREATE TABLE public.unrelated (x int); CREATE VIEW public.unrelated_v AS SELECT x FROM public.unrelated"),
      );
      const holder = adminClient(server, database);
      await holder.connect();
      try {
        await holder.query("BEGIN");
        await holder.query("ALTER VIEW public.unrelated_v ALTER COLUMN x SET DEFAULT 1");
        const quick = { ...target, connection: { ...target.connection, statementTimeoutSeconds: 3 } };
        const observations = await probePostgres([quick], { credentials: { env: { [envName]: password } } });
        const again = postgresChecks.flatMap((c) =>
          c.evaluate(context(config({ postgres: [quick] }), undefined, { postgres: observations })),
        );
        expect(again.filter((r) => r.status === "ERROR")).toEqual([]);
      } finally {
        await holder.query("ROLLBACK");
        await holder.end();
      }
    });

    it("a reporting view: the analyst reads the jobs with the view owner's rights", async () => {
      expect(await as("analyst", async (c) => (await c.query("SELECT handler FROM public.jobs_report")).rowCount)).toBe(3);
      expect(await refused("analyst", "SELECT handler FROM public.delayed_jobs")).toBe("42501");
      expect(unexpected("analyst")?.evidence.privileges).toEqual(["SELECT"]);
      expect(paths(unexpected("analyst"))).toContain(
        `${role.analyst} -(SELECT)-> public.jobs_report [view, owner ${role.migrator}] -> SELECT`,
      );
    });

    it("a view over a view: each owner's rights compose", async () => {
      expect(await as("viewer", async (c) => (await c.query("SELECT id FROM public.jobs_summary")).rowCount)).toBe(3);
      expect(paths(unexpected("viewer"))).toContain(
        `${role.viewer} -(SELECT)-> public.jobs_summary [view, owner ${role.reporter}] -(SELECT)-> public.jobs_report [view, owner ${role.migrator}] -> SELECT`,
      );
    });

    it("an auto-updatable view: UPDATE on the view rewrites jobs, payload included", async () => {
      const updated = await as("writer", async (c) => {
        await c.query("BEGIN");
        const r = await c.query("UPDATE public.jobs_edit SET handler = '--- !ruby/object:Evil {}'");
        await c.query("ROLLBACK");
        return r.rowCount;
      });
      expect(updated).toBe(3);
      expect(unexpected("writer")?.evidence.privileges).toEqual(["SELECT", "UPDATE"]);
      expect(paths(unexpected("writer"))).toContain(
        `${role.writer} -(UPDATE)-> public.jobs_edit [view, owner ${role.migrator}] (auto-updatable) -> UPDATE`,
      );
    });

    it("an auto-updatable view whose WHERE clause reads another table: DELETE on it empties the queue; its look-alike writes only that table", async () => {
      const deleted = (who: Name, view: string) =>
        as(who, async (c) => {
          await c.query("BEGIN");
          try {
            return (await c.query(`DELETE FROM public.${view}`)).rowCount;
          } finally {
            await c.query("ROLLBACK");
          }
        });
      expect(await deleted("filterer", "jobs_in_queues")).toBe(3);
      expect(await refused("filterer", "DELETE FROM public.delayed_jobs")).toBe("42501");
      expect(unexpected("filterer")?.evidence.privileges).toEqual(["DELETE"]);
      expect(paths(unexpected("filterer"))).toContain(
        `${role.filterer} -(DELETE)-> public.jobs_in_queues [view, owner ${role.migrator}] (auto-updatable) -> DELETE`,
      );
      // The look-alike deletes the two queues' names and no job: silent.
      expect(await deleted("sifter", "busy_queues")).toBe(2);
      expect(await count()).toBe(3);
      expect(unexpected("sifter")).toBeUndefined();
    });

    it("a view over a view whose INSTEAD OF trigger deletes jobs: DELETE on the outer view runs it; a view whose INSTEAD OF trigger keeps the row deletes nothing", async () => {
      expect(await refused("stacker", "DELETE FROM public.distinct_jobs")).toBe("42501");
      expect(await refused("stacker", "DELETE FROM public.stacked_jobs")).toBeUndefined();
      try {
        expect(await count()).toBe(0);
      } finally {
        // The same three jobs back, ids included, for the tests after this one.
        await asAdmin((c) =>
          c.query("INSERT INTO public.delayed_jobs (id, handler) SELECT g, '--- !ruby/object:Job {}' FROM generate_series(1, 3) g"),
        );
      }
      expect(unexpected("stacker")?.evidence.privileges).toEqual(["DELETE"]);
      expect(paths(unexpected("stacker"))).toContainEqual(
        expect.stringContaining(`${role.stacker} -(DELETE)-> public.stacked_jobs [view, owner ${role.migrator}] (auto-updatable)`),
      );
      // A conditional INSTEAD rule alone: every INSERT is refused, and silent.
      expect(await refused("gated", "INSERT INTO public.gated_jobs (id, handler) VALUES (7, 'x')")).toBe("55000");
      expect(unexpected("gated")).toBeUndefined();
      // The trigger runs as the caller and keeps every row: the queue is untouched, and silent.
      expect(await refused("shadowed", "DELETE FROM public.shadowed_jobs")).toBeUndefined();
      expect(await count()).toBe(3);
      expect(unexpected("shadowed")).toBeUndefined();
    });

    it("a SECURITY DEFINER function granted to the intern updates jobs as its owner", async () => {
      await as("intern", (c) => c.query("SELECT public.requeue_job(1)"));
      expect(await refused("intern", "UPDATE public.delayed_jobs SET run_at = now()")).toBe("42501");
      expect(paths(unexpected("intern"))).toContain(
        `${role.intern} -(EXECUTE)-> public.requeue_job(job bigint) [SECURITY DEFINER, owner ${role.migrator}; body text names the table] -> UPDATE`,
      );
    });

    it("a definer function PUBLIC may execute: every role can delete jobs, reported once as PUBLIC's, and the auditor's too", async () => {
      const deleted = await as("auditor", async (c) => {
        await c.query("BEGIN READ WRITE");
        const n = Number((await c.query("SELECT public.purge_jobs() AS n")).rows[0].n);
        await c.query("ROLLBACK");
        return n;
      });
      expect(deleted).toBe(3);
      const pub = results.find((r) => r.checkId === "pg-public-privilege" && r.status === "FAIL");
      expect(pub?.evidence.routes).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^PUBLIC -\(EXECUTE\)-> public\.purge_jobs\(\) \[SECURITY DEFINER, owner \S+; body text names the table\] -> DELETE$/,
          ),
        ]),
      );
      const auditor = results.find((r) => r.checkId === "pg-auditor-overprivileged");
      expect(auditor?.status).toBe("FAIL");
      expect(auditor?.evidence.writes).toMatchObject({ "public.delayed_jobs": expect.arrayContaining(["DELETE"]) });
      // Not repeated for every role on the server.
      expect(unexpected("caller")).toBeUndefined();
    });

    it("a rule on another table deletes jobs as that table's owner", async () => {
      const before = await count();
      await as("clerk", (c) => c.query("INSERT INTO public.job_cancellations SELECT min(id) FROM generate_series(1, 1) AS g(id)"));
      expect(await count()).toBe(before - 1);
      await asAdmin((c) => c.query("INSERT INTO public.delayed_jobs (handler) VALUES ('--- !ruby/object:Job {}')"));
      expect(paths(unexpected("clerk"))).toContain(
        `${role.clerk} -(INSERT)-> rule cancel ON INSERT TO public.job_cancellations [DO ALSO, owner ${role.migrator}] -> SELECT, DELETE`,
      );
      // The clerk cannot delete a job by itself.
      expect(await refused("clerk", "DELETE FROM public.delayed_jobs")).toBe("42501");
    });

    it("a SECURITY DEFINER trigger function on another table inserts jobs", async () => {
      const before = await count();
      await as("signup", (c) => c.query("INSERT INTO public.signups VALUES ('a@example.com')"));
      expect(await count()).toBe(before + 1);
      await asAdmin((c) => c.query("DELETE FROM public.delayed_jobs WHERE handler LIKE 'mail %'"));
      expect(paths(unexpected("signup"))).toContain(
        `${role.signup} -(INSERT)-> trigger signup_mail ON public.signups -> public.signup_mailer() [SECURITY DEFINER, owner ${role.migrator}; body text names the table] -> INSERT`,
      );
    });

    it("the owner of a trigger function on the queue rewrites every worker's job", async () => {
      await as("hooker", (c) =>
        c.query(
          "CREATE OR REPLACE FUNCTION hooks.jobs_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.handler := '--- !ruby/object:Hooked {}'; RETURN NEW; END $$",
        ),
      );
      await as("worker", (c) => c.query("INSERT INTO public.delayed_jobs (handler) VALUES ('--- !ruby/object:Job {}')"));
      const hooked = await asAdmin(async (c) => (await c.query("DELETE FROM public.delayed_jobs WHERE handler LIKE '%Hooked%'")).rowCount);
      expect(hooked).toBe(1);
      await asAdmin((c) =>
        c.query(
          "CREATE OR REPLACE FUNCTION hooks.jobs_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.run_at := coalesce(NEW.run_at, now()); RETURN NEW; END $$",
        ),
      );
      const f = unexpected("hooker");
      // The migrator's definer functions that write the queue fire it too, as the migrator: whatever it may do.
      expect(f?.evidence.privileges).toEqual(expect.arrayContaining(["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"]));
      expect(paths(f)).toContainEqual(
        expect.stringContaining(
          `hooks.jobs_touch() [run by public.requeue_job(job bigint) writes public.delayed_jobs -(trigger jobs_touch)-> hooks.jobs_touch();`,
        ),
      );
      expect(paths(f)[0]).toMatch(
        new RegExp(
          `^${role.hooker} -\\(owns function\\)-> hooks\\.jobs_touch\\(\\) \\[trigger jobs_touch BEFORE INSERT OR UPDATE ON public\\.delayed_jobs`,
        ),
      );
      expect(f?.evidence.payloadColumns).toEqual(["handler"]);
      expect(f?.severity).toBe("critical");
      expect(f?.message).toContain("code execution on the workers");
    });

    it("the database owner controls public through pg_database_owner (15+) and can drop the queue", async () => {
      const dropped = await as("web", async (c) => {
        await c.query("BEGIN");
        await c.query("DROP TABLE public.delayed_jobs CASCADE");
        await c.query("ROLLBACK");
        return true;
      });
      expect(dropped).toBe(true);
      // As public's owner it also drops the migrator's requeue_impl, which api_requeue calls,
      // and creates its own: the api role's next call runs it as the migrator.
      await as("web", (c) =>
        c.query(
          "DROP FUNCTION public.requeue_impl(bigint); CREATE FUNCTION public.requeue_impl(job bigint) RETURNS void LANGUAGE plpgsql AS $$ BEGIN DELETE FROM public.delayed_jobs WHERE id = job; END $$",
        ),
      );
      const job = await asAdmin(async (c) => (await c.query("SELECT min(id) AS id FROM public.delayed_jobs")).rows[0]?.id);
      try {
        await as("api", (c) => c.query("SELECT public.api_requeue($1)", [job]));
        expect((await asAdmin((c) => c.query("SELECT 1 FROM public.delayed_jobs WHERE id = $1", [job]))).rowCount).toBe(0);
      } finally {
        await asAdmin(async (c) => {
          await c.query(
            "CREATE OR REPLACE FUNCTION public.requeue_impl(job bigint) RETURNS void LANGUAGE plpgsql AS $$ BEGIN UPDATE public.delayed_jobs SET run_at = now() WHERE id = job; END $$",
          );
          await c.query(`ALTER FUNCTION public.requeue_impl(bigint) OWNER TO ${q(role.migrator)}`);
          await c.query("REVOKE EXECUTE ON FUNCTION public.requeue_impl(bigint) FROM PUBLIC");
          await c.query("INSERT INTO public.delayed_jobs (id, handler) VALUES ($1, '--- !ruby/object:Job {}')", [job]);
        });
      }
      const f = finding("pg-excess-privilege", "web");
      expect(f?.evidence.excess).toEqual(expect.arrayContaining(["UPDATE", "DELETE", "TRUNCATE", "DROP"]));
      expect(f?.evidence.paths).toContain(`${role.web} -(owns database)-> pg_database_owner -(owns)-> schema public -> DROP`);
      expect(f?.evidence.paths).toContainEqual(
        expect.stringContaining(
          `${role.web} -(owns database)-> pg_database_owner -(owns)-> schema public [holds public.requeue_impl(job bigint), called by public.api_requeue(job bigint) -(calls)-> public.requeue_impl(job bigint): dropped and created again, it runs as the SECURITY DEFINER caller's owner ${role.migrator} whenever it is called]`,
        ),
      );
      expect(f?.severity).toBe("critical");
    });

    it("an unsafe definer function: the caller plants lower() and runs it as the owner", async () => {
      await as("sneaky", async (c) => {
        await c.query(
          "CREATE FUNCTION sneaky.lower(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN UPDATE public.delayed_jobs SET handler = '--- !ruby/object:Sneaky {}'; RETURN $1; END $$",
        );
        // The body runs as the owner, who must be able to look into the planted schema.
        await c.query("GRANT USAGE ON SCHEMA sneaky TO PUBLIC");
        await c.query("SET search_path = sneaky, pg_catalog, public");
        await c.query("SELECT public.job_count()");
      });
      const hijacked = await asAdmin(
        async (c) => (await c.query("SELECT count(*) AS n FROM public.delayed_jobs WHERE handler LIKE '%Sneaky%'")).rows[0].n,
      );
      expect(Number(hijacked)).toBeGreaterThan(0);
      await asAdmin((c) => c.query("UPDATE public.delayed_jobs SET handler = '--- !ruby/object:Job {}'"));
      const unsafe = results.find((r) => r.checkId === "pg-unsafe-definer-function" && r.status === "FAIL");
      expect(unsafe).toMatchObject({
        subject: "public.job_count()",
        evidence: {
          owner: role.migrator,
          executableBy: [role.sneaky],
          reason: "search_path not pinned (no SET search_path): it is the caller's",
        },
        fix: { kind: "sql", commands: [`ALTER FUNCTION public.job_count() SET search_path = pg_catalog, pg_temp;`] },
      });
      const f = unexpected("sneaky");
      expect(f?.evidence.privileges).toEqual(expect.arrayContaining(["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"]));
      expect(f?.severity).toBe("critical");
    });

    it("an unsafe definer trigger function: a role that may only insert events plants lower() and deletes every job as the owner", async () => {
      const plant = (schema: string) =>
        `CREATE FUNCTION ${schema}.lower(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN DELETE FROM public.delayed_jobs; RETURN $1; END $$`;
      expect(await refused("stamper", "DELETE FROM public.delayed_jobs")).toBe("42501");
      const before = await count();
      expect(before).toBeGreaterThan(0);
      await as("stamper", async (c) => {
        await c.query(plant("stamp"));
        await c.query("GRANT USAGE ON SCHEMA stamp TO PUBLIC");
        // The trigger runs in this statement, as the owner, with this session's search_path.
        await c.query("SET search_path = stamp, pg_catalog, public");
        await c.query("INSERT INTO public.job_events (kind) VALUES ('Enqueued')");
      });
      expect(await count()).toBe(0);
      await asAdmin((c) =>
        c.query("INSERT INTO public.delayed_jobs (handler) SELECT '--- !ruby/object:Job {}' FROM generate_series(1, 3)"),
      );

      const unsafe = results.find((r) => r.checkId === "pg-unsafe-definer-function" && r.subject === "public.job_event_kind()");
      expect(unsafe).toMatchObject({
        status: "FAIL",
        evidence: {
          owner: role.migrator,
          firedBy: [role.stamper],
          triggers: ["trigger job_event_kind BEFORE INSERT ON public.job_events"],
          reason: "search_path not pinned (no SET search_path): it is the caller's",
        },
        // EXECUTE is not what the writer needs: the fix pins the path and revokes nothing.
        fix: { kind: "sql", commands: ["ALTER FUNCTION public.job_event_kind() SET search_path = pg_catalog, pg_temp;"] },
      });
      const f = unexpected("stamper");
      expect(f?.evidence.privileges).toEqual(expect.arrayContaining(["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"]));
      expect(paths(f).join("\n")).toContain(
        `${role.stamper} -(INSERT)-> trigger job_event_kind ON public.job_events -> public.job_event_kind() [SECURITY DEFINER, owner ${role.migrator}`,
      );
      expect(f?.severity).toBe("critical");
    });

    it("its look-alikes stay silent: a pinned search_path, and a trigger that fires only on replicas", async () => {
      const before = await count();
      await as("stampsafe", async (c) => {
        await c.query(
          "CREATE FUNCTION stampsafe.lower(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN DELETE FROM public.delayed_jobs; RETURN $1; END $$",
        );
        await c.query("GRANT USAGE ON SCHEMA stampsafe TO PUBLIC");
        await c.query("SET search_path = stampsafe, pg_catalog, public");
        await c.query("INSERT INTO public.job_notes (kind) VALUES ('Enqueued')");
        // A replica-only trigger does not fire in this session, and the session cannot become a replica.
        await c.query("INSERT INTO public.job_mirror (kind) VALUES ('Enqueued')");
        await expect(c.query("SET session_replication_role = replica")).rejects.toMatchObject({ code: "42501" });
      });
      expect(await count()).toBe(before);
      expect(unexpected("stampsafe")).toBeUndefined();
      expect(results.find((r) => r.checkId === "pg-unsafe-definer-function" && r.subject === "public.job_note_kind()")).toBeUndefined();
    });

    it("pg_execute_server_program runs programs as the server's OS user: superuser-equivalent", async () => {
      const out = await as("progr", async (c) => {
        await c.query("CREATE TEMP TABLE out (line text)");
        await c.query("COPY out FROM PROGRAM 'echo queue-auditor-proof'");
        return (await c.query("SELECT line FROM out")).rows[0]?.line;
      });
      expect(out).toBe("queue-auditor-proof");
      const su = finding("pg-superuser-roles", "progr");
      expect(su?.evidence).toMatchObject({ how: "pg_execute_server_program" });
      expect(unexpected("progr")?.evidence.privileges).toEqual(expect.arrayContaining(["SELECT", "INSERT", "UPDATE", "DELETE"]));
    });

    it("a REPLICATION role is reported as reading every row", () => {
      expect(paths(unexpected("repl"))).toContain(`${role.repl}: REPLICATION (reads every row by streaming or logical decoding)`);
    });

    it("controls stay silent: invoker functions, security_invoker views, objects owned by a role with no access", async () => {
      expect(await refused("caller", "SELECT public.invoker_purge()")).toBe("42501");
      expect(await refused("caller", "SELECT public.noaccess_purge()")).toBe("42501");
      expect(await refused("caller", "SELECT * FROM public.noaccess_view")).toBe("42501");
      if (version >= 150000) expect(await refused("caller", "SELECT * FROM public.jobs_invoker")).toBe("42501");
      expect(unexpected("caller")).toBeUndefined();
      expect(unexpected("noaccess")).toBeUndefined();
      const pub = results.find((r) => r.checkId === "pg-public-privilege" && r.status === "FAIL");
      expect(((pub?.evidence.routes as string[] | undefined) ?? []).join("\n")).not.toMatch(/invoker_purge|noaccess_purge/);
    });

    it("a definer function calling an invoker function: the api role updates jobs through the call, as the definer's owner", async () => {
      const job = await asAdmin(async (c) => (await c.query("UPDATE public.delayed_jobs SET run_at = NULL RETURNING id")).rows[0]?.id);
      await as("api", (c) => c.query("SELECT public.api_requeue($1)", [job]));
      const requeued = await asAdmin(
        async (c) => (await c.query("SELECT run_at FROM public.delayed_jobs WHERE id = $1", [job])).rows[0]?.run_at,
      );
      expect(requeued).not.toBeNull();
      expect(await refused("api", "SELECT public.requeue_impl(1)")).toBe("42501");
      expect(await refused("api", "UPDATE public.delayed_jobs SET run_at = now()")).toBe("42501");
      expect(paths(unexpected("api"))).toContain(
        `${role.api} -(EXECUTE)-> public.api_requeue(job bigint) [SECURITY DEFINER, owner ${role.migrator}] -(calls)-> public.requeue_impl(job bigint) [body text names the table] -> UPDATE`,
      );
    });

    it("the owner of a function a queue trigger calls rewrites every worker's job", async () => {
      await as("helper", (c) =>
        c.query(
          "CREATE OR REPLACE FUNCTION helpers.normalize_handler(h text) RETURNS text LANGUAGE sql AS $$ SELECT '--- !ruby/object:Helped {}'::text $$",
        ),
      );
      const handler = await as("worker", async (c) => {
        await c.query("BEGIN");
        const r = await c.query("INSERT INTO public.delayed_jobs (handler) VALUES ('--- !ruby/object:Job {}') RETURNING handler");
        await c.query("ROLLBACK");
        return r.rows[0]?.handler;
      });
      await asAdmin((c) =>
        c.query("CREATE OR REPLACE FUNCTION helpers.normalize_handler(h text) RETURNS text LANGUAGE sql AS $$ SELECT h $$"),
      );
      expect(handler).toBe("--- !ruby/object:Helped {}");
      expect(await refused("helper", "UPDATE public.delayed_jobs SET handler = 'x'")).toBe("42501");
      const f = unexpected("helper");
      // A definer function's INSERT into the queue fires the trigger too, as the definer's owner.
      expect(f?.evidence.privileges).toEqual(expect.arrayContaining(["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"]));
      expect(paths(f)).toContain(
        `${role.helper} -(owns function)-> helpers.normalize_handler(h text) [trigger jobs_stamp BEFORE INSERT ON public.delayed_jobs -> public.jobs_stamp() -(calls)-> helpers.normalize_handler(h text): runs in every such statement] -> SELECT, INSERT, UPDATE, DELETE`,
      );
    });

    it("a definer function running SQL built at run time: the caller deletes every job, reported as unresolved", async () => {
      const before = await count();
      expect(before).toBeGreaterThan(0);
      await as("dyn", (c) => c.query("SELECT public.purge_table('delayed_jobs')"));
      expect(await count()).toBe(0);
      await asAdmin((c) =>
        c.query("INSERT INTO public.delayed_jobs (handler) SELECT '--- !ruby/object:Job {}' FROM generate_series(1, $1::int)", [before]),
      );
      expect(await refused("dyn", "DELETE FROM public.delayed_jobs")).toBe("42501");
      const f = unexpected("dyn");
      expect(f?.evidence.privileges).toEqual(expect.arrayContaining(["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"]));
      expect(paths(f)[0]).toMatch(
        new RegExp(
          `^${role.dyn} -\\(EXECUTE\\)-> public\\.purge_table\\(t text\\) \\[SECURITY DEFINER, owner ${role.migrator}; runs SQL built at run time \\(EXECUTE format\\('DELETE FROM %I\\.%I'.*could not be resolved statically\\] -> SELECT, INSERT, UPDATE, DELETE, TRUNCATE`,
        ),
      );
    });

    it("dynamic SQL look-alikes stay silent: a bound value (%L) into another table, and a SECURITY INVOKER function", async () => {
      const before = await count();
      await as("dynsafe", (c) => c.query("SELECT public.purge_archived(1)"));
      expect(await count()).toBe(before);
      expect(await refused("dynsafe", "SELECT public.purge_any('delayed_jobs')")).toBe("42501");
      expect(await refused("dynsafe", "DELETE FROM public.delayed_jobs")).toBe("42501");
      expect(unexpected("dynsafe")).toBeUndefined();
      expect(results.some((r) => r.subject === role.dynsafe)).toBe(false);
      const pub = results.find((r) => r.checkId === "pg-public-privilege" && r.status === "FAIL");
      expect(((pub?.evidence.routes as string[] | undefined) ?? []).join("\n")).not.toMatch(/purge_any|purge_archived/);
    });

    it("controls stay silent: BYPASSRLS without a grant, a NOLOGIN role nobody logs in through", async () => {
      expect(await refused("bypass", "SELECT * FROM public.delayed_jobs")).toBe("42501");
      expect(unexpected("bypass")).toBeUndefined();
      expect(results.some((r) => r.subject === role.group)).toBe(false);
    });
  });
}
