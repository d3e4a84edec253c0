/**
 * Foreign keys as routes into the queue, live on the 5432 service (15) and an embedded
 * PostgreSQL 18. The queue's rows reference `users` (ON DELETE CASCADE) and a unique
 * `users.n` (ON UPDATE SET NULL), and `users` references `orgs` (ON DELETE CASCADE):
 * PostgreSQL runs each action as the owner of the referencing table, so a role that may
 * only delete from `users`, or only from `orgs`, empties the queue, and one that may only
 * update `users.n` (a column grant) rewrites a column of every job, row-level security FORCEd
 * on the queue notwithstanding. An action also fires the referencing table's triggers: a role that may only
 * delete tags fires a definer trigger on `job_notes`, which rewrites a second queue's jobs (and
 * so does one that may only delete through a view over `job_notes`: the probe now follows
 * views, rules and keys from such trigger tables as it does from the queue).
 * The action's statement runs as that owner, so the referencing table's BEFORE triggers do too,
 * SECURITY INVOKER ones included: one rewrites a third queue for a role that may only delete
 * stamps, and one whose body names its log table unqualified hands the owner's whole access to
 * a role that plants a table of that name in pg_temp. (AFTER ones fire as the caller on 15,
 * refused there, and as the owner on 18.)
 * The look-alikes: a role that may update only another column of `users`, one that may delete
 * from a table whose key's action a superuser disabled, and a queue that references its own
 * users with NO ACTION and RESTRICT, whose clerk's DELETE and UPDATE are refused: nothing is
 * reported of them.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgUnexpectedPrincipal } from "../../../../lib/audit/checks/postgres/pg-unexpected-principal.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { createPgFixture, type PgFixture } from "../../../support/pgFixture.js";
import { auditTables, createLoginRoles, tearDown } from "../../../support/pgInheritance.js";
import { adminClient, inSession, loginClient, type PgServer, pgServersUnderTest } from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

const servers = await pgServersUnderTest();

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

for (const s of servers) {
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`foreign keys into the queue on ${s.name}`, () => {
    let server: PgServer | undefined;
    let fx: PgFixture | undefined;
    const sfx = randomBytes(4).toString("hex");
    const role = {
      deleter: `qf${sfx}_deleter`,
      orgDeleter: `qf${sfx}_org_deleter`,
      updater: `qf${sfx}_updater`,
      quietClerk: `qf${sfx}_quiet_clerk`,
      otherUpdater: `qf${sfx}_other_updater`,
      dormantClerk: `qf${sfx}_dormant_clerk`,
      tagger: `qf${sfx}_tagger`,
      stamper: `qf${sfx}_stamper`,
      afterStamper: `qf${sfx}_after_stamper`,
      planter: `qf${sfx}_planter`,
      partStamper: `qf${sfx}_part_stamper`,
      dfltClerk: `qf${sfx}_dflt_clerk`,
      noteClerk: `qf${sfx}_note_clerk`,
    };
    type Name = keyof typeof role;
    const password = randomBytes(12).toString("hex");
    let principals: CheckResult[] = [];

    const inQueueDb = <T>(fn: (c: pg.Client) => Promise<T>) => inSession(adminClient(server as PgServer, fx?.database), fn);
    const as = <T>(who: Name, fn: (c: pg.Client) => Promise<T>) =>
      inSession(loginClient(server as PgServer, role[who], password, fx?.database), fn);
    const rows = (sql: string) => inQueueDb(async (c) => (await c.query(sql)).rows);
    const onTable = (table: string, who: Name) =>
      principals.find((r) => r.status === "FAIL" && r.subject === role[who] && r.resource.id.endsWith(`:public.${table}`));
    /** Two users of one org, a job each, and the same in the look-alike. */
    const refill = () =>
      inQueueDb(async (c) => {
        await c.query(
          "TRUNCATE public.orgs, public.quiet_users, public.tags, public.note_jobs, public.dormant, public.stamps, public.after_stamps, public.plain_stamps, public.inv_jobs CASCADE",
        );
        await c.query("TRUNCATE public.part_stamps, public.dflt_stamps CASCADE");
        await c.query("INSERT INTO public.dflt_stamps VALUES (1)");
        await c.query("INSERT INTO public.dflt_log (stamp) VALUES (1)");
        for (const t of ["stamps", "after_stamps", "plain_stamps", "part_stamps"]) await c.query(`INSERT INTO public.${t} VALUES (1)`);
        await c.query("INSERT INTO public.part_notes (id, stamp) VALUES (1, 1)");
        for (const t of ["stamp_log", "after_log", "plain_log"]) await c.query(`INSERT INTO public.${t} (stamp) VALUES (1)`);
        await c.query("INSERT INTO public.inv_jobs (handler) VALUES ('job')");
        await c.query("INSERT INTO public.orgs VALUES (1)");
        await c.query("INSERT INTO public.users VALUES (1, 1, 10), (2, 1, 20)");
        await c.query("INSERT INTO public.dormant VALUES (1)");
        await c.query("INSERT INTO public.fk_jobs (handler, user_id, owner_n, dormant_id) VALUES ('job', 1, 10, 1), ('job', 2, 20, 1)");
        await c.query("INSERT INTO public.quiet_users VALUES (1, 10)");
        await c.query("INSERT INTO public.quiet_jobs (handler, user_id, owner_n) VALUES ('job', 1, 10)");
        await c.query("INSERT INTO public.tags VALUES (1)");
        await c.query("INSERT INTO public.job_notes (tag) VALUES (1)");
        await c.query("INSERT INTO public.note_jobs (handler) VALUES ('job')");
      });

    beforeAll(async () => {
      server = await s.start();
      fx = await createPgFixture(server);
      const owner = q(fx.roles.migrator);
      await createLoginRoles(server, Object.values(role), password);
      await inQueueDb(async (c) => {
        for (const sql of [
          "CREATE TABLE public.orgs (id int PRIMARY KEY)",
          "CREATE TABLE public.users (id int PRIMARY KEY, org int REFERENCES public.orgs ON DELETE CASCADE, n int UNIQUE)",
          // A key whose action a superuser disabled (DISABLE TRIGGER ALL on the referenced table).
          "CREATE TABLE public.dormant (id int PRIMARY KEY)",
          `CREATE TABLE public.fk_jobs (id serial PRIMARY KEY, handler text NOT NULL,
             user_id int REFERENCES public.users ON DELETE CASCADE,
             owner_n int REFERENCES public.users (n) ON UPDATE SET NULL,
             dormant_id int REFERENCES public.dormant ON DELETE CASCADE)`,
          "ALTER TABLE public.dormant DISABLE TRIGGER ALL",
          // No policy, and FORCEd: even the owner's own statements see no row. The actions still run.
          "ALTER TABLE public.fk_jobs ENABLE ROW LEVEL SECURITY",
          "ALTER TABLE public.fk_jobs FORCE ROW LEVEL SECURITY",
          "CREATE TABLE public.quiet_users (id int PRIMARY KEY, n int UNIQUE)",
          `CREATE TABLE public.quiet_jobs (id serial PRIMARY KEY, handler text NOT NULL,
             user_id int REFERENCES public.quiet_users ON DELETE NO ACTION,
             owner_n int REFERENCES public.quiet_users (n) ON UPDATE RESTRICT)`,
          // A table that is not the queue, whose definer trigger rewrites the second queue's jobs
          // after any DELETE of its rows (statement level), and whose rows go with their tag.
          "CREATE TABLE public.tags (id int PRIMARY KEY)",
          "CREATE TABLE public.job_notes (id serial PRIMARY KEY, tag int REFERENCES public.tags ON DELETE CASCADE)",
          "CREATE TABLE public.note_jobs (id serial PRIMARY KEY, handler text NOT NULL)",
          `CREATE FUNCTION public.touch_jobs() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
             AS $$ BEGIN UPDATE public.note_jobs SET handler = 'touched'; RETURN NULL; END $$`,
          `ALTER FUNCTION public.touch_jobs() OWNER TO ${owner}`,
          "CREATE TRIGGER touch AFTER DELETE ON public.job_notes FOR EACH STATEMENT EXECUTE FUNCTION public.touch_jobs()",
          // SECURITY INVOKER triggers on tables whose rows go with a stamp: a BEFORE one, pinned;
          // the same AFTER (fires as the caller, who may not write the queue); a BEFORE one whose
          // body names its log table unqualified and pins no search_path.
          "CREATE TABLE public.inv_jobs (id serial PRIMARY KEY, handler text NOT NULL)",
          "CREATE TABLE public.audit_trail (id int)",
          ...["stamps", "after_stamps", "plain_stamps"].map((t) => `CREATE TABLE public.${t} (id int PRIMARY KEY)`),
          ...[
            ["stamp_log", "stamps"],
            ["after_log", "after_stamps"],
            ["plain_log", "plain_stamps"],
          ].map(([t, r]) => `CREATE TABLE public.${t} (id serial PRIMARY KEY, stamp int REFERENCES public.${r} ON DELETE CASCADE)`),
          `CREATE FUNCTION public.mark_jobs() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
             AS $$ BEGIN UPDATE public.inv_jobs SET handler = 'marked'; RETURN OLD; END $$`,
          "CREATE TRIGGER mark BEFORE DELETE ON public.stamp_log FOR EACH ROW EXECUTE FUNCTION public.mark_jobs()",
          // A key that sets its column to a default, which calls a function.
          "CREATE TABLE public.dflt_stamps (id int PRIMARY KEY)",
          `CREATE FUNCTION public.pick_stamp() RETURNS int LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
             AS $$ BEGIN UPDATE public.inv_jobs SET handler = 'defaulted'; RETURN NULL; END $$`,
          `ALTER FUNCTION public.pick_stamp() OWNER TO ${owner}`,
          `CREATE TABLE public.dflt_log (id serial PRIMARY KEY,
             stamp int DEFAULT public.pick_stamp() REFERENCES public.dflt_stamps ON DELETE SET DEFAULT)`,
          `GRANT DELETE ON public.dflt_stamps TO ${q(role.dfltClerk)}`,
          // A partitioned referencing table, the trigger on its partition only.
          "CREATE TABLE public.part_stamps (id int PRIMARY KEY)",
          "CREATE TABLE public.part_notes (id int, stamp int REFERENCES public.part_stamps ON DELETE CASCADE) PARTITION BY LIST (id)",
          "CREATE TABLE public.part_notes_1 PARTITION OF public.part_notes FOR VALUES IN (1)",
          "CREATE TRIGGER mark BEFORE DELETE ON public.part_notes_1 FOR EACH ROW EXECUTE FUNCTION public.mark_jobs()",
          `GRANT DELETE ON public.part_stamps TO ${q(role.partStamper)}`,
          "CREATE TRIGGER mark AFTER DELETE ON public.after_log FOR EACH ROW EXECUTE FUNCTION public.mark_jobs()",
          `CREATE FUNCTION public.log_plain() RETURNS trigger LANGUAGE plpgsql
             AS $$ BEGIN INSERT INTO audit_trail VALUES (OLD.id); RETURN OLD; END $$`,
          "CREATE TRIGGER log BEFORE DELETE ON public.plain_log FOR EACH ROW EXECUTE FUNCTION public.log_plain()",
          ...["mark_jobs", "log_plain"].map((f) => `ALTER FUNCTION public.${f}() OWNER TO ${owner}`),
          `GRANT DELETE ON public.stamps TO ${q(role.stamper)}`,
          `GRANT DELETE ON public.after_stamps TO ${q(role.afterStamper)}`,
          `GRANT DELETE ON public.plain_stamps TO ${q(role.planter)}`,
          ...[
            "orgs",
            "users",
            "dormant",
            "fk_jobs",
            "quiet_users",
            "quiet_jobs",
            "tags",
            "job_notes",
            "note_jobs",
            "inv_jobs",
            "audit_trail",
            "stamps",
            "after_stamps",
            "plain_stamps",
            "stamp_log",
            "after_log",
            "plain_log",
            "part_stamps",
            "part_notes",
            "part_notes_1",
            "dflt_stamps",
            "dflt_log",
          ].map((t) => `ALTER TABLE public.${t} OWNER TO ${owner}`),
          `GRANT DELETE ON public.tags TO ${q(role.tagger)}`,
          // A view over the trigger table, which reaches no queue by itself: until 2026-12-07 it was not fetched.
          "CREATE VIEW public.job_notes_view AS SELECT id, tag FROM public.job_notes",
          `ALTER VIEW public.job_notes_view OWNER TO ${owner}`,
          `GRANT DELETE ON public.job_notes_view TO ${q(role.noteClerk)}`,
          `GRANT DELETE ON public.users TO ${q(role.deleter)}`,
          `GRANT DELETE ON public.orgs TO ${q(role.orgDeleter)}`,
          // Column grants on a table that is not the queue: the referenced column, and another.
          `GRANT UPDATE (n) ON public.users TO ${q(role.updater)}`,
          `GRANT UPDATE (org) ON public.users TO ${q(role.otherUpdater)}`,
          `GRANT DELETE ON public.dormant TO ${q(role.dormantClerk)}`,
          `GRANT DELETE, UPDATE ON public.quiet_users TO ${q(role.quietClerk)}`,
        ])
          await c.query(sql);
      });
      await refill();
      principals = pgUnexpectedPrincipal.evaluate(
        await auditTables(fx, ["public.fk_jobs", "public.quiet_jobs", "public.note_jobs", "public.inv_jobs"]),
      );
    });

    afterAll(() => tearDown(server, fx, Object.values(role)));

    const fk = (name: string, references: string, action: string) =>
      `foreign key ${name} ON public.fk_jobs REFERENCES public.${references} [${action}, owner ${fx?.roles.migrator}]`;

    it("observes everything as the CONNECT-only audit role, with no ERROR", () => {
      expect(principals.filter((r) => r.status === "ERROR")).toEqual([]);
    });

    it("a role that may only delete users empties the queue, and is reported with DELETE through the key", async () => {
      await refill();
      await as("deleter", async (c) => {
        await expect(c.query("DELETE FROM public.fk_jobs")).rejects.toMatchObject({ code: "42501" });
        await c.query("DELETE FROM public.users");
      });
      expect(await rows("SELECT id FROM public.fk_jobs")).toEqual([]);

      const f = onTable("fk_jobs", "deleter");
      expect(f?.evidence.privileges).toEqual(["DELETE"]);
      // Row-level security does not narrow an action: the path carries no note of it.
      expect(f?.evidence.paths).toEqual([
        `${role.deleter} -(DELETE)-> ${fk("fk_jobs_user_id_fkey", "users", "ON DELETE CASCADE")} -> DELETE`,
      ]);
    });

    it("one that may only delete orgs empties it through two keys", async () => {
      await refill();
      await as("orgDeleter", (c) => c.query("DELETE FROM public.orgs"));
      expect(await rows("SELECT id FROM public.fk_jobs")).toEqual([]);

      const users = `foreign key users_org_fkey ON public.users REFERENCES public.orgs [ON DELETE CASCADE, owner ${fx?.roles.migrator}]`;
      expect(onTable("fk_jobs", "orgDeleter")?.evidence.paths).toEqual([
        `${role.orgDeleter} -(DELETE)-> ${users} -(DELETE)-> ${fk("fk_jobs_user_id_fkey", "users", "ON DELETE CASCADE")} -> DELETE`,
      ]);
    });

    it("one that may only update the referenced column of users changes a column of the jobs: UPDATE of that column, without the payload claim", async () => {
      await refill();
      // Without SELECT it cannot read n; setting it needs no read.
      await as("updater", (c) => c.query("UPDATE public.users SET n = NULL"));
      expect(await rows("SELECT handler, owner_n FROM public.fk_jobs ORDER BY id")).toEqual([
        { handler: "job", owner_n: null },
        { handler: "job", owner_n: null },
      ]);

      const f = onTable("fk_jobs", "updater");
      expect(f?.evidence.privileges).toEqual(["UPDATE"]);
      expect(f?.evidence.paths).toEqual([
        `${role.updater} -(UPDATE)-> ${fk("fk_jobs_owner_n_fkey", "users", "ON UPDATE SET NULL (owner_n)")} -> UPDATE (columns: owner_n)`,
      ]);
      expect(f?.message).not.toContain("code execution");
    });

    it("one that may only delete tags fires another table's definer trigger through a key, and rewrites every job", async () => {
      await refill();
      await as("tagger", (c) => c.query("DELETE FROM public.tags"));
      expect(await rows("SELECT handler FROM public.note_jobs")).toEqual([{ handler: "touched" }]);

      const f = onTable("note_jobs", "tagger");
      expect(f?.evidence.privileges).toEqual(["UPDATE"]);
      const m = fx?.roles.migrator;
      expect(f?.evidence.paths).toEqual([
        `${role.tagger} -(DELETE)-> foreign key job_notes_tag_fkey ON public.job_notes REFERENCES public.tags [ON DELETE CASCADE, owner ${m}] -(DELETE)-> trigger touch ON public.job_notes -> public.touch_jobs() [SECURITY DEFINER, owner ${m}; body text names the table] -> UPDATE`,
      ]);
    });

    it("so does one that may only delete through a view over that table", async () => {
      await refill();
      await as("noteClerk", (c) => c.query("DELETE FROM public.job_notes_view"));
      expect(await rows("SELECT handler FROM public.note_jobs")).toEqual([{ handler: "touched" }]);

      const m = fx?.roles.migrator;
      expect(onTable("note_jobs", "noteClerk")?.evidence.paths).toEqual([
        `${role.noteClerk} -(DELETE)-> public.job_notes_view [view, owner ${m}] (auto-updatable) -(DELETE)-> trigger touch ON public.job_notes -> public.touch_jobs() [SECURITY DEFINER, owner ${m}; body text names the table] -> UPDATE`,
      ]);
    });

    it("a key's action runs the referencing table's BEFORE triggers as its owner: an invoker trigger there rewrites the queue", async () => {
      await refill();
      await as("stamper", (c) => c.query("DELETE FROM public.stamps"));
      expect(await rows("SELECT handler FROM public.inv_jobs")).toEqual([{ handler: "marked" }]);
      const f = onTable("inv_jobs", "stamper");
      expect(f?.evidence.privileges).toEqual(["UPDATE"]);
      const m = fx?.roles.migrator;
      expect(f?.evidence.paths).toEqual([
        `${role.stamper} -(DELETE)-> foreign key stamp_log_stamp_fkey ON public.stamp_log REFERENCES public.stamps [ON DELETE CASCADE, owner ${m}] -> trigger mark ON public.stamp_log -> public.mark_jobs() [SECURITY INVOKER, run as owner ${m} in the action; body text names the table] -> UPDATE`,
      ]);
    });

    it("so does a row trigger on a partition of a partitioned referencing table", async () => {
      await refill();
      await as("partStamper", (c) => c.query("DELETE FROM public.part_stamps"));
      expect(await rows("SELECT handler FROM public.inv_jobs")).toEqual([{ handler: "marked" }]);
      const m = fx?.roles.migrator;
      expect(onTable("inv_jobs", "partStamper")?.evidence.paths).toEqual([
        `${role.partStamper} -(DELETE)-> foreign key part_notes_stamp_fkey ON public.part_notes REFERENCES public.part_stamps [ON DELETE CASCADE, owner ${m}] -> trigger mark ON public.part_notes_1 -> public.mark_jobs() [SECURITY INVOKER, run as owner ${m} in the action; body text names the table] -> UPDATE`,
      ]);
    });

    it("a SET DEFAULT key's action evaluates the column's default as the owner: the function it calls rewrites the queue", async () => {
      await refill();
      await as("dfltClerk", (c) => c.query("DELETE FROM public.dflt_stamps"));
      expect(await rows("SELECT handler FROM public.inv_jobs")).toEqual([{ handler: "defaulted" }]);
      const m = fx?.roles.migrator;
      expect(onTable("inv_jobs", "dfltClerk")?.evidence.paths).toEqual([
        `${role.dfltClerk} -(DELETE)-> foreign key dflt_log_stamp_fkey ON public.dflt_log REFERENCES public.dflt_stamps [ON DELETE SET DEFAULT (stamp), owner ${m}] -> default of (stamp) -> public.pick_stamp() [SECURITY INVOKER, run as owner ${m} in the action; body text names the table] -> UPDATE`,
      ]);
    });

    it("the same trigger AFTER the action: on 15 it fires as the caller, who may not write the queue (refused, not reported); on 18 as the owner", async () => {
      await refill();
      const asOwner = (fx?.serverVersionNum ?? 0) >= 180000;
      await as("afterStamper", async (c) => {
        if (asOwner) await c.query("DELETE FROM public.after_stamps");
        else await expect(c.query("DELETE FROM public.after_stamps")).rejects.toMatchObject({ code: "42501" });
      });
      expect(await rows("SELECT handler FROM public.inv_jobs")).toEqual([{ handler: asOwner ? "marked" : "job" }]);
      expect(onTable("inv_jobs", "afterStamper")?.evidence.privileges).toEqual(asOwner ? ["UPDATE"] : undefined);
    });

    it("an invoker BEFORE trigger with no search_path of its own is the owner's whole access: the caller plants the table it names", async () => {
      await refill();
      await as("planter", async (c) => {
        await c.query("CREATE TEMP TABLE audit_trail (id int)");
        await c.query("GRANT INSERT ON pg_temp.audit_trail TO PUBLIC");
        await c.query(`CREATE FUNCTION pg_temp.evil() RETURNS trigger LANGUAGE plpgsql
          AS $$ BEGIN UPDATE public.inv_jobs SET handler = '--- !ruby/object:Evil {}'; RETURN NEW; END $$`);
        await c.query("CREATE TRIGGER evil BEFORE INSERT ON pg_temp.audit_trail FOR EACH ROW EXECUTE FUNCTION pg_temp.evil()");
        await c.query("DELETE FROM public.plain_stamps");
      });
      expect(await rows("SELECT handler FROM public.inv_jobs")).toEqual([{ handler: "--- !ruby/object:Evil {}" }]);
      const f = onTable("inv_jobs", "planter");
      expect(f?.evidence.privileges).toEqual(expect.arrayContaining(["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"]));
      expect(f?.evidence.paths).toEqual([
        expect.stringContaining(
          `${role.planter} -(DELETE)-> foreign key plain_log_stamp_fkey ON public.plain_log REFERENCES public.plain_stamps [ON DELETE CASCADE, owner ${fx?.roles.migrator}] -> trigger log ON public.plain_log -> public.log_plain() [SECURITY INVOKER, run as owner ${fx?.roles.migrator} in the action; search_path not pinned (no SET search_path): it is the caller's: escalation to that owner] -> SELECT, INSERT, UPDATE, DELETE, TRUNCATE`,
        ),
      ]);
    });

    it("look-alikes stay silent: an update of another column of users, and a key whose action is disabled", async () => {
      await refill();
      await as("otherUpdater", (c) => c.query("UPDATE public.users SET org = NULL"));
      await as("dormantClerk", (c) => c.query("DELETE FROM public.dormant"));
      expect(await rows("SELECT user_id, owner_n, dormant_id FROM public.fk_jobs ORDER BY id")).toEqual([
        { user_id: 1, owner_n: 10, dormant_id: 1 },
        { user_id: 2, owner_n: 20, dormant_id: 1 },
      ]);
      expect(onTable("fk_jobs", "otherUpdater")).toBeUndefined();
      expect(onTable("fk_jobs", "dormantClerk")).toBeUndefined();
    });

    it("the look-alike's keys only refuse: its clerk changes nothing of the queue and is not reported", async () => {
      await refill();
      await as("quietClerk", async (c) => {
        await expect(c.query("DELETE FROM public.quiet_users")).rejects.toMatchObject({ code: "23503" });
        // RESTRICT's refusal is 23503 on 15 and its own 23001 (restrict_violation) on 18.
        await expect(c.query("UPDATE public.quiet_users SET n = 11")).rejects.toMatchObject({
          code: expect.stringMatching(/^23(503|001)$/),
        });
      });
      expect(await rows("SELECT user_id, owner_n FROM public.quiet_jobs")).toEqual([{ user_id: 1, owner_n: 10 }]);
      expect(onTable("quiet_jobs", "quietClerk")).toBeUndefined();
      // And the roles of the real queue have no route into the look-alike's.
      for (const who of ["deleter", "orgDeleter", "updater"] as const) expect(onTable("quiet_jobs", who)).toBeUndefined();
    });
  });
}
