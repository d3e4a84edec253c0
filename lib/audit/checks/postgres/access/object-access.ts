/**
 * Routes to a queue table through objects and owners, computed in memory from a PgCatalog
 * on top of the role graph: what a role can do to the table without holding the privilege
 * on it. Each route has a way in (a privilege on an object, or being a role) and runs with
 * someone else's rights (the object's owner), so a route gives the caller what it does
 * AND what that owner may do. PostgreSQL's rules, as docs/postgres.md cites them:
 * - a view reads (and, when auto-updatable, writes) its base relations with its owner's
 *   rights, unless it is `security_invoker` (15+); views over views compose;
 * - a rule's actions run with the rights of the owner of the relation it is on;
 * - a foreign key's ON DELETE or ON UPDATE action (CASCADE, SET NULL, SET DEFAULT) runs with
 *   the rights of the referencing table's owner, for whoever deletes or updates the
 *   referenced row, and row-level security does not narrow it;
 * - a SECURITY DEFINER function (or trigger function) runs with its owner's rights;
 *   EXECUTE belongs to PUBLIC by default; one whose search_path others can put objects
 *   on runs their code as its owner, so it gives its owner's whole access;
 * - the owner of a trigger function on the table decides what every writer's statement
 *   does (the trigger runs as the writer);
 * - the owner of the table's schema can drop it (and put another in its place); the
 *   database owner is implicitly pg_database_owner, which owns `public` from 15.
 * SECURITY INVOKER functions (the default) and INSTEAD OF triggers with them use the
 * caller's rights and give nothing, except where the caller is not the one who set them off:
 * a foreign key's action runs the referencing table's BEFORE (from 16 also AFTER) triggers as
 * that table's owner.
 */
import {
  type PgCatalog,
  type PgExpressionCall,
  type PgForeignKey,
  type PgFunction,
  type PgRelation,
  type PgRole,
  type PgTable,
  type PgTrigger,
  PUBLIC_OID,
} from "../../../probes/postgres/types.js";
import { callsFunction, commandsOn, dynamicStatement, spelled, withoutComments } from "./body-references.js";
import { actionsOf, basesOf, OnwardWrites, refusedRule } from "./onward-writes.js";
import {
  type AccessOptions,
  type AccessPath,
  type AccessSource,
  type Grantable,
  grantPaths,
  kindOf,
  objectAccess,
  ordered,
  type PrincipalAccess,
  type PrivilegeKind,
  privilegesOf,
  RoleGraph,
  superuserPath,
  type TableAccess,
  throughPublic,
} from "./role-graph.js";
import { pinnedSearchPath, unsafeSearchPath } from "./search-path.js";

/** Not a grantable privilege: the power to drop the table or put another in its place. */
export const CONTROL = "DROP";
const WRITES = ["INSERT", "UPDATE", "DELETE"] as const;

const EXPRESSION_EVENTS = ["SELECT", "INSERT", "UPDATE", "DELETE"] as const;
/** The trigger events a statement through a partitioned table, or an inheritance parent, fires on its descendants. */
const CHILD_EVENTS_PARTITIONED = new Set(["INSERT", "UPDATE", "DELETE", "TRUNCATE"]);
const CHILD_EVENTS_INHERITED = new Set(["UPDATE", "DELETE", "TRUNCATE"]);
/**
 * The statements a policy's expressions run in: a SELECT policy also in an INSERT, UPDATE or
 * DELETE that reads the rows it changes (RETURNING, a WHERE clause: proven live), an UPDATE
 * policy also in SELECT … FOR UPDATE and INSERT … ON CONFLICT DO UPDATE.
 */
const POLICY_COMMANDS: Record<string, readonly string[]> = {
  r: EXPRESSION_EVENTS,
  a: ["INSERT"],
  w: ["SELECT", "INSERT", "UPDATE"],
  d: ["DELETE"],
  "*": EXPRESSION_EVENTS,
};

/** `tgtype` bits of a row trigger's events. */
const TRIGGER_EVENT_BITS: readonly [number, string][] = [
  [4, "INSERT"],
  [16, "UPDATE"],
  [8, "DELETE"],
];
/** `ev_type` of a rule. */
const RULE_EVENTS: Record<string, string> = { "1": "SELECT", "2": "UPDATE", "3": "INSERT", "4": "DELETE" };

/**
 * How a stored expression is named in a path, the statements that evaluate it, and whether
 * maintenance (ANALYZE, a BRIN index's VACUUM, VACUUM FULL, CLUSTER, REINDEX, autovacuum's
 * too) evaluates it as well, as the table's owner.
 */
function expressionUse(call: PgExpressionCall): { label: string; events: readonly string[]; maintenance?: true } {
  switch (call.kind) {
    case "default":
      return { label: `default of column ${call.name}`, events: ["INSERT"] };
    case "domain default":
      return { label: `default of domain ${call.name}`, events: ["INSERT"] };
    case "generated column":
      return { label: `generated column ${call.name}`, events: ["INSERT", "UPDATE"] };
    case "check":
    case "domain check":
      return { label: `CHECK constraint ${call.name}`, events: ["INSERT", "UPDATE"] };
    case "range type":
      return { label: `range type ${call.name}`, events: ["INSERT", "UPDATE"] };
    case "index":
      return { label: `index ${call.name}`, events: ["INSERT", "UPDATE"], maintenance: true };
    case "statistics":
      return { label: `statistics ${call.name}`, events: [], maintenance: true };
    case "trigger condition": {
      const type = Number(call.command);
      return {
        label: `WHEN condition of trigger ${call.name}`,
        events: TRIGGER_EVENT_BITS.filter(([bit]) => type & bit).map(([, e]) => e),
      };
    }
    case "rule": {
      const event = RULE_EVENTS[call.command ?? ""];
      return { label: `rule ${call.name}`, events: event ? [event] : EXPRESSION_EVENTS };
    }
    case "policy": {
      const events = POLICY_COMMANDS[call.command ?? "*"] ?? EXPRESSION_EVENTS;
      // WITH CHECK is evaluated on the rows INSERT and UPDATE write, never on a read (found live by a review).
      return { label: `policy ${call.name}`, events: call.checkOnly ? events.filter((e) => e === "INSERT" || e === "UPDATE") : events };
    }
  }
}
/**
 * A partition's row trigger events as an UPDATE through its partitioned parent reaches them: an
 * UPDATE that moves a row to another partition deletes it from one and inserts it into the other,
 * firing their DELETE and INSERT row triggers (found live by a review). Whether it moves depends
 * on the values: taken as possible, which errs towards reporting.
 */
function movedBy(parent: { partitioned: boolean }, events: readonly string[]): readonly string[] {
  if (!parent.partitioned || events.includes("UPDATE") || !events.some((e) => e === "INSERT" || e === "DELETE")) return events;
  return [...events, "UPDATE"];
}

/** The expressions of a partition or child that a write through its parent evaluates. */
const EVALUATED_THROUGH_PARENT = new Set<PgExpressionCall["kind"]>(["check", "index", "statistics", "trigger condition"]);
const NO_COLUMNS: Grantable["columnAcls"] = [];
const NO_GRANTS: Grantable = { owner: -1, acl: [], columnAcls: NO_COLUMNS };

type WayIn =
  /**
   * `named`: only a statement that names the relation itself (not a parent or a child of it)
   * will do. `trigger`: what fires a trigger of that level on the relation (firesTrigger).
   * `whole`: a statement that reaches all of the relation's rows, not only one partition's
   * or child's (a parent's privileges reach a child only through the parent itself).
   * `besides`: not through this parent of the relation (a child's rows reached from the table
   * the route leads back into add nothing to it: UPDATE on a partitioned queue moves rows
   * between its partitions, and is no INSERT into the queue).
   */
  | {
      kind: "relation";
      relation: number;
      privilege: string;
      named?: boolean;
      trigger?: PgTrigger["level"];
      whole?: boolean;
      besides?: number;
      /** Only a statement that sets one of these columns will do (a foreign key's ON UPDATE action). */
      columns?: readonly string[];
    }
  | { kind: "function"; fn: PgFunction; privilege: "EXECUTE" }
  | { kind: "role"; role: number; verb: string };

type RelationWayIn = Extract<WayIn, { kind: "relation" }>;
/** A reader of everything held (an owner's whole access, borrowed through an unsafe definer function). */
const EVERYTHING = Symbol("everything");

interface Route {
  source: AccessSource;
  wayIn: WayIn;
  /** Whose rights the route's statements run with; undefined when the way in gives `privileges` outright. */
  runsAs?: number;
  /** What the route does to the target; `all` = whatever `runsAs` may do. */
  privileges: readonly string[] | "all";
  /** The object, e.g. `public.purge_jobs() [SECURITY DEFINER, owner app_migrator; prosrc text]`. */
  object: string;
  /** When the route writes only some columns (a foreign key's action sets its key columns): those. */
  columns?: readonly string[];
  /** It writes only NULL or the columns' defaults (SET NULL, SET DEFAULT): no value of the taker's choosing. */
  fixedValues?: boolean;
  /** Its statement names the target with ONLY (a view over `ONLY parent`): no partition's or child's rows. */
  only?: true;
}

/** Where a definer function's code touches the target: through which calls, with whose rights, doing what. */
interface Reach {
  /** From the function taken to the one whose statement touches the target. */
  chain: PgFunction[];
  runsAs: number;
  privileges: readonly string[] | "all";
  how: string;
}

/** A function a SECURITY DEFINER function calls, the owner it then runs as, and the chains of calls that reach it. */
interface DefinerCallee {
  fn: PgFunction;
  runsAs: number;
  calls: string[];
}

/** A callee named in a route is called by at most this many chains shown; the rest are counted. */
const MAX_CALLERS_NAMED = 3;

/** The chains that call a function, as a route names them: the first few, and how many more. */
function namedCalls(calls: readonly string[]): string {
  const more = calls.length > MAX_CALLERS_NAMED ? ` and ${calls.length - MAX_CALLERS_NAMED} more` : "";
  return `${calls.slice(0, MAX_CALLERS_NAMED).join("; ")}${more}`;
}

/** How a role holds a route's way in. */
interface Entry {
  text: string;
  reach: AccessPath["reach"];
  chain: string[];
  public: boolean;
  /** When the way in is held on some columns only. */
  columns?: string[];
}

/** What a route does to a target, whoever takes it. */
interface Effect {
  privileges: string[];
  /** From the way in's arrow to the object, e.g. ` -(EXECUTE)-> public.purge() [...]`. */
  tail: string;
  privilegesText: string;
}

/** Receives a route a role holds only through PUBLIC: its object, what it gives, and its path on demand. */
export type PublicRouteSink = (object: string, privileges: readonly string[], path: () => AccessPath) => void;

function arrowOf(wayIn: WayIn): string {
  return wayIn.kind === "role" ? ` -(${wayIn.verb})-> ` : ` -(${wayIn.privilege})-> `;
}

interface Relation {
  oid: number;
  schema: string;
  name: string;
  owner: number;
  grantable: Grantable;
}

/**
 * What each privilege on a parent does to a child's rows, tried live on PostgreSQL 15 and 18
 * (test/audit/checks/postgres/inheritance.test.ts): only the parent's privileges are checked.
 * A partitioned table routes inserted rows into the partition their key selects; an
 * inheritance parent keeps them, so INSERT reaches no child. TRUNCATE empties every
 * descendant either way. An UPDATE through a partitioned table that changes a row's key
 * moves the row between partitions: into the queue (an INSERT there, firing its INSERT row
 * triggers) or out of it (a DELETE there), when another partition holds such a row or takes
 * the key.
 */
const THROUGH_PARENT: Record<"partitioned table" | "inheritance parent", Readonly<Record<string, readonly string[]>>> = {
  "partitioned table": {
    SELECT: ["SELECT"],
    INSERT: ["INSERT"],
    UPDATE: ["INSERT", "UPDATE", "DELETE"],
    DELETE: ["DELETE"],
    TRUNCATE: ["TRUNCATE"],
  },
  "inheritance parent": { SELECT: ["SELECT"], UPDATE: ["UPDATE"], DELETE: ["DELETE"], TRUNCATE: ["TRUNCATE"] },
};

/**
 * How an automatic update through the view reaches `relation`, or undefined when it does not:
 * it writes its one base relation, which the probe reads from its query when the view reads
 * others too (a subquery in its WHERE clause: found live); one it could not read is taken as
 * writing each relation it reads, never as writing none.
 */
function autoUpdatedBy(view: Pick<PgRelation, "reads" | "base">, relation: number): string | undefined {
  if (!basesOf(view).includes(relation)) return undefined;
  return view.base === "unread" ? "auto-updatable; which relation it writes was not read, so each it reads is taken" : "auto-updatable";
}

/** A path that reaches the relation through a parent of it: the statement named the parent. */
export function throughParent(path: Pick<AccessPath, "source">): boolean {
  return path.source === "partitioned table" || path.source === "inheritance parent";
}

/** A path that reaches the relation's rows through a partition or child of it: the statement named that one. */
export function throughChild(path: Pick<AccessPath, "source">): boolean {
  return path.source === "partition" || path.source === "inheritance child";
}

/**
 * What each privilege on a partition or inheritance child does to the parent's rows, tried
 * live on PostgreSQL 15 and 18 (test/audit/checks/postgres/descendants.test.ts): the child's
 * rows are the parent's, and only the child's privileges are checked for a statement naming
 * it. An UPDATE through a partition cannot move a row out of it (the partition constraint
 * refuses it), so each privilege gives just itself.
 */
const THROUGH_CHILD = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"] as const;

/**
 * Whether the path lets its holder fire the trigger: one of its events, and
 * - for a statement trigger, a statement naming the trigger's table itself, except TRUNCATE
 *   (a parent's TRUNCATE fires each truncated descendant's TRUNCATE triggers; its INSERT,
 *   UPDATE and DELETE fire only their row triggers);
 * - through a partition, only row triggers (PostgreSQL clones a partitioned table's row
 *   triggers onto its partitions, not its statement triggers);
 * - through an inheritance child, none: a statement on a child fires no trigger of its parent.
 */
export function firesTrigger(trigger: Pick<PgTrigger, "events" | "level">, path: Pick<AccessPath, "source" | "privileges">): boolean {
  if (path.source === "inheritance child") return false;
  if (path.source === "partition" && trigger.level === "STATEMENT") return false;
  const named = trigger.level === "STATEMENT" && throughParent(path);
  return path.privileges.some((p) => trigger.events.includes(p) && (!named || p === "TRUNCATE"));
}

/**
 * A parent's owner: what owning an ancestor of the table gives over it (tried live:
 * inheritance.test.ts). Dropping a partitioned table drops its partitions, and DROP … CASCADE
 * on an inheritance parent its children, whoever owns them. CREATE INDEX on a partitioned
 * table recurses into every partition, whoever owns them, so an index expression's function
 * runs in every write to the partition, as the writer; creating that index needs CREATE on
 * the partitioned table's schema and on each partition's (tried live).
 */
function parentOwnerPower(kind: "partitioned table" | "inheritance parent", mayIndex: boolean): { privileges: string[]; how: string } {
  if (kind === "inheritance parent") return { privileges: [CONTROL], how: "DROP TABLE … CASCADE on it drops the child" };
  if (!mayIndex) return { privileges: [CONTROL], how: "dropping it drops the partition" };
  return {
    privileges: [...WRITES, CONTROL],
    how: "an index expression its owner creates on it runs in every write to the partition; dropping it drops the partition",
  };
}

/** One action of a key on its referencing relation: what it runs there, who sets it off, as an auditor reads it. */
interface KeyAction {
  /** CASCADE, SET NULL or SET DEFAULT. */
  rule: string;
  event: "DELETE" | "UPDATE";
  wayIn: WayIn;
  object: string;
  columns: readonly string[];
  fixedValues: boolean;
}

