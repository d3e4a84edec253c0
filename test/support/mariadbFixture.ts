/**
 * A deliberately messy MariaDB queue database, built fresh per run with unique database and
 * account names (accounts are server-wide and other test files share the server), dropped by
 * `drop()`. Every route here is one an attacker would use; the tests prove each by logging in
 * as the account and doing it, and prove the look-alike controls do nothing.
 */
import { randomBytes } from "node:crypto";
import { parseConfig } from "../../lib/audit/config/load.js";
import type { MysqlTarget } from "../../lib/audit/config/schema.js";
import { evaluateChecks } from "../../lib/audit/engine.js";
import type { CheckResult } from "../../lib/audit/findings/model.js";
import { probeMysql } from "../../lib/audit/probes/mysql/index.js";
import type { MysqlObservation } from "../../lib/audit/probes/mysql/types.js";
import { LOCAL_MARIADB, rootConnection } from "./mariadb.js";

export interface MariadbFixture {
  db: string;
  /** Database names that a pattern grant matches or (escaped) does not. */
  name: (role: string) => string;
  /** Account -> password ('' for none). */
  passwords: Record<string, string>;
  auditor: { user: string; host: string; password: string };
  target(overrides?: Partial<MysqlTarget>): MysqlTarget;
  drop(): Promise<void>;
}

const H = "127.0.0.1";

/**
 * `anonymous` adds the server-wide anonymous account ''@'127.0.0.2' (with SELECT on the queue):
 * one name for the whole server, so only one fixture at a time may hold it (the live check
 * tests); the others, running beside it, leave it out.
 */
