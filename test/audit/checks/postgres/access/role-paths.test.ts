/**
 * The role graph's answers one by one: which chain is the evidence, how each hop reads, what
 * each predefined role gives on tables and on sequences, and the exact text an auditor reads.
 */
import { describe, expect, it } from "vitest";
import {
  type AccessPath,
  computeAccess,
  grantPaths,
  kindOf,
  ordered,
  type PrincipalAccess,
  privilegesBesidesPublic,
  RoleGraph,
  superuserPath,
  tableAccess,
  tablePrivileges,
  throughPublic,
} from "../../../../../lib/audit/checks/postgres/access/role-graph.js";
import type { PgAclItem, PgCatalog, PgMembership, PgRole, PgSequence, PgTable } from "../../../../../lib/audit/probes/postgres/types.js";

const ROLES = [
  "owner",
  "bob",
  "g1",
  "g2",
  "su",
  "setter",
  "pg_database_owner",
  "app",
  "rds_superuser",
  "pg_execute_server_program",
  "pg_write_server_files",
  "pg_read_all_data",
  "pg_write_all_data",
  "pg_maintain",
  "pg_read_server_files",
  "rds_replication",
  "repl",
  "carol",
  "dave",
] as const;
type Name = (typeof ROLES)[number];
const oid = (name: Name | "PUBLIC") => (name === "PUBLIC" ? 0 : 30000 + ROLES.indexOf(name));
const NOLOGIN = new Set<Name>([
  "g1",
  "g2",
  "pg_database_owner",
  "rds_superuser",
  "pg_execute_server_program",
  "pg_write_server_files",
  "pg_read_all_data",
  "pg_write_all_data",
  "pg_maintain",
  "pg_read_server_files",
  "rds_replication",
]);
const role = (name: Name, attrs: Partial<PgRole> = {}): PgRole => ({
  oid: oid(name),
  name,
  login: !NOLOGIN.has(name),
  superuser: name === "su",
  inherit: true,
  bypassrls: false,
  ...(name === "repl" ? { replication: true } : {}),
  ...attrs,
});
const grant = (grantee: Name | "PUBLIC", ...privileges: string[]): PgAclItem[] =>
  privileges.map((privilege) => ({ grantee: oid(grantee), grantor: oid("owner"), privilege, grantable: false }));
const member = (m: Name, r: Name, opts: Partial<PgMembership> = {}): PgMembership => ({
  member: oid(m),
  role: oid(r),
  admin: false,
  inherit: true,
  set: true,
  ...opts,
});
const sequence = (acl: PgAclItem[] = []): PgSequence => ({
  oid: 2,
  schema: "public",
  name: "jobs_id_seq",
  owner: oid("owner"),
  column: "id",
  acl,
});

function catalog(parts: { memberships?: PgMembership[]; table?: Partial<PgTable>; version?: number; databaseOwner?: number } = {}) {
  const cat: PgCatalog = {
    serverVersionNum: parts.version ?? 160000,
    database: "app",
    currentUser: "auditor",
    roles: ROLES.map((n) => role(n)),
    memberships: parts.memberships ?? [],
    tables: [
      {
        schema: "public",
        name: "jobs",
        found: true,
        oid: 1,
        owner: oid("owner"),
        relkind: "r",
        acl: [],
        columnAcls: [],
        sequences: [],
        ...parts.table,
      },
    ],
    schemas: [],
    defaultAcls: [],
    ...(parts.databaseOwner !== undefined ? { databaseOwner: parts.databaseOwner } : {}),
  };
  return cat;
}

const tableOf = (cat: PgCatalog) => computeAccess(cat).get("public.jobs")?.table;
const accessOf = (cat: PgCatalog, who: Name) => tableOf(cat)?.principals.find((p) => p.role === who);
const textsOf = (cat: PgCatalog, who: Name) => accessOf(cat, who)?.paths.map((p) => p.text);
const roleOf = (cat: PgCatalog, who: Name) => cat.roles.find((r) => r.name === who) as PgRole;

