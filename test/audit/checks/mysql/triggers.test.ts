/**
 * Triggers as routes into the queue, in memory: a trigger runs its body as its definer for
 * whoever fires it, so an account that may only insert into `signals` deletes jobs when a
 * trigger on `signals` does; and where the audit account cannot see the triggers, the checks
 * say so (ERROR) instead of passing. Live on MariaDB: triggers-live.test.ts.
 */
import { describe, expect, it } from "vitest";
import { hiddenTriggerRisks } from "../../../../lib/audit/checks/mysql/access/hidden-triggers.js";
import { computeMysqlAccess, GrantIndex } from "../../../../lib/audit/checks/mysql/access/model.js";
import { mysqlAuditorOverprivileged } from "../../../../lib/audit/checks/mysql/mysql-auditor-overprivileged.js";
import { mysqlExcessPrivilege } from "../../../../lib/audit/checks/mysql/mysql-excess-privilege.js";
import { mysqlTlsNotRequired } from "../../../../lib/audit/checks/mysql/mysql-tls-not-required.js";
import { mysqlUnexpectedPrincipal } from "../../../../lib/audit/checks/mysql/mysql-unexpected-principal.js";
import { cutPath } from "../../../../lib/audit/checks/mysql/sql.js";
import type { MysqlCatalog, MysqlForeignKey, MysqlTrigger } from "../../../../lib/audit/probes/mysql/types.js";
import { account, catalog, judge, onTable, ref, role, withExtra } from "./catalog.js";

const QUEUE = [{ db: "app", table: "delayed_jobs" }];
const access = (c: MysqlCatalog) => computeMysqlAccess(c, QUEUE).get("app.delayed_jobs");
const who = (c: MysqlCatalog, name: string) => access(c)?.principals.find((p) => p.account === name);
const texts = (c: MysqlCatalog, name: string) => who(c, name)?.paths.map((p) => p.text);

const trigger = (over: Partial<MysqlTrigger> & Pick<MysqlTrigger, "name" | "table">): MysqlTrigger => ({
  db: "app",
  event: "INSERT",
  definer: ref("migrator", "%"),
  body: "DELETE FROM delayed_jobs WHERE id = NEW.v",
  ...over,
});
/** The migrator (locked, never logs in) owns app.* and defines the triggers; the auditor holds TRIGGER on *.* as docs/mysql.md says. */
const migrator = account("migrator", "%", { locked: true });
const auditor = account("queue_auditor", "10.20.%", { global: ["TRIGGER"] });
const clerk = account("clerk", "%");
const ALL = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRIGGER", "EXECUTE"];
/** The healthy catalog plus the migrator (ALL on app.*, unless `extra.dbGrants` says otherwise) and the clerk; triggers read. */
const estate = (extra: Partial<MysqlCatalog>, over: Partial<MysqlCatalog> = {}) =>
  withExtra(
    {
      ...extra,
      accounts: [migrator, clerk, ...(extra.accounts ?? [])],
      dbGrants: extra.dbGrants ?? [{ user: "migrator", host: "%", db: "app", privileges: ALL }],
    },
    { triggers: [], ...over },
  );
const withAuditor = (c: MysqlCatalog): MysqlCatalog => ({
  ...c,
  accounts: c.accounts.map((a) => (a.user === "queue_auditor" ? auditor : a)),
});

