/**
 * INVOKER routines that DEFINER code calls, live on the MariaDB service. Inside a DEFINER
 * routine or a trigger, an INVOKER routine runs as that code's definer; whoever may replace it
 * (ALTER ROUTINE on it, CREATE ROUTINE on its database: MariaDB's CREATE OR REPLACE, or DROP
 * and CREATE) runs a body of its own as that definer at the next call. Each replacer below
 * empties the queue that way; each look-alike tries the same and is refused, and stays silent.
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

describe.skipIf(skip)("INVOKER routines DEFINER code calls, on MariaDB", () => {
  let fx: MariadbFixture;
  let results: CheckResult[];
  const who = [
    "replacer",
    "stamper",
    "app",
    "ghoster",
    "dreplacer",
    "nobody",
    "flipper",
    "noalter",
    "nocreate",
    "calmer",
    "lowdef",
    "lowhelper",
    "columner",
    "twinner",
    "middle",
    "chainer",
    "nomiddle",
    "chainer2",
  ] as const;
  type Who = (typeof who)[number];
  const password = (w: Who) => `pw-dc-${w}`;
  const account = (w: Who) => `${fx.name(w)}@${H}`;
  const acct = (w: Who) => `'${fx.name(w)}'@'${H}'`;
  const t = (name: string) => `\`${fx.db}\`.${name}`;

  const root = <T>(fn: (c: mysql.Connection) => Promise<T>) => withSession(rootConnection, fn);
  const as = <T>(w: Who, fn: (c: mysql.Connection) => Promise<T>) => withSession(() => connectAs(fx.name(w), password(w), { host: H }), fn);
  const attempt = (w: Who, ...sql: string[]) =>
    as(w, async (c) => {
      for (const s of sql) await c.query(s);
    }).then(
      () => undefined,
      (e: { code?: string }) => e.code ?? "error",
    );
  const jobs = () => root(async (c) => ((await c.query(`SELECT COUNT(*) AS n FROM ${t("delayed_jobs")}`))[0] as { n: number }[])[0]?.n);
  const refill = () =>
    root(async (c) => {
      await c.query(`DELETE FROM ${t("delayed_jobs")}`);
      await c.query(`INSERT INTO ${t("delayed_jobs")} (handler) VALUES ('--- Job'), ('--- Job')`);
    });
  /** The replacement body: empty the queue, as whoever runs it. */
  const replace = (name: string) => `CREATE OR REPLACE PROCEDURE ${t(name)}() SQL SECURITY INVOKER DELETE FROM ${t("delayed_jobs")}`;
  const harmless = (name: string) => `CREATE OR REPLACE PROCEDURE ${t(name)}() SQL SECURITY INVOKER SELECT 1`;
  const migrator = () => `'${fx.name("migrator")}'@'${H}'`;
  /** A second database, for a procedure nobody has created. */
  const lib = () => `\`${fx.db}_lib\``;
  const unexpected = (w: Who) =>
    results.find((r) => r.checkId === "mysql-unexpected-principal" && r.status === "FAIL" && r.subject === account(w));
  const paths = (r: CheckResult | undefined) => (r?.evidence.paths as string[] | undefined) ?? [];

  beforeAll(async () => {
    fx = await createMariadbFixture(docsAuditorSql(docs, "mariadb"));
    await root(async (c) => {
      for (const w of who) await c.query(`CREATE USER ${acct(w)} IDENTIFIED BY '${password(w)}'`);
      for (const sql of [
        // The helpers, as the migrator wrote them (it holds ALL on the database, EXECUTE included).
        ...["note_helper", "stamp_helper", "calm_helper", "low_helper"].map(
          (h) => `CREATE DEFINER=${migrator()} PROCEDURE ${t(h)}() SQL SECURITY INVOKER SELECT 1`,
        ),
        `CREATE DEFINER=${migrator()} PROCEDURE ${t("tidy")}() SQL SECURITY DEFINER CALL ${t("note_helper")}()`,
        `CREATE TABLE ${t("pings")} (v INT) ENGINE=InnoDB`,
        `CREATE DEFINER=${migrator()} TRIGGER ${t("ping_ai")} AFTER INSERT ON ${t("pings")} FOR EACH ROW CALL ${t("stamp_helper")}()`,
        `GRANT INSERT ON ${t("pings")} TO ${acct("app")}`,
        // Look-alikes: an INVOKER caller, and a DEFINER of an account with no rights on the queue.
        `CREATE DEFINER=${migrator()} PROCEDURE ${t("plain")}() SQL SECURITY INVOKER CALL ${t("calm_helper")}()`,
        `CREATE DEFINER=${acct("lowdef")} PROCEDURE ${t("low_tidy")}() SQL SECURITY DEFINER CALL ${t("low_helper")}()`,
        `GRANT EXECUTE ON PROCEDURE ${t("low_tidy")} TO ${acct("lowdef")}`,
        `GRANT EXECUTE ON PROCEDURE ${t("low_helper")} TO ${acct("lowdef")}`,
        // A procedure the migrator's procedure calls that nobody has created, in a database only ghoster may create routines in.
        `CREATE DATABASE ${lib()}`,
        `GRANT EXECUTE ON ${lib()}.* TO ${migrator()}`,
        `CREATE DEFINER=${migrator()} PROCEDURE ${t("ghost_caller")}() SQL SECURITY DEFINER CALL ${lib()}.ghost()`,
        `GRANT EXECUTE ON PROCEDURE ${t("ghost_caller")} TO ${acct("ghoster")}`,
        `GRANT CREATE ROUTINE ON ${lib()}.* TO ${acct("ghoster")}`,
        // A DEFINER callee of an account with no rights: replaced by an INVOKER one.
        `CREATE DEFINER=${acct("nobody")} PROCEDURE ${t("dhelper")}() SQL SECURITY DEFINER SELECT 1`,
        `CREATE DEFINER=${migrator()} PROCEDURE ${t("dcaller")}() SQL SECURITY DEFINER CALL ${t("dhelper")}()`,
        `GRANT ALTER ROUTINE ON PROCEDURE ${t("dhelper")} TO ${acct("dreplacer")}`,
        `GRANT CREATE ROUTINE ON \`${fx.db}\`.* TO ${acct("dreplacer")}`,
        `GRANT EXECUTE ON PROCEDURE ${t("dcaller")} TO ${acct("dreplacer")}`,
        // An INVOKER procedure that purges: ALTER ROUTINE makes it SQL SECURITY DEFINER.
        `CREATE DEFINER=${migrator()} PROCEDURE ${t("inv_purge")}() SQL SECURITY INVOKER DELETE FROM ${t("delayed_jobs")}`,
        `GRANT EXECUTE, ALTER ROUTINE ON PROCEDURE ${t("inv_purge")} TO ${acct("flipper")}`,
        // Look-alikes: a function named like a column the procedure sets, and a function named like the procedure it calls.
        `CREATE DEFINER=${migrator()} FUNCTION ${t("priority")}() RETURNS INT SQL SECURITY INVOKER RETURN 1`,
        `CREATE DEFINER=${migrator()} FUNCTION ${t("twin")}() RETURNS INT SQL SECURITY INVOKER RETURN 1`,
        `CREATE DEFINER=${migrator()} PROCEDURE ${t("twin")}() SQL SECURITY INVOKER SELECT 1`,
        `CREATE DEFINER=${migrator()} PROCEDURE ${t("reprio")}() SQL SECURITY DEFINER BEGIN UPDATE ${t("delayed_jobs")} SET priority = 0; CALL ${t("twin")}(); END`,
        `GRANT ALTER ROUTINE ON FUNCTION ${t("priority")} TO ${acct("columner")}`,
        `GRANT ALTER ROUTINE ON FUNCTION ${t("twin")} TO ${acct("twinner")}`,
        ...(["columner", "twinner"] as const).map((w) => `GRANT CREATE ROUTINE ON \`${fx.db}\`.* TO ${acct(w)}`),
        // A DEFINER procedure of an account with no rights on the queue that calls the migrator's purge.
        `CREATE DEFINER=${migrator()} PROCEDURE ${t("inner_purge")}() SQL SECURITY DEFINER DELETE FROM ${t("delayed_jobs")}`,
        `CREATE DEFINER=${acct("middle")} PROCEDURE ${t("outer_purge")}() SQL SECURITY DEFINER CALL ${t("inner_purge")}()`,
        `GRANT EXECUTE ON PROCEDURE ${t("outer_purge")} TO ${acct("middle")}`,
        `GRANT EXECUTE ON PROCEDURE ${t("inner_purge")} TO ${acct("middle")}`,
        `GRANT EXECUTE ON PROCEDURE ${t("outer_purge")} TO ${acct("chainer")}`,
        // The same, by an account that may not execute the purge: every call fails.
        `CREATE DEFINER=${acct("nomiddle")} PROCEDURE ${t("outer_purge2")}() SQL SECURITY DEFINER CALL ${t("inner_purge")}()`,
        `GRANT EXECUTE ON PROCEDURE ${t("outer_purge2")} TO ${acct("nomiddle")}`,
        `GRANT EXECUTE ON PROCEDURE ${t("outer_purge2")} TO ${acct("chainer2")}`,
        // Who may replace what.
        `GRANT ALTER ROUTINE ON PROCEDURE ${t("note_helper")} TO ${acct("replacer")}`,
        `GRANT ALTER ROUTINE ON PROCEDURE ${t("stamp_helper")} TO ${acct("stamper")}`,
        `GRANT ALTER ROUTINE ON PROCEDURE ${t("note_helper")} TO ${acct("nocreate")}`,
        `GRANT ALTER ROUTINE ON PROCEDURE ${t("calm_helper")} TO ${acct("calmer")}`,
        `GRANT ALTER ROUTINE ON PROCEDURE ${t("low_helper")} TO ${acct("lowhelper")}`,
        ...(["replacer", "stamper", "noalter", "calmer", "lowhelper"] as const).map(
          (w) => `GRANT CREATE ROUTINE ON \`${fx.db}\`.* TO ${acct(w)}`,
        ),
        ...(["replacer", "noalter", "nocreate"] as const).map((w) => `GRANT EXECUTE ON PROCEDURE ${t("tidy")} TO ${acct(w)}`),
        `GRANT EXECUTE ON PROCEDURE ${t("plain")} TO ${acct("calmer")}`,
        `GRANT EXECUTE ON PROCEDURE ${t("low_tidy")} TO ${acct("lowhelper")}`,
      ])
        await c.query(sql);
    });
    ({ results } = await auditMariadb(fx.target(), fx.auditor.password));
  }, 60_000);

  afterAll(async () => {
    if (!fx) return;
    await root(async (c) => {
      for (const w of who) await c.query(`DROP USER IF EXISTS ${acct(w)}`);
      await c.query(`DROP DATABASE IF EXISTS ${lib()}`);
    });
    await fx.drop();
  });

  /** Replace the helper as `w`, run `then` as `runner`, and put everything back. */
  const tried = async (helper: string, w: Who, runner: Who, then: string) => {
    try {
      const refusal = (await attempt(w, replace(helper))) ?? (await attempt(runner, then));
      return { refusal, left: await jobs() };
    } finally {
      await root((c) => c.query(harmless(helper)));
      await refill();
    }
  };

  it("observes everything with no ERROR", () => {
    expect(results.filter((r) => r.status === "ERROR")).toEqual([]);
  });

  it("an account that may replace a DEFINER procedure's INVOKER helper empties the queue through it, and is reported with the definer's whole access", async () => {
    expect(await attempt("replacer", `DELETE FROM ${t("delayed_jobs")}`)).toBe("ER_TABLEACCESS_DENIED_ERROR");
    expect(await tried("note_helper", "replacer", "replacer", `CALL ${t("tidy")}()`)).toEqual({ refusal: undefined, left: 0 });
    const found = unexpected("replacer");
    expect(found?.evidence.privileges).toEqual(expect.arrayContaining(["SELECT", "INSERT", "UPDATE", "DELETE", "DROP", "ALTER"]));
    expect(paths(found)).toContainEqual(
      expect.stringContaining(
        `${account("replacer")} -(ALTER ROUTINE on ${fx.db}.note_helper: replaces procedure ${fx.db}.note_helper, which procedure ${fx.db}.tidy runs as definer ${fx.name("migrator")}@${H})-> SELECT, INSERT, UPDATE, DELETE`,
      ),
    );
    expect(found?.fix?.commands).toContainEqual(
      `REVOKE ALTER ROUTINE ON PROCEDURE \`${fx.db}\`.\`note_helper\` FROM '${fx.name("replacer")}'@'${H}';`,
    );
  });

  it("through a trigger: the helper a trigger calls runs as the trigger's definer when anyone writes its table", async () => {
    expect(await tried("stamp_helper", "stamper", "app", `INSERT INTO ${t("pings")} VALUES (1)`)).toEqual({ refusal: undefined, left: 0 });
    expect(paths(unexpected("stamper"))).toContainEqual(
      expect.stringContaining(
        `replaces procedure ${fx.db}.stamp_helper, which trigger ${fx.db}.ping_ai runs as definer ${fx.name("migrator")}@${H})->`,
      ),
    );
  });

  it("a procedure the definer's procedure calls but nobody created: CREATE ROUTINE alone writes what runs as the definer", async () => {
    try {
      expect(
        await attempt(
          "ghoster",
          `CREATE PROCEDURE ${lib()}.ghost() SQL SECURITY INVOKER DELETE FROM ${t("delayed_jobs")}`,
          `CALL ${t("ghost_caller")}()`,
        ),
      ).toBeUndefined();
      expect(await jobs()).toBe(0);
    } finally {
      await root((c) => c.query(`DROP PROCEDURE IF EXISTS ${lib()}.ghost`));
      await refill();
    }
    expect(paths(unexpected("ghoster"))).toContainEqual(
      expect.stringContaining(
        `-(CREATE ROUTINE on ${fx.db}_lib.*: creates procedure ${fx.db}_lib.ghost, which procedure ${fx.db}.ghost_caller calls and no routine is, to run as definer ${fx.name("migrator")}@${H})->`,
      ),
    );
  });

  it("a DEFINER callee replaced by an INVOKER one runs as its caller's definer", async () => {
    try {
      expect(await tried("dhelper", "dreplacer", "dreplacer", `CALL ${t("dcaller")}()`)).toEqual({ refusal: undefined, left: 0 });
    } finally {
      await root((c) => c.query(`CREATE OR REPLACE DEFINER=${acct("nobody")} PROCEDURE ${t("dhelper")}() SQL SECURITY DEFINER SELECT 1`));
    }
    expect(paths(unexpected("dreplacer"))).toContainEqual(
      expect.stringContaining(`replaces procedure ${fx.db}.dhelper, which procedure ${fx.db}.dcaller runs as definer`),
    );
  });

  it("ALTER ROUTINE alone makes an INVOKER procedure SQL SECURITY DEFINER: it then purges as its definer", async () => {
    expect(await attempt("flipper", `CALL ${t("inv_purge")}()`)).toBe("ER_TABLEACCESS_DENIED_ERROR");
    try {
      expect(
        await attempt("flipper", `ALTER PROCEDURE ${t("inv_purge")} SQL SECURITY DEFINER`, `CALL ${t("inv_purge")}()`),
      ).toBeUndefined();
      expect(await jobs()).toBe(0);
    } finally {
      await root((c) => c.query(`ALTER PROCEDURE ${t("inv_purge")} SQL SECURITY INVOKER`));
      await refill();
    }
    expect(paths(unexpected("flipper"))).toContainEqual(
      `${account("flipper")} -(ALTER ROUTINE on ${fx.db}.inv_purge: makes INVOKER procedure ${fx.db}.inv_purge SQL SECURITY DEFINER, definer ${fx.name("migrator")}@${H})-> DELETE on ${fx.db}.delayed_jobs`,
    );
  });

  it("a function named like a column the procedure sets, or like the procedure it calls, is never called: replaced, nothing happens, and it stays silent", async () => {
    for (const [w, name] of [
      ["columner", "priority"],
      ["twinner", "twin"],
    ] as const) {
      try {
        expect(
          await attempt(
            w,
            `CREATE OR REPLACE FUNCTION ${t(name)}() RETURNS INT SQL SECURITY INVOKER BEGIN DELETE FROM ${t("delayed_jobs")}; RETURN 1; END`,
          ),
        ).toBeUndefined();
        // The app runs the procedure, as it does every night.
        await root((c) => c.query(`CALL ${t("reprio")}()`));
        expect(await jobs()).toBe(2);
      } finally {
        await root((c) => c.query(`CREATE OR REPLACE FUNCTION ${t(name)}() RETURNS INT SQL SECURITY INVOKER RETURN 1`));
        await refill();
      }
      expect(unexpected(w)).toBeUndefined();
    }
  });

  it("a DEFINER procedure calling another lends what the other does, as its definer, to whoever may call the first", async () => {
    expect(await attempt("chainer", `CALL ${t("inner_purge")}()`)).toBe("ER_PROCACCESS_DENIED_ERROR");
    try {
      expect(await attempt("chainer", `CALL ${t("outer_purge")}()`)).toBeUndefined();
      expect(await jobs()).toBe(0);
    } finally {
      await refill();
    }
    expect(paths(unexpected("chainer"))).toContainEqual(
      `${account("chainer")} -(EXECUTE procedure ${fx.db}.outer_purge, definer ${fx.name("middle")}@${H} -(calls)-> procedure ${fx.db}.inner_purge, definer ${fx.name("migrator")}@${H})-> DELETE on ${fx.db}.delayed_jobs`,
    );
    // When the first one's definer may not execute the second, every call fails, and nothing is reported.
    expect(await attempt("chainer2", `CALL ${t("outer_purge2")}()`)).toBe("ER_PROCACCESS_DENIED_ERROR");
    expect(await jobs()).toBe(2);
    expect(unexpected("chainer2")).toBeUndefined();
    expect(unexpected("nomiddle")).toBeUndefined();
  });

  it("look-alikes are refused and stay silent: no ALTER ROUTINE, no CREATE ROUTINE, an INVOKER caller, a definer with no rights on the queue", async () => {
    expect(await tried("note_helper", "noalter", "noalter", `CALL ${t("tidy")}()`)).toEqual({
      refusal: "ER_PROCACCESS_DENIED_ERROR",
      left: 2,
    });
    expect(await tried("note_helper", "nocreate", "nocreate", `CALL ${t("tidy")}()`)).toEqual({
      refusal: "ER_DBACCESS_DENIED_ERROR",
      left: 2,
    });
    expect(await tried("calm_helper", "calmer", "calmer", `CALL ${t("plain")}()`)).toEqual({
      refusal: "ER_TABLEACCESS_DENIED_ERROR",
      left: 2,
    });
    expect(await tried("low_helper", "lowhelper", "lowhelper", `CALL ${t("low_tidy")}()`)).toEqual({
      refusal: "ER_TABLEACCESS_DENIED_ERROR",
      left: 2,
    });
    for (const w of ["noalter", "nocreate", "calmer", "lowdef", "lowhelper", "app", "nobody"] as const)
      expect(unexpected(w)).toBeUndefined();
  });
});
