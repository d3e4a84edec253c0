import { describe, expect, it } from "vitest";
import { computeAccess, RoleGraph, superuserPath } from "../../../../../lib/audit/checks/postgres/access/role-graph.js";
import type { PgAclItem, PgCatalog, PgMembership, PgRole, PgTable } from "../../../../../lib/audit/probes/postgres/types.js";

let nextOid = 20000;
const ids = new Map<string, number>();
function role(name: string, attrs: Partial<PgRole> = {}): PgRole {
  const oid = nextOid++;
  ids.set(name, oid);
  return { oid, name, login: true, superuser: false, inherit: true, bypassrls: false, ...attrs };
}
const oid = (name: string) => (name === "PUBLIC" ? 0 : (ids.get(name) as number));
const grant = (grantee: string, ...privileges: string[]): PgAclItem[] =>
  privileges.map((privilege) => ({ grantee: oid(grantee), grantor: oid("owner"), privilege, grantable: false }));
const member = (m: string, r: string, opts: Partial<PgMembership> = {}): PgMembership => ({
  member: oid(m),
  role: oid(r),
  admin: false,
  inherit: true,
  set: true,
  ...opts,
});

function catalog(roles: PgRole[], memberships: PgMembership[], table: Partial<PgTable>, version = 160000): PgCatalog {
  return {
    serverVersionNum: version,
    database: "app",
    currentUser: "auditor",
    roles,
    memberships,
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
        ...table,
      },
    ],
    schemas: [],
    defaultAcls: [],
  };
}

function accessOf(cat: PgCatalog, who: string) {
  return computeAccess(cat)
    .get("public.jobs")
    ?.table.principals.find((p) => p.role === who);
}