describe("a trigger whose body writes the queue", () => {
  it("gives whoever fires it what the body does, as far as the definer may, and the path names the trigger", () => {
    const c = estate(
      { tableGrants: [onTable("clerk", "%", ["INSERT"], "signals")] },
      { triggers: [trigger({ name: "sig_ai", table: "signals" })] },
    );
    expect(texts(c, "clerk@%")).toEqual([
      "clerk@% -> INSERT on app.signals -(INSERT trigger app.sig_ai, definer migrator@%)-> DELETE on app.delayed_jobs",
    ]);
    expect(who(c, "clerk@%")).toMatchObject({ privileges: ["DELETE"], columnOnly: {} });
    // Cutting it takes away what fires the trigger, where it is granted.
    const [path] = who(c, "clerk@%")?.paths ?? [];
    expect(cutPath(ref("clerk", "%"), path as NonNullable<typeof path>)).toBe("REVOKE INSERT ON `app`.`signals` FROM 'clerk'@'%';");
  });

  it("fires only for its own event: DELETE on the table does not fire an INSERT trigger, any UPDATE (one column too) fires an UPDATE trigger", () => {
    const t = trigger({ name: "sig_ai", table: "signals" });
    expect(
      who(estate({ tableGrants: [onTable("clerk", "%", ["DELETE", "SELECT"], "signals")] }, { triggers: [t] }), "clerk@%"),
    ).toBeUndefined();
    const onUpdate = trigger({ name: "flag_bu", table: "flags", event: "UPDATE", body: "UPDATE delayed_jobs SET handler = NEW.payload" });
    const c = estate(
      { columnGrants: [{ user: "clerk", host: "%", db: "app", table: "flags", column: "note", privileges: ["UPDATE"] }] },
      { triggers: [onUpdate] },
    );
    expect(texts(c, "clerk@%")).toEqual([
      "clerk@% -> UPDATE on app.flags(note) -(UPDATE trigger app.flag_bu, definer migrator@%)-> UPDATE on app.delayed_jobs",
    ]);
    // The body's UPDATE of the queue may set the payload column: the whole row, not the firer's column.
    expect(who(c, "clerk@%")).toMatchObject({ privileges: ["UPDATE"], columnOnly: {} });
    const [f] = judge(mysqlUnexpectedPrincipal, c);
    expect(f).toMatchObject({ status: "FAIL", subject: "clerk@%", evidence: { payloadWrites: ["handler"] } });
    expect(f?.message).toContain("code execution");
  });

  it("lends only what the definer holds on the queue, and nothing when the definer lacks TRIGGER on the table or does not exist", () => {
    const reader = account("reader", "%");
    const byReader = (body: string, grants = ["SELECT", "TRIGGER"]) =>
      who(
        estate(
          {
            accounts: [reader],
            tableGrants: [
              onTable("clerk", "%", ["INSERT"], "signals"),
              onTable("reader", "%", grants, "signals"),
              onTable("reader", "%", ["SELECT"]),
            ],
          },
          { triggers: [trigger({ name: "t", table: "signals", definer: ref("reader", "%"), body })] },
        ),
        "clerk@%",
      );
    // reader may only SELECT the queue: its trigger's DELETE fails, its SELECT is lent (SIGNAL can carry what it read).
    expect(byReader("DELETE FROM delayed_jobs")).toBeUndefined();
    expect(byReader("SET @h = (SELECT handler FROM delayed_jobs LIMIT 1)")?.privileges).toEqual(["SELECT"]);
    // Without TRIGGER on signals the firing statement fails (ER_TABLEACCESS_DENIED_ERROR, proven live).
    expect(byReader("SET @h = (SELECT handler FROM delayed_jobs LIMIT 1)", ["SELECT"])).toBeUndefined();
    // A definer that does not exist fails the statement (ER_NO_SUCH_USER), whatever grant rows it left behind.
    const ghost = trigger({ name: "t", table: "signals", definer: ref("gone", "%") });
    const orphanGrants = [onTable("gone", "%", ["TRIGGER"], "signals"), onTable("gone", "%", ["DELETE"])];
    expect(
      who(estate({ tableGrants: [onTable("clerk", "%", ["INSERT"], "signals"), ...orphanGrants] }, { triggers: [ghost] }), "clerk@%"),
    ).toBeUndefined();
  });

  it("a body that names another table, or the queue of another database, lends nothing here; a qualified name does", () => {
    const grants = { tableGrants: [onTable("clerk", "%", ["INSERT"], "signals")] };
    expect(
      who(estate(grants, { triggers: [trigger({ name: "t", table: "signals", body: "DELETE FROM delayed_jobs_archive" })] }), "clerk@%"),
    ).toBeUndefined();
    expect(
      who(estate(grants, { triggers: [trigger({ name: "t", table: "signals", body: "DELETE FROM billing.delayed_jobs" })] }), "clerk@%"),
    ).toBeUndefined();
    const other = trigger({ name: "t", db: "crm", table: "signals", body: "DELETE FROM `app`.`delayed_jobs`" });
    const clerkOnCrm = { tableGrants: [onTable("clerk", "%", ["INSERT"], "signals", "crm")] };
    // The migrator must hold TRIGGER on crm.signals too, or the trigger cannot fire at all.
    expect(who(estate(clerkOnCrm, { triggers: [other] }), "clerk@%")).toBeUndefined();
    const migratorOnCrm = { user: "migrator", host: "%", db: "crm", privileges: ["TRIGGER"] };
    const c = estate(
      { ...clerkOnCrm, dbGrants: [{ user: "migrator", host: "%", db: "app", privileges: ALL }, migratorOnCrm] },
      { triggers: [other] },
    );
    expect(texts(c, "clerk@%")).toEqual([
      "clerk@% -> INSERT on crm.signals -(INSERT trigger crm.t, definer migrator@%)-> DELETE on app.delayed_jobs",
    ]);
  });

  it("chains: a trigger's write fires the next table's triggers and a key's action, but a key's action fires no trigger", () => {
    const cascade: MysqlForeignKey = {
      db: "app",
      table: "delayed_jobs",
      name: "by_owner",
      columns: ["owner_id"],
      referencedDb: "app",
      referencedTable: "owners",
      referencedColumns: ["id"],
      onDelete: "CASCADE",
      onUpdate: "RESTRICT",
    };
    const grants = { tableGrants: [onTable("clerk", "%", ["INSERT"], "pings"), onTable("clerk", "%", ["DELETE"], "parents")] };
    const c = estate(grants, {
      foreignKeys: [cascade, { ...cascade, table: "children", name: "by_parent", referencedTable: "parents" }],
      triggers: [
        // pings -> (trigger) owners -> (key) the queue.
        trigger({ name: "ping_ai", table: "pings", body: "DELETE FROM owners WHERE id = NEW.v" }),
        // parents -> (key) children, whose DELETE trigger writes the queue: InnoDB's cascade does not fire it.
        trigger({ name: "child_ad", table: "children", event: "DELETE", body: "DELETE FROM delayed_jobs WHERE id = OLD.id" }),
      ],
    });
    expect(texts(c, "clerk@%")).toEqual([
      "clerk@% -> INSERT on app.pings -(INSERT trigger app.ping_ai, definer migrator@%)-> DELETE on app.owners -(foreign key by_owner ON DELETE CASCADE)-> DELETE on app.delayed_jobs",
    ]);
    const nested = estate(
      { tableGrants: [onTable("clerk", "%", ["INSERT"], "a")] },
      {
        triggers: [
          trigger({ name: "a_ai", table: "a", body: "INSERT INTO b VALUES (NEW.v)" }),
          trigger({ name: "b_ai", table: "b", body: "DELETE FROM delayed_jobs WHERE id = NEW.v" }),
        ],
      },
    );
    expect(texts(nested, "clerk@%")).toEqual([
      "clerk@% -> INSERT on app.a -(INSERT trigger app.a_ai, definer migrator@%)-> INSERT on app.b -(INSERT trigger app.b_ai, definer migrator@%)-> DELETE on app.delayed_jobs",
    ]);
  });

  it("on its own table a trigger may only read: an account that may insert reads the queue through a SIGNAL, and a write there lends nothing", () => {
    const onQueue = (body: string) =>
      estate(
        { accounts: [account("enqueuer", "%")], tableGrants: [onTable("enqueuer", "%", ["INSERT"])] },
        { triggers: [trigger({ name: "peek_bi", table: "delayed_jobs", body })] },
      );
    const peek = onQueue("BEGIN SELECT handler INTO @h FROM delayed_jobs LIMIT 1; SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = @h; END");
    expect(texts(peek, "enqueuer@%")).toEqual([
      "enqueuer@% -> INSERT on app.delayed_jobs",
      "enqueuer@% -> INSERT on app.delayed_jobs -(INSERT trigger app.peek_bi, definer migrator@%)-> SELECT on app.delayed_jobs",
    ]);
    expect(who(onQueue("DELETE FROM delayed_jobs WHERE id = NEW.id"), "enqueuer@%")?.privileges).toEqual(["INSERT"]);
  });

  it("two tables whose triggers write each other end, with one path per grant", () => {
    const c = estate(
      { tableGrants: [onTable("clerk", "%", ["INSERT"], "a")] },
      {
        triggers: [
          trigger({ name: "a_ai", table: "a", body: "INSERT INTO b VALUES (NEW.v)" }),
          trigger({ name: "b_ai", table: "b", body: "INSERT INTO a VALUES (NEW.v); DELETE FROM delayed_jobs" }),
        ],
      },
    );
    expect(texts(c, "clerk@%")).toHaveLength(1);
  });
});

