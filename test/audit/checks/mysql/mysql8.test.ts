/**
 * MySQL 8.0/8.4's role tables on catalog fixtures: rows shaped exactly as `mysql.user`,
 * `mysql.global_grants`, `mysql.role_edges`, `mysql.default_roles` and the server variables
 * come back from the server, read by the probe's own normaliser, then judged. Each rule cites
 * docs/mysql.md's table (MySQL 8.4 manual §8.2.10 "Using Roles", §7.1.8 mandatory_roles).
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../../lib/audit/config/load.js";
import { evaluateChecks } from "../../../../lib/audit/engine.js";
import { type MysqlQueryable, parseRoleList, readMysqlCatalog } from "../../../../lib/audit/probes/mysql/observe.js";
import * as Q from "../../../../lib/audit/probes/mysql/queries.js";

type Row = Record<string, unknown>;

/** A mysql.user row as MySQL 8 returns it for the probe's ACCOUNTS_SQL (enum 'Y'/'N', 0/1 comparisons). */
function userRow(
  user: string,
  host: string,
  opts: { privs?: string[]; locked?: boolean; noPassword?: boolean; ssl?: string; plugin?: string } = {},
): Row {
  const row: Row = {
    user,
    host,
    plugin: opts.plugin ?? "caching_sha2_password",
    empty_auth: opts.noPassword ? 1 : 0,
    auth_alternatives: 0,
    locked: opts.locked ? 1 : 0,
    expired: 0,
    is_role: 0,
    ssl_type: opts.ssl ?? "",
  };
  for (const c of Q.MYSQL_USER_PRIV_COLUMNS) row[c] = opts.privs?.includes(c) ? "Y" : "N";
  return row;
}

interface Server {
  users: Row[];
  globalGrants?: Row[];
  db?: Row[];
  tables?: Row[];
  edges?: Row[];
  defaults?: Row[];
  keys?: Row[];
  triggers?: Row[];
  events?: Row[];
  routines?: Row[];
  scheduler?: string;
  mandatory?: string;
  activateAll?: "ON" | "OFF";
}

function fakeMysql8(s: Server): { db: MysqlQueryable; sent: string[] } {
  const sent: string[] = [];
  const answers = new Map<string, Row[]>([
    [Q.IDENTITY_SQL, [{ version: "8.4.3", current_user_name: "queue_auditor@10.20.%" }]],
    [
      Q.SERVER_SQL.mysql,
      [
        {
          require_secure_transport: "ON",
          event_scheduler: s.scheduler ?? "ON",
          mandatory_roles: s.mandatory ?? "",
          activate_all_roles_on_login: s.activateAll ?? "OFF",
        },
      ],
    ],
    [Q.ACCOUNTS_SQL.mysql, s.users],
    [Q.GLOBAL_GRANTS_SQL, s.globalGrants ?? []],
    [Q.DB_GRANTS_SQL.mysql, s.db ?? []],
    [Q.TABLE_GRANTS_SQL, s.tables ?? []],
    [Q.COLUMN_GRANTS_SQL, []],
    [Q.ROUTINE_GRANTS_SQL, []],
    [Q.ROLE_EDGES_SQL.mysql, s.edges ?? []],
    [Q.DEFAULT_ROLES_SQL, s.defaults ?? []],
    [Q.PROXIES_SQL, []],
    [Q.DEFINER_OBJECTS_SQL.mysql, s.routines ?? []],
    [Q.FOREIGN_KEYS_SQL, s.keys ?? []],
    [Q.TRIGGERS_SQL, s.triggers ?? []],
    [Q.TABLES_SQL, [{ db: "app", table_name: "delayed_jobs" }]],
    [Q.EVENTS_SQL.mysql, s.events ?? []],
  ]);
  return {
    sent,
    db: {
      async query(sql) {
        sent.push(sql);
        return answers.get(sql) ?? [];
      },
    },
  };
}

const tablePriv = (user: string, host: string, priv: string): Row => ({
  user,
  host,
  db: "app",
  table_name: "delayed_jobs",
  table_priv: priv,
  column_priv: "",
});
const edge = (role: string, roleHost: string, user: string, host: string, admin = "N"): Row => ({
  role_user: role,
  role_host: roleHost,
  grantee_user: user,
  grantee_host: host,
  admin: admin === "Y" ? 1 : 0,
});

