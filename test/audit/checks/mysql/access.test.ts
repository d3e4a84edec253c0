/**
 * The MySQL access model on in-memory catalogs: who can use app.delayed_jobs and by which
 * path (direct, database pattern, column, role, mandatory role, PUBLIC, PROXY, DEFINER view
 * or routine), and who holds superuser-like powers. docs/mysql.md states each rule.
 */
import { describe, expect, it } from "vitest";
import {
  type AccountAccess,
  computeMysqlAccess,
  GrantIndex,
  objectEffect,
  superuserPath,
} from "../../../../lib/audit/checks/mysql/access/model.js";
import { callsRoutine } from "../../../../lib/audit/checks/mysql/access/sql-text.js";
import { cutPath, revokeGrant } from "../../../../lib/audit/checks/mysql/sql.js";
import type { MysqlCatalog, MysqlForeignKey } from "../../../../lib/audit/probes/mysql/types.js";
import { account, catalog, definer, edge, onTable, ref, role, withExtra } from "./catalog.js";

const QUEUE = [{ db: "app", table: "delayed_jobs" }];

function principals(c: MysqlCatalog): AccountAccess[] {
  return computeMysqlAccess(c, QUEUE).get("app.delayed_jobs")?.principals ?? [];
}
const who = (c: MysqlCatalog, name: string) => principals(c).find((p) => p.account === name);
const texts = (c: MysqlCatalog, name: string) => who(c, name)?.paths.map((p) => p.text);

describe("direct grants on the queue table", () => {
  it("names a table grant as the account's own path, with its scope and holder", () => {
    const worker = who(catalog(), "app_worker@10.20.%");
    expect(worker).toStrictEqual({
      account: "app_worker@10.20.%",
      user: "app_worker",
      host: "10.20.%",
      login: true,
      privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"],
      columnOnly: {},
      paths: [
        {
          text: "app_worker@10.20.% -> SELECT, INSERT, UPDATE, DELETE on app.delayed_jobs",
          privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"],
          kind: "direct",
          holder: expect.objectContaining(ref("app_worker", "10.20.%")),
          scope: { kind: "table", db: "app", table: "delayed_jobs" },
        },
      ],
    });
    expect(worker?.paths[0]).not.toHaveProperty("first");
    expect(worker?.paths[0]).not.toHaveProperty("columns");
  });

  it("keeps the table's qualified name and lists every queue table asked for", () => {
    const access = computeMysqlAccess(catalog(), [...QUEUE, { db: "app", table: "other_jobs" }]);
    expect([...access.keys()]).toEqual(["app.delayed_jobs", "app.other_jobs"]);
    expect(access.get("app.other_jobs")).toEqual({ db: "app", table: "other_jobs", qualified: "app.other_jobs", principals: [] });
  });

  it("ignores grants on another table or in another database", () => {
    const c = withExtra({
      accounts: [account("intern", "%")],
      tableGrants: [onTable("intern", "%", ["SELECT"], "users"), onTable("intern", "%", ["SELECT"], "delayed_jobs", "billing")],
    });
    expect(who(c, "intern@%")).toBeUndefined();
  });

  it("counts only table privileges of a global grant, and *.* reads as the scope", () => {
    const c = withExtra({ accounts: [account("ops", "%", { global: ["PROCESS", "SELECT", "RELOAD", "EXECUTE"] })] });
    expect(who(c, "ops@%")?.privileges).toEqual(["SELECT"]);
    expect(who(c, "ops@%")?.paths[0]).toMatchObject({ text: "ops@% -> SELECT on *.*", scope: { kind: "global" } });
    const none = withExtra({ accounts: [account("mon", "%", { global: ["PROCESS", "SHOW DATABASES", "REPLICATION CLIENT"] })] });
    expect(who(none, "mon@%")).toBeUndefined();
  });

  it("matches database grants by pattern: '_' any one character, '\\_' only itself", () => {
    const c = withExtra({
      accounts: [account("frank", "%"), account("gina", "%"), account("hal", "%")],
      dbGrants: [
        { user: "frank", host: "%", db: "ap_", privileges: ["SELECT", "CREATE"] },
        { user: "gina", host: "%", db: "ap\\_", privileges: ["SELECT"] },
        { user: "hal", host: "%", db: "billing", privileges: ["SELECT"] },
      ],
    });
    expect(who(c, "frank@%")?.paths).toStrictEqual([
      expect.objectContaining({ text: "frank@% -> SELECT on ap_.*", privileges: ["SELECT"], scope: { kind: "database", db: "ap_" } }),
    ]);
    expect(who(c, "gina@%")).toBeUndefined();
    expect(who(c, "hal@%")).toBeUndefined();
  });

  it("a database or table grant of non-table privileges only gives nothing on the table", () => {
    const c = withExtra({
      accounts: [account("maker", "%")],
      dbGrants: [{ user: "maker", host: "%", db: "app", privileges: ["CREATE", "CREATE VIEW", "SHOW VIEW"] }],
      tableGrants: [onTable("maker", "%", ["SHOW VIEW", "CREATE VIEW"])],
    });
    expect(who(c, "maker@%")).toBeUndefined();
  });

  it("GRANT OPTION alone gives nothing on the table; with SELECT it is held too", () => {
    const alone = withExtra({ accounts: [account("dan", "%")], tableGrants: [onTable("dan", "%", ["GRANT OPTION"])] });
    expect(who(alone, "dan@%")).toBeUndefined();
    const both = withExtra({ accounts: [account("dan", "%")], tableGrants: [onTable("dan", "%", ["GRANT OPTION", "SELECT"])] });
    expect(who(both, "dan@%")?.privileges).toEqual(["SELECT", "GRANT OPTION"]);
    expect(texts(both, "dan@%")).toEqual(["dan@% -> GRANT OPTION, SELECT on app.delayed_jobs"]);
  });

  it("says ALL for every table privilege (DELETE HISTORY and GRANT OPTION not needed), else lists them", () => {
    const every = ["SELECT", "INSERT", "UPDATE", "DELETE", "REFERENCES", "INDEX", "ALTER", "DROP", "TRIGGER"];
    const c = withExtra({
      accounts: [account("owner", "%"), account("almost", "%")],
      tableGrants: [onTable("owner", "%", every), onTable("almost", "%", every.slice(0, -1))],
    });
    expect(texts(c, "owner@%")).toEqual(["owner@% -> ALL on app.delayed_jobs"]);
    expect(texts(c, "almost@%")).toEqual([`almost@% -> ${every.slice(0, -1).join(", ")} on app.delayed_jobs`]);
  });

  it("orders the account's privileges as the privilege list does, whatever the grants' order", () => {
    const c = withExtra({
      accounts: [account("mixed", "%")],
      dbGrants: [{ user: "mixed", host: "%", db: "app", privileges: ["DROP", "SELECT"] }],
      tableGrants: [onTable("mixed", "%", ["INSERT"])],
    });
    expect(who(c, "mixed@%")?.privileges).toEqual(["SELECT", "INSERT", "DROP"]);
  });

  it("finds grants whose host is spelled in another case than the account's", () => {
    const c = withExtra({ accounts: [account("loc", "localhost")], tableGrants: [onTable("loc", "LOCALHOST", ["SELECT"])] });
    expect(who(c, "loc@localhost")?.privileges).toEqual(["SELECT"]);
  });

  it("a locked account is a principal that cannot log in; a MariaDB role is no principal", () => {
    const c = withExtra({
      accounts: [account("old", "%", { locked: true }), account("rw", "", { isRole: true })],
      tableGrants: [onTable("old", "%", ["SELECT"]), onTable("rw", "", ["SELECT"])],
    });
    expect(who(c, "old@%")?.login).toBe(false);
    expect(who(c, "rw@")).toBeUndefined();
  });
});