export async function createMariadbFixture(
  auditorSql: (user: string, host: string, password: string) => string[],
  { anonymous = false }: { anonymous?: boolean } = {},
): Promise<MariadbFixture> {
  const sfx = randomBytes(3).toString("hex");
  const name = (n: string) => `qa${sfx}_${n}`;
  const db = name("app");
  const pw = (n: string) => `pw-${n}-${sfx}`;
  const passwords: Record<string, string> = {};
  const accounts: { user: string; host: string }[] = [];
  const root = await rootConnection();
  const run = async (sql: string) => {
    await root.query(sql);
  };
  const user = async (n: string, host = H, opts: { password?: string | null; extra?: string } = {}) => {
    const u = name(n);
    const password = opts.password === undefined ? pw(n) : opts.password;
    await run(`CREATE USER '${u}'@'${host}'${password === null ? "" : ` IDENTIFIED BY '${password}'`}${opts.extra ?? ""}`);
    accounts.push({ user: u, host });
    passwords[`${u}@${host}`] = password ?? "";
    return `'${u}'@'${host}'`;
  };
  const role = async (n: string) => {
    await run(`CREATE ROLE '${name(n)}'`);
    accounts.push({ user: name(n), host: "" });
    return `'${name(n)}'`;
  };
  const auditor = { user: name("auditor"), host: H, password: pw("auditor") };
  try {
    await run(`CREATE DATABASE \`${db}\``);
    await run(
      `CREATE TABLE \`${db}\`.delayed_jobs (id INT AUTO_INCREMENT PRIMARY KEY, priority INT DEFAULT 0, handler TEXT, run_at DATETIME)`,
    );
    await run(`INSERT INTO \`${db}\`.delayed_jobs (handler) VALUES ('--- !ruby/object:Job {}'), ('--- !ruby/object:Other {}')`);

    // The migrator owns everything but is locked: it never logs in, yet its DEFINER objects run as it.
    const migrator = await user("migrator", H, { extra: " ACCOUNT LOCK" });
    await run(`GRANT ALL ON \`${db}\`.* TO ${migrator}`);
    await run(
      `CREATE DEFINER=${migrator} PROCEDURE \`${db}\`.purge_jobs() SQL SECURITY DEFINER DELETE FROM delayed_jobs WHERE run_at IS NULL`,
    );
    await run(`CREATE DEFINER=${migrator} PROCEDURE \`${db}\`.count_jobs() SQL SECURITY INVOKER SELECT COUNT(*) FROM delayed_jobs`);
    await run(`CREATE DEFINER=${migrator} SQL SECURITY DEFINER VIEW \`${db}\`.jobs_v AS SELECT id, handler FROM \`${db}\`.delayed_jobs`);
    await run(`CREATE DEFINER=${migrator} SQL SECURITY INVOKER VIEW \`${db}\`.jobs_iv AS SELECT id, handler FROM \`${db}\`.delayed_jobs`);

    // Policy accounts.
    const worker = await user("worker");
    await run(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${db}\`.delayed_jobs TO ${worker}`);
    const web = await user("web");
    await run(`GRANT SELECT, INSERT, DELETE ON \`${db}\`.delayed_jobs TO ${web}`); // DELETE is excess
    const tlsonly = await user("tlsonly", H, { extra: " REQUIRE SSL" });
    await run(`GRANT SELECT ON \`${db}\`.delayed_jobs TO ${tlsonly}`);
    const admin = await user("admin", "%");
    await run(`GRANT ALL ON \`${db}\`.* TO ${admin} WITH GRANT OPTION`);

    // Role routes: a default role, and a nested role reachable only with SET ROLE.
    const queueRw = await role("queue_rw");
    await run(`GRANT ALL ON \`${db}\`.* TO ${queueRw}`);
    const intern = await user("intern", "%");
    await run(`GRANT ${queueRw} TO ${intern}`);
    await run(`SET DEFAULT ROLE ${queueRw} FOR ${intern}`);
    const inner = await role("rw_inner");
    await run(`GRANT UPDATE ON \`${db}\`.delayed_jobs TO ${inner}`);
    const ops = await role("ops");
    await run(`GRANT ${inner} TO ${ops}`);
    const bob = await user("bob");
    await run(`GRANT ${ops} TO ${bob}`);
    // A role that holds nothing on the queue: its member stays silent.
    const reportsRole = await role("reports");
    await run(`GRANT SELECT ON mysql.help_topic TO ${reportsRole}`);
    const rita = await user("rita");
    await run(`GRANT ${reportsRole} TO ${rita}`);

    // PROXY, GRANT OPTION, column and database-pattern routes.
    const carol = await user("carol");
    await run(`GRANT PROXY ON ${worker} TO ${carol}`);
    const dan = await user("dan");
    await run(`GRANT SELECT ON \`${db}\`.delayed_jobs TO ${dan} WITH GRANT OPTION`);
    await user("dan_friend");
    const erin = await user("erin");
    await run(`GRANT UPDATE (handler) ON \`${db}\`.delayed_jobs TO ${erin}`);
    const nina = await user("nina");
    await run(`GRANT UPDATE (priority) ON \`${db}\`.delayed_jobs TO ${nina}`); // not a payload column
    const frank = await user("frank");
    await run(`GRANT SELECT ON \`qa${sfx}_ap_\`.* TO ${frank}`); // '_' matches the 'p' of app
    const gina = await user("gina");
    await run(`GRANT SELECT ON \`qa${sfx}\\_ap\\_\`.* TO ${gina}`); // escaped: literally "…_ap_", no match

    // Definer routes and their INVOKER look-alikes.
    const hank = await user("hank");
    await run(`GRANT EXECUTE ON PROCEDURE \`${db}\`.purge_jobs TO ${hank}`);
    const ivan = await user("ivan");
    await run(`GRANT EXECUTE ON PROCEDURE \`${db}\`.count_jobs TO ${ivan}`);
    const judy = await user("judy");
    await run(`GRANT SELECT ON \`${db}\`.jobs_v TO ${judy}`);
    const kim = await user("kim");
    await run(`GRANT SELECT ON \`${db}\`.jobs_iv TO ${kim}`);

    // Superuser-like outside the admins; passwordless accounts; the anonymous account.
    const ops2 = await user("root");
    await run(`GRANT CREATE USER ON *.* TO ${ops2} WITH GRANT OPTION`);
    await user("nopass", H, { password: null });
    await user("locked", H, { password: null, extra: " ACCOUNT LOCK" });
    if (anonymous) {
      await run("CREATE USER ''@'127.0.0.2'");
      accounts.push({ user: "", host: "127.0.0.2" });
      passwords["@127.0.0.2"] = "";
      await run(`GRANT SELECT ON \`${db}\`.delayed_jobs TO ''@'127.0.0.2'`);
    }

    for (const sql of auditorSql(auditor.user, auditor.host, auditor.password)) await run(sql);
    accounts.push({ user: auditor.user, host: auditor.host });
  } catch (err) {
    await root.end();
    await dropAll(db, accounts, name);
    throw err;
  }
  await root.end();

  return {
    db,
    name,
    passwords,
    auditor,
    target(overrides = {}) {
      return {
        name: `mariadb-${sfx}`,
        connection: {
          host: LOCAL_MARIADB.host,
          port: LOCAL_MARIADB.port,
          user: auditor.user,
          password: { env: `QA_MYSQL_${sfx}` },
          tls: "disable",
          connectTimeoutSeconds: 5,
          statementTimeoutSeconds: 10,
        },
        tables: [`${db}.delayed_jobs`],
        admins: [`${name("admin")}@%`, "root@127.0.0.1", "root@localhost", "mysql@localhost"],
        principals: {
          [`${name("worker")}@${H}`]: ["SELECT", "INSERT", "UPDATE", "DELETE"],
          [`${name("web")}@${H}`]: ["SELECT", "INSERT"],
          [`${name("tlsonly")}@${H}`]: ["SELECT"],
          [`${name("ghost")}@${H}`]: ["SELECT"],
        },
        ...overrides,
      };
    },
    drop: () => dropAll(db, accounts, name),
  };
}

