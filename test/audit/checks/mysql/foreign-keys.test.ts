/**
 * Foreign keys as routes into the queue, live on the MariaDB service. The queue's rows
 * reference `users` (ON DELETE CASCADE) and a unique `users.n` (ON UPDATE SET NULL), and
 * `users` references `orgs` (ON DELETE CASCADE): InnoDB runs the actions without checking any
 * privilege on the queue, so an account that may only delete from `users`, or only from
 * `orgs`, empties it, and one that may only update `users.n` rewrites a column of every job.
 * The look-alikes: an account that may update only another column of `users`, and a queue
 * whose keys are RESTRICT and NO ACTION, whose clerk is refused.
 */
import { readFileSync } from "node:fs";
import type mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../../lib/audit/config/load.js";
import { evaluateChecks } from "../../../../lib/audit/engine.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { probeMysql } from "../../../../lib/audit/probes/mysql/index.js";
import type { MysqlObservation } from "../../../../lib/audit/probes/mysql/types.js";
import { connectAs, localMariadbUnavailable, rootConnection } from "../../../support/mariadb.js";
import { createMariadbFixture, docsAuditorSql, type MariadbFixture } from "../../../support/mariadbFixture.js";
import { skipWithout } from "../../../support/services.js";

const skip = skipWithout("MariaDB (127.0.0.1:3306)", await localMariadbUnavailable());
const docs = readFileSync(new URL("../../../../docs/mysql.md", import.meta.url), "utf8");
const H = "127.0.0.1";