describe("column grants", () => {
  const c = withExtra({
    accounts: [account("erin", "%"), account("nina", "%")],
    columnGrants: [
      { user: "erin", host: "%", db: "app", table: "delayed_jobs", column: "priority", privileges: ["UPDATE", "SELECT"] },
      { user: "erin", host: "%", db: "app", table: "delayed_jobs", column: "handler", privileges: ["UPDATE"] },
      { user: "erin", host: "%", db: "app", table: "users", column: "email", privileges: ["SELECT"] },
      { user: "erin", host: "%", db: "billing", table: "delayed_jobs", column: "id", privileges: ["INSERT"] },
      { user: "nina", host: "%", db: "app", table: "delayed_jobs", column: "priority", privileges: ["UPDATE"] },
    ],
    tableGrants: [onTable("nina", "%", ["UPDATE"])],
  });

  it("names the columns in the path and keeps privilege -> columns, sorted", () => {
    const erin = who(c, "erin@%");
    expect(erin?.privileges).toEqual(["SELECT", "UPDATE"]);
    expect(erin?.columnOnly).toEqual({ UPDATE: ["handler", "priority"], SELECT: ["priority"] });
    expect(erin?.paths).toStrictEqual([
      {
        text: "erin@% -> UPDATE, SELECT on app.delayed_jobs(handler, priority)",
        privileges: ["UPDATE", "SELECT"],
        columns: { UPDATE: ["handler", "priority"], SELECT: ["priority"] },
        kind: "direct",
        holder: expect.objectContaining(ref("erin", "%")),
        scope: { kind: "columns", db: "app", table: "delayed_jobs", columns: { UPDATE: ["handler", "priority"], SELECT: ["priority"] } },
      },
    ]);
  });

  it("a privilege held on the whole table is not column-only", () => {
    const nina = who(c, "nina@%");
    expect(nina?.privileges).toEqual(["UPDATE"]);
    expect(nina?.columnOnly).toEqual({});
  });
});

describe("roles", () => {
  it("a role granted but not default needs SET ROLE; roles below it come with it", () => {
    const c = withExtra({
      accounts: [account("bob", "%"), role("ops"), role("rw_inner", "localhost")],
      roleEdges: [edge(ref("ops", "%"), ref("bob", "%")), edge(ref("rw_inner", "localhost"), ref("ops", "%"))],
      tableGrants: [onTable("rw_inner", "localhost", ["UPDATE"])],
    });
    const bob = who(c, "bob@%");
    expect(bob?.paths).toStrictEqual([
      {
        text: "bob@% -(role ops, SET ROLE)-> -(role rw_inner@localhost)-> UPDATE on app.delayed_jobs",
        privileges: ["UPDATE"],
        kind: "role",
        holder: { user: "rw_inner", host: "localhost" },
        scope: { kind: "table", db: "app", table: "delayed_jobs" },
        first: { kind: "role", id: { user: "ops", host: "%" } },
      },
    ]);
    // The roles themselves are locked accounts: principals that cannot log in.
    expect(who(c, "ops@%")?.login).toBe(false);
  });

  it("a default role, or every role when activate_all_roles_on_login is ON, needs no SET ROLE", () => {
    const extra = {
      accounts: [account("intern", "%", { defaultRoles: [ref("queue_rw", "%")] }), account("temp", "%"), role("queue_rw")],
      roleEdges: [edge(ref("queue_rw", "%"), ref("intern", "%")), edge(ref("queue_rw", "%"), ref("temp", "%"))],
      tableGrants: [onTable("queue_rw", "%", ["SELECT"])],
    };
    const c = withExtra(extra);
    expect(texts(c, "intern@%")).toEqual(["intern@% -(role queue_rw)-> SELECT on app.delayed_jobs"]);
    expect(texts(c, "temp@%")).toEqual(["temp@% -(role queue_rw, SET ROLE)-> SELECT on app.delayed_jobs"]);
    const all = withExtra(extra, { activateAllRolesOnLogin: true });
    expect(texts(all, "temp@%")).toEqual(["temp@% -(role queue_rw)-> SELECT on app.delayed_jobs"]);
  });

  it("names a MariaDB role (no host) alone and a default role matched whatever its host's case", () => {
    const c = withExtra(
      {
        accounts: [account("web", "LOCALHOST", { defaultRoles: [ref("rw", "")] }), account("rw", "", { isRole: true })],
        roleEdges: [edge(ref("rw", ""), ref("web", "localhost"))],
        tableGrants: [onTable("rw", "", ["INSERT"])],
      },
      { flavor: "mariadb" },
    );
    expect(texts(c, "web@LOCALHOST")).toEqual(["web@LOCALHOST -(role rw)-> INSERT on app.delayed_jobs"]);
  });

  it("reaches each role once, by its shortest chain, even through a cycle", () => {
    const c = withExtra({
      accounts: [account("eve", "%"), role("a"), role("b"), role("c")],
      roleEdges: [
        edge(ref("a", "%"), ref("eve", "%")),
        edge(ref("b", "%"), ref("a", "%")),
        edge(ref("a", "%"), ref("b", "%")),
        edge(ref("c", "%"), ref("b", "%")),
        edge(ref("c", "%"), ref("eve", "%")),
      ],
      tableGrants: [onTable("c", "%", ["SELECT"]), onTable("b", "%", ["INSERT"])],
    });
    expect(texts(c, "eve@%")).toEqual([
      "eve@% -(role c, SET ROLE)-> SELECT on app.delayed_jobs",
      "eve@% -(role a, SET ROLE)-> -(role b)-> INSERT on app.delayed_jobs",
    ]);
  });

  it("mandatory roles reach every account (first step 'mandatory'); one that does not exist is ignored", () => {
    const c = withExtra(
      { accounts: [account("reporting", "10.30.%"), role("all_read")], tableGrants: [onTable("all_read", "%", ["SELECT"])] },
      { mandatoryRoles: [ref("all_read", "%"), ref("missing_role", "%")] },
    );
    const reporting = who(c, "reporting@10.30.%");
    expect(reporting?.paths.map((p) => [p.text, p.first])).toEqual([
      ["reporting@10.30.% -(mandatory role all_read)-> SELECT on app.delayed_jobs", { kind: "mandatory", id: ref("all_read", "%") }],
    ]);
    expect(new GrantIndex(c).reach(ref("reporting", "10.30.%")).map((r) => r.id.user)).toEqual(["reporting", "all_read"]);
  });

  it("MariaDB's PUBLIC role reaches every account; on MySQL, or without a PUBLIC role, it does not", () => {
    const extra = {
      accounts: [account("nobody", "%"), account("PUBLIC", "", { isRole: true })],
      tableGrants: [onTable("PUBLIC", "", ["SELECT"])],
    };
    const maria = withExtra(extra, { flavor: "mariadb" });
    expect(who(maria, "nobody@%")?.paths.map((p) => [p.text, p.first])).toEqual([
      ["nobody@% -(PUBLIC)-> SELECT on app.delayed_jobs", { kind: "public", id: ref("PUBLIC", "") }],
    ]);
    expect(who(withExtra(extra), "nobody@%")).toBeUndefined();
    const noPublic = withExtra({ accounts: [account("nobody", "%")] }, { flavor: "mariadb" });
    expect(new GrantIndex(noPublic).reach(ref("nobody", "%"))).toHaveLength(1);
  });
});

describe("PROXY", () => {
  it("an account acts as every account it may PROXY, and the roles of those (a proxy path)", () => {
    const c = withExtra({
      accounts: [account("carol", "%"), account("worker2", "10.20.%"), role("rw")],
      proxies: [
        { user: "carol", host: "%", proxied: ref("app_worker", "10.20.%"), withGrant: false },
        { user: "carol", host: "%", proxied: ref("worker2", "10.20.%"), withGrant: false },
      ],
      roleEdges: [edge(ref("rw", "%"), ref("worker2", "10.20.%"))],
      tableGrants: [onTable("rw", "%", ["DELETE"])],
    });
    expect(who(c, "carol@%")?.paths.map((p) => [p.text, p.kind, p.first])).toEqual([
      [
        "carol@% -(PROXY app_worker@10.20.%)-> SELECT, INSERT, UPDATE, DELETE on app.delayed_jobs",
        "proxy",
        { kind: "proxy", id: ref("app_worker", "10.20.%") },
      ],
      [
        "carol@% -(PROXY worker2@10.20.%)-> -(role rw)-> DELETE on app.delayed_jobs",
        "proxy",
        { kind: "proxy", id: ref("worker2", "10.20.%") },
      ],
    ]);
  });

  it("the ''@'' row (may grant PROXY for anyone) is no proxy to an account", () => {
    const c = withExtra({
      accounts: [account("carol", "%"), account("", "", { hasCredential: false })],
      proxies: [{ user: "carol", host: "%", proxied: ref("", ""), withGrant: true }],
      tableGrants: [onTable("", "", ["SELECT"])],
    });
    expect(who(c, "carol@%")).toBeUndefined();
  });
});

