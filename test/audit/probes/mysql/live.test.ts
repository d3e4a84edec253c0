/**
 * The MySQL probe against the real MariaDB: the audit account of docs/mysql.md, created from
 * the document's own SQL, sees what root sees and nothing of the queue; the statement count does
 * not grow with accounts; TLS verify-full never falls back to plaintext; secrets stay out of errors.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MysqlTarget } from "../../../../lib/audit/config/schema.js";
import { probeMysql } from "../../../../lib/audit/probes/mysql/index.js";
import { type MysqlQueryable, readMysqlCatalog } from "../../../../lib/audit/probes/mysql/observe.js";
import type { MysqlCatalog } from "../../../../lib/audit/probes/mysql/types.js";
import { connectAs, localMariadbUnavailable, rootConnection } from "../../../support/mariadb.js";
import { createMariadbFixture, docsAuditorSql, type MariadbFixture } from "../../../support/mariadbFixture.js";
import { skipWithout } from "../../../support/services.js";

const skip = skipWithout("MariaDB (127.0.0.1:3306)", await localMariadbUnavailable());
const docs = readFileSync(new URL("../../../../docs/mysql.md", import.meta.url), "utf8");

describe.skipIf(skip)("the MySQL probe on MariaDB", () => {
  let fx: MariadbFixture;
  let target: MysqlTarget;
  let env: Record<string, string>;
  const sent: string[] = [];
  let asAuditor: MysqlCatalog;

  beforeAll(async () => {
    fx = await createMariadbFixture(docsAuditorSql(docs, "mariadb"));
    target = fx.target();
    env = { [(target.connection.password as { env: string }).env]: fx.auditor.password };
    const [o] = await probeMysql([target], { credentials: { env }, onQuery: (_, sql) => sent.push(sql) });
    if (!o?.catalog) throw new Error(`probe failed: ${o?.error?.reason}`);
    asAuditor = o.catalog;
  }, 60_000);
  afterAll(async () => fx?.drop());

  it("runs the docs' audit account SQL and observes the same grants as root", async () => {
    // Root reads the same tables; only view definitions (they need SELECT on the view) differ.
    const root = await rootConnection();
    let asRoot: MysqlCatalog;
    try {
      const q: MysqlQueryable = { query: async (sql, values) => (await root.query(sql, values))[0] as Record<string, unknown>[] };
      asRoot = await readMysqlCatalog(q, [fx.db], 10);
    } finally {
      await root.end();
    }
    const mine = (c: MysqlCatalog) => ({
      accounts: c.accounts.filter((a) => a.user.startsWith(fx.name(""))),
      dbGrants: c.dbGrants.filter((g) => g.user.startsWith(fx.name(""))),
      tableGrants: c.tableGrants.filter((g) => g.db === fx.db),
      columnGrants: c.columnGrants.filter((g) => g.db === fx.db),
      routineGrants: c.routineGrants.filter((g) => g.db === fx.db),
      roleEdges: c.roleEdges.filter((e) => e.role.user.startsWith(fx.name(""))),
      proxies: c.proxies.filter((p) => p.user.startsWith(fx.name(""))),
      objects: c.definerObjects.filter((o) => o.db === fx.db).map((o) => ({ ...o, definition: o.kind === "view" ? null : o.definition })),
      tables: c.tables.filter((t) => t.db === fx.db),
    });
    expect(mine(asAuditor)).toEqual(mine(asRoot));
    expect(mine(asAuditor).accounts.length).toBeGreaterThan(20);
    expect(
      mine(asAuditor)
        .tables.map((t) => t.table)
        .sort(),
    ).toEqual(["delayed_jobs", "jobs_iv", "jobs_v"]);
    expect(mine(asAuditor).objects.find((o) => o.name === "purge_jobs")?.definition).toMatch(/DELETE FROM delayed_jobs/);
  });

  it("decodes global_priv's access bits exactly as the server's mysql.user view spells them", async () => {
    const root = await rootConnection();
    try {
      const [rows] = await root.query(`SELECT * FROM mysql.user WHERE User LIKE '${fx.name("")}%' OR User = ''`);
      for (const row of rows as Record<string, unknown>[]) {
        const fromView = Object.entries(row)
          .filter(([k, v]) => k.endsWith("_priv") && v === "Y")
          .map(([k]) => k);
        const account = asAuditor.accounts.find((a) => a.user === row.User && a.host === row.Host);
        expect(account, `${row.User}@${row.Host}`).toBeDefined();
        expect(account?.global.length, `${row.User}@${row.Host}`).toBe(fromView.length);
      }
      const su = asAuditor.accounts.find((a) => a.user === fx.name("root"));
      expect(su?.global.sort()).toEqual(["CREATE USER", "GRANT OPTION"]);
    } finally {
      await root.end();
    }
  });

  it("reads accounts' states: roles, locks, missing passwords, TLS requirements, default roles", () => {
    const a = (n: string) => asAuditor.accounts.find((x) => x.user === fx.name(n));
    expect(a("ops")?.isRole).toBe(true);
    expect(a("migrator")?.locked).toBe(true);
    expect(a("nopass")?.hasCredential).toBe(false);
    expect(a("worker")?.hasCredential).toBe(true);
    expect(a("tlsonly")?.sslType).toBe("ANY");
    expect(a("worker")?.sslType).toBe("");
    expect(a("intern")?.defaultRoles).toEqual([{ user: fx.name("queue_rw"), host: "" }]);
    expect(asAuditor.proxies).toContainEqual(
      expect.objectContaining({ user: fx.name("carol"), proxied: { user: fx.name("worker"), host: "127.0.0.1" } }),
    );
  });

  it("sends a fixed number of statements, read-only, whatever the number of accounts", async () => {
    expect(sent).toHaveLength(18);
    expect(sent[1]).toBe("SET SESSION TRANSACTION READ ONLY");
    expect(sent[3]).toBe("START TRANSACTION READ ONLY");
    const root = await rootConnection();
    const extra = Array.from({ length: 30 }, (_, i) => `'${fx.name(`extra${i}`)}'@'127.0.0.1'`);
    try {
      for (const e of extra) await root.query(`CREATE USER ${e} IDENTIFIED BY 'x-extra'`);
      const more: string[] = [];
      await probeMysql([target], { credentials: { env }, onQuery: (_, sql) => more.push(sql) });
      expect(more).toEqual(sent);
    } finally {
      for (const e of extra) await root.query(`DROP USER IF EXISTS ${e}`);
      await root.end();
    }
  });

  it("the audit account can neither read nor write the queue, call its routines nor read through its views", async () => {
    const c = await connectAs(fx.auditor.user, fx.auditor.password);
    try {
      for (const sql of [
        `SELECT * FROM \`${fx.db}\`.delayed_jobs`,
        `UPDATE \`${fx.db}\`.delayed_jobs SET handler = 'x'`,
        `INSERT INTO \`${fx.db}\`.delayed_jobs (handler) VALUES ('x')`,
        `SELECT * FROM \`${fx.db}\`.jobs_v`,
        `CALL \`${fx.db}\`.purge_jobs()`,
        `CREATE TABLE \`${fx.db}\`.evil (id int)`,
        "UPDATE mysql.global_priv SET Priv = '{}' WHERE User = 'nobody'",
      ]) {
        await expect(c.query(sql), sql).rejects.toThrow(/denied/i);
      }
    } finally {
      await c.end();
    }
  });

  it("never falls back to plaintext: verify-full and require against a server without TLS are errors", async () => {
    for (const tls of ["verify-full", "require"] as const) {
      const [o] = await probeMysql([{ ...target, connection: { ...target.connection, tls } }], { credentials: { env } });
      expect(o?.catalog).toBeUndefined();
      expect(o?.error?.reason).toMatch(/does not support secure connection/);
    }
  });

  it("keeps the password out of a failed login's error", async () => {
    const wrong = { [Object.keys(env)[0] as string]: "not-the-password-4711" };
    const [o] = await probeMysql([target], { credentials: { env: wrong } });
    expect(o?.error?.code).toBe("ER_ACCESS_DENIED_ERROR");
    expect(JSON.stringify(o)).not.toContain("not-the-password-4711");
  });
});