describe("the chain given as evidence", () => {
  it("is the shortest chain of memberships", () => {
    const cat = catalog({
      memberships: [member("bob", "g2"), member("g2", "g1"), member("bob", "g1")],
      table: { acl: grant("g1", "SELECT") },
    });
    expect(accessOf(cat, "bob")?.paths).toEqual([
      expect.objectContaining({ source: "grant", reach: "inherit", chain: ["bob", "g1"], text: "bob -> g1: SELECT" }),
    ]);
  });

  it("prefers an inherited membership over SET ROLE to the same role", () => {
    const cat = catalog({
      memberships: [member("bob", "g1", { inherit: false, set: true }), member("bob", "g2"), member("g2", "g1")],
      table: { acl: grant("g1", "DELETE") },
    });
    expect(accessOf(cat, "bob")?.paths).toEqual([expect.objectContaining({ reach: "inherit", text: "bob -> g2 -> g1: DELETE" })]);
  });

  it("reads a role's own privileges as its own, and a role it can only SET ROLE to as SET ROLE", () => {
    const cat = catalog({
      memberships: [member("setter", "g1", { inherit: false, set: true })],
      table: { acl: [...grant("bob", "SELECT"), ...grant("g1", "UPDATE")] },
    });
    expect(accessOf(cat, "bob")?.paths).toEqual([expect.objectContaining({ reach: "self", chain: ["bob"], text: "bob: SELECT" })]);
    expect(accessOf(cat, "setter")?.paths).toEqual([
      expect.objectContaining({ reach: "set role", chain: ["setter", "g1"], text: "setter -> SET ROLE g1: UPDATE" }),
    ]);
  });

  it("a superuser is one by itself; a role that can SET ROLE to one is one by SET ROLE", () => {
    const cat = catalog({ memberships: [member("setter", "su", { inherit: false, set: true })] });
    expect(accessOf(cat, "su")?.paths).toEqual([
      expect.objectContaining({ source: "superuser", reach: "self", chain: ["su"], text: "su: superuser (all privileges)" }),
    ]);
    expect(accessOf(cat, "setter")?.paths[0]).toMatchObject({ reach: "set role", chain: ["setter", "su"] });
    const graph = new RoleGraph(cat);
    expect(superuserPath(graph, roleOf(cat, "su"))).toEqual({ how: "superuser", text: "su: superuser" });
    expect(superuserPath(graph, roleOf(cat, "setter"))).toEqual({ how: "superuser", text: "setter -> SET ROLE su: superuser" });
    expect(superuserPath(graph, roleOf(cat, "bob"))).toBeUndefined();
  });

  it("says the database owner reaches pg_database_owner by owning the database, as an inherited membership", () => {
    const cat = catalog({ databaseOwner: oid("app"), table: { acl: grant("pg_database_owner", "SELECT") } });
    expect(accessOf(cat, "app")?.paths).toEqual([
      expect.objectContaining({
        source: "grant",
        reach: "inherit",
        chain: ["app", "pg_database_owner"],
        text: "app -(owns database)-> pg_database_owner: SELECT",
      }),
    ]);
    // Only the owner of the database: nobody else is a member.
    expect(accessOf(cat, "bob")).toBeUndefined();
    // A catalog that names no database owner gives pg_database_owner no member.
    expect(accessOf(catalog({ table: { acl: grant("pg_database_owner", "SELECT") } }), "app")).toBeUndefined();
  });

  it("before 14 there is no pg_database_owner: the database owner is no member of anything by owning it", () => {
    const cat = catalog({ databaseOwner: oid("app"), table: { acl: grant("g1", "SELECT") }, version: 130000 });
    const old = { ...cat, roles: cat.roles.filter((r) => r.name !== "pg_database_owner") };
    expect(accessOf(old, "app")).toBeUndefined();
    expect(textsOf(old, "owner")).toEqual(["owner: owner (all privileges)"]);
  });

  it("reads the database owner's further memberships as ordinary hops", () => {
    const cat = catalog({
      databaseOwner: oid("app"),
      memberships: [member("pg_database_owner", "g1")],
      table: { acl: grant("g1", "SELECT") },
    });
    expect(textsOf(cat, "app")).toEqual(["app -(owns database)-> pg_database_owner -> g1: SELECT"]);
  });
});

