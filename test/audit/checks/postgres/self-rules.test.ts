/**
 * A rule on the queue table itself whose action writes the queue: PostgreSQL runs the action
 * with the table owner's rights in the writer's statement, so INSERT alone deletes every job
 * (found live by a review, helper-60). Built on the 5432 service (15) and an embedded
 * PostgreSQL 18; the attack is done as the role, and its look-alike (a rule whose action
 * writes another table) is done too and stays silent.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { auditLive, closeLiveDatabase, openLiveDatabase } from "../../../support/pgLiveAudit.js";
import { adminClient, inSession, loginClient, type PgServer, pgServersUnderTest } from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

const servers = await pgServersUnderTest();
const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
const NAMES = ["migrator", "inserter", "updater", "auditor"] as const;
type Name = (typeof NAMES)[number];

for (const s of servers) {
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`rules on the queue table itself, on ${s.name}`, () => {
    const sfx = randomBytes(4).toString("hex");
    const role = Object.fromEntries(NAMES.map((n) => [n, `qs${sfx}_${n}`])) as Record<Name, string>;
    const database = `qs${sfx}_queue`;
    const password = randomBytes(12).toString("hex");
    let server: PgServer;
    let results: CheckResult[] = [];

    const asAdmin = <T>(fn: (c: pg.Client) => Promise<T>, db = database) => inSession(adminClient(server, db), fn);
    const as = <T>(who: Name, fn: (c: pg.Client) => Promise<T>) => inSession(loginClient(server, role[who], password, database), fn);
    const jobs = async () =>
      Number((await asAdmin((c) => c.query<{ n: string }>("SELECT count(*) AS n FROM public.delayed_jobs"))).rows[0]?.n);

    beforeAll(async () => {
      server = await s.start();
      await openLiveDatabase(
        server,
        database,
        NAMES.filter((n) => n !== "auditor").map((n) => role[n]),
        role.auditor,
        password,
      );
      const m = q(role.migrator);
      await asAdmin(async (c) => {
        for (const sql of [
          "CREATE TABLE public.delayed_jobs (id bigserial PRIMARY KEY, handler text NOT NULL, run_at timestamptz)",
          `ALTER TABLE public.delayed_jobs OWNER TO ${m}`,
          "CREATE TABLE public.job_audit (job bigint)",
          `ALTER TABLE public.job_audit OWNER TO ${m}`,
          // The rule: an INSERT of a 'purge' job deletes every other job, as the table's owner.
          "CREATE RULE purge_on_insert AS ON INSERT TO public.delayed_jobs WHERE NEW.handler = 'purge' DO ALSO DELETE FROM public.delayed_jobs WHERE handler <> 'purge'",
          // The look-alike: an UPDATE also writes an audit row, not the queue.
          "CREATE RULE audit_on_update AS ON UPDATE TO public.delayed_jobs DO ALSO INSERT INTO public.job_audit VALUES (NEW.id)",
          `GRANT INSERT ON public.delayed_jobs TO ${q(role.inserter)}`,
          `GRANT USAGE ON SEQUENCE public.delayed_jobs_id_seq TO ${q(role.inserter)}`,
          `GRANT SELECT (id), UPDATE (run_at) ON public.delayed_jobs TO ${q(role.updater)}`,
          "INSERT INTO public.delayed_jobs (handler) SELECT '--- Job' FROM generate_series(1, 3)",
        ])
          await c.query(sql);
      });
      results = await auditLive(server, {
        name: `self-rules-${sfx}`,
        database,
        auditor: role.auditor,
        password,
        owner: role.migrator,
        principals: { [role.inserter]: ["INSERT"], [role.updater]: ["SELECT", "UPDATE"] },
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

    const excess = (who: Name) =>
      results.find((r) => r.checkId === "pg-excess-privilege" && r.status === "FAIL" && r.subject === role[who]);

    it("observes everything as the CONNECT-only audit role, with no ERROR", () => {
      expect(results.filter((r) => r.status === "ERROR")).toEqual([]);
    });

    it("a role allowed only INSERT deletes every other job through the table's own rule, and is reported with DELETE", async () => {
      await as("inserter", async (c) => {
        await expect(c.query("DELETE FROM public.delayed_jobs")).rejects.toMatchObject({ code: "42501" });
        await c.query("INSERT INTO public.delayed_jobs (handler) VALUES ('purge')");
      });
      expect(await jobs()).toBe(1);
      // Its WHERE clause reads the jobs too (as every rule route reads a condition on the table).
      expect(excess("inserter")?.evidence.excess).toEqual(["SELECT", "DELETE"]);
      expect(excess("inserter")?.evidence.paths).toContainEqual(
        `${role.inserter} -(INSERT)-> rule purge_on_insert ON INSERT TO public.delayed_jobs [DO ALSO, owner ${role.migrator}] -> SELECT, DELETE`,
      );
    });

    it("its look-alike writes another table: the updater's UPDATE leaves the jobs, and nothing more is reported", async () => {
      await as("updater", (c) => c.query("UPDATE public.delayed_jobs SET run_at = now()"));
      expect(await asAdmin(async (c) => Number((await c.query("SELECT count(*) AS n FROM public.job_audit")).rows[0].n))).toBe(1);
      expect(excess("updater")).toBeUndefined();
    });
  });
}