describe("how a body reaches the queue, and as whom (found by a live review)", () => {
  const fires = (body: string, over: Partial<MysqlCatalog> = {}, extra: Partial<MysqlCatalog> = {}) =>
    texts(
      estate(
        { ...extra, tableGrants: [onTable("clerk", "%", ["INSERT"], "signals"), ...(extra.tableGrants ?? [])] },
        { triggers: [trigger({ name: "t", table: "signals", body })], ...over },
      ),
      "clerk@%",
    );

  it("reads a name across comments around the dot, and in ANSI double quotes", () => {
    // From another database, so only the qualified name can say it is the queue.
    const fromCrm = (body: string) =>
      texts(
        estate(
          {
            tableGrants: [onTable("clerk", "%", ["INSERT"], "signals", "crm")],
            dbGrants: [
              { user: "migrator", host: "%", db: "app", privileges: ALL },
              { user: "migrator", host: "%", db: "crm", privileges: ["TRIGGER"] },
            ],
          },
          { triggers: [trigger({ name: "t", db: "crm", table: "signals", body })] },
        ),
        "clerk@%",
      );
    const deletes = ["clerk@% -> INSERT on crm.signals -(INSERT trigger crm.t, definer migrator@%)-> DELETE on app.delayed_jobs"];
    expect(fromCrm("DELETE FROM `app` /* x */ . -- y\n delayed_jobs LIMIT 1")).toEqual(deletes);
    expect(fromCrm('DELETE FROM "app"."delayed_jobs" LIMIT 1')).toEqual(deletes);
    expect(fromCrm("DELETE FROM delayed_jobs LIMIT 1")).toBeUndefined();
  });

  it("follows a view the body names and a routine it calls: an INVOKER one runs as the trigger's definer, a DEFINER one as its own", () => {
    const view = (securityType: "DEFINER" | "INVOKER", viewDefiner = ref("migrator", "%")) => ({
      kind: "view" as const,
      db: "app",
      name: "jv",
      securityType,
      definer: viewDefiner,
      definition: "select `id`, `handler` from `app`.`delayed_jobs`",
    });
    expect(fires("DELETE FROM jv WHERE id = NEW.v", {}, { definerObjects: [view("INVOKER")] })).toEqual([
      "clerk@% -> INSERT on app.signals -(INSERT trigger app.t, definer migrator@%, through view app.jv)-> DELETE on app.delayed_jobs",
    ]);
    // A DEFINER view runs as its definer, who may only read: the body's DELETE through it fails, its read does not.
    const reader = account("reader", "%");
    const readerView = {
      accounts: [reader],
      definerObjects: [view("DEFINER", ref("reader", "%"))],
      tableGrants: [onTable("reader", "%", ["SELECT"])],
    };
    expect(fires("DELETE FROM jv WHERE id = NEW.v", {}, readerView)).toBeUndefined();
    expect(fires("SET @h = (SELECT handler FROM jv LIMIT 1)", {}, readerView)).toEqual([
      "clerk@% -> INSERT on app.signals -(INSERT trigger app.t, definer migrator@%, through view app.jv)-> SELECT on app.delayed_jobs",
    ]);
    const wipe = {
      kind: "procedure" as const,
      db: "app",
      name: "wipe",
      securityType: "INVOKER" as const,
      definer: ref("reader", "%"),
      definition: "DELETE FROM delayed_jobs",
    };
    expect(fires("CALL wipe()", {}, { accounts: [reader], definerObjects: [wipe] })).toEqual([
      "clerk@% -> INSERT on app.signals -(INSERT trigger app.t, definer migrator@%, through procedure app.wipe)-> DELETE on app.delayed_jobs",
    ]);
    expect(fires("CALL wipe()", {}, { accounts: [reader], definerObjects: [{ ...wipe, securityType: "DEFINER" }] })).toBeUndefined();
    // A DEFINER routine whose definer may delete runs as it, if that definer may EXECUTE it.
    const deleter = {
      accounts: [reader],
      definerObjects: [{ ...wipe, securityType: "DEFINER" as const }],
      tableGrants: [onTable("reader", "%", ["DELETE"])],
    };
    expect(fires("CALL wipe()", {}, deleter)).toBeUndefined();
    const runs = {
      ...deleter,
      routineGrants: [{ user: "reader", host: "%", db: "app", routine: "wipe", type: "PROCEDURE", privileges: ["EXECUTE"] }],
    };
    expect(fires("CALL wipe()", {}, runs)).toEqual([
      "clerk@% -> INSERT on app.signals -(INSERT trigger app.t, definer migrator@%, through procedure app.wipe)-> DELETE on app.delayed_jobs",
    ]);
    // A name in the text that is not called is no call.
    expect(fires("INSERT INTO log VALUES ('wipe')", {}, { accounts: [reader], definerObjects: [wipe] })).toBeUndefined();
  });

  it("a read needs no SELECT keyword: a multi-table UPDATE or DELETE reads the queue", () => {
    expect(fires("UPDATE leak l JOIN delayed_jobs j ON j.id = NEW.v SET l.m = j.handler")?.[0]).toContain(
      "-> SELECT, UPDATE on app.delayed_jobs",
    );
    expect(fires("UPDATE leak, delayed_jobs SET leak.m = delayed_jobs.handler")?.[0]).toContain("-> SELECT, UPDATE on app.delayed_jobs");
    expect(fires("DELETE leak FROM leak, delayed_jobs WHERE leak.m = delayed_jobs.handler")?.[0]).toContain(
      "-> SELECT, DELETE on app.delayed_jobs",
    );
    expect(fires("DELETE FROM delayed_jobs WHERE id = NEW.v")?.[0]).toContain("-> DELETE on app.delayed_jobs");
  });

  it("a definer holding a privilege on some columns lends it on those columns (a trigger and a DEFINER routine alike)", () => {
    const coldef = account("coldef", "%");
    const grants = {
      accounts: [coldef],
      tableGrants: [onTable("coldef", "%", ["TRIGGER"], "signals")],
      columnGrants: [{ user: "coldef", host: "%", db: "app", table: "delayed_jobs", column: "handler", privileges: ["UPDATE"] }],
    };
    const c = estate(
      { ...grants, tableGrants: [onTable("clerk", "%", ["INSERT"], "signals"), ...grants.tableGrants] },
      { triggers: [trigger({ name: "t", table: "signals", definer: ref("coldef", "%"), body: "UPDATE delayed_jobs SET handler = 'x'" })] },
    );
    expect(texts(c, "clerk@%")).toEqual([
      "clerk@% -> INSERT on app.signals -(INSERT trigger app.t, definer coldef@%)-> UPDATE (handler) on app.delayed_jobs",
    ]);
    expect(who(c, "clerk@%")).toMatchObject({ privileges: ["UPDATE"], columnOnly: { UPDATE: ["handler"] } });
    const routine = estate(
      {
        ...grants,
        routineGrants: [
          { user: "clerk", host: "%", db: "app", routine: "rewrite", type: "PROCEDURE", privileges: ["EXECUTE"] },
          // A DEFINER routine runs only if its definer may EXECUTE it too.
          { user: "coldef", host: "%", db: "app", routine: "rewrite", type: "PROCEDURE", privileges: ["EXECUTE"] },
        ],
        definerObjects: [
          {
            kind: "procedure",
            db: "app",
            name: "rewrite",
            securityType: "DEFINER",
            definer: ref("coldef", "%"),
            definition: "UPDATE delayed_jobs SET handler = 'x'",
          },
        ],
      },
      {},
    );
    expect(texts(routine, "clerk@%")).toEqual([
      "clerk@% -(EXECUTE procedure app.rewrite, definer coldef@%)-> UPDATE (handler) on app.delayed_jobs",
    ]);
  });

  it("whose roles a definer brings: a MariaDB role all granted to it, a MariaDB user none (not its default), a MySQL user its default ones", () => {
    const withRoles = (flavor: "mysql" | "mariadb", definer: ReturnType<typeof account>) =>
      who(
        estate(
          {
            accounts: [
              definer,
              role("r_in", "", { isRole: true }),
              ...(definer.user === "r_out" ? [] : [role("r_out", "", { isRole: true })]),
            ],
            roleEdges: [
              { role: ref("r_in", ""), grantee: ref("r_out", ""), admin: false },
              { role: ref("r_in", ""), grantee: ref(definer.user, definer.host), admin: false },
            ],
            tableGrants: [
              onTable("clerk", "%", ["INSERT"], "signals"),
              onTable("r_in", "", ["DELETE"]),
              onTable("r_in", "", ["TRIGGER"], "signals"),
            ],
          },
          {
            flavor,
            triggers: [
              trigger({ name: "t", table: "signals", definer: ref(definer.user, definer.host), body: "DELETE FROM delayed_jobs" }),
            ],
          },
        ),
        "clerk@%",
      )?.privileges;
    expect(withRoles("mariadb", role("r_out", "", { isRole: true }))).toEqual(["DELETE"]);
    const defr = account("defr", "%", { defaultRoles: [ref("r_in", "")] });
    expect(withRoles("mariadb", defr)).toBeUndefined();
    expect(withRoles("mysql", defr)).toEqual(["DELETE"]);
  });
});

