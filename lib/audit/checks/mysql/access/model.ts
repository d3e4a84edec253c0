/**
 * Effective access to MySQL/MariaDB queue tables, pure over a MysqlCatalog: who can really
 * use each table, by which path. docs/mysql.md states each rule with the manual's section.
 *
 * An account acts as itself, as every role granted to it (to any depth; active by default
 * or after SET ROLE, both count), as the mandatory roles (MySQL 8), as PUBLIC (MariaDB 10.11),
 * and as every account it may PROXY. Each of those holds global (`*.*`), database (patterns
 * included), table and column grants. DEFINER views and routines that touch a queue table
 * lend their definer's privileges to whoever may SELECT the view or EXECUTE the routine. A
 * foreign key of the queue table whose ON DELETE or ON UPDATE rule writes it (CASCADE, SET
 * NULL, SET DEFAULT) gives whoever may delete or update the referenced table a DELETE or an
 * UPDATE of its key columns: InnoDB checks no privilege on the queue for it. A trigger whose
 * body writes the queue gives whoever fires it what the body does, as far as its definer may.
 */
import { MYSQL_TABLE_PRIVILEGES } from "../../../model/mysql-privileges.js";
import type {
  MysqlAccount,
  MysqlAccountRef,
  MysqlCatalog,
  MysqlDefinerObject,
  MysqlEvent,
  MysqlForeignKey,
  MysqlTrigger,
} from "../../../probes/mysql/types.js";
import { likeMatch } from "./patterns.js";
import {
  type Action,
  actionGives,
  callsIn,
  namesTable,
  newRowAssignments,
  runsDynamicSql,
  statementActions,
  tablesNamed,
} from "./sql-text.js";

export const TABLE_ACCESS = MYSQL_TABLE_PRIVILEGES;
const TABLE_ACCESS_SET: ReadonlySet<string> = new Set(TABLE_ACCESS);

/** Platform accounts nobody can change: AWS's on RDS, the server's own locked system accounts. */
export const PLATFORM_ACCOUNTS: ReadonlySet<string> = new Set([
  "rdsadmin@localhost",
  "mysql.sys@localhost",
  "mysql.session@localhost",
  "mysql.infoschema@localhost",
  "mariadb.sys@localhost",
]);

const SYSTEM_SCHEMAS = new Set(["mysql", "sys", "information_schema", "performance_schema"]);

export const key = (a: MysqlAccountRef): string => `${a.user}@${a.host}`;
/** How a role is named in a path: MariaDB roles have no host, MySQL's default host is `%`. */
const roleName = (r: MysqlAccountRef) => (r.host === "" || r.host === "%" ? r.user : key(r));
export const sameId = (a: MysqlAccountRef, b: MysqlAccountRef) => a.user === b.user && a.host.toLowerCase() === b.host.toLowerCase();
export const hostKey = (a: MysqlAccountRef) => `${a.user}@${a.host.toLowerCase()}`;

export interface AccessPath {
  /** `intern@% -(role queue_rw)-> ALL on app.*` */
  text: string;
  privileges: string[];
  /** Set when the grant names columns: privilege -> columns. */
  columns?: Record<string, string[]>;
  kind: "direct" | "role" | "proxy" | "definer";
  /** Who holds the grant at the end of the chain (the account itself, a role, a proxied account). */
  holder: MysqlAccountRef;
  /** The grant's object: `*.*`, a database pattern, a table, columns, or the definer object used. */
  scope: GrantScope;
  first?: FirstHop;
  /**
   * For a path through a foreign key or a trigger: the path into the referenced (or the
   * trigger's) table it starts from, and the privilege used there. Revoking that privilege cuts
   * this path.
   */
  wayIn?: { path: AccessPath; privilege: "DELETE" | "UPDATE" | "INSERT" };
  /** The last step when it is a key's action or a trigger: InnoDB's cascades fire no triggers. */
  through?: "foreign key" | "trigger";
  /** For a definer path: the grant by which the holder may use the view or routine (revoking it cuts the path). */
  uses?: ObjectUse;
}

/** A grant that lets its holder use a definer object: privileges on a view, EXECUTE on a routine, and where it is granted. */
export interface ObjectUse {
  privileges: string[];
  at: GrantScope;
}

export type GrantScope =
  | { kind: "global" }
  | { kind: "database"; db: string }
  | { kind: "table"; db: string; table: string }
  | { kind: "columns"; db: string; table: string; columns: Record<string, string[]> }
  | { kind: "routine"; db: string; name: string; type: "procedure" | "function" }
  | { kind: "view"; db: string; name: string };

export interface AccountAccess {
  account: string;
  user: string;
  host: string;
  /** Not a role and not locked: someone can log in as it. */
  login: boolean;
  privileges: string[];
  /** Privileges held only on some columns: privilege -> columns. */
  columnOnly: Record<string, string[]>;
  paths: AccessPath[];
}

export interface MysqlTableAccess {
  db: string;
  table: string;
  qualified: string;
  principals: AccountAccess[];
}

interface Hop {
  id: MysqlAccountRef;
  /** The hop label, e.g. `-(role queue_rw)->`; '' for the account itself. */
  label: string;
  kind: AccessPath["kind"];
  first: FirstHop["kind"];
}

/** One authorization id an account can act as, and the chain of hops to it. */
interface Reached {
  id: MysqlAccountRef;
  hops: string;
  kind: AccessPath["kind"];
  /** Active at login (default or mandatory-and-activated roles), as definers run. */
  active: boolean;
  /** The account's own first step (the edge to revoke to cut this account off). */
  first?: FirstHop;
}

export interface FirstHop {
  kind: "role" | "proxy" | "mandatory" | "public";
  id: MysqlAccountRef;
}

export class GrantIndex {
  readonly accounts: Map<string, MysqlAccount>;
  private readonly roleOf = new Map<string, { role: MysqlAccountRef; admin: boolean }[]>();
  private readonly proxyOf = new Map<string, MysqlAccountRef[]>();
  private readonly reachMemo = new Map<string, Reached[]>();
  /** Grant rows by holder (user@host, host lower-cased), so a lookup never scans every row. */
  readonly dbGrantsOf = new Map<string, MysqlCatalog["dbGrants"]>();
  readonly tableGrantsOf = new Map<string, MysqlCatalog["tableGrants"]>();
  readonly columnGrantsOf = new Map<string, MysqlCatalog["columnGrants"]>();
  readonly routineGrantsOf = new Map<string, MysqlCatalog["routineGrants"]>();

  constructor(readonly catalog: MysqlCatalog) {
    this.accounts = new Map(catalog.accounts.map((a) => [hostKey(a), a]));
    const group = <T extends MysqlAccountRef>(rows: readonly T[], into: Map<string, T[]>) => {
      for (const row of rows) {
        const k = hostKey(row);
        const list = into.get(k);
        if (list) list.push(row);
        else into.set(k, [row]);
      }
    };
    group(catalog.dbGrants, this.dbGrantsOf);
    group(catalog.tableGrants, this.tableGrantsOf);
    group(catalog.columnGrants, this.columnGrantsOf);
    group(catalog.routineGrants, this.routineGrantsOf);
    for (const e of catalog.roleEdges) {
      const k = hostKey(e.grantee);
      const list = this.roleOf.get(k) ?? [];
      list.push({ role: e.role, admin: e.admin });
      this.roleOf.set(k, list);
    }
    for (const p of catalog.proxies) {
      // An empty proxied user is the "may grant PROXY for anyone" row, not a proxy to an account.
      if (p.proxied.user === "") continue;
      const k = hostKey(p);
      const list = this.proxyOf.get(k) ?? [];
      list.push(p.proxied);
      this.proxyOf.set(k, list);
    }
  }

  account(ref: MysqlAccountRef): MysqlAccount | undefined {
    return this.accounts.get(hostKey(ref));
  }

  /**
   * The subjects (in their order) that act, themselves or through a role or proxy, as an id
   * holding some grant that could apply to db.table or to one of `objects` (a view's or a
   * routine's): a global privilege, a database grant whose pattern matches one of their
   * databases, a table or column grant on one of them, a routine grant naming one. A superset
   * of those with a path through grants or those objects; the rest have none.
   */
  mayHoldOn(subjects: readonly MysqlAccount[], db: string, table: string, objects: readonly MysqlDefinerObject[]): MysqlAccount[] {
    const holders = new Set<string>(this.globalHolders());
    const dbs = new Set([db, ...objects.map((o) => o.db)]);
    for (const g of this.catalog.dbGrants) for (const d of dbs) if (likeMatch(g.db, d)) holders.add(hostKey(g));
    // Routine grants match names case-blind (as objectGrants does): looked up lower-cased too.
    const names = [tableId(db, table), ...objects.flatMap((o) => [tableId(o.db, o.name), tableId(o.db, o.name.toLowerCase())])];
    for (const n of names) for (const k of this.grantedOn().get(n) ?? []) holders.add(k);
    const reached = this.reachedBy(subjects);
    const keep = new Set<MysqlAccount>();
    for (const h of holders) for (const a of reached.get(h) ?? []) keep.add(a);
    return keep.size === subjects.length ? [...subjects] : subjects.filter((a) => keep.has(a));
  }