/** A mysql.db row on app.* with the named privilege columns 'Y'. */
const dbRow = (user: string, host: string, privs: string[]): Row => {
  const row: Row = { user, host, db: "app" };
  for (const c of Q.DB_PRIV_COLUMNS) row[c] = privs.includes(c) ? "Y" : "N";
  return row;
};

const BASE = {
  users: [userRow("queue_auditor", "10.20.%", { ssl: "ANY" }), userRow("app_worker", "10.20.%", { ssl: "ANY" })],
  tables: [tablePriv("app_worker", "10.20.%", "Select,Insert,Update,Delete")],
};

async function judge(server: Server) {
  const { db, sent } = fakeMysql8(server);
  const catalog = await readMysqlCatalog(db, ["app"], 30);
  const config = parseConfig(
    {
      version: 1,
      mysql: [
        {
          name: "queue-mysql",
          connection: { host: "db.example.com", user: "queue_auditor", password: { iam: true } },
          queue: "delayed_job",
          database: "app",
          admins: ["admin@%"],
          principals: { "app_worker@10.20.%": ["SELECT", "INSERT", "UPDATE", "DELETE"] },
        },
      ],
    },
    "t.yaml",
  );
  const results = evaluateChecks({
    config,
    inventory: { partitions: [] },
    observations: { postgres: [], redis: [], mysql: [{ target: "queue-mysql", catalog }] },
    now: new Date(),
  });
  const fails = (id: string) => results.filter((r) => r.checkId === id && r.status === "FAIL");
  return { catalog, results, fails, sent };
}