describe("what a second live review found", () => {
  it("a BEFORE trigger on the queue that sets NEW.handler writes it for whoever fires it, if its definer may UPDATE it", () => {
    const noter = account("noter", "%");
    const setter = (body: string, definerGrants: string[] = ALL) =>
      estate(
        {
          accounts: [noter],
          dbGrants: [{ user: "migrator", host: "%", db: "app", privileges: definerGrants }],
          columnGrants: [{ user: "noter", host: "%", db: "app", table: "delayed_jobs", column: "note", privileges: ["UPDATE"] }],
        },
        { triggers: [trigger({ name: "q_bu", table: "delayed_jobs", event: "UPDATE", body })] },
      );
    const c = setter("SET NEW.handler = IF(NEW.note LIKE '---%', NEW.note, NEW.handler)");
    expect(texts(c, "noter@%")).toEqual([
      "noter@% -> UPDATE on app.delayed_jobs(note)",
      "noter@% -> UPDATE on app.delayed_jobs(note) -(UPDATE trigger app.q_bu, definer migrator@%)-> UPDATE (handler) on app.delayed_jobs",
    ]);
    expect(who(c, "noter@%")?.columnOnly).toEqual({ UPDATE: ["handler", "note"] });
    const [f] = judge(mysqlUnexpectedPrincipal, c).filter((r) => r.subject === "noter@%");
    expect(f?.evidence.payloadWrites).toEqual(["handler"]);
    // A comparison is no assignment; a definer that may not UPDATE the column sets nothing.
    expect(texts(setter("IF NEW.handler = 'x' THEN SIGNAL SQLSTATE '45000'; END IF"), "noter@%")).toHaveLength(1);
    expect(texts(setter("SET NEW.handler = NEW.note", ["SELECT", "TRIGGER"]), "noter@%")).toHaveLength(1);
  });

  it("REPLACE needs INSERT and DELETE and deletes the row it replaces; TRUNCATE needs DROP; RETURNING reads", () => {
    const body = (b: string, definerGrants: string[]) =>
      who(
        estate(
          {
            tableGrants: [onTable("clerk", "%", ["INSERT"], "signals")],
            dbGrants: [{ user: "migrator", host: "%", db: "app", privileges: definerGrants }],
          },
          { triggers: [trigger({ name: "t", table: "signals", body: b })] },
        ),
        "clerk@%",
      )?.privileges;
    expect(body("REPLACE INTO delayed_jobs (id, handler) VALUES (NEW.v, 'x')", ALL)).toEqual(["INSERT", "DELETE"]);
    expect(body("REPLACE INTO delayed_jobs (id, handler) VALUES (NEW.v, 'x')", ["INSERT", "TRIGGER"])).toBeUndefined();
    expect(body("TRUNCATE TABLE delayed_jobs", ALL)).toBeUndefined();
    expect(body("TRUNCATE TABLE delayed_jobs", ["DROP", "TRIGGER"])).toEqual(["DELETE"]);
    expect(body("DELETE FROM delayed_jobs WHERE id = NEW.v RETURNING handler", ALL)).toEqual(["SELECT", "DELETE"]);
  });

  it("a DEFINER routine runs only if its definer may EXECUTE it", () => {
    const purge = {
      kind: "procedure" as const,
      db: "app",
      name: "purge",
      securityType: "DEFINER" as const,
      definer: ref("noexec", "%"),
      definition: "DELETE FROM delayed_jobs",
    };
    const c = (definerExecutes: boolean) =>
      estate({
        accounts: [account("noexec", "%")],
        tableGrants: [onTable("noexec", "%", ["DELETE"])],
        definerObjects: [purge],
        routineGrants: [
          { user: "clerk", host: "%", db: "app", routine: "purge", type: "PROCEDURE", privileges: ["EXECUTE"] },
          ...(definerExecutes
            ? [{ user: "noexec", host: "%", db: "app", routine: "purge", type: "PROCEDURE", privileges: ["EXECUTE"] }]
            : []),
        ],
      });
    expect(who(c(false), "clerk@%")).toBeUndefined();
    expect(who(c(true), "clerk@%")?.privileges).toEqual(["DELETE"]);
  });
});