  private reachIndex?: { byName: Map<string, Set<MysqlDefinerObject>>; always: Set<MysqlDefinerObject> };
  /**
   * The definer objects, in catalog order, whose actions on db.table may be non-empty: those
   * whose text names it (a superset, by tablesNamed), those whose text cannot be read, and
   * routines that call INVOKER routines (what those do counts as theirs). objectActions decides;
   * the rest would find nothing (asked for every table a trigger or key leads to, every object
   * was read for every table).
   */
  objectsMayReach(db: string, table: string): MysqlDefinerObject[] {
    const objects = this.catalog.definerObjects;
    if (!this.reachIndex) {
      const byName = new Map<string, Set<MysqlDefinerObject>>();
      const always = new Set<MysqlDefinerObject>();
      for (const o of objects) {
        if (unreadable(o) || invokerCallees(o, objects).length > 0) {
          always.add(o);
          continue;
        }
        for (const k of tablesNamed(o.definition as string, o.db)) addTo(byName, k, o);
      }
      this.reachIndex = { byName, always };
    }
    const named = this.reachIndex.byName.get(`${db.toLowerCase()}\u0000${table.toLowerCase()}`);
    return inCatalogOrder(objects, this.reachIndex.always, named);
  }

  private globalMemo?: string[];
  /** Ids with any global privilege. */
  private globalHolders(): string[] {
    this.globalMemo ??= this.catalog.accounts.filter((a) => a.global.length > 0).map(hostKey);
    return this.globalMemo;
  }

  private grantedMemo?: Map<string, string[]>;
  /** Holders of table and column grants by tableId, and of routine grants by tableId of the lower-cased name. */
  private grantedOn(): Map<string, string[]> {
    if (!this.grantedMemo) {
      const by = new Map<string, string[]>();
      for (const g of this.catalog.tableGrants) push(by, tableId(g.db, g.table), hostKey(g));
      for (const g of this.catalog.columnGrants) push(by, tableId(g.db, g.table), hostKey(g));
      for (const g of this.catalog.routineGrants) push(by, tableId(g.db, g.routine.toLowerCase()), hostKey(g));
      this.grantedMemo = by;
    }
    return this.grantedMemo;
  }

  private reachedMemo?: { subjects: readonly MysqlAccount[]; by: Map<string, MysqlAccount[]> };
  /** For each id, the subjects that can act as it (reach, reversed), built once per subject list. */
  private reachedBy(subjects: readonly MysqlAccount[]): Map<string, MysqlAccount[]> {
    if (this.reachedMemo?.subjects !== subjects) {
      const by = new Map<string, MysqlAccount[]>();
      for (const a of subjects) {
        for (const r of this.reach(a)) push(by, hostKey(r.id), a);
      }
      this.reachedMemo = { subjects, by };
    }
    return this.reachedMemo.by;
  }

  login(a: MysqlAccount): boolean {
    return !a.isRole && !a.locked;
  }

  /** Every id `start` can act as, breadth first, each once, with its shortest chain. */
  reach(start: MysqlAccountRef): Reached[] {
    const memoKey = hostKey(start);
    const memo = this.reachMemo.get(memoKey);
    if (memo) return memo;
    const account = this.account(start);
    const defaults = new Set((account?.defaultRoles ?? []).map(hostKey));
    const all = this.catalog.activateAllRolesOnLogin;
    const out: Reached[] = [{ id: start, hops: "", kind: "direct", active: true }];
    const seen = new Set([hostKey(start)]);
    const queue: Reached[] = [out[0] as Reached];
    const visit = (from: Reached, hop: Hop, active: boolean) => {
      const k = hostKey(hop.id);
      if (seen.has(k)) return;
      seen.add(k);
      const next: Reached = {
        id: hop.id,
        hops: `${from.hops}${hop.label} `,
        kind: from.kind === "proxy" || hop.kind === "proxy" ? "proxy" : "role",
        active,
        first: from.first ?? { kind: hop.first, id: hop.id },
      };
      out.push(next);
      queue.push(next);
    };
    // Mandatory roles and PUBLIC are every account's (MySQL 8 ignores mandatory roles that do not exist).
    for (const m of this.catalog.mandatoryRoles) {
      if (this.account(m))
        visit(out[0] as Reached, { id: m, label: `-(mandatory role ${roleName(m)})->`, kind: "role", first: "mandatory" }, all);
    }
    if (this.catalog.flavor === "mariadb" && this.account({ user: "PUBLIC", host: "" })) {
      visit(out[0] as Reached, { id: { user: "PUBLIC", host: "" }, label: "-(PUBLIC)->", kind: "role", first: "public" }, true);
    }
    while (queue.length > 0) {
      const cur = queue.shift() as Reached;
      for (const r of this.roleOf.get(hostKey(cur.id)) ?? []) {
        const own = cur.id === start;
        const active = cur.active && (own ? all || defaults.has(hostKey(r.role)) : true);
        // Only the account's own grant says SET ROLE: roles below an inactive one come with it.
        const label = `-(role ${roleName(r.role)}${own && !active ? ", SET ROLE" : ""})->`;
        visit(cur, { id: r.role, label, kind: "role", first: "role" }, active);
      }
      for (const p of this.proxyOf.get(hostKey(cur.id)) ?? []) {
        visit(cur, { id: p, label: `-(PROXY ${key(p)})->`, kind: "proxy", first: "proxy" }, false);
      }
    }
    this.reachMemo.set(memoKey, out);
    return out;
  }
}

interface Grant {
  scope: GrantScope;
  privileges: string[];
  columns?: Record<string, string[]>;
}

export function scopeText(scope: GrantScope): string {
  switch (scope.kind) {
    case "global":
      return "*.*";
    case "database":
      return `${scope.db}.*`;
    case "table":
      return `${scope.db}.${scope.table}`;
    case "columns":
      return `${scope.db}.${scope.table}(${[...new Set(Object.values(scope.columns).flat())].sort().join(", ")})`;
    default:
      return `${scope.db}.${scope.name}`;
  }
}

const ALL_TABLE = TABLE_ACCESS.filter((p) => p !== "DELETE HISTORY" && p !== "GRANT OPTION");
/** `ALL` when a grant holds every table privilege, else the list. */
export function privilegeText(privileges: readonly string[]): string {
  return ALL_TABLE.every((p) => privileges.includes(p)) ? "ALL" : privileges.join(", ");
}

const positions = new WeakMap<readonly object[], Map<object, number>>();
/** The members of two sets of `list`'s items, in `list`'s order, each once (without a pass over `list`). */
function inCatalogOrder<T extends object>(list: readonly T[], a: ReadonlySet<T>, b: ReadonlySet<T> | undefined): T[] {
  if (a.size === 0 && !b) return [];
  let at = positions.get(list);
  if (!at) {
    at = new Map(list.map((item, i) => [item, i]));
    positions.set(list, at);
  }
  const where = at;
  const out = new Set<T>(a);
  for (const item of b ?? []) out.add(item);
  return [...out].sort((x, y) => (where.get(x) ?? 0) - (where.get(y) ?? 0));
}

/** Grants held by one id (no roles) on db.table: global, database patterns, table, columns. */
function directGrants(index: GrantIndex, id: MysqlAccountRef, db: string, table: string): Grant[] {
  const out: Grant[] = [];
  const account = index.account(id);
  const global = (account?.global ?? []).filter((p) => TABLE_ACCESS_SET.has(p));
  if (global.length > 0) out.push({ scope: { kind: "global" }, privileges: global });
  const k = hostKey(id);
  for (const g of index.dbGrantsOf.get(k) ?? []) {
    if (!likeMatch(g.db, db)) continue;
    const privileges = g.privileges.filter((p) => TABLE_ACCESS_SET.has(p));
    if (privileges.length > 0) out.push({ scope: { kind: "database", db: g.db }, privileges });
  }
  for (const g of index.tableGrantsOf.get(k) ?? []) {
    if (g.db !== db || g.table !== table) continue;
    const privileges = g.privileges.filter((p) => TABLE_ACCESS_SET.has(p));
    if (privileges.length > 0) out.push({ scope: { kind: "table", db, table }, privileges });
  }
  const columns: Record<string, string[]> = {};
  for (const g of index.columnGrantsOf.get(k) ?? []) {
    if (g.db !== db || g.table !== table) continue;
    for (const p of g.privileges) columns[p] = [...(columns[p] ?? []), g.column];
  }
  if (Object.keys(columns).length > 0) {
    for (const cols of Object.values(columns)) cols.sort();
    out.push({ scope: { kind: "columns", db, table, columns }, privileges: Object.keys(columns), columns });
  }
  // GRANT OPTION alone gives nothing on the table: it only lets the holder pass on what it has.
  return out.filter((g) => g.privileges.some((p) => p !== "GRANT OPTION"));
}