describe("DEFINER views and routines lend their definer's privileges", () => {
  const base = {
    accounts: [account("migrator", "localhost"), account("judy", "%")],
    tableGrants: [onTable("migrator", "localhost", ["SELECT", "INSERT", "DELETE"])],
  };
  const view = (over: Partial<Parameters<typeof definer>[0]> = {}) => definer({ kind: "view", name: "jobs_v", ...over });
  const proc = (body: string | null, over: Partial<Parameters<typeof definer>[0]> = {}) =>
    definer({ kind: "procedure", name: "purge_jobs", definition: body, ...over });
  const onView = (privileges: string[]) => onTable("judy", "%", privileges, "jobs_v");

  it("SELECT on a DEFINER view reads the table as the definer; the path and scope name the view", () => {
    const c = withExtra({ ...base, definerObjects: [view()], tableGrants: [...base.tableGrants, onView(["SELECT"])] });
    expect(who(c, "judy@%")?.paths).toStrictEqual([
      {
        text: "judy@% -(SELECT on view app.jobs_v, definer migrator@localhost)-> SELECT on app.delayed_jobs",
        privileges: ["SELECT"],
        kind: "definer",
        holder: expect.objectContaining(ref("judy", "%")),
        scope: { kind: "view", db: "app", name: "jobs_v" },
        // The grant that lets judy use the view: the one to revoke.
        uses: { privileges: ["SELECT"], at: { kind: "table", db: "app", table: "jobs_v" } },
      },
    ]);
  });

  it("lends through a view only what the user may do to the view and the definer to the table", () => {
    const c = withExtra({
      ...base,
      definerObjects: [view()],
      tableGrants: [...base.tableGrants, onView(["SELECT", "INSERT", "UPDATE", "SHOW VIEW"])],
    });
    expect(texts(c, "judy@%")).toEqual([
      "judy@% -(SELECT, INSERT, UPDATE on view app.jobs_v, definer migrator@localhost)-> SELECT, INSERT on app.delayed_jobs",
    ]);
    const showOnly = withExtra({ ...base, definerObjects: [view()], tableGrants: [...base.tableGrants, onView(["SHOW VIEW"])] });
    expect(who(showOnly, "judy@%")).toBeUndefined();
    const deleteOnly = withExtra({ ...base, definerObjects: [view()], tableGrants: [...base.tableGrants, onView(["UPDATE"])] });
    expect(who(deleteOnly, "judy@%")).toBeUndefined();
  });

  it("an INVOKER view lends nothing; a view the auditor cannot read is assumed to reach the table", () => {
    const invoker = withExtra({
      ...base,
      definerObjects: [view({ securityType: "INVOKER" })],
      tableGrants: [...base.tableGrants, onView(["SELECT"])],
    });
    expect(who(invoker, "judy@%")).toBeUndefined();
    const hidden = withExtra({
      ...base,
      definerObjects: [view({ definition: null })],
      tableGrants: [...base.tableGrants, onView(["SELECT"])],
    });
    expect(texts(hidden, "judy@%")).toEqual([
      "judy@% -(SELECT on view app.jobs_v, definer migrator@localhost, definition not visible: assumed to reach)-> SELECT on app.delayed_jobs",
    ]);
  });

  it("a view over another table, or whose definer holds nothing on the queue, lends nothing", () => {
    const other = withExtra({
      ...base,
      definerObjects: [view({ definition: "select * from `app`.`users`" })],
      tableGrants: [...base.tableGrants, onView(["SELECT"])],
    });
    expect(who(other, "judy@%")).toBeUndefined();
    const powerless = withExtra({
      accounts: base.accounts,
      tableGrants: [onTable("migrator", "localhost", ["SELECT"], "users"), onView(["SELECT"])],
      definerObjects: [view()],
    });
    expect(who(powerless, "judy@%")).toBeUndefined();
  });

  it("EXECUTE on a DEFINER procedure does what its body does, as the definer", () => {
    const c = withExtra({
      ...base,
      definerObjects: [proc("BEGIN DELETE FROM delayed_jobs; END")],
      routineGrants: [{ user: "judy", host: "%", db: "app", routine: "PURGE_JOBS", type: "PROCEDURE", privileges: ["EXECUTE"] }],
    });
    expect(who(c, "judy@%")?.paths).toStrictEqual([
      {
        text: "judy@% -(EXECUTE procedure app.purge_jobs, definer migrator@localhost)-> DELETE on app.delayed_jobs",
        privileges: ["DELETE"],
        kind: "definer",
        holder: expect.objectContaining(ref("judy", "%")),
        scope: { kind: "routine", db: "app", name: "purge_jobs", type: "procedure" },
        uses: { privileges: ["EXECUTE"], at: { kind: "routine", db: "app", name: "purge_jobs", type: "procedure" } },
      },
    ]);
  });

  it("EXECUTE comes from *.*, a database pattern or the routine itself, never from a grant of something else", () => {
    const body = "BEGIN DELETE FROM delayed_jobs; END";
    const runs = (extra: Partial<MysqlCatalog>) =>
      who(withExtra({ ...base, definerObjects: [proc(body)], ...extra, accounts: [...base.accounts, ...(extra.accounts ?? [])] }), "judy@%")
        ?.privileges;
    expect(runs({})).toBeUndefined();
    const globalExec = withExtra({
      accounts: [account("migrator", "localhost"), account("judy", "%", { global: ["EXECUTE"] })],
      tableGrants: base.tableGrants,
      definerObjects: [proc(body)],
    });
    expect(who(globalExec, "judy@%")?.privileges).toEqual(["DELETE"]);
    expect(runs({ dbGrants: [{ user: "judy", host: "%", db: "a%", privileges: ["EXECUTE"] }] })).toEqual(["DELETE"]);
    expect(runs({ dbGrants: [{ user: "judy", host: "%", db: "app", privileges: ["ALTER ROUTINE"] }] })).toBeUndefined();
    expect(runs({ dbGrants: [{ user: "judy", host: "%", db: "billing", privileges: ["EXECUTE"] }] })).toBeUndefined();
    const routine = (over: object) => ({
      routineGrants: [{ user: "judy", host: "%", db: "app", routine: "purge_jobs", type: "PROCEDURE", privileges: ["EXECUTE"], ...over }],
    });
    expect(runs(routine({ type: "FUNCTION" }))).toBeUndefined();
    expect(runs(routine({ privileges: ["ALTER ROUTINE"] }))).toBeUndefined();
    expect(runs(routine({ db: "billing" }))).toBeUndefined();
    expect(runs(routine({ routine: "other" }))).toBeUndefined();
  });

  it("uses the definer's active roles, not a role it must SET, a PROXY or a column grant", () => {
    const body = "BEGIN DELETE FROM delayed_jobs; END";
    const exec = {
      routineGrants: [{ user: "judy", host: "%", db: "app", routine: "purge_jobs", type: "PROCEDURE", privileges: ["EXECUTE"] }],
    };
    const via = (migrator: ReturnType<typeof account>, extra: Partial<MysqlCatalog>) =>
      who(
        withExtra({
          accounts: [migrator, account("judy", "%"), role("cleaner"), account("owner", "%")],
          definerObjects: [proc(body)],
          ...exec,
          ...extra,
        }),
        "judy@%",
      )?.privileges;
    const cleaner = {
      roleEdges: [edge(ref("cleaner", "%"), ref("migrator", "localhost"))],
      tableGrants: [onTable("cleaner", "%", ["DELETE"])],
    };
    expect(via(account("migrator", "localhost", { defaultRoles: [ref("cleaner", "%")] }), cleaner)).toEqual(["DELETE"]);
    expect(via(account("migrator", "localhost"), cleaner)).toBeUndefined();
    expect(
      via(account("migrator", "localhost"), {
        proxies: [{ user: "migrator", host: "localhost", proxied: ref("owner", "%"), withGrant: false }],
        tableGrants: [onTable("owner", "%", ["DELETE"])],
      }),
    ).toBeUndefined();
    expect(
      via(account("migrator", "localhost"), {
        columnGrants: [{ user: "migrator", host: "localhost", db: "app", table: "delayed_jobs", column: "id", privileges: ["DELETE"] }],
      }),
    ).toBeUndefined();
  });

  it("a definer's roles count as they are active when it runs: default ones and those below them, not those below one it must SET", () => {
    const body = "BEGIN DELETE FROM delayed_jobs; END";
    const lends = (defaults: ReturnType<typeof ref>[], over: Partial<MysqlCatalog> = {}) =>
      who(
        withExtra(
          {
            accounts: [account("migrator", "localhost", { defaultRoles: defaults }), account("judy", "%"), role("outer"), role("inner")],
            roleEdges: [edge(ref("outer", "%"), ref("migrator", "localhost")), edge(ref("inner", "%"), ref("outer", "%"))],
            tableGrants: [onTable("inner", "%", ["DELETE"])],
            definerObjects: [proc(body)],
            routineGrants: [{ user: "judy", host: "%", db: "app", routine: "purge_jobs", type: "PROCEDURE", privileges: ["EXECUTE"] }],
          },
          over,
        ),
        "judy@%",
      )?.privileges;
    expect(lends([ref("outer", "%")])).toEqual(["DELETE"]);
    expect(lends([])).toBeUndefined();
    expect(lends([ref("inner", "%")])).toBeUndefined();
    expect(lends([], { activateAllRolesOnLogin: true })).toEqual(["DELETE"]);
  });

  it("a definer holds a mandatory role only when activate_all_roles_on_login is ON; MariaDB's PUBLIC always", () => {
    const body = "BEGIN DELETE FROM delayed_jobs; END";
    const extra = (holder: ReturnType<typeof account>) => ({
      accounts: [account("migrator", "localhost"), account("judy", "%"), holder],
      tableGrants: [onTable(holder.user, holder.host, ["DELETE"])],
      definerObjects: [proc(body)],
      routineGrants: [{ user: "judy", host: "%", db: "app", routine: "purge_jobs", type: "PROCEDURE", privileges: ["EXECUTE"] }],
    });
    const mandatory = extra(role("cleaner"));
    // judy holds the mandatory role herself either way; the procedure is a route only when the definer's copy is active.
    expect(texts(withExtra(mandatory, { mandatoryRoles: [ref("cleaner", "%")] }), "judy@%")).toEqual([
      "judy@% -(mandatory role cleaner)-> DELETE on app.delayed_jobs",
    ]);
    expect(texts(withExtra(mandatory, { mandatoryRoles: [ref("cleaner", "%")], activateAllRolesOnLogin: true }), "judy@%")).toEqual([
      "judy@% -(EXECUTE procedure app.purge_jobs, definer migrator@localhost)-> DELETE on app.delayed_jobs",
      "judy@% -(mandatory role cleaner)-> DELETE on app.delayed_jobs",
    ]);
    const pub = withExtra(extra(account("PUBLIC", "", { isRole: true })), { flavor: "mariadb" });
    // Everyone holds DELETE through PUBLIC; judy's procedure is a second route to it.
    expect(texts(pub, "judy@%")).toEqual([
      "judy@% -(EXECUTE procedure app.purge_jobs, definer migrator@localhost)-> DELETE on app.delayed_jobs",
      "judy@% -(PUBLIC)-> DELETE on app.delayed_jobs",
    ]);
  });

  it("a definer or a role that no longer exists holds nothing, and breaks nothing", () => {
    const c = withExtra({
      accounts: [account("judy", "%"), account("eve", "%")],
      definerObjects: [proc("BEGIN DELETE FROM delayed_jobs; END", { definer: ref("gone", "localhost") })],
      roleEdges: [edge(ref("dropped_role", "%"), ref("eve", "%"))],
      routineGrants: [{ user: "judy", host: "%", db: "app", routine: "purge_jobs", type: "PROCEDURE", privileges: ["EXECUTE"] }],
    });
    expect(who(c, "judy@%")).toBeUndefined();
    expect(who(c, "eve@%")).toBeUndefined();
    const withDefiner = withExtra({
      accounts: [account("migrator", "localhost"), account("eve", "%")],
      tableGrants: [onTable("migrator", "localhost", ["DELETE"])],
      definerObjects: [proc("BEGIN DELETE FROM delayed_jobs; END")],
      roleEdges: [edge(ref("dropped_role", "%"), ref("eve", "%"))],
    });
    expect(who(withDefiner, "eve@%")).toBeUndefined();
    expect(superuserPath(c, new GrantIndex(c), ref("eve", "%"))).toBeUndefined();
  });

  it("names the route to the object: a role that holds EXECUTE is in the path", () => {
    const c = withExtra({
      ...base,
      accounts: [...base.accounts, role("runner")],
      definerObjects: [proc("BEGIN DELETE FROM delayed_jobs; END", { kind: "function", name: "purge" })],
      roleEdges: [edge(ref("runner", "%"), ref("judy", "%"))],
      routineGrants: [{ user: "runner", host: "%", db: "app", routine: "purge", type: "FUNCTION", privileges: ["EXECUTE"] }],
    });
    expect(who(c, "judy@%")?.paths.map((p) => [p.text, p.first, p.scope])).toEqual([
      [
        "judy@% -(role runner, SET ROLE)-> -(EXECUTE function app.purge, definer migrator@localhost)-> DELETE on app.delayed_jobs",
        { kind: "role", id: ref("runner", "%") },
        { kind: "routine", db: "app", name: "purge", type: "function" },
      ],
    ]);
  });
});

