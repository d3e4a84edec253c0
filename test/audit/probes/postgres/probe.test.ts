import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientConfig } from "../../../../lib/audit/probes/postgres/connect.js";
import { probePostgres } from "../../../../lib/audit/probes/postgres/index.js";
import { adminEnvName, createPgFixture, type PgFixture } from "../../../support/pgFixture.js";
import {
  adminClient,
  embeddedUnavailable,
  localPgServer,
  localPgUnavailable,
  type PgServer,
  startEmbeddedPg,
} from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

describe("connection settings", () => {
  it("identifies the auditor and applies the configured timeouts and TLS mode", () => {
    const target = {
      name: "db",
      connection: {
        host: "db.example.com",
        port: 5432,
        database: "app",
        user: "auditor",
        password: { env: "X" },
        tls: "require" as const,
        connectTimeoutSeconds: 3,
        statementTimeoutSeconds: 7,
      },
      tables: ["public.delayed_jobs"],
      owner: "o",
      admins: [],
      principals: {},
    };
    expect(clientConfig(target, "pw")).toMatchObject({
      application_name: "queue-auditor",
      connectionTimeoutMillis: 3000,
      statement_timeout: 7000,
      ssl: { rejectUnauthorized: false },
    });
    expect(clientConfig({ ...target, connection: { ...target.connection, tls: "verify-full" } }, "pw").ssl).toMatchObject({
      rejectUnauthorized: true,
    });
    expect(clientConfig({ ...target, connection: { ...target.connection, tls: "disable" } }, "pw").ssl).toBe(false);
  });
});

