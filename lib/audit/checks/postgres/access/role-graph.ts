/**
 * Effective access, computed in memory from a PgCatalog: who can really use each audited
 * table and the sequences it owns, and through which chain of roles. Pure and without
 * per-role queries, so it scales with the catalog, not with round trips.
 *
 * The model follows PostgreSQL's own rules (acl.c, roles_is_member_of):
 * - a role has the privileges of every role it reaches through grants with INHERIT
 *   (before 16: grants whose member has the INHERIT attribute), at any depth;
 * - it may SET ROLE to every role it reaches through grants with SET (before 16: every
 *   grant), and then holds that role's privileges, inherited ones included;
 * - owners hold every privilege; a superuser (or a role that can SET ROLE to one) too;
 *   members of RDS's rds_superuser are treated the same, because they can grant
 *   themselves membership in any owner role;
 * - a role may grant itself any role it holds ADMIN OPTION on (itself, or through a role whose
 *   privileges it uses), and before 16 any non-superuser role when it is, or can SET ROLE
 *   to, a CREATEROLE role; it then holds that role's access (roles with the SUPERUSER
 *   attribute can only be granted by a superuser);
 * - PUBLIC's privileges belong to everyone; column grants give the privilege on those columns;
 * - pg_read_all_data / pg_write_all_data (14+) and pg_maintain (17+) act on every table.
 */
import type { PgAclItem, PgCatalog, PgRole, PgSequence, PgTable } from "../../../probes/postgres/types.js";
import { PUBLIC_OID } from "../../../probes/postgres/types.js";

export const TABLE_PRIVILEGES_BEFORE_17 = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"] as const;
export const SEQUENCE_PRIVILEGES = ["USAGE", "SELECT", "UPDATE"] as const;

export function tablePrivileges(serverVersionNum: number): string[] {
  return serverVersionNum >= 170000 ? [...TABLE_PRIVILEGES_BEFORE_17, "MAINTAIN"] : [...TABLE_PRIVILEGES_BEFORE_17];
}

/** How a role reaches the role that holds the privilege. */
export type Reach = "self" | "inherit" | "set role" | "self-grant" | "public";

/** What gives the privilege. */
export type AccessSource =
  | "grant"
  | "column grant"
  | "PUBLIC"
  | "owner"
  | "superuser"
  | "rds_superuser"
  | "pg_read_all_data"
  | "pg_write_all_data"
  | "pg_maintain";

export interface AccessPath {
  source: AccessSource;
  reach: Reach;
  /** Role names from the principal to the role that holds the privilege. */
  chain: string[];
  privileges: string[];
  /** For column grants: the columns. */
  columns?: string[];
  /** e.g. `hq_bob -> ops_mid -> ops_group: UPDATE`. */
  text: string;
}

export interface PrincipalAccess {
  role: string;
  login: boolean;
  /** Every privilege held, PUBLIC's included, in canonical order. */
  privileges: string[];
  paths: AccessPath[];
}

export interface ObjectAccess {
  kind: "table" | "sequence";
  schema: string;
  name: string;
  /** Owner's role name (or `oid N` if the role is unknown). */
  owner: string;
  /** Privileges granted to PUBLIC on the object (or on some of its columns). */
  publicPrivileges: string[];
  /** Roles with any access, by name. */
  principals: PrincipalAccess[];
}

export interface TableAccess {
  table: ObjectAccess;
  sequences: ObjectAccess[];
}

export interface AccessOptions {
  /** Roles to report even when they cannot log in (e.g. the policy's group roles). */
  include?: readonly string[];
}

interface Edge {
  role: number;
  admin: boolean;
  inherit: boolean;
  set: boolean;
}

/** inherit/set: an existing membership; admin/createrole: a membership the principal can grant itself. */
type Hop = "inherit" | "set" | "admin" | "createrole";

