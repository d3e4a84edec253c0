/**
 * The demo's delayed_job database: the table Rails' delayed_job migration creates, the
 * roles a typical app has, and the grant mistakes CHECKS.md is about. The fix comes from
 * `queue-auditor fix`'s plan.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { EmbeddedPg } from "./embedded-postgres.js";

export const DEMO_DATABASE = "delayed_jobs_production";
export const DEMO_PASSWORD_ENV = "QUEUE_AUDITOR_DEMO_PG_PASSWORD";

/** The migration of delayed_job's generator (`rails generate delayed_job:active_record`). */
const DELAYED_JOBS_TABLE = `
  CREATE TABLE public.delayed_jobs (
    id bigserial PRIMARY KEY,
    priority integer NOT NULL DEFAULT 0,
    attempts integer NOT NULL DEFAULT 0,
    handler text NOT NULL,
    last_error text,
    run_at timestamp,
    locked_at timestamp,
    failed_at timestamp,
    locked_by varchar,
    queue varchar,
    created_at timestamp(6) NOT NULL,
    updated_at timestamp(6) NOT NULL
  );
  CREATE INDEX delayed_jobs_priority ON public.delayed_jobs (priority, run_at);
  ALTER TABLE public.delayed_jobs OWNER TO app_migrator;
  ALTER SEQUENCE public.delayed_jobs_id_seq OWNER TO app_migrator;`;

/** Each statement with the mistake it plants, so the demo can say what it seeded. */
export const MISTAKES: { sql: string; what: string }[] = [
  { sql: "GRANT SELECT ON public.delayed_jobs TO PUBLIC", what: "PUBLIC can read every job (pg-public-privilege)" },
  {
    sql: "GRANT UPDATE ON public.delayed_jobs TO reporting",
    what: "a reporting group can change jobs; hq_bob reaches it through ops_mid (pg-unexpected-principal)",
  },
  { sql: "GRANT SELECT, INSERT, DELETE ON public.delayed_jobs TO app_web", what: "the web app can delete jobs (pg-excess-privilege)" },
  {
    sql: "GRANT USAGE, SELECT, UPDATE ON SEQUENCE public.delayed_jobs_id_seq TO app_web",
    what: "the web app can reset the id sequence (pg-excess-privilege)",
  },
  {
    sql: "GRANT SELECT, INSERT, UPDATE ON public.delayed_jobs TO app_worker",
    what: "workers cannot delete finished jobs (pg-missing-privilege)",
  },
  { sql: "GRANT USAGE, SELECT ON SEQUENCE public.delayed_jobs_id_seq TO app_worker", what: "" },
  // A route through an object: no grant on delayed_jobs, yet the view reads it with its owner's rights.
  {
    sql: "CREATE VIEW public.delayed_jobs_report AS SELECT id, queue, handler, last_error, run_at, failed_at FROM public.delayed_jobs",
    what: "",
  },
  { sql: "ALTER VIEW public.delayed_jobs_report OWNER TO app_migrator", what: "" },
  {
    sql: "GRANT SELECT ON public.delayed_jobs_report TO hq_analyst",
    what: "an analyst reads every job, handler included, through a reporting view owned by the migrator (pg-unexpected-principal)",
  },
  {
    sql: "ALTER DEFAULT PRIVILEGES FOR ROLE app_migrator IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC",
    what: "every future table in public is readable by PUBLIC (pg-default-privileges)",
  },
];

const ROLES = [
  "CREATE ROLE app_migrator LOGIN",
  "CREATE ROLE app_worker LOGIN",
  "CREATE ROLE app_web LOGIN",
  "CREATE ROLE reporting NOLOGIN",
  "CREATE ROLE ops_mid NOLOGIN IN ROLE reporting",
  "CREATE ROLE hq_bob LOGIN IN ROLE ops_mid",
  "CREATE ROLE hq_analyst LOGIN",
  "CREATE ROLE ops_admin LOGIN SUPERUSER",
];