describe("what a third live review found: the excess fix, and NEW through a CALL", () => {
  it("a principal's excess through a trigger its allowed column INSERT fires is left to a person: revoking the INSERT would break the queue", () => {
    const colenq = account("colenq", "%");
    const c = estate(
      {
        accounts: [colenq],
        columnGrants: [{ user: "colenq", host: "%", db: "app", table: "delayed_jobs", column: "handler", privileges: ["INSERT"] }],
      },
      {
        triggers: [
          trigger({
            name: "peek_bi",
            table: "delayed_jobs",
            body: "BEGIN SELECT handler INTO @h FROM delayed_jobs LIMIT 1; SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = @h; END",
          }),
        ],
      },
    );
    const [f] = judge(mysqlExcessPrivilege, c, { "colenq@%": ["INSERT"] });
    expect(f).toMatchObject({ status: "FAIL", subject: "colenq@%", evidence: { excess: ["SELECT"] } });
    expect(f?.fix).toMatchObject({ kind: "manual", commands: [] });
    expect(f?.fix?.text).toContain("need the key's rule (or the trigger) changed");
  });

  it("a principal's excess through PROXY is cut at its own PROXY, never revoked from the proxied account", () => {
    const c = estate({
      accounts: [account("pcarol", "%")],
      proxies: [{ user: "pcarol", host: "%", proxied: ref("app_worker", "10.20.%"), withGrant: false }],
    });
    const [f] = judge(mysqlExcessPrivilege, c, { "pcarol@%": ["SELECT"] });
    expect(f).toMatchObject({ status: "FAIL", subject: "pcarol@%", evidence: { excess: ["INSERT", "UPDATE", "DELETE"] } });
    expect(f?.fix?.commands).toEqual(["REVOKE PROXY ON 'app_worker'@'10.20.%' FROM 'pcarol'@'%';"]);
    expect(f?.fix?.text).toContain("revoking a PROXY or a role others hold also takes what it gives within the policy");
  });

  it("a BEFORE trigger that passes NEW.handler to a procedure (an OUT parameter) writes it", () => {
    const nina = account("nina", "%");
    const c = estate(
      {
        accounts: [nina],
        columnGrants: [{ user: "nina", host: "%", db: "app", table: "delayed_jobs", column: "priority", privileges: ["UPDATE"] }],
      },
      { triggers: [trigger({ name: "set_bu", table: "delayed_jobs", event: "UPDATE", body: "CALL app.setp(NEW.handler)" })] },
    );
    expect(texts(c, "nina@%")).toEqual([
      "nina@% -> UPDATE on app.delayed_jobs(priority)",
      "nina@% -> UPDATE on app.delayed_jobs(priority) -(UPDATE trigger app.set_bu, definer migrator@%)-> UPDATE (handler) on app.delayed_jobs",
    ]);
  });
});

