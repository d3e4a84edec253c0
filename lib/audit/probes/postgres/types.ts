import type { ObservationError } from "../../model/observation.js";
import type { WeakPasswordObservation } from "../../model/weak-password-trial.js";

/**
 * What the PostgreSQL probe observed of one `postgres[]` target: plain data read from the
 * catalogs in one read-only transaction, so the effective-access computation and the
 * checks never need a connection.
 */
export interface PostgresObservation {
  /** The config target's `name`. */
  target: string;
  /** Set when the database could not be observed; `catalog` is then absent. */
  error?: ObservationError;
  catalog?: PgCatalog;
  /** Only with `probe.weakPasswords: true`: the trial of the documented list (docs/weak-passwords.md). */
  weakPasswords?: WeakPasswordObservation;
}

/** One entry of an exploded ACL (`aclexplode()`); grantee 0 is PUBLIC. */
export interface PgAclItem {
  grantee: number;
  grantor: number;
  /** `SELECT`, `INSERT`, … `MAINTAIN`, `USAGE`, `CREATE`, as aclexplode spells them. */
  privilege: string;
  grantable: boolean;
}

export interface PgRole {
  oid: number;
  /** As the catalog spells it (no quotes). */
  name: string;
  login: boolean;
  superuser: boolean;
  /** The INHERIT attribute. Before 16 it decides inheritance; from 16 only the default of new grants. */
  inherit: boolean;
  bypassrls: boolean;
  /**
   * The CREATEROLE attribute. Before 16 it lets the role grant itself any non-superuser
   * role; from 16 it needs ADMIN OPTION on the role. Absent in hand-built catalogs means false.
   */
  createrole?: boolean;
  /** The REPLICATION attribute: streams or decodes every row of every table. Absent means false. */
  replication?: boolean;
}

/**
 * One membership grant `GRANT role TO member`. Before 16 the options are derived:
 * inherit = the member's INHERIT attribute, set = true. From 16 several grantors may grant
 * the same membership; the probe merges them (an option holds when any grant has it).
 */
export interface PgMembership {
  member: number;
  role: number;
  /** WITH ADMIN OPTION: the member may grant `role` to anyone, itself included. */
  admin: boolean;
  inherit: boolean;
  set: boolean;
}

export interface PgColumnAcl {
  column: string;
  acl: PgAclItem[];
}

/** A sequence owned by a table: a serial (`pg_depend` deptype 'a') or identity ('i') column's. */
export interface PgSequence {
  oid: number;
  schema: string;
  name: string;
  owner: number;
  /** The owning column. */
  column: string | null;
  /** The effective ACL: `acldefault()` when the catalog holds NULL. */
  acl: PgAclItem[];
}

export interface PgTable {
  /** As requested by the config. */
  schema: string;
  name: string;
  found: boolean;
  oid?: number;
  owner?: number;
  /** `pg_class.relkind`: r table, p partitioned, v view, m materialized view, f foreign. */
  relkind?: string;
  /** The effective ACL: `acldefault()` when the catalog holds NULL. */
  acl: PgAclItem[];
  columnAcls: PgColumnAcl[];
  sequences: PgSequence[];
  /** Column names in attnum order (payload columns are judged by name). Absent in hand-built catalogs. */
  columns?: string[];
  /** `relrowsecurity`: row-level security policies narrow which rows a grant reaches. */
  rowSecurity?: boolean;
}

export interface PgSchema {
  name: string;
  found: boolean;
  oid?: number;
  owner?: number;
  acl: PgAclItem[];
}

/** A `pg_default_acl` row: privileges given to objects `role` creates later. */
export interface PgDefaultAcl {
  /** The role whose future objects get these privileges. */
  role: number;
  /** The schema, or null for a database-wide entry. */
  schema: string | null;
  /** r tables, S sequences, f functions, T types, n schemas. */
  objectType: string;
  acl: PgAclItem[];
}

/**
 * A relation other than a configured table through which a configured table can be reached:
 * a view (or a view over such a view), or a table whose rules or triggers touch one.
 */