describe("replacing an INVOKER routine DEFINER code calls (live: definer-callees.test.ts)", () => {
  // The migrator holds EXECUTE on app.* (catalog.ts) and these on the queue.
  const base = {
    accounts: [account("migrator", "localhost"), account("judy", "%")],
    tableGrants: [onTable("migrator", "localhost", ["SELECT", "INSERT", "DELETE"])],
  };
  const helper = (over: Partial<Parameters<typeof definer>[0]> = {}) =>
    definer({ kind: "procedure", name: "note_helper", securityType: "INVOKER", definition: "SELECT 1", ...over });
  const tidy = definer({ kind: "procedure", name: "tidy", definition: "CALL note_helper()" });
  const alter = (user = "judy", host = "%") => ({
    user,
    host,
    db: "app",
    routine: "note_helper",
    type: "PROCEDURE",
    privileges: ["ALTER ROUTINE"],
  });
  const create = (user = "judy", host = "%") => ({ user, host, db: "app", privileges: ["CREATE ROUTINE"] });
  const replaced =
    "replaces procedure app.note_helper, which procedure app.tidy runs as definer migrator@localhost)-> SELECT, INSERT, DELETE on app.delayed_jobs";

  it("ALTER ROUTINE on the helper and CREATE ROUTINE on its database give whatever the definer holds; the fix revokes ALTER ROUTINE", () => {
    const c = withExtra({ ...base, definerObjects: [tidy, helper()], routineGrants: [alter()], dbGrants: [create()] });
    const [path] = who(c, "judy@%")?.paths ?? [];
    expect(path?.text).toBe(`judy@% -(ALTER ROUTINE on app.note_helper: ${replaced}`);
    expect(path?.privileges).toEqual(["SELECT", "INSERT", "DELETE"]);
    expect(cutPath(ref("judy", "%"), path as NonNullable<typeof path>)).toBe(
      "REVOKE ALTER ROUTINE ON PROCEDURE `app`.`note_helper` FROM 'judy'@'%';",
    );
  });

  it("at any depth, through a trigger too, and with each privilege held through a different role", () => {
    const middle = definer({ kind: "procedure", name: "middle", securityType: "INVOKER", definition: "CALL note_helper()" });
    const c = withExtra(
      {
        ...base,
        accounts: [...base.accounts, role("alterer"), role("creator")],
        definerObjects: [definer({ kind: "procedure", name: "tidy", definition: "CALL middle()" }), middle, helper()],
        routineGrants: [alter("alterer", "%")],
        dbGrants: [create("creator", "%")],
        roleEdges: [edge(ref("alterer", "%"), ref("judy", "%")), edge(ref("creator", "%"), ref("judy", "%"))],
      },
      {},
    );
    expect(texts(c, "judy@%")).toEqual([
      `judy@% -(role alterer, SET ROLE)-> -(ALTER ROUTINE on app.note_helper, CREATE ROUTINE as creator@%: replaces procedure app.note_helper, which procedure app.tidy runs as definer migrator@localhost)-> SELECT, INSERT, DELETE on app.delayed_jobs`,
    ]);
    const triggered = withExtra({
      ...base,
      definerObjects: [helper()],
      routineGrants: [alter()],
      dbGrants: [create()],
      tableGrants: [...base.tableGrants, onTable("migrator", "localhost", ["TRIGGER"], "pings")],
      triggers: [],
    });
    triggered.triggers = [
      {
        db: "app",
        name: "ping_ai",
        table: "pings",
        event: "INSERT",
        definer: ref("migrator", "localhost"),
        body: "CALL note_helper()",
      },
    ];
    expect(texts(triggered, "judy@%")).toEqual([
      "judy@% -(ALTER ROUTINE on app.note_helper: replaces procedure app.note_helper, which trigger app.ping_ai runs as definer migrator@localhost)-> SELECT, INSERT, DELETE on app.delayed_jobs",
    ]);
  });

  it("stays silent without ALTER ROUTINE or CREATE ROUTINE, for an INVOKER caller, for the definer itself, and on MySQL when the definer's EXECUTE was on the helper alone (DROP takes it)", () => {
    const of = (extra: Partial<MysqlCatalog>, over: Partial<MysqlCatalog> = {}) => texts(withExtra({ ...base, ...extra }, over), "judy@%");
    expect(of({ definerObjects: [tidy, helper()], routineGrants: [alter()] })).toBeUndefined();
    expect(of({ definerObjects: [tidy, helper()], dbGrants: [create()] })).toBeUndefined();
    expect(
      of({ definerObjects: [{ ...tidy, securityType: "INVOKER" }, helper()], routineGrants: [alter()], dbGrants: [create()] }),
    ).toBeUndefined();
    // The definer's EXECUTE on app.* survives a DROP; one on the helper alone does not, on MySQL.
    const routineOnly = {
      definerObjects: [tidy, helper()],
      routineGrants: [
        alter(),
        { user: "migrator", host: "localhost", db: "app", routine: "note_helper", type: "PROCEDURE", privileges: ["EXECUTE"] },
        { user: "migrator", host: "localhost", db: "app", routine: "tidy", type: "PROCEDURE", privileges: ["EXECUTE"] },
      ],
      dbGrants: [create()],
    };
    expect(of(routineOnly, { dbGrants: [] })).toBeUndefined();
    // MariaDB's CREATE OR REPLACE keeps the routine's grants (tried live).
    expect(of(routineOnly, { dbGrants: [], flavor: "mariadb", version: "10.11.9-MariaDB" })).toEqual([
      `judy@% -(ALTER ROUTINE on app.note_helper: ${replaced}`,
    ]);
    // The definer replacing its own helper gains nothing it does not hold.
    const self = withExtra({
      ...base,
      definerObjects: [tidy, helper()],
      routineGrants: [alter("migrator", "localhost")],
      dbGrants: [create("migrator", "localhost")],
    });
    expect(texts(self, "migrator@localhost")?.filter((t) => t.includes("replaces"))).toEqual([]);
  });
});

