/**
 * A deliberately messy queue database, built fresh per run with unique database and role
 * names (roles are cluster-wide, and other test files share the server), dropped again by
 * `drop()`. The expected pg-* verdicts are spelled out in the tests that use it.
 */
import { randomBytes } from "node:crypto";
import type { PostgresTarget } from "../../lib/audit/config/schema.js";
import { adminClient, type PgServer } from "./pgServers.js";

export interface PgFixture {
  server: PgServer;
  database: string;
  serverVersionNum: number;
  /** Role names, as the catalog spells them. */
  roles: {
    migrator: string;
    worker: string;
    web: string;
    opsGroup: string;
    opsMid: string;
    bob: string;
    dan: string;
    carol: string;
    root: string;
    admin: string;
    reader: string;
    auditor: string;
    ghost: string;
    /** 16+: member with INHERIT FALSE, SET FALSE (no access). */
    erin: string;
    /** 16+: member with INHERIT FALSE, SET TRUE (access through SET ROLE). */
    frank: string;
  };
  auditorPassword: string;
  /** Env var name → password, for `{ env }` password sources. */
  env: Record<string, string>;
  /** A target with the fixture's policy; `overrides` for other variants. */
  target(overrides?: Omit<Partial<PostgresTarget>, "connection"> & { connection?: Partial<PostgresTarget["connection"]> }): PostgresTarget;
  drop(): Promise<void>;
}

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/** The audit role of docs/postgres.md, exactly. */
export function auditRoleSql(role: string, password: string, database: string): string[] {
  return [
    `CREATE ROLE ${q(role)} LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 5`,
    `ALTER ROLE ${q(role)} SET default_transaction_read_only = on`,
    `GRANT CONNECT ON DATABASE ${q(database)} TO ${q(role)}`,
  ];
}