/** The writing actions of a foreign key (`confdeltype`, `confupdtype`); NO ACTION (a) and RESTRICT (r) only refuse. */
const FK_ACTIONS: Readonly<Record<string, string>> = { c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

/** A name in lower case that SQL may spell bare: a body naming it, quoted or not, has it among its words. */
const PLAIN_NAME = /^[a-z_][a-z0-9_$]*$/;

/** The words of a lower-cased body (identifier-shaped runs), once per writer: a set to look names up in. */
function wordsOf(lower: string): Set<string> {
  return new Set(lower.match(/[a-z_][a-z0-9_$]*/g) ?? []);
}

/** The items by a key, in order; items without one are left out. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => number | undefined): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Every relation reachable from `start` along `edges` (parents or children), nearest first, each once. */
function walk(start: number, edges: ReadonlyMap<number, readonly number[]>): number[] {
  const seen = new Set<number>([start]);
  const out: number[] = [];
  for (let i = -1; i < out.length; i++) {
    for (const next of edges.get(i < 0 ? start : (out[i] as number)) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      out.push(next);
    }
  }
  return out;
}

export function functionName(fn: Pick<PgFunction, "schema" | "name" | "args">): string {
  return `${fn.schema}.${fn.name}(${fn.args})`;
}

/** How a function's effect on the table was concluded, for the evidence. */
function touchesVia(
  fn: PgFunction,
  relation: Relation,
  lowerCaseBody?: string,
  qualifiedOnly = false,
): { commands: string[]; how: string } | undefined {
  const commands = commandsOn(fn.body, relation.schema, relation.name, lowerCaseBody, false, qualifiedOnly);
  if (fn.sqlStandardBody && fn.references.includes(relation.oid)) {
    return { commands: commands ?? ["SELECT"], how: "pg_depend (SQL-standard body)" };
  }
  return commands ? { commands, how: "body text names the table" } : undefined;
}

/**
 * The statements a walk starts from (statementWalk): one event, a COPY (an INSERT that applies
 * no rules), an upsert (`INSERT … ON CONFLICT DO UPDATE`) and a MERGE, each with the commands
 * that may happen on the table it names.
 */
type StatementKind = "INSERT" | "UPDATE" | "DELETE" | "TRUNCATE" | "COPY" | "UPSERT" | "MERGE";
const STATEMENT_COMMANDS: Record<StatementKind, readonly string[]> = {
  INSERT: ["INSERT"],
  UPDATE: ["UPDATE"],
  DELETE: ["DELETE"],
  TRUNCATE: ["TRUNCATE"],
  COPY: ["INSERT"],
  UPSERT: ["INSERT", "UPDATE"],
  MERGE: ["INSERT", "UPDATE", "DELETE"],
};
/** `confdeltype`/`confupdtype` of an action that writes the referencing rows: cascade, set null, set default. */
const WRITING_ACTIONS = new Set(["c", "n", "d"]);
/** The walk of one TRUNCATE naming several tables (no relation of its own). */
const SEVERAL = -1;

/**
 * A way into a statement's code, kept to its start and its end: a chain of tables whose
 * triggers write each other would otherwise carry ever longer text at every step (found by a
 * code review: cubic in the chain's length).
 */
function clipped(hops: string): string {
  return hops.length <= 600 ? hops : `${hops.slice(0, 200)} … ${hops.slice(-390)}`;
}

/** How a path names the statement. */
function statementName(kind: StatementKind, on: string): string {
  switch (kind) {
    case "COPY":
      return `a COPY into ${on} (it applies no rules)`;
    case "UPSERT":
      return `an INSERT … ON CONFLICT DO UPDATE on ${on}`;
    case "MERGE":
      return `a MERGE into ${on}`;
    case "TRUNCATE":
      return on === "several tables" ? "a TRUNCATE of several tables (or with CASCADE)" : `a TRUNCATE of ${on}`;
    default:
      return `${kind === "DELETE" ? "a" : "an"} ${kind} on ${on}`;
  }
}

/** A relation whose statements run code or go on, with its place in the catalog's order. */
interface CodeRelation {
  oid: number;
  schema: string;
  name: string;
  at: number;
}

interface CodeRelations {
  byOid: Map<number, CodeRelation>;
  byPlainName: Map<string, CodeRelation[]>;
  others: CodeRelation[];
}

/** What one statement runs as its writer (statementWalk), whatever table is asked about. */
interface StatementWalk {
  /** Each invoker function that runs, once, with the first way it runs and the relation whose code it is. */
  runs: { fn: PgFunction; source: AccessSource; how: string; on: number }[];
  /** Every run of a function, with the path to it and whether what it does in this statement is known (not behind a TG_OP test). */
  calls: { fn: PgFunction; path: string; known: boolean }[];
  /** Every relation the statement reaches through views and rules, and as whom it is checked there. */
  reaches: { relation: number; commands: readonly string[]; hops: string; known: boolean; checkedAs?: number }[];
}

/** An enabled SECURITY INVOKER trigger, by the relation a write names to fire it. */
interface FiringTrigger {
  trigger: PgTrigger;
  /** The relation a write names to fire it: its own, or a parent's (absent when the probe gave no OID). */
  relation?: number;
  schema: string;
  table: string;
  events: readonly string[];
  fn: PgFunction;
  viaParent?: true;
}

/** A stored expression's function, by the relation a statement names to run it. */
interface FiringExpression {
  call: PgExpressionCall;
  relation?: number;
  schema: string;
  table: string;
  events: readonly string[];
  fn: PgFunction;
  label: string;
  viaParent?: true;
}

interface FiringCode {
  triggers: FiringTrigger[];
  expressions: FiringExpression[];
  triggersOn: Map<number, FiringTrigger[]>;
  expressionsOn: Map<number, FiringExpression[]>;
}

export class ObjectRoutes {
  private readonly relations = new Map<number, Relation>();
  private readonly views = new Map<number, PgRelation>();
  /** Each relation's direct parents, and each parent's kind of parenthood. */
  private readonly parents = new Map<number, number[]>();
  /** Each relation's direct partitions or inheritance children (the probe reads those of the configured tables). */
  private readonly children = new Map<number, number[]>();
  private readonly relkinds = new Map<number, string>();
  /** Writing foreign keys by the referencing relation (the one their actions write). */
  private readonly foreignKeys = new Map<number, PgForeignKey[]>();
  /** The triggers a key's action fires as the referencing relation's owner, by that relation (every target asks). */
  private readonly inActionMemo = new Map<number, { trigger: PgTrigger; table: Relation }[]>();
  private readonly functions = new Map<number, PgFunction>();
  private readonly routesMemo = new Map<number, Route[]>();
  /** Whole answers of held(). */
  private readonly heldMemo = new Map<string, AccessPath[]>();
  /**
   * Answers of held() cut short by a cycle back into a held() still being evaluated, with the
   * depth of that one: valid while it is, kept in one list per depth and dropped when it ends.
   */
  private readonly partialMemo = new Map<string, { paths: AccessPath[]; cutAt: number }>();
  private readonly partialAt: string[][] = [];
  /**
   * What the last round of a cycle found for each of its ones that a route came back to: the
   * next round starts from it. Each kind of path in it was found with answers short of the
   * whole ones, so it is in the whole answer too (kinds are only ever added), and one left from
   * a cycle settled earlier is a safe start.
   */
  private readonly roundsFound = new Map<string, { paths: AccessPath[]; byKind: Map<string, AccessPath> }>();
  /** By depth: whether one inside the held() at that depth found more, so its cycle is walked again. */
  private readonly roundAgain: boolean[] = [];
  /** Each held() being evaluated, by role and relation, with its depth. */
  private readonly inProgress = new Map<string, number>();
  /**
   * What a held() being evaluated hands to a cycle that comes back into it: its grants, or
   * its answer from the round before.
   */
  private readonly handedBack = new Map<string, AccessPath[]>();
  /**
   * Who read what a held() being evaluated handed back, this round: the way in it was read
   * for, or everything (an owner's whole access through an unsafe definer function).
   */
  private readonly readersOf = new Map<string, Set<RelationWayIn | typeof EVERYTHING>>();
  /** The way in the next held() is asked for (findWayIn sets it; any other caller reads everything). */
  private reader: RelationWayIn | undefined;
  /** The shallowest depth a cycle in the held() being evaluated came back to. */
  private cutAt = Number.POSITIVE_INFINITY;
  private readonly tableKind: PrivilegeKind;
  private readonly functionKind: PrivilegeKind;
  private readonly unsafe = new Map<number, string>();
  private readonly configured = new Set<number>();
  private readonly executeMemo = new Map<number, Map<number, AccessPath[]>>();
  private readonly effectMemo = new Map<Route, Map<number, Effect | null>>();
  private readonly wayInMemo = new Map<WayIn, Map<number, Entry | null>>();
  private readonly wayIns = new Map<string, WayIn>();
  private readonly lowerCaseBodies = new Map<number, string>();
  private readonly calleesMemo = new Map<number, PgFunction[]>();
  private readonly dynamicMemo = new Map<number, string | undefined>();
  /** Functions by their name as any spelling contains it (body-references.ts): a body without it calls none of them. */
  private readonly functionsByName = new Map<string, PgFunction[]>();
  private readonly ownerRoutesMemo = new Map<number, Route[]>();
  private definerCalleesMemo: DefinerCallee[] | undefined;
  private firedByDefinersMemo: DefinerCallee[] | undefined;
  private onwardMemo: OnwardWrites | undefined;
  /** The parent a path through a parent came down from (its way in's relation). */
  private readonly parentOfPath = new WeakMap<AccessPath, number>();
  /** Paths whose statement names the relation with ONLY: they reach none of its children's rows. */
  private readonly onlyPaths = new WeakSet<AccessPath>();

  constructor(
    private readonly catalog: PgCatalog,
    private readonly graph: RoleGraph,
  ) {
    this.tableKind = kindOf("table", catalog.serverVersionNum);
    this.functionKind = kindOf("function", catalog.serverVersionNum);
    for (const r of catalog.relations ?? []) {
      this.relations.set(r.oid, {
        oid: r.oid,
        schema: r.schema,
        name: r.name,
        owner: r.owner,
        grantable: { owner: r.owner, acl: r.acl, columnAcls: r.columnAcls ?? NO_COLUMNS },
      });
      if (r.relkind === "v" || r.relkind === "m") this.views.set(r.oid, r);
      this.relkinds.set(r.oid, r.relkind);
      if (r.parents?.length) this.parents.set(r.oid, r.parents);
      for (const parent of r.parents ?? []) {
        const siblings = this.children.get(parent);
        if (siblings) siblings.push(r.oid);
        else this.children.set(parent, [r.oid]);
      }
    }
    // The configured tables' own entries (their column grants are read with them).
    for (const t of catalog.tables) {
      if (t.found && t.oid !== undefined && t.owner !== undefined) {
        this.configured.add(t.oid);
        this.relations.set(t.oid, {
          oid: t.oid,
          schema: t.schema,
          name: t.name,
          owner: t.owner,
          grantable: { owner: t.owner, acl: t.acl, columnAcls: t.columnAcls },
        });
      }
    }
    for (const fk of catalog.foreignKeys ?? []) {
      const keys = this.foreignKeys.get(fk.relation);
      if (keys) keys.push(fk);
      else this.foreignKeys.set(fk.relation, [fk]);
    }
    for (const listed of catalog.functions ?? []) {
      // What the body's code names: a name in a comment names nothing.
      const f = listed.language === "sql" || listed.language === "plpgsql" ? { ...listed, body: withoutComments(listed.body) } : listed;
      this.functions.set(f.oid, f);
      const byName = this.functionsByName.get(spelled(f.name)) ?? [];
      byName.push(f);
      this.functionsByName.set(spelled(f.name), byName);
      if (f.securityDefiner) {
        const why = unsafeSearchPath(f, catalog, graph);
        if (why) this.unsafe.set(f.oid, why);
      }
    }
  }

  /** One WayIn object per way in, so what each role holds of it is computed once (wayIn() memoizes by identity). */
  private interned(key: string, make: () => WayIn): WayIn {
    let w = this.wayIns.get(key);
    if (!w) {
      w = make();
      this.wayIns.set(key, w);
    }
    return w;
  }

  private relationWayIn(relation: number, privilege: string, named = false): WayIn {
    return this.interned(`r${relation}:${privilege}${named ? ":named" : ""}`, () =>
      named ? { kind: "relation", relation, privilege, named } : { kind: "relation", relation, privilege },
    );
  }

  /** A way in by a statement on the whole relation: not through one of its partitions or children. */
  private wholeWayIn(relation: number, privilege: string): WayIn {
    return this.interned(`r${relation}:${privilege}:whole`, () => ({ kind: "relation", relation, privilege, whole: true }));
  }

  /** A way in to a child's rows by any path but the ones that come down from `parent`. */
  private childWayIn(relation: number, privilege: string, parent: number): WayIn {
    return this.interned(`r${relation}:${privilege}:besides${parent}`, () => ({ kind: "relation", relation, privilege, besides: parent }));
  }

  private functionWayIn(fn: PgFunction): WayIn {
    return this.interned(`f${fn.oid}`, () => ({ kind: "function", fn, privilege: "EXECUTE" }));
  }

  private roleWayIn(role: number, verb: string): WayIn {
    return this.interned(`o${role}:${verb}`, () => ({ kind: "role", role, verb }));
  }

  /** Whether `role` (or a role it can use) may create objects in the schema; a schema the catalog does not list is taken as yes. */
  private mayCreateIn(role: number, schemaName: string): boolean {
    const schema = this.schemaOf(schemaName);
    if (schema?.owner === undefined) return true;
    const reach = this.graph.reachable(role);
    if (role === schema.owner || reach.has(schema.owner)) return true;
    const who = this.graph.byOid.get(role);
    if (who && superuserPath(this.graph, who)) return true;
    return schema.acl.some((a) => a.privilege === "CREATE" && (a.grantee === PUBLIC_OID || a.grantee === role || reach.has(a.grantee)));
  }

  /** The schema by name (the probe's namespaces, else the configured tables' schemas). */
  private schemaOf(name: string) {
    return this.catalog.namespaces?.find((s) => s.name === name) ?? this.catalog.schemas.find((s) => s.name === name);
  }

  private parentKind(oid: number): "partitioned table" | "inheritance parent" {
    return this.relkinds.get(oid) === "p" ? "partitioned table" : "inheritance parent";
  }

  /** What a partition or child of the relation is called, by the relation's kind. */
  private childKind(oid: number): "partition" | "inheritance child" {
    return this.relkinds.get(oid) === "p" ? "partition" : "inheritance child";
  }

  /** Every partition or child of the relation, at any depth, nearest first, each once. */
  private descendants(oid: number): number[] {
    return walk(oid, this.children);
  }

  /** Every ancestor of the relation, nearest first, each once. */
  private ancestors(oid: number): number[] {
    return walk(oid, this.parents);
  }

  /**
   * Who sets off a row trigger of the relation on `event`, such as a foreign key's action
   * (firesTrigger decides which paths do); with `columns`, an UPDATE that sets one of them.
   */
  private rowWayIn(relation: number, event: string, columns?: readonly string[]): WayIn {
    if (!columns)
      return this.interned(`r${relation}:${event}:ROW`, () => ({ kind: "relation", relation, privilege: event, trigger: "ROW" }));
    return this.interned(`r${relation}:${event}:ROW:${JSON.stringify(columns)}`, () => ({
      kind: "relation",
      relation,
      privilege: event,
      trigger: "ROW",
      columns,
    }));
  }

  /** Who fires the trigger on `event` (firesTrigger decides which paths do). */
  private triggerWayIn(trigger: PgTrigger, relation: number, event: string): WayIn {
    const level = trigger.level;
    return this.interned(`r${relation}:${event}:${level}`, () => ({ kind: "relation", relation, privilege: event, trigger: level }));
  }

  /** The body in lower case, once per function (every table's name is looked for in it). */
  private lowerCaseBody(fn: PgFunction): string {
    let lower = this.lowerCaseBodies.get(fn.oid);
    if (lower === undefined) {
      lower = fn.body.toLowerCase();
      this.lowerCaseBodies.set(fn.oid, lower);
    }
    return lower;
  }

  /** Why a SECURITY DEFINER function's search_path is unsafe, or undefined. */
  unsafeReason(fn: PgFunction): string | undefined {
    return this.unsafe.get(fn.oid);
  }

  private describeOwner(owner: number): string {
    return `owner ${this.graph.name(owner)}`;
  }

  /** Every route into the relation, independent of who takes it. */
  private routesInto(target: Relation): Route[] {
    const memo = this.routesMemo.get(target.oid);
    if (memo) return memo;
    const routes: Route[] = [];
    // Privileges on a parent reach the child's rows: the parent's own routes compose through the way in.
    for (const parentOid of this.parents.get(target.oid) ?? []) {
      const parent = this.relations.get(parentOid);
      if (!parent) continue;
      const source = this.parentKind(parentOid);
      for (const [privilege, gives] of Object.entries(THROUGH_PARENT[source])) {
        routes.push({
          source,
          // Not through a sibling: a statement naming another partition reaches only that one's rows.
          wayIn: this.wholeWayIn(parent.oid, privilege),
          privileges: gives,
          object: `${parent.schema}.${parent.name} [${source}, ${this.describeOwner(parent.owner)}]`,
        });
      }
    }
    // A partition's or child's rows are the table's: privileges on it reach them, and its own routes compose.
    for (const childOid of this.children.get(target.oid) ?? []) {
      const child = this.relations.get(childOid);
      if (!child) continue;
      const source = this.childKind(target.oid);
      for (const privilege of THROUGH_CHILD) {
        routes.push({
          source,
          wayIn: this.childWayIn(child.oid, privilege, target.oid),
          privileges: [privilege],
          object: `${child.schema}.${child.name} [${source}, ${this.describeOwner(child.owner)}]`,
        });
      }
    }
    for (const view of this.views.values()) {
      if (view.oid === target.oid || !view.reads.includes(target.oid)) continue;
      // security_invoker: the caller's own rights apply to the base relations.
      if (view.relkind === "v" && view.securityInvoker) continue;
      const what = view.relkind === "m" ? "materialized view" : "view";
      const object = `${view.schema}.${view.name} [${what}, ${this.describeOwner(view.owner)}]`;
      // A view over `ONLY parent` reads and writes none of its children's rows (found live by a review).
      const only = view.onlyReads?.includes(target.oid) ? ({ only: true } as const) : {};
      routes.push({
        source: "view",
        wayIn: this.relationWayIn(view.oid, "SELECT"),
        runsAs: view.owner,
        privileges: ["SELECT"],
        object,
        ...only,
      });
      const writes = view.relkind === "v" ? autoUpdatedBy(view, target.oid) : undefined;
      if (!writes) continue;
      // Automatic updates go to the one base relation; an event an INSTEAD rule (a conditional one
      // too: PostgreSQL then refuses the statement) or an INSTEAD OF trigger takes is theirs.
      for (const event of this.onwardWrites().automaticEvents(view)) {
        routes.push({
          source: "view",
          wayIn: this.relationWayIn(view.oid, event),
          runsAs: view.owner,
          privileges: [event],
          object: `${object} (${writes})`,
          ...only,
        });
      }
    }
    for (const rule of this.catalog.rules ?? []) {
      // A rule on the table itself whose actions write it is a route too: INSERT on the queue
      // becomes a DELETE of every job (found live by a review). Only its actions count there:
      // its head names the table.
      const self = rule.relation === target.oid;
      if (!self && !rule.references.includes(target.oid)) continue;
      const on = this.relations.get(rule.relation);
      if (!on) continue;
      const relkind = this.relkinds.get(rule.relation) ?? "r";
      if (refusedRule({ oid: on.oid, relkind }, rule, this.catalog.rules ?? [], this.catalog.triggers ?? [])) continue;
      const commands = self
        ? commandsOn(actionsOf(rule.definition), target.schema, target.name)
        : (commandsOn(rule.definition, target.schema, target.name) ?? ["SELECT"]);
      if (!commands) continue;
      routes.push({
        source: "rule",
        // A rule fires only for a statement naming its relation, not one naming a parent (tried live).
        wayIn: this.relationWayIn(on.oid, rule.event, true),
        runsAs: on.owner,
        privileges: commands,
        object: `rule ${rule.name} ON ${rule.event} TO ${on.schema}.${on.name} [${rule.instead ? "DO INSTEAD" : "DO ALSO"}, ${this.describeOwner(on.owner)}]`,
      });
    }
    for (const route of this.foreignKeyRoutes(target)) routes.push(route);
    for (const route of this.actionTriggerRoutes(target)) routes.push(route);
    for (const fn of this.functions.values()) {
      // Trigger functions cannot be called directly: only the trigger route reaches them.
      if (!fn.securityDefiner || fn.trigger) continue;
      const why = this.unsafe.get(fn.oid);
      // Code run as the owner can do all the owner can: one route into each configured
      // table is enough (views and other relations add nothing beyond it).
      if (why && this.configured.has(target.oid)) {
        routes.push({
          source: "unsafe definer function",
          wayIn: this.functionWayIn(fn),
          runsAs: fn.owner,
          privileges: "all",
          object: `${functionName(fn)} [SECURITY DEFINER, ${this.describeOwner(fn.owner)}; ${why}: escalation to its owner]`,
        });
      } else if (!why) {
        for (const reach of this.reaches(fn, target)) {
          routes.push({
            source: reach.privileges === "all" ? "dynamic SQL definer function" : "definer function",
            wayIn: this.functionWayIn(fn),
            runsAs: reach.runsAs,
            privileges: reach.privileges,
            object: this.chainObject(reach),
          });
        }
      }
    }
    // A definer trigger function runs as its owner in the writer's statement, with the
    // writer's search_path unless it pins one: whoever may fire the trigger takes it, the
    // table's own triggers included (its writers get what the trigger does to it).
    for (const trigger of this.catalog.triggers ?? []) {
      if (!trigger.enabled) continue;
      const fn = this.functions.get(trigger.function);
      const on = this.relations.get(trigger.relation);
      if (!fn?.securityDefiner || !on) continue;
      const why = this.unsafe.get(fn.oid);
      if (why) {
        // The writer sets search_path before writing and plants what the body resolves by name.
        if (this.configured.has(target.oid))
          for (const event of trigger.events)
            routes.push({
              source: "unsafe definer function",
              wayIn: this.triggerWayIn(trigger, on.oid, event),
              runsAs: fn.owner,
              privileges: "all",
              object: `trigger ${trigger.name} ON ${on.schema}.${on.name} -> ${functionName(fn)} [SECURITY DEFINER, ${this.describeOwner(fn.owner)}; ${why}: escalation to its owner]`,
            });
        continue;
      }
      for (const reach of this.reaches(fn, target)) {
        for (const event of trigger.events) {
          routes.push({
            source: reach.privileges === "all" ? "dynamic SQL definer function" : "definer trigger",
            wayIn: this.triggerWayIn(trigger, on.oid, event),
            runsAs: reach.runsAs,
            privileges: reach.privileges,
            object: `trigger ${trigger.name} ON ${on.schema}.${on.name} -> ${this.chainObject(reach)}`,
          });
        }
      }
    }
    this.routesMemo.set(target.oid, routes);
    return routes;
  }

  /**
   * The target's foreign keys whose actions write it: a DELETE on the referenced relation
   * deletes the referencing rows (CASCADE) or sets their key columns (SET NULL, SET DEFAULT),
   * an UPDATE of a referenced key updates their key columns. PostgreSQL runs the action as
   * the target's owner from the referenced relation's row triggers, so the way in is what
   * fires a row trigger there: a statement naming it, a parent or a partition of it (each
   * partition of a referenced partitioned table has its own copy of the key), not an
   * inheritance child, which has no foreign keys of its parent's.
   */
  private foreignKeyRoutes(target: Relation): Route[] {
    const routes: Route[] = [];
    for (const fk of this.foreignKeys.get(target.oid) ?? []) {
      for (const action of this.actionsOf(fk, target)) {
        routes.push({
          source: "foreign key",
          wayIn: action.wayIn,
          runsAs: target.owner,
          privileges: [action.event],
          object: action.object,
          // A DELETE removes whole rows; an UPDATE writes the key's columns only.
          ...(action.event === "UPDATE" ? { columns: action.columns } : {}),
          ...(action.fixedValues ? { fixedValues: true } : {}),
        });
      }
    }
    return routes;
  }

  /**
   * A writing key's actions on the referencing relation `on`: the statement each runs there as
   * its owner (DELETE for ON DELETE CASCADE, UPDATE of the key's columns otherwise), who sets it
   * off, and the object an auditor reads. None when the action's trigger does not fire or the
   * referenced relation is unknown.
   */
  private actionsOf(fk: PgForeignKey, on: Relation): KeyAction[] {
    const referenced = this.relations.get(fk.references);
    if (!referenced) return [];
    const object = (action: string) =>
      `foreign key ${fk.name} ON ${on.schema}.${on.name} REFERENCES ${referenced.schema}.${referenced.name} [${action}, ${this.describeOwner(on.owner)}]`;
    const out: KeyAction[] = [];
    const onDelete = fk.deleteFires === false ? undefined : FK_ACTIONS[fk.onDelete];
    if (onDelete) {
      const sets = fk.deleteSets.length > 0 ? fk.deleteSets : fk.columns;
      const cascade = onDelete === "CASCADE";
      out.push({
        rule: onDelete,
        event: cascade ? "DELETE" : "UPDATE",
        wayIn: this.rowWayIn(referenced.oid, "DELETE"),
        object: object(`ON DELETE ${onDelete}${cascade ? "" : ` (${sets.join(", ")})`}`),
        columns: cascade ? fk.columns : sets,
        fixedValues: !cascade,
      });
    }
    const onUpdate = fk.updateFires === false ? undefined : FK_ACTIONS[fk.onUpdate];
    if (onUpdate) {
      out.push({
        rule: onUpdate,
        event: "UPDATE",
        // Only an UPDATE that sets a referenced column changes the key.
        wayIn: this.rowWayIn(referenced.oid, "UPDATE", fk.referencedColumns),
        object: object(`ON UPDATE ${onUpdate} (${fk.columns.join(", ")})`),
        columns: fk.columns,
        // CASCADE writes the new key, which the updater chose; SET NULL and SET DEFAULT do not.
        fixedValues: onUpdate !== "CASCADE",
      });
    }
    return out;
  }

  /**
   * Whether a key's action fires the referencing relation's AFTER triggers as its owner: on 18
   * (tried live) they do, on 15 they fire as the caller (tried live); 16 and 17 are untried and
   * taken as 18 (reporting what may not be, rather than missing what may).
   */
  private get afterAsOwner(): boolean {
    return this.catalog.serverVersionNum >= 160000;
  }

  /**
   * What else runs as the referencing relation's owner in a key's action: the action's statement
   * runs as that owner, so its BEFORE triggers for the event (row and statement level) do too,
   * SECURITY INVOKER ones included, and from 16 its AFTER ones (afterAsOwner). Whoever sets the
   * action off takes them. A definer trigger function runs as its own
   * owner and is the definer-trigger route; an invoker one whose search_path is not pinned
   * safely lets the caller plant what its body resolves by name (a table in pg_temp, searched
   * first): everything the owner may do.
   */
  private actionTriggerRoutes(target: Relation): Route[] {
    const routes: Route[] = [];
    const escalations = new Set<string>();
    for (const [relationOid, keys] of this.foreignKeys) {
      const on = this.relations.get(relationOid);
      if (!on) continue;
      const inAction = this.triggersInAction(on);
      if (inAction.length === 0 && !keys.some((k) => k.defaultCalls?.length)) continue;
      for (const fk of keys) {
        for (const action of this.actionsOf(fk, on)) {
          // SET DEFAULT evaluates the key columns' defaults, as the owner: the functions they call run so.
          if (action.rule === "SET DEFAULT") {
            for (const called of fk.defaultCalls ?? []) {
              const fn = this.functions.get(called);
              if (fn)
                this.ranInAction(
                  fn,
                  `${action.object} -> default of (${action.columns.join(", ")})`,
                  action,
                  on,
                  target,
                  routes,
                  escalations,
                );
            }
          }
          for (const { trigger, table } of inAction) {
            const fn = this.functions.get(trigger.function);
            // A definer trigger function runs as its own owner: the definer-trigger route.
            if (!fn || fn.securityDefiner || !trigger.events.includes(action.event)) continue;
            // An UPDATE OF trigger fires only when the action sets one of its columns (tried live).
            if (action.event === "UPDATE" && trigger.columns?.length && !trigger.columns.some((c) => action.columns.includes(c))) continue;
            this.ranInAction(
              fn,
              `${action.object} -> trigger ${trigger.name} ON ${table.schema}.${table.name}`,
              action,
              on,
              target,
              routes,
              escalations,
            );
          }
        }
      }
    }
    return routes;
  }

  /**
   * The triggers a key's action on `on` fires as `on`'s owner: its own BEFORE ones (and from 16
   * AFTER, afterAsOwner), and for a partitioned table the row triggers of its partitions at any
   * depth, as the partitioned table's owner whoever owns the partition (tried live), not the
   * copies of its own (counted once, on it) nor a partition's statement triggers (they do not
   * fire: tried live).
   */
  private triggersInAction(on: Relation): { trigger: PgTrigger; table: Relation }[] {
    let memo = this.inActionMemo.get(on.oid);
    if (!memo) {
      memo = this.findTriggersInAction(on);
      this.inActionMemo.set(on.oid, memo);
    }
    return memo;
  }

  private findTriggersInAction(on: Relation): { trigger: PgTrigger; table: Relation }[] {
    const fires = (t: PgTrigger) => t.enabled && (t.timing === "BEFORE" || (t.timing === "AFTER" && this.afterAsOwner));
    const out: { trigger: PgTrigger; table: Relation }[] = [];
    for (const t of this.catalog.triggers ?? []) if (t.relation === on.oid && fires(t)) out.push({ trigger: t, table: on });
    if (this.relkinds.get(on.oid) !== "p") return out;
    for (const partition of this.descendants(on.oid)) {
      const table = this.relations.get(partition);
      if (!table) continue;
      for (const t of this.catalog.triggers ?? []) {
        if (t.relation === partition && !t.cloned && t.level !== "STATEMENT" && fires(t)) out.push({ trigger: t, table });
      }
    }
    return out;
  }

  /**
   * Functions `fn` calls: those pg_depend records (SQL-standard bodies), or whose name its body
   * calls, `name(`, in any spelling; unqualified names only in the schemas of a pinned
   * search_path (overloads are not told apart: each is taken as called); and the functions of
   * the user operators it uses (the probe's `calls`).
   */
  private callees(fn: PgFunction): PgFunction[] {
    const memo = this.calleesMemo.get(fn.oid);
    if (memo) return memo;
    const lower = this.lowerCaseBody(fn);
    const pinned = this.resolvableSchemas(fn);
    const out: PgFunction[] = [];
    for (const [name, candidates] of this.functionsByName) {
      if (!fn.sqlStandardBody && !lower.includes(name)) continue;
      for (const g of candidates) {
        if (g.oid === fn.oid || g.trigger) continue;
        if (fn.calls?.includes(g.oid)) out.push(g);
        else if (!fn.sqlStandardBody && callsFunction(fn.body, g.schema, g.name, pinned !== undefined && !pinned.includes(g.schema), lower))
          out.push(g);
      }
    }
    // What the probe found called without the callee's name in the text: a user operator's function.
    const found = new Set(out.map((g) => g.oid));
    for (const oid of fn.calls ?? []) {
      const g = this.functions.get(oid);
      if (g && g.oid !== fn.oid && !g.trigger && !found.has(oid)) {
        found.add(oid);
        out.push(g);
      }
    }
    this.calleesMemo.set(fn.oid, out);
    return out;
  }

  /** Every function `fn` reaches by calls, each once with its shortest chain from `fn` (fn's own first): cycles end. */
  private callChains(fn: PgFunction): PgFunction[][] {
    const chains: PgFunction[][] = [[fn]];
    const seen = new Set([fn.oid]);
    for (let i = 0; i < chains.length; i++) {
      const chain = chains[i] as PgFunction[];
      for (const g of this.callees(chain[chain.length - 1] as PgFunction)) {
        if (seen.has(g.oid)) continue;
        seen.add(g.oid);
        chains.push([...chain, g]);
      }
    }
    return chains;
  }

  /**
   * What a function does to the target, itself and through every function it calls, run as
   * `runsAs` (a SECURITY DEFINER function's owner; the referencing table's owner for an invoker
   * one a key's action runs). An invoker callee runs with its caller's rights, a definer callee
   * with its own owner's, if the caller may execute it. Statements built at run time count as
   * whatever that role may do to a configured table.
   */
  private reaches(root: PgFunction, target: Relation, runsAs = root.owner): Reach[] {
    const out: Reach[] = [];
    const runners = new Map<number, number>([[root.oid, runsAs]]);
    const chains: PgFunction[][] = [[root]];
    for (let i = 0; i < chains.length; i++) {
      const chain = chains[i] as PgFunction[];
      const fn = chain[chain.length - 1] as PgFunction;
      const runsAs = runners.get(fn.oid) as number;
      const touched = touchesVia(fn, target, this.lowerCaseBody(fn));
      if (touched) out.push({ chain, runsAs, privileges: touched.commands, how: touched.how });
      const dynamic = this.configured.has(target.oid) ? this.dynamicReason(fn) : undefined;
      if (dynamic) out.push({ chain, runsAs, privileges: "all", how: dynamic });
      for (const g of this.callees(fn)) {
        if (runners.has(g.oid)) continue;
        if (g.securityDefiner) {
          const caller = { oid: runsAs, name: this.graph.name(runsAs) };
          if (!this.executePaths(caller, g).some((p) => p.privileges.includes("EXECUTE"))) continue;
        }
        runners.set(g.oid, g.securityDefiner ? g.owner : runsAs);
        chains.push([...chain, g]);
      }
    }
    return out;
  }

  /** Why what the function's statements touch cannot be read from its body, or undefined. */
  private dynamicReason(fn: PgFunction): string | undefined {
    // Memoized: every configured table asks about every function.
    if (!this.dynamicMemo.has(fn.oid)) this.dynamicMemo.set(fn.oid, this.readDynamic(fn));
    return this.dynamicMemo.get(fn.oid);
  }

  private readDynamic(fn: PgFunction): string | undefined {
    if (fn.language === "plpgsql") {
      const statement = dynamicStatement(fn.body);
      return statement ? `runs SQL built at run time (${statement}): what it touches could not be resolved statically` : undefined;
    }
    if (["sql", "c", "internal"].includes(fn.language)) return undefined;
    return `body in ${fn.language}: the statements it runs are not read, so what it touches could not be resolved statically`;
  }

  /**
   * The routes of a function a key's action runs on `on` (a trigger's, or one a default calls):
   * an invoker one runs as `on`'s owner, a definer one as its own; one whose search_path is not
   * pinned safely gives everything it runs as may do to a configured table.
   */
  private ranInAction(
    fn: PgFunction,
    head: string,
    action: KeyAction,
    on: Relation,
    target: Relation,
    routes: Route[],
    escalations: Set<string>,
  ): void {
    const runner = fn.securityDefiner ? fn.owner : on.owner;
    const runs = fn.securityDefiner
      ? `SECURITY DEFINER, ${this.describeOwner(fn.owner)}`
      : `SECURITY INVOKER, run as ${this.describeOwner(on.owner)} in the action`;
    const why = fn.securityDefiner ? this.unsafe.get(fn.oid) : unsafeSearchPath({ ...fn, owner: on.owner }, this.catalog, this.graph);
    if (why) {
      // One escalation per way in, function and role it runs as: a thousand tables keyed to one
      // with the same unpinned audit trigger are one.
      const once = `${fn.oid}:${runner}:${JSON.stringify(action.wayIn)}`;
      if (this.configured.has(target.oid) && !escalations.has(once)) {
        escalations.add(once);
        routes.push({
          source: "unsafe foreign key trigger",
          wayIn: action.wayIn,
          runsAs: runner,
          privileges: "all",
          object: `${head} -> ${functionName(fn)} [${runs}; ${why}: escalation to that owner]`,
        });
      }
      return;
    }
    for (const reach of this.reaches(fn, target, runner)) {
      routes.push({
        source: "foreign key trigger",
        wayIn: action.wayIn,
        runsAs: reach.runsAs,
        privileges: reach.privileges,
        object: `${head} -> ${this.chainObject(reach, runs)}`,
      });
    }
  }

  /**
   * The object text of a reach: the function taken, each call, and how the touch was concluded;
   * `rootLabel` says how the first runs when it is not a definer function run as its owner.
   */
  private chainObject(reach: Reach, rootLabel?: string): string {
    const definer = (f: PgFunction) => `SECURITY DEFINER, ${this.describeOwner(f.owner)}`;
    const [root, ...rest] = reach.chain as [PgFunction, ...PgFunction[]];
    const label = rootLabel ?? definer(root);
    if (rest.length === 0) return `${functionName(root)} [${label}; ${reach.how}]`;
    let text = `${functionName(root)} [${label}]`;
    rest.forEach((f, i) => {
      const parts = [...(f.securityDefiner ? [definer(f)] : []), ...(i === rest.length - 1 ? [reach.how] : [])];
      text += ` -(calls)-> ${functionName(f)}${parts.length > 0 ? ` [${parts.join("; ")}]` : ""}`;
    });
    return text;
  }

  /**
   * The owners of the functions the table's stored expressions call (defaults, CHECKs, index
   * expressions, trigger conditions, rules, policies… and those of its partitions and children
   * that a write through it evaluates), and of every function those call: PostgreSQL runs
   * them inside the writers' (a policy's: also the readers') statements, as those roles, and
   * an owner may replace the body (even an index's IMMUTABLE function, with a VOLATILE one:
   * proven live). A function called through a SECURITY DEFINER one runs as that one's owner
   * instead: that owner may make the caller SECURITY INVOKER, so the writers' route stands, and
   * whatever that owner may do besides is the definer callee route (definerCalleeRoutes). One
   * route per function and role it runs as, naming every expression that runs it.
   */
  private expressionRoutes(table: PgTable, target: Relation): Route[] {
    const below = new Set(this.descendants(target.oid));
    const byFunction = new Map<string, { fn: PgFunction; runsAs?: number; uses: string[]; events: Set<string> }>();
    const byMaintainer = new Map<string, { fn: PgFunction; owner: number; uses: string[] }>();
    for (const call of this.catalog.expressionCalls ?? []) {
      // A partition's or child's own defaults, domains, rules and policies are not evaluated through the parent.
      if (call.relation !== target.oid && !(below.has(call.relation) && EVALUATED_THROUGH_PARENT.has(call.kind))) continue;
      const root = this.functions.get(call.function);
      if (!root) continue;
      const { label, events, maintenance } = expressionUse(call);
      const child = call.relation === target.oid ? undefined : this.relations.get(call.relation);
      const tableOwner = child?.owner ?? target.owner;
      const where = child ? `${label} of ${child.schema}.${child.name}` : label;
      // Maintenance runs it as the owner of the table the index or statistics belong to. A
      // partitioned table's index has no storage: each partition's copy runs as its own owner.
      const relkind = this.relkinds.get(call.relation) ?? (child ? undefined : table.relkind);
      const maintained = maintenance === true && !(call.kind === "index" && relkind === "p");
      for (const chain of this.callChains(root)) {
        const fn = chain[chain.length - 1] as PgFunction;
        // The nearest SECURITY DEFINER caller decides whose rights the function runs with.
        let runsAs: number | undefined;
        for (let i = 0; i < chain.length - 1; i++) if ((chain[i] as PgFunction).securityDefiner) runsAs = (chain[i] as PgFunction).owner;
        // The table's owner and superusers already hold everything; a definer's owner, its own rights.
        if (fn.owner === target.owner || fn.owner === runsAs || this.graph.byOid.get(fn.owner)?.superuser) continue;
        const use = chain.length > 1 ? `${where} -> ${chain.map(functionName).join(" -(calls)-> ")}` : where;
        if (maintained && runsAs === undefined && fn.owner !== tableOwner) {
          const key = `${fn.oid}:${tableOwner}`;
          let entry = byMaintainer.get(key);
          if (!entry) {
            entry = { fn, owner: tableOwner, uses: [] };
            byMaintainer.set(key, entry);
          }
          entry.uses.push(use);
        }
        if (events.length === 0) continue;
        const key = `${fn.oid}:${runsAs ?? ""}`;
        let entry = byFunction.get(key);
        if (!entry) {
          entry = { fn, ...(runsAs === undefined ? {} : { runsAs }), uses: [], events: new Set() };
          byFunction.set(key, entry);
        }
        entry.uses.push(use);
        for (const e of events) entry.events.add(e);
      }
    }
    const routes: Route[] = [];
    for (const { fn, runsAs, uses, events } of byFunction.values()) {
      const runs = `runs in ${EXPRESSION_EVENTS.filter((e) => events.has(e)).join(", ")} statements`;
      const object = `${functionName(fn)} [${uses.join("; ")} ON ${table.schema}.${table.name}: ${runs}`;
      const wayIn = this.roleWayIn(fn.owner, "owns function");
      // It runs as each writer (and reader): what a worker may do, and it sees the values
      // written. Behind a SECURITY DEFINER caller it runs as that caller's owner, and so may
      // make the caller SECURITY INVOKER (an owner may): the next writer runs it as itself
      // (proven live). Whatever that owner may do besides is the definer callee route.
      const asWriters =
        runsAs === undefined
          ? ""
          : ` (its code runs as the SECURITY DEFINER caller's ${this.describeOwner(runsAs)}, who may make the caller SECURITY INVOKER)`;
      routes.push({
        source: "expression function owner",
        wayIn,
        privileges: EXPRESSION_EVENTS,
        object: `${object}, as the role running them${asWriters}]`,
      });
    }
    for (const { fn, owner, uses } of byMaintainer.values())
      routes.push({
        source: "expression function owner",
        wayIn: this.roleWayIn(fn.owner, "owns function"),
        runsAs: owner,
        privileges: "all",
        object: `${functionName(fn)} [${uses.join("; ")} ON ${table.schema}.${table.name}: runs in ANALYZE, VACUUM (a BRIN index's summaries), VACUUM FULL, CLUSTER and REINDEX, autovacuum's included, as the table's ${this.describeOwner(owner)}]`,
      });
    return routes;
  }

  /**
   * Every function a SECURITY DEFINER function calls, at any depth, with each owner it may run
   * as: an invoker callee runs with its caller's rights, so as the nearest SECURITY DEFINER
   * caller's owner, and through it as every definer owner above (below). Each callee is taken
   * with its shortest chain from each definer function. Worked out once per catalog: each
   * configured table asks.
   */
  private definerCallees(): DefinerCallee[] {
    if (this.definerCalleesMemo) return this.definerCalleesMemo;
    const byKey = new Map<string, DefinerCallee>();
    for (const root of this.functions.values()) {
      if (!root.securityDefiner) continue;
      for (const chain of this.callChains(root).slice(1)) {
        const fn = chain[chain.length - 1] as PgFunction;
        // A call on the way that its runner may not execute fails every time: the chain is dead.
        // (The callee's own EXECUTE does not count: its owner may grant it, found live by a review.)
        if (!this.callsRun(chain)) continue;
        // It runs as the nearest SECURITY DEFINER caller's owner, who owns that caller and so
        // may make it SECURITY INVOKER (as the expression routes argue): then it runs as the
        // next one's owner up the chain. So every definer owner above it counts.
        const owners = new Set<number>();
        for (let i = 0; i < chain.length - 1; i++) if ((chain[i] as PgFunction).securityDefiner) owners.add((chain[i] as PgFunction).owner);
        for (const runsAs of owners) {
          const key = `${fn.oid}:${runsAs}`;
          let entry = byKey.get(key);
          if (!entry) {
            entry = { fn, runsAs, calls: [] };
            byKey.set(key, entry);
          }
          entry.calls.push(chain.map(functionName).join(" -(calls)-> "));
        }
      }
    }
    this.definerCalleesMemo = [...byKey.values()];
    return this.definerCalleesMemo;
  }

  private firingMemo: FiringCode | undefined;
  /**
   * The code a statement on each relation runs, by the relation it names: every enabled trigger
   * whose function is SECURITY INVOKER and every stored expression, each on its own relation
   * and, where a write through a parent reaches it, on that parent (built once per catalog).
   */
  private firingCode(): FiringCode {
    if (this.firingMemo) return this.firingMemo;
    // Each trigger with every table a write fires it through: its own, and for a row or TRUNCATE
    // trigger its parents' (a partitioned parent's every event; an inheritance parent's INSERT
    // stays in the parent), which a body names instead (found live by a review).
    const triggers: FiringTrigger[] = [];
    // The partitioned tables: listed as such, or named so among a trigger's ancestors.
    const partitioned = new Set([...this.relkinds].filter(([, kind]) => kind === "p").map(([oid]) => oid));
    for (const t of this.catalog.triggers ?? [])
      for (const a of t.ancestors ?? []) if (a.partitioned && a.oid !== undefined) partitioned.add(a.oid);
    for (const trigger of this.catalog.triggers ?? []) {
      const fn = this.functions.get(trigger.function);
      const on = this.relations.get(trigger.relation);
      const schema = trigger.schema ?? on?.schema;
      const table = trigger.table ?? on?.name;
      // A definer trigger function runs as its own owner: its callees are the definer callee route's.
      if (!trigger.enabled || !fn || fn.securityDefiner || schema === undefined || table === undefined) continue;
      // A partitioned table's row trigger never fires itself, at any level: the copy on each leaf
      // partition does, enabled or disabled there on its own, and is met through every parent
      // below (found live by a review: a copy left enabled under a parent's disabled trigger
      // fires, a disabled one does not; a middle level's copy, by a code review).
      // Before 15 the copies are internal and the probe does not read them: the parent's stands for them.
      if (trigger.level !== "STATEMENT" && partitioned.has(trigger.relation) && this.catalog.serverVersionNum >= 150000) continue;
      triggers.push({ trigger, relation: trigger.relation, schema, table, events: trigger.events, fn });
      const rowOrTruncate = (e: string) => trigger.level !== "STATEMENT" || e === "TRUNCATE";
      for (const parent of trigger.ancestors ?? []) {
        const reaching = parent.partitioned ? CHILD_EVENTS_PARTITIONED : CHILD_EVENTS_INHERITED;
        const events = movedBy(
          parent,
          trigger.events.filter((e) => reaching.has(e) && rowOrTruncate(e)),
        );
        if (events.length > 0)
          triggers.push({ trigger, relation: parent.oid, schema: parent.schema, table: parent.name, events, fn, viaParent: true });
      }
    }
    // The stored expressions of every table (defaults, CHECKs, indexes, policies…): a statement
    // on the table runs them as the role running it (found live by a review).
    const expressions: FiringExpression[] = [];
    for (const call of this.catalog.expressionCalls ?? []) {
      const fn = this.functions.get(call.function);
      const on = this.relations.get(call.relation);
      const schema = call.schema ?? on?.schema;
      const table = call.table ?? on?.name;
      if (!fn || schema === undefined || table === undefined) continue;
      const { label, events } = expressionUse(call);
      expressions.push({ call, relation: call.relation, schema, table, events, fn, label });
      // A partition's or child's CHECKs, indexes and trigger conditions run in writes through its
      // ancestors too: every event through a partitioned one; INSERT stays in an inheritance parent.
      if (!EVALUATED_THROUGH_PARENT.has(call.kind)) continue;
      // A child's statement triggers never fire through its parent (found live by a second review).
      if (call.kind === "trigger condition" && (Number(call.command) & 1) === 0) continue;
      for (const parent of call.ancestors ?? []) {
        const reaching = parent.partitioned ? CHILD_EVENTS_PARTITIONED : CHILD_EVENTS_INHERITED;
        const through =
          call.kind === "trigger condition"
            ? movedBy(
                parent,
                events.filter((e) => reaching.has(e)),
              )
            : events.filter((e) => reaching.has(e));
        if (through.length > 0)
          expressions.push({
            call,
            relation: parent.oid,
            schema: parent.schema,
            table: parent.name,
            events: through,
            fn,
            label: `${label} of ${schema}.${table}`,
            viaParent: true,
          });
      }
    }
    this.firingMemo = {
      triggers,
      expressions,
      triggersOn: groupBy(triggers, (t) => t.relation),
      expressionsOn: groupBy(expressions, (e) => e.relation),
    };
    return this.firingMemo;
  }

  /**
   * The SECURITY INVOKER trigger functions that the writes of SECURITY DEFINER code fire, and
   * every function those call: they run as the role the writing function runs as (found live
   * by a review: a worker's call of the table owner's definer function, which logs into
   * another table, ran that table's trigger function as the table owner). Whoever owns one gets
   * what that role may do. Each trigger is taken where a function's body writes its table with
   * one of its events (the text's verbs, as for every function route), the writer's privilege on
   * the table not checked; what a fired trigger function writes fires further triggers, as the
   * same role. Worked out once per catalog.
   */
  private firedByDefiners(): DefinerCallee[] {
    if (this.firedByDefinersMemo) return this.firedByDefinersMemo;
    const byKey = new Map<string, DefinerCallee>();
    const { triggers, expressions, triggersOn, expressionsOn } = this.firingCode();
    if (triggers.length > 0 || expressions.length > 0) {
      const onward = this.onwardWrites();
      // Writers: each function whose body runs as a definer's owner, with how it came to run.
      // A fired trigger function and its invoker callees are writers too, as the same role:
      // their writes fire further triggers (found live by a review). Each function once per role.
      const writers: { writer: PgFunction; runsAs: number; how: string }[] = [];
      const seen = new Set<string>();
      const addWriter = (writer: PgFunction, runsAs: number, how: string) => {
        const key = `${writer.oid}:${runsAs}`;
        if (seen.has(key)) return;
        seen.add(key);
        writers.push({ writer, runsAs, how });
      };
      for (const root of this.functions.values()) {
        if (!root.securityDefiner) continue;
        for (const chain of this.callChains(root)) {
          if (!this.callsRun(chain)) continue;
          let runsAs = root.owner;
          for (const f of chain) if (f.securityDefiner) runsAs = f.owner;
          addWriter(chain[chain.length - 1] as PgFunction, runsAs, chain.map(functionName).join(" -(calls)-> "));
        }
      }
      // What `fn` runs as `runsAs` when `fired` starts it, and each function it calls in turn.
      const runs = (fn: PgFunction, runsAs: number, fired: string) => {
        for (const calls of this.callChains(fn)) {
          // A trigger fires without EXECUTE on its function (an expression's function needs it,
          // but its owner may grant it); the calls it makes need it, as the writer's role.
          if (!this.callsRun(calls, runsAs)) continue;
          // An invoker callee runs as the writer's role; a definer one as its own owner (its own root).
          if (calls.some((f) => f.securityDefiner)) continue;
          const g = calls[calls.length - 1] as PgFunction;
          const via = `${fired}${calls.map(functionName).join(" -(calls)-> ")}`;
          const key = `${g.oid}:${runsAs}`;
          let entry = byKey.get(key);
          if (!entry) {
            entry = { fn: g, runsAs, calls: [] };
            byKey.set(key, entry);
          }
          entry.calls.push(via);
          addWriter(g, runsAs, via);
        }
      };
      for (let w = 0; w < writers.length; w++) {
        const { writer, runsAs, how } = writers[w] as (typeof writers)[number];
        const lower = this.lowerCaseBody(writer);
        // An unconditional INSTEAD rule's event never happens on its relation (found live by a review).
        const performed = (relation: number | undefined, commands: readonly string[] | undefined) =>
          commands && relation !== undefined ? onward.performed(relation, commands) : commands;
        for (const { trigger, relation, schema, table, events, fn, viaParent } of triggers) {
          // Through a parent, `UPDATE ONLY parent` reaches no child (found live by a review).
          const commands = performed(relation, commandsOn(writer.body, schema, table, lower, viaParent));
          if (!commands?.some((c) => events.includes(c))) continue;
          const on = trigger.table !== undefined && trigger.table !== table ? ` ON ${trigger.schema}.${trigger.table}` : "";
          runs(fn, runsAs, `${how} writes ${schema}.${table} -(trigger ${trigger.name}${on})-> `);
        }
        for (const { call, relation, schema, table, events, fn, label, viaParent } of expressions) {
          if (call.kind === "policy" && !this.policyApplies(call, runsAs)) continue;
          const commands = performed(relation, commandsOn(writer.body, schema, table, lower, viaParent))?.filter((c) => events.includes(c));
          if (!commands?.length) continue;
          const verb = commands.some((c) => c !== "SELECT") ? "writes" : "reads";
          runs(fn, runsAs, `${how} ${verb} ${schema}.${table} -(${label})-> `);
        }
        // Where its writes go on, through views and rules, the triggers and expressions there run too.
        const words = wordsOf(lower);
        for (const source of onward.sources) {
          // Most bodies name none of them: a plain name not among the body's words is not named there.
          if (PLAIN_NAME.test(source.name) && !words.has(source.name)) continue;
          const named = commandsOn(writer.body, source.schema, source.name, lower);
          if (!named) continue;
          const start = `${how} ${named.some((c) => c !== "SELECT") ? "writes" : "reads"} ${source.schema}.${source.name}`;
          for (const w of onward.from(source.oid, named)) {
            // Through `ONLY parent` only an INSERT reaches a child: a partitioned table routes it to a partition.
            const reaching = (viaParent: true | undefined) =>
              viaParent && !w.reachingChildren ? w.commands.filter((c) => c === "INSERT") : w.commands;
            for (const { trigger, schema, table, events, fn, viaParent } of triggersOn.get(w.relation) ?? []) {
              if (!reaching(viaParent).some((c) => events.includes(c))) continue;
              const on = trigger.table !== undefined && trigger.table !== table ? ` ON ${trigger.schema}.${trigger.table}` : "";
              runs(fn, runsAs, `${start}${w.hops}${schema}.${table} -(trigger ${trigger.name}${on})-> `);
            }
            for (const { call, schema, table, events, fn, label, viaParent } of expressionsOn.get(w.relation) ?? []) {
              if (call.kind === "policy" && !this.policyApplies(call, w.checkedAs ?? runsAs)) continue;
              if (!reaching(viaParent).some((c) => events.includes(c))) continue;
              runs(fn, runsAs, `${start}${w.hops}${schema}.${table} -(${label})-> `);
            }
          }
        }
      }
    }
    this.firedByDefinersMemo = [...byKey.values()];
    return this.firedByDefinersMemo;
  }

  /**
   * Whether a row-level security policy applies to `role`: to PUBLIC or a role whose privileges
   * it has (its `TO` list), and not to a superuser or a BYPASSRLS role, nor to the table's owner or a
   * role that inherits the owner's privileges, unless the table FORCEs row-level security (both
   * found live by a review).
   */
  private policyApplies(call: PgExpressionCall, role: number): boolean {
    const r = this.graph.byOid.get(role);
    if (r?.superuser || r?.bypassrls) return false;
    // The server asks whether the role has the privileges of one of them: membership through
    // NOINHERIT grants does not count (found live by a second review).
    if (call.roles && !call.roles.includes(0) && !call.roles.some((to) => this.graph.inherited(role).has(to))) return false;
    const owner = call.tableOwner ?? this.relations.get(call.relation)?.owner;
    return owner === undefined || !this.graph.inherited(role).has(owner) || call.forced === true;
  }

  /** Where writes go on through views and rules (built once per catalog). */
  private onwardWrites(): OnwardWrites {
    this.onwardMemo ??= new OnwardWrites(this.catalog.relations ?? [], this.catalog.rules ?? [], this.catalog.triggers ?? []);
    return this.onwardMemo;
  }

  /** The routes of firedByDefiners: the owner of each function gets what the role it runs as may do. */
  private firedByDefinerRoutes(target: Relation): Route[] {
    const routes: Route[] = [];
    for (const { fn, runsAs, calls } of this.firedByDefiners()) {
      if (fn.owner === runsAs || fn.owner === target.owner || this.graph.byOid.get(fn.owner)?.superuser) continue;
      const shown = namedCalls(calls);
      routes.push({
        source: "definer callee owner",
        wayIn: this.roleWayIn(fn.owner, "owns function"),
        runsAs,
        privileges: "all",
        object: `${functionName(fn)} [run by ${shown}: runs as the SECURITY DEFINER statement's ${this.describeOwner(runsAs)} whenever it runs]`,
      });
    }
    return routes;
  }

  /** Whether every call between a chain's first function and its last may run: each runner may execute the next. */
  private callsRun(chain: readonly PgFunction[], runner = (chain[0] as PgFunction).owner): boolean {
    for (let i = 1; i < chain.length - 1; i++) {
      const fn = chain[i] as PgFunction;
      if (!this.executePaths({ oid: runner, name: this.graph.name(runner) }, fn).some((p) => p.privileges.includes("EXECUTE")))
        return false;
      if (fn.securityDefiner) runner = fn.owner;
    }
    return true;
  }

  /**
   * The owners of the functions SECURITY DEFINER functions call: the owner may replace the
   * body (CREATE OR REPLACE) and grant the definer's owner EXECUTE on it if it lacks it, and the
   * next call of the definer function, by anyone (the owner itself, if it may execute it; a
   * worker; a trigger's writer), runs the new body with the definer's owner's rights. So the
   * callee's owner gets whatever that owner may do, and so does the owner of the callee's
   * schema, who may drop it and create another in its place (proven live in
   * definer-callees.test.ts). The table's owner already holds the table.
   */
  private definerCalleeRoutes(target: Relation): Route[] {
    const routes: Route[] = [];
    for (const { fn, runsAs, calls } of this.definerCallees()) {
      const shown = namedCalls(calls);
      const runs = `runs as the SECURITY DEFINER caller's ${this.describeOwner(runsAs)} whenever it is called`;
      // Its owner's own rights, a superuser's or the table owner's gain nothing by it.
      const gains = (role: number) => role !== runsAs && role !== target.owner && !this.graph.byOid.get(role)?.superuser;
      if (gains(fn.owner))
        routes.push({
          source: "definer callee owner",
          wayIn: this.roleWayIn(fn.owner, "owns function"),
          runsAs,
          privileges: "all",
          object: `${functionName(fn)} [called by ${shown}: ${runs}]`,
        });
      // The owner of the callee's schema may drop any function in it and create its own in its place (found live by a review).
      const schemaOwner = this.schemaOf(fn.schema)?.owner;
      if (schemaOwner !== undefined && schemaOwner !== fn.owner && gains(schemaOwner))
        routes.push({
          source: "definer callee owner",
          wayIn: this.roleWayIn(schemaOwner, "owns"),
          runsAs,
          privileges: "all",
          object: `schema ${fn.schema} [holds ${functionName(fn)}, called by ${shown}: dropped and created again, it ${runs}]`,
        });
    }
    return routes;
  }

  /**
   * The enabled triggers that run in writes to the configured table: its own, and those its
   * partitions and children have of their own (or copied from one of its triggers that is
   * disabled on it alone), row triggers and TRUNCATE ones, which a write or TRUNCATE through
   * it fires (tried live: a partition's own BEFORE INSERT trigger ran in a worker's INSERT
   * into the partitioned queue; an inheritance child's INSERT ones never fire). `on` names
   * where the trigger is.
   */
  private ownTriggers(table: PgTable, target: Relation): { trigger: PgTrigger; on: string }[] {
    const below = new Set(this.descendants(target.oid));
    // An INSERT through an inheritance parent stays in the parent; through a partitioned
    // table it lands in a partition (tried live).
    const reaching = (this.relkinds.get(target.oid) ?? table.relkind) === "p" ? CHILD_EVENTS_PARTITIONED : CHILD_EVENTS_INHERITED;
    const out: { trigger: PgTrigger; on: string }[] = [];
    const own = new Set<string>();
    for (const trigger of this.catalog.triggers ?? []) {
      if (!trigger.enabled || trigger.relation !== target.oid) continue;
      out.push({ trigger, on: `${table.schema}.${table.name}` });
      own.add(`${trigger.name}:${trigger.function}`);
    }
    for (const trigger of this.catalog.triggers ?? []) {
      if (!trigger.enabled || !below.has(trigger.relation)) continue;
      // A copy of the queue's enabled trigger is that trigger; a copy whose original was
      // disabled on the queue alone still fires (tried live).
      if (trigger.cloned && own.has(`${trigger.name}:${trigger.function}`)) continue;
      if (trigger.level === "STATEMENT" && !trigger.events.includes("TRUNCATE")) continue;
      if (!trigger.events.some((e) => reaching.has(e))) continue;
      const child = this.relations.get(trigger.relation);
      if (child) out.push({ trigger, on: `${child.schema}.${child.name}, under ${table.schema}.${table.name}` });
    }
    return out;
  }

  /**
   * The owners of code that runs beside the target's writers. A statement on another relation
   * runs its SECURITY INVOKER triggers' functions and its stored expressions as the role that
   * made it, and so does everything it goes on to (statementWalk). Where code in such a
   * statement writes or reads the target, or the statement reaches it through a
   * `security_invoker` view, the statement succeeds only for a writer holding those privileges;
   * the owner of any other invoker function that may run in the same statement can replace its
   * body (`CREATE OR REPLACE`), and gains them whenever a worker's statement runs both (found
   * live by a review, helper-60; the claim that it "may" run, not that it always does, by
   * helper-62). One route per function, naming its two most direct ways, single statements
   * before an upsert, a MERGE, a COPY or a TRUNCATE of several tables.
   */
  private besideWriterRoutes(target: Relation): Route[] {
    const own = new Set([target.oid, ...this.descendants(target.oid)]);
    const { walks, byCaller, byReach } = this.statementWalks();
    // Only the statements whose code touches the target, or that reach it with the writer's rights.
    const relevant = new Set<StatementWalk>(byReach.get(target.oid) ?? []);
    for (const [fn, those] of byCaller) if (this.touches(fn, target)) for (const w of those) relevant.add(w);
    if (relevant.size === 0) return [];
    const gains = new Map<number, { fn: PgFunction; source: AccessSource; privileges: Set<string>; uses: string[] }>();
    // Single statements first: an upsert, a MERGE, a COPY or a TRUNCATE of several tables is
    // named only where it lends what no single statement does.
    const isCombined = (w: { relation: number; event: StatementKind }) =>
      w.relation === SEVERAL || !(w.event === "INSERT" || w.event === "UPDATE" || w.event === "DELETE" || w.event === "TRUNCATE");
    const inOrder = [...walks.filter((w) => !isCombined(w)), ...walks.filter(isCombined)];
    for (const { relation, event, walk } of inOrder) {
      if (!relevant.has(walk) || own.has(relation)) continue;
      const combined = isCombined({ relation, event });
      const held = new Set<string>();
      const because: string[] = [];
      const hold = (commands: readonly string[], why: string) => {
        for (const c of commands) held.add(c);
        if (!because.includes(why)) because.push(why);
      };
      for (const c of walk.calls) {
        const touched = c.known ? this.touches(c.fn, target) : undefined;
        if (touched) hold(touched.commands, `${c.path}, which does ${touched.commands.join(", ")} to it`);
      }
      // Reached with the writer's own rights (a security_invoker view): the writer holds it. Not
      // from an upsert or a MERGE: which privileges those need depends on their clauses.
      for (const r of event === "UPSERT" || event === "MERGE" ? [] : walk.reaches)
        if (r.relation === target.oid && r.known && r.checkedAs === undefined)
          hold(r.commands, `${r.hops}${target.schema}.${target.name}, with the writer's own rights`);
      if (held.size === 0) continue;
      const privileges = ordered(held, [...EXPRESSION_EVENTS, "TRUNCATE"]);
      const statement = statementName(event, relation === SEVERAL ? "several tables" : this.relationName(relation));
      const why = `${statement} that runs it, as its writer, may also run ${because.slice(0, 2).join("; or ")}: such a statement succeeds only for a writer holding ${privileges.join(", ")} on ${target.schema}.${target.name}`;
      for (const { fn, source, how, on } of walk.runs) {
        // The table's owner and superusers already hold everything; the table's own code is the trigger function owner route's.
        if (own.has(on) || fn.owner === target.owner || this.graph.byOid.get(fn.owner)?.superuser) continue;
        let entry = gains.get(fn.oid);
        if (entry && combined && privileges.every((p) => entry?.privileges.has(p))) continue;
        if (!entry) {
          entry = { fn, source, privileges: new Set(), uses: [] };
          gains.set(fn.oid, entry);
        }
        for (const p of privileges) entry.privileges.add(p);
        entry.uses.push(`${how}: ${why}`);
      }
    }
    const routes: Route[] = [];
    for (const { fn, source, privileges, uses } of gains.values()) {
      // The most direct ways first.
      uses.sort((a, b) => a.length - b.length);
      const more = uses.length > 2 ? `; and ${uses.length - 2} more` : "";
      routes.push({
        source,
        wayIn: this.roleWayIn(fn.owner, "owns function"),
        privileges: ordered(privileges, [...EXPRESSION_EVENTS, "TRUNCATE"]),
        object: `${functionName(fn)} [${uses.slice(0, 2).join("; ")}${more}]`,
      });
    }
    return routes;
  }

  private readonly touchesMemo = new Map<string, { commands: string[] } | undefined>();
  /** touchesVia, once per function and relation, skipping bodies whose words do not name it. */
  private touches(fn: PgFunction, relation: Relation): { commands: string[] } | undefined {
    const key = `${fn.oid}:${relation.oid}`;
    if (this.touchesMemo.has(key)) return this.touchesMemo.get(key);
    const lower = this.lowerCaseBody(fn);
    const named =
      !PLAIN_NAME.test(relation.name) ||
      this.wordsOfBody(fn).has(relation.name) ||
      (fn.sqlStandardBody === true && fn.references.includes(relation.oid));
    const found = named ? touchesVia(fn, relation, lower, this.unqualifiedMisses(fn, relation.schema)) : undefined;
    this.touchesMemo.set(key, found);
    return found;
  }

  /**
   * Whether an unqualified name in the function's body cannot resolve to `schema`: its pinned
   * search_path (`SET search_path`) leaves it out (a table of the same name elsewhere is meant;
   * found live by a review).
   */
  private unqualifiedMisses(fn: PgFunction, schema: string): boolean {
    const pinned = this.resolvableSchemas(fn);
    return pinned !== undefined && !pinned.includes(schema);
  }

  /**
   * The schemas an unqualified name in the function's body can resolve to: its pinned
   * search_path, or undefined when any may (none pinned, or `$user` in a SECURITY INVOKER
   * function, which is whoever calls it: found live by a review; in a definer function it is the owner).
   */
  private resolvableSchemas(fn: PgFunction): string[] | undefined {
    const pinned = pinnedSearchPath(fn);
    if (pinned === undefined || (pinned.includes("$user") && !fn.securityDefiner)) return undefined;
    return pinned.map((e) => (e === "$user" ? this.graph.name(fn.owner) : e));
  }

  private readonly wordsMemo = new Map<number, Set<string>>();
  private wordsOfBody(fn: PgFunction): Set<string> {
    let words = this.wordsMemo.get(fn.oid);
    if (!words) {
      words = wordsOf(this.lowerCaseBody(fn));
      this.wordsMemo.set(fn.oid, words);
    }
    return words;
  }

  private walksMemo:
    | {
        walks: { relation: number; event: StatementKind; walk: StatementWalk }[];
        byCaller: Map<PgFunction, StatementWalk[]>;
        byReach: Map<number, StatementWalk[]>;
      }
    | undefined;
  /**
   * Every statement on a relation whose statements run someone's code or go on, for each
   * writing event (and a COPY into a table whose INSERT an unconditional INSTEAD rule takes:
   * COPY applies no rules), walked once per catalog, with the walks indexed by the functions
   * whose effect in them is known and the relations they reach with the writer's own rights.
   */
  private statementWalks(): NonNullable<typeof this.walksMemo> {
    if (this.walksMemo) return this.walksMemo;
    const code = this.firingCode();
    const entries = new Set<number>([
      ...code.triggersOn.keys(),
      ...code.expressionsOn.keys(),
      ...this.onwardWrites().sources.map((r) => r.oid),
    ]);
    const walks: { relation: number; event: StatementKind; walk: StatementWalk }[] = [];
    const byCaller = new Map<PgFunction, StatementWalk[]>();
    const byReach = new Map<number, StatementWalk[]>();
    const index = <K>(into: Map<K, StatementWalk[]>, key: K, walk: StatementWalk) => {
      const list = into.get(key);
      if (!list) into.set(key, [walk]);
      else if (list[list.length - 1] !== walk) list.push(walk);
    };
    const keep = (relation: number, event: StatementKind, walk: StatementWalk) => {
      walks.push({ relation, event, walk });
      for (const c of walk.calls) if (c.known) index(byCaller, c.fn, walk);
      for (const r of walk.reaches) if (r.known && r.checkedAs === undefined) index(byReach, r.relation, walk);
    };
    // PostgreSQL refuses an upsert or a MERGE on a relation with rules (found live by a review).
    const ruled = new Set((this.catalog.rules ?? []).filter((r) => r.event !== "SELECT").map((r) => r.relation));
    const onward = this.onwardWrites();
    for (const relation of entries) {
      // A relation the probe did not list is a table (a view with triggers has an INSTEAD OF one).
      const kind =
        this.relkinds.get(relation) ?? ((code.triggersOn.get(relation) ?? []).some((t) => t.trigger.timing === "INSTEAD OF") ? "v" : "r");
      const table = kind === "r" || kind === "p";
      const insteadOfInsert = (code.triggersOn.get(relation) ?? []).some(
        (t) => t.trigger.timing === "INSTEAD OF" && t.events.includes("INSERT"),
      );
      // COPY FROM fires a table's INSERT triggers (a view's INSTEAD OF INSERT one) and runs its
      // expressions, but applies no rule (both found live by reviews): a walk of its own where
      // a rule takes the INSERT.
      const copied = (table || insteadOfInsert) && onward.performed(relation, ["INSERT"]).length === 0 ? (["COPY"] as const) : [];
      // An upsert and a MERGE (into a view from 17) are one statement of several events, where the code of each may run.
      const merges = table || (kind === "v" && this.catalog.serverVersionNum >= 170000);
      const combined: StatementKind[] = ruled.has(relation)
        ? []
        : [...(table || kind === "v" ? (["UPSERT"] as const) : []), ...(merges ? (["MERGE"] as const) : [])];
      const kinds: StatementKind[] = ["INSERT", "UPDATE", "DELETE", "TRUNCATE", ...copied, ...combined];
      let runsCode = false;
      for (const event of kinds) {
        // A combined statement runs nothing its single events do not: walked only where one of them runs code.
        if ((event === "UPSERT" || event === "MERGE") && !runsCode) continue;
        const walk = this.statementWalk(relation, event);
        if (walk.runs.length === 0) continue;
        if (event !== "TRUNCATE") runsCode = true;
        keep(relation, event, walk);
      }
    }
    // One TRUNCATE may name several tables, or cascade to those whose keys reference them: the
    // TRUNCATE triggers of any of them may run in one statement (found live by a review).
    const truncated = [
      ...new Set(code.triggers.filter((t) => t.events.includes("TRUNCATE") && t.relation !== undefined).map((t) => t.relation as number)),
    ];
    if (truncated.length > 1) keep(SEVERAL, "TRUNCATE", this.statementWalk(SEVERAL, "TRUNCATE", truncated));
    this.walksMemo = { walks, byCaller, byReach };
    return this.walksMemo;
  }

  private keysByReferenced: Map<number, PgForeignKey[]> | undefined;
  /** The writing actions of the keys that reference the relation which these commands set off, with the event each does. */
  private actionsSetOff(relation: number, commands: readonly string[]): { fk: PgForeignKey; event: string }[] {
    this.keysByReferenced ??= groupBy(this.catalog.foreignKeys ?? [], (fk) => fk.references);
    const out: { fk: PgForeignKey; event: string }[] = [];
    for (const fk of this.keysByReferenced.get(relation) ?? []) {
      if (commands.includes("DELETE") && fk.deleteFires !== false && WRITING_ACTIONS.has(fk.onDelete))
        out.push({ fk, event: fk.onDelete === "c" ? "DELETE" : "UPDATE" });
      if (commands.includes("UPDATE") && fk.updateFires !== false && WRITING_ACTIONS.has(fk.onUpdate)) out.push({ fk, event: "UPDATE" });
    }
    return out;
  }

  private goesOnMemo: Set<number> | undefined;
  /** Whether a statement on the relation goes on through views or rules (most do not: OnwardWrites.from is skipped). */
  private goesOn(relation: number): boolean {
    this.goesOnMemo ??= new Set(this.onwardWrites().sources.map((r) => r.oid));
    return this.goesOnMemo.has(relation);
  }

  private readonly walkMemo = new Map<string, StatementWalk>();
  /**
   * What one statement (`event` on `relation`, by an ordinary writer) may run as that writer,
   * whatever table is asked about (besideWriterRoutes judges it per table): a walk over the
   * statements it may make, each with its commands, whether it reaches children (not through
   * `ONLY`), and whether what it does is known (not decided by a TG_OP test in a function that
   * several events run). `COPY` is an INSERT that applies no rules. Once per catalog.
   */
  private statementWalk(relation: number, event: StatementKind, roots: readonly number[] = [relation]): StatementWalk {
    const memoKey = `${relation}:${event}`;
    const memo = this.walkMemo.get(memoKey);
    if (memo) return memo;
    const code = this.firingCode();
    const onward = this.onwardWrites();
    const walk: StatementWalk = { runs: [], calls: [], reaches: [] };
    const ran = new Set<number>();
    const copy = event === "COPY";
    const queue: {
      relation: number;
      commands: readonly string[];
      children: boolean;
      known: boolean;
      hops: string;
      /** A foreign key's action: only the AFTER triggers run as the writer there (before 16). */
      afterOnly?: true;
    }[] = roots.map((r) => ({
      relation: r,
      commands: STATEMENT_COMMANDS[event],
      children: true,
      known: true,
      hops: "",
    }));
    const seen = new Set<string>();
    // What a function runs as the writer: itself and its invoker callees, each writing on.
    const run = (root: PgFunction, source: AccessSource, how: string, known: boolean, on: number) => {
      for (const chain of this.invokerChains(root)) {
        const fn = chain[chain.length - 1] as PgFunction;
        const path = `${how} -> ${chain.map(functionName).join(" -(calls)-> ")}`;
        if (!ran.has(fn.oid)) {
          ran.add(fn.oid);
          // The function's own name leads the path: only its callers are named here.
          const callers = chain.length > 1 ? ` -> ${chain.slice(0, -1).map(functionName).join(" -(calls)-> ")} -(calls)-> it` : "";
          walk.runs.push({ fn, source, how: `${how}${callers}`, on });
        }
        walk.calls.push({ fn, path, known });
        for (const w of this.writesOf(fn))
          queue.push({
            relation: w.relation,
            commands: w.commands,
            children: w.children,
            known,
            hops: clipped(`${path} writes ${w.name} -> `),
          });
      }
    };
    for (let i = 0; i < queue.length; i++) {
      const at = queue[i] as (typeof queue)[number];
      const key = `${at.relation}:${at.commands.join(",")}:${at.children}:${at.known}:${at.afterOnly === true}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // An unconditional INSTEAD rule's event never happens on its relation (found live by a
      // review), except in the COPY that starts the walk, which applies no rules.
      const root = copy && i < roots.length;
      const happens = root ? [...at.commands] : onward.performed(at.relation, at.commands);
      const name = this.relationName(at.relation);
      for (const t of code.triggersOn.get(at.relation) ?? []) {
        if ((t.viaParent && !at.children) || (at.afterOnly && t.trigger.timing !== "AFTER")) continue;
        const events = happens.filter((c) => t.events.includes(c) && this.viewStatementFires(t.trigger, c));
        if (events.length === 0) continue;
        const on = t.viaParent ? `${t.trigger.schema ?? ""}.${t.trigger.table ?? ""}, under ${name}` : name;
        const when = t.trigger.conditional ? " WHEN (…)" : "";
        const how = `${at.hops}trigger ${t.trigger.name} ${t.trigger.timing} ${t.trigger.events.join(" OR ")} ON ${on}${when}`;
        run(t.fn, "trigger function owner", how, at.known && this.knownPerEvent(t.trigger, t.fn), t.trigger.relation);
      }
      // A key's action runs its statement as the referencing table's owner: only its AFTER triggers fire as the writer.
      if (at.afterOnly) continue;
      for (const e of code.expressionsOn.get(at.relation) ?? []) {
        if (e.viaParent && !at.children) continue;
        // A default is filled in before any rule rewrites the INSERT (found live by a review).
        const filled = e.call.kind === "default" || e.call.kind === "domain default" ? at.commands : happens;
        const events = filled.filter((c) => e.events.includes(c));
        if (events.length === 0) continue;
        const how = `${at.hops}${e.label}${e.viaParent ? "" : ` of ${name}`}`;
        run(e.fn, "expression function owner", how, at.known, e.call.relation);
      }
      // The way here already ends with this relation's name, but for the statement itself.
      const lead = at.hops === "" ? name : at.hops.replace(/ -> $/, "");
      // Before 16 a key's action fires the referencing table's AFTER triggers as the writer (tried live on 15 by a review).
      if (!this.afterAsOwner)
        for (const { fk, event } of this.actionsSetOff(at.relation, happens))
          queue.push({
            relation: fk.relation,
            commands: [event],
            children: true,
            known: at.known,
            hops: clipped(`${lead} -(foreign key ${fk.name})-> ${this.relationName(fk.relation)} -> `),
            afterOnly: true,
          });
      // What is issued there goes on (an INSTEAD rule's actions run for it: found live by a review).
      for (const w of root || !this.goesOn(at.relation) ? [] : onward.from(at.relation, at.commands)) {
        const hops = `${lead}${w.hops}`;
        walk.reaches.push({
          relation: w.relation,
          commands: w.commands,
          hops,
          known: at.known,
          ...(w.checkedAs === undefined ? {} : { checkedAs: w.checkedAs }),
        });
        queue.push({
          relation: w.relation,
          commands: w.commands,
          children: w.reachingChildren,
          known: at.known,
          hops: clipped(`${hops}${this.relationName(w.relation)} -> `),
        });
      }
    }
    this.walkMemo.set(memoKey, walk);
    return walk;
  }

  /**
   * Whether what a trigger's function does is the same in every event it fires on: one event,
   * or a body that does not test TG_OP (a mention in a RAISE is no test: found by a review).
   */
  private knownPerEvent(trigger: PgTrigger, fn: PgFunction): boolean {
    if (trigger.events.length === 1) return true;
    // TG_OP anywhere in the code but a string or a RAISE decides something: `TG_OP::text LIKE`,
    // `upper(TG_OP) =`, `position('DEL' in TG_OP)`, `v := TG_OP` (all found live by a review).
    const code = this.lowerCaseBody(fn)
      .replace(/'(?:[^']|'')*'/g, "''")
      .replace(/\braise\b[^;]*;/g, "");
    return !/\btg_op\b/.test(code);
  }

  /**
   * A view's statement trigger fires only for an event a row-level INSTEAD OF trigger of the
   * view handles, not in its automatic update (PostgreSQL fires the base table's; found live
   * by a review). Other triggers, and other relations', fire.
   */
  private viewStatementFires(trigger: PgTrigger, event: string): boolean {
    if (trigger.level !== "STATEMENT" || this.relkinds.get(trigger.relation) !== "v") return true;
    this.insteadOfMemo ??= new Set(
      (this.catalog.triggers ?? [])
        .filter((t) => t.enabled && t.timing === "INSTEAD OF")
        .flatMap((t) => t.events.map((e) => `${t.relation}:${e}`)),
    );
    return this.insteadOfMemo.has(`${trigger.relation}:${event}`);
  }

  /** `relation:event` of every enabled INSTEAD OF trigger. */
  private insteadOfMemo: Set<string> | undefined;

  private writesMemo = new Map<number, { relation: number; name: string; commands: string[]; children: boolean }[]>();
  /**
   * The relations a function's body writes (or reads) among those whose statements run code
   * (triggers, stored expressions, views and rules that go on), with the commands, and whether
   * it reaches their children (not with `ONLY`). Once per function.
   */
  private writesOf(fn: PgFunction): { relation: number; name: string; commands: string[]; children: boolean }[] {
    const memo = this.writesMemo.get(fn.oid);
    if (memo) return memo;
    const out: { relation: number; name: string; commands: string[]; children: boolean }[] = [];
    const lower = this.lowerCaseBody(fn);
    // Most bodies name none of them: a plain name not among the body's words is not named there,
    // so the body's words are looked up (a scan of every relation per function grew with both).
    const { byPlainName, others } = this.codeRelations();
    const candidates = [...others];
    for (const word of this.wordsOfBody(fn)) for (const r of byPlainName.get(word) ?? []) candidates.push(r);
    candidates.sort((a, b) => a.at - b.at);
    for (const { oid, schema, name } of candidates) {
      const qualifiedOnly = this.unqualifiedMisses(fn, schema);
      const commands = commandsOn(fn.body, schema, name, lower, false, qualifiedOnly);
      if (!commands) continue;
      const whole = commandsOn(fn.body, schema, name, lower, true, qualifiedOnly) ?? [];
      out.push({ relation: oid, name: `${schema}.${name}`, commands, children: commands.every((c) => whole.includes(c)) });
    }
    this.writesMemo.set(fn.oid, out);
    return out;
  }

  private codeRelationsMemo: CodeRelations | undefined;
  /**
   * Every relation a statement on which runs someone's code or goes on (writesOf looks for
   * these): by OID, and by plain name (those whose name is not plain always looked at), each
   * with its position, so a body's words find them in one order.
   */
  private codeRelations(): CodeRelations {
    if (this.codeRelationsMemo) return this.codeRelationsMemo;
    const code = this.firingCode();
    const byOid = new Map<number, CodeRelation>();
    const add = (oid: number | undefined, schema: string, name: string) => {
      if (oid !== undefined && !byOid.has(oid)) byOid.set(oid, { oid, schema, name, at: byOid.size });
    };
    for (const t of code.triggers) add(t.relation, t.schema, t.table);
    for (const e of code.expressions) add(e.relation, e.schema, e.table);
    for (const r of this.onwardWrites().sources) add(r.oid, r.schema, r.name);
    const byPlainName = new Map<string, CodeRelation[]>();
    const others: CodeRelation[] = [];
    for (const r of byOid.values()) {
      if (!PLAIN_NAME.test(r.name)) others.push(r);
      else byPlainName.set(r.name, [...(byPlainName.get(r.name) ?? []), r]);
    }
    this.codeRelationsMemo = { byOid, byPlainName, others };
    return this.codeRelationsMemo;
  }

  /** The chains of calls from `fn` that stay SECURITY INVOKER (a definer callee runs as its own owner, not as the caller). */
  private invokerChains(fn: PgFunction): PgFunction[][] {
    return this.callChains(fn).filter((chain) => chain.every((f) => !f.securityDefiner));
  }

  /** A relation's name for a path: a listed relation's, or the name its triggers, expressions or views carry. */
  private relationName(oid: number): string {
    const relation = this.relations.get(oid) ?? this.codeRelations().byOid.get(oid);
    return relation ? `${relation.schema}.${relation.name}` : `relation ${oid}`;
  }

  /** Routes only a configured table has: the owners of its trigger functions and of its schema. */
  private ownerRoutes(table: PgTable, target: Relation): Route[] {
    const memo = this.ownerRoutesMemo.get(target.oid);
    if (memo) return memo;
    const routes: Route[] = [];
    this.ownerRoutesMemo.set(target.oid, routes);
    const triggers = this.ownTriggers(table, target);
    for (const { trigger, on } of triggers) {
      const fn = this.functions.get(trigger.function);
      // The table's owner and superusers already hold everything.
      if (!fn || fn.owner === target.owner || this.graph.byOid.get(fn.owner)?.superuser) continue;
      routes.push({
        source: "trigger function owner",
        wayIn: this.roleWayIn(fn.owner, "owns function"),
        privileges: EXPRESSION_EVENTS,
        object: `${functionName(fn)} [trigger ${trigger.name} ${trigger.timing} ${trigger.events.join(" OR ")} ON ${on}: runs in every such statement]`,
      });
    }
    for (const { trigger, on } of triggers) {
      const fn = this.functions.get(trigger.function);
      if (!fn) continue;
      // Every function the trigger function calls, at any depth, runs in the writer's statement too.
      for (const chain of this.callChains(fn).slice(1)) {
        const callee = chain[chain.length - 1] as PgFunction;
        if (callee.owner === target.owner || callee.owner === fn.owner || this.graph.byOid.get(callee.owner)?.superuser) continue;
        routes.push({
          source: "trigger function owner",
          wayIn: this.roleWayIn(callee.owner, "owns function"),
          privileges: EXPRESSION_EVENTS,
          object: `${functionName(callee)} [trigger ${trigger.name} ${trigger.timing} ${trigger.events.join(" OR ")} ON ${on} -> ${chain.map(functionName).join(" -(calls)-> ")}: runs in every such statement]`,
        });
      }
    }
    routes.push(...this.expressionRoutes(table, target));
    routes.push(...this.besideWriterRoutes(target));
    routes.push(...this.definerCalleeRoutes(target));
    routes.push(...this.firedByDefinerRoutes(target));
    for (const ancestorOid of this.ancestors(target.oid)) {
      const ancestor = this.relations.get(ancestorOid);
      if (!ancestor || ancestor.owner === target.owner || this.graph.byOid.get(ancestor.owner)?.superuser) continue;
      const kind = this.parentKind(ancestorOid);
      // The index is created in the partitioned table's schema and in each partition's.
      const mayIndex = this.mayCreateIn(ancestor.owner, ancestor.schema) && this.mayCreateIn(ancestor.owner, target.schema);
      const power = parentOwnerPower(kind, mayIndex);
      routes.push({
        source: "parent owner",
        wayIn: this.roleWayIn(ancestor.owner, "owns"),
        privileges: power.privileges,
        object: `${ancestor.schema}.${ancestor.name} [${kind}: ${power.how}]`,
      });
    }
    const descendants = this.descendants(target.oid);
    const mayDrop = (owner: number) => owner !== target.owner && !this.graph.byOid.get(owner)?.superuser;
    const kindOfChild = this.childKind(target.oid);
    const schemasSeen = new Set([table.schema]);
    const parentsSeen = new Set([target.oid, ...this.ancestors(target.oid), ...descendants]);
    for (const descendantOid of descendants) {
      const descendant = this.relations.get(descendantOid);
      if (!descendant) continue;
      // Its owner holds its rows through the partition route; dropping it takes them out of the table (tried live).
      if (mayDrop(descendant.owner)) {
        routes.push({
          source: "child owner",
          wayIn: this.roleWayIn(descendant.owner, "owns"),
          privileges: [CONTROL],
          object: `${descendant.schema}.${descendant.name} [${kindOfChild}: dropping it removes its rows]`,
        });
      }
      // So may the owner of its schema, when that is not the table's (tried live); one route per schema.
      if (!schemasSeen.has(descendant.schema)) {
        schemasSeen.add(descendant.schema);
        const owner = this.schemaOf(descendant.schema)?.owner;
        if (owner !== undefined && mayDrop(owner)) {
          routes.push({
            source: "schema owner",
            wayIn: this.roleWayIn(owner, "owns"),
            privileges: [CONTROL],
            object: `schema ${descendant.schema} [holds ${kindOfChild} ${descendant.schema}.${descendant.name}: dropping it removes its rows]`,
          });
        }
      }
      // And the owner of its other parent (multiple inheritance): DROP … CASCADE on that parent drops it (tried live).
      for (const otherOid of this.parents.get(descendantOid) ?? []) {
        const other = this.relations.get(otherOid);
        if (parentsSeen.has(otherOid) || !other) continue;
        parentsSeen.add(otherOid);
        if (!mayDrop(other.owner)) continue;
        routes.push({
          source: "parent owner",
          wayIn: this.roleWayIn(other.owner, "owns"),
          privileges: [CONTROL],
          object: `${other.schema}.${other.name} [inheritance parent of ${descendant.schema}.${descendant.name}: DROP TABLE … CASCADE on it drops the child]`,
        });
      }
    }
    const schema = this.schemaOf(table.schema);
    if (schema?.owner !== undefined && !this.graph.byOid.get(schema.owner)?.superuser) {
      routes.push({
        source: "schema owner",
        wayIn: this.roleWayIn(schema.owner, "owns"),
        privileges: [CONTROL],
        object: `schema ${schema.name}`,
      });
    }
    return routes;
  }

  /** Every path by which `role` holds privileges on the relation: its ACL and the routes into it. */
  held(role: Pick<PgRole, "oid" | "name">, relationOid: number): AccessPath[] {
    const key = `${role.oid}:${relationOid}`;
    const reader = this.reader;
    this.reader = undefined;
    const memo = this.heldMemo.get(key);
    if (memo) return memo;
    const partial = this.partialMemo.get(key);
    if (partial) {
      this.cutAt = Math.min(this.cutAt, partial.cutAt);
      return partial.paths;
    }
    const relation = this.relations.get(relationOid);
    if (!relation) return [];
    // A route back into a relation already being evaluated stops there, with what that one
    // has found so far (its grants, or what an earlier round of its cycle found).
    const cut = this.inProgress.get(key);
    if (cut !== undefined) {
      this.cutAt = Math.min(this.cutAt, cut);
      let readers = this.readersOf.get(key);
      if (!readers) {
        readers = new Set();
        this.readersOf.set(key, readers);
      }
      readers.add(reader ?? EVERYTHING);
      return this.handedBack.get(key) ?? [];
    }
    const grants = grantPaths(this.graph, relation.grantable, role, this.tableKind);
    // What an earlier round of a cycle through this one found: where this round starts from.
    const earlier = this.roundsFound.get(key);
    this.handedBack.set(key, earlier?.paths ?? grants);
    // Once a cycle has come back here: one path of each kind found through a route, the one
    // with the fewest steps. Only ever added to: a kind found once stays found.
    let byKind = earlier && new Map(earlier.byKind);
    let granted: Set<string> | undefined;
    const depth = this.inProgress.size;
    try {
      for (;;) {
        this.readersOf.delete(key);
        this.roundAgain[depth] = false;
        const found: AccessPath[] = [];
        const { cutAt, cutShort } = this.evaluating(key, () => {
          for (const route of this.routesInto(relation)) {
            const path = this.take(role, route, relationOid);
            if (path) found.push(path);
          }
        });
        let grew = false;
        let paths: AccessPath[];
        // Who read what this one handed back (none when no route came back here).
        const readers = this.readersOf.get(key);
        if (!readers && !byKind) {
          // Nothing came back here: the grants and every route's path (nobody else holds the list).
          for (const path of found) grants.push(path);
          paths = grants;
        } else {
          byKind ??= new Map();
          granted ??= new Set(grants.map((p) => this.kindOfPath(p)));
          for (const path of found) {
            const kind = this.kindOfPath(path);
            if (granted.has(kind)) continue;
            const known = byKind.get(kind);
            if (!known) {
              byKind.set(kind, path);
              grew ||= readers !== undefined && this.readByAny(readers, path);
            } else if (stepsOf(path.chainText ?? path.text) < stepsOf(known.chainText ?? known.text)) byKind.set(kind, path);
          }
          paths = [...grants, ...byKind.values()];
          this.roundsFound.set(key, { paths, byKind });
        }
        // A cycle came back here and was handed what this one had found. If a route found a
        // kind of path not handed that a way in the cycle read would take (a rule that turns
        // INSERT into UPDATE through a view, another that turns UPDATE into DELETE), or another
        // one of the cycle did, the cycle is walked again, each one of it starting from what it
        // found in this round, until a round finds nothing new: the least fixed point. There
        // are finitely many kinds, so it ends. The one walked again is the outermost of the
        // cycle (the shallowest it came back to): one inside it walks only as its part, so
        // nested cycles are walked together, not each again for every round of the one outside.
        // One path of each kind is kept, the shortest, so no way in is named by a path that goes
        // round the cycle for nothing. (A partitioned table is such a cycle, and no partition's
        // way in through it reads what it holds through a partition: it seldom needs a second.)
        const again = grew || (this.roundAgain[depth] as boolean | undefined) === true;
        if (cutAt < depth) {
          // Part of a cycle through one further out: kept while that one is evaluated.
          if (again) this.roundAgain[cutAt] = true;
          this.keepCutShort(key, paths, cutAt);
          return paths;
        }
        if (again) {
          // The answers cut short in this round were worked out with less; they ended with it
          // (evaluating()), so the next round works each out again.
          this.handedBack.set(key, paths);
          continue;
        }
        this.heldMemo.set(key, paths);
        // The answers cut short here were worked out, in this last round, with what this one
        // and the others of the cycle handed them, which were their whole answers: they are
        // whole too (a later caller need not walk the cycle again).
        for (const [k, cutPaths] of cutShort) this.heldMemo.set(k, cutPaths);
        return paths;
      }
    } finally {
      this.handedBack.delete(key);
      this.readersOf.delete(key);
      this.roundAgain.length = depth;
    }
  }

  /** Whether a way in that read what was handed back would take this path too. */
  private readByAny(readers: ReadonlySet<RelationWayIn | typeof EVERYTHING>, path: AccessPath): boolean {
    for (const r of readers) if (r === EVERYTHING || (path.privileges.includes(r.privilege) && this.admits(r, path))) return true;
    return false;
  }

  /** Kept while the one it came back to is evaluated, so a cycle is walked once, not once per way round. */
  private keepCutShort(key: string, paths: AccessPath[], cutAt: number): void {
    this.partialMemo.set(key, { paths, cutAt });
    const atCut = this.partialAt[cutAt] ?? [];
    atCut.push(key);
    this.partialAt[cutAt] = atCut;
  }

  /**
   * What a way in reads of a path (how it is held, which privileges and columns, through
   * PUBLIC or not, through which parent), not its text, which may name a cycle once more on
   * each round of one.
   */
  private kindOfPath(p: AccessPath): string {
    return `${p.source}\u0000${p.privileges.join(",")}\u0000${p.columns?.join(",") ?? ""}\u0000${throughPublic(p)}\u0000${this.parentOfPath.get(p) ?? ""}\u0000${this.onlyPaths.has(p)}`;
  }

  /**
   * Runs `walk` with `key` (a role and a relation) marked as being evaluated: a route that
   * comes back into it is cut there. Returns the depth it was evaluated at, the shallowest
   * depth a cycle inside it came back to, and the answers cut short at it (which end with it).
   */
  private evaluating(key: string, walk: () => void): { depth: number; cutAt: number; cutShort: Map<string, AccessPath[]> } {
    const depth = this.inProgress.size;
    const outer = this.cutAt;
    this.cutAt = Number.POSITIVE_INFINITY;
    this.inProgress.set(key, depth);
    let cutAt = Number.POSITIVE_INFINITY;
    const cutShort = new Map<string, AccessPath[]>();
    try {
      walk();
    } finally {
      cutAt = this.cutAt;
      this.inProgress.delete(key);
      this.cutAt = Math.min(outer, cutAt);
      // Answers cut short at this one end with it: handed to the caller, which decides whether they hold.
      for (const k of this.partialAt[depth] ?? []) {
        const partial = this.partialMemo.get(k);
        if (partial) cutShort.set(k, partial.paths);
        this.partialMemo.delete(k);
      }
      this.partialAt.length = depth;
    }
    return { depth, cutAt, cutShort };
  }

  /** The path by which `role` takes the route, if it can. */
  private take(role: Pick<PgRole, "oid" | "name">, route: Route, target: number, publicOnly?: PublicRouteSink): AccessPath | undefined {
    const entry = this.wayIn(role, route.wayIn);
    if (!entry) return undefined;
    // The route adds nothing for the owner it runs as (or a role that is it).
    if (route.runsAs !== undefined && this.graph.reachable(role.oid).has(route.runsAs)) return undefined;
    const effect = this.effect(route, target);
    if (!effect) return undefined;
    if (entry.public && publicOnly) {
      const narrowed = this.columnsOnly(route, entry);
      publicOnly(route.object, narrowed ? [narrowed] : effect.privileges, () => this.path(route, entry, effect));
      return undefined;
    }
    return this.path(route, entry, effect);
  }

  /**
   * A column grant on a parent reaches those columns of the child, and only by its own
   * privilege (whether an UPDATE of them can move a row depends on the partition key); one on
   * a partition or child reaches those columns of the table's rows in it: that privilege, or
   * undefined when the route gives its whole effect.
   */
  private columnsOnly(route: Route, entry: Entry): string | undefined {
    return entry.columns && (throughParent(route) || throughChild(route)) && route.wayIn.kind === "relation"
      ? route.wayIn.privilege
      : undefined;
  }

  private path(route: Route, entry: Entry, effect: Effect): AccessPath {
    const via = entry.text + effect.tail;
    const path: AccessPath = {
      source: route.source,
      reach: entry.reach,
      chain: entry.chain,
      // Shared by every principal's path of this route: paths are read, never changed.
      privileges: effect.privileges,
      text: via + effect.privilegesText,
      via: route.object,
      chainText: via,
    };
    if (route.fixedValues) path.fixedValues = true;
    if (route.columns) {
      path.columns = [...route.columns];
      path.text = `${via}${effect.privilegesText} (columns: ${route.columns.join(", ")})`;
    }
    const narrowed = this.columnsOnly(route, entry);
    if (narrowed && entry.columns) {
      path.privileges = [narrowed];
      path.columns = entry.columns;
      path.text = `${via} -> ${narrowed} (columns: ${entry.columns.join(", ")})`;
    }
    if (entry.public) path.public = true;
    if (throughParent(route) && route.wayIn.kind === "relation") this.parentOfPath.set(path, route.wayIn.relation);
    if (route.only) this.onlyPaths.add(path);
    return path;
  }

  /**
   * What the route does to the target, whoever takes it (memoized per route and target:
   * every principal asks the same). Undefined when it does nothing.
   */
  private effect(route: Route, target: number): Effect | undefined {
    let perTarget = this.effectMemo.get(route);
    if (!perTarget) {
      perTarget = new Map();
      this.effectMemo.set(route, perTarget);
    }
    const memo = perTarget.get(target);
    if (memo !== undefined) return memo ?? undefined;
    let privileges: string[];
    if (route.runsAs === undefined) privileges = [...(route.privileges as readonly string[])];
    else {
      const owner = { oid: route.runsAs, name: this.graph.name(route.runsAs) };
      // The route's statement names the target itself, so the owner's own privileges on it
      // count (a view over a view composes through the way in instead). Code run as the
      // owner through an unsafe search_path can do all the owner can, routes included.
      const ownerPaths =
        route.privileges === "all"
          ? this.held(owner, target)
          : grantPaths(this.graph, this.relations.get(target)?.grantable ?? NO_GRANTS, owner, this.tableKind);
      const ownerHolds = new Set(ownerPaths.flatMap((p) => p.privileges));
      privileges = route.privileges === "all" ? [...ownerHolds] : route.privileges.filter((p) => ownerHolds.has(p));
      privileges = this.tableKind.all.filter((p) => privileges.includes(p));
    }
    const effect =
      privileges.length === 0
        ? undefined
        : { privileges, tail: `${arrowOf(route.wayIn)}${route.object}`, privilegesText: ` -> ${privileges.join(", ")}` };
    // An "all" route into a table still being evaluated sees a partial answer: do not keep it.
    if (route.privileges !== "all" || this.inProgress.size === 0) perTarget.set(target, effect ?? null);
    return effect;
  }

  /** How `role` holds the way in, preferring paths of its own over PUBLIC's (memoized per way in and role). */
  private wayIn(role: Pick<PgRole, "oid" | "name">, wayIn: WayIn): Entry | undefined {
    let perRole = this.wayInMemo.get(wayIn);
    if (!perRole) {
      perRole = new Map();
      this.wayInMemo.set(wayIn, perRole);
    }
    const memo = perRole.get(role.oid);
    if (memo !== undefined) return memo ?? undefined;
    const entry = this.findWayIn(role, wayIn);
    // A way in through a relation still being evaluated may be incomplete: do not keep it.
    if (wayIn.kind !== "relation" || this.inProgress.size === 0) perRole.set(role.oid, entry ?? null);
    return entry;
  }

  private findWayIn(role: Pick<PgRole, "oid" | "name">, wayIn: WayIn): Entry | undefined {
    if (wayIn.kind === "role") {
      const r = this.graph.reachable(role.oid).get(wayIn.role);
      if (!r) return undefined;
      return { text: this.graph.chainText(r), reach: r.reach, chain: r.chain.map((o) => this.graph.name(o)), public: false };
    }
    if (wayIn.kind === "relation") this.reader = wayIn;
    const paths = wayIn.kind === "function" ? this.executePaths(role, wayIn.fn) : this.held(role, wayIn.relation);
    const giving = paths.filter((p) => p.privileges.includes(wayIn.privilege) && (wayIn.kind !== "relation" || this.admits(wayIn, p)));
    // The whole table's privilege over some of its columns', then the role's own over PUBLIC's.
    const whole = giving.filter((p) => !p.columns);
    const pool = whole.length > 0 ? whole : giving;
    const own = pool.filter((p) => !throughPublic(p));
    const best = fewestSteps(own.length > 0 ? own : pool);
    if (!best) return undefined;
    const entry: Entry = { text: best.chainText ?? best.text, reach: best.reach, chain: best.chain, public: throughPublic(best) };
    if (best.columns) entry.columns = best.columns;
    return entry;
  }

  /** Whether a path to the relation is a way in of this kind (the statement it stands for names the right table). */
  private admits(wayIn: RelationWayIn, path: AccessPath): boolean {
    if (wayIn.named && (throughParent(path) || throughChild(path))) return false;
    if (wayIn.whole && throughChild(path)) return false;
    // A statement on `ONLY parent` reaches no child, but an INSERT into a partitioned table is routed to a partition.
    if (wayIn.whole && this.onlyPaths.has(path) && !(wayIn.privilege === "INSERT" && this.relkinds.get(wayIn.relation) === "p"))
      return false;
    // A foreign key's action on an inheritance parent is DELETE or UPDATE … ONLY it: its children keep their rows (tried live).
    if (wayIn.whole && path.source === "foreign key" && this.relkinds.get(wayIn.relation) !== "p") return false;
    if (wayIn.columns && path.columns && !path.columns.some((c) => wayIn.columns?.includes(c))) return false;
    if (wayIn.besides !== undefined && this.parentOfPath.get(path) === wayIn.besides) return false;
    return (
      wayIn.trigger === undefined ||
      firesTrigger({ events: [wayIn.privilege], level: wayIn.trigger }, { ...path, privileges: [wayIn.privilege] })
    );
  }

  /** How `role` holds EXECUTE on the function (memoized: every table asks again). */
  private executePaths(role: Pick<PgRole, "oid" | "name">, fn: PgFunction): AccessPath[] {
    let perRole = this.executeMemo.get(fn.oid);
    if (!perRole) {
      perRole = new Map();
      this.executeMemo.set(fn.oid, perRole);
    }
    let paths = perRole.get(role.oid);
    if (!paths) {
      paths = grantPaths(this.graph, { owner: fn.owner, acl: fn.acl, columnAcls: NO_COLUMNS }, role, this.functionKind);
      perRole.set(role.oid, paths);
    }
    return paths;
  }

  /**
   * Paths of every route `role` can take to the configured table, owner routes included.
   * With `publicOnly`, a route whose way in the role holds only through PUBLIC is handed to it
   * instead of becoming a path: every role has such a route, and building one path per role
   * for each (ten PUBLIC definer functions × 200 tables × 100 roles) was most of the cost.
   */
  routes(role: PgRole, table: PgTable, publicOnly?: PublicRouteSink): AccessPath[] {
    const target = table.oid;
    if (target === undefined) return [];
    const relation = this.relations.get(target);
    if (!relation) return [];
    const out: AccessPath[] = [];
    // A partitioned table is a cycle of its own (a partition's rows through the table, the
    // table's through each partition): held() settles it the first time a partition's way in
    // asks, and keeps the partitions' answers, so each is worked out a few times per role at
    // most, not once per sibling.
    for (const routes of [this.routesInto(relation), this.ownerRoutes(table, relation)]) {
      for (const route of routes) {
        const path = this.take(role, route, target, publicOnly);
        if (path) out.push(path);
      }
    }
    return out;
  }
}

/**
 * The path with the fewest steps (the arrows of its text: routes, calls, role hops), the first
 * of those: the shortest account of how the way in is held. A cycle's later rounds find longer paths to what its first round
 * found; the short one is the one to name.
 */
function fewestSteps(paths: readonly AccessPath[]): AccessPath | undefined {
  let best: AccessPath | undefined;
  let bestSteps = Number.POSITIVE_INFINITY;
  for (const p of paths) {
    const steps = stepsOf(p.chainText ?? p.text);
    if (steps < bestSteps) {
      best = p;
      bestSteps = steps;
    }
  }
  return best;
}

function stepsOf(text: string): number {
  let steps = 0;
  for (let i = text.indexOf(" -("); i !== -1; i = text.indexOf(" -(", i + 3)) steps++;
  return steps;
}

function principalsOf(catalog: PgCatalog, options: AccessOptions): PgRole[] {
  const include = new Set(options.include ?? []);
  return catalog.roles.filter((r) => r.login || include.has(r.name));
}

const RLS_NOTE = " (row-level security is on: policies may narrow the rows, the access stays)";
const RLS_EXEMPT = new Set<AccessSource>([
  "owner",
  // A foreign key's action runs with row-level security off for the owner, even FORCEd (proven live).
  "foreign key",
  "superuser",
  "rds_superuser",
  "pg_execute_server_program",
  "pg_write_server_files",
  "replication",
  "pg_read_server_files",
  "rds_replication",
  "schema owner",
  "trigger function owner",
  "expression function owner",
  "parent owner",
  "child owner",
  // The queue's policies do not apply to a statement that names its parent or one of its
  // partitions or children (that one's do, which are not read): tried live.
  "partitioned table",
  "inheritance parent",
  "partition",
  "inheritance child",
]);

/** Effective access to one found table: grants and role chains (role-graph.ts) plus routes through objects and owners. */
export function effectiveTableAccess(
  catalog: PgCatalog,
  table: PgTable,
  graph: RoleGraph,
  routes: ObjectRoutes,
  options: AccessOptions = {},
): TableAccess {
  if (!table.found || table.owner === undefined) {
    throw new Error(`table ${table.schema}.${table.name} was not found; its access cannot be computed`);
  }
  const principals = principalsOf(catalog, options);
  const access = objectAccess(
    graph,
    { kind: "table", schema: table.schema, name: table.name, owner: table.owner, acl: table.acl, columnAcls: table.columnAcls },
    principals,
    catalog.serverVersionNum,
  );
  const all = [...kindOf("table", catalog.serverVersionNum).all, CONTROL];
  const byRole = new Map(access.principals.map((p) => [p.role, p]));
  const merged: PrincipalAccess[] = [];
  const publicRoutes = new Map<string, AccessPath>();
  const withRls = (p: AccessPath) => {
    if (table.rowSecurity && !RLS_EXEMPT.has(p.source) && !p.text.endsWith(RLS_NOTE)) p.text += RLS_NOTE;
    return p;
  };
  for (const principal of principals) {
    // Routes every role holds through PUBLIC are kept once, in publicRoutes, and add only their
    // privileges to each role; the auditor keeps them as paths (pg-auditor-overprivileged shows them).
    const publicOnly = new Set<string>();
    const sink: PublicRouteSink = (object, privileges, path) => {
      for (const p of privileges) publicOnly.add(p);
      if (!publicRoutes.has(object)) publicRoutes.set(object, withRls(path()));
    };
    const extra = routes.routes(principal, table, principal.name === catalog.currentUser ? undefined : sink);
    const existing = byRole.get(principal.name);
    if (extra.length === 0 && publicOnly.size === 0 && !existing) continue;
    const paths = [...(existing?.paths ?? []), ...extra];
    for (const p of paths) withRls(p);
    for (const p of extra) if (p.public && p.via && !publicRoutes.has(p.via)) publicRoutes.set(p.via, p);
    const privileges = privilegesOf(paths, all);
    merged.push({
      role: principal.name,
      login: principal.login,
      privileges: publicOnly.size === 0 ? privileges : ordered([...privileges, ...publicOnly], all),
      paths,
    });
  }
  const sequences = table.sequences.map((s) =>
    objectAccess(
      graph,
      { kind: "sequence", schema: s.schema, name: s.name, owner: s.owner, acl: s.acl, columnAcls: [] },
      principals,
      catalog.serverVersionNum,
    ),
  );
  return { table: { ...access, principals: merged, publicRoutes: [...publicRoutes.values()] }, sequences };
}

/** Effective access to every found table of the catalog, keyed by `schema.table`. */
export function computeEffectiveAccess(
  catalog: PgCatalog,
  options: AccessOptions = {},
  graph: RoleGraph = new RoleGraph(catalog),
  routes: ObjectRoutes = new ObjectRoutes(catalog, graph),
): Map<string, TableAccess> {
  const out = new Map<string, TableAccess>();
  for (const t of catalog.tables) {
    if (t.found) out.set(`${t.schema}.${t.name}`, effectiveTableAccess(catalog, t, graph, routes, options));
  }
  return out;
}
