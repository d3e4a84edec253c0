/**
 * A cycle of rules through the queue and an auto-updatable view over it, live on the 5432
 * service (15) and an embedded PostgreSQL 18. A rule on INSERT updates the queue through
 * the view, and a rule on UPDATE deletes through it: a role with INSERT alone on the queue
 * empties it. Until 2026-12-07 the model cut the cycle with the inserter's grants and
 * reported INSERT and UPDATE only. The look-alike has the same first rule, and a second
 * that deletes from another table: its inserter holds UPDATE too, and never DELETE.
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
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`a cycle of rules through the queue on ${s.name}`, () => {
    let server: PgServer | undefined;
    let fx: PgFixture | undefined;
    const sfx = randomBytes(4).toString("hex");
    const role = { clerk: `qc${sfx}_clerk`, quietClerk: `qc${sfx}_quiet_clerk` };
    type Name = keyof typeof role;
    const password = randomBytes(12).toString("hex");
    let principals: CheckResult[] = [];

    const inQueueDb = <T>(fn: (c: pg.Client) => Promise<T>) => inSession(adminClient(server as PgServer, fx?.database), fn);
    const as = <T>(who: Name, fn: (c: pg.Client) => Promise<T>) =>
      inSession(loginClient(server as PgServer, role[who], password, fx?.database), fn);
    const count = (table: string) => inQueueDb(async (c) => Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n));
    const onTable = (table: string, who: Name) =>
      principals.find((r) => r.status === "FAIL" && r.subject === role[who] && r.resource.id.endsWith(`:public.${table}`));
    /** Three jobs in each queue, written as a replica would: the rules do not fire. */
    const refill = () =>
      inQueueDb(async (c) => {
        await c.query("SET session_replication_role = replica");
        await c.query("TRUNCATE public.rule_jobs, public.quiet_jobs, public.quiet_archive");
        for (const t of ["rule_jobs", "quiet_jobs", "quiet_archive"])
          await c.query(`INSERT INTO public.${t} (handler) SELECT 'job' FROM generate_series(1, 3)`);
        await c.query("RESET session_replication_role");
      });

    beforeAll(async () => {
      server = await s.start();
      fx = await createPgFixture(server);
      const owner = q(fx.roles.migrator);
      await createLoginRoles(server, Object.values(role), password);
      await inQueueDb(async (c) => {
        for (const sql of [
          ...["rule_jobs", "quiet_jobs", "quiet_archive"].flatMap((t) => [
            `CREATE TABLE public.${t} (id serial PRIMARY KEY, handler text NOT NULL, run_at timestamptz)`,
            `CREATE VIEW public.${t}_view AS SELECT id, handler, run_at FROM public.${t}`,
            `ALTER TABLE public.${t} OWNER TO ${owner}`,
            `ALTER VIEW public.${t}_view OWNER TO ${owner}`,
          ]),
          // The cycle: INSERT -> UPDATE through the view -> (the view's UPDATE is the queue's) -> DELETE through the view.
          "CREATE RULE touch AS ON INSERT TO public.rule_jobs DO ALSO UPDATE public.rule_jobs_view SET run_at = now()",
          "CREATE RULE sweep AS ON UPDATE TO public.rule_jobs DO ALSO DELETE FROM public.rule_jobs_view",
          `GRANT INSERT ON public.rule_jobs TO ${q(role.clerk)}`,
          `GRANT USAGE ON SEQUENCE public.rule_jobs_id_seq TO ${q(role.clerk)}`,
          // The look-alike: the same first rule; the second deletes another table's rows.
          "CREATE RULE touch AS ON INSERT TO public.quiet_jobs DO ALSO UPDATE public.quiet_jobs_view SET run_at = now()",
          "CREATE RULE sweep AS ON UPDATE TO public.quiet_jobs DO ALSO DELETE FROM public.quiet_archive_view",
          `GRANT INSERT ON public.quiet_jobs TO ${q(role.quietClerk)}`,
          `GRANT USAGE ON SEQUENCE public.quiet_jobs_id_seq TO ${q(role.quietClerk)}`,
        ])
          await c.query(sql);
      });
      await refill();
      principals = pgUnexpectedPrincipal.evaluate(await auditTables(fx, ["public.rule_jobs", "public.quiet_jobs"]));
    });

    afterAll(() => tearDown(server, fx, Object.values(role)));

    it("observes everything as the CONNECT-only audit role, with no ERROR", () => {
      expect(principals.filter((r) => r.status === "ERROR")).toEqual([]);
    });

    it("a role with INSERT alone empties the queue through the cycle, and is reported with DELETE", async () => {
      await refill();
      await as("clerk", async (c) => {
        await expect(c.query("DELETE FROM public.rule_jobs")).rejects.toMatchObject({ code: "42501" });
        await expect(c.query("UPDATE public.rule_jobs SET run_at = now()")).rejects.toMatchObject({ code: "42501" });
        await c.query("INSERT INTO public.rule_jobs (handler) VALUES ('--- !ruby/object:Evil {}')");
      });
      // Its own job and the three that were waiting: all gone.
      expect(await count("public.rule_jobs")).toBe(0);

      const f = onTable("rule_jobs", "clerk");
      expect(f?.evidence.privileges).toEqual(["INSERT", "UPDATE", "DELETE"]);
      const m = fx?.roles.migrator;
      const touch = `${role.clerk} -(INSERT)-> rule touch ON INSERT TO public.rule_jobs [DO ALSO, owner ${m}] -(UPDATE)-> public.rule_jobs_view [view, owner ${m}] (auto-updatable)`;
      expect(f?.evidence.paths).toEqual([
        `${role.clerk}: INSERT`,
        `${touch} -> UPDATE`,
        `${touch} -(UPDATE)-> rule sweep ON UPDATE TO public.rule_jobs [DO ALSO, owner ${m}] -(DELETE)-> public.rule_jobs_view [view, owner ${m}] (auto-updatable) -> DELETE`,
        `${role.clerk}: USAGE (sequence public.rule_jobs_id_seq)`,
      ]);
    });

    it("the look-alike's inserter updates the queue and deletes nothing of it: INSERT and UPDATE, no DELETE", async () => {
      await refill();
      await as("quietClerk", (c) => c.query("INSERT INTO public.quiet_jobs (handler) VALUES ('job')"));
      // Its rule emptied the archive, not the queue: the four jobs are there, every one touched.
      expect(await count("public.quiet_jobs")).toBe(4);
      expect(await count("public.quiet_archive")).toBe(0);
      expect(
        await inQueueDb(async (c) => (await c.query("SELECT count(*) AS n FROM public.quiet_jobs WHERE run_at IS NULL")).rows[0].n),
      ).toBe("0");
      expect(onTable("quiet_jobs", "quietClerk")?.evidence.privileges).toEqual(["INSERT", "UPDATE"]);
    });
  });
}
