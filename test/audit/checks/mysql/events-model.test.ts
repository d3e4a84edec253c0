/**
 * Scheduled events in memory: an event runs its body as its definer, so whoever may replace a
 * routine it calls (or create a procedure it calls that nobody has created) gets what the
 * definer holds, while the event runs: ENABLED, a scheduler that is not DISABLED, a definer that
 * exists and holds EVENT on its database. Where the events cannot be read, the checks say so
 * (ERROR) instead of passing. Live on MariaDB: events.test.ts.
 */
import { describe, expect, it } from "vitest";
import { hiddenEventRisks } from "../../../../lib/audit/checks/mysql/access/hidden-events.js";
import { computeMysqlAccess, GrantIndex } from "../../../../lib/audit/checks/mysql/access/model.js";
import { mysqlExcessPrivilege } from "../../../../lib/audit/checks/mysql/mysql-excess-privilege.js";
import { mysqlUnexpectedPrincipal } from "../../../../lib/audit/checks/mysql/mysql-unexpected-principal.js";
import { eventsOf } from "../../../../lib/audit/probes/mysql/observe.js";
import type { MysqlCatalog, MysqlEvent } from "../../../../lib/audit/probes/mysql/types.js";
import { account, definer, edge, judge, onTable, ref, withExtra } from "./catalog.js";

const QUEUE = [{ db: "app", table: "delayed_jobs" }];
const access = (c: MysqlCatalog) => computeMysqlAccess(c, QUEUE).get("app.delayed_jobs");
const texts = (c: MysqlCatalog, name: string) =>
  access(c)
    ?.principals.find((p) => p.account === name)
    ?.paths.map((p) => p.text);

const nightly = (over: Partial<MysqlEvent> = {}): MysqlEvent => ({
  db: "app",
  name: "nightly",
  definer: ref("migrator", "localhost"),
  status: "ENABLED",
  body: "CALL note_helper()",
  ...over,
});
const helper = definer({ kind: "procedure", name: "note_helper", securityType: "INVOKER", definition: "SELECT 1" });
/** The migrator (EXECUTE on app.* in catalog.ts) holds EVENT there and these on the queue; judy may replace the helper. */
const estate = (over: Partial<MysqlCatalog> = {}, migratorDb = ["EVENT"]) =>
  withExtra(
    {
      accounts: [account("migrator", "localhost", { locked: true }), account("judy", "%")],
      tableGrants: [onTable("migrator", "localhost", ["SELECT", "INSERT", "DELETE"])],
      definerObjects: [helper],
      routineGrants: [{ user: "judy", host: "%", db: "app", routine: "note_helper", type: "PROCEDURE", privileges: ["ALTER ROUTINE"] }],
      dbGrants: [
        { user: "judy", host: "%", db: "app", privileges: ["CREATE ROUTINE"] },
        { user: "migrator", host: "localhost", db: "app", privileges: migratorDb },
      ],
    },
    { events: [nightly()], eventScheduler: "OFF", ...over },
  );
const replaced =
  "judy@% -(ALTER ROUTINE on app.note_helper: replaces procedure app.note_helper, which event app.nightly runs as definer migrator@localhost)-> SELECT, INSERT, DELETE on app.delayed_jobs";