export async function createPgFixture(server: PgServer): Promise<PgFixture> {
  const sfx = randomBytes(4).toString("hex");
  const r = (n: string) => `qa${sfx}_${n}`;
  const roles = {
    migrator: r("migrator"),
    worker: r("worker"),
    web: r("web"),
    opsGroup: r("ops_group"),
    opsMid: r("ops_mid"),
    bob: r("bob"),
    dan: r("dan"),
    carol: `Qa${sfx}_Carol`,
    root: r("root"),
    admin: r("admin"),
    reader: r("reader"),
    auditor: r("auditor"),
    ghost: r("ghost"),
    erin: r("erin"),
    frank: r("frank"),
  };
  const database = `qa${sfx}_queue`;
  const auditorPassword = randomBytes(12).toString("hex");
  const envName = `QA_PG_PW_${sfx.toUpperCase()}`;
  const adminEnvName = `QA_PG_ADMIN_PW_${sfx.toUpperCase()}`;

  const admin = adminClient(server);
  await admin.connect();
  let serverVersionNum = 0;
  try {
    serverVersionNum = Number((await admin.query("SELECT current_setting('server_version_num') AS v")).rows[0].v);
    await admin.query(`CREATE DATABASE ${q(database)}`);
    for (const sql of [
      `CREATE ROLE ${q(roles.migrator)} LOGIN`,
      `CREATE ROLE ${q(roles.worker)} LOGIN`,
      `CREATE ROLE ${q(roles.web)} LOGIN`,
      `CREATE ROLE ${q(roles.opsGroup)} NOLOGIN`,
      `CREATE ROLE ${q(roles.opsMid)} NOLOGIN`,
      `CREATE ROLE ${q(roles.bob)} LOGIN`,
      `CREATE ROLE ${q(roles.dan)} LOGIN NOINHERIT`,
      `CREATE ROLE ${q(roles.carol)} LOGIN`,
      `CREATE ROLE ${q(roles.root)} LOGIN SUPERUSER`,
      `CREATE ROLE ${q(roles.admin)} LOGIN SUPERUSER`,
      `CREATE ROLE ${q(roles.reader)} LOGIN`,
      `CREATE ROLE ${q(roles.erin)} LOGIN`,
      `CREATE ROLE ${q(roles.frank)} LOGIN`,
      `GRANT ${q(roles.opsGroup)} TO ${q(roles.opsMid)}`,
      `GRANT ${q(roles.opsMid)} TO ${q(roles.bob)}`,
      `GRANT ${q(roles.opsGroup)} TO ${q(roles.dan)}`,
      `GRANT pg_read_all_data TO ${q(roles.reader)}`,
      ...(serverVersionNum >= 160000
        ? [
            `GRANT ${q(roles.opsGroup)} TO ${q(roles.erin)} WITH INHERIT FALSE, SET FALSE`,
            `GRANT ${q(roles.opsGroup)} TO ${q(roles.frank)} WITH INHERIT FALSE, SET TRUE`,
          ]
        : []),
      ...auditRoleSql(roles.auditor, auditorPassword, database),
    ]) {
      await admin.query(sql);
    }
  } finally {
    await admin.end();
  }

  const db = adminClient(server, database);
  await db.connect();
  try {
    for (const sql of [
      "CREATE TABLE public.jobs (id bigserial PRIMARY KEY, handler text NOT NULL, run_at timestamptz)",
      `ALTER TABLE public.jobs OWNER TO ${q(roles.migrator)}`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON public.jobs TO ${q(roles.worker)}`,
      `GRANT USAGE, SELECT ON SEQUENCE public.jobs_id_seq TO ${q(roles.worker)}`,
      `GRANT SELECT, DELETE ON public.jobs TO ${q(roles.web)}`,
      `GRANT SELECT, UPDATE ON SEQUENCE public.jobs_id_seq TO ${q(roles.web)}`,
      `GRANT UPDATE ON public.jobs TO ${q(roles.opsGroup)}`,
      `GRANT UPDATE (run_at) ON public.jobs TO ${q(roles.carol)}`,
      "GRANT USAGE ON SEQUENCE public.jobs_id_seq TO PUBLIC",
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${q(roles.migrator)} IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC`,
      "CREATE SCHEMA qa_other",
      "GRANT USAGE, CREATE ON SCHEMA qa_other TO PUBLIC",
      "CREATE TABLE qa_other.jobs (id int GENERATED ALWAYS AS IDENTITY, handler text)",
      `ALTER TABLE qa_other.jobs OWNER TO ${q(roles.worker)}`,
      ...(serverVersionNum >= 170000 ? [`GRANT MAINTAIN ON public.jobs TO ${q(roles.worker)}`] : []),
    ]) {
      await db.query(sql);
    }
  } finally {
    await db.end();
  }

  const env: Record<string, string> = { [envName]: auditorPassword, [adminEnvName]: server.adminPassword || "trust" };
  const fixture: PgFixture = {
    server,
    database,
    serverVersionNum,
    roles,
    auditorPassword,
    env,
    target(overrides = {}) {
      const { connection, ...rest } = overrides;
      return {
        name: `fx-${sfx}`,
        connection: {
          host: server.host,
          port: server.port,
          database,
          user: roles.auditor,
          password: { env: envName },
          tls: "disable",
          connectTimeoutSeconds: 5,
          statementTimeoutSeconds: 10,
          ...connection,
        },
        tables: ["public.jobs", "qa_other.jobs"],
        owner: roles.migrator,
        admins: [roles.admin, server.adminUser],
        principals: {
          [roles.worker]: ["SELECT", "INSERT", "UPDATE", "DELETE"],
          [roles.web]: ["SELECT", "INSERT"],
          [roles.ghost]: ["SELECT"],
        },
        ...rest,
      };
    },
    async drop() {
      const c = adminClient(server);
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${q(database)} WITH (FORCE)`);
        for (const role of Object.values(roles)) await c.query(`DROP ROLE IF EXISTS ${q(role)}`);
      } finally {
        await c.end();
      }
    },
  };
  return fixture;
}

/** The env var holding the admin's password, for a target that connects as the admin. */
export function adminEnvName(fixture: PgFixture): string {
  return Object.keys(fixture.env).find((k) => k.startsWith("QA_PG_ADMIN_PW_")) as string;
}