describe("roles acting on every table", () => {
  it("pg_execute_server_program and pg_write_server_files are superuser-equivalent, with their own evidence", () => {
    const cat = catalog({ memberships: [member("bob", "pg_execute_server_program"), member("carol", "pg_write_server_files")] });
    expect(accessOf(cat, "bob")).toMatchObject({
      privileges: ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"],
      paths: [
        {
          source: "pg_execute_server_program",
          text: "bob -> pg_execute_server_program: pg_execute_server_program (superuser-equivalent: all privileges)",
        },
      ],
    });
    expect(textsOf(cat, "carol")).toEqual(["carol -> pg_write_server_files: pg_write_server_files (superuser-equivalent: all privileges)"]);
    const graph = new RoleGraph(cat);
    expect(superuserPath(graph, roleOf(cat, "bob"))).toEqual({
      how: "pg_execute_server_program",
      text: "bob -> pg_execute_server_program: pg_execute_server_program (superuser-equivalent)",
    });
    expect(superuserPath(graph, roleOf(cat, "carol"))?.how).toBe("pg_write_server_files");
  });

  it("rds_superuser members hold everything, and superuserPath says so", () => {
    const cat = catalog({ memberships: [member("bob", "rds_superuser")] });
    expect(accessOf(cat, "bob")?.privileges).toEqual(tablePrivileges(160000));
    expect(superuserPath(new RoleGraph(cat), roleOf(cat, "bob"))).toEqual({
      how: "rds_superuser",
      text: "bob -> rds_superuser: rds_superuser member",
    });
  });

  it("the data roles give what they name, each with its own path", () => {
    const cat = catalog({
      memberships: [
        member("bob", "pg_read_all_data"),
        member("carol", "pg_write_all_data"),
        member("dave", "pg_maintain"),
        member("app", "pg_read_server_files"),
        member("setter", "rds_replication"),
      ],
      version: 170000,
    });
    expect(textsOf(cat, "bob")).toEqual(["bob -> pg_read_all_data: SELECT"]);
    expect(textsOf(cat, "carol")).toEqual(["carol -> pg_write_all_data: INSERT, UPDATE, DELETE"]);
    expect(textsOf(cat, "dave")).toEqual(["dave -> pg_maintain: MAINTAIN"]);
    expect(accessOf(cat, "dave")?.paths[0]?.source).toBe("pg_maintain");
    expect(textsOf(cat, "app")).toEqual(["app -> pg_read_server_files: SELECT"]);
    expect(textsOf(cat, "setter")).toEqual(["setter -> rds_replication: SELECT"]);
    // pg_maintain gives nothing before 17: MAINTAIN does not exist there.
    expect(accessOf({ ...cat, serverVersionNum: 169999 }, "dave")).toBeUndefined();
  });

  it("on a sequence, pg_read_all_data reads and pg_write_all_data updates; REPLICATION and the server-file roles give nothing there", () => {
    const cat = catalog({
      memberships: [member("bob", "pg_read_all_data"), member("carol", "pg_write_all_data"), member("app", "pg_read_server_files")],
      table: { sequences: [sequence()] },
    });
    const seq = computeAccess(cat).get("public.jobs")?.sequences[0];
    const on = (who: Name) => seq?.principals.find((p) => p.role === who);
    expect(on("bob")?.paths.map((p) => p.text)).toEqual(["bob -> pg_read_all_data: SELECT"]);
    expect(on("carol")?.paths.map((p) => p.text)).toEqual(["carol -> pg_write_all_data: UPDATE"]);
    expect(on("repl")).toBeUndefined();
    expect(on("app")).toBeUndefined();
    // On the table itself, REPLICATION reads every row.
    expect(textsOf(cat, "repl")).toEqual(["repl: REPLICATION (reads every row by streaming or logical decoding)"]);
  });

  it("REPLICATION counts when the role can SET ROLE to a replication role, not when it only inherits one", () => {
    const cat = catalog({
      memberships: [member("bob", "repl", { inherit: false, set: true }), member("carol", "repl", { inherit: true, set: false })],
    });
    expect(textsOf(cat, "bob")).toEqual(["bob -> SET ROLE repl: REPLICATION (reads every row by streaming or logical decoding)"]);
    expect(accessOf(cat, "carol")).toBeUndefined();
  });
});

