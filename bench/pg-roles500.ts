/**
 * Observation + evaluation of a database with 500 roles (100 membership chains, 5 deep)
 * and 200 tables with owned sequences, on the PostgreSQL service at 127.0.0.1:5432
 * (trust auth, user postgres). Builds the database and roles with unique names, drops them
 * afterwards. Reports the wall time of probe + pg-* checks and the number of queries sent.
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { postgresChecks } from "../lib/audit/checks/postgres/index.js";
import type { AuditContext } from "../lib/audit/checks/types.js";
import type { Config, PostgresTarget } from "../lib/audit/config/schema.js";
import type { Inventory } from "../lib/audit/inventory/types.js";
import { probePostgres } from "../lib/audit/probes/postgres/index.js";
import type { Scope } from "../lib/audit/scope/index.js";

const HOST = "127.0.0.1";
const PORT = 5432;
const CHAINS = 100;
const DEPTH = 5;
const TABLES = 200;

async function admin(database = "postgres"): Promise<pg.Client> {
  const c = new pg.Client({ host: HOST, port: PORT, user: "postgres", database, connectionTimeoutMillis: 5000 });
  await c.connect();
  return c;
}

export async function benchPgRoles500(): Promise<{ ms: number; queries: number }> {
  const sfx = randomBytes(4).toString("hex");
  const db = `qab${sfx}`;
  const role = (chain: number, level: number) => `qab${sfx}_c${chain}_l${level}`;
  const roles: string[] = [];
  const setup: string[] = [];
  for (let c = 0; c < CHAINS; c++) {
    for (let l = 0; l < DEPTH; l++) {
      roles.push(role(c, l));
      setup.push(`CREATE ROLE ${role(c, l)} ${l === 0 ? "LOGIN" : "NOLOGIN"}${c % 10 === 0 && l === 0 ? " NOINHERIT" : ""};`);
      if (l > 0) setup.push(`GRANT ${role(c, l)} TO ${role(c, l - 1)};`);
    }
  }
  const owner = role(0, DEPTH - 1);
  const tables: string[] = [];
  const inDb: string[] = [];
  for (let t = 0; t < TABLES; t++) {
    tables.push(`public.jobs_${t}`);
    inDb.push(
      `CREATE TABLE public.jobs_${t} (id bigserial PRIMARY KEY, handler text, run_at timestamptz);`,
      `ALTER TABLE public.jobs_${t} OWNER TO ${owner};`,
      `GRANT SELECT, UPDATE ON public.jobs_${t} TO ${role(t % CHAINS, DEPTH - 1)};`,
      `GRANT UPDATE (run_at) ON public.jobs_${t} TO ${role((t + 1) % CHAINS, DEPTH - 2)};`,
    );
  }
  const a = await admin();
  try {
    await a.query(`CREATE DATABASE ${db}`);
    await a.query(setup.join("\n"));
    const d = await admin(db);
    try {
      await d.query(inDb.join("\n"));
    } finally {
      await d.end();
    }
    const target: PostgresTarget = {
      name: "bench",
      connection: {
        host: HOST,
        port: PORT,
        database: db,
        user: "postgres",
        password: { env: "QA_BENCH_PW" },
        tls: "disable",
        connectTimeoutSeconds: 10,
        statementTimeoutSeconds: 60,
      },
      tables,
      owner,
      admins: ["postgres"],
      principals: { [role(1, 0)]: ["SELECT"] },
    };
    let queries = 0;
    const started = performance.now();
    const observations = await probePostgres([target], { credentials: { env: { QA_BENCH_PW: "trust" } }, onQuery: () => queries++ });
    if (observations[0]?.error) throw new Error(`bench probe failed: ${observations[0].error.reason}`);
    const ctx: AuditContext = {
      config: { postgres: [target] } as unknown as Config,
      inventory: {} as Inventory,
      scope: {} as Scope,
      observations: { postgres: observations, redis: [] },
      now: new Date(),
    };
    const results = postgresChecks.flatMap((c) => c.evaluate(ctx));
    const ms = performance.now() - started;
    if (results.length === 0) throw new Error("bench produced no results");
    return { ms: Math.round(ms), queries };
  } finally {
    await a.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    // Members before their groups is not required (DROP ROLE removes memberships), one statement keeps it quick.
    await a.query(`DROP ROLE IF EXISTS ${roles.join(", ")}`).catch(() => undefined);
    await a.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  benchPgRoles500().then(
    (r) => console.log(JSON.stringify(r)),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
