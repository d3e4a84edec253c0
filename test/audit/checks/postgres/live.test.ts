/**
 * Every pg-* check, both ways, against the messy fixture database on two major versions:
 * the 5432 service and an embedded PostgreSQL 18 (membership options, MAINTAIN).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresChecks } from "../../../../lib/audit/checks/postgres/index.js";
import type { PostgresTarget } from "../../../../lib/audit/config/schema.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { probePostgres } from "../../../../lib/audit/probes/postgres/index.js";
import { config, context } from "../../../support/builders.js";
import { adminEnvName, createPgFixture, type PgFixture } from "../../../support/pgFixture.js";
import {
  EMBEDDED_PG_VERSION_NUM,
  embeddedUnavailable,
  freePort,
  localPgServer,
  localPgUnavailable,
  localPgVersionNum,
  type PgServer,
  startEmbeddedPg,
} from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

const localUnavailable = await localPgUnavailable();
/** Each server with its version, known before the tests are collected so version-specific tests skip visibly. */
const servers = [
  {
    name: "the PostgreSQL service on 5432",
    unavailable: localUnavailable,
    versionNum: localUnavailable ? 0 : await localPgVersionNum(),
    start: async () => localPgServer(),
  },
  { name: "embedded PostgreSQL 18", unavailable: embeddedUnavailable(), versionNum: EMBEDDED_PG_VERSION_NUM, start: startEmbeddedPg },
];