describe("a routine a scheduled event calls", () => {
  it("gives whoever may replace it what the event's definer holds, with the scheduler ON or OFF (one SET GLOBAL away)", () => {
    expect(texts(estate(), "judy@%")).toEqual([replaced]);
    expect(texts(estate({ eventScheduler: "ON" }), "judy@%")).toEqual([replaced]);
  });

  it("a procedure the event calls that nobody has created gives it to whoever may create routines there", () => {
    const c = estate({ events: [nightly({ body: "CALL app.ghost()" })] });
    expect(texts(c, "judy@%")).toEqual([
      "judy@% -(CREATE ROUTINE on app.*: creates procedure app.ghost, which event app.nightly calls and no routine is, to run as definer migrator@localhost)-> SELECT, INSERT, DELETE on app.delayed_jobs",
    ]);
  });

  it("gives nothing when the event does not run: DISABLED, disabled on a replica, a DISABLED scheduler, a definer without EVENT or that does not exist", () => {
    expect(texts(estate({ events: [nightly({ status: "DISABLED" })] }), "judy@%")).toBeUndefined();
    expect(texts(estate({ events: [nightly({ status: "SLAVESIDE_DISABLED" })] }), "judy@%")).toBeUndefined();
    expect(texts(estate({ eventScheduler: "DISABLED" }), "judy@%")).toBeUndefined();
    expect(texts(estate({}, ["SELECT"]), "judy@%")).toBeUndefined();
    // A definer whose account was dropped, though a grant row of its name is left behind.
    const gone = estate({ events: [nightly({ definer: ref("gone", "localhost") })] });
    gone.dbGrants.push({ user: "gone", host: "localhost", db: "app", privileges: ["EVENT", "EXECUTE"] });
    gone.tableGrants.push(onTable("gone", "localhost", ["DELETE"]));
    expect(texts(gone, "judy@%")).toBeUndefined();
    // EVENT on *.* counts as on the database.
    const global = estate({}, ["SELECT"]);
    global.accounts = global.accounts.map((a) => (a.user === "migrator" ? { ...a, global: ["EVENT"] } : a));
    expect(texts(global, "judy@%")).toEqual([replaced]);
  });

  it("gives nothing once the event's schedule has ended, though it is kept ENABLED", () => {
    expect(texts(estate({ events: [nightly({ ended: true })] }), "judy@%")).toBeUndefined();
  });

  it("a function the event calls by its database's name that nobody has created: CREATE ROUTINE there creates it (an unqualified one may be built in)", () => {
    expect(texts(estate({ events: [nightly({ body: "SET @n = app.tally()" })] }), "judy@%")).toEqual([
      "judy@% -(CREATE ROUTINE on app.*: creates function app.tally, which event app.nightly calls and no routine is, to run as definer migrator@localhost)-> SELECT, INSERT, DELETE on app.delayed_jobs",
    ]);
    expect(texts(estate({ events: [nightly({ body: "SET @n = tally()" })] }), "judy@%")).toBeUndefined();
  });

  it("ALTER ROUTINE alone on a DEFINER procedure the event calls makes it SQL SECURITY INVOKER: what its body does, as the event's definer, even on MySQL where a DROP would take the definer's EXECUTE", () => {
    const purge = definer({
      kind: "procedure",
      name: "purge",
      definer: ref("nobody", "localhost"),
      definition: "DELETE FROM app.delayed_jobs",
    });
    const c = estate({ events: [nightly({ body: "CALL purge()" })] });
    c.definerObjects = [purge];
    c.dbGrants = c.dbGrants.filter((g) => g.user !== "judy" && !(g.user === "migrator" && g.privileges.includes("EXECUTE")));
    c.routineGrants = [
      { user: "judy", host: "%", db: "app", routine: "purge", type: "PROCEDURE", privileges: ["ALTER ROUTINE"] },
      { user: "migrator", host: "localhost", db: "app", routine: "purge", type: "PROCEDURE", privileges: ["EXECUTE"] },
    ];
    expect(texts(c, "judy@%")).toEqual([
      "judy@% -(ALTER ROUTINE on app.purge: makes DEFINER procedure app.purge SQL SECURITY INVOKER, which event app.nightly then runs as definer migrator@localhost)-> DELETE on app.delayed_jobs",
    ]);
    // On MariaDB, with ALTER ROUTINE through one role and CREATE ROUTINE through another, the
    // replacement would drop the runner's EXECUTE on it; the flip keeps it (found live by a review).
    const twoRoles = { ...c, flavor: "mariadb" as const, version: "10.11.9-MariaDB" };
    twoRoles.accounts = [...c.accounts, account("ra", "", { isRole: true }), account("rb", "", { isRole: true })];
    twoRoles.routineGrants = [
      { user: "ra", host: "", db: "app", routine: "purge", type: "PROCEDURE", privileges: ["ALTER ROUTINE"] },
      { user: "migrator", host: "localhost", db: "app", routine: "purge", type: "PROCEDURE", privileges: ["EXECUTE"] },
    ];
    twoRoles.dbGrants = [...c.dbGrants, { user: "rb", host: "", db: "app", privileges: ["CREATE ROUTINE"] }];
    twoRoles.roleEdges = [edge(ref("ra", ""), ref("judy", "%")), edge(ref("rb", ""), ref("judy", "%"))];
    expect(texts(twoRoles, "judy@%")).toEqual([
      "judy@% -(role ra, SET ROLE)-> -(ALTER ROUTINE on app.purge: makes DEFINER procedure app.purge SQL SECURITY INVOKER, which event app.nightly then runs as definer migrator@localhost)-> DELETE on app.delayed_jobs",
    ]);
    // Without the runner's EXECUTE the call fails, flipped or not.
    c.routineGrants = c.routineGrants.filter((g) => g.user !== "migrator");
    expect(texts(c, "judy@%")).toBeUndefined();
  });

  it("reads the status as the server names it, and an unknown one as ENABLED (it may run)", () => {
    expect(
      eventsOf([
        { db: "app", name: "a", definer: "migrator@localhost", status: "DISABLED", body: "CALL x()" },
        { db: "app", name: "b", definer: "migrator@localhost", status: "something new", body: "CALL x()", ended: 0 },
        { db: "app", name: "c", definer: "migrator@localhost", status: "ENABLED", body: "CALL x()", ended: 1 },
      ]),
    ).toEqual([
      { db: "app", name: "a", definer: ref("migrator", "localhost"), status: "DISABLED", body: "CALL x()" },
      { db: "app", name: "b", definer: ref("migrator", "localhost"), status: "ENABLED", body: "CALL x()" },
      { db: "app", name: "c", definer: ref("migrator", "localhost"), status: "ENABLED", ended: true, body: "CALL x()" },
    ]);
  });
});