describe("what a review found around replacing routines (live: definer-callees.test.ts)", () => {
  const base = {
    accounts: [account("migrator", "localhost"), account("judy", "%"), account("nobody", "localhost")],
    tableGrants: [onTable("migrator", "localhost", ["SELECT", "INSERT", "DELETE"])],
  };
  const routine = (name: string, kind: "procedure" | "function", definition: string, over: Partial<Parameters<typeof definer>[0]> = {}) =>
    definer({ kind, name, securityType: "INVOKER", definition, ...over });
  const grantOn = (name: string, type: string, ...privileges: string[]) => ({
    user: "judy",
    host: "%",
    db: "app",
    routine: name,
    type,
    privileges,
  });
  const create = { user: "judy", host: "%", db: "app", privileges: ["CREATE ROUTINE"] };
  const gives = "SELECT, INSERT, DELETE on app.delayed_jobs";

  it("a function is called only where its name is followed by `(`, a procedure only after CALL", () => {
    const c = withExtra({
      ...base,
      definerObjects: [
        definer({ kind: "procedure", name: "reprio", definition: "UPDATE delayed_jobs SET priority = 0; CALL twin()" }),
        routine("priority", "function", "RETURN 1"),
        routine("twin", "function", "RETURN 1"),
        routine("twin", "procedure", "SELECT 1"),
      ],
      routineGrants: [grantOn("priority", "FUNCTION", "ALTER ROUTINE"), grantOn("twin", "FUNCTION", "ALTER ROUTINE")],
      dbGrants: [create],
    });
    expect(texts(c, "judy@%")).toBeUndefined();
    const procedure = withExtra({
      ...base,
      definerObjects: c.definerObjects,
      routineGrants: [grantOn("twin", "PROCEDURE", "ALTER ROUTINE")],
      dbGrants: [create],
    });
    expect(texts(procedure, "judy@%")).toEqual([
      `judy@% -(ALTER ROUTINE on app.twin: replaces procedure app.twin, which procedure app.reprio runs as definer migrator@localhost)-> ${gives}`,
    ]);
  });

  it("a DEFINER callee is replaced by an INVOKER one: it then runs as the caller's definer", () => {
    const c = withExtra({
      ...base,
      definerObjects: [
        definer({ kind: "procedure", name: "dcaller", definition: "CALL dhelper()" }),
        definer({ kind: "procedure", name: "dhelper", definition: "SELECT 1", definer: ref("nobody", "localhost") }),
      ],
      routineGrants: [grantOn("dhelper", "PROCEDURE", "ALTER ROUTINE")],
      dbGrants: [create],
    });
    expect(texts(c, "judy@%")).toEqual([
      `judy@% -(ALTER ROUTINE on app.dhelper: replaces procedure app.dhelper, which procedure app.dcaller runs as definer migrator@localhost)-> ${gives}`,
    ]);
  });

  it("a procedure DEFINER code calls that does not exist: CREATE ROUTINE alone creates it", () => {
    const c = withExtra({
      ...base,
      definerObjects: [definer({ kind: "procedure", name: "ghost_caller", definition: "CALL ghost()" })],
      dbGrants: [create],
    });
    expect(texts(c, "judy@%")).toEqual([
      `judy@% -(CREATE ROUTINE on app.*: creates procedure app.ghost, which procedure app.ghost_caller calls and no routine is, to run as definer migrator@localhost)-> ${gives}`,
    ]);
    expect(cutPath(ref("judy", "%"), who(c, "judy@%")?.paths[0] as NonNullable<ReturnType<typeof who>>["paths"][number])).toBe(
      "REVOKE CREATE ROUTINE ON `app`.* FROM 'judy'@'%';",
    );
  });

  it("a DEFINER view's functions run as its definer", () => {
    const c = withExtra({
      ...base,
      definerObjects: [
        definer({ kind: "view", name: "vf_v", definition: "select `app`.`vf`() AS `x`" }),
        routine("vf", "function", "RETURN 1"),
      ],
      routineGrants: [grantOn("vf", "FUNCTION", "ALTER ROUTINE")],
      dbGrants: [create],
    });
    expect(texts(c, "judy@%")).toEqual([
      `judy@% -(ALTER ROUTINE on app.vf: replaces function app.vf, which view app.vf_v runs as definer migrator@localhost)-> ${gives}`,
    ]);
  });

  it("ALTER ROUTINE and EXECUTE on an INVOKER routine make it SQL SECURITY DEFINER: it then does what its body does as its definer", () => {
    const purge = routine("inv_purge", "procedure", "DELETE FROM delayed_jobs WHERE handler IS NOT NULL");
    const c = withExtra({
      ...base,
      definerObjects: [purge],
      routineGrants: [grantOn("inv_purge", "PROCEDURE", "EXECUTE", "ALTER ROUTINE")],
    });
    expect(texts(c, "judy@%")).toEqual([
      "judy@% -(ALTER ROUTINE on app.inv_purge: makes INVOKER procedure app.inv_purge SQL SECURITY DEFINER, definer migrator@localhost)-> DELETE on app.delayed_jobs",
    ]);
    // Without EXECUTE nobody it controls calls it.
    expect(
      texts(withExtra({ ...base, definerObjects: [purge], routineGrants: [grantOn("inv_purge", "PROCEDURE", "ALTER ROUTINE")] }), "judy@%"),
    ).toBeUndefined();
  });

  it("on MariaDB, ALTER ROUTINE and CREATE ROUTINE from two roles mean a DROP and a CREATE: the definer's grant on the routine alone does not survive", () => {
    const split = (definerExecute: "routine" | "database") =>
      withExtra(
        {
          ...base,
          accounts: [...base.accounts, role("ra", ""), role("rc", "")],
          definerObjects: [
            definer({ kind: "procedure", name: "tidy", definition: "CALL helper()" }),
            routine("helper", "procedure", "SELECT 1"),
          ],
          routineGrants: [
            { user: "ra", host: "", db: "app", routine: "helper", type: "PROCEDURE", privileges: ["ALTER ROUTINE"] },
            { user: "migrator", host: "localhost", db: "app", routine: "tidy", type: "PROCEDURE", privileges: ["EXECUTE"] },
            { user: "migrator", host: "localhost", db: "app", routine: "helper", type: "PROCEDURE", privileges: ["EXECUTE"] },
          ],
          dbGrants: [
            { user: "rc", host: "", db: "app", privileges: ["CREATE ROUTINE"] },
            ...(definerExecute === "database" ? [{ user: "migrator", host: "localhost", db: "app", privileges: ["EXECUTE"] }] : []),
          ],
          roleEdges: [edge(ref("ra", ""), ref("judy", "%")), edge(ref("rc", ""), ref("judy", "%"))],
        },
        { flavor: "mariadb", version: "10.11.9-MariaDB", dbGrants: [] },
      );
    expect(texts(split("routine"), "judy@%")).toBeUndefined();
    expect(texts(split("database"), "judy@%")).toEqual([
      `judy@% -(role ra, SET ROLE)-> -(ALTER ROUTINE on app.helper, CREATE ROUTINE as rc@: replaces procedure app.helper, which procedure app.tidy runs as definer migrator@localhost)-> ${gives}`,
    ]);
  });
});