for (const s of servers) {
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`pg-* checks against ${s.name}`, () => {
    let server: PgServer | undefined;
    let fx: PgFixture;
    let main: PostgresTarget;
    let results: CheckResult[];

    beforeAll(async () => {
      server = await s.start();
      fx = await createPgFixture(server);
      main = fx.target();
      const targets: PostgresTarget[] = [
        main,
        fx.target({ name: `${main.name}-missing`, tables: ["public.missing_jobs"] }),
        // Opted in to the weak-password trial too, so that every pg check, opt-in ones included, must say ERROR.
        {
          ...fx.target({ name: `${main.name}-down`, connection: { port: await freePort(), connectTimeoutSeconds: 2 } }),
          probe: { weakPasswords: true },
        },
        fx.target({ name: `${main.name}-as-admin`, connection: { user: server.adminUser, password: { env: adminEnvName(fx) } } }),
      ];
      const observations = await probePostgres(targets, { credentials: { env: fx.env } });
      const ctx = context(config({ postgres: targets }), undefined, { postgres: observations });
      results = postgresChecks.flatMap((c) => c.evaluate(ctx));
    });

    afterAll(async () => {
      await fx?.drop();
      await server?.stop();
    });

    const on = (checkId: string, resourceId: string) => results.filter((r) => r.checkId === checkId && r.resource.id === resourceId);
    const statusOf = (checkId: string, resourceId: string, subject?: string) =>
      on(checkId, resourceId)
        .filter((r) => subject === undefined || r.subject === subject)
        .map((r) => r.status);
    const failedSubjects = (checkId: string, resourceId: string) =>
      on(checkId, resourceId)
        .filter((r) => r.status === "FAIL")
        .map((r) => r.subject);
    const jobs = () => `${main.name}:public.jobs`;
    const other = () => `${main.name}:qa_other.jobs`;
    const v17 = () => fx.serverVersionNum >= 170000;

    it("reports PUBLIC's USAGE on the queue's sequence, and passes the table without PUBLIC grants", () => {
      const [f] = on("pg-public-privilege", jobs());
      expect(f).toMatchObject({
        status: "FAIL",
        subject: "PUBLIC",
        evidence: { table: [], sequences: { "public.jobs_id_seq": ["USAGE"] } },
      });
      expect(statusOf("pg-public-privilege", other())).toEqual(["PASS"]);
    });

    it("finds login roles outside the policy through chains, SET ROLE, column grants, predefined roles and superuser", () => {
      const { roles } = fx;
      const subjects = failedSubjects("pg-unexpected-principal", jobs());
      expect(subjects).toEqual(expect.arrayContaining([roles.bob, roles.dan, roles.carol, roles.root, roles.reader]));
      for (const allowed of [roles.worker, roles.web, roles.migrator, roles.admin, roles.auditor, roles.erin]) {
        expect(subjects).not.toContain(allowed);
      }
      const bob = on("pg-unexpected-principal", jobs()).find((r) => r.subject === roles.bob);
      expect(bob?.evidence.paths).toContain(`${roles.bob} -> ${roles.opsMid} -> ${roles.opsGroup}: UPDATE`);
      const dan = on("pg-unexpected-principal", jobs()).find((r) => r.subject === roles.dan);
      expect(dan?.evidence.paths).toContain(`${roles.dan} -> SET ROLE ${roles.opsGroup}: UPDATE`);
      const carol = on("pg-unexpected-principal", jobs()).find((r) => r.subject === roles.carol);
      expect(carol?.evidence).toMatchObject({ privileges: ["UPDATE"], paths: [`${roles.carol}: UPDATE (columns: run_at)`] });
      const reader = on("pg-unexpected-principal", jobs()).find((r) => r.subject === roles.reader);
      expect(reader?.evidence.paths).toContain(`${roles.reader} -> pg_read_all_data: SELECT`);
      const root = on("pg-unexpected-principal", jobs()).find((r) => r.subject === roles.root);
      expect(root?.evidence.paths).toContain(`${roles.root}: superuser (all privileges)`);
    });

    it.skipIf(s.versionNum < 160000)("applies PostgreSQL 16 membership options: SET TRUE reaches, INHERIT FALSE SET FALSE does not", () => {
      expect(fx.serverVersionNum).toBeGreaterThanOrEqual(160000);
      const subjects = failedSubjects("pg-unexpected-principal", jobs());
      expect(subjects).toContain(fx.roles.frank);
      expect(subjects).not.toContain(fx.roles.erin);
      const frank = on("pg-unexpected-principal", jobs()).find((r) => r.subject === fx.roles.frank);
      expect(frank?.evidence.paths).toContain(`${fx.roles.frank} -> SET ROLE ${fx.roles.opsGroup}: UPDATE`);
    });

    it("reports excess privileges of policy principals, sequences by the INSERT rule, and MAINTAIN on 17+", () => {
      const { roles } = fx;
      const web = on("pg-excess-privilege", jobs()).find((r) => r.subject === roles.web);
      expect(web).toMatchObject({ status: "FAIL", evidence: { excess: ["DELETE"], sequences: { "public.jobs_id_seq": ["UPDATE"] } } });
      const worker = on("pg-excess-privilege", jobs()).find((r) => r.subject === roles.worker);
      if (v17()) expect(worker).toMatchObject({ status: "FAIL", evidence: { excess: ["MAINTAIN"], sequences: {} } });
      else expect(worker).toBeUndefined();
      // The worker owns qa_other.jobs: ownership gives it everything, its identity sequence included.
      const owner = on("pg-excess-privilege", other()).find((r) => r.subject === roles.worker);
      expect(owner?.status).toBe("FAIL");
      expect(owner?.evidence.excess).toEqual(expect.arrayContaining(["TRUNCATE", "REFERENCES", "TRIGGER"]));
      expect(Object.values(owner?.evidence.sequences as Record<string, string[]>)).toEqual([["UPDATE"]]);
    });

    it("reports policy privileges that are missing, including a policy role that does not exist", () => {
      const { roles } = fx;
      expect(on("pg-missing-privilege", jobs()).find((r) => r.subject === roles.web)?.evidence.missing).toEqual(["INSERT"]);
      expect(on("pg-missing-privilege", jobs()).find((r) => r.subject === roles.ghost)?.evidence.exists).toBe(false);
      expect(statusOf("pg-missing-privilege", jobs(), roles.worker)).toEqual([]);
    });

    it("checks each table's owner against the policy, schema by schema", () => {
      expect(statusOf("pg-runtime-role-owns-table", jobs())).toEqual(["PASS"]);
      expect(on("pg-runtime-role-owns-table", other())).toMatchObject([{ status: "FAIL", subject: fx.roles.worker }]);
    });

    it("reports default privileges to PUBLIC in the table's schema only", () => {
      const [pub] = on("pg-default-privileges", `${main.name}:public`);
      expect(pub).toMatchObject({ status: "FAIL", subject: "PUBLIC" });
      expect(pub?.evidence.entries).toEqual([
        { forRole: fx.roles.migrator, objects: "tables", privileges: ["SELECT"], scope: "schema public" },
      ]);
      expect(statusOf("pg-default-privileges", `${main.name}:qa_other`)).toEqual(["PASS"]);
    });

    it("reports PUBLIC CREATE on a schema", () => {
      expect(on("pg-public-schema-create", `${main.name}:qa_other`)).toMatchObject([{ status: "FAIL", subject: "PUBLIC" }]);
      // Databases created on 15+ no longer give PUBLIC CREATE on schema public.
      expect(statusOf("pg-public-schema-create", `${main.name}:public`)).toEqual(["PASS"]);
    });

    it("reports superusers outside the admins, not the admins", () => {
      const subjects = failedSubjects("pg-superuser-roles", main.name);
      expect(subjects).toContain(fx.roles.root);
      expect(subjects).not.toContain(fx.roles.admin);
      expect(subjects).not.toContain(fx.server.adminUser);
    });

    it("passes the least-privilege auditor and fails a superuser auditor", () => {
      expect(on("pg-auditor-overprivileged", main.name)).toMatchObject([{ status: "PASS" }]);
      expect(on("pg-auditor-overprivileged", `${main.name}-as-admin`)).toMatchObject([{ status: "FAIL", subject: fx.server.adminUser }]);
    });

    it("gives ERROR, never PASS, for a table that does not exist", () => {
      const missing = results.filter((r) => r.resource.id === `${main.name}-missing:public.missing_jobs`);
      expect(missing.map((r) => r.checkId).sort()).toEqual(
        [
          "pg-excess-privilege",
          "pg-missing-privilege",
          "pg-public-privilege",
          "pg-runtime-role-owns-table",
          "pg-unexpected-principal",
        ].sort(),
      );
      for (const r of missing) {
        expect(r.status).toBe("ERROR");
        expect(r.cause?.reason).toContain("table public.missing_jobs does not exist");
      }
      expect(statusOf("pg-auditor-overprivileged", `${main.name}-missing`)).toEqual(["ERROR"]);
    });

    it("gives ERROR on every pg check for a database that cannot be reached", () => {
      const down = results.filter((r) => r.resource.id.startsWith(`${main.name}-down`));
      expect(new Set(down.map((r) => r.checkId))).toEqual(new Set(postgresChecks.map((c) => c.meta.id)));
      for (const r of down) {
        expect(r.status).toBe("ERROR");
        expect(r.cause).toMatchObject({ source: `postgres:${main.name}-down`, code: "ECONNREFUSED" });
      }
    });

    it("never puts the auditor's password in a result", () => {
      expect(JSON.stringify(results)).not.toContain(fx.auditorPassword);
    });
  });
}