describe("effective access", () => {
  it("follows inherited membership chains of any depth and names the path", () => {
    const roles = [role("owner"), role("g1", { login: false }), role("g2", { login: false }), role("g3", { login: false }), role("bob")];
    const cat = catalog(roles, [member("bob", "g3"), member("g3", "g2"), member("g2", "g1")], { acl: grant("g1", "UPDATE", "SELECT") });
    expect(accessOf(cat, "bob")).toMatchObject({
      privileges: ["SELECT", "UPDATE"],
      paths: [{ source: "grant", reach: "inherit", chain: ["bob", "g3", "g2", "g1"], text: "bob -> g3 -> g2 -> g1: SELECT, UPDATE" }],
    });
  });

  it("reports only roles that can log in, unless asked for others", () => {
    const roles = [role("owner", { login: false }), role("grp", { login: false })];
    const cat = catalog(roles, [], { acl: grant("grp", "SELECT") });
    expect(computeAccess(cat).get("public.jobs")?.table.principals).toEqual([]);
    expect(
      computeAccess(cat, { include: ["grp"] })
        .get("public.jobs")
        ?.table.principals.map((p) => p.role),
    ).toEqual(["grp"]);
  });

  it("before 16, a NOINHERIT member reaches the group only through SET ROLE", () => {
    const roles = [role("owner"), role("grp", { login: false }), role("dan", { inherit: false })];
    // The probe derives inherit from the member's attribute and set=true before 16.
    const cat = catalog(roles, [member("dan", "grp", { inherit: false, set: true })], { acl: grant("grp", "DELETE") }, 150000);
    expect(accessOf(cat, "dan")?.paths).toEqual([expect.objectContaining({ reach: "set role", text: "dan -> SET ROLE grp: DELETE" })]);
  });

  it("on 16+, a grant WITH INHERIT FALSE, SET FALSE gives nothing, and SET TRUE reaches through SET ROLE and what that role inherits", () => {
    const roles = [role("owner"), role("grp", { login: false }), role("sub", { login: false }), role("erin"), role("frank")];
    const cat = catalog(
      roles,
      [member("erin", "sub", { inherit: false, set: false }), member("frank", "sub", { inherit: false, set: true }), member("sub", "grp")],
      { acl: grant("grp", "INSERT") },
    );
    expect(accessOf(cat, "erin")).toBeUndefined();
    expect(accessOf(cat, "frank")?.paths[0]?.text).toBe("frank -> SET ROLE sub -> grp: INSERT");
  });

  it("on 16+, SET ROLE does not pass through a grant without SET", () => {
    const roles = [role("owner"), role("a", { login: false }), role("b", { login: false }), role("carl")];
    // carl inherits a (no SET), a may SET ROLE b: carl can neither inherit b nor SET ROLE to it.
    const cat = catalog(roles, [member("carl", "a", { inherit: true, set: false }), member("a", "b", { inherit: false, set: true })], {
      acl: grant("b", "SELECT"),
    });
    expect(accessOf(cat, "carl")).toBeUndefined();
  });

  it("gives the owner everything, also to members of the owner role", () => {
    const roles = [role("owner", { login: false }), role("app")];
    const cat = catalog(roles, [member("app", "owner")], { acl: [] }, 170000);
    expect(accessOf(cat, "app")).toMatchObject({
      privileges: ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"],
      paths: [{ source: "owner", text: "app -> owner: owner (all privileges)" }],
    });
  });

  it("gives superusers everything, also roles that can SET ROLE to one, but not by inheritance alone on 16+", () => {
    const roles = [role("owner"), role("su", { superuser: true }), role("setter"), role("inheritor")];
    const cat = catalog(
      roles,
      [member("setter", "su", { inherit: false, set: true }), member("inheritor", "su", { inherit: true, set: false })],
      {},
      160000,
    );
    expect(accessOf(cat, "su")?.paths.map((p) => p.source)).toEqual(["superuser"]);
    expect(accessOf(cat, "setter")?.paths[0]?.text).toBe("setter -> SET ROLE su: superuser (all privileges)");
    expect(accessOf(cat, "inheritor")).toBeUndefined();
    const graph = new RoleGraph(cat);
    expect(superuserPath(graph, roles[3] as PgRole)).toBeUndefined();
  });

  it("treats rds_superuser members as all-powerful", () => {
    const roles = [role("owner"), role("rds_superuser", { login: false }), role("master")];
    const cat = catalog(roles, [member("master", "rds_superuser")], {});
    expect(accessOf(cat, "master")?.paths[0]).toMatchObject({
      source: "rds_superuser",
      text: "master -> rds_superuser: rds_superuser member (all privileges)",
    });
  });

  it("counts column grants and names the columns", () => {
    const roles = [role("owner"), role("carol")];
    const cat = catalog(roles, [], {
      columnAcls: [
        { column: "run_at", acl: grant("carol", "UPDATE") },
        { column: "attempts", acl: grant("carol", "UPDATE") },
      ],
    });
    expect(accessOf(cat, "carol")?.paths).toEqual([
      expect.objectContaining({
        source: "column grant",
        privileges: ["UPDATE"],
        columns: ["run_at", "attempts"],
        text: "carol: UPDATE (columns: run_at, attempts)",
      }),
    ]);
  });

  it("gives everyone PUBLIC's privileges, and lists them for the object", () => {
    const roles = [role("owner"), role("anyone")];
    const cat = catalog(roles, [], { acl: grant("PUBLIC", "SELECT") });
    const access = computeAccess(cat).get("public.jobs");
    expect(access?.table.publicPrivileges).toEqual(["SELECT"]);
    expect(accessOf(cat, "anyone")?.paths).toEqual([expect.objectContaining({ source: "PUBLIC", text: "anyone -> PUBLIC: SELECT" })]);
  });

  it("gives pg_read_all_data, pg_write_all_data and pg_maintain members their privileges (MAINTAIN from 17)", () => {
    const roles = [
      role("owner"),
      role("pg_read_all_data", { login: false }),
      role("pg_write_all_data", { login: false }),
      role("pg_maintain", { login: false }),
      role("ops"),
    ];
    const memberships = [member("ops", "pg_read_all_data"), member("ops", "pg_write_all_data"), member("ops", "pg_maintain")];
    expect(accessOf(catalog(roles, memberships, {}, 170000), "ops")?.privileges).toEqual([
      "SELECT",
      "INSERT",
      "UPDATE",
      "DELETE",
      "MAINTAIN",
    ]);
    expect(accessOf(catalog(roles, memberships, {}, 160000), "ops")?.privileges).toEqual(["SELECT", "INSERT", "UPDATE", "DELETE"]);
  });

  it("computes owned sequences with sequence privileges", () => {
    const roles = [role("owner"), role("worker")];
    const cat = catalog(roles, [], {
      sequences: [
        { oid: 2, schema: "public", name: "jobs_id_seq", owner: oid("owner"), column: "id", acl: grant("worker", "USAGE", "SELECT") },
      ],
    });
    const seq = computeAccess(cat).get("public.jobs")?.sequences[0];
    expect(seq?.principals.find((p) => p.role === "worker")?.privileges).toEqual(["USAGE", "SELECT"]);
    expect(seq?.principals.find((p) => p.role === "owner")?.privileges).toEqual(["USAGE", "SELECT", "UPDATE"]);
  });

  it("survives membership cycles", () => {
    const roles = [role("owner"), role("a"), role("b", { login: false })];
    const cat = catalog(roles, [member("a", "b"), member("b", "a")], { acl: grant("b", "SELECT") });
    expect(accessOf(cat, "a")?.privileges).toEqual(["SELECT"]);
  });
});