/** What a definer object does to a table it names, from its text (null: it may do anything). */
export function objectEffect(object: MysqlDefinerObject, db: string, table: string): string[] {
  return actionGives(objectActions(object, db, table, []));
}

const VIEW_USES = ["SELECT", "INSERT", "UPDATE", "DELETE"];
const ANY_USE: Action[] = VIEW_USES.map((p) => ({ gives: p, needs: [p] }));

/** Whether the object's text cannot say what it does: hidden from the audit account, or SQL built as it runs. */
export function unreadable(object: MysqlDefinerObject): boolean {
  return object.definition === null || (object.kind !== "view" && runsDynamicSql(object.definition));
}

/**
 * What a definer object may do to db.table, from its text: every use for a view that names it,
 * or for an object whose text cannot say (unreadable); a routine's statements, and those of the
 * INVOKER routines it calls (they run as the same definer), at any depth. A DEFINER routine it
 * calls runs as its own definer: not followed here.
 */
function objectActions(
  object: MysqlDefinerObject,
  db: string,
  table: string,
  objects: readonly MysqlDefinerObject[],
  seen: Set<MysqlDefinerObject> = new Set(),
): Action[] {
  if (SYSTEM_SCHEMAS.has(object.db) || seen.has(object)) return [];
  seen.add(object);
  if (unreadable(object)) return ANY_USE;
  const def = object.definition as string;
  const inner = invokerCallees(object, objects).flatMap((o) => objectActions(o, db, table, objects, seen));
  if (!namesTable(def, object.db, db, table)) return inner;
  return [...(object.kind === "view" ? ANY_USE : statementActions(def)), ...inner];
}

// Which routines a routine calls does not depend on the table asked about: found once per
// routine, among the objects of its catalog (the list it was asked with).
const callees = new WeakMap<readonly MysqlDefinerObject[], WeakMap<MysqlDefinerObject, MysqlDefinerObject[]>>();

/** The INVOKER routines a routine's text calls (a procedure only with a CALL): they run as its runner. */
function invokerCallees(object: MysqlDefinerObject, objects: readonly MysqlDefinerObject[]): MysqlDefinerObject[] {
  if (object.kind === "view" || object.definition === null) return [];
  let known = callees.get(objects);
  if (!known) {
    known = new WeakMap();
    callees.set(objects, known);
  }
  let found = known.get(object);
  if (!found) {
    found = routinesCalledIn(object.definition, object.db, objects).filter((o) => o !== object && o.securityType === "INVOKER");
    known.set(object, found);
  }
  return found;
}

/** The routines a body (a routine's, a trigger's, a view's) calls, `home` its database: a procedure after CALL, a function before `(`. */
function routinesCalledIn(body: string, home: string, objects: readonly MysqlDefinerObject[]): MysqlDefinerObject[] {
  const { procedures, functions } = callsIn(body);
  const byName = routinesByName(objects);
  const found = new Set<MysqlDefinerObject>();
  for (const [kind, names] of [
    ["procedure", procedures],
    ["function", functions],
  ] as const) {
    for (const k of names.qualified) for (const o of byName.get(`${kind}\u0000${k}`) ?? []) found.add(o);
    for (const n of names.bare) for (const o of byName.get(`${kind}\u0000${home}\u0000${n}`) ?? []) found.add(o);
  }
  return inCatalogOrder(objects, found, undefined);
}

const routineIndexes = new WeakMap<readonly MysqlDefinerObject[], Map<string, MysqlDefinerObject[]>>();
/**
 * The routines among `objects` by `kind\u0000db\u0000name` (the name lower-cased: a routine's
 * name is case-insensitive, its database's is not), as callsRoutine compares them: a body's
 * calls are looked up, not every routine tried against every body.
 */
function routinesByName(objects: readonly MysqlDefinerObject[]): Map<string, MysqlDefinerObject[]> {
  let by = routineIndexes.get(objects);
  if (!by) {
    by = new Map();
    for (const o of objects) {
      if (o.kind !== "view") push(by, `${o.kind}\u0000${o.db}\u0000${o.name.toLowerCase()}`, o);
    }
    routineIndexes.set(objects, by);
  }
  return by;
}

interface MissingRoutine {
  db: string;
  name: string;
  kind: "procedure" | "function";
}

/**
 * The routines a body calls that no listed routine is: whoever may create one there writes
 * what runs. Procedures, and functions named with their database (an unqualified name may be a
 * built-in function; a qualified one never is: found live by a review).
 */
function missingRoutinesCalledIn(body: string, home: string, objects: readonly MysqlDefinerObject[]): MissingRoutine[] {
  const { procedures, functions } = callsIn(body);
  const split = (kind: MissingRoutine["kind"]) => (k: string) => {
    const [db, name] = k.split("\u0000") as [string, string];
    return { db, name, kind };
  };
  const named: MissingRoutine[] = [
    ...[...procedures.qualified].map(split("procedure")),
    ...[...procedures.bare].map((name) => ({ db: home, name, kind: "procedure" as const })),
    ...[...functions.qualified].map(split("function")),
  ];
  return named.filter(
    ({ db, name, kind }) => !SYSTEM_SCHEMAS.has(db.toLowerCase()) && !routinesByName(objects).has(`${kind}\u0000${db}\u0000${name}`),
  );
}

/**
 * A routine that DEFINER code calls, at any depth through INVOKER ones, or a procedure it calls
 * that does not exist (`missing`): replaced by (or created as) an INVOKER one, it runs as that
 * code's definer.
 */
interface DefinerRun {
  routine: MysqlDefinerObject;
  runner: MysqlAccountRef;
  /** The DEFINER routine, view or trigger that calls it, e.g. `procedure app.tidy`. */
  by: string;
  missing?: true;
}

const definerRunsMemo = new WeakMap<GrantIndex, DefinerRun[]>();

/**
 * Every INVOKER routine that a DEFINER routine (one its definer may run) or a trigger (one its
 * definer may fire) calls, at any depth, with the definer it then runs as. A body the audit
 * account cannot read names no callee here (it is taken to reach every table anyway). Once per
 * catalog.
 */
function definerRuns(index: GrantIndex): DefinerRun[] {
  const memo = definerRunsMemo.get(index);
  if (memo) return memo;
  const objects = index.catalog.definerObjects;
  const out: DefinerRun[] = [];
  // A called routine of either kind may be replaced by an INVOKER one (the replacer chooses);
  // the walk goes on only through INVOKER ones: a DEFINER one's body runs as its own definer,
  // whose callees it walks as a root of its own.
  const follow = (body: string, home: string, runner: MysqlAccountRef, by: string, self?: MysqlDefinerObject) => {
    const seen = new Set<MysqlDefinerObject>(self ? [self] : []);
    const queue = routinesCalledIn(body, home, objects);
    const missing = missingRoutinesCalledIn(body, home, objects);
    for (let i = 0; i < queue.length; i++) {
      const routine = queue[i] as MysqlDefinerObject;
      if (seen.has(routine) || SYSTEM_SCHEMAS.has(routine.db)) continue;
      seen.add(routine);
      out.push({ routine, runner, by });
      if (routine.securityType === "INVOKER" && routine.definition !== null) {
        queue.push(...routinesCalledIn(routine.definition, routine.db, objects));
        missing.push(...missingRoutinesCalledIn(routine.definition, routine.db, objects));
      }
    }
    const made = new Set<string>();
    for (const { db, name, kind } of missing) {
      if (made.has(`${kind}\u0000${db}\u0000${name}`)) continue;
      made.add(`${kind}\u0000${db}\u0000${name}`);
      const routine: MysqlDefinerObject = { kind, db, name, securityType: "INVOKER", definer: runner, definition: null };
      out.push({ routine, runner, by, missing: true });
    }
  };
  for (const o of objects) {
    if (o.securityType !== "DEFINER" || o.definition === null || SYSTEM_SCHEMAS.has(o.db)) continue;
    if (!definerMayRun(index, o, o.definer)) continue;
    follow(o.definition, o.db, o.definer, `${o.kind} ${o.db}.${o.name}`, o);
  }
  for (const t of runnableTriggers(index)) follow(t.body, t.db, t.definer, `trigger ${t.db}.${t.name}`);
  for (const e of runnableEvents(index)) follow(e.body, e.db, e.definer, `event ${e.db}.${e.name}`);
  definerRunsMemo.set(index, out);
  return out;
}