describe("MySQL 8 catalogs", () => {
  it("reads MySQL 8's tables with a fixed statement list, and the clean estate passes", async () => {
    const { fails, sent, catalog } = await judge(BASE);
    expect(sent).toHaveLength(19);
    expect(catalog.flavor).toBe("mysql");
    expect(fails("mysql-unexpected-principal")).toEqual([]);
    expect(fails("mysql-tls-not-required")).toEqual([]);
  });

  it("reads a two-column foreign key from information_schema's rows, one per column, and reports who deletes through it", async () => {
    const column = (column_name: string, referenced_column: string): Row => ({
      db: "app",
      table_name: "delayed_jobs",
      name: "by_tenant_user",
      column_name,
      referenced_db: "app",
      referenced_table: "users",
      referenced_column,
      on_delete: "CASCADE",
      on_update: "NO ACTION",
    });
    const { fails, catalog } = await judge({
      ...BASE,
      users: [...BASE.users, userRow("crm", "%")],
      tables: [...BASE.tables, { ...tablePriv("crm", "%", "Delete"), table_name: "users" }],
      keys: [column("tenant_id", "tenant_id"), column("user_id", "id")],
    });
    expect(catalog.foreignKeys).toEqual([
      {
        db: "app",
        table: "delayed_jobs",
        name: "by_tenant_user",
        columns: ["tenant_id", "user_id"],
        referencedDb: "app",
        referencedTable: "users",
        referencedColumns: ["tenant_id", "id"],
        onDelete: "CASCADE",
        onUpdate: "NO ACTION",
        keyChangesWithRow: false,
        referencedColumnsHidden: true,
      },
    ]);
    const f = fails("mysql-unexpected-principal");
    expect(f.map((r) => r.evidence.paths)).toEqual([
      ["crm@% -> DELETE on app.users -(foreign key by_tenant_user ON DELETE CASCADE)-> DELETE on app.delayed_jobs"],
    ]);
    expect(f[0]?.fix?.commands).toEqual(["REVOKE DELETE ON `app`.`users` FROM 'crm'@'%';"]);
  });

  it("a role granted but not default still gives access (SET ROLE), nested roles too", async () => {
    const { fails } = await judge({
      ...BASE,
      users: [...BASE.users, userRow("intern", "%"), userRow("queue_rw", "%", { locked: true }), userRow("inner", "%", { locked: true })],
      tables: [...BASE.tables, tablePriv("inner", "%", "Select,Update")],
      edges: [edge("queue_rw", "%", "intern", "%"), edge("inner", "%", "queue_rw", "%")],
    });
    const f = fails("mysql-unexpected-principal");
    expect(f.map((r) => r.subject)).toEqual(["intern@%"]);
    expect(f[0]?.evidence.paths).toEqual(["intern@% -(role queue_rw, SET ROLE)-> -(role inner)-> SELECT, UPDATE on app.delayed_jobs"]);
    expect(f[0]?.fix?.commands).toEqual(["REVOKE 'queue_rw'@'%' FROM 'intern'@'%';"]);
  });

  it("a default role (mysql.default_roles) is active at login: no SET ROLE in the path", async () => {
    const { fails } = await judge({
      ...BASE,
      users: [...BASE.users, userRow("intern", "%"), userRow("queue_rw", "%", { locked: true })],
      tables: [...BASE.tables, tablePriv("queue_rw", "%", "Select")],
      edges: [edge("queue_rw", "%", "intern", "%")],
      defaults: [{ user: "intern", host: "%", role_user: "queue_rw", role_host: "%" }],
    });
    expect(fails("mysql-unexpected-principal")[0]?.evidence.paths).toEqual(["intern@% -(role queue_rw)-> SELECT on app.delayed_jobs"]);
  });

  it("mandatory_roles reach every account, active or not; a fix cannot be one REVOKE", async () => {
    const server: Server = {
      ...BASE,
      users: [...BASE.users, userRow("reporting", "10.30.%"), userRow("all_read", "%", { locked: true })],
      tables: [...BASE.tables, tablePriv("all_read", "%", "Select")],
      mandatory: "`all_read`@`%`,missing_role",
    };
    const off = await judge(server);
    const reporting = off.fails("mysql-unexpected-principal").find((r) => r.subject === "reporting@10.30.%");
    expect(reporting?.evidence.paths).toEqual(["reporting@10.30.% -(mandatory role all_read)-> SELECT on app.delayed_jobs"]);
    expect(reporting?.fix?.kind).toBe("sql");
    expect(reporting?.fix?.commands).toEqual(["REVOKE SELECT ON `app`.`delayed_jobs` FROM 'all_read'@'%';"]);
    // The role that does not exist is ignored, as the server ignores it.
    expect(off.catalog.mandatoryRoles).toEqual([
      { user: "all_read", host: "%" },
      { user: "missing_role", host: "%" },
    ]);
    const on = await judge({ ...server, activateAll: "ON" });
    expect(on.fails("mysql-unexpected-principal").map((r) => r.subject)).toEqual(
      off.fails("mysql-unexpected-principal").map((r) => r.subject),
    );
  });

  it("dynamic privileges from mysql.global_grants: ROLE_ADMIN is superuser-like", async () => {
    const { fails } = await judge({
      ...BASE,
      users: [...BASE.users, userRow("ops", "10.20.%", { privs: ["Select_priv"] })],
      globalGrants: [{ user: "ops", host: "10.20.%", priv: "ROLE_ADMIN", with_grant: "N" }],
    });
    const f = fails("mysql-superuser-accounts");
    expect(f.map((r) => r.subject)).toEqual(["ops@10.20.%"]);
    expect(f[0]?.fix?.commands).toEqual(["REVOKE ROLE_ADMIN ON *.* FROM 'ops'@'10.20.%';"]);
    // Global SELECT is access to every table: ops is also an unexpected principal.
    expect(fails("mysql-unexpected-principal").map((r) => r.subject)).toEqual(["ops@10.20.%"]);
  });

  it("the auditor with global SELECT is overprivileged; a locked account is never a login", async () => {
    const { fails } = await judge({
      ...BASE,
      users: [
        userRow("queue_auditor", "10.20.%", { privs: ["Select_priv"], ssl: "ANY" }),
        BASE.users[1] as Row,
        userRow("old", "%", { locked: true, noPassword: true, privs: ["Super_priv"] }),
      ],
    });
    expect(fails("mysql-auditor-overprivileged").map((r) => r.subject)).toEqual(["queue_auditor@10.20.%"]);
    expect(fails("mysql-account-without-password")).toEqual([]);
    expect(fails("mysql-superuser-accounts")).toEqual([]);
  });
});