describe("a DEFINER routine calling another (live: definer-callees.test.ts)", () => {
  it("lends what the last one does as its definer, through INVOKER ones between, when each runner may execute the next", () => {
    const c = (middleExecutes: boolean, middleExecutesStep = true) =>
      withExtra({
        accounts: [account("migrator", "localhost"), account("middle", "localhost"), account("judy", "%")],
        tableGrants: [onTable("migrator", "localhost", ["DELETE"])],
        definerObjects: [
          definer({ kind: "procedure", name: "outer_purge", definer: ref("middle", "localhost"), definition: "CALL step()" }),
          definer({ kind: "procedure", name: "step", securityType: "INVOKER", definition: "CALL inner_purge()" }),
          definer({ kind: "procedure", name: "inner_purge", definition: "DELETE FROM delayed_jobs" }),
        ],
        routineGrants: [
          { user: "judy", host: "%", db: "app", routine: "outer_purge", type: "PROCEDURE", privileges: ["EXECUTE"] },
          { user: "middle", host: "localhost", db: "app", routine: "outer_purge", type: "PROCEDURE", privileges: ["EXECUTE"] },
          ...(middleExecutes
            ? [{ user: "middle", host: "localhost", db: "app", routine: "inner_purge", type: "PROCEDURE", privileges: ["EXECUTE"] }]
            : []),
          ...(middleExecutesStep
            ? [{ user: "middle", host: "localhost", db: "app", routine: "step", type: "PROCEDURE", privileges: ["EXECUTE"] }]
            : []),
        ],
      });
    expect(texts(c(true), "judy@%")).toEqual([
      "judy@% -(EXECUTE procedure app.outer_purge, definer middle@localhost -(calls)-> procedure app.step -(calls)-> procedure app.inner_purge, definer migrator@localhost)-> DELETE on app.delayed_jobs",
    ]);
    expect(texts(c(false), "judy@%")).toBeUndefined();
    // The INVOKER one between needs the runner's EXECUTE too (found live by a review).
    expect(texts(c(true, false), "judy@%")).toBeUndefined();
  });

  it("a routine reached first through a runner that may not execute it is still tried through another (found live by a review)", () => {
    const c = withExtra({
      accounts: [account("migrator", "localhost"), account("middle", "localhost"), account("low", "localhost"), account("judy", "%")],
      tableGrants: [onTable("migrator", "localhost", ["DELETE"])],
      definerObjects: [
        definer({
          kind: "procedure",
          name: "outer_purge",
          definer: ref("middle", "localhost"),
          definition: "BEGIN CALL dead_end(); CALL step(); END",
        }),
        definer({ kind: "procedure", name: "dead_end", definer: ref("low", "localhost"), definition: "CALL inner_purge()" }),
        definer({ kind: "procedure", name: "step", securityType: "INVOKER", definition: "CALL inner_purge()" }),
        definer({ kind: "procedure", name: "inner_purge", definition: "DELETE FROM delayed_jobs" }),
      ],
      routineGrants: [
        { user: "judy", host: "%", db: "app", routine: "outer_purge", type: "PROCEDURE", privileges: ["EXECUTE"] },
        ...["outer_purge", "dead_end", "step", "inner_purge"].map((routine) => ({
          user: "middle",
          host: "localhost",
          db: "app",
          routine,
          type: "PROCEDURE",
          privileges: ["EXECUTE"],
        })),
        { user: "low", host: "localhost", db: "app", routine: "dead_end", type: "PROCEDURE", privileges: ["EXECUTE"] },
      ],
    });
    expect(texts(c, "judy@%")).toEqual([
      "judy@% -(EXECUTE procedure app.outer_purge, definer middle@localhost -(calls)-> procedure app.step -(calls)-> procedure app.inner_purge, definer migrator@localhost)-> DELETE on app.delayed_jobs",
    ]);
  });
});

describe("what MariaDB runs as a call (found live by a review)", () => {
  const calls = (text: string, name = "f") => callsRoutine(text, "app", "app", name, "function");
  it("a comment between a function's name and its `(`", () => {
    expect(calls("SELECT f /* c */ (1) INTO @a")).toBe(true);
    expect(calls("SELECT f -- c\n (2) INTO @a")).toBe(true);
    expect(calls("SELECT f #c\n (3) INTO @a")).toBe(true);
  });
  it("an unquoted name with characters past ASCII", () => {
    expect(calls("SELECT f€(5)", "f€")).toBe(true);
    expect(calls("SELECT f€(5)")).toBe(false);
  });
  it("a call between two double quotes that a backslash does not escape (NO_BACKSLASH_ESCAPES, ANSI_QUOTES)", () => {
    expect(calls('SELECT "\\", f(6), "\\" INTO @a,@b,@c')).toBe(true);
    expect(calls('SELECT 1 AS "\\", f(7) AS "\\" INTO @a,@b')).toBe(true);
  });
  it("a routine's name in any case, its database's only as spelled (lower_case_table_names = 0)", () => {
    expect(callsRoutine("CALL `App`.Tidy()", "x", "App", "tidy", "procedure")).toBe(true);
    expect(callsRoutine("CALL `App`.tidy()", "x", "app", "tidy", "procedure")).toBe(false);
    expect(callsRoutine("SET @a = App.F(1)", "x", "App", "f", "function")).toBe(true);
    expect(callsRoutine("SET @a = APP.f(1)", "x", "App", "f", "function")).toBe(false);
    // A procedure nobody has created keeps its database's case: only CREATE ROUTINE there counts.
    const c = withExtra({
      accounts: [account("migrator", "localhost"), account("judy", "%"), account("jane", "%")],
      tableGrants: [onTable("migrator", "localhost", ["DELETE"])],
      definerObjects: [definer({ kind: "procedure", name: "tidy", definition: "CALL `Lib`.ghost()" })],
      dbGrants: [
        { user: "judy", host: "%", db: "Lib", privileges: ["CREATE ROUTINE"] },
        { user: "jane", host: "%", db: "lib", privileges: ["CREATE ROUTINE"] },
        { user: "migrator", host: "localhost", db: "Lib", privileges: ["EXECUTE"] },
      ],
    });
    expect(texts(c, "judy@%")).toEqual([
      "judy@% -(CREATE ROUTINE on Lib.*: creates procedure Lib.ghost, which procedure app.tidy calls and no routine is, to run as definer migrator@localhost)-> DELETE on app.delayed_jobs",
    ]);
    expect(texts(c, "jane@%")).toBeUndefined();
  });
});

