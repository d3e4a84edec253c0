/**
 * The queue's own partitions and inheritance children hold its rows, live on the 5432
 * service (15) and an embedded PostgreSQL 18: PostgreSQL checks only the privileges of the
 * table a statement names, so a role with grants on one partition reads, adds and removes
 * the queue's jobs in it without any grant on the queue. The owner of a partition drops
 * those jobs with it. The look-alikes stay silent, each proven by trying it: a table shaped
 * like the queue that is no partition of it, and a partition whose DETACH CONCURRENTLY was
 * interrupted (its rows are no longer the queue's).
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgUnexpectedPrincipal } from "../../../../lib/audit/checks/postgres/pg-unexpected-principal.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { createPgFixture, type PgFixture } from "../../../support/pgFixture.js";
import { auditTables, createLoginRoles, leaveDetachPending, tearDown } from "../../../support/pgInheritance.js";
import { adminClient, inSession, loginClient, type PgServer, pgServersUnderTest } from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

const servers = await pgServersUnderTest();

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
const FIVE = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"];

for (const s of servers) {
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`the queue's partitions and children on ${s.name}`, () => {
    let server: PgServer | undefined;
    let fx: PgFixture | undefined;
    const sfx = randomBytes(4).toString("hex");
    const role = {
      partWriter: `qd${sfx}_part_writer`,
      leafReader: `qd${sfx}_leaf_reader`,
      kidWriter: `qd${sfx}_kid_writer`,
      partOwner: `qd${sfx}_part_owner`,
      lookalike: `qd${sfx}_lookalike`,
      parkedReader: `qd${sfx}_parked_reader`,
      schemaOwner: `qd${sfx}_schema_owner`,
      otherOwner: `qd${sfx}_other_owner`,
      updater: `qd${sfx}_updater`,
    };
    type Name = keyof typeof role;
    const password = randomBytes(12).toString("hex");
    let principals: CheckResult[] = [];

    const inQueueDb = <T>(fn: (c: pg.Client) => Promise<T>) => inSession(adminClient(server as PgServer, fx?.database), fn);
    const as = <T>(who: Name, fn: (c: pg.Client) => Promise<T>) =>
      inSession(loginClient(server as PgServer, role[who], password, fx?.database), fn);
    const refused = (who: Name, sql: string) =>
      as(who, async (c) => {
        await expect(c.query(sql)).rejects.toMatchObject({ code: "42501" });
      });
    const count = (table: string, where = "true") =>
      inQueueDb(async (c) => Number((await c.query(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)).rows[0].n));
    const onTable = (table: string, who: Name) =>
      principals.find((r) => r.status === "FAIL" && r.subject === role[who] && r.resource.id.endsWith(`:public.${table}`));
    const refill = () =>
      inQueueDb(async (c) => {
        await c.query("TRUNCATE public.delayed_jobs, public.legacy_jobs");
        await c.query(
          "INSERT INTO public.delayed_jobs (id, queue, handler) VALUES (1, 'default', 'job'), (2, 'default', 'job'), (3, 'mail', 'job')",
        );
        await c.query("INSERT INTO public.legacy_jobs (id, handler) VALUES (1, 'job')");
        await c.query("INSERT INTO public.legacy_archive (id, handler) VALUES (2, 'job'), (3, 'job')");
      });

    beforeAll(async () => {
      server = await s.start();
      fx = await createPgFixture(server);
      const owner = q(fx.roles.migrator);
      await createLoginRoles(server, Object.values(role), password);
      await inQueueDb(async (c) => {
        for (const sql of [
          // The queue partitioned by queue name, one partition partitioned again; another queue with an inheritance child.
          "CREATE TABLE public.delayed_jobs (id int NOT NULL, queue text NOT NULL, handler text NOT NULL) PARTITION BY LIST (queue)",
          "CREATE TABLE public.dj_default PARTITION OF public.delayed_jobs FOR VALUES IN ('default')",
          "CREATE TABLE public.dj_mail PARTITION OF public.delayed_jobs FOR VALUES IN ('mail') PARTITION BY LIST (handler)",
          "CREATE TABLE public.dj_mail_leaf PARTITION OF public.dj_mail DEFAULT",
          "CREATE TABLE public.dj_bulk PARTITION OF public.delayed_jobs FOR VALUES IN ('bulk')",
          "CREATE TABLE public.dj_parked PARTITION OF public.delayed_jobs FOR VALUES IN ('parked')",
          "CREATE TABLE public.legacy_jobs (id int NOT NULL, handler text NOT NULL)",
          "CREATE TABLE public.legacy_archive () INHERITS (public.legacy_jobs)",
          // A partition in a schema someone else owns, and a child with a second parent someone else owns.
          `CREATE SCHEMA parts AUTHORIZATION ${q(role.schemaOwner)}`,
          "CREATE TABLE parts.dj_ext PARTITION OF public.delayed_jobs FOR VALUES IN ('ext')",
          "CREATE TABLE public.audit_base (id int NOT NULL, handler text NOT NULL)",
          `ALTER TABLE public.audit_base OWNER TO ${q(role.otherOwner)}`,
          "CREATE TABLE public.legacy_audited () INHERITS (public.legacy_jobs, public.audit_base)",
          // UPDATE alone on the partitioned queue: rows move between its partitions and stay in it.
          `GRANT SELECT, UPDATE ON public.delayed_jobs TO ${q(role.updater)}`,
          // The look-alike: the queue's shape, no partition of it.
          "CREATE TABLE public.dj_shadow (LIKE public.delayed_jobs)",
          ...[
            "delayed_jobs",
            "dj_default",
            "dj_mail",
            "dj_mail_leaf",
            "dj_parked",
            "legacy_jobs",
            "legacy_archive",
            "legacy_audited",
            "dj_shadow",
          ].map((t) => `ALTER TABLE public.${t} OWNER TO ${owner}`),
          `ALTER TABLE parts.dj_ext OWNER TO ${owner}`,
          `ALTER TABLE public.dj_bulk OWNER TO ${q(role.partOwner)}`,
          `GRANT ${FIVE.join(", ")} ON public.dj_default TO ${q(role.partWriter)}`,
          `GRANT SELECT ON public.dj_mail_leaf TO ${q(role.leafReader)}`,
          `GRANT INSERT, DELETE ON public.legacy_archive TO ${q(role.kidWriter)}`,
          `GRANT ${FIVE.join(", ")} ON public.dj_shadow TO ${q(role.lookalike)}`,
          `GRANT SELECT, DELETE ON public.dj_parked TO ${q(role.parkedReader)}`,
        ])
          await c.query(sql);
      });
      await refill();
      await leaveDetachPending(server, fx.database, "public.delayed_jobs", "public.dj_parked");
      principals = pgUnexpectedPrincipal.evaluate(await auditTables(fx, ["public.delayed_jobs", "public.legacy_jobs"]));
    });

    afterAll(() => tearDown(server, fx, Object.values(role)));

    it("observes everything as the CONNECT-only audit role, with no ERROR", () => {
      expect(principals.filter((r) => r.status === "ERROR")).toEqual([]);
    });

    it("a role with grants on one partition reads, adds and empties the queue's jobs in it, with no grant on the queue", async () => {
      await refill();
      await refused("partWriter", "SELECT * FROM public.delayed_jobs");
      await as("partWriter", async (c) => {
        expect((await c.query("SELECT id FROM public.dj_default")).rowCount).toBe(2);
        await c.query("INSERT INTO public.dj_default (id, queue, handler) VALUES (4, 'default', '--- !ruby/object:Evil {}')");
      });
      expect(await count("public.delayed_jobs", "queue = 'default'")).toBe(3);
      await as("partWriter", (c) => c.query("TRUNCATE public.dj_default"));
      expect(await count("public.delayed_jobs", "queue = 'default'")).toBe(0);
      // An UPDATE through the partition cannot move a job out of it: the partition constraint refuses.
      await refill();
      await as("partWriter", async (c) => {
        await expect(c.query("UPDATE public.dj_default SET queue = 'mail'")).rejects.toMatchObject({ code: "23514" });
      });

      const f = onTable("delayed_jobs", "partWriter");
      expect(f?.evidence.privileges).toEqual(FIVE);
      expect(f?.evidence.paths).toContain(
        `${role.partWriter} -(INSERT)-> public.dj_default [partition, owner ${fx?.roles.migrator}] -> INSERT`,
      );
    });

    it("a grant on a sub-partition's leaf reads the queue's jobs in it, through every level", async () => {
      await refill();
      await refused("leafReader", "SELECT * FROM public.dj_mail");
      await as("leafReader", async (c) => {
        expect((await c.query("SELECT id FROM public.dj_mail_leaf")).rows).toEqual([{ id: 3 }]);
      });
      expect(onTable("delayed_jobs", "leafReader")?.evidence.paths).toEqual([
        `${role.leafReader} -(SELECT)-> public.dj_mail_leaf [partition, owner ${fx?.roles.migrator}] -(SELECT)-> public.dj_mail [partition, owner ${fx?.roles.migrator}] -> SELECT`,
      ]);
    });

    it("a role with grants on an inheritance child adds jobs the queue's readers see, and deletes them", async () => {
      await refill();
      await refused("kidWriter", "SELECT * FROM public.legacy_jobs");
      await as("kidWriter", (c) => c.query("INSERT INTO public.legacy_archive (id, handler) VALUES (9, '--- !ruby/object:Evil {}')"));
      expect(await count("public.legacy_jobs", "id = 9")).toBe(1);
      await as("kidWriter", (c) => c.query("DELETE FROM public.legacy_archive"));
      expect(await count("public.legacy_jobs")).toBe(1);

      const f = onTable("legacy_jobs", "kidWriter");
      expect(f?.evidence.privileges).toEqual(["INSERT", "DELETE"]);
      expect(f?.evidence.paths).toContain(
        `${role.kidWriter} -(DELETE)-> public.legacy_archive [inheritance child, owner ${fx?.roles.migrator}] -> DELETE`,
      );
    });

    it("a partition's owner holds the queue's jobs in it and drops them, though it owns nothing else", async () => {
      await inQueueDb((c) => c.query("INSERT INTO public.delayed_jobs (id, queue, handler) VALUES (11, 'bulk', 'job')"));
      expect(await count("public.delayed_jobs", "queue = 'bulk'")).toBe(1);
      await refused("partOwner", "SELECT * FROM public.delayed_jobs");
      const f = onTable("delayed_jobs", "partOwner");
      expect(f?.evidence.privileges).toEqual([...FIVE, "DROP"]);
      expect(f?.evidence.paths).toContain(`${role.partOwner} -(owns)-> public.dj_bulk [partition: dropping it removes its rows] -> DROP`);
      await as("partOwner", (c) => c.query("DROP TABLE public.dj_bulk"));
      expect(await count("public.delayed_jobs", "queue = 'bulk'")).toBe(0);
    });

    it("the owner of a partition's schema drops it, and the queue's jobs in it, though it owns neither", async () => {
      await inQueueDb((c) => c.query("INSERT INTO public.delayed_jobs (id, queue, handler) VALUES (12, 'ext', 'job')"));
      await refused("schemaOwner", "SELECT * FROM parts.dj_ext");
      expect(onTable("delayed_jobs", "schemaOwner")?.evidence.paths).toEqual([
        `${role.schemaOwner} -(owns)-> schema parts [holds partition parts.dj_ext: dropping it removes its rows] -> DROP`,
      ]);
      await as("schemaOwner", (c) => c.query("DROP TABLE parts.dj_ext"));
      expect(await count("public.delayed_jobs", "queue = 'ext'")).toBe(0);
    });

    it("the owner of a child's other parent reads its jobs through that parent and drops them with it", async () => {
      await inQueueDb((c) => c.query("INSERT INTO public.legacy_audited (id, handler) VALUES (13, 'job')"));
      await refused("otherOwner", "SELECT * FROM public.legacy_jobs");
      await as("otherOwner", async (c) => {
        expect((await c.query("SELECT id FROM public.audit_base")).rows).toEqual([{ id: 13 }]);
      });
      const f = onTable("legacy_jobs", "otherOwner");
      expect(f?.evidence.privileges).toEqual(["SELECT", "UPDATE", "DELETE", "TRUNCATE", "DROP"]);
      expect(f?.evidence.paths).toContain(
        `${role.otherOwner} -(owns)-> public.audit_base [inheritance parent of public.legacy_audited: DROP TABLE … CASCADE on it drops the child] -> DROP`,
      );
      await as("otherOwner", (c) => c.query("DROP TABLE public.audit_base CASCADE"));
      expect(await count("public.legacy_jobs", "id = 13")).toBe(0);
    });

    it("UPDATE alone on the partitioned queue moves a job between its partitions, adds none and removes none: it is UPDATE only", async () => {
      await refill();
      await as("updater", (c) => c.query("UPDATE public.delayed_jobs SET queue = 'mail' WHERE id = 1"));
      expect(await count("public.delayed_jobs")).toBe(3);
      await refused("updater", "INSERT INTO public.delayed_jobs (id, queue, handler) VALUES (7, 'default', 'x')");
      await refused("updater", "DELETE FROM public.delayed_jobs");
      expect(onTable("delayed_jobs", "updater")?.evidence.privileges).toEqual(["SELECT", "UPDATE"]);
    });

    it("a table shaped like the queue, no partition of it, reaches nothing of the queue", async () => {
      await refill();
      await as("lookalike", (c) => c.query("INSERT INTO public.dj_shadow (id, queue, handler) VALUES (5, 'default', 'x')"));
      expect(await count("public.delayed_jobs", "id = 5")).toBe(0);
      expect(principals.find((r) => r.status === "FAIL" && r.subject === role.lookalike)).toBeUndefined();
    });

    it("a partition whose detach was interrupted no longer holds the queue's jobs, and its grants are not reported", async () => {
      await inQueueDb((c) => c.query("INSERT INTO public.dj_parked (id, queue, handler) VALUES (10, 'parked', 'job')"));
      expect(await count("public.dj_parked")).toBe(1);
      expect(await count("public.delayed_jobs", "queue = 'parked'")).toBe(0);
      await as("parkedReader", (c) => c.query("DELETE FROM public.dj_parked"));
      expect(await count("public.dj_parked")).toBe(0);
      expect(principals.find((r) => r.status === "FAIL" && r.subject === role.parkedReader)).toBeUndefined();
    });
  });
}
