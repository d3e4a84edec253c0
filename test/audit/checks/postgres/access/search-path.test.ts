import { describe, expect, it } from "vitest";
import { RoleGraph } from "../../../../../lib/audit/checks/postgres/access/role-graph.js";
import { parseSearchPath, pinnedSearchPath, unsafeSearchPath } from "../../../../../lib/audit/checks/postgres/access/search-path.js";
import type { PgAclItem, PgCatalog, PgFunction, PgRole, PgSchema } from "../../../../../lib/audit/probes/postgres/types.js";

const ROLES: Record<string, number> = { owner: 10, pg_database_owner: 6171, dbo: 20, intern: 21, su: 22, app: 23 };
const oid = (name: string) => (name === "PUBLIC" ? 0 : (ROLES[name] as number));
const role = (name: string, attrs: Partial<PgRole> = {}): PgRole => ({
  oid: oid(name),
  name,
  login: true,
  superuser: false,
  inherit: true,
  bypassrls: false,
  ...attrs,
});
const grant = (grantee: string, ...privileges: string[]): PgAclItem[] =>
  privileges.map((privilege) => ({ grantee: oid(grantee), grantor: oid("su"), privilege, grantable: false }));
const schema = (name: string, owner: string, acl: PgAclItem[] = []): PgSchema => ({ name, found: true, oid: 3000, owner: oid(owner), acl });

function catalog(namespaces: PgSchema[] | undefined, databaseOwner = oid("dbo")): PgCatalog {
  return {
    serverVersionNum: 160000,
    database: "app",
    currentUser: "auditor",
    roles: [
      role("owner"),
      role("pg_database_owner", { login: false }),
      role("dbo"),
      role("intern"),
      role("su", { superuser: true }),
      role("app"),
    ],
    memberships: [],
    tables: [],
    schemas: [],
    defaultAcls: [],
    databaseOwner,
    ...(namespaces ? { namespaces } : {}),
  };
}

const definer = (config: string[], owner = "owner"): PgFunction => ({
  oid: 500,
  schema: "public",
  name: "purge",
  args: "",
  kind: "f",
  owner: oid(owner),
  securityDefiner: true,
  acl: [],
  config,
  language: "plpgsql",
  body: "BEGIN END",
  sqlStandardBody: false,
  references: [],
});

function why(config: string[], namespaces?: PgSchema[], options: { owner?: string; databaseOwner?: number } = {}) {
  const cat = catalog(namespaces, options.databaseOwner);
  return unsafeSearchPath(definer(config, options.owner), cat, new RoleGraph(cat));
}

describe("search_path as PostgreSQL splits it", () => {
  it("splits on commas outside double quotes, trims each entry and drops empty ones", () => {
    expect(parseSearchPath(" app ,, pg_temp , ")).toEqual(["app", "pg_temp"]);
    expect(parseSearchPath('"a,b", c')).toEqual(["a,b", "c"]);
    expect(parseSearchPath('"We""ird", pg_temp')).toEqual(['We"ird', "pg_temp"]);
  });

  it("keeps a single entry, and an empty value is an empty path", () => {
    expect(parseSearchPath("pg_temp")).toEqual(["pg_temp"]);
    expect(parseSearchPath('"pg_temp"')).toEqual(["pg_temp"]);
    expect(parseSearchPath("")).toEqual([]);
  });
});

describe("the function's own SET search_path", () => {
  it("is read from its settings, whatever comes before it and however the name is cased", () => {
    expect(pinnedSearchPath({ config: ["work_mem=64MB", "search_path=app, pg_temp"] })).toEqual(["app", "pg_temp"]);
    expect(pinnedSearchPath({ config: ["Search_Path=app"] })).toEqual(["app"]);
  });

  it("is absent when no setting is search_path; a setting that only ends in it is another one", () => {
    expect(pinnedSearchPath({ config: [] })).toBeUndefined();
    expect(pinnedSearchPath({ config: ["work_mem=64MB", "app.search_path=x"] })).toBeUndefined();
  });

  it("set to nothing is pinned, to an empty path", () => {
    expect(pinnedSearchPath({ config: ["search_path="] })).toEqual([]);
  });
});

