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
  | "pg_execute_server_program"
  | "pg_write_server_files"
  | "pg_read_server_files"
  | "pg_read_all_data"
  | "pg_write_all_data"
  | "pg_maintain"
  | "replication"
  | "rds_replication"
  // Routes through objects and owners (object-access.ts).
  | "view"
  | "rule"
  | "foreign key"
  | "foreign key trigger"
  | "unsafe foreign key trigger"
  | "definer function"
  | "unsafe definer function"
  | "dynamic SQL definer function"
  | "definer trigger"
  | "partitioned table"
  | "inheritance parent"
  | "parent owner"
  | "partition"
  | "inheritance child"
  | "child owner"
  | "trigger function owner"
  | "expression function owner"
  | "definer callee owner"
  | "schema owner";

export interface AccessPath {
  source: AccessSource;
  reach: Reach;
  /** Role names from the principal to the role that holds the privilege (for routes: that holds the way in). */
  chain: string[];
  privileges: string[];
  /** For column grants: the columns. */
  columns?: string[];
  /** e.g. `hq_bob -> ops_mid -> ops_group: UPDATE`. */
  text: string;
  /** A route whose way in (EXECUTE, SELECT on a view…) is held through PUBLIC: every role has it. */
  public?: boolean;
  /** For routes: the object it goes through, e.g. `public.purge_jobs() [SECURITY DEFINER, owner app_migrator]`. */
  via?: string;
  /** The text up to the holder (or, for routes, up to the object), to which a further route appends. */
  chainText?: string;
  /** The path writes only values its holder does not choose (a foreign key's SET NULL or SET DEFAULT). */
  fixedValues?: boolean;
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
  /** Routes through objects whose way in PUBLIC holds (a definer function PUBLIC may execute…), one per object. */
  publicRoutes?: AccessPath[];
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

/**
 * Predefined roles acting on every table. pg_read_server_files reads the server's files,
 * the table's data files among them; rds_replication (RDS) may create logical replication
 * slots and decode every row.
 */
const PREDEFINED_TABLE: Record<string, readonly string[]> = {
  pg_read_all_data: ["SELECT"],
  pg_write_all_data: ["INSERT", "UPDATE", "DELETE"],
  pg_maintain: ["MAINTAIN"],
  pg_read_server_files: ["SELECT"],
  rds_replication: ["SELECT"],
};
/**
 * Predefined roles that PostgreSQL's documentation says "could be used to gain
 * superuser-level access": COPY … PROGRAM runs any command as the server's OS user, and
 * writing the server's files rewrites its configuration. Treated as superuser.
 */
export const SUPERUSER_EQUIVALENT = ["pg_execute_server_program", "pg_write_server_files"] as const;
const PREDEFINED_SEQUENCE: Record<string, readonly string[]> = {
  pg_read_all_data: ["SELECT"],
  pg_write_all_data: ["UPDATE"],
};

const HOP_TEXT: Record<Hop | "owns database", string> = {
  "owns database": " -(owns database)-> ",
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
  private readonly superuserMemo = new Map<number, Reached | null>();
  private readonly chainTexts = new WeakMap<Reached, string>();
  private readonly chainNameLists = new WeakMap<Reached, string[]>();
  private readonly replicationMemo = new Map<number, Reached | null>();
  /** Before 16, CREATEROLE alone allows granting any non-superuser role. */
  private readonly createroleGrantsAny: boolean;
  /** The implicit membership of the database owner in pg_database_owner (14+), as `member:role`. */
  private readonly ownsDatabase?: string;

  constructor(catalog: Pick<PgCatalog, "roles" | "memberships" | "serverVersionNum" | "databaseOwner">) {
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
    // pg_database_owner has no pg_auth_members row: its one member is whoever owns the database.
    const pdo = this.byName.get("pg_database_owner");
    if (pdo && catalog.databaseOwner !== undefined && catalog.databaseOwner !== pdo.oid) {
      const list = this.edges.get(catalog.databaseOwner) ?? [];
      list.push({ role: pdo.oid, admin: false, inherit: true, set: true });
      this.edges.set(catalog.databaseOwner, list);
      this.ownsDatabase = `${catalog.databaseOwner}:${pdo.oid}`;
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
    return memoized(this.superuserMemo, oid, () => this.withAttribute(oid, (r) => r.superuser));
  }

  /** A role with the REPLICATION attribute `oid` is or can SET ROLE to (memoized like superuser()). */
  replication(oid: number): Reached | undefined {
    return memoized(this.replicationMemo, oid, () => this.withAttribute(oid, (r) => r.replication));
  }

  /**
   * A role with the attribute that `oid` is or can SET ROLE to. Attributes are not
   * inherited, but SET ROLE makes them the current user's (replication functions check
   * the current user).
   */
  withAttribute(oid: number, has: (role: PgRole) => boolean | undefined): Reached | undefined {
    for (const r of this.escalated(oid).set.values()) {
      const role = this.byOid.get(r.chain[r.chain.length - 1] as number);
      if (role && has(role)) return r;
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

  /** The chain as evidence text, e.g. `hq_bob -> ops_mid -> ops_group` (memoized: many paths share a chain). */
  chainText(r: Reached): string {
    let text = this.chainTexts.get(r);
    if (text !== undefined) return text;
    text = this.name(r.chain[0] as number);
    r.hops.forEach((hop, i) => {
      const owns = this.ownsDatabase === `${r.chain[i]}:${r.chain[i + 1]}`;
      text += `${HOP_TEXT[owns ? "owns database" : hop]}${this.name(r.chain[i + 1] as number)}`;
    });
    this.chainTexts.set(r, text);
    return text;
  }

  /** The chain's role names (memoized like chainText; callers do not modify it). */
  chainNames(r: Reached): string[] {
    let names = this.chainNameLists.get(r);
    if (!names) {
      names = r.chain.map((o) => this.name(o));
      this.chainNameLists.set(r, names);
    }
    return names;
  }

  /** Roles whose membership alone gives something on every object of a kind (see actingOnAll). */
  readonly actingOnAllMemo = new Map<object, number[]>();
}

function memoized<T>(memo: Map<number, T | null>, key: number, compute: () => T | undefined): T | undefined {
  let value = memo.get(key);
  if (value === undefined) {
    value = compute() ?? null;
    memo.set(key, value);
  }
  return value ?? undefined;
}

/** Privileges once each, in the kind's canonical order (unknown ones last, sorted). */
export function ordered(privileges: Iterable<string>, canonical: readonly string[]): string[] {
  const set = privileges instanceof Set ? (privileges as Set<string>) : new Set(privileges);
  const known = canonical.filter((p) => set.has(p));
  if (known.length === set.size) return known;
  return [...known, ...[...set].filter((p) => !canonical.includes(p)).sort()];
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

/** What holds privileges by ACL: a table, sequence, view or function. */
export interface Grantable {
  owner: number;
  acl: readonly PgAclItem[];
  columnAcls: readonly { column: string; acl: readonly PgAclItem[] }[];
}

interface AccessibleObject extends Grantable {
  kind: "table" | "sequence";
  schema: string;
  name: string;
}

/** The privileges of one kind of object, and the predefined roles acting on all of them. */
export interface PrivilegeKind {
  all: readonly string[];
  predefined: Readonly<Record<string, readonly string[]>>;
  /** Tables only: the REPLICATION attribute reads every row. */
  replication: boolean;
}

export function kindOf(kind: "table" | "sequence" | "function", serverVersionNum: number): PrivilegeKind {
  if (kind === "table") return { all: tablePrivileges(serverVersionNum), predefined: PREDEFINED_TABLE, replication: true };
  if (kind === "sequence") return { all: SEQUENCE_PRIVILEGES, predefined: PREDEFINED_SEQUENCE, replication: false };
  return { all: ["EXECUTE"], predefined: {}, replication: false };
}

function columnGrantsOf(object: Grantable): Map<number, Map<string, string[]>> {
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
  return columnGrants;
}

/** What an object's ACLs say, summarised once per ACL: many principals and routes ask about the same object. */
interface AclSummary {
  columnAcls: Grantable["columnAcls"];
  grants: Map<number, Set<string>>;
  columnGrants: Map<number, Map<string, string[]>>;
  /** Grantees other than PUBLIC, of the table or of its columns. */
  grantees: number[];
  publicGrant: boolean;
}
const summaries = new WeakMap<readonly PgAclItem[], AclSummary[]>();

function summaryOf(object: Grantable): AclSummary {
  // Keyed by the ACL array, which the catalog keeps; the Grantable wrapper is often rebuilt.
  let list = summaries.get(object.acl);
  for (const s of list ?? []) {
    if (s.columnAcls === object.columnAcls || (s.columnAcls.length === 0 && object.columnAcls.length === 0)) return s;
  }
  const grants = byGrantee(object.acl);
  const columnGrants = columnGrantsOf(object);
  const grantees = [...new Set([...grants.keys(), ...columnGrants.keys()])].filter((g) => g !== PUBLIC_OID);
  const summary = {
    columnAcls: object.columnAcls,
    grants,
    columnGrants,
    grantees,
    publicGrant: grants.has(PUBLIC_OID) || columnGrants.has(PUBLIC_OID),
  };
  if (!list) {
    list = [];
    summaries.set(object.acl, list);
  }
  list.push(summary);
  return summary;
}

/** Roles whose membership alone gives something on every object of the kind. */
function actingOnAll(graph: RoleGraph, kind: PrivilegeKind): number[] {
  let oids = graph.actingOnAllMemo.get(kind.predefined);
  if (!oids) {
    const names = ["rds_superuser", ...SUPERUSER_EQUIVALENT, ...Object.keys(kind.predefined)];
    oids = names.flatMap((n) => {
      const role = graph.byName.get(n);
      return role ? [role.oid] : [];
    });
    graph.actingOnAllMemo.set(kind.predefined, oids);
  }
  return oids;
}

/**
 * Whether grantPaths can find anything: the principal reaches the owner, a grantee or a
 * role acting on every object, is (or can become) a superuser or a replication role, or
 * PUBLIC holds a privilege. Most principals hold nothing on most objects; this answers
 * that without building paths.
 */
function mayHold(graph: RoleGraph, summary: AclSummary, owner: number, principal: number, kind: PrivilegeKind): boolean {
  if (summary.publicGrant) return true;
  const reach = graph.reachable(principal);
  if (reach.has(owner)) return true;
  for (const g of summary.grantees) if (reach.has(g)) return true;
  for (const r of actingOnAll(graph, kind)) if (reach.has(r)) return true;
  if (graph.superuser(principal)) return true;
  return kind.replication && graph.replication(principal) !== undefined;
}

/** Every way `principal` holds privileges on `object` by the object's ACL and the role graph. */
export function grantPaths(
  graph: RoleGraph,
  object: Grantable,
  principal: Pick<PgRole, "oid" | "name">,
  kind: PrivilegeKind,
): AccessPath[] {
  const all = kind.all;
  const summary = summaryOf(object);
  if (!mayHold(graph, summary, object.owner, principal.oid, kind)) return [];
  const grants = summary.grants;
  const columnGrants = summary.columnGrants;
  const reach = graph.reachable(principal.oid);
  const paths: AccessPath[] = [];
  const add = (r: Reached, source: AccessSource, privileges: readonly string[], suffix: string, columns?: string[]) => {
    const chainText = graph.chainText(r);
    const path: AccessPath = {
      source,
      reach: r.reach,
      chain: graph.chainNames(r),
      privileges: ordered(privileges, all),
      text: `${chainText}: ${suffix}`,
      chainText,
    };
    if (columns) path.columns = [...columns];
    paths.push(path);
  };
  const superuser = graph.superuser(principal.oid);
  if (superuser) add(superuser, "superuser", all, "superuser (all privileges)");
  for (const name of ["rds_superuser", ...SUPERUSER_EQUIVALENT] as const) {
    const role = graph.byName.get(name);
    const r = role ? reach.get(role.oid) : undefined;
    if (r)
      add(
        r,
        name,
        all,
        name === "rds_superuser" ? "rds_superuser member (all privileges)" : `${name} (superuser-equivalent: all privileges)`,
      );
  }
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
  for (const [name, privileges] of Object.entries(kind.predefined)) {
    const role = graph.byName.get(name);
    const held = privileges.filter((p) => all.includes(p));
    const r = role && held.length > 0 ? reach.get(role.oid) : undefined;
    if (r) add(r, name as AccessSource, held, held.join(", "));
  }
  if (kind.replication) {
    const r = graph.replication(principal.oid);
    if (r) add(r, "replication", ["SELECT"], "REPLICATION (reads every row by streaming or logical decoding)");
  }
  const publicPrivileges = publicPrivilegesOf(object, all);
  if (publicPrivileges.length > 0) {
    const columns = [...new Set([...(columnGrants.get(PUBLIC_OID)?.values() ?? [])].flat())];
    paths.push({
      source: "PUBLIC",
      reach: "public",
      chain: [principal.name, "PUBLIC"],
      privileges: publicPrivileges,
      ...(columns.length > 0 ? { columns } : {}),
      text: `${principal.name} -> PUBLIC: ${publicPrivileges.join(", ")}`,
      chainText: `${principal.name} -> PUBLIC`,
    });
  }
  return paths;
}

function publicPrivilegesOf(object: Grantable, all: readonly string[]): string[] {
  const summary = summaryOf(object);
  const set = new Set<string>(summary.grants.get(PUBLIC_OID) ?? []);
  for (const p of summary.columnGrants.get(PUBLIC_OID)?.keys() ?? []) set.add(p);
  return ordered(set, all);
}

/** The privileges the paths give, in canonical order. */
export function privilegesOf(paths: readonly AccessPath[], all: readonly string[]): string[] {
  const set = new Set<string>();
  for (const p of paths) for (const privilege of p.privileges) set.add(privilege);
  return ordered(set, all);
}

/** Effective access to one object for each principal (by ACL and role graph; object-access.ts adds routes). */
export function objectAccess(
  graph: RoleGraph,
  object: AccessibleObject,
  principals: readonly PgRole[],
  serverVersionNum: number,
): ObjectAccess {
  const kind = kindOf(object.kind, serverVersionNum);
  const result: PrincipalAccess[] = [];
  for (const principal of principals) {
    const paths = grantPaths(graph, object, principal, kind);
    if (paths.length === 0) continue;
    result.push({ role: principal.name, login: principal.login, privileges: privilegesOf(paths, kind.all), paths });
  }
  return {
    kind: object.kind,
    schema: object.schema,
    name: object.name,
    owner: graph.name(object.owner),
    publicPrivileges: publicPrivilegesOf(object, kind.all),
    principals: result,
  };
}

/** Whether a path is PUBLIC's: a PUBLIC grant, or a route whose way in PUBLIC holds. */
export function throughPublic(path: AccessPath): boolean {
  return path.source === "PUBLIC" || path.public === true;
}

/** Privileges a principal holds other than through PUBLIC (PUBLIC is reported on its own). */
export function privilegesBesidesPublic(access: PrincipalAccess): string[] {
  const seen = new Set(access.paths.filter((p) => !throughPublic(p)).flatMap((p) => p.privileges));
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
export function superuserPath(
  graph: RoleGraph,
  role: PgRole,
): { how: "superuser" | "rds_superuser" | (typeof SUPERUSER_EQUIVALENT)[number]; text: string } | undefined {
  const su = graph.superuser(role.oid);
  if (su) return { how: "superuser", text: `${graph.chainText(su)}: superuser` };
  for (const name of ["rds_superuser", ...SUPERUSER_EQUIVALENT] as const) {
    const holder = graph.byName.get(name);
    const via = holder ? graph.reachable(role.oid).get(holder.oid) : undefined;
    if (via) {
      const what = name === "rds_superuser" ? "rds_superuser member" : `${name} (superuser-equivalent)`;
      return { how: name, text: `${graph.chainText(via)}: ${what}` };
    }
  }
  return undefined;
}
