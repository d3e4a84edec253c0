/**
 * Observation + evaluation of a database with 500 roles (100 membership chains, 5 deep),
 * 200 tables with owned sequences, 200 views over them (granted to chain roles) and 1,000
 * functions (800 SECURITY INVOKER, 190 SECURITY DEFINER with a pinned search_path that
 * write a table, 10 SECURITY DEFINER without one), on the PostgreSQL service at
 * 127.0.0.1:5432 (trust auth, user postgres). Builds the database and roles with unique
 * names, drops them afterwards. Reports the wall time of probe + pg-* checks and the
 * number of queries sent, and the number sent for a one-table audit of the same server
 * (the count must not grow with the catalog).
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
const VIEWS = 200;
const INVOKER_FUNCTIONS = 800;
const PINNED_DEFINERS = 190;
const UNPINNED_DEFINERS = 10;

async function admin(database = "postgres"): Promise<pg.Client> {
  const c = new pg.Client({ host: HOST, port: PORT, user: "postgres", database, connectionTimeoutMillis: 5000 });
  await c.connect();
  return c;
}

export interface PgBenchResult {
  ms: number;
  /** CPU time of this process over the same span (user + system): the figure to read when the machine is shared. */
  cpuMs: number;
  /** CPU time of the evaluation alone (the pg-* checks over the observed catalog). */
  evaluateCpuMs: number;
  queries: number;
  /** Queries for the same server audited with one table: equal to `queries` when the count is constant. */
  queriesOneTable: number;
  functions: number;
  views: number;
  findings: number;
}

export async function benchPgRoles500(): Promise<PgBenchResult> {
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
  for (let v = 0; v < VIEWS; v++) {
    inDb.push(
      `CREATE VIEW public.jobs_report_${v} AS SELECT id, run_at FROM public.jobs_${v % TABLES};`,
      `ALTER VIEW public.jobs_report_${v} OWNER TO ${owner};`,
      `GRANT SELECT ON public.jobs_report_${v} TO ${role((v + 2) % CHAINS, DEPTH - 1)};`,
    );
  }
  for (let f = 0; f < INVOKER_FUNCTIONS; f++) {
    inDb.push(`CREATE FUNCTION public.helper_${f}(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x + ${f} $$;`);
  }
  for (let f = 0; f < PINNED_DEFINERS; f++) {
    inDb.push(
      `CREATE FUNCTION public.requeue_${f}(job bigint) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$ BEGIN UPDATE public.jobs_${f % TABLES} SET run_at = now() WHERE id = job; END $$;`,
      `ALTER FUNCTION public.requeue_${f}(bigint) OWNER TO ${owner};`,
      `REVOKE EXECUTE ON FUNCTION public.requeue_${f}(bigint) FROM PUBLIC;`,
      `GRANT EXECUTE ON FUNCTION public.requeue_${f}(bigint) TO ${role((f + 3) % CHAINS, DEPTH - 1)};`,
    );
  }
  for (let f = 0; f < UNPINNED_DEFINERS; f++) {
    inDb.push(
      `CREATE FUNCTION public.stats_${f}() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS $$ SELECT count(*) FROM public.jobs_${f} $$;`,
      `ALTER FUNCTION public.stats_${f}() OWNER TO ${owner};`,
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
    let queriesOneTable = 0;
    await probePostgres([{ ...target, tables: ["public.jobs_0"] }], {
      credentials: { env: { QA_BENCH_PW: "trust" } },
      onQuery: () => queriesOneTable++,
    });
    let queries = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    const observations = await probePostgres([target], { credentials: { env: { QA_BENCH_PW: "trust" } }, onQuery: () => queries++ });
    if (observations[0]?.error) throw new Error(`bench probe failed: ${observations[0].error.reason}`);
    const ctx: AuditContext = {
      config: { postgres: [target] } as unknown as Config,
      inventory: {} as Inventory,
      scope: {} as Scope,
      observations: { postgres: observations, redis: [] },
      now: new Date(),
    };
    const evaluateCpu = process.cpuUsage();
    const results = postgresChecks.flatMap((c) => c.evaluate(ctx));
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const evaluated = process.cpuUsage(evaluateCpu);
    if (results.length === 0) throw new Error("bench produced no results");
    const functions = observations[0]?.catalog?.functions?.length ?? 0;
    const views = observations[0]?.catalog?.relations?.filter((r) => r.relkind === "v").length ?? 0;
    // The routes must have been seen, or the figures measure nothing.
    if (views < VIEWS || functions < PINNED_DEFINERS + UNPINNED_DEFINERS) {
      const expected = PINNED_DEFINERS + UNPINNED_DEFINERS;
      throw new Error(`bench observed ${views} views and ${functions} definer functions, expected ${VIEWS} and ${expected}`);
    }
    const cpuMs = Math.round((used.user + used.system) / 1000);
    const evaluateCpuMs = Math.round((evaluated.user + evaluated.system) / 1000);
    return { ms: Math.round(ms), cpuMs, evaluateCpuMs, queries, queriesOneTable, functions, views, findings: results.length };
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