describe("whether a SECURITY DEFINER function's search_path is pinned safely", () => {
  it("is unsafe when not pinned: the caller's search_path applies", () => {
    expect(why([])).toBe("search_path not pinned (no SET search_path): it is the caller's");
  });

  it("is unsafe when pg_temp is not listed, or not last", () => {
    expect(why(["search_path=app, public"])).toBe(
      "search_path app, public does not list pg_temp last (PostgreSQL then searches the caller's temporary schema first)",
    );
    expect(why(["search_path="])).toBe(
      "search_path  does not list pg_temp last (PostgreSQL then searches the caller's temporary schema first)",
    );
    expect(why(["search_path=pg_temp, app, public"])).toBe("search_path pg_temp, app, public puts pg_temp before app, public");
  });

  it("is safe with pg_temp last and only schemas nobody else can create in", () => {
    // pg_catalog and pg_temp are the server's: never judged by who could create in them.
    const ns = [schema("app", "owner", grant("PUBLIC", "USAGE")), schema("pg_catalog", "intern"), schema("pg_temp", "intern")];
    expect(why(["search_path=pg_catalog, app, pg_temp"], ns)).toBeUndefined();
    expect(why(["search_path=pg_temp"], ns)).toBeUndefined();
    // A schema the catalog does not list (it does not exist in the database) holds nothing.
    expect(why(["search_path=missing, pg_temp"], ns)).toBeUndefined();
    expect(why(["search_path=app, pg_temp"], undefined)).toBeUndefined();
  });

  it("names the schema where others can create objects, and who: PUBLIC, a grantee, its owner", () => {
    const ns = [
      schema("app", "owner"),
      schema("shared", "owner", [...grant("PUBLIC", "USAGE", "CREATE")]),
      schema("team", "owner", [...grant("intern", "CREATE"), ...grant("app", "USAGE", "CREATE")]),
      schema("theirs", "intern"),
    ];
    expect(why(["search_path=app, shared, pg_temp"], ns)).toBe(
      "search_path app, shared, pg_temp includes schema shared, where PUBLIC can create objects",
    );
    expect(why(["search_path=team, pg_temp"], ns)).toBe(
      "search_path team, pg_temp includes schema team, where intern, app can create objects",
    );
    expect(why(["search_path=theirs, pg_temp"], ns)).toBe(
      "search_path theirs, pg_temp includes schema theirs, where intern can create objects",
    );
  });

  it("does not count the function's owner, superusers, or privileges other than CREATE", () => {
    const ns = [
      schema("mine", "owner", [...grant("owner", "CREATE"), ...grant("su", "CREATE"), ...grant("intern", "USAGE")]),
      schema("admin", "su"),
    ];
    expect(why(["search_path=mine, admin, pg_temp"], ns)).toBeUndefined();
  });

  it("names a schema owner or grantee the catalog does not know by its oid, and skips a schema whose owner is unknown", () => {
    const ns = [schema("orphan", "owner", grant("owner", "USAGE")), schema("lost", "owner")];
    ns[0] = { ...(ns[0] as PgSchema), owner: 999 };
    ns[1] = { ...(ns[1] as PgSchema), acl: [{ grantee: 998, grantor: 10, privilege: "CREATE", grantable: false }] };
    expect(why(["search_path=orphan, pg_temp"], ns)).toBe(
      "search_path orphan, pg_temp includes schema orphan, where oid 999 can create objects",
    );
    expect(why(["search_path=lost, pg_temp"], ns)).toBe("search_path lost, pg_temp includes schema lost, where oid 998 can create objects");
    const ownerless: PgSchema = { name: "app", found: true, acl: [] };
    expect(why(["search_path=app, pg_temp"], [ownerless])).toBeUndefined();
  });

  it("reads $user as the function's owner", () => {
    const ns = [schema("owner", "owner", grant("intern", "CREATE"))];
    expect(why(["search_path=$user, pg_temp"], ns)).toBe(
      "search_path $user, pg_temp includes schema owner, where intern can create objects",
    );
    expect(why(['search_path="$user", pg_temp'], [schema("owner", "owner")])).toBeUndefined();
  });

  it("takes a schema owned by pg_database_owner as the database owner's", () => {
    const ns = [schema("public", "pg_database_owner")];
    expect(why(["search_path=public, pg_temp"], ns)).toBe(
      "search_path public, pg_temp includes schema public, where dbo can create objects",
    );
    // The function's owner owns the database: nobody else can create there.
    expect(why(["search_path=public, pg_temp"], ns, { databaseOwner: oid("owner") })).toBeUndefined();
    // A superuser owns the database: it holds everything already.
    expect(why(["search_path=public, pg_temp"], ns, { databaseOwner: oid("su") })).toBeUndefined();
    // The database's owner is not known: nobody is named.
    const cat = { ...catalog(ns), databaseOwner: undefined };
    expect(unsafeSearchPath(definer(["search_path=public, pg_temp"]), cat, new RoleGraph(cat))).toBeUndefined();
  });
});
