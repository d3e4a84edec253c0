/**
 * Scheduled events, live on the MariaDB service. An event runs its body as its definer on its
 * schedule, with nobody logged in; whoever may replace a routine it calls (ALTER ROUTINE on it,
 * CREATE ROUTINE on its database) or create a procedure it calls that nobody has created runs a
 * body of their own as that definer at the next run. Each attacker below empties the queue that
 * way, with the event scheduler on for a few seconds; each look-alike does the same to an event
 * that does not run (DISABLED, or a definer without EVENT) and the queue stays full, and is not
 * reported. Without SELECT on mysql.event the audit cannot read the events: an ERROR then names
 * who could gain, never a PASS.
 */
import { readFileSync } from "node:fs";
import type mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { connectAs, localMariadbUnavailable, rootConnection, withSession } from "../../../support/mariadb.js";
import { auditMariadb, createMariadbFixture, docsAuditorSql, type MariadbFixture } from "../../../support/mariadbFixture.js";
import { skipWithout } from "../../../support/services.js";

const skip = skipWithout("MariaDB (127.0.0.1:3306)", await localMariadbUnavailable());
const docs = readFileSync(new URL("../../../../docs/mysql.md", import.meta.url), "utf8");
const H = "127.0.0.1";

describe.skipIf(skip)("scheduled events, on MariaDB", () => {
  let fx: MariadbFixture;
  let results: CheckResult[];
  const who = ["evreplacer", "evghoster", "offreplacer", "noevent", "noevreplacer", "flipper", "lowdef", "endreplacer"] as const;
  type Who = (typeof who)[number];
  const password = (w: Who) => `pw-ev-${w}`;
  const account = (w: Who) => `${fx.name(w)}@${H}`;
  const acct = (w: Who) => `'${fx.name(w)}'@'${H}'`;
  const t = (name: string) => `\`${fx.db}\`.${name}`;
  const lib = () => `\`${fx.db}_evlib\``;
  const migrator = () => `'${fx.name("migrator")}'@'${H}'`;

  const root = <T>(fn: (c: mysql.Connection) => Promise<T>) => withSession(rootConnection, fn);
  const attempt = (w: Who, sql: string) =>
    withSession(
      () => connectAs(fx.name(w), password(w), { host: H }),
      (c) => c.query(sql),
    ).then(
      () => undefined,
      (e: { code?: string }) => e.code ?? "error",
    );
  const jobs = () => root(async (c) => ((await c.query(`SELECT COUNT(*) AS n FROM ${t("delayed_jobs")}`))[0] as { n: number }[])[0]?.n);
  const refill = () =>
    root(async (c) => {
      await c.query(`DELETE FROM ${t("delayed_jobs")}`);
      await c.query(`INSERT INTO ${t("delayed_jobs")} (handler) VALUES ('--- Job'), ('--- Job')`);
    });
  /** The attacker's body: empty the queue, as whoever runs it (OR REPLACE needs ALTER ROUTINE, which a creator may not hold). */
  const purge = (name: string, create = "CREATE OR REPLACE") =>
    `${create} PROCEDURE ${name}() SQL SECURITY INVOKER DELETE FROM ${t("delayed_jobs")}`;
  const harmless = (name: string, definer = migrator()) =>
    `CREATE OR REPLACE DEFINER=${definer} PROCEDURE ${name}() SQL SECURITY INVOKER SELECT 1`;

  /**
   * Lets the server's event scheduler run for a while (it is OFF on this service, and every
   * other test leaves it so): until the queue is empty, or `seconds` have gone by.
   */
  const schedulerRuns = (seconds: number) =>
    root(async (c) => {
      await c.query("SET GLOBAL event_scheduler = ON");
      try {
        for (let waited = 0; waited < seconds * 4; waited++) {
          const [rows] = await c.query(`SELECT COUNT(*) AS n FROM ${t("delayed_jobs")}`);
          if ((rows as { n: number }[])[0]?.n === 0) return;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      } finally {
        await c.query("SET GLOBAL event_scheduler = OFF");
      }
    });

  const unexpected = (w: Who, from = results) =>
    from.find((r) => r.checkId === "mysql-unexpected-principal" && r.status === "FAIL" && r.subject === account(w));
  const paths = (r: CheckResult | undefined) => (r?.evidence.paths as string[] | undefined) ?? [];

  beforeAll(async () => {
    fx = await createMariadbFixture(docsAuditorSql(docs, "mariadb"));
    await root(async (c) => {
      for (const w of who) await c.query(`CREATE USER ${acct(w)} IDENTIFIED BY '${password(w)}'`);
      for (const sql of [
        // The migrator (ALL on the database, EVENT included) runs a helper every second.
        harmless(t("ev_helper")),
        `CREATE DEFINER=${migrator()} EVENT ${t("nightly")} ON SCHEDULE EVERY 1 SECOND DO CALL ${t("ev_helper")}()`,
        `GRANT ALTER ROUTINE ON PROCEDURE ${t("ev_helper")} TO ${acct("evreplacer")}`,
        // It also calls a procedure nobody has created, in a database where only evghoster may create routines.
        `CREATE DATABASE ${lib()}`,
        `GRANT EXECUTE ON ${lib()}.* TO ${migrator()}`,
        `CREATE DEFINER=${migrator()} EVENT ${t("hourly")} ON SCHEDULE EVERY 1 SECOND DO CALL ${lib()}.ev_ghost()`,
        `GRANT CREATE ROUTINE ON ${lib()}.* TO ${acct("evghoster")}`,
        // Look-alikes: a DISABLED event, and an event whose definer holds the queue but not EVENT.
        harmless(t("off_helper")),
        `CREATE DEFINER=${migrator()} EVENT ${t("paused")} ON SCHEDULE EVERY 1 SECOND DISABLE DO CALL ${t("off_helper")}()`,
        `GRANT ALTER ROUTINE ON PROCEDURE ${t("off_helper")} TO ${acct("offreplacer")}`,
        `GRANT SELECT, DELETE ON ${t("delayed_jobs")} TO ${acct("noevent")}`,
        `GRANT EXECUTE ON \`${fx.db}\`.* TO ${acct("noevent")}`,
        harmless(t("noev_helper")),
        `CREATE DEFINER=${acct("noevent")} EVENT ${t("orphan")} ON SCHEDULE EVERY 1 SECOND DO CALL ${t("noev_helper")}()`,
        `GRANT ALTER ROUTINE ON PROCEDURE ${t("noev_helper")} TO ${acct("noevreplacer")}`,
        // It also calls a function nobody has created there.
        `CREATE DEFINER=${migrator()} EVENT ${t("tally")} ON SCHEDULE EVERY 1 SECOND DO SET @jobs = ${lib()}.ev_count()`,
        // And a DEFINER procedure of an account with no rights on the queue, which purges: every run fails,
        // until flipper (ALTER ROUTINE on it, nothing else) makes it SQL SECURITY INVOKER.
        `CREATE DEFINER=${acct("lowdef")} PROCEDURE ${t("low_purge")}() SQL SECURITY DEFINER DELETE FROM ${t("delayed_jobs")}`,
        `CREATE DEFINER=${migrator()} EVENT ${t("flip_run")} ON SCHEDULE EVERY 1 SECOND DO CALL ${t("low_purge")}()`,
        `GRANT ALTER ROUTINE ON PROCEDURE ${t("low_purge")} TO ${acct("flipper")}`,
        // Look-alike: an event whose schedule has ended, kept (ON COMPLETION PRESERVE) and still ENABLED.
        harmless(t("end_helper")),
        `CREATE DEFINER=${migrator()} EVENT ${t("ended")} ON SCHEDULE EVERY 1 SECOND STARTS NOW() ENDS NOW() + INTERVAL 1 SECOND ON COMPLETION PRESERVE DO CALL ${t("end_helper")}()`,
        `GRANT ALTER ROUTINE ON PROCEDURE ${t("end_helper")} TO ${acct("endreplacer")}`,
        ...(["evreplacer", "offreplacer", "noevreplacer", "endreplacer"] as const).map(
          (w) => `GRANT CREATE ROUTINE ON \`${fx.db}\`.* TO ${acct(w)}`,
        ),
      ])
        await c.query(sql);
    });
    // The ended event's end passes.
    // (whole seconds: the server keeps ENDS to the second, and compares with its clock's)
    await new Promise((resolve) => setTimeout(resolve, 2500));
    ({ results } = await auditMariadb(fx.target(), fx.auditor.password));
  }, 60_000);

  afterAll(async () => {
    if (!fx) return;
    await root(async (c) => {
      await c.query("SET GLOBAL event_scheduler = OFF");
      for (const w of who) await c.query(`DROP USER IF EXISTS ${acct(w)}`);
      await c.query(`DROP DATABASE IF EXISTS ${lib()}`);
    });
    await fx.drop();
  });

  it("reads every event with no ERROR", () => {
    expect(results.filter((r) => r.status === "ERROR")).toEqual([]);
  });

  it("an account that may replace the helper an event calls empties the queue at the next run, and is reported with the definer's access", async () => {
    await refill();
    expect(await attempt("evreplacer", `DELETE FROM ${t("delayed_jobs")}`)).toBe("ER_TABLEACCESS_DENIED_ERROR");
    try {
      expect(await attempt("evreplacer", purge(t("ev_helper")))).toBeUndefined();
      await schedulerRuns(6);
      expect(await jobs()).toBe(0);
    } finally {
      await root((c) => c.query(harmless(t("ev_helper"))));
    }
    const found = unexpected("evreplacer");
    expect(found?.evidence.privileges).toEqual(expect.arrayContaining(["SELECT", "INSERT", "UPDATE", "DELETE"]));
    expect(paths(found)).toContainEqual(
      expect.stringContaining(
        `${account("evreplacer")} -(ALTER ROUTINE on ${fx.db}.ev_helper: replaces procedure ${fx.db}.ev_helper, which event ${fx.db}.nightly runs as definer ${fx.name("migrator")}@${H})->`,
      ),
    );
    expect(found?.fix?.commands).toContainEqual(
      `REVOKE ALTER ROUTINE ON PROCEDURE \`${fx.db}\`.\`ev_helper\` FROM '${fx.name("evreplacer")}'@'${H}';`,
    );
  }, 30_000);

  it("an account that may create the procedure an event calls and nobody has created empties the queue with it", async () => {
    await refill();
    try {
      expect(await attempt("evghoster", purge(`${lib()}.ev_ghost`, "CREATE"))).toBeUndefined();
      await schedulerRuns(6);
      expect(await jobs()).toBe(0);
    } finally {
      await root((c) => c.query(`DROP PROCEDURE IF EXISTS ${lib()}.ev_ghost`));
    }
    expect(paths(unexpected("evghoster"))).toContainEqual(
      expect.stringContaining(
        `-(CREATE ROUTINE on ${fx.db}_evlib.*: creates procedure ${fx.db}_evlib.ev_ghost, which event ${fx.db}.hourly calls and no routine is, to run as definer ${fx.name("migrator")}@${H})->`,
      ),
    );
  }, 30_000);

  it("an account that may create a function an event calls by its database's name empties the queue with it", async () => {
    await refill();
    try {
      const fn = `CREATE FUNCTION ${lib()}.ev_count() RETURNS INT SQL SECURITY INVOKER BEGIN DELETE FROM ${t("delayed_jobs")}; RETURN 0; END`;
      expect(await attempt("evghoster", fn)).toBeUndefined();
      await schedulerRuns(6);
      expect(await jobs()).toBe(0);
    } finally {
      await root((c) => c.query(`DROP FUNCTION IF EXISTS ${lib()}.ev_count`));
    }
    expect(paths(unexpected("evghoster"))).toContainEqual(
      expect.stringContaining(
        `-(CREATE ROUTINE on ${fx.db}_evlib.*: creates function ${fx.db}_evlib.ev_count, which event ${fx.db}.tally calls and no routine is, to run as definer ${fx.name("migrator")}@${H})->`,
      ),
    );
  }, 30_000);

  it("ALTER ROUTINE alone on a DEFINER procedure an event calls makes it SQL SECURITY INVOKER: it then purges as the event's definer", async () => {
    await refill();
    // As it is, its definer may not delete: every run fails.
    await schedulerRuns(2);
    expect(await jobs()).toBe(2);
    try {
      expect(await attempt("flipper", `ALTER PROCEDURE ${t("low_purge")} SQL SECURITY INVOKER`)).toBeUndefined();
      await schedulerRuns(6);
      expect(await jobs()).toBe(0);
    } finally {
      await root((c) => c.query(`ALTER PROCEDURE ${t("low_purge")} SQL SECURITY DEFINER`));
    }
    const found = unexpected("flipper");
    expect(found?.evidence.privileges).toEqual(["DELETE"]);
    expect(paths(found)).toEqual([
      `${account("flipper")} -(ALTER ROUTINE on ${fx.db}.low_purge: makes DEFINER procedure ${fx.db}.low_purge SQL SECURITY INVOKER, which event ${fx.db}.flip_run then runs as definer ${fx.name("migrator")}@${H})-> DELETE on ${fx.db}.delayed_jobs`,
    ]);
  }, 30_000);

  it("replacing the helper of a DISABLED event, of an event whose definer lacks EVENT, or of one whose schedule has ended, runs nothing, and no replacer is reported", async () => {
    await refill();
    try {
      expect(await attempt("offreplacer", purge(t("off_helper")))).toBeUndefined();
      expect(await attempt("noevreplacer", purge(t("noev_helper")))).toBeUndefined();
      expect(await attempt("endreplacer", purge(t("end_helper")))).toBeUndefined();
      await schedulerRuns(3);
      expect(await jobs()).toBe(2);
    } finally {
      await root(async (c) => {
        await c.query(harmless(t("off_helper")));
        await c.query(harmless(t("noev_helper")));
        await c.query(harmless(t("end_helper")));
      });
    }
    expect(unexpected("offreplacer")).toBeUndefined();
    expect(unexpected("noevreplacer")).toBeUndefined();
    expect(unexpected("endreplacer")).toBeUndefined();
  }, 30_000);

  it("without SELECT on mysql.event the audit cannot read the events, and gives an ERROR naming who could gain and the grant to add", async () => {
    const auditor = `'${fx.auditor.user}'@'${fx.auditor.host}'`;
    await root((c) => c.query(`REVOKE SELECT ON mysql.event FROM ${auditor}`));
    let blind: CheckResult[];
    try {
      ({ results: blind } = await auditMariadb(fx.target(), fx.auditor.password));
    } finally {
      await root((c) => c.query(`GRANT SELECT ON mysql.event TO ${auditor}`));
    }
    const error = blind.find((r) => r.checkId === "mysql-unexpected-principal" && r.status === "ERROR" && r.subject === "hidden events");
    expect(error?.cause?.code).toBe("EVENTS_HIDDEN");
    const risks = (error?.evidence.hiddenEvents ?? []) as { accounts: { account: string }[] }[];
    const named = risks.flatMap((r) => r.accounts.map((a) => a.account));
    // CREATE ROUTINE creates or (with ALTER ROUTINE) replaces; ALTER ROUTINE alone may flip a DEFINER routine an unread event calls.
    expect(named).toEqual(expect.arrayContaining([account("evreplacer"), account("evghoster"), account("flipper")]));
    expect(error?.cause?.reason).toContain(`GRANT SELECT ON mysql.event TO ${auditor};`);
    // What it can no longer see is not reported as a route: it is the ERROR's to say.
    expect(unexpected("evreplacer", blind)).toBeUndefined();
  }, 60_000);
});