export interface PgRelation {
  oid: number;
  schema: string;
  name: string;
  /** `pg_class.relkind`: v view, m materialized view, r/p table, f foreign table. */
  relkind: string;
  owner: number;
  /** The effective ACL: `acldefault()` when the catalog holds NULL. */
  acl: PgAclItem[];
  /** The view option security_invoker (15+): the caller's rights apply to what it reads. */
  securityInvoker: boolean;
  /**
   * For views: the statements PostgreSQL itself says the view accepts
   * (`pg_relation_is_updatable(oid, true)`): automatic updates (also those a view under it
   * takes by an INSTEAD OF trigger), INSTEAD rules, and its own INSTEAD OF triggers, which the
   * model takes out again (they replace the automatic update).
   */
  updatable: string[];
  /** Relations the view's query reads (its `_RETURN` rule's dependencies); empty for tables. */
  reads: number[];
  /**
   * For an updatable view reading more than one relation (a subquery in its WHERE clause or
   * select list reads the others): the one relation an automatic update writes, the single
   * FROM item of its query, or "unread" when its stored query could not be read. Absent
   * otherwise (a view reading one relation writes that one).
   */
  base?: number | "unread";
  /** The view has a CHECK OPTION (`check_option` local or cascaded): an INSERT through it evaluates its WHERE clause. */
  checkOption?: boolean;
  /** Relations the view's query reads only with ONLY: a statement through it reaches none of their partitions or children. */
  onlyReads?: number[];
  /** Column grants (`attacl`). Absent in hand-built catalogs, where there are none. */
  columnAcls?: PgColumnAcl[];
  /**
   * Its direct parents (`pg_inherits`): the partitioned table of a partition, the parents of
   * an inheritance child. Absent when it has none.
   */
  parents?: number[];
}

/**
 * A non-SELECT rewrite rule (`CREATE RULE … ON INSERT|UPDATE|DELETE`) that fires in an ordinary
 * session (enabled, not replica-only: found live by a review).
 */
export interface PgRule {
  oid: number;
  name: string;
  /** The relation the rule is on. */
  relation: number;
  /** INSERT, UPDATE or DELETE. */
  event: string;
  /** DO INSTEAD (replaces the statement) rather than DO ALSO. */
  instead: boolean;
  /** It has a WHERE condition: a conditional INSTEAD rule leaves the statement in place for the other rows. */
  conditional?: boolean;
  /** Relations the rule's actions and condition use (`pg_depend`). */
  references: number[];
  /** `pg_get_ruledef()`: what each action does to them is read from it. */
  definition: string;
}

/**
 * A foreign key whose ON DELETE or ON UPDATE action writes the rows that reference a key:
 * CASCADE (deletes them, or updates their key), SET NULL or SET DEFAULT (updates their key
 * columns). PostgreSQL runs the action as the owner of the referencing table, whoever deleted
 * or updated the referenced row, and row-level security does not narrow it (proven live in
 * foreign-keys.test.ts). Keys whose actions only refuse (NO ACTION, RESTRICT) are not read.
 */
export interface PgForeignKey {
  oid: number;
  name: string;
  /** The referencing relation (`conrelid`): the one whose rows the actions write. */
  relation: number;
  /** The referenced relation (`confrelid`): the one whose DELETE or UPDATE sets the actions off. */
  references: number;
  /** `confdeltype` and `confupdtype`: a no action, r restrict, c cascade, n set null, d set default. */
  onDelete: string;
  onUpdate: string;
  /** The referencing columns (`conkey`), in the key's order. */
  columns: string[];
  /** The referenced columns (`confkey`). */
  referencedColumns: string[];
  /** 15+: the columns `ON DELETE SET NULL (…)` or `SET DEFAULT (…)` sets, when it names them (`confdelsetcols`); else empty. */
  deleteSets: string[];
  /**
   * Whether the ON DELETE (ON UPDATE) action has an enabled trigger on the referenced relation:
   * not when a superuser disabled it, nor for a NOT ENFORCED key (18+), nor for a copy of a key
   * on a partition of a partitioned referencing table (the partitioned table's acts). Absent
   * in hand-built catalogs, where it is taken as firing.
   */
  deleteFires?: boolean;
  updateFires?: boolean;
  /** Functions the defaults of the key's columns call: a SET DEFAULT action evaluates them as the referencing table's owner. */
  defaultCalls?: number[];
}

/**
 * A function that may run with rights other than its caller's, or decide what such code
 * does: every SECURITY DEFINER function or procedure outside the system schemas, every
 * function a trigger on a configured table calls, and, transitively, every function outside
 * the system schemas (in a language other than C or internal) whose name one of those
 * bodies mentions or that pg_depend records as called.
 */
export interface PgFunction {
  oid: number;
  schema: string;
  name: string;
  /** `pg_get_function_identity_arguments()`, e.g. `integer, text`. */
  args: string;
  /** f function, p procedure. */
  kind: string;
  /** Returns `trigger` or `event_trigger`: it cannot be called directly, only fired. Absent means false. */
  trigger?: boolean;
  owner: number;
  securityDefiner: boolean;
  /** The effective ACL (`acldefault('f', owner)` grants EXECUTE to PUBLIC). */
  acl: PgAclItem[];
  /** `proconfig`: `name=value` settings applied while it runs (SET search_path=…), or empty. */
  config: string[];
  language: string;
  /** The body: `prosrc`, or `pg_get_functiondef()` for a SQL-standard (BEGIN ATOMIC / RETURN) body. */
  body: string;
  /** True when the body is SQL-standard: PostgreSQL records the relations it uses in pg_depend. */
  sqlStandardBody: boolean;
  /** Relations the function depends on in `pg_depend` (only SQL-standard bodies have them). */
  references: number[];
  /** Functions it depends on in `pg_depend`: those a SQL-standard body calls. Absent in hand-built catalogs. */
  calls?: number[];
  /** The event triggers (`pg_event_trigger`) that run it: any role's DDL fires them. Absent means none. */
  eventTriggers?: PgEventTrigger[];
}