describe("what a fourth live review found: routine texts, and a shared role's fix", () => {
  const proc = (name: string, definition: string, securityType: "DEFINER" | "INVOKER" = "DEFINER") => ({
    kind: "procedure" as const,
    db: "app",
    name,
    securityType,
    definer: ref("migrator", "%"),
    definition,
  });
  const calling = (objects: ReturnType<typeof proc>[], name: string) =>
    who(
      estate({
        definerObjects: objects,
        routineGrants: [{ user: "clerk", host: "%", db: "app", routine: name, type: "PROCEDURE", privileges: ["EXECUTE"] }],
      }),
      "clerk@%",
    );

  it("a `--` comment ends at its line, and a comment marker inside a string starts no comment", () => {
    expect(calling([proc("p", "BEGIN\n--\nDELETE FROM delayed_jobs LIMIT 1;\nEND")], "p")?.privileges).toEqual(["DELETE"]);
    expect(calling([proc("p", "BEGIN SELECT '/*'; DELETE FROM delayed_jobs LIMIT 1; SELECT '*/'; END")], "p")?.privileges).toEqual([
      "SELECT",
      "DELETE",
    ]);
    expect(calling([proc("p", "BEGIN SELECT '#'; DELETE FROM delayed_jobs LIMIT 1;\nEND")], "p")?.privileges).toEqual(["SELECT", "DELETE"]);
    expect(calling([proc("p", "BEGIN SELECT 1 /* DELETE FROM delayed_jobs */; END")], "p")).toBeUndefined();
    // A name inside a string counts (it may be SQL run later): reading errs towards reporting.
    expect(calling([proc("p", "BEGIN DELETE FROM log; INSERT INTO log VALUES ('app.delayed_jobs'); END")], "p")?.privileges).toEqual([
      "INSERT",
      "DELETE",
    ]);
  });

  it("a routine that builds its SQL (EXECUTE IMMEDIATE, PREPARE) is taken to reach every table, and says so", () => {
    const c = calling([proc("p_any", "EXECUTE IMMEDIATE q")], "p_any");
    expect(c?.privileges).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE"]);
    expect(c?.paths[0]?.text).toContain("dynamic SQL: assumed to reach");
  });

  it("a DEFINER routine's calls of INVOKER routines are followed (they run as its definer)", () => {
    const inner = proc("inner_ip", "DELETE FROM app.delayed_jobs LIMIT 1", "INVOKER");
    expect(calling([inner, proc("outer_dp", "CALL app.inner_ip()")], "outer_dp")?.privileges).toEqual(["DELETE"]);
    // Named without a CALL, a procedure is not called.
    expect(calling([inner, proc("outer_dp", "INSERT INTO log VALUES ('inner_ip')")], "outer_dp")).toBeUndefined();
  });

  it("a principal's excess through a role others hold is cut at its own grant of the role, not revoked from the role", () => {
    const rq = role("rq", "%");
    const c = estate({
      accounts: [rq, account("web", "%")],
      tableGrants: [onTable("rq", "%", ["SELECT", "DELETE"])],
      roleEdges: [
        { role: ref("rq", "%"), grantee: ref("web", "%"), admin: false },
        { role: ref("rq", "%"), grantee: ref("app_worker", "10.20.%"), admin: false },
      ],
    });
    const [f] = judge(mysqlExcessPrivilege, c, { "web@%": ["SELECT", "INSERT"] }).filter((r) => r.subject === "web@%");
    expect(f?.fix?.commands).toEqual(["REVOKE 'rq'@'%' FROM 'web'@'%';"]);
    // Held by web alone, the excess is revoked from the role itself.
    const alone = { ...c, roleEdges: c.roleEdges.slice(0, 1) };
    const [g] = judge(mysqlExcessPrivilege, alone, { "web@%": ["SELECT", "INSERT"] }).filter((r) => r.subject === "web@%");
    expect(g?.fix?.commands).toEqual(["REVOKE DELETE ON `app`.`delayed_jobs` FROM 'rq'@'%';"]);
  });
});