/**
 * Where `id` itself (no roles) holds `privilege` on the routine, grant by grant: on it, its
 * database or *.*.
 */
function routinePrivilegeAt(index: GrantIndex, id: MysqlAccountRef, routine: MysqlDefinerObject, privilege: string): GrantScope[] {
  const out: GrantScope[] = [];
  if (index.account(id)?.global.includes(privilege)) out.push({ kind: "global" });
  const k = hostKey(id);
  for (const g of index.dbGrantsOf.get(k) ?? [])
    if (likeMatch(g.db, routine.db) && g.privileges.includes(privilege)) out.push({ kind: "database", db: g.db });
  for (const g of index.routineGrantsOf.get(k) ?? [])
    if (
      g.db === routine.db &&
      g.routine.toLowerCase() === routine.name.toLowerCase() &&
      g.type.toLowerCase() === routine.kind &&
      g.privileges.includes(privilege)
    )
      out.push({ kind: "routine", db: routine.db, name: routine.name, type: routine.kind as "procedure" | "function" });
  return out;
}

/**
 * Whether the routine, once replaced, still runs for `runner`: the server checks the runner's
 * EXECUTE on it. MariaDB's CREATE OR REPLACE keeps the routine's grants (tried live); MySQL has
 * no OR REPLACE for routines, and DROP takes the routine's own grants with it, so there only a
 * database or global EXECUTE survives (on MariaDB after a DROP too: tried live).
 */
function runsOnceReplaced(
  index: GrantIndex,
  routine: MysqlDefinerObject,
  runner: MysqlAccountRef,
  dropped = index.catalog.flavor !== "mariadb",
): boolean {
  return definerIds(index, runner).some((id) => objectGrants(index, id, routine).some((u) => !dropped || u.at.kind !== "routine"));
}

/**
 * A routine DEFINER code runs, what its definer holds on the table, and whether it still runs
 * once replaced in place, dropped and created again, or altered (ALTER keeps its grants). For a
 * DEFINER routine, what its body does to the table as far as the runner holds it: ALTER ROUTINE
 * alone makes it SQL SECURITY INVOKER, and it then does that as the runner (found live by a
 * review).
 */
interface Replaceable {
  run: DefinerRun;
  holds: DefinerHolds;
  replaced: boolean;
  dropped: boolean;
  altered: boolean;
  flipped?: { privileges: string[]; columns?: Record<string, string[]> };
}

/**
 * The ids whose grants count when `id` runs a stored object as its definer. A role definer
 * (MariaDB) brings every role granted to it. A user definer on MariaDB brings none of its roles,
 * default ones included (tried live on 10.11: its trigger was refused TRIGGER that only its
 * default role held), only PUBLIC; on MySQL 8 its default roles are active in definer context.
 */
export function definerIds(index: GrantIndex, id: MysqlAccountRef): MysqlAccountRef[] {
  const reached = index.reach(id).filter((r) => r.kind !== "proxy");
  if (index.account(id)?.isRole) return reached.map((r) => r.id);
  if (index.catalog.flavor === "mariadb") return reached.filter((r) => r.hops === "" || r.first?.kind === "public").map((r) => r.id);
  return reached.filter((r) => r.active).map((r) => r.id);
}

/** What a definer holds on db.table: privileges on the whole table, and those held only on some columns. */
export interface DefinerHolds {
  whole: Set<string>;
  columns: Record<string, string[]>;
}

export function definerHolds(index: GrantIndex, id: MysqlAccountRef, db: string, table: string): DefinerHolds {
  const whole = new Set<string>();
  const columns: Record<string, Set<string>> = {};
  for (const holder of definerIds(index, id)) {
    for (const g of directGrants(index, holder, db, table)) {
      for (const p of g.privileges) {
        const cols = g.columns?.[p];
        if (!cols) whole.add(p);
        else {
          const set = columns[p] ?? new Set<string>();
          for (const c of cols) set.add(c);
          columns[p] = set;
        }
      }
    }
  }
  return {
    whole,
    columns: Object.fromEntries(
      Object.entries(columns)
        .filter(([p]) => !whole.has(p))
        .map(([p, c]) => [p, [...c].sort()]),
    ),
  };
}

/**
 * What of `actions` a definer can do: those whose needs it holds (on the whole table, or for
 * SELECT, INSERT and UPDATE on some columns: `columns` then says which).
 */
function lendable(actions: readonly Action[], holds: DefinerHolds): { privileges: string[]; columns?: Record<string, string[]> } {
  // Only these exist as column privileges that read or write rows (REFERENCES does neither).
  const byColumn = (p: string) => (p === "SELECT" || p === "INSERT" || p === "UPDATE") && holds.columns[p] !== undefined;
  const held = (p: string) => holds.whole.has(p) || byColumn(p);
  const privileges = actionGives(actions.filter((a) => a.needs.every(held)));
  const columns = Object.fromEntries(
    privileges.filter((p) => !holds.whole.has(p) && byColumn(p)).map((p) => [p, holds.columns[p] as string[]]),
  );
  return Object.keys(columns).length > 0 ? { privileges, columns } : { privileges };
}

/**
 * How `id` itself (no roles) may use the object, grant by grant: SELECT… on a view (a grant
 * on the view, its database or *.*), EXECUTE on a routine (on it, its database or *.*).
 */
export function objectGrants(index: GrantIndex, id: MysqlAccountRef, object: MysqlDefinerObject): ObjectUse[] {
  if (object.kind === "view") {
    return directGrants(index, id, object.db, object.name)
      .map((g) => ({ privileges: g.privileges.filter((p) => VIEW_USES.includes(p)), at: g.scope }))
      .filter((u) => u.privileges.length > 0);
  }
  const out: ObjectUse[] = [];
  if (index.account(id)?.global.includes("EXECUTE")) out.push({ privileges: ["EXECUTE"], at: { kind: "global" } });
  const k = hostKey(id);
  for (const g of index.dbGrantsOf.get(k) ?? []) {
    if (likeMatch(g.db, object.db) && g.privileges.includes("EXECUTE"))
      out.push({ privileges: ["EXECUTE"], at: { kind: "database", db: g.db } });
  }
  const routine = (index.routineGrantsOf.get(k) ?? []).some(
    (g) =>
      g.db === object.db &&
      g.routine.toLowerCase() === object.name.toLowerCase() &&
      g.type.toLowerCase() === object.kind &&
      g.privileges.includes("EXECUTE"),
  );
  if (routine) out.push({ privileges: ["EXECUTE"], at: { kind: "routine", db: object.db, name: object.name, type: object.kind } });
  return out;
}

/** The paths by which each login-capable account (by key) reaches one table: grants, roles, proxies, definer objects. */
type PathsByAccount = Map<string, AccessPath[]>;

/** What a definer object lends whoever may use it; `via` names the DEFINER routines it goes through, when it does. */
interface Lender {
  object: MysqlDefinerObject;
  lent: string[];
  columns?: Record<string, string[]>;
  via?: string;
}

/**
 * What a DEFINER routine lends through the DEFINER routines it calls, at any depth (through
 * INVOKER ones too): each runs as its own definer when the one running the call may EXECUTE it,
 * so whoever may EXECUTE the first gets what the last does as far as its definer holds it, though
 * it may not execute the last itself (earlier notes listed this as not modelled).
 */