async function dropAll(db: string, accounts: { user: string; host: string }[], name: (n: string) => string): Promise<void> {
  const c = await rootConnection();
  try {
    for (const a of [...accounts, { user: name("made_by_root"), host: H }]) {
      // A role has no host; DROP USER of a role is refused, so try both forms.
      const target = a.host === "" ? `'${a.user}'` : `'${a.user}'@'${a.host}'`;
      await c.query(`DROP ${a.host === "" ? "ROLE" : "USER"} IF EXISTS ${target}`).catch(() => undefined);
    }
    await c.query(`DROP DATABASE IF EXISTS \`${db}\``);
  } finally {
    await c.end();
  }
}

/** The MariaDB audit-account block of docs/mysql.md, verbatim but for the account and password. */
export function docsAuditorSql(docs: string, flavor: "mariadb" | "mysql") {
  const block = new RegExp("```sql " + flavor + "\\n([\\s\\S]*?)```").exec(docs)?.[1];
  if (!block) throw new Error(`docs/mysql.md has no \`\`\`sql ${flavor} block`);
  return (user: string, host: string, password: string) =>
    block
      .split(";\n")
      .map((s) => s.trim())
      .filter((s) => s !== "")
      .map((s) => s.replaceAll("'queue_auditor'@'10.20.%'", `'${user}'@'${host}'`).replaceAll("'…'", `'${password}'`).replace(/;$/, ""));
}

/** Probes `target` as its audit account (the password through the target's env variable) and runs every check on it. */
export async function auditMariadb(
  target: MysqlTarget,
  auditorPassword: string,
): Promise<{ observation: MysqlObservation; results: CheckResult[] }> {
  const env = { [(target.connection.password as { env: string }).env]: auditorPassword };
  const [observation] = (await probeMysql([target], { credentials: { env } })) as [MysqlObservation];
  const results = evaluateChecks({
    config: parseConfig({ version: 1, mysql: [target] }, "test.yaml"),
    inventory: { partitions: [] },
    observations: { postgres: [], redis: [], mysql: [observation] },
    now: new Date(),
  });
  return { observation, results };
}