function adminClient(server: EmbeddedPg, database: string): pg.Client {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    database,
    connectionTimeoutMillis: 10_000,
  });
  client.on("error", () => undefined);
  return client;
}

async function withClient<T>(server: EmbeddedPg, database: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = adminClient(server, database);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface SeededDatabase {
  auditorPassword: string;
}

/** Creates the database, the roles (the audit role of docs/postgres.md included) and the mistakes. */
export async function seedQueueDatabase(server: EmbeddedPg): Promise<SeededDatabase> {
  const auditorPassword = randomBytes(16).toString("hex");
  await withClient(server, "postgres", async (client) => {
    await client.query(`CREATE DATABASE ${DEMO_DATABASE}`);
    for (const sql of ROLES) await client.query(sql);
    // The audit role of docs/postgres.md; the password is bound, never spliced.
    const literal = (await client.query<{ q: string }>("SELECT quote_literal($1) AS q", [auditorPassword])).rows[0]?.q;
    await client.query(
      `CREATE ROLE queue_auditor LOGIN PASSWORD ${literal} NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 5`,
    );
    await client.query("ALTER ROLE queue_auditor SET default_transaction_read_only = on");
    await client.query(`GRANT CONNECT ON DATABASE ${DEMO_DATABASE} TO queue_auditor`);
  });
  await withClient(server, DEMO_DATABASE, async (client) => {
    await client.query(DELAYED_JOBS_TABLE);
    for (const { sql } of MISTAKES) await client.query(sql);
    await client.query(
      "INSERT INTO public.delayed_jobs (handler, queue, run_at, created_at, updated_at) SELECT '--- !ruby/object:Delayed::PerformableMailer {}', 'mailers', now(), now(), now() FROM generate_series(1, 25)",
    );
  });
  return { auditorPassword };
}

/** Runs a fix plan's SQL file as the database owner, as its header tells a person to (one transaction). */
export async function applySqlPlan(server: EmbeddedPg, sql: string): Promise<void> {
  await withClient(server, DEMO_DATABASE, async (client) => {
    await client.query(sql);
  });
}

/** How many wrong passwords the demo's "attacker" tries: at the default `logs.failedLoginThreshold` (10) or more. */
export const DEMO_GUESSES = 12;

/**
 * Password guessing against a policy role, for real: DEMO_GUESSES logins as app_worker with
 * wrong passwords, each refused by the server (SQLSTATE 28P01), each a
 * `password authentication failed` line in its log.
 */
export async function guessPasswords(server: EmbeddedPg, user = "app_worker"): Promise<number> {
  let refused = 0;
  for (let i = 0; i < DEMO_GUESSES; i++) {
    const client = new pg.Client({
      host: server.host,
      port: server.port,
      user,
      password: `Summer202${i}!`,
      database: DEMO_DATABASE,
      connectionTimeoutMillis: 10_000,
    });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.end();
      throw new Error(`the demo's guess ${i + 1} logged in as ${user}`);
    } catch (err) {
      if ((err as { code?: string }).code !== "28P01") throw err;
      refused++;
    }
  }
  return refused;
}

/**
 * A role outside the policy with a leaked password: hq_analyst connects to the queue's
 * database and reads delayed_jobs, which (once PUBLIC's grant is revoked) the server refuses
 * (SQLSTATE 42501). Its `connection authorized` and `permission denied` lines are the evidence.
 */
export async function strangerReadsQueue(server: EmbeddedPg): Promise<string> {
  const password = randomBytes(16).toString("hex");
  await withClient(server, "postgres", async (client) => {
    const literal = (await client.query<{ q: string }>("SELECT quote_literal($1) AS q", [password])).rows[0]?.q;
    await client.query(`ALTER ROLE hq_analyst PASSWORD ${literal}`);
  });
  const client = new pg.Client({ host: server.host, port: server.port, user: "hq_analyst", password, database: DEMO_DATABASE });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query("SELECT count(*) FROM public.delayed_jobs");
    return "read delayed_jobs";
  } catch (err) {
    if ((err as { code?: string }).code !== "42501") throw err;
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}