/** An event trigger: `evtenabled` O (origin) or A (always) fire in every session; D and R (replica) do not. */
export interface PgEventTrigger {
  name: string;
  /** ddl_command_start, ddl_command_end, sql_drop, table_rewrite, login (17+). */
  event: string;
  enabled: boolean;
}

/** A user trigger (`pg_trigger`, not internal). */
export interface PgTrigger {
  name: string;
  relation: number;
  function: number;
  /** INSERT, UPDATE, DELETE, TRUNCATE. */
  events: string[];
  /** BEFORE, AFTER or INSTEAD OF. */
  timing: string;
  /**
   * FOR EACH ROW or FOR EACH STATEMENT. A write through a parent fires a partition's or a
   * child's row triggers, not its statement triggers (TRUNCATE's excepted). Absent in
   * hand-built catalogs, where it is taken as ROW.
   */
  level?: "ROW" | "STATEMENT";
  /** Fires in a writer's statement: `tgenabled` O (origin) or A (always); not D (disabled) nor R (replica only). */
  enabled: boolean;
  /** A copy of a partitioned table's trigger on one of its partitions (`tgparentid`). Absent in hand-built catalogs: not a copy. */
  cloned?: boolean;
  /** It has a `WHEN` condition (`tgqual`): it may not fire. Absent in hand-built catalogs: unconditional. */
  conditional?: boolean;
  /** `UPDATE OF` columns (`tgattr`): it fires only on an UPDATE that sets one of them. Absent or empty: any UPDATE. */
  columns?: string[];
  /** Its table's schema and name, for reading which bodies write it. Absent in hand-built catalogs: the relation's, if listed. */
  schema?: string;
  table?: string;
  /** The table's parents at every level (partitioned ones flagged): a write through one reaches the table. */
  ancestors?: { oid?: number; schema: string; name: string; partitioned: boolean }[];
}

/**
 * A function a configured table's stored expression calls: PostgreSQL runs it inside the
 * statements of whoever writes (or, for a policy, reads) the table, as that role, so its
 * owner can redefine what those statements do.
 */
export interface PgExpressionCall {
  relation: number;
  kind:
    | "default"
    | "domain default"
    | "generated column"
    | "check"
    | "domain check"
    | "range type"
    | "index"
    | "statistics"
    | "trigger condition"
    | "rule"
    | "policy";
  /** The column, constraint (a domain's: `name of domain type on column col`), index or policy. */
  name: string;
  /** Policies: `polcmd` (r SELECT, a INSERT, w UPDATE, d DELETE, * ALL); trigger conditions: `tgtype`; rules: `ev_type`. */
  command?: string;
  function: number;
  /** The table's schema and name (absent in hand-built catalogs): how a function's body names it. */
  schema?: string;
  table?: string;
  /** The table's owner, and whether its row-level security is FORCEd (else its policies skip the owner). */
  tableOwner?: number;
  forced?: boolean;
  /** A policy's roles (`polroles`: 0 is PUBLIC). */
  roles?: number[];
  /** A policy's function named in its WITH CHECK only: INSERT and UPDATE evaluate it, reads do not. */
  checkOnly?: boolean;
  /** The table's inheritance parents and partitioned tables, at any depth. */
  ancestors?: PgTrigger["ancestors"];
}

export interface PgCatalog {
  /** `server_version_num`, e.g. 150020 or 180004. */
  serverVersionNum: number;
  database: string;
  /** The auditor's own role (`current_user`). */
  currentUser: string;
  roles: PgRole[];
  memberships: PgMembership[];
  /** The configured tables, in config order, found or not. */
  tables: PgTable[];
  /** The schemas of the configured tables. */
  schemas: PgSchema[];
  /** Default ACLs in those schemas, and database-wide ones. */
  defaultAcls: PgDefaultAcl[];
  /** `pg_database.datdba`: from 15 it is implicitly pg_database_owner, which owns `public`. */
  databaseOwner?: number;
  /** Every schema of the database except the system and temporary ones (search_path judgement). */
  namespaces?: PgSchema[];
  /** Views reaching a configured table, and tables whose rules or triggers touch one. */
  relations?: PgRelation[];
  rules?: PgRule[];
  /** Foreign keys of those relations whose actions write the referencing rows. Absent in hand-built catalogs. */
  foreignKeys?: PgForeignKey[];
  functions?: PgFunction[];
  triggers?: PgTrigger[];
  /** Functions the configured tables' defaults, constraints, indexes and policies call. Absent in hand-built catalogs. */
  expressionCalls?: PgExpressionCall[];
}

export const PUBLIC_OID = 0;
