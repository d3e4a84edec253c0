/**
 * Privileges on a parent reach a child's rows, live on the 5432 service (15) and an embedded
 * PostgreSQL 18: PostgreSQL checks only the privileges of the table a statement names. The
 * queue is a partition of a partitioned table, and another queue an inheritance child; roles
 * with no grant on either read, change and empty them through the parent. The look-alikes
 * stay silent, each proven by trying it: INSERT into an inheritance parent (the row stays in
 * the parent), a sibling partition's or child's grants, a partition whose DETACH CONCURRENTLY
 * was interrupted, and a statement trigger on a partition, which a write through the parent
 * does not fire.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgUnexpectedPrincipal } from "../../../../lib/audit/checks/postgres/pg-unexpected-principal.js";
import { pgUnsafeDefinerFunction } from "../../../../lib/audit/checks/postgres/pg-unsafe-definer-function.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { createPgFixture, type PgFixture } from "../../../support/pgFixture.js";
import { auditTables, createLoginRoles, leaveDetachPending, tearDown } from "../../../support/pgInheritance.js";
import { adminClient, inSession, loginClient, type PgServer, pgServersUnderTest } from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

const servers = await pgServersUnderTest();

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

for (const s of servers) {
  describe.skipIf(skipWithout(`PostgreSQL (${s.name})`, s.unavailable))(`privileges through a parent on ${s.name}`, () => {
    let server: PgServer | undefined;
    let fx: PgFixture | undefined;
    const sfx = randomBytes(4).toString("hex");
    const role = {
      partReader: `qp${sfx}_part_reader`,
      baseWriter: `qp${sfx}_base_writer`,
      sibling: `qp${sfx}_sibling`,
      stamper: `qp${sfx}_stamper`,
      batcher: `qp${sfx}_batcher`,
      parkReader: `qp${sfx}_park_reader`,
      mover: `qp${sfx}_mover`,
      shifter: `qp${sfx}_shifter`,
      parentOwner: `qp${sfx}_parent_owner`,
      onlyViewer: `qp${sfx}_only_viewer`,
      partOnly: `qp${sfx}_part_only`,
    };
    type Name = keyof typeof role;
    const password = randomBytes(12).toString("hex");
    let principals: CheckResult[] = [];
    let definers: CheckResult[] = [];

    const inQueueDb = <T>(fn: (c: pg.Client) => Promise<T>) => inSession(adminClient(server as PgServer, fx?.database), fn);
    const as = <T>(who: Name, fn: (c: pg.Client) => Promise<T>) =>
      inSession(loginClient(server as PgServer, role[who], password, fx?.database), fn);
    const refused = (who: Name, sql: string) =>
      as(who, async (c) => {
        await expect(c.query(sql)).rejects.toMatchObject({ code: "42501" });
      });
    const count = (table: string) => inQueueDb(async (c) => Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n));
    const refill = () =>
      inQueueDb(async (c) => {
        await c.query("TRUNCATE public.jobs_all, public.jobs_base");
        await c.query(
          "INSERT INTO public.jobs_all (id, queue, handler) VALUES (1, 'default', 'job'), (2, 'default', 'job'), (3, 'other', 'job')",
        );
        await c.query("INSERT INTO public.legacy_jobs (id, handler) VALUES (1, 'job'), (2, 'job'), (3, 'job')");
        await c.query("INSERT INTO public.other_kid (id, handler) VALUES (100, 'job')");
      });
    const finding = (checkId: string, who: Name) =>
      principals.find((r) => r.checkId === checkId && r.status === "FAIL" && r.subject === role[who]);
    const onTable = (table: string, who: Name) =>
      principals.find((r) => r.status === "FAIL" && r.subject === role[who] && r.resource.id.endsWith(`:public.${table}`));

    beforeAll(async () => {
      server = await s.start();
      fx = await createPgFixture(server);
      const owner = q(fx.roles.migrator);
      await createLoginRoles(server, Object.values(role), password);
      await inQueueDb(async (c) => {
        for (const sql of [
          // The queue as a partition, and another queue as an inheritance child.
          "CREATE TABLE public.jobs_all (id int NOT NULL, queue text NOT NULL, handler text NOT NULL) PARTITION BY LIST (queue)",
          "CREATE TABLE public.delayed_jobs PARTITION OF public.jobs_all FOR VALUES IN ('default')",
          "CREATE TABLE public.other_jobs PARTITION OF public.jobs_all FOR VALUES IN ('other')",
          "CREATE TABLE public.jobs_base (id int NOT NULL, handler text NOT NULL)",
          "CREATE TABLE public.legacy_jobs () INHERITS (public.jobs_base)",
          "CREATE TABLE public.other_kid () INHERITS (public.jobs_base)",
          ...["jobs_all", "delayed_jobs", "other_jobs", "jobs_base", "legacy_jobs", "other_kid"].map(
            (t) => `ALTER TABLE public.${t} OWNER TO ${owner}`,
          ),
          `GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.jobs_all TO ${q(role.partReader)}`,
          `GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.jobs_base TO ${q(role.baseWriter)}`,
          `GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.other_jobs, public.other_kid TO ${q(role.sibling)}`,
          // Views over ONLY the parents (found over-reported by a review): no child's rows, but an
          // INSERT into a partitioned table still lands in a partition.
          "CREATE VIEW public.base_only AS SELECT id, handler FROM ONLY public.jobs_base",
          "CREATE VIEW public.all_only AS SELECT id, queue, handler FROM ONLY public.jobs_all",
          ...["base_only", "all_only"].map((v) => `ALTER VIEW public.${v} OWNER TO ${owner}`),
          `GRANT SELECT, UPDATE, DELETE ON public.base_only TO ${q(role.onlyViewer)}`,
          `GRANT SELECT, INSERT, UPDATE, DELETE ON public.all_only TO ${q(role.partOnly)}`,
          // Definer trigger functions with the writer's search_path, on partitions of an events table.
          `CREATE SCHEMA plant_s AUTHORIZATION ${q(role.stamper)}`,
          `CREATE SCHEMA plant_b AUTHORIZATION ${q(role.batcher)}`,
          "CREATE TABLE public.events (kind text NOT NULL, note text) PARTITION BY LIST (kind)",
          "CREATE TABLE public.events_row PARTITION OF public.events FOR VALUES IN ('row')",
          "CREATE TABLE public.events_stmt PARTITION OF public.events FOR VALUES IN ('stmt')",
          ...["events", "events_row", "events_stmt"].map((t) => `ALTER TABLE public.${t} OWNER TO ${owner}`),
          `CREATE FUNCTION public.stamp_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN NEW.note := lower(NEW.note); RETURN NEW; END $$`,
          `CREATE FUNCTION public.stamp_stmt() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN PERFORM lower('x'); RETURN NULL; END $$`,
          `ALTER FUNCTION public.stamp_row() OWNER TO ${owner}`,
          `ALTER FUNCTION public.stamp_stmt() OWNER TO ${owner}`,
          "CREATE TRIGGER stamp BEFORE INSERT ON public.events_row FOR EACH ROW EXECUTE FUNCTION public.stamp_row()",
          "CREATE TRIGGER stamp AFTER INSERT ON public.events_stmt FOR EACH STATEMENT EXECUTE FUNCTION public.stamp_stmt()",
          `GRANT INSERT ON public.events TO ${q(role.stamper)}, ${q(role.batcher)}`,
          // A queue partition being detached.
          "CREATE TABLE public.parked_all (id int NOT NULL, queue text NOT NULL) PARTITION BY LIST (queue)",
          "CREATE TABLE public.parked_jobs PARTITION OF public.parked_all FOR VALUES IN ('parked')",
          ...["parked_all", "parked_jobs"].map((t) => `ALTER TABLE public.${t} OWNER TO ${owner}`),
          "INSERT INTO public.parked_all VALUES (1, 'parked'), (2, 'parked')",
          `GRANT SELECT, DELETE ON public.parked_all TO ${q(role.parkReader)}`,
          // UPDATE only, which moves rows between partitions.
          `GRANT UPDATE ON public.jobs_all TO ${q(role.mover)}`,
          `GRANT UPDATE ON public.events TO ${q(role.shifter)}`,
          `CREATE SCHEMA plant_m AUTHORIZATION ${q(role.shifter)}`,
          // A queue partition whose partitioned table someone else owns.
          `CREATE SCHEMA po AUTHORIZATION ${q(role.parentOwner)}`,
          // In a schema it may create in (an index on the partitioned table is created in each partition's schema).
          "CREATE SCHEMA shared",
          `GRANT USAGE, CREATE ON SCHEMA shared TO ${q(role.parentOwner)}`,
          "CREATE TABLE shared.owned_all (id int NOT NULL, queue text NOT NULL) PARTITION BY LIST (queue)",
          `ALTER TABLE shared.owned_all OWNER TO ${q(role.parentOwner)}`,
          "CREATE TABLE shared.owned_jobs PARTITION OF shared.owned_all FOR VALUES IN ('default')",
          `ALTER TABLE shared.owned_jobs OWNER TO ${owner}`,
          // The look-alike, in public, where it may not create (15+: no CREATE for PUBLIC; revoked here for 13 and 14 too).
          "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
          "CREATE TABLE public.owned2_all (id int NOT NULL, queue text NOT NULL) PARTITION BY LIST (queue)",
          `ALTER TABLE public.owned2_all OWNER TO ${q(role.parentOwner)}`,
          "CREATE TABLE public.owned2_jobs PARTITION OF public.owned2_all FOR VALUES IN ('default')",
          `ALTER TABLE public.owned2_jobs OWNER TO ${owner}`,
        ])
          await c.query(sql);
      });
      await refill();
      await leaveDetachPending(server, fx.database, "public.parked_all", "public.parked_jobs");
      const ctx = await auditTables(fx, [
        "public.delayed_jobs",
        "public.legacy_jobs",
        "public.parked_jobs",
        "shared.owned_jobs",
        "public.owned2_jobs",
      ]);
      principals = pgUnexpectedPrincipal.evaluate(ctx);
      definers = pgUnsafeDefinerFunction.evaluate(ctx);
    });

    afterAll(() => tearDown(server, fx, Object.values(role)));

    it("observes everything as the CONNECT-only audit role, with no ERROR", () => {
      expect([...principals, ...definers].filter((r) => r.status === "ERROR")).toEqual([]);
    });

    it("a role with grants on the partitioned table only reads, adds, changes and empties the queue partition", async () => {
      await refill();
      await refused("partReader", "SELECT * FROM public.delayed_jobs");
      await as("partReader", async (c) => {
        expect((await c.query("SELECT id FROM public.jobs_all WHERE queue = 'default'")).rowCount).toBe(2);
        await c.query("INSERT INTO public.jobs_all (id, queue, handler) VALUES (4, 'default', '--- !ruby/object:Evil {}')");
      });
      expect(await count("public.delayed_jobs")).toBe(3);
      await as("partReader", (c) => c.query("UPDATE public.jobs_all SET handler = 'x' WHERE queue = 'default'"));
      expect(await inQueueDb(async (c) => (await c.query("SELECT DISTINCT handler FROM public.delayed_jobs")).rows)).toEqual([
        { handler: "x" },
      ]);
      await as("partReader", (c) => c.query("DELETE FROM public.jobs_all WHERE id = 1"));
      expect(await count("public.delayed_jobs")).toBe(2);
      await as("partReader", (c) => c.query("TRUNCATE public.jobs_all"));
      expect(await count("public.delayed_jobs")).toBe(0);

      const f = onTable("delayed_jobs", "partReader");
      expect(f?.evidence.privileges).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"]);
      expect(f?.evidence.paths).toContain(
        `${role.partReader} -(SELECT)-> public.jobs_all [partitioned table, owner ${fx?.roles.migrator}] -> SELECT`,
      );
    });

    it("a role with grants on an inheritance parent reads, changes and empties the child, but its INSERTs stay in the parent", async () => {
      await refill();
      await refused("baseWriter", "SELECT * FROM public.legacy_jobs");
      await as("baseWriter", async (c) => {
        expect((await c.query("SELECT id FROM public.jobs_base")).rowCount).toBe(4);
        await c.query("INSERT INTO public.jobs_base (id, handler) VALUES (50, '--- !ruby/object:Evil {}')");
      });
      // The look-alike: the row went to the parent, not to the queue.
      expect(await count("public.legacy_jobs")).toBe(3);
      expect(await count("ONLY public.jobs_base")).toBe(1);
      await as("baseWriter", (c) => c.query("UPDATE public.jobs_base SET handler = 'x'"));
      expect(await inQueueDb(async (c) => (await c.query("SELECT DISTINCT handler FROM public.legacy_jobs")).rows)).toEqual([
        { handler: "x" },
      ]);
      await as("baseWriter", (c) => c.query("DELETE FROM public.jobs_base WHERE id = 1"));
      expect(await count("public.legacy_jobs")).toBe(2);
      await as("baseWriter", (c) => c.query("TRUNCATE public.jobs_base"));
      expect(await count("public.legacy_jobs")).toBe(0);

      const f = onTable("legacy_jobs", "baseWriter");
      expect(f?.evidence.privileges).toEqual(["SELECT", "UPDATE", "DELETE", "TRUNCATE"]);
      expect(f?.evidence.paths).toContain(
        `${role.baseWriter} -(UPDATE)-> public.jobs_base [inheritance parent, owner ${fx?.roles.migrator}] -> UPDATE`,
      );
      // The partitioned queue is not the inheritance parent's.
      expect(onTable("delayed_jobs", "baseWriter")).toBeUndefined();
    });

    it("a view over ONLY a parent reaches no child's rows; an INSERT through one over ONLY a partitioned table lands in the queue partition", async () => {
      await refill();
      await as("onlyViewer", async (c) => {
        expect((await c.query("SELECT id FROM public.base_only")).rowCount).toBe(0);
        expect((await c.query("UPDATE public.base_only SET handler = 'x'")).rowCount).toBe(0);
        expect((await c.query("DELETE FROM public.base_only")).rowCount).toBe(0);
      });
      expect(await count("public.legacy_jobs")).toBe(3);
      expect(onTable("legacy_jobs", "onlyViewer")).toBeUndefined();
      await as("partOnly", async (c) => {
        expect((await c.query("SELECT id FROM public.all_only")).rowCount).toBe(0);
        expect((await c.query("DELETE FROM public.all_only")).rowCount).toBe(0);
        await c.query("INSERT INTO public.all_only (id, queue, handler) VALUES (9, 'default', '--- !ruby/object:Evil {}')");
      });
      expect(await count("public.delayed_jobs")).toBe(3);
      expect(onTable("delayed_jobs", "partOnly")?.evidence.privileges).toEqual(["INSERT"]);
      await refill();
    });

    it("a sibling partition's or sibling child's grants reach neither queue", async () => {
      await refill();
      await refused("sibling", "SELECT * FROM public.delayed_jobs");
      await refused("sibling", "SELECT * FROM public.legacy_jobs");
      await refused("sibling", "SELECT * FROM public.jobs_all");
      await as("sibling", (c) => c.query("DELETE FROM public.other_jobs"));
      expect(await count("public.delayed_jobs")).toBe(2);
      expect(finding("pg-unexpected-principal", "sibling")).toBeUndefined();
    });

    it("a partition whose detach was interrupted is not read through its parent, and the parent's grants are not reported on it", async () => {
      expect(await count("public.parked_jobs")).toBe(2);
      await as("parkReader", async (c) => {
        expect((await c.query("SELECT id FROM public.parked_all")).rowCount).toBe(0);
        await c.query("DELETE FROM public.parked_all");
      });
      expect(await count("public.parked_jobs")).toBe(2);
      expect(onTable("parked_jobs", "parkReader")).toBeUndefined();
      expect(finding("pg-unexpected-principal", "parkReader")).toBeUndefined();
    });

    it("an INSERT through the partitioned table fires the partition's row trigger: its definer runs the writer's lower()", async () => {
      await refill();
      await refused("stamper", "INSERT INTO public.events_row (kind, note) VALUES ('row', 'a')");
      await as("stamper", async (c) => {
        await c.query(
          `CREATE FUNCTION plant_s.lower(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN DELETE FROM public.delayed_jobs; RETURN $1; END $$`,
        );
        // The definer resolves names with its own rights: the attacker lets it see the schema.
        await c.query("GRANT USAGE ON SCHEMA plant_s TO PUBLIC");
        await c.query("SET search_path = plant_s, pg_catalog, public");
        await c.query("INSERT INTO public.events (kind, note) VALUES ('row', 'A')");
      });
      expect(await count("public.delayed_jobs")).toBe(0);

      const row = definers.find((r) => r.status === "FAIL" && r.subject === "public.stamp_row()");
      expect(row?.evidence.firedBy).toEqual(expect.arrayContaining([role.stamper, role.batcher]));
      expect(onTable("delayed_jobs", "stamper")?.evidence.paths).toEqual(
        expect.arrayContaining([expect.stringContaining("-(INSERT)-> trigger stamp ON public.events_row -> public.stamp_row()")]),
      );
    });

    it("UPDATE alone on the partitioned table moves rows into the queue partition and out of it", async () => {
      await refill();
      await as("mover", (c) => c.query("UPDATE public.jobs_all SET queue = 'default'"));
      expect(await count("public.delayed_jobs")).toBe(3);
      await as("mover", (c) => c.query("UPDATE public.jobs_all SET queue = 'other'"));
      expect(await count("public.delayed_jobs")).toBe(0);
      expect(onTable("delayed_jobs", "mover")?.evidence.privileges).toEqual(["INSERT", "UPDATE", "DELETE"]);
    });

    it("a row moved into a partition fires its INSERT row trigger: UPDATE alone runs the writer's lower() as the definer", async () => {
      await refill();
      await inQueueDb((c) => c.query("INSERT INTO public.events (kind, note) VALUES ('stmt', 'C')"));
      await as("shifter", async (c) => {
        await c.query(
          `CREATE FUNCTION plant_m.lower(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN DELETE FROM public.delayed_jobs; RETURN $1; END $$`,
        );
        await c.query("GRANT USAGE ON SCHEMA plant_m TO PUBLIC");
        await c.query("SET search_path = plant_m, pg_catalog, public");
        await c.query("UPDATE public.events SET kind = 'row'");
      });
      expect(await count("public.delayed_jobs")).toBe(0);
      const row = definers.find((r) => r.status === "FAIL" && r.subject === "public.stamp_row()");
      expect(row?.evidence.firedBy).toEqual(expect.arrayContaining([role.shifter]));
    });

    it("the partitioned table's owner runs its own code in every write to the partition, and can drop it", async () => {
      await as("parentOwner", async (c) => {
        await c.query("CREATE TABLE po.seen (who text)");
        await c.query("GRANT INSERT ON po.seen TO PUBLIC");
        await c.query("GRANT USAGE ON SCHEMA po TO PUBLIC");
        await c.query("CREATE FUNCTION po.note() RETURNS void LANGUAGE sql AS 'INSERT INTO po.seen SELECT current_user'");
        await c.query("CREATE FUNCTION po.key(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS 'BEGIN PERFORM po.note(); RETURN $1; END'");
        await c.query("CREATE INDEX ON shared.owned_all (po.key(id))");
      });
      // A superuser writes to the partition it does not even know has a parent.
      await inQueueDb((c) => c.query("INSERT INTO shared.owned_jobs VALUES (1, 'default')"));
      expect(await inQueueDb(async (c) => (await c.query("SELECT who FROM po.seen")).rows.map((r) => r.who))).toContain(server?.adminUser);

      const f = principals.find(
        (r) => r.status === "FAIL" && r.subject === role.parentOwner && r.resource.id.endsWith(":shared.owned_jobs"),
      );
      expect(f?.evidence.privileges).toEqual(expect.arrayContaining(["INSERT", "UPDATE", "DELETE", "DROP"]));
      expect(f?.evidence.paths).toContain(
        `${role.parentOwner} -(owns)-> shared.owned_all [partitioned table: an index expression its owner creates on it runs in every write to the partition; dropping it drops the partition] -> INSERT, UPDATE, DELETE, DROP`,
      );
      await as("parentOwner", (c) => c.query("DROP TABLE shared.owned_all"));
      expect(await inQueueDb(async (c) => (await c.query("SELECT to_regclass('shared.owned_jobs') AS t")).rows[0].t)).toBeNull();
    });

    it("in a schema where it may not create, the same owner may not index the partitions: it can only drop them", async () => {
      await refused("parentOwner", "CREATE INDEX ON public.owned2_all (id)");
      const f = onTable("owned2_jobs", "parentOwner");
      expect(f?.evidence.paths).toContain(
        `${role.parentOwner} -(owns)-> public.owned2_all [partitioned table: dropping it drops the partition] -> DROP`,
      );
      // Its INSERT, UPDATE and DELETE come from its privileges on the table it owns, not from code in others' writes.
      expect(((f?.evidence.paths as string[] | undefined) ?? []).filter((p) => p.includes("index expression"))).toEqual([]);
      await as("parentOwner", (c) => c.query("DROP TABLE public.owned2_all"));
      expect(await inQueueDb(async (c) => (await c.query("SELECT to_regclass('public.owned2_jobs') AS t")).rows[0].t)).toBeNull();
    });

    it("its statement-trigger look-alike on a partition is not fired through the parent, and is not reported", async () => {
      await refill();
      await as("batcher", async (c) => {
        await c.query(
          `CREATE FUNCTION plant_b.lower(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN DELETE FROM public.delayed_jobs; RETURN $1; END $$`,
        );
        // The definer resolves names with its own rights: the attacker lets it see the schema.
        await c.query("GRANT USAGE ON SCHEMA plant_b TO PUBLIC");
        await c.query("SET search_path = plant_b, pg_catalog, public");
        // stamp_row does not fire for the 'stmt' partition; only stamp_stmt is on it.
        await c.query("INSERT INTO public.events (kind, note) VALUES ('stmt', 'B')");
      });
      expect(await count("public.delayed_jobs")).toBe(2);
      expect(definers.find((r) => r.status === "FAIL" && r.subject === "public.stamp_stmt()")).toBeUndefined();
      // The access model agrees: the batcher reaches the queue through the row trigger only.
      const paths = (onTable("delayed_jobs", "batcher")?.evidence.paths as string[] | undefined) ?? [];
      expect(paths.some((p) => p.includes("trigger stamp ON public.events_row"))).toBe(true);
      expect(paths.filter((p) => p.includes("public.events_stmt"))).toEqual([]);
    });
  });
}
