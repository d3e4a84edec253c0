/**
 * Observation + evaluation of a MariaDB server with 500 accounts (400 users, 100 roles, half of
 * the users in role chains) and 200 queue tables, on the service at 127.0.0.1:3306 (root, no
 * password). Builds everything with unique names and drops it afterwards. Reports the wall time
 * of probe + mysql-* checks and the statements sent, for 1 account and for 500 (they must match).
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import mysql from "mysql2/promise";
import { mysqlChecks } from "../lib/audit/checks/mysql/index.js";
import type { AuditContext } from "../lib/audit/checks/types.js";
import type { Config, MysqlTarget } from "../lib/audit/config/schema.js";
import type { Inventory } from "../lib/audit/inventory/types.js";
import { probeMysql } from "../lib/audit/probes/mysql/index.js";
import type { Scope } from "../lib/audit/scope/index.js";

const USERS = 400;
const ROLES = 100;
const TABLES = 200;

export async function benchMysqlAccounts500(): Promise<{
  ms: number;
  probeMs: number;
  statements: number;
  statementsOneAccount: number;
  findings: number;
}> {
  const sfx = randomBytes(3).toString("hex");
  const db = `qab${sfx}`;
  const root = await mysql.createConnection({ host: "127.0.0.1", port: 3306, user: "root", connectTimeout: 5000 });
  const users: string[] = [];
  const roles: string[] = [];
  const auditor = `qab${sfx}_auditor`;
  try {
    const run = (sql: string) => root.query(sql);
    await run(`CREATE DATABASE \`${db}\``);
    await run(`CREATE USER '${auditor}'@'127.0.0.1' IDENTIFIED BY 'bench-${sfx}'`);
    for (const t of ["global_priv", "db", "tables_priv", "columns_priv", "procs_priv", "roles_mapping", "proxies_priv", "proc"]) {
      await run(`GRANT SELECT ON mysql.${t} TO '${auditor}'@'127.0.0.1'`);
    }
    await run(`GRANT SHOW VIEW, TRIGGER ON *.* TO '${auditor}'@'127.0.0.1'`);
    const tables = Array.from({ length: TABLES }, (_, i) => `jobs_${i}`);
    const target: MysqlTarget = {
      name: "bench",
      connection: {
        host: "127.0.0.1",
        port: 3306,
        user: auditor,
        password: { env: "QA_BENCH_MYSQL" },
        tls: "disable",
        connectTimeoutSeconds: 10,
        statementTimeoutSeconds: 60,
      },
      tables: tables.map((t) => `${db}.${t}`),
      admins: ["root@127.0.0.1", "root@localhost"],
      principals: {},
    };
    const probe = async () => {
      let statements = 0;
      const started = performance.now();
      const observations = await probeMysql([target], {
        credentials: { env: { QA_BENCH_MYSQL: `bench-${sfx}` } },
        onQuery: () => statements++,
      });
      if (observations[0]?.error) throw new Error(`bench probe failed: ${observations[0].error.reason}`);
      const probed = performance.now();
      const ctx: AuditContext = {
        config: { mysql: [target] } as unknown as Config,
        inventory: {} as Inventory,
        scope: { backends: [] } as unknown as Scope,
        observations: { postgres: [], redis: [], mysql: observations },
        now: new Date(),
      };
      const results = mysqlChecks.flatMap((c) => c.evaluate(ctx));
      return { ms: performance.now() - started, probeMs: probed - started, statements, findings: results.length };
    };
    await run(`CREATE TABLE \`${db}\`.jobs_0 (id INT PRIMARY KEY, handler TEXT)`);
    const one = await probe();
    for (const t of tables.slice(1)) await run(`CREATE TABLE \`${db}\`.\`${t}\` (id INT PRIMARY KEY, handler TEXT)`);
    for (let r = 0; r < ROLES; r++) {
      const role = `qab${sfx}_r${r}`;
      roles.push(role);
      await run(`CREATE ROLE '${role}'`);
      await run(`GRANT SELECT, UPDATE ON \`${db}\`.\`jobs_${r % TABLES}\` TO '${role}'`);
      if (r > 0 && r % 5 !== 0) await run(`GRANT '${roles[r - 1]}' TO '${role}'`);
    }
    for (let u = 0; u < USERS; u++) {
      const user = `qab${sfx}_u${u}`;
      users.push(user);
      await run(`CREATE USER '${user}'@'10.${u % 250}.%' IDENTIFIED BY 'x${u}'`);
      if (u % 2 === 0) await run(`GRANT '${roles[u % ROLES]}' TO '${user}'@'10.${u % 250}.%'`);
      if (u % 7 === 0) await run(`GRANT INSERT ON \`${db}\`.\`jobs_${u % TABLES}\` TO '${user}'@'10.${u % 250}.%'`);
    }
    const many = await probe();
    return {
      ms: Math.round(many.ms),
      probeMs: Math.round(many.probeMs),
      statements: many.statements,
      statementsOneAccount: one.statements,
      findings: many.findings,
    };
  } finally {
    for (let u = 0; u < users.length; u++) await root.query(`DROP USER IF EXISTS '${users[u]}'@'10.${u % 250}.%'`).catch(() => undefined);
    for (const r of roles) await root.query(`DROP ROLE IF EXISTS '${r}'`).catch(() => undefined);
    await root.query(`DROP USER IF EXISTS '${auditor}'@'127.0.0.1'`).catch(() => undefined);
    await root.query(`DROP DATABASE IF EXISTS \`${db}\``).catch(() => undefined);
    await root.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  benchMysqlAccounts500().then(
    (r) => console.log(JSON.stringify(r)),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
