/**
 * The SQL plan, proven the way an attacker would check it: on the messy fixture database
 * (the 5432 service and embedded PostgreSQL 18), the roles outside the policy really can
 * change the queue before the plan; the plan is applied as the database owner; afterwards
 * they cannot, the policy's principals still can do what the policy allows, and a second
 * audit finds none of the grant-route violations the plan claimed to resolve.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../../lib/audit/config/schema.js";
import { evaluate } from "../../../lib/audit/engine.js";
import type { Finding } from "../../../lib/audit/findings/model.js";
import { buildPlan } from "../../../lib/audit/fix/plan.js";
import { probePostgres } from "../../../lib/audit/probes/postgres/index.js";
import { config } from "../../support/builders.js";
import { createPgFixture, type PgFixture } from "../../support/pgFixture.js";
import { adminClient, type PgServer, pgServersUnderTest } from "../../support/pgServers.js";
import { skipWithout } from "../../support/services.js";

const servers = await pgServersUnderTest();

/** The checks whose violations are grant routes: what the SQL plan must remove. */
const GRANT_ROUTES = [
  "pg-public-privilege",
  "pg-unexpected-principal",
  "pg-excess-privilege",
  "pg-runtime-role-owns-table",
  "pg-default-privileges",
  "pg-public-schema-create",
  "pg-superuser-roles",
  "pg-missing-privilege",
];

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