describe("foreign keys whose rules write the queue (live: foreign-keys.test.ts)", () => {
  const key = (name: string, onDelete: string, onUpdate: string, over: Partial<MysqlForeignKey> = {}): MysqlForeignKey => ({
    db: "app",
    table: "delayed_jobs",
    name,
    columns: ["user_id"],
    referencedDb: "app",
    referencedTable: "users",
    referencedColumns: ["id"],
    onDelete,
    onUpdate,
    ...over,
  });
  const clerk = account("clerk", "%");
  const keyed = (foreignKeys: MysqlForeignKey[], extra: Partial<MysqlCatalog> = {}) =>
    withExtra({ accounts: [clerk], ...extra }, { foreignKeys });

  it("ON DELETE CASCADE is DELETE for whoever may delete the referenced rows; SET NULL and ON UPDATE rules UPDATE of the key's columns", () => {
    const c = keyed([key("by_user", "CASCADE", "CASCADE"), key("by_owner", "SET NULL", "RESTRICT", { columns: ["owner_id"] })], {
      tableGrants: [onTable("clerk", "%", ["DELETE", "UPDATE"], "users")],
    });
    expect(texts(c, "clerk@%")).toEqual([
      "clerk@% -> DELETE, UPDATE on app.users -(foreign key by_user ON DELETE CASCADE)-> DELETE on app.delayed_jobs",
      "clerk@% -> DELETE, UPDATE on app.users -(foreign key by_user ON UPDATE CASCADE)-> UPDATE (user_id) on app.delayed_jobs",
      "clerk@% -> DELETE, UPDATE on app.users -(foreign key by_owner ON DELETE SET NULL)-> UPDATE (owner_id) on app.delayed_jobs",
    ]);
    expect(who(c, "clerk@%")).toMatchObject({ privileges: ["UPDATE", "DELETE"], columnOnly: { UPDATE: ["owner_id", "user_id"] } });
  });

  it("RESTRICT and NO ACTION only refuse; a column UPDATE of the referenced table counts only on a referenced column", () => {
    expect(
      who(keyed([key("k", "RESTRICT", "NO ACTION")], { tableGrants: [onTable("clerk", "%", ["DELETE", "UPDATE"], "users")] }), "clerk@%"),
    ).toBe(undefined);
    const byColumn = (column: string) =>
      who(
        keyed([key("k", "RESTRICT", "SET NULL")], {
          columnGrants: [{ user: "clerk", host: "%", db: "app", table: "users", column, privileges: ["UPDATE"] }],
        }),
        "clerk@%",
      );
    expect(byColumn("email")).toBeUndefined();
    expect(byColumn("id")?.paths.map((p) => p.text)).toEqual([
      "clerk@% -> UPDATE on app.users(id) -(foreign key k ON UPDATE SET NULL)-> UPDATE (user_id) on app.delayed_jobs",
    ]);
  });

  it("the revoke that cuts a path through a key takes the privilege used on the referenced table, from whoever holds it", () => {
    const c = keyed([key("by_owner", "SET NULL", "RESTRICT")], {
      accounts: [clerk, role("users_admin")],
      tableGrants: [onTable("users_admin", "%", ["DELETE", "UPDATE"], "users")],
      roleEdges: [edge(ref("users_admin", "%"), ref("clerk", "%"))],
    });
    const [path] = who(c, "clerk@%")?.paths ?? [];
    // The path gives UPDATE on the queue; DELETE on users is what it is taken through.
    expect(path?.privileges).toEqual(["UPDATE"]);
    expect(revokeGrant(path as NonNullable<typeof path>, ["UPDATE"])).toBe("REVOKE DELETE ON `app`.`users` FROM 'users_admin'@'%';");
    expect(cutPath(ref("clerk", "%"), path as NonNullable<typeof path>)).toBe("REVOKE 'users_admin'@'%' FROM 'clerk'@'%';");
  });

  it("composes with other routes into the referenced table and with keys of its own, and a cycle of keys ends", () => {
    const c = keyed(
      [
        key("by_user", "CASCADE", "RESTRICT"),
        key("by_org", "CASCADE", "RESTRICT", { table: "users", columns: ["org"], referencedTable: "orgs" }),
        // A cycle: orgs refers back to users, and users to itself.
        key("back", "CASCADE", "RESTRICT", { table: "orgs", columns: ["owner"], referencedTable: "users" }),
        key("self", "CASCADE", "RESTRICT", { table: "users", columns: ["manager"], referencedTable: "users" }),
      ],
      {
        accounts: [clerk, account("migrator", "localhost")],
        tableGrants: [onTable("clerk", "%", ["DELETE"], "orgs"), onTable("migrator", "localhost", ["DELETE"], "users")],
        definerObjects: [definer({ kind: "procedure", name: "purge_users", definition: "DELETE FROM users" })],
        routineGrants: [{ user: "clerk", host: "%", db: "app", routine: "purge_users", type: "PROCEDURE", privileges: ["EXECUTE"] }],
      },
    );
    expect(texts(c, "clerk@%")).toEqual([
      "clerk@% -(EXECUTE procedure app.purge_users, definer migrator@localhost)-> DELETE on app.users -(foreign key by_user ON DELETE CASCADE)-> DELETE on app.delayed_jobs",
      "clerk@% -> DELETE on app.orgs -(foreign key by_org ON DELETE CASCADE)-> DELETE on app.users -(foreign key by_user ON DELETE CASCADE)-> DELETE on app.delayed_jobs",
    ]);
  });

  it("a cycle of keys is followed round: a self-key that sets NULL on delete gives the queue's own deleters UPDATE of it", () => {
    const c = keyed([key("parent", "SET NULL", "RESTRICT", { columns: ["parent_id"], referencedTable: "delayed_jobs" })], {
      tableGrants: [onTable("clerk", "%", ["DELETE"])],
    });
    expect(texts(c, "clerk@%")).toEqual([
      "clerk@% -> DELETE on app.delayed_jobs",
      "clerk@% -> DELETE on app.delayed_jobs -(foreign key parent ON DELETE SET NULL)-> UPDATE (parent_id) on app.delayed_jobs",
    ]);
  });

  it("column names compare without case; an unseen referenced column is taken to change with the row, and a seen one by its name", () => {
    const update = (column: string, over: Partial<MysqlForeignKey> = {}) =>
      texts(
        keyed([key("k", "RESTRICT", "CASCADE", over)], {
          columnGrants: [{ user: "clerk", host: "%", db: "app", table: "users", column, privileges: ["UPDATE"] }],
        }),
        "clerk@%",
      );
    expect(update("ID")).toEqual([
      "clerk@% -> UPDATE on app.users(ID) -(foreign key k ON UPDATE CASCADE)-> UPDATE (user_id) on app.delayed_jobs",
    ]);
    expect(update("email")).toBeUndefined();
    expect(update("email", { keyChangesWithRow: true })).toHaveLength(1);
    expect(update("email", { referencedColumnsHidden: true })).toEqual([
      "clerk@% -> UPDATE on app.users(email) -(foreign key k ON UPDATE CASCADE, the referenced columns' definitions not visible: taken to change with the row)-> UPDATE (user_id) on app.delayed_jobs",
    ]);
  });

  it("keeps one path per grant and what it gives, however many ways the keys offer: a graph of keys doubling at each of 30 levels", () => {
    const levels = 30;
    const keys: MysqlForeignKey[] = [];
    const tableAt = (i: number) => (i === 0 ? "delayed_jobs" : `t${i}`);
    for (let i = 0; i < levels; i++) {
      for (const side of ["a", "b"])
        keys.push(key(`k${i}${side}`, "CASCADE", "RESTRICT", { table: tableAt(i), columns: [side], referencedTable: tableAt(i + 1) }));
    }
    const c = keyed(keys, { tableGrants: [onTable("clerk", "%", ["DELETE"], tableAt(levels))] });
    const paths = texts(c, "clerk@%") ?? [];
    expect(paths).toHaveLength(1);
    expect(paths[0]?.match(/foreign key/g)).toHaveLength(levels);
  });

  it("a DEFINER view used through a database grant is cut by revoking that grant, not one on the view (there is none)", () => {
    const c = withExtra({
      accounts: [account("migrator", "localhost"), account("judy", "%")],
      tableGrants: [onTable("migrator", "localhost", ["SELECT"])],
      dbGrants: [{ user: "judy", host: "%", db: "app", privileges: ["SELECT"] }],
      definerObjects: [definer({ kind: "view", name: "jobs_v" })],
    });
    const viaView = who(c, "judy@%")?.paths.find((p) => p.kind === "definer");
    expect(viaView?.text).toBe(
      "judy@% -(SELECT on view app.jobs_v (granted on app.*), definer migrator@localhost)-> SELECT on app.delayed_jobs",
    );
    expect(revokeGrant(viaView as NonNullable<typeof viaView>, ["SELECT"])).toBe("REVOKE SELECT ON `app`.* FROM 'judy'@'%';");
  });

  it("a key of another table, or into another database's table nobody can write, gives nothing", () => {
    const c = keyed(
      [key("other", "CASCADE", "CASCADE", { table: "audit_log" }), key("far", "CASCADE", "CASCADE", { referencedDb: "crm" })],
      {
        tableGrants: [onTable("clerk", "%", ["DELETE", "UPDATE"], "users")],
      },
    );
    expect(who(c, "clerk@%")).toBeUndefined();
  });
});