interface Reached {
  /** Role oids from the principal to the holder. */
  chain: number[];
  /** Per hop: how the next role of the chain is reached. */
  hops: Hop[];
  reach: Exclude<Reach, "public">;
}

const PREDEFINED_TABLE: Record<string, readonly string[]> = {
  pg_read_all_data: ["SELECT"],
  pg_write_all_data: ["INSERT", "UPDATE", "DELETE"],
  pg_maintain: ["MAINTAIN"],
};
const PREDEFINED_SEQUENCE: Record<string, readonly string[]> = {
  pg_read_all_data: ["SELECT"],
  pg_write_all_data: ["UPDATE"],
};

const HOP_TEXT: Record<Hop, string> = {
  inherit: " -> ",
  set: " -> SET ROLE ",
  admin: " -(ADMIN OPTION)-> ",
  createrole: " -(CREATEROLE, PostgreSQL ≤15)-> ",
};

/** The membership graph with memoized closures; build once per catalog. */
export class RoleGraph {
  readonly byOid = new Map<number, PgRole>();
  readonly byName = new Map<string, PgRole>();
  private readonly edges = new Map<number, Edge[]>();
  private readonly inheritMemo = new Map<number, Map<number, Reached>>();
  private readonly reachMemo = new Map<number, Map<number, Reached>>();
  private readonly setMemo = new Map<number, Map<number, Reached>>();
  private readonly escalationMemo = new Map<number, { reach: Map<number, Reached>; set: Map<number, Reached> }>();
  /** Before 16, CREATEROLE alone allows granting any non-superuser role. */
  private readonly createroleGrantsAny: boolean;

  constructor(catalog: Pick<PgCatalog, "roles" | "memberships" | "serverVersionNum">) {
    this.createroleGrantsAny = catalog.serverVersionNum < 160000;
    for (const r of catalog.roles) {
      this.byOid.set(r.oid, r);
      this.byName.set(r.name, r);
    }
    for (const m of catalog.memberships) {
      const list = this.edges.get(m.member) ?? [];
      list.push({ role: m.role, admin: m.admin, inherit: m.inherit, set: m.set });
      this.edges.set(m.member, list);
    }
  }

  name(oid: number): string {
    if (oid === PUBLIC_OID) return "PUBLIC";
    return this.byOid.get(oid)?.name ?? `oid ${oid}`;
  }