describe.skipIf(skipWithout("PostgreSQL (the service on 5432)", await localPgUnavailable()))("probe against the 5432 service", () => {
  let fx: PgFixture;
  beforeAll(async () => {
    fx = await createPgFixture(localPgServer());
  });
  afterAll(async () => {
    await fx?.drop();
  });

  it("observes as the documented audit role exactly what a superuser observes, views, rules, functions and triggers included", async () => {
    const admin = adminClient(fx.server, fx.database);
    await admin.connect();
    try {
      await admin.query(`CREATE VIEW public.jobs_view AS SELECT id, handler FROM public.jobs;
        CREATE TABLE public.job_log (id bigint);
        CREATE RULE log_delete AS ON INSERT TO public.job_log DO ALSO DELETE FROM public.jobs WHERE id = NEW.id;
        CREATE FUNCTION public.purge() RETURNS void LANGUAGE sql SECURITY DEFINER BEGIN ATOMIC DELETE FROM public.jobs; END;
        CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER touch BEFORE INSERT ON public.jobs FOR EACH ROW EXECUTE FUNCTION public.touch();`);
    } finally {
      await admin.end();
    }
    const asAuditor = fx.target();
    const asAdmin = fx.target({ connection: { user: fx.server.adminUser, password: { env: adminEnvName(fx) } } });
    const [a, s] = await probePostgres([asAuditor, asAdmin], { credentials: { env: fx.env } });
    expect(a?.error).toBeUndefined();
    expect(a?.catalog?.currentUser).toBe(fx.roles.auditor);
    expect({ ...a?.catalog, currentUser: "" }).toEqual({ ...s?.catalog, currentUser: "" });
    expect(a?.catalog?.tables.map((t) => [t.schema, t.name, t.found])).toEqual([
      ["public", "jobs", true],
      ["qa_other", "jobs", true],
    ]);
    expect(a?.catalog?.relations?.map((r) => r.name)).toEqual(expect.arrayContaining(["jobs_view", "job_log"]));
    expect(a?.catalog?.rules?.map((r) => r.name)).toEqual(["log_delete"]);
    expect(a?.catalog?.functions?.map((f) => [f.name, f.securityDefiner, f.sqlStandardBody])).toEqual([
      ["purge", true, true],
      ["touch", false, false],
    ]);
    expect(a?.catalog?.triggers?.map((t) => [t.name, t.events, t.timing])).toEqual([["touch", ["INSERT"], "BEFORE"]]);
  });

  it("cannot be fooled by a schema owner shadowing the catalog through search_path", async () => {
    // The owner of a schema creates public.pg_roles without the superuser and puts public
    // ahead of pg_catalog for the database: unqualified catalog reads would miss the superuser.
    const admin = adminClient(fx.server, fx.database);
    await admin.connect();
    try {
      await admin.query(`CREATE VIEW public.pg_roles AS SELECT * FROM pg_catalog.pg_roles WHERE rolname <> '${fx.roles.root}'`);
      await admin.query(`ALTER DATABASE "${fx.database}" SET search_path = public, pg_catalog`);
      const [observed] = await probePostgres([fx.target()], { credentials: { env: fx.env } });
      expect(observed?.error).toBeUndefined();
      expect(observed?.catalog?.roles.some((r) => r.name === fx.roles.root && r.superuser)).toBe(true);
    } finally {
      await admin.query(`ALTER DATABASE "${fx.database}" RESET search_path`);
      await admin.query("DROP VIEW IF EXISTS public.pg_roles");
      await admin.end();
    }
  });

  it("uses the same number of queries whatever the number of tables", async () => {
    const count = async (tables: string[]) => {
      let n = 0;
      await probePostgres([fx.target({ tables })], { credentials: { env: fx.env }, onQuery: () => n++ });
      return n;
    };
    const one = await count(["public.jobs"]);
    expect(await count(["public.jobs", "qa_other.jobs", "public.nope", "nope.nope"])).toBe(one);
    // BEGIN, server, roles, memberships, tables, schemas, default ACLs, relations (views and
    // rules), functions, triggers, stored expressions' functions, ROLLBACK: docs/postgres.md
    // names the same twelve.
    expect(one).toBe(12);
  });

  it("leaves the audit role unable to write the queue, even after lifting its read-only default", async () => {
    const c = adminClient(
      { host: fx.server.host, port: fx.server.port, adminUser: fx.roles.auditor, adminPassword: fx.auditorPassword },
      fx.database,
    );
    await c.connect();
    try {
      await c.query("SET default_transaction_read_only = off");
      for (const sql of [
        "INSERT INTO public.jobs (handler) VALUES ('x')",
        "UPDATE public.jobs SET handler = 'x'",
        "DELETE FROM public.jobs",
        "TRUNCATE public.jobs",
        "SELECT * FROM public.jobs",
        "CREATE TABLE public.planted (id int)",
      ]) {
        await expect(c.query(sql), sql).rejects.toMatchObject({ code: "42501" });
      }
    } finally {
      await c.end();
    }
  });

  it("does not fall back to plaintext when TLS is asked for and the server offers none", async () => {
    for (const tls of ["verify-full", "require"] as const) {
      const [o] = await probePostgres([fx.target({ connection: { tls } })], { credentials: { env: fx.env } });
      expect(o?.catalog).toBeUndefined();
      expect(o?.error?.reason).toMatch(/does not support SSL/);
    }
  });

  it("reports an unreadable CA bundle instead of trusting something else", async () => {
    const [o] = await probePostgres([fx.target({ connection: { tls: "verify-full", caFile: "/nonexistent/rds-ca.pem" } })], {
      credentials: { env: fx.env },
    });
    expect(o?.error).toMatchObject({ code: "TlsConfig", source: `postgres:${fx.target().name}` });
    expect(o?.error?.reason).toContain("/nonexistent/rds-ca.pem");
  });

  it("reports a missing password variable by name", async () => {
    const [o] = await probePostgres([fx.target()], { credentials: { env: {} } });
    expect(o?.error).toMatchObject({ code: "MissingEnv" });
  });
});

describe.skipIf(skipWithout("embedded PostgreSQL 18", embeddedUnavailable()))("probe against a server with password authentication", () => {
  let server: PgServer | undefined;
  let fx: PgFixture;
  beforeAll(async () => {
    server = await startEmbeddedPg();
    fx = await createPgFixture(server);
  });
  afterAll(async () => {
    await fx?.drop();
    await server?.stop();
  });

  it("reports a rejected password with its SQLSTATE and without the password", async () => {
    const wrong = "Wrong-Password-1234";
    const [o] = await probePostgres([fx.target()], { credentials: { env: { [Object.keys(fx.env)[0] as string]: wrong } } });
    expect(o?.error).toMatchObject({ code: "28P01" });
    expect(JSON.stringify(o)).not.toContain(wrong);
    expect(JSON.stringify(o)).not.toContain(fx.auditorPassword);
  });

  it("observes 16+ membership options as the catalog holds them", async () => {
    const [o] = await probePostgres([fx.target()], { credentials: { env: fx.env } });
    const oid = (name: string) => o?.catalog?.roles.find((r) => r.name === name)?.oid;
    const edge = (m: string) => o?.catalog?.memberships.find((x) => x.member === oid(m) && x.role === oid(fx.roles.opsGroup));
    expect(edge(fx.roles.erin)).toMatchObject({ inherit: false, set: false });
    expect(edge(fx.roles.frank)).toMatchObject({ inherit: false, set: true });
    expect(edge(fx.roles.dan)).toMatchObject({ inherit: false, set: true });
  });
});
