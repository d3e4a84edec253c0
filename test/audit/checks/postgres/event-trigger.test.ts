/**
 * A SECURITY DEFINER event trigger function without a pinned search_path, live on the 5432
 * service (15) and an embedded PostgreSQL 18: any role's DDL fires it, in that role's session
 * and with its search_path, so a role with no grant at all plants lower() and runs it as the
 * function's owner (here the superuser who created the event trigger). Its look-alike pins
 * the path and stays silent.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgUnsafeDefinerFunction } from "../../../../lib/audit/checks/postgres/pg-unsafe-definer-function.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { probePostgres } from "../../../../lib/audit/probes/postgres/index.js";
import { config, context } from "../../../support/builders.js";
import { createPgFixture, type PgFixture } from "../../../support/pgFixture.js";
import { adminClient, inSession, loginClient, type PgServer, pgServersUnderTest } from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

const servers = await pgServersUnderTest();

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

for (const s of servers) {
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`an unsafe definer event trigger function on ${s.name}`, () => {
    let server: PgServer | undefined;
    let fx: PgFixture | undefined;
    const sfx = randomBytes(4).toString("hex");
    const mallory = `qv${sfx}_mallory`;
    const password = randomBytes(12).toString("hex");
    const events = { unsafe: `qv${sfx}_log_ddl`, pinned: `qv${sfx}_log_ddl_pinned` };
    let results: CheckResult[] = [];

    const inQueueDb = <T>(fn: (c: pg.Client) => Promise<T>) => inSession(adminClient(server as PgServer, fx?.database), fn);
    const asMallory = <T>(fn: (c: pg.Client) => Promise<T>) =>
      inSession(loginClient(server as PgServer, mallory, password, fx?.database), fn);
    /** The attack: plant lower() in mallory's schema, put it first on the path, and run any DDL. */
    const plantAndCreateTempTable = () =>
      asMallory(async (c) => {
        await c.query(
          "CREATE OR REPLACE FUNCTION mal.lower(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN DELETE FROM public.jobs; RETURN $1; END $$",
        );
        await c.query("SET search_path = mal, pg_catalog, public");
        await c.query("CREATE TEMP TABLE scratch (a int)");
      });
    const jobs = () => inQueueDb(async (c) => Number((await c.query("SELECT count(*) AS n FROM public.jobs")).rows[0].n));

    beforeAll(async () => {
      server = await s.start();
      fx = await createPgFixture(server);
      const admin = adminClient(server);
      await admin.connect();
      try {
        const literal = (await admin.query<{ q: string }>("SELECT quote_literal($1) AS q", [password])).rows[0]?.q;
        await admin.query(`CREATE ROLE ${q(mallory)} LOGIN PASSWORD ${literal}`);
      } finally {
        await admin.end();
      }
      await inQueueDb(async (c) => {
        for (const sql of [
          `CREATE SCHEMA mal AUTHORIZATION ${q(mallory)}`,
          "INSERT INTO public.jobs (handler) SELECT '--- !ruby/object:Job {}' FROM generate_series(1, 3)",
          // A DDL log, as audit setups write them: SECURITY DEFINER so it can write where the
          // caller cannot, created by the superuser (only a superuser may create an event trigger).
          "CREATE FUNCTION public.log_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN PERFORM lower(tg_tag); END $$",
          `CREATE EVENT TRIGGER ${q(events.unsafe)} ON ddl_command_end EXECUTE FUNCTION public.log_ddl()`,
          `CREATE FUNCTION public.log_ddl_pinned() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
             AS $$ BEGIN PERFORM lower(tg_tag); END $$`,
          `CREATE EVENT TRIGGER ${q(events.pinned)} ON ddl_command_end EXECUTE FUNCTION public.log_ddl_pinned()`,
        ])
          await c.query(sql);
      });
      const target = fx.target();
      const observations = await probePostgres([target], { credentials: { env: fx.env } });
      results = pgUnsafeDefinerFunction.evaluate(context(config({ postgres: [target] }), undefined, { postgres: observations }));
    });

    afterAll(async () => {
      if (!server) return;
      if (fx) await inQueueDb(async (c) => c.query(`DROP EVENT TRIGGER IF EXISTS ${q(events.unsafe)}`)).catch(() => undefined);
      await fx?.drop();
      const admin = adminClient(server);
      await admin.connect();
      try {
        await admin.query(`DROP ROLE IF EXISTS ${q(mallory)}`);
      } finally {
        await admin.end();
      }
      await server.stop();
    });

    it("a role with no grant on the queue creates a temporary table and deletes every job as the superuser", async () => {
      const before = await jobs();
      expect(before).toBeGreaterThan(0);
      await asMallory(async (c) => {
        await expect(c.query("DELETE FROM public.jobs")).rejects.toMatchObject({ code: "42501" });
      });
      await plantAndCreateTempTable();
      expect(await jobs()).toBe(0);

      const unsafe = results.filter((r) => r.status === "FAIL");
      expect(unsafe.map((r) => r.subject)).toEqual(["public.log_ddl()"]);
      expect(unsafe[0]).toMatchObject({
        severity: "critical",
        evidence: {
          firedBy: ["PUBLIC"],
          triggers: [`event trigger ${events.unsafe} ON ddl_command_end`],
          reason: "search_path not pinned (no SET search_path): it is the caller's",
        },
        fix: { kind: "sql", commands: ["ALTER FUNCTION public.log_ddl() SET search_path = pg_catalog, pg_temp;"] },
      });
    });

    it("its look-alike with a pinned search_path stays silent: alone, the same attack deletes nothing", async () => {
      await inQueueDb(async (c) => {
        await c.query("INSERT INTO public.jobs (handler) SELECT '--- !ruby/object:Job {}' FROM generate_series(1, 3)");
        await c.query(`ALTER EVENT TRIGGER ${q(events.unsafe)} DISABLE`);
      });
      const before = await jobs();
      await plantAndCreateTempTable();
      expect(await jobs()).toBe(before);
      expect(results.find((r) => r.subject === "public.log_ddl_pinned()")).toBeUndefined();
    });
  });
}