describe("triggers the audit account cannot see", () => {
  // The auditor of the healthy catalog holds no TRIGGER: it sees no trigger at all.
  const hidden = (extra: Partial<MysqlCatalog>, over: Partial<MysqlCatalog> = {}) => estate(extra, over);
  const risks = (c: MysqlCatalog) => {
    const a = access(c);
    return a ? hiddenTriggerRisks(new GrantIndex(c), a) : [];
  };

  it("matter where an account that may define a firing trigger reads or writes the queue and someone else may fire it", () => {
    const c = hidden({ tableGrants: [onTable("clerk", "%", ["INSERT"], "signals")] });
    expect(risks(c)).toEqual([
      {
        definer: "migrator@%",
        on: { kind: "database", db: "app" },
        gives: ["SELECT", "INSERT", "UPDATE", "DELETE"],
        accounts: [
          { account: "clerk@%", gains: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
          // The worker already holds all four: it gains nothing, so it is not listed.
        ],
      },
    ]);
    // A definer that may only read the queue still matters: its trigger can SIGNAL what it read.
    const reader = hidden({
      ...{ tableGrants: [onTable("clerk", "%", ["INSERT"], "signals")] },
      dbGrants: [{ user: "migrator", host: "%", db: "app", privileges: ["SELECT", "TRIGGER"] }],
    });
    expect(risks(reader).map((r) => [r.gives, r.accounts])).toEqual([[["SELECT"], [{ account: "clerk@%", gains: ["SELECT"] }]]]);
  });

  it("do not matter when the audit account sees them, when no definer could use the queue, or when no one else writes there", () => {
    const grants = { tableGrants: [onTable("clerk", "%", ["INSERT"], "signals")] };
    expect(risks(withAuditor(hidden(grants)))).toEqual([]);
    const seenOnApp = hidden({
      ...grants,
      dbGrants: [
        { user: "migrator", host: "%", db: "app", privileges: ALL },
        { user: "queue_auditor", host: "10.20.%", db: "app", privileges: ["TRIGGER"] },
      ],
    });
    expect(risks(seenOnApp)).toEqual([]);
    // The migrator may define triggers on app.* but neither read nor write the queue: nothing it defines could.
    const noWrites = hidden({ ...grants, dbGrants: [{ user: "migrator", host: "%", db: "app", privileges: ["TRIGGER"] }] });
    expect(risks(noWrites)).toEqual([]);
    // The clerk writes only in crm.*, where nobody holds TRIGGER.
    expect(risks(hidden({ tableGrants: [onTable("clerk", "%", ["INSERT"], "signals", "crm")] }))).toEqual([]);
    // A catalog read without triggers (a hand-built one) has nothing hidden to judge.
    expect(risks({ ...hidden(grants), triggers: undefined })).toEqual([]);
  });

  it("count a definer that holds the queue only on some columns", () => {
    const c = hidden({
      accounts: [account("coldef", "%")],
      tableGrants: [onTable("clerk", "%", ["INSERT"], "signals"), onTable("coldef", "%", ["TRIGGER"], "signals")],
      columnGrants: [{ user: "coldef", host: "%", db: "app", table: "delayed_jobs", column: "handler", privileges: ["UPDATE"] }],
      dbGrants: [],
    });
    expect(risks(c).map((r) => [r.definer, r.gives])).toEqual([["coldef@%", ["UPDATE"]]]);
  });

  it("count a definer that reaches the queue only by a route: a key whose rule writes it", () => {
    const c = hidden(
      {
        accounts: [account("keyed", "%")],
        tableGrants: [
          onTable("clerk", "%", ["INSERT"], "signals"),
          onTable("keyed", "%", ["TRIGGER"], "signals"),
          onTable("keyed", "%", ["DELETE"], "users"),
        ],
        dbGrants: [],
      },
      {
        foreignKeys: [
          {
            db: "app",
            table: "delayed_jobs",
            name: "by_user",
            columns: ["user_id"],
            referencedDb: "app",
            referencedTable: "users",
            referencedColumns: ["id"],
            onDelete: "CASCADE",
            onUpdate: "RESTRICT",
          },
        ],
      },
    );
    expect(risks(c).map((r) => [r.definer, r.gives])).toEqual([["keyed@%", ["DELETE"]]]);
  });

  it("list an account that may write there only through a DEFINER routine or view", () => {
    const fill = {
      kind: "procedure" as const,
      db: "app",
      name: "fill",
      securityType: "DEFINER" as const,
      definer: ref("migrator", "%"),
      definition: "INSERT INTO signals VALUES (1)",
    };
    const base = { accounts: [account("caller", "%")], definerObjects: [fill] };
    expect(risks(hidden(base))).toEqual([]);
    const calls = hidden({
      ...base,
      routineGrants: [{ user: "caller", host: "%", db: "app", routine: "fill", type: "PROCEDURE", privileges: ["EXECUTE"] }],
    });
    expect(risks(calls)[0]?.accounts.map((a) => a.account)).toEqual(["caller@%"]);
    const view = { ...fill, kind: "view" as const, name: "sv", definition: "select `v` from `app`.`signals`" };
    const writesView = (privileges: string[]) =>
      risks(
        hidden({ accounts: [account("caller", "%")], definerObjects: [view], tableGrants: [onTable("caller", "%", privileges, "sv")] }),
      )[0]?.accounts.map((a) => a.account) ?? [];
    expect(writesView(["INSERT"])).toEqual(["caller@%"]);
    expect(writesView(["SELECT"])).toEqual([]);
  });

  it("a definer's TRIGGER on a table inside a database it already holds TRIGGER on is one place, not two", () => {
    const c = hidden({ tableGrants: [onTable("clerk", "%", ["INSERT"], "signals"), onTable("migrator", "%", ["TRIGGER"], "signals")] });
    expect(risks(c).map((r) => r.on)).toEqual([{ kind: "database", db: "app" }]);
  });

  it("a TRIGGER grant of the auditor on one table leaves the rest of the database hidden", () => {
    const c = hidden({
      tableGrants: [onTable("clerk", "%", ["INSERT"], "signals"), onTable("queue_auditor", "10.20.%", ["TRIGGER"], "signals")],
    });
    expect(risks(c).map((r) => r.on)).toEqual([{ kind: "database", db: "app" }]);
  });

  it("the checks give an ERROR naming what is hidden, who could define it, who would gain and the grant that shows it, instead of a PASS", () => {
    const c = hidden({
      accounts: [account("app_web", "10.20.%")],
      tableGrants: [
        onTable("clerk", "%", ["INSERT"], "signals"),
        onTable("app_web", "10.20.%", ["SELECT", "INSERT"]),
        onTable("app_web", "10.20.%", ["INSERT"], "signals"),
      ],
    });
    const web = { "app_web@10.20.%": ["SELECT", "INSERT"] };
    const [unexpected] = judge(mysqlUnexpectedPrincipal, c, web);
    expect(unexpected).toMatchObject({
      status: "ERROR",
      subject: "hidden triggers",
      message:
        "Could not evaluate whether triggers give clerk@% access to app.delayed_jobs beyond what the policy allows: the audit account cannot see the triggers on app.* (information_schema shows a table's triggers only to an account holding TRIGGER on it), where migrator@% may define one that runs with its own access to app.delayed_jobs; to read them: GRANT TRIGGER ON `app`.* TO 'queue_auditor'@'10.20.%'; (docs/mysql.md) (mysql:queue-mysql).",
      evidence: {
        code: "TRIGGERS_HIDDEN",
        hiddenTriggers: [
          {
            definer: "migrator@%",
            on: "app.*",
            gives: ["SELECT", "INSERT", "UPDATE", "DELETE"],
            accounts: [{ account: "clerk@%", gains: ["SELECT", "INSERT", "UPDATE", "DELETE"] }],
          },
        ],
      },
    });
    // The policy's web account could gain UPDATE and DELETE, which it is not allowed.
    const [excess] = judge(mysqlExcessPrivilege, c, web);
    expect(excess).toMatchObject({
      status: "ERROR",
      evidence: { hiddenTriggers: [{ accounts: [{ account: "app_web@10.20.%", gains: ["UPDATE", "DELETE"] }] }] },
    });
    // Seen, the same estate passes both.
    expect(judge(mysqlUnexpectedPrincipal, withAuditor(c), web).map((r) => r.status)).toEqual(["PASS"]);
    expect(judge(mysqlExcessPrivilege, withAuditor(c), web).map((r) => r.status)).toEqual(["PASS"]);
  });

  it("an account already reported is not listed again, and a role cannot fire", () => {
    const c = hidden({
      accounts: [role("writers")],
      tableGrants: [
        onTable("clerk", "%", ["INSERT"], "signals"),
        onTable("clerk", "%", ["SELECT"]),
        onTable("writers", "%", ["INSERT"], "signals"),
      ],
    });
    expect(risks(c)[0]?.accounts.map((a) => a.account)).toEqual(["clerk@%"]);
    const results = judge(mysqlUnexpectedPrincipal, c);
    expect(results.map((r) => [r.status, r.subject])).toEqual([["FAIL", "clerk@%"]]);
  });
});

describe("the audit account's own TRIGGER", () => {
  it("is not reported as access to the queue: docs/mysql.md grants it to see the triggers", () => {
    expect(judge(mysqlAuditorOverprivileged, withAuditor(catalog({ triggers: [] }))).map((r) => r.status)).toEqual(["PASS"]);
    const reads = withAuditor(catalog({ triggers: [], tableGrants: [onTable("queue_auditor", "10.20.%", ["SELECT"])] }));
    const [f] = judge(mysqlAuditorOverprivileged, reads);
    expect(f).toMatchObject({ status: "FAIL", message: expect.stringContaining("holds SELECT on app.delayed_jobs") });
    // Nor does it make the audit account a queue account whose connections must be encrypted.
    const plaintext = withAuditor(catalog({ triggers: [], requireSecureTransport: false }));
    plaintext.accounts = plaintext.accounts.map((a) => (a.user === "queue_auditor" ? { ...a, sslType: "" } : a));
    const tls = judge(mysqlTlsNotRequired, plaintext);
    expect(tls.some((r) => r.status === "FAIL")).toBe(true);
    expect(tls.map((r) => r.subject)).not.toContain("queue_auditor@10.20.%");
  });
});