describe("events the audit account cannot read", () => {
  const blind = (over: Partial<MysqlCatalog> = {}, migratorDb = ["EVENT"]) => estate({ events: "unreadable", ...over }, migratorDb);
  const risks = (c: MysqlCatalog) => {
    const a = access(c);
    return a ? hiddenEventRisks(new GrantIndex(c), a) : [];
  };

  it("matter where an account holding EVENT reads or writes the queue and another login account may create routines", () => {
    expect(risks(blind())).toEqual([
      {
        definer: "migrator@localhost",
        on: [{ kind: "database", db: "app" }],
        gives: ["SELECT", "INSERT", "DELETE"],
        accounts: [{ account: "judy@%", gains: ["SELECT", "INSERT", "DELETE"] }],
      },
    ]);
  });

  it("do not matter without a definer holding EVENT and the queue, without anyone who may create or change routines, or with a DISABLED scheduler", () => {
    expect(risks(blind({}, ["SELECT"]))).toEqual([]);
    const noCreator = blind();
    noCreator.dbGrants = noCreator.dbGrants.filter((g) => g.user !== "judy");
    noCreator.routineGrants = [];
    expect(risks(noCreator)).toEqual([]);
    expect(risks(blind({ eventScheduler: "DISABLED" }))).toEqual([]);
    // Read, even empty, they hide nothing.
    expect(risks(estate({ events: [] }))).toEqual([]);
  });

  it("count what a definer holds on some columns or reaches through DEFINER code, and not an account's gain from itself, a role's, or the auditor's", () => {
    // On MariaDB a role may be a definer: one holding SELECT on a column of the queue.
    const onColumns = blind({ flavor: "mariadb", version: "10.11.9-MariaDB" }, ["SELECT"]);
    onColumns.accounts.push(account("evrole", "", { isRole: true }));
    onColumns.dbGrants.push({ user: "evrole", host: "", db: "app", privileges: ["EVENT"] });
    onColumns.columnGrants.push({ user: "evrole", host: "", db: "app", table: "delayed_jobs", column: "handler", privileges: ["SELECT"] });
    expect(risks(onColumns).map((r) => [r.definer, r.gives])).toEqual([["evrole@", ["SELECT"]]]);
    // The migrator holds nothing on the queue itself, but may run boss's purge.
    const through = blind({
      definerObjects: [
        helper,
        definer({ kind: "procedure", name: "purge", definer: ref("boss", "localhost"), definition: "DELETE FROM app.delayed_jobs" }),
      ],
    });
    through.tableGrants = [...through.tableGrants.filter((g) => g.user !== "migrator"), onTable("boss", "localhost", ["DELETE"])];
    through.accounts.push(account("boss", "localhost", { locked: true }));
    through.dbGrants.push({ user: "boss", host: "localhost", db: "app", privileges: ["EXECUTE"] });
    expect(risks(through).map((r) => [r.definer, r.gives])).toEqual([["migrator@localhost", ["DELETE"]]]);
    // judy as the only possible definer (SELECT on one column): her own event gives her nothing she does not hold.
    const herself = blind({}, ["SELECT"]);
    herself.dbGrants.push({ user: "judy", host: "%", db: "app", privileges: ["EVENT"] });
    herself.columnGrants.push({ user: "judy", host: "%", db: "app", table: "delayed_jobs", column: "handler", privileges: ["SELECT"] });
    expect(risks(herself)).toEqual([]);
    // ALTER ROUTINE on one routine alone may flip a DEFINER routine an unread event calls.
    const flipper = blind();
    flipper.dbGrants = flipper.dbGrants.filter((g) => g.user !== "judy");
    flipper.routineGrants = [{ user: "judy", host: "%", db: "app", routine: "x", type: "PROCEDURE", privileges: ["ALTER ROUTINE"] }];
    expect(risks(flipper).flatMap((r) => r.accounts.map((a) => a.account))).toEqual(["judy@%"]);
    flipper.routineGrants = [{ user: "judy", host: "%", db: "app", routine: "x", type: "PROCEDURE", privileges: ["EXECUTE"] }];
    expect(risks(flipper)).toEqual([]);
    // A role (it cannot log in) and the audit account may create routines: neither is listed.
    const others = blind();
    others.dbGrants = others.dbGrants.filter((g) => g.user !== "judy");
    others.routineGrants = [];
    others.accounts.push(account("creators", "%", { isRole: true, locked: true }));
    others.dbGrants.push(
      { user: "creators", host: "%", db: "app", privileges: ["CREATE ROUTINE"] },
      { user: "queue_auditor", host: "10.20.%", db: "app", privileges: ["CREATE ROUTINE"] },
    );
    expect(risks(others)).toEqual([]);
  });

  it("the checks give an ERROR naming who could gain and the grant that reads the events, for each flavor, instead of a PASS", () => {
    const [unexpected] = judge(mysqlUnexpectedPrincipal, blind());
    expect(unexpected).toMatchObject({
      status: "ERROR",
      subject: "hidden events",
      message:
        "Could not evaluate whether scheduled events give judy@% access to app.delayed_jobs beyond what the policy allows: the audit account cannot read the scheduled events, which run as their definers (migrator@localhost may be one, with its own access to app.delayed_jobs), so whoever may replace a routine an event calls is not known; to read them: GRANT EVENT ON *.* TO 'queue_auditor'@'10.20.%'; (docs/mysql.md) (mysql:queue-mysql).",
      evidence: { code: "EVENTS_HIDDEN", hiddenEvents: [{ definer: "migrator@localhost", on: ["app.*"] }] },
    });
    const [onMariadb] = judge(mysqlUnexpectedPrincipal, blind({ flavor: "mariadb", version: "10.11.9-MariaDB" }));
    expect(onMariadb?.message).toContain("GRANT SELECT ON mysql.event TO 'queue_auditor'@'10.20.%';");
    // A principal that could gain more than it is allowed: the excess check's ERROR.
    const [excess] = judge(mysqlExcessPrivilege, blind(), { "judy@%": ["SELECT"] });
    expect(excess).toMatchObject({
      status: "ERROR",
      evidence: { hiddenEvents: [{ accounts: [{ account: "judy@%", gains: ["INSERT", "DELETE"] }] }] },
    });
    // Allowed all of it, it is no excess: the check passes.
    expect(judge(mysqlExcessPrivilege, blind(), { "judy@%": ["SELECT", "INSERT", "DELETE"] }).map((r) => r.status)).toEqual(["PASS"]);
    // Read, the same estate is judged by its routes: judy fails, with no ERROR.
    expect(judge(mysqlUnexpectedPrincipal, estate()).map((r) => [r.status, r.subject])).toEqual([["FAIL", "judy@%"]]);
  });
});