function definerChains(index: GrantIndex, db: string, table: string): Lender[] {
  const objects = index.catalog.definerObjects;
  const out: Lender[] = [];
  for (const first of objects) {
    if (first.kind === "view" || first.securityType !== "DEFINER" || first.definition === null || SYSTEM_SCHEMAS.has(first.db)) continue;
    if (!definerMayRun(index, first, first.definer)) continue;
    // Each routine once per role running it: one reached first through a runner that may not
    // execute it is still tried through another (found live by a review).
    const seen = new Set([`${objects.indexOf(first)}\u0000${key(first.definer)}`]);
    const queue: { routine: MysqlDefinerObject; runner: MysqlAccountRef; via: string }[] = [
      { routine: first, runner: first.definer, via: "" },
    ];
    for (let i = 0; i < queue.length; i++) {
      const { routine, runner, via } = queue[i] as (typeof queue)[number];
      if (routine.definition === null) continue;
      for (const callee of routinesCalledIn(routine.definition, routine.db, objects)) {
        if (SYSTEM_SCHEMAS.has(callee.db)) continue;
        // The server checks the caller's EXECUTE on every routine called, INVOKER ones included (found live by a review).
        if (!definerMayRun(index, callee, runner)) continue;
        const runs = callee.securityType === "INVOKER" ? runner : callee.definer;
        const visit = `${objects.indexOf(callee)}\u0000${key(runs)}`;
        if (seen.has(visit)) continue;
        seen.add(visit);
        if (callee.securityType === "INVOKER") {
          queue.push({ routine: callee, runner, via: `${via} -(calls)-> ${callee.kind} ${callee.db}.${callee.name}` });
          continue;
        }
        // A DEFINER one runs as its definer, who must be able to run it too.
        if (!definerMayRun(index, callee, callee.definer)) continue;
        const unseen =
          callee.definition === null
            ? ", definition not visible: assumed to reach"
            : unreadable(callee)
              ? ", dynamic SQL: assumed to reach"
              : "";
        const next = `${via} -(calls)-> ${callee.kind} ${callee.db}.${callee.name}, definer ${key(callee.definer)}${unseen}`;
        const actions = objectActions(callee, db, table, objects);
        if (actions.length > 0) {
          const { privileges, columns } = lendable(actions, definerHolds(index, callee.definer, db, table));
          if (privileges.length > 0) out.push({ object: first, lent: privileges, ...(columns ? { columns } : {}), via: next });
        }
        queue.push({ routine: callee, runner: callee.definer, via: next });
      }
    }
  }
  return out;
}

/** What each chosen object does to db.table when it runs as its definer, as far as the definer holds it (objects that do nothing left out). */
function lentAsDefiner(index: GrantIndex, chosen: (o: MysqlDefinerObject) => boolean, db: string, table: string) {
  return index
    .objectsMayReach(db, table)
    .filter(chosen)
    .map((o) => {
      const actions = objectActions(o, db, table, index.catalog.definerObjects);
      if (actions.length === 0 || !definerMayRun(index, o, o.definer)) return undefined;
      const { privileges: lent, columns } = lendable(actions, definerHolds(index, o.definer, db, table));
      return lent.length > 0 ? { object: o, lent, columns } : undefined;
    })
    .filter((x) => x !== undefined);
}

function ownPaths(index: GrantIndex, subjects: readonly MysqlAccount[], db: string, table: string): PathsByAccount {
  const qualified = `${db}.${table}`;
  // Definer objects touching this table: what they lend, once per table, through the DEFINER
  // routines they call too.
  const lenders: Lender[] = [...lentAsDefiner(index, (o) => o.securityType === "DEFINER", db, table), ...definerChains(index, db, table)];
  // INVOKER routines DEFINER code runs: whoever may replace one runs its own body as that definer.
  const replaceable: Replaceable[] = definerRuns(index)
    .map((run) => {
      const holds = definerHolds(index, run.runner, db, table);
      const { routine } = run;
      const actions =
        routine.securityType === "DEFINER" && !run.missing ? objectActions(routine, db, table, index.catalog.definerObjects) : [];
      const flipped = actions.length > 0 ? lendable(actions, holds) : undefined;
      return {
        run,
        holds,
        replaced: runsOnceReplaced(index, routine, run.runner),
        dropped: runsOnceReplaced(index, routine, run.runner, true),
        altered: runsOnceReplaced(index, routine, run.runner, false),
        ...(flipped && flipped.privileges.length > 0 ? { flipped } : {}),
      };
    })
    .filter(({ holds, replaced, flipped }) => (replaced || flipped) && (holds.whole.size > 0 || Object.keys(holds.columns).length > 0));
  // INVOKER routines touching this table that ALTER ROUTINE could make SQL SECURITY DEFINER:
  // then they run as their definer (found live by a review).
  const flippable = lentAsDefiner(index, (o) => o.kind !== "view" && o.securityType === "INVOKER" && !SYSTEM_SCHEMAS.has(o.db), db, table);
  // Many accounts share a role: each holder's grants on this table are looked up once.
  const grantsOf = new Map<string, Grant[]>();
  const holderGrants = (id: MysqlAccountRef) => {
    const k = hostKey(id);
    let grants = grantsOf.get(k);
    if (!grants) {
      grants = directGrants(index, id, db, table);
      grantsOf.set(k, grants);
    }
    return grants;
  };
  const out: PathsByAccount = new Map();
  // Only accounts that act as someone holding a grant that could apply here can have a path:
  // every other account is skipped (a catalog of N tables with triggers and N accounts was
  // N × N here). Routines others may replace or flip reach further: then every account is asked.
  const candidates =
    replaceable.length > 0 || flippable.length > 0
      ? subjects
      : index.mayHoldOn(
          subjects,
          db,
          table,
          lenders.map((l) => l.object),
        );
  for (const account of candidates) {
    const paths: AccessPath[] = [];
    for (const r of index.reach(account)) {
      for (const g of holderGrants(r.id)) {
        paths.push({
          text: `${key(account)} ${r.hops || "-> "}${privilegeText(g.privileges)} on ${scopeText(g.scope)}`,
          privileges: g.privileges,
          ...(g.columns ? { columns: g.columns } : {}),
          kind: r.kind,
          holder: r.id,
          scope: g.scope,
          ...(r.first ? { first: r.first } : {}),
        });
      }
      for (const l of lenders) {
        // One path per grant that lets the holder use the object: revoking each is what cuts them.
        for (const use of objectGrants(index, r.id, l.object)) {
          const lent = l.object.kind === "view" ? l.lent.filter((p) => use.privileges.includes(p)) : l.lent;
          if (lent.length === 0) continue;
          const what = l.object.kind === "view" ? `${use.privileges.join(", ")} on view` : `EXECUTE ${l.object.kind}`;
          const unseen =
            l.object.definition === null
              ? ", definition not visible: assumed to reach"
              : unreadable(l.object)
                ? ", dynamic SQL: assumed to reach"
                : "";
          const granted = use.at.kind === "global" || use.at.kind === "database" ? ` (granted on ${scopeText(use.at)})` : "";
          const columns = l.columns && Object.fromEntries(Object.entries(l.columns).filter(([p]) => lent.includes(p)));
          const gives = givesText(lent, columns);
          paths.push({
            text: `${key(account)} ${r.hops}-(${what} ${l.object.db}.${l.object.name}${granted}, definer ${key(l.object.definer)}${unseen}${l.via ?? ""})-> ${gives} on ${qualified}`,
            privileges: lent,
            ...(columns && Object.keys(columns).length > 0 ? { columns } : {}),
            kind: "definer",
            holder: r.id,
            scope:
              l.object.kind === "view"
                ? { kind: "view", db: l.object.db, name: l.object.name }
                : { kind: "routine", db: l.object.db, name: l.object.name, type: l.object.kind },
            uses: use,
            ...(r.first ? { first: r.first } : {}),
          });
        }
      }
    }
    if (replaceable.length > 0) paths.push(...replacePaths(index, account, replaceable, qualified));
    const reached = flippable.length > 0 ? index.reach(account) : [];
    for (const f of flippable) {
      // It must be called: by the account, through a grant of EXECUTE it may use.
      if (!reached.some((r) => objectGrants(index, r.id, f.object).length > 0)) continue;
      const { object } = f;
      for (const r of reached) {
        for (const at of routinePrivilegeAt(index, r.id, object, "ALTER ROUTINE")) {
          const how = `ALTER ROUTINE on ${scopeText(at)}: makes INVOKER ${object.kind} ${object.db}.${object.name} SQL SECURITY DEFINER, definer ${key(object.definer)}`;
          paths.push(routineChangePath(account, r, how, object, { privileges: ["ALTER ROUTINE"], at }, f.lent, f.columns, qualified));
        }
      }
    }
    if (paths.length > 0) out.set(key(account), paths);
  }
  return out;
}

/** What a path gives, as its text says it: `DELETE, UPDATE (handler)`. */
function givesText(privileges: readonly string[], columns?: Record<string, string[]>): string {
  return privileges.map((p) => (columns?.[p] ? `${p} (${columns[p].join(", ")})` : p)).join(", ");
}

/**
 * A path by which the account changes a routine (the grant `use`, held by `r`'s id) so that its
 * own code, or the routine's, runs as a definer who holds `privileges` on the table.
 */
