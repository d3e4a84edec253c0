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
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import type { MysqlObservation } from "../../../../lib/audit/probes/mysql/types.js";
import { connectAs, localMariadbUnavailable, rootConnection, withSession } from "../../../support/mariadb.js";
import { auditMariadb, createMariadbFixture, docsAuditorSql, type MariadbFixture } from "../../../support/mariadbFixture.js";
import { skipWithout } from "../../../support/services.js";

const skip = skipWithout("MariaDB (127.0.0.1:3306)", await localMariadbUnavailable());
const docs = readFileSync(new URL("../../../../docs/mysql.md", import.meta.url), "utf8");
const H = "127.0.0.1";

describe.skipIf(skip)("foreign keys into the queue on MariaDB", () => {
  let fx: MariadbFixture;
  let observation: MysqlObservation;
  let results: CheckResult[];
  const who = ["deleter", "org_deleter", "updater", "other_updater", "quiet_clerk", "task_clerk", "gen_updater", "db_deleter"] as const;
  type Who = (typeof who)[number];
  const password = (w: Who) => `pw-fk-${w}`;
  const account = (w: Who) => `${fx.name(w)}@${H}`;
  const t = (table: string) => `\`${fx.db}\`.${table}`;

  const root = <T>(fn: (c: mysql.Connection) => Promise<T>) => withSession(rootConnection, fn);
  const as = <T>(w: Who, fn: (c: mysql.Connection) => Promise<T>) => withSession(() => connectAs(fx.name(w), password(w), { host: H }), fn);
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
      for (const table of ["fk_jobs", "quiet_jobs", "users", "orgs", "quiet_users", "tasks", "gen_users", "tags"])
        await c.query(`DELETE FROM ${t(table)}`);
      await c.query(`INSERT INTO ${t("tasks")} VALUES (1, NULL), (2, 1)`);
      await c.query(`INSERT INTO ${t("gen_users")} (id, c) VALUES (1, 1)`);
      await c.query(`INSERT INTO ${t("tags")} VALUES (1)`);
      await c.query(`INSERT INTO ${t("orgs")} VALUES (1)`);
      await c.query(`INSERT INTO ${t("users")} VALUES (1, 1, 10), (2, 1, 20)`);
      await c.query(
        `INSERT INTO ${t("fk_jobs")} (handler, user_id, owner_n, task_parent, gen_g, tag_id) VALUES ('job', 1, 10, 1, 10, 1), ('job', 2, 20, 1, 10, 1)`,
      );
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
        // A cycle: a task's subtasks lose their parent when it goes (SET NULL), and a job follows its task's parent.
        `CREATE TABLE ${t("tasks")} (id INT PRIMARY KEY, parent_id INT, KEY (parent_id),
           CONSTRAINT subtask FOREIGN KEY (parent_id) REFERENCES ${t("tasks")} (id) ON DELETE SET NULL) ENGINE=InnoDB`,
        // A generated referenced column: an update of its base column changes the key.
        `CREATE TABLE ${t("gen_users")} (id INT PRIMARY KEY, c INT, g INT AS (c * 10) STORED, UNIQUE KEY (g)) ENGINE=InnoDB`,
        `CREATE TABLE ${t("tags")} (id INT PRIMARY KEY) ENGINE=InnoDB`,
        `CREATE TABLE ${t("fk_jobs")} (id INT AUTO_INCREMENT PRIMARY KEY, handler TEXT, user_id INT, owner_n INT,
           task_parent INT, gen_g INT, tag_id INT,
           CONSTRAINT by_user FOREIGN KEY (user_id) REFERENCES ${t("users")} (id) ON DELETE CASCADE,
           CONSTRAINT by_n FOREIGN KEY (owner_n) REFERENCES ${t("users")} (n) ON UPDATE SET NULL,
           CONSTRAINT by_task FOREIGN KEY (task_parent) REFERENCES ${t("tasks")} (parent_id) ON UPDATE CASCADE,
           CONSTRAINT by_gen FOREIGN KEY (gen_g) REFERENCES ${t("gen_users")} (g) ON UPDATE CASCADE,
           CONSTRAINT by_tag FOREIGN KEY (tag_id) REFERENCES ${t("tags")} (id) ON DELETE SET NULL) ENGINE=InnoDB`,
        `CREATE TABLE ${t("quiet_users")} (id INT PRIMARY KEY, n INT UNIQUE) ENGINE=InnoDB`,
        `CREATE TABLE ${t("quiet_jobs")} (id INT AUTO_INCREMENT PRIMARY KEY, handler TEXT, user_id INT, owner_n INT,
           FOREIGN KEY (user_id) REFERENCES ${t("quiet_users")} (id) ON DELETE RESTRICT,
           FOREIGN KEY (owner_n) REFERENCES ${t("quiet_users")} (n) ON UPDATE NO ACTION) ENGINE=InnoDB`,
      ])
        await c.query(sql);
      for (const w of who) await c.query(`CREATE USER '${fx.name(w)}'@'${H}' IDENTIFIED BY '${password(w)}'`);
      await c.query(`GRANT DELETE ON ${t("users")} TO '${fx.name("deleter")}'@'${H}'`);
      await c.query(`GRANT DELETE ON ${t("orgs")} TO '${fx.name("org_deleter")}'@'${H}'`);
      // The column as the grant spells it, in another case than the table's (columns_priv keeps it so).
      await c.query(`GRANT UPDATE (N) ON ${t("users")} TO '${fx.name("updater")}'@'${H}'`);
      await c.query(`GRANT DELETE ON ${t("tasks")} TO '${fx.name("task_clerk")}'@'${H}'`);
      await c.query(`GRANT UPDATE (c) ON ${t("gen_users")} TO '${fx.name("gen_updater")}'@'${H}'`);
      // A policy account allowed DELETE on the queue, by a database grant that covers tags too.
      await c.query(`GRANT SELECT, INSERT, DELETE ON \`${fx.db}\`.* TO '${fx.name("db_deleter")}'@'${H}'`);
      await c.query(`GRANT UPDATE (org) ON ${t("users")} TO '${fx.name("other_updater")}'@'${H}'`);
      await c.query(`GRANT DELETE, UPDATE ON ${t("quiet_users")} TO '${fx.name("quiet_clerk")}'@'${H}'`);
    });
    await refill();
    const base = fx.target();
    const target = fx.target({
      tables: [`${fx.db}.fk_jobs`, `${fx.db}.quiet_jobs`],
      principals: { ...base.principals, [`${fx.name("db_deleter")}@${H}`]: ["SELECT", "INSERT", "DELETE"] },
    });
    ({ observation, results } = await auditMariadb(target, fx.auditor.password));
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
    expect(keys.map((k) => [k.table, k.name, k.referencedTable, k.referencedColumns, k.onDelete, k.onUpdate])).toEqual([
      ["fk_jobs", "by_gen", "gen_users", ["g"], "RESTRICT", "CASCADE"],
      ["fk_jobs", "by_n", "users", ["n"], "RESTRICT", "SET NULL"],
      ["fk_jobs", "by_tag", "tags", ["id"], "SET NULL", "RESTRICT"],
      ["fk_jobs", "by_task", "tasks", ["parent_id"], "RESTRICT", "CASCADE"],
      ["fk_jobs", "by_user", "users", ["id"], "CASCADE", "RESTRICT"],
      ["tasks", "subtask", "tasks", ["id"], "SET NULL", "RESTRICT"],
      ["users", "users_ibfk_1", "orgs", ["id"], "CASCADE", "RESTRICT"],
    ]);
    // It may not read the referenced columns' definitions (information_schema.COLUMNS needs a
    // privilege on the table): whether one is generated is unknown, and said so.
    expect(keys.map((k) => [k.keyChangesWithRow, k.referencedColumnsHidden])).toEqual(Array(7).fill([false, true]));
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
      `${account("updater")} -> UPDATE on ${fx.db}.users(N) -(foreign key by_n ON UPDATE SET NULL)-> UPDATE (owner_n) on ${fx.db}.fk_jobs`,
    ]);
    expect(f?.message).not.toContain("code execution");
  });

  it("a cycle of keys turns a DELETE into an UPDATE: deleting a task sets its subtasks' parent, which the jobs follow", async () => {
    await refill();
    await as("task_clerk", (c) =>
      c.query(`DELETE FROM ${t("tasks")} WHERE id = 1`).catch(() => c.query(`DELETE FROM ${t("tasks")} LIMIT 1`)),
    );
    expect(await rows(`SELECT task_parent FROM ${t("fk_jobs")} ORDER BY id`)).toEqual([{ task_parent: null }, { task_parent: null }]);
    expect(unexpected("fk_jobs", "task_clerk")?.evidence.paths).toEqual([
      `${account("task_clerk")} -> DELETE on ${fx.db}.tasks -(foreign key subtask ON DELETE SET NULL)-> UPDATE (parent_id) on ${fx.db}.tasks -(foreign key by_task ON UPDATE CASCADE)-> UPDATE (task_parent) on ${fx.db}.fk_jobs`,
    ]);
  });

  it("an update of a generated referenced column's base column changes the key", async () => {
    await refill();
    await as("gen_updater", (c) => c.query(`UPDATE ${t("gen_users")} SET c = 7`));
    expect(await rows(`SELECT gen_g FROM ${t("fk_jobs")} ORDER BY id`)).toEqual([{ gen_g: 70 }, { gen_g: 70 }]);
    expect(unexpected("fk_jobs", "gen_updater")?.evidence.paths).toEqual([
      `${account("gen_updater")} -> UPDATE on ${fx.db}.gen_users(c) -(foreign key by_gen ON UPDATE CASCADE, the referenced columns' definitions not visible: taken to change with the row)-> UPDATE (gen_g) on ${fx.db}.fk_jobs`,
    ]);
  });

  it("an allowed DELETE held by a database grant is not revoked to take away the UPDATE a key adds: the fix says what to change", async () => {
    await refill();
    await as("db_deleter", (c) => c.query(`DELETE FROM ${t("tags")}`));
    expect(await rows(`SELECT tag_id FROM ${t("fk_jobs")} ORDER BY id`)).toEqual([{ tag_id: null }, { tag_id: null }]);
    const f = results.find((r) => r.checkId === "mysql-excess-privilege" && r.subject === account("db_deleter"));
    expect(f?.evidence.excess).toEqual(["UPDATE"]);
    expect(f?.fix?.kind).toBe("manual");
    expect(f?.fix?.commands).toEqual([]);
    expect(f?.fix?.text).toContain("need the key's rule (or the trigger) changed or that grant narrowed");
  });

  it("an update of another column of users changes no job; it is reported all the same, the column definitions being unseen", async () => {
    await refill();
    await as("other_updater", (c) => c.query(`UPDATE ${t("users")} SET org = NULL`));
    expect(await rows(`SELECT owner_n FROM ${t("fk_jobs")} ORDER BY id`)).toEqual([{ owner_n: 10 }, { owner_n: 20 }]);
    expect(unexpected("fk_jobs", "other_updater")?.evidence.paths).toEqual([
      `${account("other_updater")} -> UPDATE on ${fx.db}.users(org) -(foreign key by_n ON UPDATE SET NULL, the referenced columns' definitions not visible: taken to change with the row)-> UPDATE (owner_n) on ${fx.db}.fk_jobs`,
    ]);
  });

  it("look-alikes stay silent: keys that only refuse", async () => {
    await refill();
    await as("quiet_clerk", async (c) => {
      await expect(c.query(`DELETE FROM ${t("quiet_users")}`)).rejects.toMatchObject({ code: "ER_ROW_IS_REFERENCED_2" });
      await expect(c.query(`UPDATE ${t("quiet_users")} SET n = 11`)).rejects.toMatchObject({ code: "ER_ROW_IS_REFERENCED_2" });
    });
    expect(await rows(`SELECT user_id, owner_n FROM ${t("fk_jobs")} ORDER BY id`)).toEqual([
      { user_id: 1, owner_n: 10 },
      { user_id: 2, owner_n: 20 },
    ]);
    expect(await rows(`SELECT user_id, owner_n FROM ${t("quiet_jobs")}`)).toEqual([{ user_id: 1, owner_n: 10 }]);
    for (const w of who) expect(unexpected("quiet_jobs", w)).toBeUndefined();
  });
});