describe("grants and the owner", () => {
  it("the owner's own ACL entries are not a second path: it is the owner", () => {
    const cat = catalog({ table: { acl: grant("owner", "SELECT", "INSERT") } });
    expect(textsOf(cat, "owner")).toEqual(["owner: owner (all privileges)"]);
  });

  it("lists a grant's privileges in canonical order, and each column privilege on its own with its columns", () => {
    const cat = catalog({
      table: {
        acl: grant("bob", "DELETE", "SELECT"),
        columnAcls: [
          { column: "run_at", acl: [...grant("bob", "UPDATE"), ...grant("bob", "INSERT")] },
          { column: "attempts", acl: grant("bob", "UPDATE") },
        ],
      },
    });
    expect(accessOf(cat, "bob")).toMatchObject({
      privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"],
      paths: [
        { source: "grant", privileges: ["SELECT", "DELETE"], text: "bob: SELECT, DELETE" },
        {
          source: "column grant",
          privileges: ["UPDATE"],
          columns: ["run_at", "attempts"],
          text: "bob: UPDATE (columns: run_at, attempts)",
        },
        { source: "column grant", privileges: ["INSERT"], columns: ["run_at"], text: "bob: INSERT (columns: run_at)" },
      ],
    });
  });

  it("gives everyone PUBLIC's column privileges, naming the columns", () => {
    const cat = catalog({
      table: { acl: grant("PUBLIC", "SELECT"), columnAcls: [{ column: "run_at", acl: grant("PUBLIC", "UPDATE") }] },
    });
    expect(tableOf(cat)?.publicPrivileges).toEqual(["SELECT", "UPDATE"]);
    expect(accessOf(cat, "bob")?.paths).toEqual([
      {
        source: "PUBLIC",
        reach: "public",
        chain: ["bob", "PUBLIC"],
        privileges: ["SELECT", "UPDATE"],
        columns: ["run_at"],
        text: "bob -> PUBLIC: SELECT, UPDATE",
        chainText: "bob -> PUBLIC",
      },
    ]);
    // A table-wide PUBLIC grant names no columns.
    const wide = catalog({ table: { acl: grant("PUBLIC", "SELECT") } });
    expect(accessOf(wide, "bob")?.paths[0]).not.toHaveProperty("columns");
  });

  it("names an owner the catalog does not know by its oid", () => {
    const cat = catalog({ table: { owner: 999 } });
    expect(tableOf(cat)?.owner).toBe("oid 999");
    expect(tableOf(catalog())?.owner).toBe("owner");
  });

  it("the privileges besides PUBLIC's leave out what only PUBLIC gives", () => {
    const cat = catalog({ table: { acl: [...grant("PUBLIC", "SELECT"), ...grant("bob", "UPDATE")] } });
    const bob = accessOf(cat, "bob") as PrincipalAccess;
    expect(bob.privileges).toEqual(["SELECT", "UPDATE"]);
    expect(privilegesBesidesPublic(bob)).toEqual(["UPDATE"]);
  });
});

describe("which tables and roles are computed", () => {
  it("skips tables that were not found, and refuses to compute one", () => {
    const cat = catalog();
    const missing: PgTable = { schema: "public", name: "gone", found: false, acl: [], columnAcls: [], sequences: [] };
    cat.tables.push(missing);
    expect([...computeAccess(cat).keys()]).toEqual(["public.jobs"]);
    expect(() => tableAccess(cat, missing)).toThrow("table public.gone was not found; its access cannot be computed");
    expect(() => tableAccess(cat, { ...missing, found: true })).toThrow("table public.gone was not found");
  });

  it("reports a role that cannot log in only when asked for it", () => {
    const cat = catalog({ table: { acl: grant("g1", "SELECT") } });
    // The login roles holding anything: the owner, the superuser, the replication role.
    expect(tableAccess(cat, cat.tables[0] as PgTable).table.principals.map((p) => p.role)).toEqual(["owner", "su", "repl"]);
    expect(tableAccess(cat, cat.tables[0] as PgTable, { include: ["g1"] }).table.principals.find((p) => p.role === "g1")).toEqual(
      expect.objectContaining({ role: "g1", login: false, privileges: ["SELECT"] }),
    );
  });
});