function routineChangePath(
  account: MysqlAccount,
  r: Reached,
  how: string,
  routine: MysqlDefinerObject,
  use: ObjectUse,
  privileges: string[],
  columns: Record<string, string[]> | undefined,
  qualified: string,
): AccessPath {
  return {
    text: `${key(account)} ${r.hops}-(${how})-> ${givesText(privileges, columns)} on ${qualified}`,
    privileges,
    ...(columns && Object.keys(columns).length > 0 ? { columns } : {}),
    kind: "definer",
    holder: r.id,
    scope: { kind: "routine", db: routine.db, name: routine.name, type: routine.kind as "procedure" | "function" },
    uses: use,
    ...(r.first ? { first: r.first } : {}),
  };
}

/**
 * The account's paths through INVOKER routines DEFINER code runs: replacing one takes ALTER
 * ROUTINE on it (to drop it, or MariaDB's CREATE OR REPLACE) and CREATE ROUTINE on its database,
 * by any id the account may act as; the new body then runs as the caller's definer, who may do
 * everything it holds on the table (proven live in mysql/definer-callees.test.ts). One path per
 * grant of ALTER ROUTINE, the one to revoke.
 */
function replacePaths(index: GrantIndex, account: MysqlAccount, replaceable: readonly Replaceable[], qualified: string): AccessPath[] {
  const out: AccessPath[] = [];
  const reached = index.reach(account);
  // MariaDB activates one role at a time: privileges of two roles are not used in one statement.
  const oneRole = index.catalog.flavor === "mariadb";
  const own = (id: MysqlAccountRef) => sameId(id, account);
  for (const { run, holds, replaced, dropped, altered, flipped } of replaceable) {
    const { routine } = run;
    // The definer itself holds all of it already.
    if (sameId(account, run.runner)) continue;
    const privileges = [...TABLE_ACCESS.filter((p) => holds.whole.has(p)), ...Object.keys(holds.columns)];
    const creators = reached.flatMap((r) =>
      routinePrivilegeAt(index, r.id, routine, "CREATE ROUTINE")
        .filter((at) => at.kind !== "routine")
        .map((at) => ({ r, at })),
    );
    if (run.missing) {
      // Called but not there: CREATE ROUTINE alone makes it (found live by a review).
      for (const { r, at } of creators) {
        const how = `CREATE ROUTINE on ${scopeText(at)}: creates ${routine.kind} ${routine.db}.${routine.name}, which ${run.by} calls and no routine is, to run as definer ${key(run.runner)}`;
        out.push(routineChangePath(account, r, how, routine, { privileges: ["CREATE ROUTINE"], at }, privileges, holds.columns, qualified));
      }
      continue;
    }
    for (const r of reached) {
      for (const at of routinePrivilegeAt(index, r.id, routine, "ALTER ROUTINE")) {
        // From two roles the replacement is a DROP under one and a CREATE under the other: the
        // routine's own grants go with the DROP (tried live by a review).
        const together = creators.find((c) => c.r.id === r.id || own(c.r.id) || own(r.id) || !oneRole);
        const creator = replaced ? (together ?? (dropped ? creators[0] : undefined)) : undefined;
        if (creator) {
          const create = creator.r.id === r.id ? "" : `, CREATE ROUTINE as ${key(creator.r.id)}`;
          const how = `ALTER ROUTINE on ${scopeText(at)}${create}: replaces ${routine.kind} ${routine.db}.${routine.name}, which ${run.by} runs as definer ${key(run.runner)}`;
          out.push(
            routineChangePath(account, r, how, routine, { privileges: ["ALTER ROUTINE"], at }, privileges, holds.columns, qualified),
          );
        } else if (flipped && altered) {
          // ALTER ROUTINE alone: a DEFINER routine made SQL SECURITY INVOKER does what its body
          // does, as the runner (found live by a review; whatever CREATE ROUTINE is held elsewhere).
          const how = `ALTER ROUTINE on ${scopeText(at)}: makes DEFINER ${routine.kind} ${routine.db}.${routine.name} SQL SECURITY INVOKER, which ${run.by} then runs as definer ${key(run.runner)}`;
          out.push(
            routineChangePath(
              account,
              r,
              how,
              routine,
              { privileges: ["ALTER ROUTINE"], at },
              flipped.privileges,
              flipped.columns,
              qualified,
            ),
          );
        }
      }
    }
  }
  return out;
}

/**
 * The rules of a foreign key that write its table; RESTRICT and NO ACTION only refuse. (SET
 * DEFAULT is refused by MySQL 8 and stored as RESTRICT by MariaDB: it is kept for a server
 * that would carry it out.)
 */
const WRITING_RULES = new Set(["CASCADE", "SET NULL", "SET DEFAULT"]);

/**
 * What a way into the referenced table (`way`) does to the referencing one through the key:
 * a DELETE there deletes the rows here (CASCADE) or sets their key columns (SET NULL, SET
 * DEFAULT); an UPDATE that changes a referenced column updates the key columns here. Column
 * names compare without case, as MySQL's do. The path keeps the way in's holder, scope and
 * first step: cutting the way in is what cuts it.
 */
function foreignKeyPaths(fk: MysqlForeignKey, way: AccessPath): AccessPath[] {
  const out: AccessPath[] = [];
  const via = (rule: string, privilege: "DELETE" | "UPDATE", gives: "DELETE" | "UPDATE") => {
    const columns = gives === "UPDATE" ? { columns: { UPDATE: [...fk.columns] } } : {};
    const on = gives === "UPDATE" ? `UPDATE (${fk.columns.join(", ")})` : "DELETE";
    out.push({
      text: `${way.text} -(foreign key ${fk.name} ${rule})-> ${on} on ${fk.db}.${fk.table}`,
      privileges: [gives],
      ...columns,
      kind: way.kind,
      holder: way.holder,
      scope: way.scope,
      ...(way.first ? { first: way.first } : {}),
      wayIn: { path: way, privilege },
      through: "foreign key",
    });
  };
  if (WRITING_RULES.has(fk.onDelete) && way.privileges.includes("DELETE")) {
    via(`ON DELETE ${fk.onDelete}`, "DELETE", fk.onDelete === "CASCADE" ? "DELETE" : "UPDATE");
  }
  const updates = WRITING_RULES.has(fk.onUpdate) && way.privileges.includes("UPDATE") ? updatesKey(fk, way.columns?.UPDATE) : "no";
  if (updates !== "no") {
    const unseen = updates === "unseen" ? ", the referenced columns' definitions not visible: taken to change with the row" : "";
    via(`ON UPDATE ${fk.onUpdate}${unseen}`, "UPDATE", "UPDATE");
  }
  return out;
}

/**
 * Whether an UPDATE of `columns` (undefined: the whole row) can change the key's referenced
 * columns: yes when it sets one (names compare without case, as MySQL's do) or when they
 * change with the row (generated, ON UPDATE); "unseen" when only the second could say yes and
 * the audit account cannot see their definitions (unknown is not taken as no).
 */
function updatesKey(fk: MysqlForeignKey, columns: readonly string[] | undefined): "yes" | "unseen" | "no" {
  if (!columns || fk.keyChangesWithRow) return "yes";
  const referenced = new Set(fk.referencedColumns.map((c) => c.toLowerCase()));
  if (columns.some((c) => referenced.has(c.toLowerCase()))) return "yes";
  return fk.referencedColumnsHidden ? "unseen" : "no";
}

/** A way into a table from another: a key's action or a trigger, and what it makes of a way into that other table. */
interface Edge {
  from: { db: string; table: string };
  paths: (way: AccessPath) => AccessPath[];
}

/** A trigger that can write a table, and what it lends there: its body's verbs that its definer holds. */
interface TriggerInto {
  trigger: MysqlTrigger;
  lent: string[];
  /** Privileges the body's runner holds only on some columns: privilege -> columns. */
  columns?: Record<string, string[]>;
  /** The view or routine the body reaches the table through (`view app.jv`, `procedure app.wipe`), if not directly. */
  via?: string;
}

/** How a trigger's body reaches a table: the actions, who runs them, and the view or routine it goes through. */
interface TriggerReach {
  runner: MysqlAccountRef;
  actions: Action[];
  via?: string;
}

/**
 * How a trigger's body reaches db.table, and as whom: directly (as the trigger's definer),
 * through a view it names, or through a routine it calls (one level; `named` are the objects
 * the body names). An INVOKER view or routine runs as the trigger's definer, a DEFINER one as
 * its own; a routine runs only for a caller, and a DEFINER routine only for a definer, holding
 * EXECUTE on it. One whose text the audit account cannot read is taken to reach every table.
 */