describe("privilege escalation through role administration", () => {
  const textsOf = (cat: PgCatalog, who: string) => accessOf(cat, who)?.paths.map((p) => p.text);

  for (const version of [150000, 160000]) {
    it(`on ${version / 10000}, a role with ADMIN OPTION on a group reaches the group's access, itself or through a role it inherits`, () => {
      const roles = [role("owner"), role("app_worker", { login: false }), role("team", { login: false }), role("mallory"), role("trudy")];
      // On 16+ an admin grant need carry neither INHERIT nor SET: the holder can grant itself a new membership.
      const adminOnly = version >= 160000 ? { admin: true, inherit: false, set: false } : { admin: true, inherit: false, set: true };
      const cat = catalog(
        roles,
        [member("mallory", "app_worker", adminOnly), member("team", "app_worker", adminOnly), member("trudy", "team")],
        { acl: grant("app_worker", "DELETE") },
        version,
      );
      if (version >= 160000) {
        expect(accessOf(cat, "mallory")?.paths).toEqual([
          expect.objectContaining({
            source: "grant",
            reach: "self-grant",
            chain: ["mallory", "app_worker"],
            text: "mallory -(ADMIN OPTION)-> app_worker: DELETE",
          }),
        ]);
        expect(textsOf(cat, "trudy")).toEqual(["trudy -> team -(ADMIN OPTION)-> app_worker: DELETE"]);
      } else {
        // Before 16 an admin holder is a member, and any membership allows SET ROLE: the existing path is the evidence.
        expect(textsOf(cat, "mallory")).toEqual(["mallory -> SET ROLE app_worker: DELETE"]);
        expect(textsOf(cat, "trudy")).toEqual(["trudy -> SET ROLE team -> SET ROLE app_worker: DELETE"]);
      }
    });
  }

  it("follows escalations that open further ones, and what the granted role inherits", () => {
    const roles = [role("owner"), role("a", { login: false }), role("b", { login: false }), role("c", { login: false }), role("mallory")];
    const cat = catalog(
      roles,
      [
        member("mallory", "a", { admin: true, inherit: false, set: false }),
        member("a", "b", { admin: true, inherit: false, set: false }),
        member("b", "c"),
      ],
      { acl: grant("c", "SELECT") },
    );
    expect(textsOf(cat, "mallory")).toEqual(["mallory -(ADMIN OPTION)-> a -(ADMIN OPTION)-> b -> c: SELECT"]);
  });

  it("does not escalate to a superuser role (only a superuser may grant it), nor through ADMIN OPTION held by a role not inherited", () => {
    const roles = [
      role("owner"),
      role("su", { superuser: true, login: false }),
      role("grp", { login: false }),
      role("team", { login: false }),
    ];
    roles.push(role("mallory"), role("eve"));
    const cat = catalog(
      roles,
      [
        member("mallory", "su", { admin: true, inherit: false, set: false }),
        member("team", "grp", { admin: true, inherit: false, set: false }),
        member("eve", "team", { inherit: false, set: false }),
      ],
      { acl: grant("grp", "UPDATE") },
    );
    expect(accessOf(cat, "mallory")).toBeUndefined();
    expect(accessOf(cat, "eve")).toBeUndefined();
  });

  it("before 16, CREATEROLE reaches every non-superuser role, also through SET ROLE to the CREATEROLE role", () => {
    const roles = [
      role("owner", { login: false }),
      role("app_worker", { login: false }),
      role("creator", { login: false, createrole: true }),
    ];
    roles.push(
      role("ops", { createrole: true }),
      role("dan"),
      role("su", { superuser: true, login: false }),
      role("bridge", { login: false }),
    );
    const memberships = [member("dan", "creator", { inherit: false, set: true }), member("bridge", "su")];
    const cat = catalog(roles, memberships, { acl: grant("app_worker", "DELETE") }, 150000);
    const ops = accessOf(cat, "ops");
    expect(ops?.paths[0]).toMatchObject({
      source: "superuser",
      reach: "self-grant",
      text: "ops -(CREATEROLE, PostgreSQL ≤15)-> bridge -> SET ROLE su: superuser (all privileges)",
    });
    expect(ops?.paths.map((p) => p.text)).toEqual(
      expect.arrayContaining([
        "ops -(CREATEROLE, PostgreSQL ≤15)-> owner: owner (all privileges)",
        "ops -(CREATEROLE, PostgreSQL ≤15)-> app_worker: DELETE",
      ]),
    );
    expect(textsOf(cat, "dan")).toEqual(
      expect.arrayContaining(["dan -> SET ROLE creator -(CREATEROLE, PostgreSQL ≤15)-> app_worker: DELETE"]),
    );
    expect(superuserPath(new RoleGraph(cat), roles[3] as PgRole)?.text).toBe(
      "ops -(CREATEROLE, PostgreSQL ≤15)-> bridge -> SET ROLE su: superuser",
    );
  });

  it("on 16+, CREATEROLE alone reaches nothing; the ADMIN OPTION on roles it created does", () => {
    const roles = [
      role("owner", { login: false }),
      role("app_worker", { login: false }),
      role("made", { login: false }),
      role("ops", { createrole: true }),
    ];
    const cat = catalog(
      roles,
      [member("ops", "made", { admin: true, inherit: false, set: false })],
      { acl: [...grant("app_worker", "DELETE"), ...grant("made", "SELECT")] },
      160000,
    );
    expect(textsOf(cat, "ops")).toEqual(["ops -(ADMIN OPTION)-> made: SELECT"]);
  });
});
