/**
 * Role administration as a path to the queue table, live on both major-version behaviours:
 * the 5432 service (15: CREATEROLE grants any non-superuser role) and an embedded
 * PostgreSQL 18 (CREATEROLE needs ADMIN OPTION, which the creator of a role holds).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgUnexpectedPrincipal } from "../../../../lib/audit/checks/postgres/pg-unexpected-principal.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { probePostgres } from "../../../../lib/audit/probes/postgres/index.js";
import { config, context } from "../../../support/builders.js";
import { createPgFixture, type PgFixture } from "../../../support/pgFixture.js";
import { adminClient, type PgServer, pgServersUnderTest } from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

const servers = await pgServersUnderTest();

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

for (const s of servers) {
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`escalation through role administration on ${s.name}`, () => {
    let server: PgServer | undefined;
    let fx: PgFixture | undefined;
    const sfx = randomBytes(4).toString("hex");
    // A CREATEROLE login role, a role it created, and a login role given ADMIN OPTION on the worker role.
    const extra = { ops: `qe${sfx}_ops`, made: `qe${sfx}_made`, mallory: `qe${sfx}_mallory` };
    let results: CheckResult[] = [];

    beforeAll(async () => {
      server = await s.start();
      fx = await createPgFixture(server);
      const v16 = fx.serverVersionNum >= 160000;
      const admin = adminClient(server);
      await admin.connect();
      try {
        await admin.query(`CREATE ROLE ${q(extra.ops)} LOGIN CREATEROLE`);
        await admin.query(`CREATE ROLE ${q(extra.mallory)} LOGIN`);
        await admin.query(`SET ROLE ${q(extra.ops)}`);
        await admin.query(`CREATE ROLE ${q(extra.made)} NOLOGIN`);
        await admin.query("RESET ROLE");
        // 16+: admin alone, without INHERIT or SET, so only the self-grant reaches the worker role.
        await admin.query(
          `GRANT ${q(fx.roles.worker)} TO ${q(extra.mallory)} ${v16 ? "WITH ADMIN TRUE, INHERIT FALSE, SET FALSE" : "WITH ADMIN OPTION"}`,
        );
      } finally {
        await admin.end();
      }
      const db = adminClient(server, fx.database);
      await db.connect();
      try {
        await db.query(`GRANT TRUNCATE ON public.jobs TO ${q(extra.made)}`);
      } finally {
        await db.end();
      }
      const target = fx.target();
      const observations = await probePostgres([target], { credentials: { env: fx.env } });
      const ctx = context(config({ postgres: [target] }), undefined, { postgres: observations });
      results = pgUnexpectedPrincipal.evaluate(ctx).filter((r) => r.resource.id === `${target.name}:public.jobs`);
    });

    afterAll(async () => {
      await fx?.drop();
      if (server) {
        const admin = adminClient(server);
        await admin.connect();
        try {
          for (const role of [extra.made, extra.mallory, extra.ops]) await admin.query(`DROP ROLE IF EXISTS ${q(role)}`);
        } finally {
          await admin.end();
        }
      }
      await server?.stop();
    });

    const finding = (role: string) => results.find((r) => r.status === "FAIL" && r.subject === role);
    const workerPrivileges = () => `SELECT, INSERT, UPDATE, DELETE${(fx?.serverVersionNum ?? 0) >= 170000 ? ", MAINTAIN" : ""}`;

    it("reports a CREATEROLE login role before 16 (it can grant itself any non-superuser role), and not from 16", () => {
      const ops = finding(extra.ops);
      if ((fx?.serverVersionNum ?? 0) < 160000) {
        expect(ops?.evidence.paths).toEqual(
          expect.arrayContaining([
            `${extra.ops} -(CREATEROLE, PostgreSQL ≤15)-> ${fx?.roles.worker}: ${workerPrivileges()}`,
            `${extra.ops} -(CREATEROLE, PostgreSQL ≤15)-> ${fx?.roles.migrator}: owner (all privileges)`,
          ]),
        );
      } else {
        // Only the role it created (and so administers) gives it access.
        expect(ops?.evidence).toMatchObject({
          privileges: ["TRUNCATE"],
          paths: [`${extra.ops} -(ADMIN OPTION)-> ${extra.made}: TRUNCATE`],
        });
      }
    });

    it("reports a login role holding ADMIN OPTION on a role with access", () => {
      const mallory = finding(extra.mallory);
      const expected =
        (fx?.serverVersionNum ?? 0) >= 160000
          ? `${extra.mallory} -(ADMIN OPTION)-> ${fx?.roles.worker}: ${workerPrivileges()}`
          : // Before 16 the admin holder is a member (inheriting, as mallory has INHERIT): that existing path is the evidence.
            `${extra.mallory} -> ${fx?.roles.worker}: ${workerPrivileges()}`;
      expect(mallory?.evidence.paths).toContain(expected);
    });
  });
}