describe("privileges in canonical order", () => {
  it("keeps the kind's order, each once, and puts unknown privileges last, sorted", () => {
    expect(ordered(["UPDATE", "SELECT", "UPDATE"], ["SELECT", "UPDATE"])).toEqual(["SELECT", "UPDATE"]);
    expect(ordered(["X", "UPDATE", "B", "SELECT"], ["SELECT", "UPDATE"])).toEqual(["SELECT", "UPDATE", "B", "X"]);
    expect(ordered(new Set(["B", "A"]), [])).toEqual(["A", "B"]);
  });

  it("has MAINTAIN from PostgreSQL 17", () => {
    expect(tablePrivileges(169999)).not.toContain("MAINTAIN");
    expect(tablePrivileges(170000)).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"]);
  });
});

describe("granting oneself a role", () => {
  it("on 15, CREATEROLE grants any role but a superuser, from the role itself, once", () => {
    const roles = catalog({ table: { acl: grant("g1", "SELECT") }, version: 150000 });
    const cat = { ...roles, roles: roles.roles.map((r) => (r.name === "bob" ? { ...r, createrole: true } : r)) };
    expect(accessOf(cat, "bob")?.paths).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: "grant", reach: "self-grant", text: "bob -(CREATEROLE, PostgreSQL ≤15)-> g1: SELECT" }),
      ]),
    );
    expect(accessOf(cat, "bob")?.paths.some((p) => p.source === "superuser")).toBe(false);
    expect(superuserPath(new RoleGraph(cat), roleOf(cat, "bob"))?.how).toBe("rds_superuser");
  });

  it("keeps the existing SET ROLE to a superuser as the evidence, not a longer chain through a self-grant", () => {
    const cat = catalog({
      memberships: [
        member("bob", "su", { inherit: false, set: true }),
        member("bob", "g1", { admin: true, inherit: false, set: false }),
        member("g1", "su", { inherit: false, set: true }),
      ],
    });
    expect(superuserPath(new RoleGraph(cat), roleOf(cat, "bob"))?.text).toBe("bob -> SET ROLE su: superuser");
  });

  it("survives a membership in a role the catalog does not list (dropped while it was read)", () => {
    const cat = catalog({
      memberships: [{ member: oid("bob"), role: 999, admin: true, inherit: true, set: true }, member("bob", "g1")],
      table: { acl: grant("g1", "SELECT") },
      version: 150000,
    });
    expect(textsOf(cat, "bob")).toEqual(["bob -> g1: SELECT"]);
  });

  it("ADMIN OPTION through SET ROLE counts: the granted role's access is reached", () => {
    const cat = catalog({
      memberships: [member("bob", "g2", { inherit: false, set: true }), member("g2", "g1", { admin: true, inherit: false, set: false })],
      table: { acl: grant("g1", "SELECT") },
    });
    expect(textsOf(cat, "bob")).toEqual(["bob -> SET ROLE g2 -(ADMIN OPTION)-> g1: SELECT"]);
  });
});

describe("REPLICATION acts on tables only", () => {
  const REPLICATION_PATH = {
    source: "replication",
    reach: "self",
    chain: ["repl"],
    privileges: ["SELECT"],
    text: "repl: REPLICATION (reads every row by streaming or logical decoding)",
    chainText: "repl",
  };

  it("a REPLICATION role reads every row of the table, and holds on a sequence only what it is granted there", () => {
    const cat = catalog({ table: { sequences: [sequence(grant("repl", "USAGE"))] } });
    const access = computeAccess(cat).get("public.jobs");
    expect(access?.table.principals.find((p) => p.role === "repl")).toStrictEqual({
      role: "repl",
      login: true,
      privileges: ["SELECT"],
      paths: [REPLICATION_PATH],
    });
    expect(access?.sequences[0]?.principals.find((p) => p.role === "repl")).toStrictEqual({
      role: "repl",
      login: true,
      privileges: ["USAGE"],
      paths: [{ source: "grant", reach: "self", chain: ["repl"], privileges: ["USAGE"], text: "repl: USAGE", chainText: "repl" }],
    });
  });

  it("a REPLICATION role gets no path to a function it was not granted EXECUTE on", () => {
    const cat = catalog();
    const graph = new RoleGraph(cat);
    const fn = { owner: oid("owner"), acl: [], columnAcls: [] };
    expect(grantPaths(graph, fn, roleOf(cat, "repl"), kindOf("function", 160000))).toStrictEqual([]);
    // The same ACL read as a table's: REPLICATION reads it.
    expect(grantPaths(graph, fn, roleOf(cat, "repl"), kindOf("table", 160000))).toStrictEqual([REPLICATION_PATH]);
  });
});