  /** Breadth-first, so each role is reached by a shortest chain. */
  private closure(start: number, follow: (e: Edge) => boolean, hop: "inherit" | "set"): Map<number, Reached> {
    const seen = new Map<number, Reached>([[start, { chain: [start], hops: [], reach: "self" }]]);
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      const from = queue[i] as number;
      const at = seen.get(from) as Reached;
      for (const e of this.edges.get(from) ?? []) {
        if (!follow(e) || seen.has(e.role)) continue;
        seen.set(e.role, { chain: [...at.chain, e.role], hops: [...at.hops, hop], reach: "inherit" });
        queue.push(e.role);
      }
    }
    return seen;
  }

  /** Roles whose privileges `oid` holds without SET ROLE (itself included). */
  inherited(oid: number): Map<number, Reached> {
    let m = this.inheritMemo.get(oid);
    if (!m) {
      m = this.closure(oid, (e) => e.inherit, "inherit");
      this.inheritMemo.set(oid, m);
    }
    return m;
  }

  /** Roles `oid` can SET ROLE to (itself included): chains of grants with SET. */
  settable(oid: number): Map<number, Reached> {
    let m = this.setMemo.get(oid);
    if (!m) {
      m = this.closure(oid, (e) => e.set, "set");
      for (const r of m.values()) if (r.chain.length > 1) r.reach = "set role";
      this.setMemo.set(oid, m);
    }
    return m;
  }

  /** A superuser role `oid` is or can SET ROLE to, after granting itself what it may (the attribute is never inherited). */
  superuser(oid: number): Reached | undefined {
    for (const r of this.escalated(oid).set.values()) {
      if (this.byOid.get(r.chain[r.chain.length - 1] as number)?.superuser) return r;
    }
    return undefined;
  }

  /**
   * Every role whose privileges `oid` can use, including through memberships it can grant
   * itself. Existing memberships are preferred as evidence, inheritance over SET ROLE.
   */
  reachable(oid: number): Map<number, Reached> {
    return this.escalated(oid).reach;
  }

  /**
   * Roles `oid` can use (`reach`) and SET ROLE to (`set`) once it has granted itself every
   * role it may: breadth-first over the roles it is or can make itself a member of, because
   * each new membership may carry further ADMIN OPTIONs or lead to a CREATEROLE role.
   */
  private escalated(oid: number): { reach: Map<number, Reached>; set: Map<number, Reached> } {
    const memo = this.escalationMemo.get(oid);
    if (memo) return memo;
    const reach = new Map<number, Reached>();
    const set = new Map<number, Reached>();
    const joined = new Set<number>([oid]);
    const queue: Reached[] = [{ chain: [oid], hops: [], reach: "self" }];
    const join = (via: Reached, r: Reached): Reached =>
      via.chain.length === 1 ? r : { chain: [...via.chain, ...r.chain.slice(1)], hops: [...via.hops, ...r.hops], reach: "self-grant" };
    const grant = (from: Reached, role: number, hop: "admin" | "createrole") => {
      if (joined.has(role) || this.byOid.get(role)?.superuser) return;
      joined.add(role);
      queue.push({ chain: [...from.chain, role], hops: [...from.hops, hop], reach: "self-grant" });
    };
    let createroleUsed = false;
    for (let i = 0; i < queue.length; i++) {
      const via = queue[i] as Reached;
      const target = via.chain[via.chain.length - 1] as number;
      const newHolders: [number, Reached][] = [];
      for (const [holder, r] of this.direct(target)) {
        if (reach.has(holder)) continue;
        const path = join(via, r);
        reach.set(holder, path);
        newHolders.push([holder, path]);
      }
      const newSettable: Reached[] = [];
      for (const [role, r] of this.settable(target)) {
        if (set.has(role)) continue;
        const path = join(via, r);
        set.set(role, path);
        newSettable.push(path);
      }
      for (const [holder, path] of newHolders) {
        for (const e of this.edges.get(holder) ?? []) if (e.admin) grant(path, e.role, "admin");
      }
      if (this.createroleGrantsAny && !createroleUsed) {
        // The attribute is not inherited: the principal must be, or SET ROLE to, the CREATEROLE role.
        const creator = newSettable.find((r) => this.byOid.get(r.chain[r.chain.length - 1] as number)?.createrole);
        if (creator) {
          createroleUsed = true;
          for (const role of this.byOid.keys()) grant(creator, role, "createrole");
        }
      }
    }
    const result = { reach, set };
    this.escalationMemo.set(oid, result);
    return result;
  }

  /** Roles whose privileges `oid` uses through memberships it already has: inherited, or by SET ROLE. */
  private direct(oid: number): Map<number, Reached> {
    const memo = this.reachMemo.get(oid);
    if (memo) return memo;
    const result = new Map(this.inherited(oid));
    for (const [target, viaSet] of this.settable(oid)) {
      if (target === oid) continue;
      for (const [holder, viaInherit] of this.inherited(target)) {
        if (result.has(holder)) continue;
        result.set(holder, {
          chain: [...viaSet.chain, ...viaInherit.chain.slice(1)],
          hops: [...viaSet.hops, ...viaInherit.hops],
          reach: "set role",
        });
      }
    }
    this.reachMemo.set(oid, result);
    return result;
  }

  chainText(r: Reached): string {
    let text = this.name(r.chain[0] as number);
    r.hops.forEach((hop, i) => {
      text += `${HOP_TEXT[hop]}${this.name(r.chain[i + 1] as number)}`;
    });
    return text;
  }
}