describe("mandatory_roles parsing", () => {
  it("reads quoted and bare names, a missing host meaning %", () => {
    expect(parseRoleList("`r1`@`%`, r2@localhost ,'we''ird'@'10.%',r3")).toEqual([
      { user: "r1", host: "%" },
      { user: "r2", host: "localhost" },
      { user: "we'ird", host: "10.%" },
      { user: "r3", host: "%" },
    ]);
  });
});

describe("MySQL 8 events", () => {
  // The migrator holds DELETE on the queue and EVENT, EXECUTE and CREATE ROUTINE on app.*; its
  // event calls an INVOKER helper that mallory may replace (ALTER ROUTINE, CREATE ROUTINE on app.*).
  const estate = (auditorPrivs: string[]): Server => ({
    ...BASE,
    users: [
      userRow("queue_auditor", "10.20.%", { ssl: "ANY", privs: auditorPrivs }),
      userRow("app_worker", "10.20.%", { ssl: "ANY" }),
      userRow("migrator", "localhost", { locked: true }),
      userRow("mallory", "%"),
    ],
    db: [
      dbRow("migrator", "localhost", ["Event_priv", "Execute_priv"]),
      dbRow("mallory", "%", ["Create_routine_priv", "Alter_routine_priv"]),
    ],
    tables: [...BASE.tables, tablePriv("migrator", "localhost", "Select,Delete")],
    routines: [
      {
        kind: "procedure",
        db: "app",
        name: "note_helper",
        security_type: "INVOKER",
        definer: "migrator@localhost",
        definition: "SELECT 1",
      },
    ],
    events: [{ db: "app", name: "nightly", definer: "migrator@localhost", status: "ENABLED", body: "CALL note_helper()" }],
  });

  it("reads information_schema.EVENTS when the audit account holds EVENT on *.*, and follows what an event calls", async () => {
    const { catalog, sent, fails } = await judge(estate(["Event_priv"]));
    expect(sent).toContain(Q.EVENTS_SQL.mysql);
    expect(catalog.eventScheduler).toBe("ON");
    expect(fails("mysql-unexpected-principal").map((r) => r.evidence.paths)).toEqual([
      [
        "mallory@% -(ALTER ROUTINE on app.*: replaces procedure app.note_helper, which event app.nightly runs as definer migrator@localhost)-> SELECT, DELETE on app.delayed_jobs",
      ],
    ]);
  });

  it("a refusal to read them (SELECT on some columns only) makes them unreadable; any other failure fails the observation", async () => {
    const refusing = (code: string) => {
      const { db } = fakeMysql8(estate(["Event_priv"]));
      return {
        async query(sql: string, values?: unknown[]) {
          if (sql === Q.EVENTS_SQL.mysql) throw Object.assign(new Error("refused"), { code });
          return db.query(sql, values);
        },
      } as MysqlQueryable;
    };
    expect((await readMysqlCatalog(refusing("ER_COLUMNACCESS_DENIED_ERROR"), ["app"], 30)).events).toBe("unreadable");
    expect((await readMysqlCatalog(refusing("ER_TABLEACCESS_DENIED_ERROR"), ["app"], 30)).events).toBe("unreadable");
    await expect(readMysqlCatalog(refusing("ER_LOCK_WAIT_TIMEOUT"), ["app"], 30)).rejects.toThrow("refused");
  });

  it("without it, information_schema.EVENTS would leave databases out silently: the events are unreadable, and the checks say so", async () => {
    const { catalog, sent, results } = await judge(estate([]));
    expect(sent).not.toContain(Q.EVENTS_SQL.mysql);
    expect(catalog.events).toBe("unreadable");
    expect(results.filter((r) => r.checkId === "mysql-unexpected-principal").map((r) => [r.status, r.subject, r.cause?.code])).toEqual([
      ["ERROR", "hidden events", "EVENTS_HIDDEN"],
    ]);
  });
});