describe.skipIf(skip)("foreign keys into the queue on MariaDB", () => {
  let fx: MariadbFixture;
  let observation: MysqlObservation;
  let results: CheckResult[];
  const who = ["deleter", "org_deleter", "updater", "other_updater", "quiet_clerk"] as const;
  type Who = (typeof who)[number];
  const password = (w: Who) => `pw-fk-${w}`;
  const account = (w: Who) => `${fx.name(w)}@${H}`;
  const t = (table: string) => `\`${fx.db}\`.${table}`;

  const root = async <T>(fn: (c: mysql.Connection) => Promise<T>) => {
    const c = await rootConnection();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const as = async <T>(w: Who, fn: (c: mysql.Connection) => Promise<T>) => {
    const c = await connectAs(fx.name(w), password(w), { host: H });
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const rows = (sql: string) => root(async (c) => (await c.query(sql))[0] as Record<string, unknown>[]);
  const unexpected = (table: string, w: Who) =>
    results.find(
      (r) =>
        r.checkId === "mysql-unexpected-principal" &&
        r.status === "FAIL" &&
        r.subject === account(w) &&
        r.resource.id.endsWith(`.${table}`),
    );
  /** Two users of one org with a job each, and the same in the look-alike. */
  const refill = () =>
    root(async (c) => {
      for (const table of ["fk_jobs", "quiet_jobs", "users", "orgs", "quiet_users"]) await c.query(`DELETE FROM ${t(table)}`);
      await c.query(`INSERT INTO ${t("orgs")} VALUES (1)`);
      await c.query(`INSERT INTO ${t("users")} VALUES (1, 1, 10), (2, 1, 20)`);
      await c.query(`INSERT INTO ${t("fk_jobs")} (handler, user_id, owner_n) VALUES ('job', 1, 10), ('job', 2, 20)`);
      await c.query(`INSERT INTO ${t("quiet_users")} VALUES (1, 10)`);
      await c.query(`INSERT INTO ${t("quiet_jobs")} (handler, user_id, owner_n) VALUES ('job', 1, 10)`);
    });

  beforeAll(async () => {
    fx = await createMariadbFixture(docsAuditorSql(docs, "mariadb"));
    await root(async (c) => {
      for (const sql of [
        `CREATE TABLE ${t("orgs")} (id INT PRIMARY KEY) ENGINE=InnoDB`,
        `CREATE TABLE ${t("users")} (id INT PRIMARY KEY, org INT, n INT UNIQUE,
           FOREIGN KEY (org) REFERENCES ${t("orgs")} (id) ON DELETE CASCADE) ENGINE=InnoDB`,
        `CREATE TABLE ${t("fk_jobs")} (id INT AUTO_INCREMENT PRIMARY KEY, handler TEXT, user_id INT, owner_n INT,
           CONSTRAINT by_user FOREIGN KEY (user_id) REFERENCES ${t("users")} (id) ON DELETE CASCADE,
           CONSTRAINT by_n FOREIGN KEY (owner_n) REFERENCES ${t("users")} (n) ON UPDATE SET NULL) ENGINE=InnoDB`,
        `CREATE TABLE ${t("quiet_users")} (id INT PRIMARY KEY, n INT UNIQUE) ENGINE=InnoDB`,
        `CREATE TABLE ${t("quiet_jobs")} (id INT AUTO_INCREMENT PRIMARY KEY, handler TEXT, user_id INT, owner_n INT,
           FOREIGN KEY (user_id) REFERENCES ${t("quiet_users")} (id) ON DELETE RESTRICT,
           FOREIGN KEY (owner_n) REFERENCES ${t("quiet_users")} (n) ON UPDATE NO ACTION) ENGINE=InnoDB`,
      ])
        await c.query(sql);
      for (const w of who) await c.query(`CREATE USER '${fx.name(w)}'@'${H}' IDENTIFIED BY '${password(w)}'`);
      await c.query(`GRANT DELETE ON ${t("users")} TO '${fx.name("deleter")}'@'${H}'`);
      await c.query(`GRANT DELETE ON ${t("orgs")} TO '${fx.name("org_deleter")}'@'${H}'`);
      await c.query(`GRANT UPDATE (n) ON ${t("users")} TO '${fx.name("updater")}'@'${H}'`);
      await c.query(`GRANT UPDATE (org) ON ${t("users")} TO '${fx.name("other_updater")}'@'${H}'`);
      await c.query(`GRANT DELETE, UPDATE ON ${t("quiet_users")} TO '${fx.name("quiet_clerk")}'@'${H}'`);
    });
    await refill();
    const target = fx.target({ tables: [`${fx.db}.fk_jobs`, `${fx.db}.quiet_jobs`] });
    const env = { [(target.connection.password as { env: string }).env]: fx.auditor.password };
    [observation] = (await probeMysql([target], { credentials: { env } })) as [MysqlObservation];
    results = evaluateChecks({
      config: parseConfig({ version: 1, mysql: [target] }, "test.yaml"),
      inventory: { partitions: [] },
      observations: { postgres: [], redis: [], mysql: [observation] },
      now: new Date(),
    });
  }, 60_000);

  afterAll(async () => {
    if (!fx) return;
    await root(async (c) => {
      for (const w of who) await c.query(`DROP USER IF EXISTS '${fx.name(w)}'@'${H}'`);
    });
    await fx.drop();
  });

  it("the least-privilege audit account sees the writing keys (by table and name), and only those", () => {
    expect(observation.error).toBeUndefined();
    const keys = (observation.catalog?.foreignKeys ?? []).filter((k) => k.db === fx.db);
    expect(keys.map((k) => [k.table, k.columns, k.referencedTable, k.referencedColumns, k.onDelete, k.onUpdate])).toEqual([
      ["fk_jobs", ["owner_n"], "users", ["n"], "RESTRICT", "SET NULL"],
      ["fk_jobs", ["user_id"], "users", ["id"], "CASCADE", "RESTRICT"],
      ["users", ["org"], "orgs", ["id"], "CASCADE", "RESTRICT"],
    ]);
  });

  it("an account that may only delete users empties the queue, and is reported with DELETE and the revoke that cuts it", async () => {
    await refill();
    await as("deleter", async (c) => {
      await expect(c.query(`DELETE FROM ${t("fk_jobs")}`)).rejects.toMatchObject({ code: "ER_TABLEACCESS_DENIED_ERROR" });
      await c.query(`DELETE FROM ${t("users")}`);
    });
    expect(await rows(`SELECT id FROM ${t("fk_jobs")}`)).toEqual([]);

    const f = unexpected("fk_jobs", "deleter");
    expect(f?.evidence.privileges).toEqual(["DELETE"]);
    expect(f?.evidence.paths).toEqual([
      `${account("deleter")} -> DELETE on ${fx.db}.users -(foreign key by_user ON DELETE CASCADE)-> DELETE on ${fx.db}.fk_jobs`,
    ]);
    expect(f?.fix?.commands).toEqual([`REVOKE DELETE ON \`${fx.db}\`.\`users\` FROM '${fx.name("deleter")}'@'${H}';`]);
  });

  it("one that may only delete orgs empties it through two keys", async () => {
    await refill();
    await as("org_deleter", (c) => c.query(`DELETE FROM ${t("orgs")}`));
    expect(await rows(`SELECT id FROM ${t("fk_jobs")}`)).toEqual([]);
    expect(unexpected("fk_jobs", "org_deleter")?.evidence.paths).toEqual([
      `${account("org_deleter")} -> DELETE on ${fx.db}.orgs -(foreign key users_ibfk_1 ON DELETE CASCADE)-> DELETE on ${fx.db}.users -(foreign key by_user ON DELETE CASCADE)-> DELETE on ${fx.db}.fk_jobs`,
    ]);
  });

  it("one that may only update the referenced column changes a column of every job: UPDATE of that column only", async () => {
    await refill();
    await as("updater", (c) => c.query(`UPDATE ${t("users")} SET n = NULL`));
    expect(await rows(`SELECT handler, owner_n FROM ${t("fk_jobs")} ORDER BY id`)).toEqual([
      { handler: "job", owner_n: null },
      { handler: "job", owner_n: null },
    ]);
    const f = unexpected("fk_jobs", "updater");
    expect(f?.evidence.privileges).toEqual(["UPDATE"]);
    expect(f?.evidence.columnOnly).toEqual({ UPDATE: ["owner_n"] });
    expect(f?.evidence.paths).toEqual([
      `${account("updater")} -> UPDATE on ${fx.db}.users(n) -(foreign key by_n ON UPDATE SET NULL)-> UPDATE (owner_n) on ${fx.db}.fk_jobs`,
    ]);
    expect(f?.message).not.toContain("code execution");
  });

  it("look-alikes stay silent: another column of users, and keys that only refuse", async () => {
    await refill();
    await as("other_updater", (c) => c.query(`UPDATE ${t("users")} SET org = NULL`));
    await as("quiet_clerk", async (c) => {
      await expect(c.query(`DELETE FROM ${t("quiet_users")}`)).rejects.toMatchObject({ code: "ER_ROW_IS_REFERENCED_2" });
      await expect(c.query(`UPDATE ${t("quiet_users")} SET n = 11`)).rejects.toMatchObject({ code: "ER_ROW_IS_REFERENCED_2" });
    });
    expect(await rows(`SELECT user_id, owner_n FROM ${t("fk_jobs")} ORDER BY id`)).toEqual([
      { user_id: 1, owner_n: 10 },
      { user_id: 2, owner_n: 20 },
    ]);
    expect(await rows(`SELECT user_id, owner_n FROM ${t("quiet_jobs")}`)).toEqual([{ user_id: 1, owner_n: 10 }]);
    expect(unexpected("fk_jobs", "other_updater")).toBeUndefined();
    for (const w of who) expect(unexpected("quiet_jobs", w)).toBeUndefined();
  });
});