function triggerReaches(
  index: GrantIndex,
  trigger: MysqlTrigger,
  named: readonly MysqlDefinerObject[],
  db: string,
  table: string,
): TriggerReach[] {
  const body = trigger.body;
  const out: TriggerReach[] = [];
  if (namesTable(body, trigger.db, db, table)) out.push({ runner: trigger.definer, actions: statementActions(body) });
  for (const o of named) {
    if (o.db === db && o.name === table) continue;
    const reaches = objectActions(o, db, table, index.catalog.definerObjects);
    if (reaches.length === 0 || !definerMayRun(index, o, trigger.definer)) continue;
    if (o.securityType === "DEFINER" && !definerMayRun(index, o, o.definer)) continue;
    const actions = o.kind === "view" ? statementActions(body).filter((a) => VIEW_USES.includes(a.gives)) : reaches;
    out.push({ runner: o.securityType === "DEFINER" ? o.definer : trigger.definer, actions, via: `${o.kind} ${o.db}.${o.name}` });
  }
  return out;
}

/** Whether `runner` (as a definer runs: definerIds) may run the object: EXECUTE for a routine, anything for a view. */
function definerMayRun(index: GrantIndex, object: MysqlDefinerObject, runner: MysqlAccountRef): boolean {
  if (object.kind === "view") return true;
  return definerIds(index, runner).some((id) => objectGrants(index, id, object).length > 0);
}

/**
 * What a way into a trigger's table does through it: a statement the way allows fires the
 * trigger (any UPDATE, whatever its columns: MySQL has no UPDATE OF), and the body runs as its
 * definer. A way that is itself a key's action fires nothing: InnoDB's cascades fire no triggers.
 */
function triggerPaths(into: TriggerInto, way: AccessPath, db: string, table: string): AccessPath[] {
  const { trigger, lent, columns, via } = into;
  if (way.through === "foreign key" || !way.privileges.includes(trigger.event)) return [];
  const what = givesText(lent, columns);
  return [
    {
      text: `${way.text} -(${trigger.event} trigger ${trigger.db}.${trigger.name}, definer ${key(trigger.definer)}${via ? `, through ${via}` : ""})-> ${what} on ${db}.${table}`,
      privileges: lent,
      ...(columns ? { columns } : {}),
      kind: way.kind,
      holder: way.holder,
      scope: way.scope,
      ...(way.first ? { first: way.first } : {}),
      wayIn: { path: way, privilege: trigger.event },
      through: "trigger",
    },
  ];
}

/**
 * The triggers that can run at all: the definer exists and holds TRIGGER on the trigger's table
 * (checked when it fires: without it the firing statement fails, proven live on MariaDB).
 */
/**
 * The events that run: ENABLED and not past their end, with a scheduler that is not DISABLED
 * (OFF is one SET GLOBAL away), and a definer that exists and holds EVENT on the event's
 * database (the server checks it at every run: tried live).
 */
function runnableEvents(index: GrantIndex): MysqlEvent[] {
  const { events, eventScheduler } = index.catalog;
  if (events === undefined || events === "unreadable" || eventScheduler === "DISABLED") return [];
  return events.filter(
    (e) => e.status === "ENABLED" && !e.ended && index.account(e.definer) !== undefined && holdsOnDatabase(index, e.definer, e.db, "EVENT"),
  );
}

/** Whether `id`, running stored code as its definer, holds `privilege` on all of database `db` (global or database grants). */
function holdsOnDatabase(index: GrantIndex, id: MysqlAccountRef, db: string, privilege: string): boolean {
  return definerIds(index, id).some(
    (holder) =>
      index.account(holder)?.global.includes(privilege) ||
      (index.dbGrantsOf.get(hostKey(holder)) ?? []).some((g) => likeMatch(g.db, db) && g.privileges.includes(privilege)),
  );
}

function runnableTriggers(index: GrantIndex): MysqlTrigger[] {
  return (index.catalog.triggers ?? []).filter(
    (t) => index.account(t.definer) !== undefined && definerHolds(index, t.definer, t.db, t.table).whole.has("TRIGGER"),
  );
}

/** The path a path through keys starts from: the way into the first referenced table. */
export function rootWayIn(path: AccessPath): { path: AccessPath; privilege: string } | undefined {
  let way = path.wayIn;
  while (way?.path.wayIn) way = way.path.wayIn;
  return way;
}

/** What makes two paths through keys the same for a reader: what they give, and the grant they start from. */
function sameThrough(path: AccessPath): string {
  const root = rootWayIn(path);
  return [path.privileges.join(","), path.columns?.UPDATE?.join(",") ?? "", root?.privilege ?? "", root?.path.text ?? path.text].join(
    "\u0000",
  );
}

/**
 * Every account's paths to each table asked for: its own (ownPaths), and through each
 * foreign key of the table whose rules write it, the paths to the referenced table, at any
 * depth. Worked out for every table the keys connect at once, round by round until a round
 * adds nothing: a cycle of keys (a table referring to itself, two referring to each other) may
 * turn a DELETE into an UPDATE on its way round, so nothing is cut. Of the paths through keys
 * that give the same privilege (and columns) from the same grant, the first round's is kept:
 * the fewest keys. So the paths stay as many as the grants that start them, not the ways
 * through a graph of keys (which can double with each level).
 */
class TablePaths {
  private readonly memo = new Map<string, PathsByAccount>();
  private readonly keysOf = new Map<string, MysqlForeignKey[]>();
  private readonly triggers: MysqlTrigger[];
  private readonly triggersInto = new Map<string, TriggerInto[]>();
  private readonly named = new Map<MysqlTrigger, MysqlDefinerObject[]>();
  /** The definer objects by `db\u0000name` (lower case): what a trigger body names is looked up here. */
  private readonly objectsByName = new Map<string, MysqlDefinerObject[]>();

  constructor(
    private readonly index: GrantIndex,
    private readonly subjects: readonly MysqlAccount[],
  ) {
    for (const fk of index.catalog.foreignKeys ?? []) {
      if (!WRITING_RULES.has(fk.onDelete) && !WRITING_RULES.has(fk.onUpdate)) continue;
      const id = tableId(fk.db, fk.table);
      const keys = this.keysOf.get(id);
      if (keys) keys.push(fk);
      else this.keysOf.set(id, [fk]);
    }
    this.triggers = runnableTriggers(index);
    for (const o of index.catalog.definerObjects) {
      const k = `${o.db.toLowerCase()}\u0000${o.name.toLowerCase()}`;
      const list = this.objectsByName.get(k);
      if (list) list.push(o);
      else this.objectsByName.set(k, [o]);
    }
  }

  /** The views and routines a trigger's body names (a procedure only with a CALL), once per trigger. */
  private namedBy(trigger: MysqlTrigger): MysqlDefinerObject[] {
    let named = this.named.get(trigger);
    if (!named) {
      const calls = /\bcall\b/i.test(trigger.body);
      const candidates = new Set(tablesNamed(trigger.body, trigger.db).flatMap((k) => this.objectsByName.get(k) ?? []));
      named = [...candidates].filter((o) => namesTable(trigger.body, trigger.db, o.db, o.name) && (o.kind !== "procedure" || calls));
      this.named.set(trigger, named);
    }
    return named;
  }

  private triggerIndex?: { byName: Map<string, Set<MysqlTrigger>>; always: Set<MysqlTrigger> };
  /**
   * The runnable triggers, in their order, that may read or write db.table: those on it, those
   * whose body names it (a superset, by tablesNamed) and those whose body names a view or
   * routine (what that does counts as theirs). triggersOf decides; the rest would find nothing.
   */
  private triggersMayReach(db: string, table: string): MysqlTrigger[] {
    if (!this.triggerIndex) {
      const byName = new Map<string, Set<MysqlTrigger>>();
      const always = new Set<MysqlTrigger>();
      for (const trigger of this.triggers) {
        if (this.namedBy(trigger).length > 0) always.add(trigger);
        addTo(byName, `${trigger.db.toLowerCase()}\u0000${trigger.table.toLowerCase()}`, trigger);
        for (const k of tablesNamed(trigger.body, trigger.db)) addTo(byName, k, trigger);
      }
      this.triggerIndex = { byName, always };
    }
    const named = this.triggerIndex.byName.get(`${db.toLowerCase()}\u0000${table.toLowerCase()}`);
    return inCatalogOrder(this.triggers, this.triggerIndex.always, named);
  }