describe("column grants", () => {
  it("names a column once when two grantors gave the same privilege on it", () => {
    const byAdmin = { grantee: oid("carol"), grantor: oid("su"), privilege: "UPDATE", grantable: false };
    const cat = catalog({ table: { columnAcls: [{ column: "run_at", acl: [...grant("carol", "UPDATE"), byAdmin] }] } });
    expect(accessOf(cat, "carol")?.paths).toStrictEqual([
      {
        source: "column grant",
        reach: "self",
        chain: ["carol"],
        privileges: ["UPDATE"],
        columns: ["run_at"],
        text: "carol: UPDATE (columns: run_at)",
        chainText: "carol",
      },
    ]);
  });

  it("tables built from one ACL array each report their own column grants, whichever is computed first", () => {
    const shared = grant("bob", "SELECT");
    const other = grant("bob", "SELECT");
    const table = (name: string, acl: PgAclItem[], columnAcls: PgTable["columnAcls"]): PgTable => ({
      schema: "public",
      name,
      found: true,
      oid: 1,
      owner: oid("owner"),
      relkind: "r",
      acl,
      columnAcls,
      sequences: [],
    });
    const cat = catalog();
    cat.tables = [
      table("with_columns", shared, [{ column: "run_at", acl: grant("carol", "UPDATE") }]),
      table("without_columns", shared, []),
      table("empty_first", other, []),
      table("columns_second", other, [{ column: "attempts", acl: grant("dave", "UPDATE") }]),
    ];
    const access = computeAccess(cat);
    const roles = (name: string) =>
      access
        .get(`public.${name}`)
        ?.table.principals.filter((p) => ["bob", "carol", "dave"].includes(p.role))
        .map((p) => `${p.role}: ${p.paths.map((x) => x.text).join("; ")}`);
    expect(roles("with_columns")).toEqual(["bob: bob: SELECT", "carol: carol: UPDATE (columns: run_at)"]);
    expect(roles("without_columns")).toEqual(["bob: bob: SELECT"]);
    expect(roles("empty_first")).toEqual(["bob: bob: SELECT"]);
    expect(roles("columns_second")).toEqual(["bob: bob: SELECT", "dave: dave: UPDATE (columns: attempts)"]);
  });
});

describe("what PUBLIC gives", () => {
  it("a route whose way in PUBLIC holds is PUBLIC's, not the role's own", () => {
    const own: AccessPath = { source: "grant", reach: "self", chain: ["bob"], privileges: ["UPDATE"], text: "bob: UPDATE" };
    const publicRoute: AccessPath = {
      source: "definer function",
      reach: "public",
      chain: ["bob", "PUBLIC"],
      privileges: ["DELETE"],
      text: "bob -> PUBLIC -(EXECUTE)-> public.purge_jobs() [SECURITY DEFINER, owner owner]: DELETE",
      via: "public.purge_jobs() [SECURITY DEFINER, owner owner]",
      public: true,
    };
    const privateRoute: AccessPath = { ...publicRoute, reach: "self", chain: ["bob"], privileges: ["INSERT"], public: false };
    expect([own, publicRoute, privateRoute].map(throughPublic)).toEqual([false, true, false]);
    const bob: PrincipalAccess = {
      role: "bob",
      login: true,
      privileges: ["INSERT", "UPDATE", "DELETE"],
      paths: [own, publicRoute, privateRoute],
    };
    expect(privilegesBesidesPublic(bob)).toEqual(["INSERT", "UPDATE"]);
  });
});