function ordered(privileges: Iterable<string>, canonical: readonly string[]): string[] {
  const set = new Set(privileges);
  return [...canonical.filter((p) => set.has(p)), ...[...set].filter((p) => !canonical.includes(p)).sort()];
}

function byGrantee(acl: readonly PgAclItem[]): Map<number, Set<string>> {
  const map = new Map<number, Set<string>>();
  for (const item of acl) {
    const set = map.get(item.grantee) ?? new Set<string>();
    set.add(item.privilege);
    map.set(item.grantee, set);
  }
  return map;
}

interface AccessibleObject {
  kind: "table" | "sequence";
  schema: string;
  name: string;
  owner: number;
  acl: readonly PgAclItem[];
  columnAcls: readonly { column: string; acl: readonly PgAclItem[] }[];
}

/** Effective access to one object for each principal. */
export function objectAccess(
  graph: RoleGraph,
  object: AccessibleObject,
  principals: readonly PgRole[],
  serverVersionNum: number,
): ObjectAccess {
  const all = object.kind === "table" ? tablePrivileges(serverVersionNum) : [...SEQUENCE_PRIVILEGES];
  const grants = byGrantee(object.acl);
  // grantee -> privilege -> columns
  const columnGrants = new Map<number, Map<string, string[]>>();
  for (const { column, acl } of object.columnAcls) {
    for (const item of acl) {
      const perPrivilege = columnGrants.get(item.grantee) ?? new Map<string, string[]>();
      const columns = perPrivilege.get(item.privilege) ?? [];
      if (!columns.includes(column)) columns.push(column);
      perPrivilege.set(item.privilege, columns);
      columnGrants.set(item.grantee, perPrivilege);
    }
  }
  const predefinedMap = object.kind === "table" ? PREDEFINED_TABLE : PREDEFINED_SEQUENCE;
  const predefined: [number, AccessSource, string[]][] = [];
  for (const [name, privileges] of Object.entries(predefinedMap)) {
    const role = graph.byName.get(name);
    const held = privileges.filter((p) => all.includes(p));
    if (role && held.length > 0) predefined.push([role.oid, name as AccessSource, held]);
  }
  const rdsSuperuser = graph.byName.get("rds_superuser");
  const publicPrivileges = new Set<string>(grants.get(PUBLIC_OID) ?? []);
  for (const p of columnGrants.get(PUBLIC_OID)?.keys() ?? []) publicPrivileges.add(p);

  const result: PrincipalAccess[] = [];
  for (const principal of principals) {
    const reach = graph.reachable(principal.oid);
    const paths: AccessPath[] = [];
    const add = (r: Reached, source: AccessSource, privileges: readonly string[], suffix: string, columns?: string[]) => {
      const path: AccessPath = {
        source,
        reach: r.reach,
        chain: r.chain.map((o) => graph.name(o)),
        privileges: ordered(privileges, all),
        text: `${graph.chainText(r)}: ${suffix}`,
      };
      if (columns) path.columns = columns;
      paths.push(path);
    };
    const superuser = graph.superuser(principal.oid);
    if (superuser) add(superuser, "superuser", all, "superuser (all privileges)");
    const rds = rdsSuperuser ? reach.get(rdsSuperuser.oid) : undefined;
    if (rds) add(rds, "rds_superuser", all, "rds_superuser member (all privileges)");
    const owner = reach.get(object.owner);
    if (owner) add(owner, "owner", all, "owner (all privileges)");
    for (const [grantee, privileges] of grants) {
      if (grantee === PUBLIC_OID || grantee === object.owner) continue;
      const r = reach.get(grantee);
      if (r) {
        const list = ordered(privileges, all);
        add(r, "grant", list, list.join(", "));
      }
    }
    for (const [grantee, perPrivilege] of columnGrants) {
      if (grantee === PUBLIC_OID) continue;
      const r = reach.get(grantee);
      if (!r) continue;
      for (const [privilege, columns] of perPrivilege) {
        add(r, "column grant", [privilege], `${privilege} (columns: ${columns.join(", ")})`, columns);
      }
    }
    for (const [oid, source, privileges] of predefined) {
      const r = reach.get(oid);
      if (r) add(r, source, privileges, privileges.join(", "));
    }
    if (publicPrivileges.size > 0) {
      const list = ordered(publicPrivileges, all);
      const columns = [...new Set([...(columnGrants.get(PUBLIC_OID)?.values() ?? [])].flat())];
      paths.push({
        source: "PUBLIC",
        reach: "public",
        chain: [principal.name, "PUBLIC"],
        privileges: list,
        ...(columns.length > 0 ? { columns } : {}),
        text: `${principal.name} -> PUBLIC: ${list.join(", ")}`,
      });
    }
    if (paths.length === 0) continue;
    result.push({
      role: principal.name,
      login: principal.login,
      privileges: ordered(
        paths.flatMap((p) => p.privileges),
        all,
      ),
      paths,
    });
  }
  return {
    kind: object.kind,
    schema: object.schema,
    name: object.name,
    owner: graph.name(object.owner),
    publicPrivileges: ordered(publicPrivileges, all),
    principals: result,
  };
}