  /** The triggers whose bodies read or write db.table, once per table. */
  private triggersOf(id: string, db: string, table: string): TriggerInto[] {
    let into = this.triggersInto.get(id);
    if (into) return into;
    into = [];
    if (SYSTEM_SCHEMAS.has(db)) return into;
    for (const trigger of this.triggersMayReach(db, table)) {
      // On its own table a trigger may read (and SIGNAL what it read: proven live) but not write
      // (ER_CANT_UPDATE_USED_TABLE_IN_SF_OR_TRG), except the row that fires it: a BEFORE trigger
      // that sets NEW.col writes col for whoever fires it, if its definer may UPDATE col.
      const own = trigger.db === db && trigger.table === table;
      if (own && trigger.event !== "DELETE") {
        const holds = definerHolds(this.index, trigger.definer, db, table);
        const settable = (c: string) => holds.whole.has("UPDATE") || (holds.columns.UPDATE ?? []).some((x) => x.toLowerCase() === c);
        const set = newRowAssignments(trigger.body).filter(settable);
        if (set.length > 0) into.push({ trigger, lent: [trigger.event], columns: { [trigger.event]: set } });
      }
      for (const reach of triggerReaches(this.index, trigger, this.namedBy(trigger), db, table)) {
        const actions = own ? reach.actions.filter((a) => a.gives === "SELECT") : reach.actions;
        const { privileges: lent, columns } = lendable(actions, definerHolds(this.index, reach.runner, db, table));
        if (lent.length > 0) into.push({ trigger, lent, ...(columns ? { columns } : {}), ...(reach.via ? { via: reach.via } : {}) });
      }
    }
    this.triggersInto.set(id, into);
    return into;
  }

  /** What leads into a table: the keys whose rules write it, the triggers whose bodies do. */
  private edgesInto(id: string, at: { db: string; table: string }): Edge[] {
    const keys = (this.keysOf.get(id) ?? []).map((fk) => ({
      from: { db: fk.referencedDb, table: fk.referencedTable },
      paths: (way: AccessPath) => foreignKeyPaths(fk, way),
    }));
    const triggers = this.triggersOf(id, at.db, at.table).map((into) => ({
      from: { db: into.trigger.db, table: into.trigger.table },
      paths: (way: AccessPath) => triggerPaths(into, way, at.db, at.table),
    }));
    return [...keys, ...triggers];
  }

  of(db: string, table: string): PathsByAccount {
    const start = tableId(db, table);
    const memo = this.memo.get(start);
    if (memo) return memo;
    // Every table the keys and triggers lead to from here, and each one's own paths.
    const names = new Map<string, { db: string; table: string }>([[start, { db, table }]]);
    const edges = new Map<string, Edge[]>();
    for (const [id, at] of names) {
      const into = this.edgesInto(id, at);
      edges.set(id, into);
      for (const { from } of into) {
        const to = tableId(from.db, from.table);
        if (!names.has(to)) names.set(to, from);
      }
    }
    const paths = new Map<string, PathsByAccount>();
    const seen = new Map<string, Set<string>>();
    let added = new Map<string, PathsByAccount>();
    for (const [id, t] of names) {
      // A table an earlier walk worked out starts from its whole answer, its paths through keys known.
      const own = this.memo.get(id) ?? ownPaths(this.index, this.subjects, t.db, t.table);
      const known = new Set<string>();
      for (const [account, list] of own) for (const p of list) if (p.wayIn) known.add(`${account}\u0000${sameThrough(p)}`);
      paths.set(id, new Map([...own].map(([account, list]) => [account, [...list]])));
      seen.set(id, known);
      added.set(id, own);
    }
    while (added.size > 0) {
      const next = new Map<string, PathsByAccount>();
      for (const id of names.keys()) {
        for (const edge of edges.get(id) ?? []) {
          const from = added.get(tableId(edge.from.db, edge.from.table));
          if (!from) continue;
          for (const [account, ways] of from) {
            for (const way of ways) {
              for (const p of edge.paths(way)) {
                const same = `${account}\u0000${sameThrough(p)}`;
                const known = seen.get(id) as Set<string>;
                if (known.has(same)) continue;
                known.add(same);
                push(paths.get(id) as PathsByAccount, account, p);
                let fresh = next.get(id);
                if (!fresh) {
                  fresh = new Map();
                  next.set(id, fresh);
                }
                push(fresh, account, p);
              }
            }
          }
        }
      }
      added = next;
    }
    // Every table here had all the tables its keys lead to in the same walk: each answer is whole.
    for (const [id, byAccount] of paths) if (!this.memo.has(id)) this.memo.set(id, byAccount);
    return paths.get(start) as PathsByAccount;
  }
}

/** Appends to the list kept under `key`, starting it when there is none. */
function push<K, V>(into: Map<K, V[]>, key: K, value: V): void {
  const list = into.get(key);
  if (list) list.push(value);
  else into.set(key, [value]);
}

/** Adds to the set kept under `key`, starting it when there is none. */
function addTo<K, V>(into: Map<K, Set<V>>, key: K, value: V): void {
  const set = into.get(key);
  if (set) set.add(value);
  else into.set(key, new Set([value]));
}

const tableId = (db: string, table: string) => `${db}\u0000${table}`;

export function computeMysqlAccess(
  catalog: MysqlCatalog,
  tables: readonly { db: string; table: string }[],
  index = new GrantIndex(catalog),
): Map<string, MysqlTableAccess> {
  const result = new Map<string, MysqlTableAccess>();
  const subjects = catalog.accounts.filter((a) => !a.isRole);
  const reaching = new TablePaths(index, subjects);
  for (const { db, table } of tables) {
    const qualified = `${db}.${table}`;
    const byAccount = reaching.of(db, table);
    const principals: AccountAccess[] = [];
    for (const account of subjects) {
      const paths = byAccount.get(key(account));
      if (!paths) continue;
      const whole = new Set<string>();
      const columnOnly: Record<string, Set<string>> = {};
      for (const p of paths) {
        for (const priv of p.privileges) {
          const cols = p.columns?.[priv];
          if (!cols) {
            whole.add(priv);
            continue;
          }
          const set = columnOnly[priv] ?? new Set<string>();
          for (const c of cols) set.add(c);
          columnOnly[priv] = set;
        }
      }
      const privileges = TABLE_ACCESS.filter((p) => whole.has(p) || columnOnly[p] !== undefined);
      principals.push({
        account: key(account),
        user: account.user,
        host: account.host,
        login: index.login(account),
        privileges,
        columnOnly: Object.fromEntries(
          Object.entries(columnOnly)
            .filter(([p]) => !whole.has(p))
            .map(([p, c]) => [p, [...c].sort()]),
        ),
        paths,
      });
    }
    result.set(qualified, { db, table, qualified, principals });
  }
  return result;
}

/** Global powers that reach beyond any grant (manual: "Privileges Provided by MySQL"). */
const SUPER_LIKE = [
  "SUPER",
  "FILE",
  "CREATE USER",
  "GRANT OPTION",
  "ROLE_ADMIN",
  "SET_USER_ID",
  "SET_ANY_DEFINER",
  "SET USER",
  "SYSTEM_USER",
] as const;
const GRANT_TABLE_WRITES = ["INSERT", "UPDATE", "DELETE", "DROP", "ALTER"];

export interface SuperPath {
  how: string[];
  text: string;
  holder: MysqlAccountRef;
  first?: FirstHop;
}

/** The first path by which an account holds superuser-like powers, or undefined. */
export function superuserPath(catalog: MysqlCatalog, index: GrantIndex, account: MysqlAccountRef): SuperPath | undefined {
  for (const r of index.reach(account)) {
    const a = index.account(r.id);
    const how: string[] = [];
    const global = new Set(a?.global ?? []);
    for (const p of SUPER_LIKE) if (global.has(p)) how.push(p);
    const grantWrites = GRANT_TABLE_WRITES.filter((p) => global.has(p));
    if (grantWrites.length > 0 && !how.length) how.push(`${grantWrites.join(", ")} on *.* (the grant tables)`);
    for (const g of catalog.dbGrants) {
      if (!sameId(g, r.id) || !likeMatch(g.db, "mysql")) continue;
      const w = g.privileges.filter((p) => GRANT_TABLE_WRITES.includes(p));
      if (w.length > 0) how.push(`${w.join(", ")} on ${g.db}.* (the grant tables)`);
    }
    if (catalog.proxies.some((p) => sameId(p, r.id) && p.proxied.user === "" && p.withGrant)) how.push("PROXY on ''@'' WITH GRANT OPTION");
    if (how.length > 0) {
      return { how, text: `${key(account)} ${r.hops || "-> "}${how.join(", ")}`, ...(r.first ? { first: r.first } : {}), holder: r.id };
    }
  }
  return undefined;
}