for (const s of servers) {
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`the SQL fix plan on ${s.name}`, () => {
    let server: PgServer;
    let fx: PgFixture;
    let cfg: Config;
    let before: Finding[];
    let sql: string;
    /** A name that breaks naive quoting: mixed case, a double quote, spaces and a semicolon. */
    let odd: string;

    const prefix = () => fx.roles.migrator.slice(0, fx.roles.migrator.indexOf("_") + 1);

    const audit = async () => {
      const observations = await probePostgres(cfg.postgres, { credentials: { env: fx.env } });
      return evaluate({ config: cfg, inventory: { partitions: [] }, observations: { postgres: observations, redis: [] }, now: new Date() });
    };

    /** Runs `sql` as `role` (SET ROLE from the owner's session); the error message, or "ok". */
    const as = async (role: string, statement: string) => {
      const c = adminClient(server, fx.database);
      await c.connect();
      try {
        await c.query("BEGIN");
        await c.query(`SET ROLE ${q(role)}`);
        await c.query(statement);
        return "ok";
      } catch (err) {
        return (err as Error).message;
      } finally {
        await c.query("ROLLBACK").catch(() => undefined);
        await c.end();
      }
    };

    beforeAll(async () => {
      server = await s.start();
      fx = await createPgFixture(server);
      odd = `${prefix()}Odd "Ops"; Role`;
      const c = adminClient(server, fx.database);
      await c.connect();
      try {
        await c.query(`CREATE ROLE ${q(odd)} LOGIN`);
        await c.query(`GRANT DELETE ON public.jobs TO ${q(odd)}`);
      } finally {
        await c.end();
      }
      // The server is shared: roles that are not the fixture's and reach every database (superusers, and
      // other test files' fixtures, whose readers hold pg_read_all_data) are never the plan's to change.
      const others = await adminClient(server);
      await others.connect();
      const { rows } = await others.query(
        `SELECT rolname FROM pg_roles r WHERE NOT starts_with(rolname, $1) AND (rolsuper
           OR pg_has_role(r.oid, 'pg_read_all_data', 'MEMBER') OR pg_has_role(r.oid, 'pg_write_all_data', 'MEMBER'))`,
        [prefix()],
      );
      await others.end();
      const target = fx.target();
      cfg = config({
        postgres: [{ ...target, admins: [...new Set([...target.admins, ...rows.map((r) => r.rolname as string)])] } as never],
      });
      before = await audit();
      const plan = buildPlan(before, cfg, { generatedAt: new Date() });
      sql = plan.files.find((f) => f.name.endsWith(".sql"))?.content ?? "";
    }, 120_000);

    afterAll(async () => {
      await fx?.drop();
      const c = server && adminClient(server);
      if (c) {
        await c.connect();
        await c.query(`DROP ROLE IF EXISTS ${q(odd)}`).catch(() => undefined);
        await c.end();
      }
      await server?.stop();
    });

    it("writes one transaction whose statements name the fixture's own roles, quoted by quote_ident's rules", () => {
      expect(sql.split("\n").filter((l) => l === "BEGIN;" || l === "COMMIT;")).toEqual(["BEGIN;", "COMMIT;"]);
      expect(sql).toContain(`REVOKE DELETE ON TABLE "public"."jobs" FROM "${odd.replace(/"/g, '""')}";`);
      expect(sql).toContain(`REVOKE UPDATE ("run_at") ON TABLE "public"."jobs" FROM ${q(fx.roles.carol)};`);
      expect(sql).toContain(`REVOKE UPDATE ON TABLE "public"."jobs" FROM ${q(fx.roles.opsGroup)};`);
      expect(sql).toContain(`ALTER ROLE ${q(fx.roles.root)} NOSUPERUSER;`);
      expect(sql).toContain(`REVOKE "pg_read_all_data" FROM ${q(fx.roles.reader)};`);
      expect(sql).toContain(`ALTER TABLE "qa_other"."jobs" OWNER TO ${q(fx.roles.migrator)};`);
      // Never the policy's admins or owner.
      expect(sql).not.toContain(`ALTER ROLE ${q(fx.roles.admin)}`);
      expect(sql).not.toMatch(new RegExp(`FROM ${q(fx.roles.migrator).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")};`));
      // Every FAIL of a grant-route check with a SQL fix is named by the comment above its statement.
      for (const f of before.filter((x) => x.status === "FAIL" && x.fix?.kind === "sql")) expect(sql).toContain(`-- resolves ${f.id} `);
    });

    it("cuts the attackers' routes, keeps the principals working, and a second audit finds no grant-route violation it claimed", async () => {
      const { roles } = fx;
      const attacks: [string, string][] = [
        [roles.bob, "UPDATE public.jobs SET handler = 'x'"],
        [roles.dan, `SET ROLE ${q(roles.opsGroup)}; UPDATE public.jobs SET handler = 'x'`],
        [roles.carol, "UPDATE public.jobs SET run_at = now()"],
        [roles.reader, "SELECT * FROM public.jobs"],
        [odd, "DELETE FROM public.jobs"],
        [roles.web, "DELETE FROM public.jobs"],
      ];
      for (const [role, statement] of attacks) expect(await as(role, statement), `${role} before the plan`).toBe("ok");

      // Before running anything on a shared server: every role the plan names is the fixture's, or predefined.
      const named = [...sql.matchAll(/(?:ROLE|FROM|TO|FOR) ("(?:[^"]|"")+")/g)].map((m) =>
        (m[1] as string).slice(1, -1).replace(/""/g, '"'),
      );
      for (const name of named) expect(name.toLowerCase().startsWith(prefix()) || name.startsWith("pg_"), name).toBe(true);
      const c = adminClient(server, fx.database);
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }

      for (const [role, statement] of attacks) expect(await as(role, statement), `${role} after the plan`).toMatch(/permission denied/);
      // root was a superuser: it now cannot even read the table.
      expect(await as(roles.root, "SELECT * FROM public.jobs")).toMatch(/permission denied/);
      // The policy's principals still do their jobs, on both tables.
      expect(await as(roles.worker, "INSERT INTO public.jobs (handler) VALUES ('w') RETURNING id")).toBe("ok");
      expect(await as(roles.worker, "UPDATE qa_other.jobs SET handler = 'w'")).toBe("ok");
      expect(await as(roles.worker, "INSERT INTO qa_other.jobs (handler) VALUES ('w')")).toBe("ok");
      expect(await as(roles.web, "INSERT INTO public.jobs (handler) VALUES ('web')")).toBe("ok");

      const after = await audit();
      const claimed = new Set(before.filter((f) => f.status === "FAIL" && f.fix?.kind === "sql").map((f) => f.id));
      // Roles are the server's, not the database's: another test file's fixture may be alive on
      // the shared server during this audit, and its superusers show here too. Only this
      // fixture's roles (and the policy's) are this test's business.
      const ours = (f: { subject?: string }) => (f.subject ?? "").toLowerCase().startsWith(prefix());
      const still = after.filter((f) => f.status === "FAIL" && GRANT_ROUTES.includes(f.checkId) && ours(f));
      expect(still.filter((f) => claimed.has(f.id)).map((f) => `${f.checkId} ${f.resource.id} ${f.subject}`)).toEqual([]);
      // What remains is what the plan said it could not fix: the policy names a role that does not exist.
      expect(still.map((f) => `${f.checkId} ${f.resource.id} ${f.subject}`).sort()).toEqual([
        `pg-missing-privilege ${cfg.postgres[0]?.name}:public.jobs ${roles.ghost}`,
        `pg-missing-privilege ${cfg.postgres[0]?.name}:qa_other.jobs ${roles.ghost}`,
      ]);
      expect(after.filter((f) => f.status === "ERROR")).toEqual([]);
    }, 120_000);
  });
}