/** Privileges a principal holds other than through PUBLIC (PUBLIC is reported on its own). */
export function privilegesBesidesPublic(access: PrincipalAccess): string[] {
  const seen = new Set(access.paths.filter((p) => p.source !== "PUBLIC").flatMap((p) => p.privileges));
  return access.privileges.filter((p) => seen.has(p));
}

function principalsOf(catalog: PgCatalog, options: AccessOptions): PgRole[] {
  const include = new Set(options.include ?? []);
  return catalog.roles.filter((r) => r.login || include.has(r.name));
}

function sequenceObject(s: PgSequence): AccessibleObject {
  return { kind: "sequence", schema: s.schema, name: s.name, owner: s.owner, acl: s.acl, columnAcls: [] };
}

/** Effective access to one found table and its owned sequences. */
export function tableAccess(
  catalog: PgCatalog,
  table: PgTable,
  options: AccessOptions = {},
  graph: RoleGraph = new RoleGraph(catalog),
): TableAccess {
  if (!table.found || table.owner === undefined) {
    throw new Error(`table ${table.schema}.${table.name} was not found; its access cannot be computed`);
  }
  const principals = principalsOf(catalog, options);
  return {
    table: objectAccess(
      graph,
      { kind: "table", schema: table.schema, name: table.name, owner: table.owner, acl: table.acl, columnAcls: table.columnAcls },
      principals,
      catalog.serverVersionNum,
    ),
    sequences: table.sequences.map((s) => objectAccess(graph, sequenceObject(s), principals, catalog.serverVersionNum)),
  };
}

/** Effective access to every found table of the catalog, keyed by `schema.table`. */
export function computeAccess(catalog: PgCatalog, options: AccessOptions = {}): Map<string, TableAccess> {
  const graph = new RoleGraph(catalog);
  const out = new Map<string, TableAccess>();
  for (const t of catalog.tables) {
    if (t.found) out.set(`${t.schema}.${t.name}`, tableAccess(catalog, t, options, graph));
  }
  return out;
}

/** Whether the role is a superuser, can SET ROLE to one, or is an rds_superuser member; with the chain. */
export function superuserPath(graph: RoleGraph, role: PgRole): { how: "superuser" | "rds_superuser"; text: string } | undefined {
  const su = graph.superuser(role.oid);
  if (su) return { how: "superuser", text: `${graph.chainText(su)}: superuser` };
  const rds = graph.byName.get("rds_superuser");
  const viaRds = rds ? graph.reachable(role.oid).get(rds.oid) : undefined;
  if (viaRds) return { how: "rds_superuser", text: `${graph.chainText(viaRds)}: rds_superuser member` };
  return undefined;
}