describe("what a definer object's text does to a table (objectEffect)", () => {
  const obj = (definition: string | null, over: object = {}) => definer({ kind: "procedure", name: "p", definition, ...over });
  const effect = (definition: string | null, over: object = {}) => objectEffect(obj(definition, over), "app", "delayed_jobs");

  it("reads each statement kind from a routine's body, in any case", () => {
    expect(effect("BEGIN SELECT * FROM delayed_jobs; END")).toEqual(["SELECT"]);
    expect(effect("begin insert into delayed_jobs values (1); end")).toEqual(["INSERT"]);
    // REPLACE deletes the row it replaces; TRUNCATE empties the table (its runner needs DROP for it).
    expect(effect("REPLACE INTO delayed_jobs VALUES (1)")).toEqual(["INSERT", "DELETE"]);
    expect(effect("UPDATE delayed_jobs SET priority = 0")).toEqual(["UPDATE"]);
    expect(effect("Delete From delayed_jobs")).toEqual(["DELETE"]);
    expect(effect("TRUNCATE TABLE delayed_jobs")).toEqual(["DELETE"]);
    expect(effect("CALL other(); -- delayed_jobs")).toEqual([]);
  });

  it("does not read a statement into a longer word", () => {
    expect(effect("SELECT updated_at, deleted_at, selected FROM delayed_jobs")).toEqual(["SELECT"]);
    expect(effect("CALL reselect_delayed_jobs_upserts()")).toEqual([]);
  });

  it("does not read a statement out of a name that contains its keyword", () => {
    const lookAlikes =
      "preselect, selection, reinsert, inserted, preupdate, updates, undelete, deleted, areplace, replaced, untruncate, truncated";
    expect(effect(`SET @t = 'delayed_jobs'; CALL audit_log(${lookAlikes})`)).toEqual([]);
  });

  it("a view does anything to a table it names; an unreadable body may do anything", () => {
    expect(objectEffect(definer({ kind: "view", name: "v", definition: "select 1 from app.delayed_jobs" }), "app", "delayed_jobs")).toEqual(
      ["SELECT", "INSERT", "UPDATE", "DELETE"],
    );
    expect(effect(null)).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE"]);
  });

  it("finds the table qualified (backticks, spaces) from anywhere, bare only in its own database", () => {
    expect(effect("DELETE FROM `app` . `delayed_jobs`", { db: "other" })).toEqual(["DELETE"]);
    expect(effect("DELETE FROM APP.DELAYED_JOBS", { db: "other" })).toEqual(["DELETE"]);
    expect(effect("DELETE FROM delayed_jobs", { db: "other" })).toEqual([]);
    expect(effect("DELETE FROM `delayed_jobs`")).toEqual(["DELETE"]);
    expect(effect("DELETE FROM `Delayed_Jobs`")).toEqual(["DELETE"]);
    expect(effect("DELETE FROM other.delayed_jobs")).toEqual([]);
    expect(effect("DELETE FROM delayed_jobs_archive")).toEqual([]);
    expect(effect("DELETE FROM delayed_jobs$old")).toEqual([]);
    expect(effect("DELETE FROM app.delayed_jobs_archive", { db: "other" })).toEqual([]);
    expect(effect("DELETE FROM $delayed_jobs")).toEqual([]);
    expect(effect("DELETE FROM x_delayed_jobs")).toEqual([]);
  });

  it("takes the table's and the database's names literally, not as patterns", () => {
    // Such names must be quoted in SQL: a dot or a plus inside a backticked name is the name's own.
    const o = definer({ kind: "procedure", name: "p", db: "x", definition: "DELETE FROM `aXb`.`jobsXv`" });
    expect(objectEffect(o, "a.b", "jobs.v")).toEqual([]);
    expect(objectEffect({ ...o, definition: "DELETE FROM `a.b`.`jobs.v`" }, "a.b", "jobs.v")).toEqual(["DELETE"]);
    expect(objectEffect({ ...o, db: "a+b", definition: "DELETE FROM `jobs+`" }, "a+b", "jobs+")).toEqual(["DELETE"]);
    expect(objectEffect({ ...o, definition: "DELETE FROM `a.bXc`.t" }, "a.b.c", "t")).toEqual([]);
    expect(objectEffect({ ...o, definition: "DELETE FROM `a.b.c`.t" }, "a.b.c", "t")).toEqual(["DELETE"]);
  });

  it("ignores objects of the system schemas", () => {
    for (const db of ["mysql", "sys", "information_schema", "performance_schema"]) {
      expect(effect("DELETE FROM app.delayed_jobs", { db })).toEqual([]);
      expect(effect(null, { db })).toEqual([]);
    }
  });
});

describe("superuser-like powers (superuserPath)", () => {
  const path = (c: MysqlCatalog, user: string, host = "%") => superuserPath(c, new GrantIndex(c), ref(user, host));

  it("names each global power that reaches beyond any grant", () => {
    for (const p of [
      "SUPER",
      "FILE",
      "CREATE USER",
      "GRANT OPTION",
      "ROLE_ADMIN",
      "SET_USER_ID",
      "SET_ANY_DEFINER",
      "SET USER",
      "SYSTEM_USER",
    ]) {
      const c = withExtra({ accounts: [account("ops", "%", { global: ["SELECT", p] })] });
      expect(path(c, "ops")).toStrictEqual({ how: [p], text: `ops@% -> ${p}`, holder: ref("ops", "%") });
    }
    expect(path(withExtra({ accounts: [account("ops", "%", { global: ["SELECT", "PROCESS", "EXECUTE"] })] }), "ops")).toBeUndefined();
  });

  it("write access to the grant tables counts: on *.* only when nothing else is named, on the mysql schema always", () => {
    const star = withExtra({ accounts: [account("ops", "%", { global: ["INSERT", "SELECT", "UPDATE", "DELETE", "DROP", "ALTER"] })] });
    expect(path(star, "ops")?.how).toEqual(["INSERT, UPDATE, DELETE, DROP, ALTER on *.* (the grant tables)"]);
    const both = withExtra({ accounts: [account("ops", "%", { global: ["INSERT", "SUPER"] })] });
    expect(path(both, "ops")?.how).toEqual(["SUPER"]);
    const schema = withExtra({
      accounts: [account("ops", "%", { global: ["FILE"] })],
      dbGrants: [
        { user: "ops", host: "%", db: "my%", privileges: ["SELECT", "UPDATE"] },
        { user: "ops", host: "%", db: "mysql", privileges: ["SELECT"] },
        { user: "ops", host: "%", db: "app", privileges: ["DELETE"] },
        { user: "other", host: "%", db: "mysql", privileges: ["DELETE"] },
      ],
    });
    expect(path(schema, "ops")).toStrictEqual({
      how: ["FILE", "UPDATE on my%.* (the grant tables)"],
      text: "ops@% -> FILE, UPDATE on my%.* (the grant tables)",
      holder: ref("ops", "%"),
    });
    const readOnly = withExtra({
      accounts: [account("ops", "%", { global: ["SELECT"] })],
      dbGrants: [{ user: "ops", host: "%", db: "mysql", privileges: ["SELECT"] }],
    });
    expect(path(readOnly, "ops")).toBeUndefined();
  });

  it("matches grant rows and proxy rows whatever the case of their host", () => {
    const c = withExtra({
      accounts: [account("ops", "localhost")],
      dbGrants: [{ user: "ops", host: "LocalHost", db: "mysql", privileges: ["INSERT"] }],
    });
    expect(path(c, "ops", "localhost")?.how).toEqual(["INSERT on mysql.* (the grant tables)"]);
    const proxy = withExtra({
      accounts: [account("ops", "localhost")],
      proxies: [{ user: "ops", host: "LOCALHOST", proxied: ref("", ""), withGrant: true }],
    });
    expect(path(proxy, "ops", "localhost")?.how).toEqual(["PROXY on ''@'' WITH GRANT OPTION"]);
  });

  it("PROXY on ''@'' counts only WITH GRANT OPTION, and only the anyone row", () => {
    const row = (over: object) =>
      withExtra({ accounts: [account("ops", "%")], proxies: [{ user: "ops", host: "%", proxied: ref("", ""), withGrant: true, ...over }] });
    expect(path(row({}), "ops")?.text).toBe("ops@% -> PROXY on ''@'' WITH GRANT OPTION");
    expect(path(row({ withGrant: false }), "ops")).toBeUndefined();
    expect(
      path(
        withExtra({
          accounts: [account("ops", "%"), account("root", "%")],
          proxies: [{ user: "ops", host: "%", proxied: ref("root", "%"), withGrant: true }],
        }),
        "ops",
      ),
    ).toBeUndefined();
    expect(path(row({ user: "other" }), "ops")).toBeUndefined();
  });

  it("finds powers held through a role and names the first step to cut", () => {
    const c = withExtra({
      accounts: [account("ops", "%"), role("dba", "%", { global: ["SUPER"] })],
      roleEdges: [edge(ref("dba", "%"), ref("ops", "%"))],
    });
    expect(path(c, "ops")).toStrictEqual({
      how: ["SUPER"],
      text: "ops@% -(role dba, SET ROLE)-> SUPER",
      first: { kind: "role", id: ref("dba", "%") },
      holder: ref("dba", "%"),
    });
  });
});
