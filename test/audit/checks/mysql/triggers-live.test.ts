/**
 * Triggers as routes into the queue, live on the MariaDB service. A trigger runs its body as
 * its definer for whoever fires it: an account that may only insert into `signals` deletes
 * jobs, one that may only insert into `pings` deletes them through a trigger and a key, one
 * that may only update a note of `flags` rewrites every job's handler. The look-alikes: a
 * trigger whose definer lacks TRIGGER on its table (the statement is refused), a key's
 * cascade into a table with a trigger (InnoDB fires none), a trigger that writes elsewhere,
 * and a DELETE on a table whose trigger is on INSERT. And an audit account without TRIGGER
 * says the triggers are hidden instead of passing.
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

describe.skipIf(skip)("triggers into the queue on MariaDB", () => {
  let fx: MariadbFixture;
  let observation: MysqlObservation;
  let results: CheckResult[];
  let blindResults: CheckResult[];
  const who = [
    "signaler",
    "pinger",
    "flagger",
    "chainer",
    "nodef",
    "nodef_clerk",
    "parent_clerk",
    "log_clerk",
    "sig_deleter",
    "enqueuer",
    "f_view",
    "f_call",
    "f_role",
    "f_dr",
    "f_col",
    "f_join",
    "defr",
    "coldef",
    "rdef",
    "noter",
    "repl",
    "noexec",
    "nox_caller",
    "blind",
  ] as const;
  type Who = (typeof who)[number];
  const password = (w: Who) => `pw-trg-${w}`;
  const account = (w: Who) => `${fx.name(w)}@${H}`;
  const t = (table: string) => `\`${fx.db}\`.${table}`;
  const migrator = () => `'${fx.name("migrator")}'@'${H}'`;

  const root = <T>(fn: (c: mysql.Connection) => Promise<T>) => withSession(rootConnection, fn);
  const as = <T>(w: Who, fn: (c: mysql.Connection) => Promise<T>) => withSession(() => connectAs(fx.name(w), password(w), { host: H }), fn);
  const rows = (sql: string) => root(async (c) => (await c.query(sql))[0] as Record<string, unknown>[]);
  const jobs = () => rows(`SELECT id, handler FROM ${t("trg_jobs")} ORDER BY id`);
  const unexpected = (w: Who, from = results) =>
    from.find((r) => r.checkId === "mysql-unexpected-principal" && r.status === "FAIL" && r.subject === account(w));
  /** Two jobs of owner 1, and a child of parent 1. */
  const refill = () =>
    root(async (c) => {
      for (const table of ["flags", "trg_jobs", "owners", "children", "parents", "audit_log", "leak"])
        await c.query(`DELETE FROM ${t(table)}`);
      await c.query(`INSERT INTO ${t("leak")} VALUES ('nothing')`);
      await c.query(`INSERT INTO ${t("owners")} VALUES (1)`);
      await c.query(`INSERT INTO ${t("trg_jobs")} (id, handler, owner_id) VALUES (1, 'job', 1), (2, 'job', 1)`);
      await c.query(`INSERT INTO ${t("parents")} VALUES (1)`);
      await c.query(`INSERT INTO ${t("children")} VALUES (1, 1)`);
      await c.query(`INSERT INTO ${t("flags")} (id, note, payload) VALUES (1, 'n', '--- !ruby/object:Evil {}')`);
    });
  beforeAll(async () => {
    fx = await createMariadbFixture(docsAuditorSql(docs, "mariadb"));
    await root(async (c) => {
      const trigger = (name: string, definer: string, when: string, table: string, body: string) =>
        c.query(`CREATE DEFINER=${definer} TRIGGER ${t(name)} ${when} ON ${t(table)} FOR EACH ROW ${body}`);
      for (const sql of [
        `CREATE TABLE ${t("owners")} (id INT PRIMARY KEY) ENGINE=InnoDB`,
        `CREATE TABLE ${t("trg_jobs")} (id INT PRIMARY KEY, handler TEXT, note TEXT, owner_id INT,
           CONSTRAINT by_owner FOREIGN KEY (owner_id) REFERENCES ${t("owners")} (id) ON DELETE CASCADE) ENGINE=InnoDB`,
        `CREATE TABLE ${t("signals")} (v INT) ENGINE=InnoDB`,
        `CREATE TABLE ${t("pings")} (v INT) ENGINE=InnoDB`,
        `CREATE TABLE ${t("flags")} (id INT PRIMARY KEY, note TEXT, payload TEXT) ENGINE=InnoDB`,
        `CREATE TABLE ${t("a")} (v INT) ENGINE=InnoDB`,
        `CREATE TABLE ${t("b")} (v INT) ENGINE=InnoDB`,
        `CREATE TABLE ${t("nodef_t")} (v INT) ENGINE=InnoDB`,
        `CREATE TABLE ${t("parents")} (id INT PRIMARY KEY) ENGINE=InnoDB`,
        `CREATE TABLE ${t("children")} (id INT PRIMARY KEY, parent_id INT,
           FOREIGN KEY (parent_id) REFERENCES ${t("parents")} (id) ON DELETE CASCADE) ENGINE=InnoDB`,
        `CREATE TABLE ${t("logsrc")} (v INT) ENGINE=InnoDB`,
        `CREATE TABLE ${t("audit_log")} (v INT) ENGINE=InnoDB`,
        `CREATE TABLE ${t("leak")} (m TEXT) ENGINE=InnoDB`,
        ...["s_view", "s_call", "s_role", "s_dr", "s_col", "s_join", "s_rep"].map((x) => `CREATE TABLE ${t(x)} (v INT) ENGINE=InnoDB`),
      ])
        await c.query(sql);
      for (const w of who) await c.query(`CREATE USER '${fx.name(w)}'@'${H}' IDENTIFIED BY '${password(w)}'`);
      // The fixture's migrator (locked, ALL on the database) defines the triggers.
      await trigger("sig_ai", migrator(), "AFTER INSERT", "signals", `DELETE FROM ${t("trg_jobs")} WHERE id = NEW.v`);
      await trigger("ping_ai", migrator(), "AFTER INSERT", "pings", `DELETE FROM ${t("owners")} WHERE id = NEW.v`);
      await trigger("flag_bu", migrator(), "BEFORE UPDATE", "flags", `UPDATE ${t("trg_jobs")} SET handler = NEW.payload`);
      await trigger("a_ai", migrator(), "AFTER INSERT", "a", `INSERT INTO ${t("b")} VALUES (NEW.v)`);
      await trigger("b_ai", migrator(), "AFTER INSERT", "b", `DELETE FROM ${t("trg_jobs")} WHERE id = NEW.v`);
      await trigger("child_ad", migrator(), "AFTER DELETE", "children", `DELETE FROM ${t("trg_jobs")}`);
      await trigger("log_ai", migrator(), "AFTER INSERT", "logsrc", `INSERT INTO ${t("audit_log")} VALUES (NEW.v)`);
      // On the queue itself: a job asking to "peek" is refused with the first job's handler as the message.
      await trigger(
        "peek_bi",
        migrator(),
        "BEFORE INSERT",
        "trg_jobs",
        `BEGIN DECLARE h TEXT; IF NEW.handler = 'peek' THEN SELECT handler INTO h FROM ${t("trg_jobs")} ORDER BY id LIMIT 1; SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = h; END IF; END`,
      );
      await c.query(`GRANT INSERT ON ${t("trg_jobs")} TO '${fx.name("enqueuer")}'@'${H}'`);

      // Through a view the body names, and a procedure it calls: both INVOKER, so they run as the trigger's definer.
      await c.query(`CREATE DEFINER=${migrator()} SQL SECURITY INVOKER VIEW ${t("jobs_iv2")} AS SELECT id, handler FROM ${t("trg_jobs")}`);
      await trigger("view_ai", migrator(), "AFTER INSERT", "s_view", `DELETE FROM ${t("jobs_iv2")} WHERE id = NEW.v`);
      await c.query(
        `CREATE DEFINER=${migrator()} PROCEDURE ${t("wipe")}(i INT) SQL SECURITY INVOKER DELETE FROM ${t("trg_jobs")} WHERE id = i`,
      );
      await trigger("call_ai", migrator(), "AFTER INSERT", "s_call", `CALL ${t("wipe")}(NEW.v)`);
      // A role definer whose privileges come from a role granted to it: they count.
      await c.query(`CREATE ROLE '${fx.name("r_in")}'`);
      await c.query(`CREATE ROLE '${fx.name("r_out")}'`);
      await c.query(`GRANT DELETE ON ${t("trg_jobs")} TO '${fx.name("r_in")}'`);
      await c.query(`GRANT TRIGGER ON \`${fx.db}\`.* TO '${fx.name("r_in")}'`);
      await c.query(`GRANT '${fx.name("r_in")}' TO '${fx.name("r_out")}'`);
      // (DELETE alone: a WHERE on id would need SELECT too.)
      await trigger("role_ai", `'${fx.name("r_out")}'`, "AFTER INSERT", "s_role", `DELETE FROM ${t("trg_jobs")} LIMIT 1`);
      // A user definer whose privileges come only from its default role: MariaDB activates none.
      await c.query(`GRANT '${fx.name("r_in")}' TO '${fx.name("defr")}'@'${H}'`);
      await c.query(`SET DEFAULT ROLE '${fx.name("r_in")}' FOR '${fx.name("defr")}'@'${H}'`);
      await trigger("dr_ai", `'${fx.name("defr")}'@'${H}'`, "AFTER INSERT", "s_dr", `DELETE FROM ${t("trg_jobs")} LIMIT 1`);
      // A definer holding only UPDATE (handler) on the queue.
      await c.query(`GRANT UPDATE (handler) ON ${t("trg_jobs")} TO '${fx.name("coldef")}'@'${H}'`);
      await c.query(`GRANT TRIGGER ON ${t("s_col")} TO '${fx.name("coldef")}'@'${H}'`);
      await trigger("col_ai", `'${fx.name("coldef")}'@'${H}'`, "AFTER INSERT", "s_col", `UPDATE ${t("trg_jobs")} SET handler = 'x'`);
      // A read with no SELECT keyword: a multi-table UPDATE copies a handler into a table the firer reads.
      await c.query(`GRANT SELECT ON ${t("trg_jobs")} TO '${fx.name("rdef")}'@'${H}'`);
      await c.query(`GRANT SELECT, UPDATE, TRIGGER ON ${t("s_join")} TO '${fx.name("rdef")}'@'${H}'`);
      await c.query(`GRANT SELECT, UPDATE ON ${t("leak")} TO '${fx.name("rdef")}'@'${H}'`);
      await trigger(
        "join_ai",
        `'${fx.name("rdef")}'@'${H}'`,
        "AFTER INSERT",
        "s_join",
        `UPDATE ${t("leak")} l JOIN ${t("trg_jobs")} j ON j.id = NEW.v SET l.m = j.handler`,
      );
      for (const w of ["f_view", "f_call", "f_role", "f_dr", "f_col", "f_join"] as const)
        await c.query(`GRANT INSERT ON ${t(`s_${w.slice(2)}`)} TO '${fx.name(w)}'@'${H}'`);
      await c.query(`GRANT SELECT ON ${t("leak")} TO '${fx.name("f_join")}'@'${H}'`);
      // A BEFORE trigger on the queue that copies a note into the handler: UPDATE (note) writes the payload.
      await trigger("q_bu", migrator(), "BEFORE UPDATE", "trg_jobs", "SET NEW.handler = IF(NEW.note LIKE '---%', NEW.note, NEW.handler)");
      await c.query(`GRANT SELECT (id), UPDATE (note) ON ${t("trg_jobs")} TO '${fx.name("noter")}'@'${H}'`);
      // REPLACE in a body deletes the row it replaces.
      await trigger(
        "rep_ai",
        migrator(),
        "AFTER INSERT",
        "s_rep",
        `REPLACE INTO ${t("trg_jobs")} (id, handler) VALUES (NEW.v, 'replaced')`,
      );
      await c.query(`GRANT INSERT ON ${t("s_rep")} TO '${fx.name("repl")}'@'${H}'`);
      // A DEFINER procedure whose definer may not EXECUTE it: the call is refused.
      await c.query(`GRANT DELETE ON ${t("trg_jobs")} TO '${fx.name("noexec")}'@'${H}'`);
      await c.query(
        `CREATE DEFINER='${fx.name("noexec")}'@'${H}' PROCEDURE ${t("nox_purge")}() SQL SECURITY DEFINER DELETE FROM ${t("trg_jobs")}`,
      );
      await c.query(`GRANT EXECUTE ON PROCEDURE ${t("nox_purge")} TO '${fx.name("nox_caller")}'@'${H}'`);
      // nodef may delete jobs but holds no TRIGGER on nodef_t: its trigger cannot fire.
      await c.query(`GRANT DELETE ON ${t("trg_jobs")} TO '${fx.name("nodef")}'@'${H}'`);
      await trigger("nodef_ai", `'${fx.name("nodef")}'@'${H}'`, "AFTER INSERT", "nodef_t", `DELETE FROM ${t("trg_jobs")}`);

      await c.query(`GRANT INSERT ON ${t("signals")} TO '${fx.name("signaler")}'@'${H}'`);
      await c.query(`GRANT INSERT ON ${t("pings")} TO '${fx.name("pinger")}'@'${H}'`);
      await c.query(`GRANT SELECT (id), UPDATE (note) ON ${t("flags")} TO '${fx.name("flagger")}'@'${H}'`);
      await c.query(`GRANT INSERT ON ${t("a")} TO '${fx.name("chainer")}'@'${H}'`);
      await c.query(`GRANT INSERT ON ${t("nodef_t")} TO '${fx.name("nodef_clerk")}'@'${H}'`);
      await c.query(`GRANT DELETE ON ${t("parents")} TO '${fx.name("parent_clerk")}'@'${H}'`);
      await c.query(`GRANT INSERT ON ${t("logsrc")} TO '${fx.name("log_clerk")}'@'${H}'`);
      await c.query(`GRANT SELECT, DELETE ON ${t("signals")} TO '${fx.name("sig_deleter")}'@'${H}'`);
      // A second audit account: the documented one without TRIGGER, which sees no trigger.
      for (const sql of docsAuditorSql(docs, "mariadb")(fx.name("blind"), H, password("blind")).filter(
        (s) => !/^(CREATE USER|GRANT TRIGGER)/.test(s),
      ))
        await c.query(sql);
    });
    await refill();
    const target = fx.target({ tables: [`${fx.db}.trg_jobs`] });
    ({ observation, results } = await auditMariadb(target, fx.auditor.password));
    const blindTarget = fx.target({
      tables: [`${fx.db}.trg_jobs`],
      connection: { ...target.connection, user: fx.name("blind"), password: { env: `QA_BLIND_${fx.db}` } },
    });
    ({ results: blindResults } = await auditMariadb(blindTarget, password("blind")));
  }, 60_000);

  afterAll(async () => {
    if (!fx) return;
    await root(async (c) => {
      for (const w of who) await c.query(`DROP USER IF EXISTS '${fx.name(w)}'@'${H}'`);
      for (const r of ["r_in", "r_out"]) await c.query(`DROP ROLE IF EXISTS '${fx.name(r)}'`);
    });
    await fx.drop();
  });

  it("the audit account of docs/mysql.md sees every trigger, with its event, definer and body", () => {
    expect(observation.error).toBeUndefined();
    const mine = (observation.catalog?.triggers ?? []).filter((x) => x.db === fx.db);
    expect(mine.map((x) => [x.table, x.name, x.event, `${x.definer.user}@${x.definer.host}`])).toEqual(
      expect.arrayContaining([
        ["a", "a_ai", "INSERT", `${fx.name("migrator")}@${H}`],
        ["b", "b_ai", "INSERT", `${fx.name("migrator")}@${H}`],
        ["children", "child_ad", "DELETE", `${fx.name("migrator")}@${H}`],
        ["flags", "flag_bu", "UPDATE", `${fx.name("migrator")}@${H}`],
        ["logsrc", "log_ai", "INSERT", `${fx.name("migrator")}@${H}`],
        ["nodef_t", "nodef_ai", "INSERT", `${fx.name("nodef")}@${H}`],
        ["pings", "ping_ai", "INSERT", `${fx.name("migrator")}@${H}`],
        ["signals", "sig_ai", "INSERT", `${fx.name("migrator")}@${H}`],
        ["trg_jobs", "peek_bi", "INSERT", `${fx.name("migrator")}@${H}`],
      ]),
    );
    expect(mine).toHaveLength(17);
    expect(mine.find((x) => x.name === "sig_ai")?.body).toBe(`DELETE FROM ${t("trg_jobs")} WHERE id = NEW.v`);
    // TRIGGER is the audit account's own: it is not reported as access to the queue.
    expect(results.find((r) => r.checkId === "mysql-auditor-overprivileged")?.status).toBe("PASS");
  });

  it("an account that may only insert signals deletes a job, and is reported with DELETE and the revoke that cuts it", async () => {
    await refill();
    await as("signaler", async (c) => {
      await expect(c.query(`DELETE FROM ${t("trg_jobs")}`)).rejects.toMatchObject({ code: "ER_TABLEACCESS_DENIED_ERROR" });
      await c.query(`INSERT INTO ${t("signals")} VALUES (1)`);
    });
    expect(await jobs()).toEqual([{ id: 2, handler: "job" }]);
    const f = unexpected("signaler");
    expect(f?.evidence.privileges).toEqual(["DELETE"]);
    expect(f?.evidence.paths).toEqual([
      `${account("signaler")} -> INSERT on ${fx.db}.signals -(INSERT trigger ${fx.db}.sig_ai, definer ${fx.name("migrator")}@${H})-> DELETE on ${fx.db}.trg_jobs`,
    ]);
    expect(f?.fix?.commands).toEqual([`REVOKE INSERT ON \`${fx.db}\`.\`signals\` FROM '${fx.name("signaler")}'@'${H}';`]);
    // The printed fix, run: the route is closed.
    await root(async (c) => {
      for (const sql of f?.fix?.commands ?? []) await c.query(sql);
    });
    await as("signaler", (c) =>
      expect(c.query(`INSERT INTO ${t("signals")} VALUES (2)`)).rejects.toMatchObject({ code: "ER_TABLEACCESS_DENIED_ERROR" }),
    );
    await root((c) => c.query(`GRANT INSERT ON ${t("signals")} TO '${fx.name("signaler")}'@'${H}'`));
  });

  it("one that may only insert pings empties the queue through a trigger and a key", async () => {
    await refill();
    await as("pinger", (c) => c.query(`INSERT INTO ${t("pings")} VALUES (1)`));
    expect(await jobs()).toEqual([]);
    expect(unexpected("pinger")?.evidence.paths).toEqual([
      `${account("pinger")} -> INSERT on ${fx.db}.pings -(INSERT trigger ${fx.db}.ping_ai, definer ${fx.name("migrator")}@${H})-> DELETE on ${fx.db}.owners -(foreign key by_owner ON DELETE CASCADE)-> DELETE on ${fx.db}.trg_jobs`,
    ]);
  });

  it("one that may only update a note rewrites every job's handler: UPDATE of the whole row", async () => {
    await refill();
    await as("flagger", (c) => c.query(`UPDATE ${t("flags")} SET note = 'x' WHERE id = 1`));
    expect(await jobs()).toEqual([
      { id: 1, handler: "--- !ruby/object:Evil {}" },
      { id: 2, handler: "--- !ruby/object:Evil {}" },
    ]);
    const f = unexpected("flagger");
    // The whole row, whatever column the account may set (the payload claim on delayed_jobs: triggers.test.ts).
    expect(f?.evidence).toMatchObject({ privileges: ["UPDATE"], columnOnly: {} });
  });

  it("one that may only enqueue reads a job's handler through a trigger on the queue that SIGNALs it: SELECT", async () => {
    await refill();
    await as("enqueuer", async (c) => {
      await expect(c.query(`SELECT handler FROM ${t("trg_jobs")}`)).rejects.toMatchObject({ code: "ER_TABLEACCESS_DENIED_ERROR" });
      await expect(c.query(`INSERT INTO ${t("trg_jobs")} (id, handler) VALUES (9, 'peek')`)).rejects.toMatchObject({ sqlMessage: "job" });
    });
    const f = unexpected("enqueuer");
    expect(f?.evidence.privileges).toEqual(["SELECT", "INSERT"]);
    expect(f?.evidence.paths).toContain(
      `${account("enqueuer")} -> INSERT on ${fx.db}.trg_jobs -(INSERT trigger ${fx.db}.peek_bi, definer ${fx.name("migrator")}@${H})-> SELECT on ${fx.db}.trg_jobs`,
    );
  });

  it("a trigger's write fires the next table's trigger", async () => {
    await refill();
    await as("chainer", (c) => c.query(`INSERT INTO ${t("a")} VALUES (2)`));
    expect(await jobs()).toEqual([{ id: 1, handler: "job" }]);
    expect(unexpected("chainer")?.evidence.paths).toEqual([
      `${account("chainer")} -> INSERT on ${fx.db}.a -(INSERT trigger ${fx.db}.a_ai, definer ${fx.name("migrator")}@${H})-> INSERT on ${fx.db}.b -(INSERT trigger ${fx.db}.b_ai, definer ${fx.name("migrator")}@${H})-> DELETE on ${fx.db}.trg_jobs`,
    ]);
  });

  it("through a view the body names and a procedure it calls, as the trigger's definer", async () => {
    await refill();
    await as("f_view", (c) => c.query(`INSERT INTO ${t("s_view")} VALUES (1)`));
    await as("f_call", (c) => c.query(`INSERT INTO ${t("s_call")} VALUES (2)`));
    expect(await jobs()).toEqual([]);
    const m = `${fx.name("migrator")}@${H}`;
    expect(unexpected("f_view")?.evidence.paths).toEqual([
      `${account("f_view")} -> INSERT on ${fx.db}.s_view -(INSERT trigger ${fx.db}.view_ai, definer ${m}, through view ${fx.db}.jobs_iv2)-> DELETE on ${fx.db}.trg_jobs`,
    ]);
    expect(unexpected("f_call")?.evidence.paths).toEqual([
      `${account("f_call")} -> INSERT on ${fx.db}.s_call -(INSERT trigger ${fx.db}.call_ai, definer ${m}, through procedure ${fx.db}.wipe)-> DELETE on ${fx.db}.trg_jobs`,
    ]);
  });

  it("a role definer brings the roles granted to it; a user definer's default role brings nothing (refused)", async () => {
    await refill();
    await as("f_role", (c) => c.query(`INSERT INTO ${t("s_role")} VALUES (1)`));
    expect(await jobs()).toHaveLength(1);
    expect(unexpected("f_role")?.evidence.privileges).toEqual(["DELETE"]);
    await as("f_dr", (c) =>
      expect(c.query(`INSERT INTO ${t("s_dr")} VALUES (2)`)).rejects.toMatchObject({ code: "ER_TABLEACCESS_DENIED_ERROR" }),
    );
    expect(await jobs()).toHaveLength(1);
    expect(unexpected("f_dr")).toBeUndefined();
  });

  it("a definer holding UPDATE of one column lends that column; a read needs no SELECT keyword", async () => {
    await refill();
    await as("f_col", (c) => c.query(`INSERT INTO ${t("s_col")} VALUES (1)`));
    expect((await jobs()).map((j) => j.handler)).toEqual(["x", "x"]);
    expect(unexpected("f_col")?.evidence).toMatchObject({ privileges: ["UPDATE"], columnOnly: { UPDATE: ["handler"] } });
    await as("f_join", async (c) => {
      await expect(c.query(`SELECT handler FROM ${t("trg_jobs")}`)).rejects.toMatchObject({ code: "ER_TABLEACCESS_DENIED_ERROR" });
      await c.query(`INSERT INTO ${t("s_join")} VALUES (2)`);
      expect((await c.query(`SELECT m FROM ${t("leak")}`))[0]).toEqual([{ m: "x" }]);
    });
    expect(unexpected("f_join")?.evidence.privileges).toEqual(["SELECT"]);
  });

  it("a BEFORE trigger on the queue that sets NEW.handler: UPDATE of a note writes the payload", async () => {
    await refill();
    await as("noter", async (c) => {
      await expect(c.query(`UPDATE ${t("trg_jobs")} SET handler = 'x' WHERE id = 1`)).rejects.toMatchObject({
        code: "ER_COLUMNACCESS_DENIED_ERROR",
      });
      await c.query(`UPDATE ${t("trg_jobs")} SET note = '--- !ruby/object:Evil {}' WHERE id = 1`);
    });
    expect(await jobs()).toEqual([
      { id: 1, handler: "--- !ruby/object:Evil {}" },
      { id: 2, handler: "job" },
    ]);
    const f = unexpected("noter");
    expect(f?.evidence.columnOnly).toEqual({ SELECT: ["id"], UPDATE: ["handler", "note"] });
    expect(f?.evidence.paths).toContain(
      `${account("noter")} -> SELECT, UPDATE on ${fx.db}.trg_jobs(id, note) -(UPDATE trigger ${fx.db}.q_bu, definer ${fx.name("migrator")}@${H})-> UPDATE (handler) on ${fx.db}.trg_jobs`,
    );
  });

  it("a REPLACE in a body deletes the job it replaces: INSERT and DELETE", async () => {
    await refill();
    await as("repl", (c) => c.query(`INSERT INTO ${t("s_rep")} VALUES (1)`));
    expect(await rows(`SELECT id, handler, owner_id FROM ${t("trg_jobs")} ORDER BY id`)).toEqual([
      { id: 1, handler: "replaced", owner_id: null },
      { id: 2, handler: "job", owner_id: 1 },
    ]);
    expect(unexpected("repl")?.evidence.paths).toContain(
      `${account("repl")} -> INSERT on ${fx.db}.s_rep -(INSERT trigger ${fx.db}.rep_ai, definer ${fx.name("migrator")}@${H})-> INSERT, DELETE on ${fx.db}.trg_jobs`,
    );
  });

  it("silent where nothing happens: a definer without TRIGGER on its table, a key's cascade, a trigger writing elsewhere, another event", async () => {
    await refill();
    await as("nodef_clerk", (c) =>
      expect(c.query(`INSERT INTO ${t("nodef_t")} VALUES (1)`)).rejects.toMatchObject({ code: "ER_TABLEACCESS_DENIED_ERROR" }),
    );
    await as("parent_clerk", (c) => c.query(`DELETE FROM ${t("parents")}`));
    expect(await rows(`SELECT id FROM ${t("children")}`)).toEqual([]);
    await as("log_clerk", (c) => c.query(`INSERT INTO ${t("logsrc")} VALUES (1)`));
    await as("sig_deleter", (c) => c.query(`DELETE FROM ${t("signals")}`));
    // A DEFINER procedure whose definer may not EXECUTE it.
    await as("nox_caller", (c) =>
      expect(c.query(`CALL ${t("nox_purge")}()`)).rejects.toMatchObject({ code: "ER_PROCACCESS_DENIED_ERROR" }),
    );
    expect(await jobs()).toHaveLength(2);
    for (const w of ["nodef_clerk", "parent_clerk", "log_clerk", "sig_deleter", "nox_caller"] as const)
      expect(unexpected(w)).toBeUndefined();
  });

  it("an audit account without TRIGGER sees no trigger, and says where hidden ones could give access instead of passing", () => {
    const error = blindResults.find(
      (r) => r.checkId === "mysql-unexpected-principal" && r.status === "ERROR" && r.subject === "hidden triggers",
    );
    expect(error?.evidence.code).toBe("TRIGGERS_HIDDEN");
    const risks = error?.evidence.hiddenTriggers as { definer: string; on: string; accounts: { account: string; gains: string[] }[] }[];
    const migratorRisk = risks.find((r) => r.definer === `${fx.name("migrator")}@${H}`);
    expect(migratorRisk?.on).toBe(`${fx.db}.*`);
    const listed = migratorRisk?.accounts.map((a) => a.account) ?? [];
    for (const w of ["signaler", "pinger", "flagger", "chainer"] as const) expect(listed).toContain(account(w));
    expect(error?.message).toContain(`GRANT TRIGGER ON \`${fx.db}\`.*`);
    // The trigger routes themselves are not seen by it.
    expect(unexpected("signaler", blindResults)).toBeUndefined();
    expect(blindResults.some((r) => r.checkId === "mysql-unexpected-principal" && r.status === "PASS")).toBe(false);
  });
});
